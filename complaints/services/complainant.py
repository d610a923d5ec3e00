"""The complainant's own steps: finding a case by its code, adding evidence, feedback."""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.evidence import CheckedFile, EvidenceRejected
from complaints.evidence_store import (
    STORE_ERRORS,
    evidence_pending_clear_row,
    evidence_store,
)
from complaints.models import Case, CaseEvent, Evidence
from complaints.pii import (
    access_code_matches,
    normalize_tracking_number,
)
from complaints.services.common import K, S
from core.audit import audit_log
from core.errors import (
    InvalidTransition,
    NotFound,
    ServiceUnavailable,
    ValidationFailed,
)
from core.outbox import outbox_enqueue
from core.storage import discard

log = logging.getLogger(__name__)


def case_find_by_code(*, tracking_number: str, access_code: str) -> Case:
    """The case behind a tracking number and its access code; NotFound for either mistake
    (the answer never says which part was wrong)."""
    number = normalize_tracking_number(tracking_number)
    case = Case.objects.filter(tracking_number=number).first() if number else None
    if case is None or not access_code_matches(access_code, case.access_code_hash):
        raise NotFound(_("No case matches this tracking number and access code."))
    return case


def evidence_room_check(*, case: Case, count: int) -> None:
    """Refuse ``count`` more files for a closed case or beyond the per-case limit."""
    if case.status == S.CLOSED:
        raise InvalidTransition(_("This case is closed; evidence can no longer be added."))
    if case.evidence.count() + count > settings.COMPLAINTS_MAX_FILES:
        raise EvidenceRejected(
            _("A case can hold at most %(n)s files.") % {"n": settings.COMPLAINTS_MAX_FILES},
            code="too_many",
            fields={"evidence": ["too many files"]},
        )


def evidence_add(*, case: Case, files: list[CheckedFile], ip: str | None = None) -> list[Evidence]:
    """The complainant adds evidence later from the tracking page: all the files or none.
    ServiceUnavailable (nothing kept) when the disk or the database refuses one of them.
    Files stored clear the case's "evidence pending" mark (the complainant has sent again)."""
    evidence_room_check(case=case, count=len(files))
    stored: list[Evidence] = []
    try:
        with transaction.atomic():
            for checked in files:
                stored.append(evidence_store(case, checked, added_later=True))
            cleared = evidence_pending_clear_row(case)
            CaseEvent.objects.create(
                case=case,
                kind=CaseEvent.Kind.EVIDENCE,
                body=", ".join(f"{e.original_name} ({e.sha256[:12]})" for e in stored),
            )
            audit_log(
                "complaint.evidence_added",
                target=case,
                actor_label="complainant",
                ip=ip,
                data={
                    "evidence": [e.sha256 for e in stored],
                    "evidence_pending_cleared": cleared,
                },
            )
            outbox_enqueue(
                "complaints.make_previews", kwargs={"case_id": case.pk}, key=f"previews:{case.pk}"
            )
    except BaseException as exc:
        for evidence in stored:
            discard(evidence.file.name)
        if isinstance(exc, STORE_ERRORS):
            log.warning("evidence for case %s not stored", case.pk, exc_info=True)
            raise ServiceUnavailable(
                _(
                    "Your files could not be stored just now and none of them was received. "
                    "Please try again in a few minutes."
                ),
                code="evidence_not_stored",
            ) from exc
        raise
    case.evidence_pending = False
    return stored


def case_feedback(*, case: Case, confirmed: bool, rating: int | None, comment: str = "") -> None:
    """The consumer confirms the outcome and rates the handling, once the case is decided."""
    if case.kind != K.COMPLAINT or case.status not in (
        S.AGREEMENT,
        S.MEDIATION_ENDED,
        S.NOT_ACCEPTED,
        S.CLOSED,
    ):
        raise InvalidTransition(_("Feedback is possible once your complaint has an outcome."))
    if case.consumer_confirmed_at is not None:
        raise InvalidTransition(_("You have already given feedback on this case."))
    if rating is not None and not 1 <= rating <= 5:
        raise ValidationFailed(_("Rate from 1 to 5."), fields={"rating": ["1–5"]})
    with transaction.atomic():
        updated = Case.objects.filter(pk=case.pk, consumer_confirmed_at__isnull=True).update(
            consumer_confirmed_at=timezone.now() if confirmed else None, consumer_rating=rating
        )
        if not updated:
            raise InvalidTransition(_("You have already given feedback on this case."))
        CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.FEEDBACK,
            body=f"confirmed={confirmed} rating={rating} {comment}".strip()[:2000],
        )
        audit_log(
            "complaint.feedback",
            target=case,
            actor_label="complainant",
            data={"confirmed": confirmed, "rating": rating},
        )
    case.refresh_from_db()
