"""Nothing a request does waits on a hung broker or cache for long.

A hung server is simulated by a socket that accepts connections and never answers; no Redis is
needed. The real-Redis version (``CLIENT PAUSE``) is tests/foundation/test_hung_redis.py.
"""

import socket
import threading
import time

import pytest
from django.db import transaction

from core import outbox, ratelimit
from core.models import OutboxMessage


@pytest.fixture
def hung_server():
    """``redis://`` URL of a server that takes connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


def test_a_hung_cache_costs_a_form_one_short_wait_then_nothing(hung_server, settings):
    """The public complaint form makes three rate-limit calls; with the cache hung they cost
    well under a second together, and the calls that follow within the breaker's time cost
    nothing at all."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": hung_server,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},  # as in production
        }
    }
    try:
        started = time.monotonic()
        assert ratelimit.count("form:ip", 3600) == 0  # fails open
        assert ratelimit.peek("form:phone") == 0
        assert ratelimit.count("form:phone", 86400) == 0
        first = time.monotonic() - started
        started = time.monotonic()
        for _ in range(100):
            ratelimit.count("api:token", 60)
        later = time.monotonic() - started
    finally:
        ratelimit.reset_breakers()
    assert first < 0.6, f"three limit calls took {first:.2f} s with the cache hung"
    assert later < 0.1, f"100 calls with the breaker open took {later:.2f} s"


def test_after_the_breaker_time_the_cache_is_tried_again(hung_server, settings, monkeypatch):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": hung_server,
        }
    }
    clock = [1000.0]
    monkeypatch.setattr(ratelimit, "_clock", lambda: clock[0])
    tried: list[str] = []
    real_client = ratelimit._client

    def counting_client(server):
        tried.append(server)
        return real_client(server)

    monkeypatch.setattr(ratelimit, "_client", counting_client)
    try:
        ratelimit.count("k", 60)
        ratelimit.count("k", 60)
        assert len(tried) == 1  # the second call did not try the hung server
        clock[0] += ratelimit.BREAKER_SECONDS + 1
        ratelimit.count("k", 60)
        assert len(tried) == 2
    finally:
        ratelimit.reset_breakers()


@pytest.mark.django_db(transaction=True)
def test_the_request_hands_outbox_work_to_the_publisher_thread(settings, monkeypatch):
    """With a broker (not in-process), the commit returns at once even when publishing takes
    seconds, and the row is published from the background."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    published: list[tuple[int, str]] = []

    def slow_publish(message_id: int) -> bool:
        time.sleep(3)  # a hung broker: socket timeouts
        published.append((message_id, threading.current_thread().name))
        return True

    monkeypatch.setattr(outbox, "publish", slow_publish)
    monkeypatch.setattr(outbox, "OUTBOX_PUBLISHER", outbox.OutboxPublisher())
    started = time.monotonic()
    with transaction.atomic():
        message = outbox.outbox_enqueue("wsmonitor.record_heartbeat", kwargs={"label": "bg"})
    assert time.monotonic() - started < 1, "the commit waited for the broker"
    assert published == []
    deadline = time.monotonic() + 10
    while not published and time.monotonic() < deadline:
        time.sleep(0.05)
    assert published == [(message.pk, "outbox-publisher")]
    assert OutboxMessage.objects.filter(pk=message.pk).exists()


def test_what_the_broker_refused_is_published_once_it_is_back(settings, monkeypatch):
    """No sweeper needed for work that arrived while the broker was hung: the thread tries
    again after a short pause."""
    answers = iter([False, False, True, True, True])
    calls: list[int] = []

    def flaky(message_id: int) -> bool:
        calls.append(message_id)
        return next(answers)

    monkeypatch.setattr(outbox, "publish", flaky)
    publisher = outbox.OutboxPublisher()
    publisher.RETRY_FIRST = 0.05
    publisher.submit([1, 2, 3])
    deadline = time.monotonic() + 10
    while calls[-3:] != [1, 2, 3] and time.monotonic() < deadline:
        time.sleep(0.02)
    # 1 refused, 1 refused again (2 and 3 not tried meanwhile), then all three
    assert calls == [1, 1, 1, 2, 3]
    assert publisher.flush() is True


def test_the_waiting_list_is_bounded_and_the_rest_left_for_the_sweeper(monkeypatch):
    monkeypatch.setattr(outbox, "publish", lambda message_id: False)
    publisher = outbox.OutboxPublisher()
    publisher.MAX_WAITING = 5
    publisher._ids = list(range(10))  # as if submitted; no thread needed
    assert publisher.flush() is False
    assert publisher._ids == [5, 6, 7, 8, 9]
