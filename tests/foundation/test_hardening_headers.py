"""Small hardening items a probe found: headers, cookies, feeds, redirects, API docs, body
limits and password spraying — each observed from the outside, as the probe did."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_every_answer_limits_browser_features_and_cross_origin_embedding(client):
    for path in ("/", "/healthz", "/complaints/new/", "/api/schema/"):
        response = client.get(path)
        assert "camera=()" in response["Permissions-Policy"], path
        assert response["Cross-Origin-Resource-Policy"] == "same-origin", path


def test_api_answers_are_never_cached(token_client):
    response = token_client("merchants:read").get("/api/v1/token/")
    assert response["Cache-Control"] == "no-store"


def test_the_language_cookie_is_not_readable_by_scripts(client):
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    cookie = response.cookies["django_language"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_swagger_ui_loads_its_init_script_from_a_file_the_csp_allows(client):
    page = client.get("/api/docs/").content.decode()
    assert "<script>" not in page.replace(" ", "")  # no inline script the CSP would block
    assert "script-src 'self'" in client.get("/api/docs/")["Content-Security-Policy"]


def test_a_json_body_past_the_limit_is_a_413_in_the_api_shape(token_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = '{"source": "moments", "external_id": "x", "text": "' + "字" * 2000 + '"}'
    response = token_client("posts:write").generic(
        "POST", "/api/v1/posts/", body, content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert "请求体过大" in response.json()["detail"]


def test_spraying_one_password_over_many_user_names_locks_the_address(settings, regulator):
    settings.AXES_IP_FAILURE_LIMIT = 8
    client = Client()
    for i in range(8):  # 2 tries for each of 4 names: no single name reaches its limit of 5
        client.post(
            "/admin/login/", {"username": f"user{i % 4}", "password": "Winter2026!"},
            REMOTE_ADDR="10.9.9.9",
        )  # fmt: skip
    response = client.post(
        "/admin/login/",
        {"username": "gz-regulator", "password": "correct-horse-battery"},
        REMOTE_ADDR="10.9.9.9",
    )
    assert response.status_code == 429
    # another address is not affected
    other = Client().post(
        "/admin/login/",
        {"username": "gz-regulator", "password": "correct-horse-battery"},
        REMOTE_ADDR="10.9.9.10",
    )
    assert other.status_code == 302


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_gunicorn_does_not_advertise_itself_and_answers_its_own_errors_in_the_api_shape():
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    env = {**os.environ, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1"}
    proc = subprocess.Popen(
        [gunicorn, "wsmonitor.wsgi"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    server = r.headers.get("Server")
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.3)
        assert server == "wsmonitor"
        # an error gunicorn answers itself (request line over 4,094 bytes) is in the API shape
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/posts/?q={'a' * 5000}")
        except urllib.error.HTTPError as refused:
            assert refused.code == 414
            assert refused.headers["Content-Type"] == "application/json"
            body = json.loads(refused.read())
        assert body["code"] == "uri_too_long" and set(body) == {"code", "detail", "fields"}
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_the_access_log_records_no_query_string_and_no_basic_auth_user():
    """A key sent as a Basic-auth user name or in ``?key=`` ended up in the access log."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    result = subprocess.run(
        [gunicorn, "--print-config", "wsmonitor.wsgi"], cwd=ROOT, env=dict(os.environ),
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("access_log_format"))
    for leaky in ("%(u)s", "%(r)s", "%(q)s", "%(f)s", "%({"):
        assert leaky not in line, line
    assert "%(U)s" in line and "%(s)s" in line


def test_a_login_with_an_unsafe_next_lands_on_the_admin_index(client, regulator):
    response = client.post(
        "/admin/login/?next=https://evil.example/",
        {"username": "gz-regulator", "password": "correct-horse-battery"},
        REMOTE_ADDR="10.1.1.3",
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"  # not Django's default /accounts/profile/ (404)


def test_the_browsable_api_is_off_in_production():
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}},
        "DEBUG": "0",
        "SECRET_KEY": "x" * 20 + "-production-secret-with-enough-entropy-0123456789",
        "ALLOWED_HOSTS": "wsmonitor.example.gov.cn",
        "SALT_KEY": "salt-for-field-encryption-in-production-0123456789",
        "COMPLAINTS_BLIND_INDEX_KEY": "blind-index-key-for-production-0123456789abcdef",
    }
    code = (
        "from django.conf import settings; "
        "print(settings.REST_FRAMEWORK['DEFAULT_RENDERER_CLASSES'])"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "JSONRenderer" in result.stdout
    assert "BrowsableAPIRenderer" not in result.stdout
