"""A hung Redis (broker and cache) never freezes the web tier.

Redis is paused with ``CLIENT PAUSE … ALL``: connections stay open and every command waits,
which is what a hung server looks like to its clients (a dead one refuses at once). While it
is paused, a public complaint submission and an API post each answer in under 2 s; after the
pause both are processed by a real worker without anyone's help (no sweeper run).

``CLIENT PAUSE`` stops the whole Redis server, shared with anything else using it: the pause is
short (8 s) and this is the only test that makes one.
"""

import os
import threading
import time

import pytest
import redis
from django.db import connection

from tests.broker import using_broker
from tests.complaints.conftest import complaint_post
from tests.foundation.test_worker import start_worker, stop_worker, wait_for

PAUSE_MS = 8_000
LIMIT_SECONDS = 2.0


def _complaint_form(**overrides) -> dict:
    # a complaint and a report: two cases, two after-intake publications
    return complaint_post(kind="both", merchant_wechat_id="hung_redis_shop", **overrides)


def _post(external_id: str) -> dict:
    return {
        "source": "moments",
        "external_id": external_id,
        "text": "高仿LV包包，一比一复刻，专柜品质",
        "merchant": {"platform": "wechat_id", "handle": "hung_redis_seller"},
    }


def _accepted(response) -> bool:
    """The form stored the submission: its receipt page, or the redirect to it."""
    if response.status_code == 302:
        return "/receipt/" in response["Location"]
    return response.status_code == 200


@pytest.fixture
def redis_for_everything(broker_url):
    """The real broker and the real cache (as .ci/run sets them), and a client to pause them."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs a shared database server (PostgreSQL)")
    if not os.environ.get("CACHE_URL") or not isinstance(caches["default"], RedisCache):
        pytest.skip("CACHE_URL is not set: the rate limits would not use Redis")
    control = redis.Redis.from_url(broker_url, socket_timeout=5)
    yield control
    control.execute_command("CLIENT", "UNPAUSE")
    control.close()
    from core import ratelimit

    ratelimit.reset_breakers()  # later tests count on the real cache again


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_with_redis_hung_a_complaint_and_an_api_post_answer_fast_and_are_processed_after(
    broker_url, redis_for_everything, token_client, client, settings
):
    from complaints.defaults import seed
    from complaints.models import Case, DeadlineRule, RefusalGround
    from core.models import OutboxMessage
    from merchants.models import Post
    from wsmonitor.celery import app

    seed(DeadlineRule, RefusalGround)
    api = token_client("posts:write", "posts:read")
    worker = start_worker(broker_url)
    try:
        with using_broker(broker_url, settings=settings):
            with app.connection_for_write() as conn:
                app.control.purge(connection=conn)
            # A process that has been serving: its connections to Redis are open.
            assert _accepted(client.post("/complaints/new/", _complaint_form(phone="13812340000")))
            assert api.post("/api/v1/posts/", _post("warm-up"), format="json").status_code == 201
            assert wait_for(lambda: not Post.objects.filter(scan_state="pending").exists(), 60)
            assert wait_for(
                lambda: not OutboxMessage.objects.filter(completed_at__isnull=True).exists(), 60
            )
            cases_before = Case.objects.count()

            redis_for_everything.execute_command("CLIENT", "PAUSE", PAUSE_MS, "ALL")
            paused_at = time.monotonic()

            # Both at once, as two gunicorn workers would take them.
            answers: dict[str, tuple[object, float]] = {}

            def timed(name, call):
                started = time.monotonic()
                try:
                    answers[name] = (call(), time.monotonic() - started)
                finally:
                    connection.close()  # this thread's own database connection

            threads = [
                threading.Thread(
                    target=timed,
                    args=("complaint", lambda: client.post("/complaints/new/", _complaint_form())),
                ),
                threading.Thread(
                    target=timed,
                    args=(
                        "post",
                        lambda: api.post(
                            "/api/v1/posts/", _post("during-the-pause"), format="json"
                        ),
                    ),
                ),
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            (form, complaint_seconds), (post, post_seconds) = answers["complaint"], answers["post"]
            still_paused = time.monotonic() - paused_at < PAUSE_MS / 1000
            print(f"paused: complaint {complaint_seconds:.2f} s, post {post_seconds:.2f} s")

            assert complaint_seconds < LIMIT_SECONDS, f"complaint took {complaint_seconds:.1f} s"
            assert post_seconds < LIMIT_SECONDS, f"post took {post_seconds:.1f} s"
            assert still_paused  # the answers came while Redis was still hung
            assert _accepted(form), form.content[:500]
            assert Case.objects.count() == cases_before + 2
            assert post.status_code == 201, post.content

            # After the pause, both are processed: the post scanned, the cases' follow-up done.
            assert wait_for(
                lambda: Post.objects.get(external_id="during-the-pause").scan_state == "scanned",
                60,
            ), "the post was not scanned after the pause"
            assert wait_for(
                lambda: not OutboxMessage.objects.filter(completed_at__isnull=True).exists(), 60
            ), list(OutboxMessage.objects.filter(completed_at__isnull=True).values())
            print(f"processed {time.monotonic() - paused_at:.1f} s after the pause began")
    finally:
        stop_worker(worker)
