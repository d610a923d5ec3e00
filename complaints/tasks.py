"""Celery tasks: load by id, call one service. Enqueued through the outbox."""

from celery import shared_task


@shared_task(name="complaints.after_intake")
def after_intake(case_id: int) -> None:
    from complaints.services import after_intake as run

    run(case_id=case_id)


@shared_task(name="complaints.make_previews")
def make_previews(case_id: int) -> None:
    from complaints.models import Case
    from complaints.services import previews_make

    case = Case.objects.filter(pk=case_id).first()
    if case is not None:
        previews_make(case=case)


@shared_task(name="complaints.mail_complainant")
def mail_complainant(case_id: int, body: str) -> None:
    from complaints.services import mail_complainant as run

    run(case_id=case_id, body=body)


@shared_task(name="complaints.notify_assignee")
def notify_assignee(case_id: int, state: str) -> None:
    from complaints.services import notify_assignee as run

    run(case_id=case_id, state=state)


@shared_task(name="complaints.sla_sweep")
def sla_sweep() -> dict:
    from complaints.services import sla_sweep as run

    return run()
