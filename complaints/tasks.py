"""Celery tasks: load by id, call one service. Enqueued through the outbox."""

from celery import shared_task

from complaints import services
from complaints.models import Case


@shared_task(name="complaints.after_intake")
def after_intake(case_id: int) -> None:
    services.after_intake(case_id=case_id)


@shared_task(name="complaints.make_previews")
def make_previews(case_id: int) -> None:
    case = Case.objects.filter(pk=case_id).first()
    if case is not None:
        services.previews_make(case=case)


@shared_task(name="complaints.mail_complainant")
def mail_complainant(case_id: int, body: str) -> None:
    services.mail_complainant(case_id=case_id, body=body)


@shared_task(name="complaints.notify_assignee")
def notify_assignee(case_id: int, state: str) -> None:
    services.notify_assignee(case_id=case_id, state=state)


@shared_task(name="complaints.sla_sweep")
def sla_sweep() -> dict:
    return services.sla_sweep()
