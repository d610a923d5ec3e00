"""The pipeline through a real Redis broker and real worker processes.

These are the promises integrators rely on: every post is scanned exactly once per lexicon
version even when a worker is killed mid-batch, and a post accepted while the broker is down
is scanned once it is back.
"""

import os
import signal
import time

import pytest
from django.db import connection

from lexicon.services import active_scanner
from merchants.models import Finding, Post
from merchants.scan_dispatch import posts_sweep_pending
from tests.broker import using_broker
from tests.foundation.test_worker import start_worker, stop_worker, wait_for
from tests.merchants.conftest import post_payload

TEXTS = [
    "高仿LV包包，一比一复刻，私聊",
    "全网最低价，国家级品质，无效退款",
    "今天到了一批新鲜水果，欢迎选购",
    "纯原莆田鞋，专柜品质，加我微信私下转账",
    "最近第一次买，效果一般",
    "三天见效，根治失眠，绝对安全",
    "我们会第一时间发货，谢谢支持",
    "超A货手表，瑞士机芯，货到付款",
]

FAST_LIMITS = {
    "TASK_SOFT_TIME_LIMIT": "15",
    "TASK_TIME_LIMIT": "20",
    # the OCR queue's limits must stay below the broker's visibility timeout too
    "OCR_SOFT_TIME_LIMIT": "15",
    "OCR_TIME_LIMIT": "20",
    "BROKER_VISIBILITY_TIMEOUT": "30",
}


@pytest.fixture
def needs_postgres(broker_url):
    if connection.vendor != "postgresql":
        pytest.skip("worker processes need a shared database server (PostgreSQL)")
    from wsmonitor.celery import app

    with using_broker(broker_url), app.connection_for_write() as conn:
        app.control.purge(connection=conn)  # nothing left over from an earlier test


def expected_findings(texts: list[str]) -> int:
    _version, scanner = active_scanner()
    return sum(len({(f.rule, f.start, f.end) for f in scanner.scan(t).findings}) for t in texts)


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_loses_and_duplicates_nothing(
    broker_url, needs_postgres, token_client, settings
):
    total = 5000
    settings.SCAN_CHUNK_SIZE = 50  # 100 tasks: the kill lands between and inside them
    client = token_client("posts:write")
    texts = [f"{TEXTS[i % len(TEXTS)]} #{i}" for i in range(total)]
    with using_broker(broker_url, settings=settings):
        for start in range(0, total, 1000):
            batch = [post_payload(f"k-{i}", text=texts[i]) for i in range(start, start + 1000)]
            response = client.post("/api/v1/posts/", batch, format="json")
            assert response.status_code == 201
    scanned = lambda: Post.objects.filter(scan_state="scanned").count()  # noqa: E731
    assert scanned() == 0  # everything is queued; no worker has run yet

    worker = start_worker(broker_url, extra_env=FAST_LIMITS, concurrency=2)
    try:
        assert wait_for(lambda: scanned() >= 1, 120, step=0.02), "the worker never got going"
        os.killpg(worker.pid, signal.SIGKILL)  # the whole worker: main process and pool
        worker.wait()
        killed_at = scanned()
        assert killed_at < total, "the kill came too late to test anything"

        worker = start_worker(broker_url, extra_env=FAST_LIMITS, concurrency=2)
        deadline = time.monotonic() + 240
        with using_broker(broker_url, settings=settings):
            while scanned() < total and time.monotonic() < deadline:
                # What beat does every minute, sped up for the test.
                posts_sweep_pending(older_than_seconds=10)
                time.sleep(3)
    finally:
        stop_worker(worker)

    assert Post.objects.count() == total
    assert scanned() == total
    assert Finding.objects.count() == expected_findings(texts)
    # Exactly once: no post has two findings for the same rule and span.
    keys = list(
        Finding.objects.values_list("post_id", "lexicon_version_id", "rule", "start", "end")
    )
    assert len(keys) == len(set(keys))
    print(f"\nkilled the worker after {killed_at}/{total} posts; all scanned exactly once")


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_a_post_accepted_while_the_broker_is_down_is_scanned_when_it_is_back(
    broker_url, needs_postgres, token_client, settings
):
    client = token_client("posts:write")
    started = time.monotonic()
    with using_broker("redis://127.0.0.1:1/0", settings=settings):
        response = client.post("/api/v1/posts/", post_payload("down-1"), format="json")
    assert response.status_code == 201
    assert time.monotonic() - started < 10
    post = Post.objects.get(external_id="down-1")
    assert post.scan_state == "pending"

    worker = start_worker(broker_url)
    try:
        with using_broker(broker_url, settings=settings):
            assert posts_sweep_pending(older_than_seconds=0) == 1
        assert wait_for(lambda: Post.objects.get(pk=post.pk).scan_state == "scanned", 60)
    finally:
        stop_worker(worker)
    assert Finding.objects.filter(post=post, rule="counterfeit.replica").exists()
