"""/readyz answers within about a second when a dependency hangs, and names it.

A hung Redis accepts the connection and then never answers (what ``CLIENT PAUSE`` or a stopped
process looks like to a client). A local socket that accepts and stays silent behaves the same,
so the shared Redis is never paused here.
"""

import socket
import threading
import time
from contextlib import contextmanager

import pytest

from tests.broker import using_broker

pytestmark = pytest.mark.django_db


@contextmanager
def silent_server():
    """A TCP server that accepts connections and never sends a byte: ``(host, port)``."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()
    finally:
        stop.set()
        thread.join(2)
        for conn in accepted:
            conn.close()
        server.close()


def test_a_hung_broker_is_named_within_about_a_second(client, settings):
    with silent_server() as (host, port):
        url = f"redis://{host}:{port}/0"
        with using_broker(url, settings=settings):
            started = time.monotonic()
            response = client.get("/readyz")
            seconds = time.monotonic() - started
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["broker"]
    assert body["checks"]["broker"].startswith("error")
    assert body["checks"]["database"] == "ok"
    assert seconds < 1.5, f"/readyz took {seconds:.2f} s with the broker hung"


def test_the_checks_run_side_by_side_each_bounded(monkeypatch):
    from core import views

    def hang():
        time.sleep(3)
        return "ok"

    started = time.monotonic()
    checks = views._run_bounded({"database": hang, "broker": hang}, timeout=0.5)
    seconds = time.monotonic() - started
    assert checks["database"].startswith("error") and checks["broker"].startswith("error")
    assert seconds < 1.0, f"two hung checks took {seconds:.2f} s"


def test_a_healthy_broker_is_ok(client, settings, broker_url):
    with using_broker(broker_url, settings=settings):
        response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"] == {"database": "ok", "broker": "ok"}
