"""The complainant writes: a reply, or the withdrawal of a 投诉."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import services
from complaints.evidence import CheckedFile
from complaints.models import Case, CaseEvent
from complaints.tracking.common import K, S
from core.audit import audit_log
from core.errors import InvalidTransition, ServiceUnavailable, ValidationFailed


def can_reply(case: Case) -> bool:
    return case.status != S.CLOSED


def case_reply(
    *, case: Case, body: str, files: list[CheckedFile] = (), ip: str | None = None
) -> CaseEvent | None:
    """The complainant answers a message or adds to what they said, with or without files. The
    text is shown back to them in the history and to the regulator in the case's history.

    The text is committed first; files follow (``services.evidence_add``, all or none). When
    the files cannot be stored after the text was, ``ServiceUnavailable`` with the code
    ``reply_files_not_stored`` says so."""
    body = (body or "").strip()
    if not body and not files:
        raise ValidationFailed(_("Write something or choose a file."), fields={"body": ["empty"]})
    if not can_reply(case):
        raise InvalidTransition(_("This case is closed; you can no longer add to it."))
    if files:  # before the text is kept, so a refusal leaves nothing half done
        services.evidence_room_check(case=case, count=len(files))
    event = None
    if body:
        with transaction.atomic():
            event = CaseEvent.objects.create(
                case=case, kind=CaseEvent.Kind.REPLY, public=True, body=body[:5000]
            )
            audit_log(
                "complaint.reply_added",
                target=case,
                actor_label="complainant",
                ip=ip,
                data={"chars": len(body), "files": len(files)},
            )
    if files:
        try:
            services.evidence_add(case=case, files=list(files), ip=ip)
        except ServiceUnavailable as exc:
            if event is None:
                raise
            raise ServiceUnavailable(
                _(
                    "Your reply was received, but its files could not be stored. Please add "
                    "them again with “Add evidence” in a few minutes."
                ),
                code="reply_files_not_stored",
            ) from exc
    return event


def can_withdraw(case: Case) -> bool:
    return (
        case.kind == K.COMPLAINT
        and case.withdrawn_at is None
        and case.status in (S.RECEIVED, S.ACCEPTED, S.MEDIATING)
    )


WITHDRAWN_REASON = "投诉人撤回投诉"


def case_withdraw(*, case: Case, reason: str = "", ip: str | None = None) -> Case:
    """The complainant withdraws a 投诉 (Order 20 Art 21: mediation ends; before acceptance the
    case is closed). Audited; the regulator sees it in the history and the outcome."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if not can_withdraw(locked):
            raise InvalidTransition(_("This complaint can no longer be withdrawn."))
        before = locked.status
        now = timezone.now()
        locked.withdrawn_at = now
        locked.outcome_reason = WITHDRAWN_REASON + (
            f"：{reason.strip()[:500]}" if reason.strip() else ""
        )
        if before == S.MEDIATING:
            locked.status = S.MEDIATION_ENDED
        else:
            locked.status = S.CLOSED
            locked.closed_at = now
        locked.mediation_paused_on = None
        services._refresh_sla(locked)
        locked.save()
        CaseEvent.objects.create(
            case=locked,
            kind=CaseEvent.Kind.WITHDRAWN,
            public=True,
            from_status=before,
            to_status=locked.status,
            body=_("You withdrew this complaint.")
            + (" " + reason.strip()[:500] if reason.strip() else ""),
        )
        audit_log(
            "complaint.withdrawn",
            target=locked,
            actor_label="complainant",
            ip=ip,
            data={"from": before, "to": locked.status, "reason": reason.strip()[:500]},
        )
    case.refresh_from_db()
    return case
