"""Workers keep their database connection between tasks (Django's max-age rule), instead of
Celery's default of closing it before and after every task (a new PostgreSQL backend each time)."""

import pytest
from celery.fixups.django import DjangoWorkerFixup
from celery.signals import task_postrun, task_prerun
from django.db import connection

from wsmonitor.celery import app


@pytest.fixture
def postgres_only(transactional_db):  # autocommit, as in a worker
    if connection.vendor != "postgresql":
        pytest.skip("closing the connection of SQLite's in-memory test database would lose it")


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_the_celery_fixup_no_longer_closes_connections_around_tasks(postgres_only):
    fixup = DjangoWorkerFixup(app)
    before = backend_pid()
    for _ in range(3):  # what the fixup does before and after each task
        fixup.close_database()
    assert backend_pid() == before


def test_a_task_keeps_a_young_connection_and_drops_one_that_failed(postgres_only, monkeypatch):
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    before = backend_pid()
    connection.close_at = None  # no age limit
    task_prerun.send(sender=None)
    task_postrun.send(sender=None)
    assert backend_pid() == before
    connection.errors_occurred = True
    monkeypatch.setattr(connection, "is_usable", lambda: False)
    task_postrun.send(sender=None)
    assert connection.connection is None  # closed; the next query opens a new one
