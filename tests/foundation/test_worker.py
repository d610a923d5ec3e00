"""A real Celery worker process against the real broker runs what the app enqueued."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from core.models import AuditEntry, OutboxMessage
from core.outbox import outbox_enqueue, outbox_sweep
from tests.broker import using_broker

ROOT = Path(__file__).resolve().parents[2]


def start_worker(
    broker_url: str,
    *,
    extra_env: dict | None = None,
    concurrency: int = 1,
    queues: tuple[str, ...] = (),
) -> subprocess.Popen:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env.update(extra_env or {})
    env["CELERY_BROKER_URL"] = broker_url
    env["DATABASE_URL"] = (
        f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{connection.settings_dict['NAME']}"
    )
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "wsmonitor.celery",
            "worker",
            "--concurrency",
            str(concurrency),
            "--pool",
            "prefork",
            "--loglevel",
            os.environ.get("TEST_WORKER_LOGLEVEL", "WARNING"),
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            *(["--queues", ",".join(queues)] if queues else []),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=None if os.environ.get("TEST_WORKER_LOGLEVEL") else subprocess.DEVNULL,
        start_new_session=True,
    )


def stop_worker(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def wait_for(predicate, timeout: float = 60.0, step: float = 0.3) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


@pytest.fixture
def purged_queue(broker_url):
    from wsmonitor.celery import app

    with app.connection_for_write() as conn:
        app.control.purge(connection=conn)
    yield


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_an_enqueued_task_and_commits(broker_url, purged_queue, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs a shared database server (PostgreSQL)")
    worker = start_worker(broker_url)
    try:
        with using_broker(broker_url, settings=settings), transaction.atomic():
            message = outbox_enqueue(
                "wsmonitor.record_heartbeat", kwargs={"label": "from-the-test"}
            )
        assert wait_for(lambda: AuditEntry.objects.filter(data__label="from-the-test").exists())
        assert wait_for(
            lambda: OutboxMessage.objects.get(pk=message.pk).completed_at is not None, 15
        )
    finally:
        stop_worker(worker)


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_work_enqueued_while_the_broker_is_down_runs_after_the_sweep(
    broker_url, purged_queue, settings
):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs a shared database server (PostgreSQL)")
    started = time.monotonic()
    # Nothing listens on port 1: the broker is down when the work arrives.
    with using_broker("redis://127.0.0.1:1/0", settings=settings), transaction.atomic():
        message = outbox_enqueue("wsmonitor.record_heartbeat", kwargs={"label": "outage"})
    assert time.monotonic() - started < 10, "a broker outage must not block the caller"
    stored = OutboxMessage.objects.get(pk=message.pk)
    assert stored.published_at is None and stored.completed_at is None
    assert "Error" in stored.last_error

    worker = start_worker(broker_url)  # the broker is back
    try:
        with using_broker(broker_url, settings=settings):
            # the sweep publishes it (this process's background publisher, retrying on its own
            # schedule, may get there first: either way it goes out once the broker is back)
            def published() -> bool:
                outbox_sweep()
                return OutboxMessage.objects.get(pk=message.pk).published_at is not None

            assert wait_for(published, 30)
        assert wait_for(lambda: AuditEntry.objects.filter(data__label="outage").exists())
        assert AuditEntry.objects.filter(data__label="outage").count() == 1  # run once
    finally:
        stop_worker(worker)
