"""Intake: a submission is validated, then its text is stored first and its evidence after
(``case_file`` then ``case_attach``), so nothing typed is lost when a file cannot be kept."""

import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.duplicates import text_fingerprint
from complaints.evidence import CheckedFile, EvidenceRejected
from complaints.evidence_store import (
    evidence_store_each,
    not_stored_note,
)
from complaints.links import site_url
from complaints.models import Case, CaseEvent
from complaints.pii import (
    hash_access_code,
    new_access_code,
    new_tracking_number,
    phone_blind_index,
)
from complaints.services.common import K, Submitted
from complaints.services.deadlines import deadlines_initialise
from complaints.services.followups import _after_intake_enqueue, follow_up_publish
from core.audit import audit_log
from core.errors import (
    ValidationFailed,
)
from core.phones import is_valid_phone
from core.storage import discard

log = logging.getLogger(__name__)


def validate_submission(data: dict) -> dict[str, list[str]]:
    """Rule checks shared by the web form and the API: field name → messages."""
    errors: dict[str, list[str]] = {}
    kind = data.get("kind")
    if kind not in ("complaint", "report", "both"):
        errors["kind"] = [_("Choose complaint or report.")]
    if not any(
        (data.get(f) or "").strip()
        for f in (
            "merchant_wechat_id",
            "merchant_official_account",
            "merchant_phone",
            "merchant_name",
        )
    ):
        errors["merchant_wechat_id"] = [
            _("Give at least one of: WeChat ID, Official Account, phone or name of the seller.")
        ]
    if not (data.get("description") or "").strip():
        errors["description"] = [_("Tell us what happened.")]
    named = kind in ("complaint", "both") or not data.get("anonymous")
    if kind in ("complaint", "both"):
        # Order 20 Art 9 (Order 121 likewise): a complaint names the complainant.
        for name, message in (
            ("name", _("A complaint needs your name.")),
            ("phone", _("A complaint needs a phone number we can reach you on.")),
            ("address", _("A complaint needs your address.")),
        ):
            if not (data.get(name) or "").strip():
                errors[name] = [message]
        if not (data.get("demand") or "").strip():
            errors["demand"] = [_("Say what you ask the seller to do (refund, delivery …).")]
    phone = (data.get("phone") or "").strip()
    if phone and not is_valid_phone(phone):
        errors["phone"] = [
            _("Enter a mainland mobile number (11 digits) or a landline with its area code.")
        ]
    has_pii = any((data.get(f) or "").strip() for f in ("name", "phone", "address", "email"))
    if ((named and has_pii) or kind in ("complaint", "both")) and not data.get("consent"):
        errors["consent"] = [_("Please agree to the use of your personal data for this case.")]
    occurred = data.get("occurred_on")
    if isinstance(occurred, datetime.date) and occurred > timezone.localdate():
        errors["occurred_on"] = [_("This date is in the future.")]
    amount = data.get("amount_paid")
    if amount is not None and Decimal(amount) < 0:
        errors["amount_paid"] = [_("The amount cannot be negative.")]
    return errors


def case_submit(
    *,
    data: dict,
    files: list[CheckedFile],
    source: str = Case.Source.WEB,
    api_token=None,
    ip: str | None = None,
    received_region: str | None = None,
    draft: bool = False,
) -> list[Submitted]:
    """Store a consumer's submission and return the case(s) with their one-time access codes.

    ``case_file`` commits the text before anything else is tried, then ``case_attach`` stores
    the evidence (each file with its own row; a refused file is reported in ``not_stored``)
    and mails the receipt. Merchant linking, the category suggestion, duplicate detection and
    previews run afterwards and their failure never loses the submission. Call it outside a
    transaction, so that the text is committed whatever happens to the files.
    """
    results = case_file(
        data=data,
        files=files,
        source=source,
        api_token=api_token,
        ip=ip,
        received_region=received_region,
        draft=draft,
    )
    case_attach(results, files=files, email=data.get("email") or "", ip=ip)
    return results


def case_file(
    *,
    data: dict,
    files: list[CheckedFile],
    source: str = Case.Source.WEB,
    api_token=None,
    ip: str | None = None,
    received_region: str | None = None,
    draft: bool = False,
) -> list[Submitted]:
    """The text of a submission, in one transaction with its history, audit entry and the
    follow-up work (outbox); no file is written here. A submission that is both a complaint
    and a report becomes two linked cases (Order 20 Art 6; Order 121 Art 9)."""
    errors = validate_submission(data)
    if draft:  # forwarded from a channel (WeChat): the seller is named later, on the web form
        errors.pop("merchant_wechat_id", None)
    if errors:
        raise ValidationFailed(_("The submission has invalid fields."), fields=errors)
    if len(files) > settings.COMPLAINTS_MAX_FILES:
        raise EvidenceRejected(
            _("At most %(n)s files.") % {"n": settings.COMPLAINTS_MAX_FILES},
            code="too_many",
            fields={"evidence": ["too many files"]},
        )
    kinds = [K.COMPLAINT, K.REPORT] if data["kind"] == "both" else [data["kind"]]
    fingerprint = text_fingerprint(data["description"])
    region = received_region or settings.COMPLAINTS_INTAKE_REGION
    now = timezone.now()
    results: list[Submitted] = []
    # Inside the caller's transaction (the web form's, which adds its token) no savepoint of
    # its own: a failure here fails the caller's transaction with it (two statements fewer).
    with transaction.atomic(savepoint=False):
        held = _is_flood(fingerprint, now)
        for kind in kinds:
            code = new_access_code()
            case = _create_case(
                kind=kind,
                data=data,
                code=code,
                fingerprint=fingerprint,
                region=region,
                source=source,
                api_token=api_token,
                held=held,
                now=now,
            )
            CaseEvent.objects.create(
                case=case,
                kind=CaseEvent.Kind.STATUS,
                public=True,
                to_status=case.status,
                body=_("We have received your %(kind)s.") % {"kind": case.get_kind_display()},
            )
            audit_log(
                "complaint.submitted",
                target=case,
                actor_label=f"api:{api_token.name}" if api_token else "public",
                ip=ip,
                data={
                    "kind": kind,
                    "source": source,
                    "evidence": [c.sha256 for c in files],
                    "held_for_review": held,
                },
            )
            follow_up = _after_intake_enqueue(case)  # published by case_attach
            results.append(Submitted(case=case, access_code=code, follow_up=follow_up))
        if len(results) == 2:
            a, b = results[0].case, results[1].case
            Case.objects.filter(pk=a.pk).update(linked_case=b)
            Case.objects.filter(pk=b.pk).update(linked_case=a)
            a.linked_case, b.linked_case = b, a
    return results


def case_attach(
    results: list[Submitted], *, files: list[CheckedFile], email: str = "", ip=None
) -> None:
    """After ``case_file`` has committed: store the evidence of each case file by file, note
    in the history what could not be stored, publish the follow-up work (which now sees the
    files and makes their previews), then mail the receipt. Storage and database failures end
    up in ``Submitted.not_stored``, never in an exception."""
    for item in results:
        _stored, item.not_stored = evidence_store_each(item.case, files)
        not_stored_note(item.case, item.not_stored, ip=ip)
        if item.follow_up is not None:
            transaction.on_commit(partial(follow_up_publish, item.follow_up))
    for checked in files:
        if checked.staged_path:
            discard(checked.staged_path)
    email = email.strip()
    if email:
        transaction.on_commit(lambda: _mail_receipt(email, results))


@dataclass(frozen=True)
class ReportDraft:
    """A 举报 from a channel that carries only what the consumer forwarded (the WeChat account):
    anonymous until the reporter adds their details (``tracking.report_details_add``), the
    seller named then too. The typed entry for channels; the forms and the API send fields."""

    description: str
    received_region: str | None = None
    source: str = Case.Source.WEB


def report_draft_submit(*, draft: ReportDraft, files: list[CheckedFile] = ()) -> Submitted:
    """File ``draft`` through the one intake path (``case_submit``) and return the case."""
    data = {"kind": K.REPORT, "anonymous": True, "description": draft.description}
    return case_submit(
        data=data,
        files=list(files),
        source=draft.source,
        received_region=draft.received_region,
        draft=True,
    )[0]


def _create_case(*, kind, data, code, fingerprint, region, source, api_token, held, now) -> Case:
    anonymous = kind == K.REPORT and bool(data.get("anonymous"))
    person = (
        {}
        if anonymous
        else {
            "complainant_name": (data.get("name") or "").strip() or None,
            "complainant_phone": (data.get("phone") or "").strip() or None,
            "complainant_address": (data.get("address") or "").strip() or None,
            "complainant_id_number": (data.get("id_number") or "").strip() or None,
            "complainant_email": (data.get("email") or "").strip() or None,
            "phone_index": phone_blind_index(data.get("phone") or ""),
        }
    )
    fields = dict(
        kind=kind,
        access_code_hash=hash_access_code(code),
        source=source,
        api_token=api_token,
        region_code=region,
        received_region_code=region,
        held_for_review=held,
        merchant_wechat_id=(data.get("merchant_wechat_id") or "").strip()[:100],
        merchant_official_account=(data.get("merchant_official_account") or "").strip()[:100],
        merchant_phone=(data.get("merchant_phone") or "").strip()[:30],
        merchant_name=(data.get("merchant_name") or "").strip()[:200],
        merchant_address=(data.get("merchant_address") or "").strip()[:300],
        payee_name=(data.get("payee_name") or "").strip()[:100],
        order_number=(data.get("order_number") or "").strip()[:100],
        category=data.get("category") or "",
        description=data["description"].strip(),
        text_fingerprint=fingerprint,
        occurred_on=data.get("occurred_on"),
        amount_paid=data.get("amount_paid"),
        payment_method=data.get("payment_method") or "",
        demand=(data.get("demand") or "").strip(),
        campaign_url=(data.get("campaign_url") or "").strip(),
        anonymous=anonymous,
        consent_at=now if data.get("consent") else None,
        received_at=now,
        **person,
    )
    case = Case(**fields)
    deadlines_initialise(case, save=False)  # counted before the insert: one write, not two
    for _attempt in range(5):
        case.tracking_number = new_tracking_number()
        try:
            with transaction.atomic():
                case.save(force_insert=True)
            break
        except IntegrityError:  # a 60-bit collision: draw again
            continue
    else:  # pragma: no cover
        raise RuntimeError("could not draw a free tracking number")
    return case


def _is_flood(fingerprint: str, now) -> bool:
    """Near-identical text submitted many times within an hour is held for a human to look at
    (never dropped)."""
    since = connection.ops.adapt_datetimefield_value(now - datetime.timedelta(hours=1))
    with connection.cursor() as cursor:  # one plain statement: it runs for every submission
        cursor.execute(
            f"SELECT COUNT(*) FROM {Case._meta.db_table} "  # noqa: S608 (the table's name)
            "WHERE text_fingerprint = %s AND received_at >= %s",
            [fingerprint, since],
        )
        recent = cursor.fetchone()[0]
    return recent + 1 >= settings.COMPLAINTS_FLOOD_THRESHOLD


def _mail_receipt(email: str, results: list[Submitted]) -> None:
    """The one place the access code leaves the process besides the receipt page. Sent after
    commit; a mail failure is logged and never undoes the submission."""

    context = {
        "items": [
            {
                "kind": item.case.get_kind_display(),
                "number": item.case.tracking_number,
                "code": item.access_code,
                "received": timezone.localtime(item.case.received_at),
                "url": site_url(f"/complaints/track/{item.case.tracking_number}/"),
                "not_stored": item.not_stored,
            }
            for item in results
        ],
        "track_url": site_url("/complaints/track/"),
    }
    try:
        send_mail(
            _("Your case %(number)s") % {"number": results[0].case.tracking_number},
            render_to_string("complaints/email/receipt.txt", context),
            None,
            [email],
        )
    except Exception:
        log.exception("receipt e-mail for case %s failed", results[0].case.pk)
    else:
        for item in results:
            item.mailed = True
