"""Health checks, the public base page, security headers, the size cap and admin lockout."""

import pytest

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_anything(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_reports_the_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


def test_readyz_names_an_unreachable_broker(client, settings):
    from tests.broker import using_broker

    with using_broker("redis://127.0.0.1:1/0", settings=settings):
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["broker"]
    assert body["checks"]["broker"].startswith("error")


def test_home_speaks_simplified_chinese_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "投诉" in html
    assert "File a complaint" not in html


def test_an_english_browser_still_gets_chinese(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "投诉" in html


def test_english_is_one_switch_away(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "File a complaint" in html


def test_pages_carry_security_headers_and_a_strict_csp(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_pages_load_nothing_from_other_hosts(client):
    html = client.get("/").content.decode()
    assert "http://" not in html.replace("http://127.0.0.1", "")
    assert "https://" not in html
    assert 'src="//' not in html and 'href="//' not in html


def test_an_oversized_request_is_refused_before_it_is_read(client, settings):
    settings.MAX_REQUEST_BYTES = 1024 * 1024

    class Exploding:
        """A body that fails the test if anything reads it."""

        def read(self, *args):
            raise AssertionError("the body was read")

        readline = read

    response = client.generic(
        "POST",
        "/api/v1/token/",
        data=b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(2 * 1024**3),
        **{"wsgi.input": Exploding()},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_an_oversized_form_post_gets_a_chinese_page(client, settings):
    settings.MAX_REQUEST_BYTES = 1024
    response = client.post("/", data={"x": "y" * 5000})
    assert response.status_code == 413
    assert "请求过大" in response.content.decode()


def test_admin_login_locks_out_after_five_failures(client, regulator):
    for _ in range(5):
        response = client.post(
            "/admin/login/",
            {"username": "gz-regulator", "password": "wrong"},
            REMOTE_ADDR="10.1.1.1",
        )
    response = client.post(
        "/admin/login/",
        {"username": "gz-regulator", "password": "correct-horse-battery"},
        REMOTE_ADDR="10.1.1.1",
    )
    assert response.status_code == 429
    # A spoofed X-Forwarded-For does not open a new bucket (no trusted proxy configured).
    response = client.post(
        "/admin/login/",
        {"username": "gz-regulator", "password": "correct-horse-battery"},
        REMOTE_ADDR="10.1.1.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert response.status_code == 429


def test_admin_login_works_with_the_right_password(client, regulator):
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "gz-regulator", "password": "correct-horse-battery"},
        REMOTE_ADDR="10.1.1.2",
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
