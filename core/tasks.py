from celery import shared_task

from core.audit import audit_log
from core.outbox import deliver
from core.outbox import outbox_sweep as sweep
from core.storage_scrub import scrub


@shared_task(
    name="wsmonitor.outbox_deliver",
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def outbox_deliver(message_id: int) -> None:
    deliver(message_id)


@shared_task(name="wsmonitor.outbox_sweep")
def outbox_sweep() -> int:
    return sweep()


@shared_task(name="wsmonitor.storage_scrub")
def storage_scrub() -> dict:
    """Nightly report of files and rows out of step (``manage.py scrub_orphan_files``); it
    never removes anything, and each run is audited."""
    report = scrub(delete=False)
    return {"orphans": len(report.orphans), "missing": len(report.missing)}


@shared_task(name="wsmonitor.record_heartbeat")
def record_heartbeat(label: str) -> None:
    """Writes an audit entry from a worker; used by operators and the broker test to prove
    that a real worker runs tasks and commits to the database."""

    audit_log("system.heartbeat", actor_label="worker", data={"label": label})
