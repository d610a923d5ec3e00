"""Scan requests of concurrent submissions are gathered into few publications, off the request."""

import threading
import time

import merchants.scan_dispatch as dispatch
from merchants.scan_dispatch import ScanRequests, posts_request_scan


def test_concurrent_requests_are_published_together_and_none_is_lost(monkeypatch, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.SCAN_PUBLISH_DELAY_MS = 500  # long enough that all 200 requests arrive first
    published: list[list[int]] = []
    monkeypatch.setattr(
        dispatch, "posts_queue_scan", lambda post_ids: published.append(post_ids) or True
    )
    requests = ScanRequests()
    monkeypatch.setattr(dispatch, "SCAN_REQUESTS", requests)

    def client(n: int) -> None:
        for i in range(10):
            posts_request_scan(post_ids=[n * 100 + i])

    threads = [threading.Thread(target=client, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert published == []  # the requests returned without waiting for the broker
    deadline = time.monotonic() + 10
    while sum(map(len, published)) < 200 and time.monotonic() < deadline:
        time.sleep(0.01)
    ids = [i for batch in published for i in batch]
    assert sorted(ids) == sorted(n * 100 + i for n in range(20) for i in range(10))
    assert len(published) <= 2, f"{len(published)} publications for 200 requests"


def test_in_process_setups_publish_at_once_and_a_zero_delay_without_waiting(monkeypatch, settings):
    published: list[tuple[list[int], str]] = []
    monkeypatch.setattr(
        dispatch,
        "posts_queue_scan",
        lambda post_ids: published.append((post_ids, threading.current_thread().name)) or True,
    )
    monkeypatch.setattr(dispatch, "SCAN_REQUESTS", ScanRequests())
    settings.CELERY_TASK_ALWAYS_EAGER = True
    posts_request_scan(post_ids=[1])
    assert published == [([1], threading.current_thread().name)]
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.SCAN_PUBLISH_DELAY_MS = 0
    posts_request_scan(post_ids=[2])  # at once, but from the background: never on the request
    deadline = time.monotonic() + 5
    while len(published) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert published[1] == ([2], "scan-requests")


def test_flush_publishes_what_waits(monkeypatch, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.SCAN_PUBLISH_DELAY_MS = 60_000  # the background thread would wait a minute
    published: list[list[int]] = []
    monkeypatch.setattr(
        dispatch, "posts_queue_scan", lambda post_ids: published.append(post_ids) or True
    )
    requests = ScanRequests()
    requests.submit([7, 8])
    assert requests.flush() is True
    assert published == [[7, 8]]


def test_a_full_task_is_published_at_once_without_waiting_for_the_delay(monkeypatch, settings):
    """A batch of SCAN_CHUNK_SIZE posts gains nothing by waiting for more: it goes at once,
    while a smaller request waits for others to join."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.SCAN_PUBLISH_DELAY_MS = 60_000
    settings.SCAN_CHUNK_SIZE = 50
    published: list[list[int]] = []
    monkeypatch.setattr(
        dispatch, "posts_queue_scan", lambda post_ids: published.append(post_ids) or True
    )
    requests = ScanRequests()
    requests.submit([1, 2])
    time.sleep(0.3)
    assert published == []  # a small request waits for company
    requests.submit(list(range(100, 148)))  # together 50 ids: a full task
    deadline = time.monotonic() + 10
    while not published and time.monotonic() < deadline:
        time.sleep(0.01)
    assert published == [[1, 2, *range(100, 148)]]
