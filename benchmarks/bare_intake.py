"""The floor of the complaint form benchmark: a bare Django view that stores the uploaded file
and one row, nothing else (no middleware, no form, no audit).

    BARE_DB=/tmp/bare.sqlite3 BARE_MEDIA=/tmp/bare-media \\
        gunicorn --workers 2 --chdir benchmarks bare_intake:application

``BARE_DB`` is a SQLite file, or a ``postgres://`` URL to store the row in PostgreSQL (the peer
of the form served from PostgreSQL; connections kept open as ``DB_CONN_MAX_AGE`` says, 0 by
default as for the form).

``POST /submit/`` with a multipart ``evidence`` file and a ``description`` answers
``<p data-tracking-number>ID</p>``; ``GET /healthz`` answers ``ok``.
"""

import hashlib
import os
import sqlite3

import dj_database_url
import django
from django.conf import settings

POSTGRES = os.environ["BARE_DB"].startswith("postgres")
if POSTGRES:
    DATABASE = dj_database_url.parse(
        os.environ["BARE_DB"], conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0"))
    )
else:
    DATABASE = {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["BARE_DB"]}

settings.configure(
    DEBUG=False,
    SECRET_KEY="bare-intake-benchmark-only",  # noqa: S106
    ALLOWED_HOSTS=["127.0.0.1"],
    ROOT_URLCONF=__name__,
    DATABASES={"default": DATABASE},
    INSTALLED_APPS=[],
    MIDDLEWARE=[],
    MEDIA_ROOT=os.environ["BARE_MEDIA"],
    DATA_UPLOAD_MAX_MEMORY_SIZE=20 * 1024 * 1024,
    USE_TZ=True,
)
django.setup()

from django.core.files.storage import default_storage  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.utils import timezone  # noqa: E402

if POSTGRES:  # the workers start together: two concurrent CREATEs of one table can collide
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(18)")
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS ticket (id SERIAL PRIMARY KEY, description TEXT, "
            "file TEXT, sha256 TEXT, created TIMESTAMPTZ)"
        )
    connection.close()
else:
    with sqlite3.connect(os.environ["BARE_DB"]) as db:
        db.execute(
            "CREATE TABLE IF NOT EXISTS ticket (id INTEGER PRIMARY KEY, description TEXT, "
            "file TEXT, sha256 TEXT, created TEXT)"
        )


INSERT = "INSERT INTO ticket (description, file, sha256, created) VALUES (%s, %s, %s, %s)"
if POSTGRES:
    INSERT = INSERT + " RETURNING id"


def submit(request):
    upload = request.FILES["evidence"]
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = default_storage.save("bare/evidence", upload)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            INSERT,
            [request.POST.get("description", ""), name, digest.hexdigest(), timezone.now()],
        )
        pk = cursor.fetchone()[0] if POSTGRES else cursor.lastrowid
    return HttpResponse(f"<p data-tracking-number>{pk}</p>")


def healthz(request):
    return HttpResponse("ok")


urlpatterns = [path("submit/", submit), path("healthz", healthz)]
application = get_wsgi_application()
