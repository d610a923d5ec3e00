"""Getting stored posts scanned: the publishing side of the pipeline, kept out of the posts
service so that ``merchants.posts`` knows nothing of Celery and ``merchants.tasks`` can import the
services at module level.

A post is committed with ``scan_state=pending`` before anything here runs; that row is the outbox.
``posts_request_scan`` runs after commit and hands the ids to the process's ``ScanRequests``
thread (or publishes at once in a worker's task and in-process setups); ``posts_sweep_pending``
(beat, every minute) queues again what a broker outage or a dead worker left pending. The task is
sent by its registered name through the platform (``core.outbox.task_send``).
"""

import atexit
import logging

from django.conf import settings
from django.utils import timezone

from core.outbox import BackgroundPublisher, publish_at_once, task_send
from merchants.models import Post

log = logging.getLogger(__name__)

SCAN_TASK = "merchants.scan_posts"  # merchants.tasks.scan_posts


class ScanRequests(BackgroundPublisher):
    """Coalesces the scan requests of one process into few tasks, published off the request.

    Many clients posting one post each would otherwise cost a broker round trip per request and
    a task per post. ``submit`` only appends the ids; the background thread publishes what has
    gathered within ``SCAN_PUBLISH_DELAY_MS`` of the first waiting id, in tasks of up to
    ``SCAN_CHUNK_SIZE`` ids, or at once when a full task's worth is waiting (a batch of 1,000
    gains nothing by waiting). The posts are already committed as pending, so nothing depends
    on the thread: what the broker refuses is tried again by the thread, and if the process dies
    before it publishes, the sweeper queues the posts again."""

    name = "scan-requests"

    def delay(self) -> float:
        return settings.SCAN_PUBLISH_DELAY_MS / 1000

    def chunk(self) -> int:
        return settings.SCAN_CHUNK_SIZE

    def publish(self, ids: list[int]) -> list[int]:
        chunk = settings.SCAN_CHUNK_SIZE
        for i in range(0, len(ids), chunk):
            if not posts_queue_scan(post_ids=ids[i : i + chunk]):
                return ids[i:]  # the broker failed: these wait for the next attempt
        return []


SCAN_REQUESTS = ScanRequests()
atexit.register(SCAN_REQUESTS.flush)  # a clean shutdown publishes what is waiting


def posts_request_scan(*, post_ids: list[int]) -> None:
    """After commit: have the posts scanned. In-process (eager) setups and code running in a
    worker's task publish at once; otherwise (web processes) the ids join the process's next
    publication from its background thread (at once with ``SCAN_PUBLISH_DELAY_MS=0``, still
    off the request: a hung broker must not hold it)."""
    # Inside a task (a campaign snapshot, an import) publish at once: a pool process may end
    # without running exit handlers, and nothing there waits on the broker's round trip.
    if publish_at_once():
        posts_queue_scan(post_ids=post_ids)
    else:
        SCAN_REQUESTS.submit(post_ids)


def posts_queue_scan(*, post_ids: list[int]) -> bool:
    """Publish scan tasks in chunks; on a broker failure the posts stay pending for the sweeper.
    Never raises: it runs after commit, when the posts are already safe."""
    chunk = settings.SCAN_CHUNK_SIZE
    try:
        for i in range(0, len(post_ids), chunk):
            task_send(SCAN_TASK, args=[post_ids[i : i + chunk]])
    except Exception as exc:
        log.warning("scan of %d post(s) not queued, to be retried: %s", len(post_ids), exc)
        return False
    return True


def posts_sweep_pending(*, older_than_seconds: int | None = None, limit: int = 5000) -> int:
    """Queue again posts left pending: the broker was down when they arrived, or the worker
    that took them died (its transaction rolled back, so they are pending again)."""
    if older_than_seconds is None:
        older_than_seconds = settings.SCAN_SWEEP_AFTER_SECONDS
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    ids = list(
        Post.objects.filter(scan_state=Post.ScanState.PENDING, scan_requested_at__lt=cutoff)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    if not ids:
        return 0
    Post.objects.filter(pk__in=ids).update(scan_requested_at=timezone.now())
    return len(ids) if posts_queue_scan(post_ids=ids) else 0
