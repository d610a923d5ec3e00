"""With no broker, queued work runs in-process right after commit, and never before it."""

import pytest
from django.db import transaction

from core.models import AuditEntry, OutboxMessage
from core.outbox import outbox_enqueue

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_process(settings):
    from wsmonitor.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    old = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = old


def test_work_runs_after_commit_in_process(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            message = outbox_enqueue("wsmonitor.record_heartbeat", kwargs={"label": "eager"})
            assert not AuditEntry.objects.filter(data__label="eager").exists()
    assert len(callbacks) == 1
    assert AuditEntry.objects.filter(data__label="eager").exists()
    assert OutboxMessage.objects.get(pk=message.pk).completed_at is not None


def test_a_dedupe_key_enqueues_pending_work_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        first = outbox_enqueue("wsmonitor.record_heartbeat", kwargs={"label": "a"}, key="k1")
        second = outbox_enqueue("wsmonitor.record_heartbeat", kwargs={"label": "a"}, key="k1")
    assert first.pk == second.pk
    assert OutboxMessage.objects.count() == 1


def test_rolled_back_work_is_never_run(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox_enqueue("wsmonitor.record_heartbeat", kwargs={"label": "rolled-back"})
            raise RuntimeError("boom")
    assert not OutboxMessage.objects.exists()
    assert not AuditEntry.objects.filter(data__label="rolled-back").exists()


def test_a_failing_step_records_its_error_for_the_operator():
    from core.outbox import deliver

    message = OutboxMessage.objects.create(
        task_name="wsmonitor.record_heartbeat", payload={"no_such_argument": 1}
    )
    with pytest.raises(TypeError):
        deliver(message.pk)
    message.refresh_from_db()
    assert message.completed_at is None
    assert message.last_error.startswith("TypeError")
