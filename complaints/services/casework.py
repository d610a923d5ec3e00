"""Case work beside the workflow: assignment, notes, messages to the complainant, duplicate
decisions."""

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.links import site_url
from complaints.models import Case, CaseEvent, DuplicateSuggestion
from complaints.services.common import _user
from core.audit import audit_log
from core.errors import (
    ValidationFailed,
)
from core.outbox import outbox_enqueue
from core.regions import region_allows
from core.roles import region_prefixes


def case_assign(*, case: Case, actor, assignee, ip=None) -> Case:
    prefixes = region_prefixes(assignee)
    if not assignee.is_staff or not region_allows(prefixes, case.region_code):
        raise ValidationFailed(
            _("The assignee must be staff with jurisdiction over this case."),
            fields={"assignee": [str(assignee)]},
        )
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(assignee=assignee)
        CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.ASSIGNMENT,
            actor=_user(actor),
            body=assignee.get_username(),
        )
        audit_log(
            "complaint.assigned",
            actor=_user(actor),
            target=case,
            ip=ip,
            data={"assignee": assignee.get_username()},
        )
    case.assignee = assignee
    return case


def case_note_add(*, case: Case, actor, body: str, ip=None) -> CaseEvent:
    if not body.strip():
        raise ValidationFailed(_("The note is empty."), fields={"body": ["required"]})
    with transaction.atomic():
        event = CaseEvent.objects.create(
            case=case, kind=CaseEvent.Kind.NOTE, body=body.strip(), actor=_user(actor)
        )
        audit_log("complaint.note_added", actor=_user(actor), target=case, ip=ip)
    return event


def case_message_send(*, case: Case, actor, body: str, ip=None) -> CaseEvent:
    """A message the complainant sees on the tracking page (and by e-mail if they gave one)."""
    if not body.strip():
        raise ValidationFailed(_("The message is empty."), fields={"body": ["required"]})
    with transaction.atomic():
        event = CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.MESSAGE,
            public=True,
            body=body.strip(),
            actor=_user(actor),
        )
        audit_log("complaint.message_sent", actor=_user(actor), target=case, ip=ip)
        _enqueue_complainant_mail(case, body.strip())
    return event


def _enqueue_complainant_mail(case: Case, body: str) -> None:
    if case.complainant_email:
        outbox_enqueue(
            "complaints.mail_complainant",
            kwargs={"case_id": case.pk, "body": body},
        )


def mail_complainant(*, case_id: int, body: str) -> None:
    case = Case.objects.filter(pk=case_id).first()
    if case is None or not case.complainant_email:
        return

    send_mail(
        _("Update on your case %(number)s") % {"number": case.tracking_number},
        render_to_string(
            "complaints/email/update.txt",
            {
                "case": case,
                "body": body,
                "sent": timezone.localtime(),
                "url": site_url(f"/complaints/track/{case.tracking_number}/"),
            },
        ),
        None,
        [case.complainant_email],
    )


def duplicate_decide(*, suggestion: DuplicateSuggestion, actor, link: bool, ip=None) -> None:
    with transaction.atomic():
        DuplicateSuggestion.objects.filter(pk=suggestion.pk).update(
            decision=DuplicateSuggestion.Decision.LINKED
            if link
            else DuplicateSuggestion.Decision.DISMISSED
        )
        if link:
            CaseEvent.objects.create(
                case=suggestion.case,
                kind=CaseEvent.Kind.NOTE,
                actor=_user(actor),
                body=f"linked as duplicate of {suggestion.other.tracking_number}",
            )
        audit_log(
            "complaint.duplicate_" + ("linked" if link else "dismissed"),
            actor=_user(actor),
            target=suggestion.case,
            ip=ip,
            data={"other": suggestion.other.tracking_number},
        )
