"""Transactional outbox: work that must survive a broker outage.

``outbox_enqueue`` writes a row in the caller's transaction; after commit the row's id goes to
the process's publisher thread (``BackgroundPublisher``), so a request never waits on the broker.
If publishing fails (Redis down or hung), or the process dies first, the row stays unpublished
and ``outbox_sweep`` (a Celery beat task, also runnable as ``manage.py outbox_sweep``) publishes
it again later. A worker runs the named task through ``deliver`` and marks the row completed, so
a task whose worker died is published again after ``OUTBOX_REPUBLISH_AFTER_SECONDS``. Tasks must
therefore be idempotent.
"""

import atexit
import importlib
import importlib.util
import logging
import os
import threading
import time
from datetime import timedelta

from celery import current_app as app
from celery import current_task
from django.apps import apps
from django.conf import settings
from django.db import close_old_connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.models import OutboxMessage

log = logging.getLogger(__name__)

# After this many publications a message is left for an operator (visible in the admin).
MAX_ATTEMPTS = 25


def outbox_enqueue(task_name: str, *, kwargs: dict, key: str | None = None) -> OutboxMessage:
    """Record ``task_name(**kwargs)`` to run after the current transaction commits.

    ``key`` makes the enqueue idempotent: a second enqueue with the same key while the first
    is not completed returns the existing row.
    """
    if key is not None:
        existing = OutboxMessage.objects.filter(dedupe_key=key).first()
        if existing is not None:
            if existing.completed_at is None:
                return existing
            # Completed earlier: free the key for this new piece of work.
            OutboxMessage.objects.filter(pk=existing.pk).update(dedupe_key=None)
    message = OutboxMessage.objects.create(task_name=task_name, payload=kwargs, dedupe_key=key)
    transaction.on_commit(lambda: outbox_request_publish(message.pk))
    return message


def outbox_request_publish(message_id: int, *, stamped: bool = False) -> None:
    """After commit: have the row published. In-process (eager) setups and code running in a
    worker's task publish at once; a web process hands the id to its publisher thread.
    ``stamped``: the row was written already counted as published (``publish_attempts`` 1,
    ``published_at`` set, in the transaction that created it), so its first publication sends
    it without writing that again."""
    if publish_at_once() and stamped:
        publish(message_id, stamped=True)
    elif publish_at_once():
        publish(message_id)
    elif stamped:
        OUTBOX_PUBLISHER.submit_stamped([message_id])
    else:
        OUTBOX_PUBLISHER.submit([message_id])


def publish_at_once() -> bool:
    """True in in-process (eager) setups and inside a worker's task, where work is published at
    once rather than through a process's publisher thread: a pool process may end without running
    exit handlers, and nothing there waits on the broker's round trip."""
    return bool(settings.CELERY_TASK_ALWAYS_EAGER or current_task)


def task_send(name: str, *, args: list) -> None:
    """Run the registered task ``name`` with ``args``: in this process in eager setups, else
    through the broker with the task's own options. Raises what the broker raises, so the caller
    can leave its rows for a sweeper. The apps' services publish through here and never import
    Celery or their own ``tasks`` module."""
    app = _app()
    if name not in app.tasks:  # "<app>.<task>" is registered by that app's tasks module
        importlib.import_module(f"{apps.get_app_config(name.split('.', 1)[0]).name}.tasks")
    task = app.tasks[name]
    if settings.CELERY_TASK_ALWAYS_EAGER:
        task.apply(args=args)
    else:
        task.apply_async(args=args)


def publish(message_id: int, *, stamped: bool = False) -> bool:
    """Send one outbox row to the broker. Returns False (and leaves the row for the sweeper)
    when the broker cannot take it; never raises to the caller. The row is first counted as
    published (its attempts and time), unless it was written so (``stamped``): a process that
    dies before sending it leaves it for the sweeper, which publishes it again
    ``OUTBOX_REPUBLISH_AFTER_SECONDS`` later."""
    if not stamped:
        OutboxMessage.objects.filter(pk=message_id).update(
            publish_attempts=F("publish_attempts") + 1, published_at=timezone.now()
        )
    try:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            deliver(message_id)
        else:
            _app().send_task("wsmonitor.outbox_deliver", args=[message_id])
    except Exception as exc:
        log.warning("outbox message %s not published: %s", message_id, exc)
        OutboxMessage.objects.filter(pk=message_id, completed_at__isnull=True).update(
            published_at=None, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        return False
    return True


def deliver(message_id: int) -> None:
    """Run the task an outbox row names, in this process, then mark it completed."""
    message = OutboxMessage.objects.filter(pk=message_id, completed_at__isnull=True).first()
    if message is None:
        return  # already done (a duplicate delivery) or removed
    task = _app().tasks[message.task_name]
    try:
        task.run(**message.payload)
    except Exception as exc:
        # Recorded for the operator (admin list), then raised so the worker logs and retries it.
        OutboxMessage.objects.filter(pk=message_id).update(
            last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    OutboxMessage.objects.filter(pk=message_id).update(completed_at=timezone.now(), last_error="")


def outbox_sweep(*, limit: int = 500) -> int:
    """Publish again every row never published, or published long ago and still not done."""
    stale = timezone.now() - timedelta(seconds=settings.OUTBOX_REPUBLISH_AFTER_SECONDS)
    ids = list(
        OutboxMessage.objects.filter(completed_at__isnull=True, publish_attempts__lt=MAX_ATTEMPTS)
        .filter(Q(published_at__isnull=True) | Q(published_at__lt=stale))
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    published = 0
    for message_id in ids:
        if publish(message_id):
            published += 1
        else:
            break  # the broker is down: the next sweep tries again
    return published


class BackgroundPublisher:
    """Publishes what one process's requests committed from a background thread, never from
    the request: with the broker hung, a publication waits for socket timeouts (seconds) and a
    request must not wait with it.

    ``submit`` only appends the ids and wakes the thread. The thread publishes what has gathered
    within ``delay()`` seconds of the first waiting id (0: at once), or at once when ``chunk()``
    ids are waiting, by calling ``publish(ids)``, which returns the ids it could not publish.
    Those are tried again after a pause that doubles from ``RETRY_FIRST`` to ``RETRY_MAX``
    seconds, so work accepted while the broker was down or hung goes out soon after it is back.
    The rows behind the ids are committed before they are submitted and are their own outbox:
    if the process dies before the thread publishes them, or more than ``MAX_WAITING`` ids are
    waiting, the sweeper publishes them later. One thread per process and publisher; after a
    fork the child starts its own on first use."""

    name = "publisher"
    RETRY_FIRST = 1.0
    RETRY_MAX = 30.0
    MAX_WAITING = 100_000

    def __init__(self) -> None:
        self._ids: list[int] = []
        self._lock = threading.Lock()
        self._publishing = threading.Lock()
        self._wake = threading.Event()
        self._full = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._retry_in = 0.0  # seconds the thread pauses before its next attempt (0: none)

    def delay(self) -> float:
        """Seconds to let concurrent requests join the first waiting id."""
        return 0.0

    def chunk(self) -> int:
        """Ids that make a publication worth sending without waiting for ``delay``."""
        return 1

    def publish(self, ids: list[int]) -> list[int]:
        """Send ``ids`` to the broker; returns those it could not send. Must not raise."""
        raise NotImplementedError

    def submit(self, ids: list[int]) -> None:
        with self._lock:
            self._ids.extend(ids)
            if len(self._ids) >= self.chunk():
                self._full.set()
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                # First use in this process (after a fork, the parent's thread is not here).
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self._thread.start()
        self._wake.set()

    def flush(self) -> bool:
        """Publish what is waiting now, in the caller's thread; returns once any publication
        in progress in the background has finished too. False when some of it could not be
        published (it stays waiting for the next attempt)."""
        with self._publishing:
            with self._lock:
                ids, self._ids = self._ids, []
                self._full.clear()
            if not ids:
                return True
            left = self.publish(ids)
            with self._lock:
                waiting = left + self._ids
                dropped = len(waiting) - self.MAX_WAITING
                if dropped > 0:
                    log.warning("%s: %d ids left for the sweeper", self.name, dropped)
                    waiting = waiting[dropped:]
                self._ids = waiting
                if left:
                    self._retry_in = min(max(self._retry_in * 2, self.RETRY_FIRST), self.RETRY_MAX)
                    self._wake.set()  # the thread tries again after its pause
                else:
                    self._retry_in = 0.0
            return not left

    def _run(self) -> None:
        while True:
            self._wake.wait()
            if self._retry_in:
                time.sleep(self._retry_in)  # the broker just failed: give it a moment
            delay = self.delay()
            if delay > 0:
                # Let concurrent requests join, unless a full publication is already waiting.
                self._full.wait(delay)
            self._wake.clear()
            # The thread's own database connection follows the request rule (DB_CONN_MAX_AGE,
            # dropped after an error), checked around every publication.
            close_old_connections()
            try:
                self.flush()
            except Exception:  # the rows stay pending for the sweeper; the thread lives on
                log.exception("%s: publication failed, the sweeper will retry", self.name)
            finally:
                close_old_connections()


class OutboxPublisher(BackgroundPublisher):
    name = "outbox-publisher"

    def __init__(self) -> None:
        super().__init__()
        self._stamped: set[int] = set()  # rows written as published: their first try only

    def submit_stamped(self, ids: list[int]) -> None:
        """``submit`` for rows written already counted as published (``publish(stamped=)``)."""
        with self._lock:
            self._stamped.update(ids)
        self.submit(ids)

    def publish(self, ids: list[int]) -> list[int]:
        for i, message_id in enumerate(ids):
            with self._lock:
                stamped = message_id in self._stamped
                self._stamped.discard(message_id)
            sent = publish(message_id, stamped=True) if stamped else publish(message_id)
            if not sent:
                # The broker is down or hung: the rest waits for the next attempt rather than
                # each paying the timeout in turn.
                return ids[i:]
        return []


OUTBOX_PUBLISHER = OutboxPublisher()
atexit.register(OUTBOX_PUBLISHER.flush)  # a clean shutdown publishes what is waiting


_tasks_imported = False


def _app():
    """Our Celery app, with every app's ``tasks`` module imported so tasks resolve by name.

    The modules are imported directly: Celery's ``import_default_modules`` would fire its Django
    fixup, which sets Django up again and re-applies ``LOGGING`` — inside a worker's pool process
    that silenced every later log line."""
    global _tasks_imported

    if not _tasks_imported:
        for config in apps.get_app_configs():
            if importlib.util.find_spec(f"{config.name}.tasks") is not None:
                importlib.import_module(f"{config.name}.tasks")
        _tasks_imported = True
    return app
