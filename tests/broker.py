"""Helpers for tests that point the Celery app at another broker for a while."""

from contextlib import contextmanager

import kombu.pools

from wsmonitor.celery import app


def _reset_pools() -> None:
    # kombu keeps producer pools in a global registry keyed by connection: clear it whole.
    kombu.pools.reset()
    app.amqp._producer_pool = None
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None


@contextmanager
def using_broker(url: str, *, eager: bool = False, settings=None):
    """Send tasks to ``url`` (not eagerly) inside the block, then restore the app."""
    old_url, old_eager = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url = url
    app.conf.broker_write_url = url
    app.conf.broker_read_url = url
    app.conf.task_always_eager = eager
    if settings is not None:
        settings.CELERY_TASK_ALWAYS_EAGER = eager
        settings.CELERY_BROKER_URL = url
    _reset_pools()
    try:
        yield
    finally:
        from core.outbox import OUTBOX_PUBLISHER
        from merchants.scan_dispatch import SCAN_REQUESTS

        # Publications requested inside the block go to its broker.
        SCAN_REQUESTS.flush()
        OUTBOX_PUBLISHER.flush()
        app.conf.broker_url = old_url
        app.conf.broker_write_url = old_url
        app.conf.broker_read_url = old_url
        app.conf.task_always_eager = old_eager
        _reset_pools()
