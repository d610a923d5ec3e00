"""Transactional outbox: work that must survive a broker outage.

``outbox_enqueue`` writes a row in the caller's transaction and publishes it after commit. If
publishing fails (Redis down or hung), the row stays unpublished and ``outbox_sweep`` (a Celery
beat task, also runnable as ``manage.py outbox_sweep``) publishes it again later. A worker runs
the named task through ``deliver`` and marks the row completed, so a task whose worker died is
published again after ``OUTBOX_REPUBLISH_AFTER_SECONDS``. Tasks must therefore be idempotent.
"""

import importlib
import importlib.util
import logging
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from wsmonitor.models import OutboxMessage

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
    transaction.on_commit(lambda: publish(message.pk))
    return message


def publish(message_id: int) -> bool:
    """Send one outbox row to the broker. Returns False (and leaves the row for the sweeper)
    when the broker cannot take it; never raises to the caller."""
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


_tasks_imported = False


def _app():
    """Our Celery app, with every app's ``tasks`` module imported so tasks resolve by name.

    The modules are imported directly: Celery's ``import_default_modules`` would fire its Django
    fixup, which sets Django up again and re-applies ``LOGGING`` — inside a worker's pool process
    that silenced every later log line."""
    global _tasks_imported
    from wsmonitor.celery import app

    if not _tasks_imported:
        for config in apps.get_app_configs():
            if importlib.util.find_spec(f"{config.name}.tasks") is not None:
                importlib.import_module(f"{config.name}.tasks")
        _tasks_imported = True
    return app
