"""Every write to complaints: intake, evidence, tracking, the workflow, privacy.

Views, the API, the admin, tasks and commands call these functions and nothing else writes.
Each workflow step validates the transition, records a ``CaseEvent``, writes the audit log and
enqueues its follow-up work through the outbox, all in one transaction.
"""

import datetime
import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import duplicates, rules
from complaints.evidence import CheckedFile, EvidenceRejected, make_preview
from complaints.evidence_store import (
    STORE_ERRORS,
    evidence_pending_clear_row,
    evidence_store,
    evidence_store_each,
    not_stored_note,
    preview_store,
)
from complaints.links import site_url
from complaints.models import Case, CaseEvent, DeadlineRule, DuplicateSuggestion, Evidence
from complaints.pii import (
    access_code_matches,
    hash_access_code,
    new_access_code,
    new_tracking_number,
    normalize_tracking_number,
    phone_blind_index,
)
from core.audit import audit_log
from core.documents import document_issue, issuing_office
from core.errors import (
    Forbidden,
    InvalidTransition,
    NotFound,
    ServiceUnavailable,
    ValidationFailed,
)
from core.models import FormalDocument, OutboxMessage
from core.outbox import BackgroundPublisher, outbox_enqueue, publish
from core.phones import is_valid_phone
from core.regions import is_region_code, region_name
from core.roles import region_prefixes
from core.storage import discard
from core.workdays import Calendar, Deadline, deadline_after, working_days_between
from merchants.models import MerchantAccount
from merchants.services import merchant_resolve, risk_component_record
from scanning import default_scanner

log = logging.getLogger(__name__)

S = Case.Status
K = Case.Kind

TRANSITIONS: dict[str, dict[str, set[str]]] = {
    K.COMPLAINT: {
        S.RECEIVED: {S.ACCEPTED, S.NOT_ACCEPTED},
        S.ACCEPTED: {S.MEDIATING, S.CLOSED},
        S.MEDIATING: {S.AGREEMENT, S.MEDIATION_ENDED},
        S.AGREEMENT: {S.CLOSED},
        S.MEDIATION_ENDED: {S.CLOSED},
        S.NOT_ACCEPTED: {S.CLOSED},
    },
    K.REPORT: {
        S.RECEIVED: {S.VERIFYING, S.CASE_OPENED, S.NOT_OPENED},
        S.VERIFYING: {S.CASE_OPENED, S.NOT_OPENED},
        S.CASE_OPENED: {S.CLOSED},
        S.NOT_OPENED: {S.CLOSED},
    },
}

# 《暂行办法》 Art 21 / Order 121: why mediation ends without agreement.
MEDIATION_END_REASONS = {
    "withdrawn": "投诉人撤回投诉",
    "no_testing_agreement": "双方对检测、鉴定等无法达成一致",
    "party_refused": "一方无正当理由拒绝调解",
    "no_agreement": "一方表示无法达成调解协议",
    "time_limit": "自受理之日起超过45个工作日未达成调解协议",
    "refusal_ground_found": "发现存在不予受理情形",
    "other": "其他",
}

RISK_POINTS_ACCEPTED = 5.0
RISK_POINTS_CASE_OPENED = 10.0


@dataclass
class Submitted:
    case: Case
    access_code: str  # shown once, never stored
    mailed: bool = False  # the receipt e-mail went out (set after commit)
    not_stored: list[str] = field(default_factory=list)  # evidence files the disk/db refused


# --- Intake ----------------------------------------------------------------------------------


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
    with transaction.atomic():
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
            _after_intake_enqueue(case)
            results.append(Submitted(case=case, access_code=code))
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
    in the history what could not be stored, then mail the receipt. Storage and database
    failures end up in ``Submitted.not_stored``, never in an exception."""
    for item in results:
        stored, item.not_stored = evidence_store_each(item.case, files)
        not_stored_note(item.case, item.not_stored, ip=ip)
        if any(e.kind in PREVIEW_KINDS for e in stored):
            try:  # after_intake may have run before the files were there
                _after_intake_enqueue(item.case, task="complaints.make_previews", key="previews")
            except DatabaseError:
                log.warning("previews of case %s not queued", item.case.pk, exc_info=True)
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
    recent = Case.objects.filter(
        text_fingerprint=fingerprint, received_at__gte=now - datetime.timedelta(hours=1)
    ).count()
    return recent + 1 >= settings.COMPLAINTS_FLOOD_THRESHOLD


def text_fingerprint(text: str) -> str:
    """SHA-256 of the text with case, width, spaces and punctuation removed."""
    return hashlib.sha256(_normalize_text(text).encode()).hexdigest()


def _normalize_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower()
    return re.sub(r"[\W_]+", "", text)


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


def _after_intake_enqueue(
    case: Case, *, task: str = "complaints.after_intake", key: str = "intake"
) -> None:
    """The follow-up work goes through the outbox, published after commit. Without a broker
    (tasks run in-process, the newcomer default) it runs on a thread once the transaction has
    committed, so the receipt never waits for it. A thread that dies leaves the row for
    ``outbox_sweep``, like an unpublished message."""
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        outbox_enqueue(task, kwargs={"case_id": case.pk}, key=f"{key}:{case.pk}")
        return
    message = OutboxMessage.objects.create(
        task_name=task, payload={"case_id": case.pk}, dedupe_key=f"{key}:{case.pk}"
    )
    transaction.on_commit(lambda: _in_background(publish, message.pk))


class _FollowUps(BackgroundPublisher):
    """Without a broker: the follow-up work of this process's submissions, run one after the
    other on one thread of the process (its database connection kept by the request rule), not
    a new thread and connection per submission. ``submit`` takes ``(func, args)`` pairs; a pair
    whose call raises or returns False is tried again after a pause (SQLite has one writer at a
    time, and a request may hold it), ``TRIES`` times at most; then its outbox row is left for
    ``outbox_sweep``."""

    name = "complaint-follow-ups"
    TRIES = 5

    def __init__(self) -> None:
        super().__init__()
        self._tries: dict[tuple, int] = {}

    def publish(self, ids: list) -> list:
        left = []
        for item in ids:
            func, args = item
            try:
                done = func(*args) is not False
            except Exception:
                log.warning("follow-up %s failed", args, exc_info=True)
                done = False
            tries = 0 if done else self._tries.get(item, 0) + 1
            if done or tries >= self.TRIES:
                self._tries.pop(item, None)
            else:
                self._tries[item] = tries
                left.append(item)
        return left


FOLLOW_UPS = _FollowUps()


def _in_background(func, *args) -> None:
    """Run ``func(*args)`` on this process's follow-up thread. Inside a transaction that is
    still open (a test's, around the whole test) another connection could not see the rows, so
    it runs here instead."""
    if connection.in_atomic_block:
        func(*args)
        return
    FOLLOW_UPS.submit([(func, args)])


def after_intake(*, case_id: int) -> None:
    """Follow-up work after a submission is safely stored. Each step is idempotent and guarded,
    so one failing step neither blocks the others nor touches the stored submission."""
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        return
    failures = []
    for step in (case_link_merchant, case_suggest_category, duplicates_find, previews_make):
        try:
            step(case=case)
        except Exception as exc:
            log.exception("after_intake step %s failed for case %s", step.__name__, case_id)
            failures.append(exc)
    if failures:
        raise failures[0]  # the outbox keeps the message and tries again later


def case_link_merchant(*, case: Case) -> None:
    """Resolve the merchant the consumer named; jurisdiction follows the merchant's domicile
    when known (Order 20 Art 11: network services → domicile), else where first received."""

    if case.merchant_id:
        return
    P = MerchantAccount.Platform
    for platform, handle in (
        (P.WECHAT_ID, case.merchant_wechat_id),
        (P.OFFICIAL_ACCOUNT, case.merchant_official_account),
        (P.PHONE, case.merchant_phone),
    ):
        if not handle.strip():
            continue
        try:
            merchant = merchant_resolve(
                platform=platform,
                handle=handle,
                display_name=case.merchant_name,
                region_code=case.region_code,  # a new merchant takes the handling region
            )
            break
        except ValidationFailed:  # a handle that normalises to nothing: try the next one
            continue
    else:
        return
    updates = {"merchant": merchant}
    if merchant.region_code and merchant.region_code != case.region_code:
        updates["region_code"] = merchant.region_code
    Case.objects.filter(pk=case.pk).update(**updates)
    for key, value in updates.items():
        setattr(case, key, value)


def case_suggest_category(*, case: Case) -> None:
    """Ask the scanning engine; the consumer's own choice wins, the suggestion fills a blank."""
    if case.suggested_category:
        return
    suggestion = suggest_category(case.description + "\n" + case.demand)
    if not suggestion:
        return
    updates = {"suggested_category": suggestion}
    if not case.category:
        updates["category"] = suggestion
    Case.objects.filter(pk=case.pk).update(**updates)
    for key, value in updates.items():
        setattr(case, key, value)


def suggest_category(text: str) -> str:
    # A complaint describes what the seller did, so the findings its stance layer sets aside
    # (a consumer reporting a fake, quoting a claim) are what the complaint is about.
    result = default_scanner().scan(text or "")
    categories = {f.category for f in (*result.findings, *result.suppressed)}
    for category in ("phishing", "counterfeit", "three_no", "false_ad"):
        if category in categories:
            return category
    if "集赞" in text and any(
        w in text for w in ("礼品", "奖品", "赠品", "不兑现", "没给", "没有给")
    ):
        return Case.Category.GIFT_NOT_DELIVERED
    return ""


def duplicates_find(*, case: Case) -> int:
    """Suggest (never merge) cases of the duplicate window with the same merchant account and
    the same complainant phone, or near-identical text, found through indexes
    (``complaints.duplicates``)."""
    return duplicates.duplicates_find(case=case)


PREVIEW_KINDS = ("jpeg", "png", "webp", "heic")


def previews_make(*, case: Case) -> None:
    for evidence in case.evidence.filter(preview="", kind__in=PREVIEW_KINDS):
        evidence_preview_make(evidence=evidence)


def evidence_preview_make(*, evidence: Evidence) -> None:
    if evidence.preview:
        return
    data = make_preview(evidence.file.name)
    if data:
        preview_store(evidence, data)


# --- The complainant -------------------------------------------------------------------------


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


# --- Deadlines -------------------------------------------------------------------------------


DEADLINE_FIELDS = ("acceptance_due", "mediation_due", "verification_due", "notice_due")


def _deadline_updates(case: Case, field: str, deadline: Deadline | None) -> dict:
    """``{field: date, "provisional_deadlines": …}`` for ``case``, with the field's 暂估 mark."""
    marks = {k: v for k, v in (case.provisional_deadlines or {}).items() if k != field}
    if deadline is not None and deadline.provisional:
        marks[field] = list(deadline.provisional_years)
    return {field: deadline.date if deadline else None, "provisional_deadlines": marks}


def _set_deadline(case: Case, field: str, deadline: Deadline | None) -> None:
    for key, value in _deadline_updates(case, field, deadline).items():
        setattr(case, key, value)


def deadlines_initialise(case: Case, *, save: bool = True) -> None:
    """Set the deadlines that start at receipt (and save them, unless the case is about to be
    inserted). Never blank: a year whose official holiday schedule is not entered yet is
    counted provisionally and the deadline marked 暂估."""
    received = timezone.localdate(case.received_at)
    calendar = Calendar()  # one version check of the calendar kept by the process
    if case.kind == K.COMPLAINT:
        days = rules.working_days(DeadlineRule.Key.ACCEPTANCE, received)
        _set_deadline(case, "acceptance_due", calendar.add_working_days(received, days))
    else:
        days = rules.working_days(DeadlineRule.Key.VERIFICATION, received)
        _set_deadline(case, "verification_due", calendar.add_working_days(received, days))
    case.deadline_error = ""
    _refresh_sla(case, calendar=calendar)
    if not save:
        return
    case.save(
        update_fields=[
            "acceptance_due", "verification_due", "provisional_deadlines", "deadline_error",
            "current_due", "sla",
        ]
    )  # fmt: skip


def deadlines_recompute(case: Case, *, calendar: Calendar | None = None) -> bool:
    """Count every deadline of ``case`` again from what started it (receipt, mediation start
    plus paused days, the decision) on today's calendar; save and return whether any changed.
    Called for every open case when a year's official holiday schedule is entered."""
    calendar = calendar or Calendar()
    before = {f: getattr(case, f) for f in (*DEADLINE_FIELDS, "provisional_deadlines", "sla")}
    received = timezone.localdate(case.received_at)
    if case.kind == K.COMPLAINT:
        days = rules.working_days(DeadlineRule.Key.ACCEPTANCE, received)
        _set_deadline(case, "acceptance_due", calendar.add_working_days(received, days))
        if case.mediation_started_on:
            started = case.mediation_started_on
            days = rules.working_days(DeadlineRule.Key.MEDIATION, started)
            days += case.mediation_paused_days
            _set_deadline(case, "mediation_due", calendar.add_working_days(started, days))
    else:
        days = rules.working_days(DeadlineRule.Key.VERIFICATION, received)
        if case.verification_extended:
            days += rules.working_days(DeadlineRule.Key.VERIFICATION_EXTENSION, received)
        _set_deadline(case, "verification_due", calendar.add_working_days(received, days))
        if case.reporter_notified_at and case.decided_at:
            decided = timezone.localdate(case.decided_at)
            days = rules.working_days(DeadlineRule.Key.REPORTER_NOTICE, decided)
            _set_deadline(case, "notice_due", calendar.add_working_days(decided, days))
    case.deadline_error = ""
    _refresh_sla(case, calendar=calendar)
    after = {f: getattr(case, f) for f in before}
    Case.objects.filter(pk=case.pk).update(**after, current_due=case.current_due, deadline_error="")
    return after != before


def _open_cases():
    return Case.objects.exclude(status=S.CLOSED).exclude(
        kind=K.COMPLAINT, status__in=[S.AGREEMENT, S.MEDIATION_ENDED, S.NOT_ACCEPTED]
    )


def deadlines_recompute_open(*, actor=None) -> tuple[int, int]:
    """Recompute the deadlines of every open case; ``(checked, changed)``."""
    calendar = Calendar()
    checked = changed = 0
    for case in _open_cases().iterator(chunk_size=500):
        checked += 1
        changed += deadlines_recompute(case, calendar=calendar)
    audit_log(
        "complaint.deadlines_recomputed",
        actor=_user(actor),
        actor_label="" if _user(actor) else "system",
        data={"checked": checked, "changed": changed},
    )
    return checked, changed


def recompute_on_calendar_change(*, year: int, actor=None, **kwargs) -> tuple[str, int]:
    """Receiver of ``core.holidays.calendar_changed`` (connected in ``apps.ready``)."""
    _checked, changed = deadlines_recompute_open(actor=actor)
    return ("未办结案件", changed)


def _current_field(case: Case) -> str | None:
    if case.kind == K.COMPLAINT:
        if case.status == S.RECEIVED:
            return "acceptance_due"
        if case.status in (S.ACCEPTED, S.MEDIATING) and case.mediation_paused_on is None:
            return "mediation_due"  # the 45 working days run from acceptance (Art 21)
        return None
    if case.status in (S.RECEIVED, S.VERIFYING):
        return "verification_due"
    if case.status in (S.CASE_OPENED, S.NOT_OPENED) and case.reporter_notified_at is None:
        return "notice_due"
    return None


def current_deadline(case: Case) -> datetime.date | None:
    """The statutory deadline running now for this case, if any."""
    field = _current_field(case)
    return getattr(case, field) if field else None


def deadline_current(case: Case) -> Deadline | None:
    """The deadline running now with its 暂估 mark, for display (``.date``, ``.note``)."""
    field = _current_field(case)
    if field is None or getattr(case, field) is None:
        return None
    years = (case.provisional_deadlines or {}).get(field, [])
    return Deadline(getattr(case, field), tuple(years))


def deadline_of(case: Case, field: str) -> Deadline | None:
    """One named deadline of ``case`` with its 暂估 mark (admin and API)."""
    if getattr(case, field) is None:
        return None
    years = (case.provisional_deadlines or {}).get(field, [])
    return Deadline(getattr(case, field), tuple(years))


def _refresh_sla(
    case: Case, today: datetime.date | None = None, *, calendar: Calendar | None = None
) -> None:
    today = today or timezone.localdate()
    due = current_deadline(case)
    case.current_due = due
    if due is None:
        case.sla = Case.Sla.NONE
        return
    if today > due:
        case.sla = Case.Sla.OVERDUE
        return
    left = working_days_between(today, due, calendar=calendar)
    case.sla = Case.Sla.DUE_SOON if left <= 2 else Case.Sla.OK


def sla_sweep(*, today: datetime.date | None = None) -> dict[str, int]:
    """Periodic: refresh every open case's deadline state, end mediation past its limit, and
    tell the assignee when a case becomes due soon or overdue."""
    today = today or timezone.localdate()
    counts = {"checked": 0, "due_soon": 0, "overdue": 0, "mediation_ended": 0}
    calendar = Calendar()
    for case in _open_cases().iterator(chunk_size=500):
        counts["checked"] += 1
        if case.sla == Case.Sla.UNKNOWN or case.deadline_error:
            # Left blank by an earlier version for want of calendar data: count it now.
            deadlines_recompute(case, calendar=calendar)
        if (
            case.status == S.MEDIATING
            and case.mediation_paused_on is None
            and case.mediation_due
            and today > case.mediation_due
        ):
            mediation_end(case=case, actor=None, reason="time_limit", note="")
            counts["mediation_ended"] += 1
            continue
        before = case.sla
        _refresh_sla(case, today, calendar=calendar)
        Case.objects.filter(pk=case.pk).update(current_due=case.current_due, sla=case.sla)
        if case.sla in (Case.Sla.DUE_SOON, Case.Sla.OVERDUE):
            counts[case.sla] += 1
            if case.sla != before and case.assignee_id:
                outbox_enqueue(
                    "complaints.notify_assignee",
                    kwargs={"case_id": case.pk, "state": case.sla},
                    key=f"sla:{case.pk}:{case.sla}:{case.current_due}",
                )
    counts["staging_removed"] = staging_cleanup()
    return counts


def staging_cleanup(*, older_than: datetime.timedelta = datetime.timedelta(days=1)) -> int:
    """Remove files kept for forms that were never sent again (their tokens expire in a day)."""
    removed = 0
    cutoff = timezone.now() - older_than
    try:
        _dirs, names = default_storage.listdir("complaints/staging")
    except FileNotFoundError:
        return 0
    for name in names:
        path = f"complaints/staging/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                removed += 1
        except FileNotFoundError:
            continue
    return removed


def notify_assignee(*, case_id: int, state: str) -> None:
    case = Case.objects.select_related("assignee").filter(pk=case_id).first()
    if case is None or case.assignee is None or not case.assignee.email:
        return
    label = dict(Case.Sla.choices).get(state, state)
    deadline = deadline_current(case)
    send_mail(
        f"[{label}] {case.tracking_number}",
        _("Case %(number)s (%(kind)s, %(status)s): deadline %(due)s.")
        % {
            "number": case.tracking_number,
            "kind": case.get_kind_display(),
            "status": case.get_status_display(),
            "due": f"{deadline.date} {deadline.note}".strip() if deadline else "-",
        },
        None,
        [case.assignee.email],
    )


# --- Workflow --------------------------------------------------------------------------------


def _transition(
    case: Case,
    to: str,
    *,
    actor,
    action: str,
    public_body: str = "",
    note: str = "",
    data: dict | None = None,
    updates: dict | None = None,
    ip: str | None = None,
) -> Case:
    """Move ``case`` to ``to`` if the rules allow it, with its event, audit entry and SLA."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        allowed = TRANSITIONS[locked.kind].get(locked.status, set())
        if to not in allowed:
            raise InvalidTransition(
                _("A %(kind)s cannot go from “%(from)s” to “%(to)s”.")
                % {
                    "kind": locked.get_kind_display(),
                    "from": locked.get_status_display(),
                    "to": Case.Status(to).label,
                }
            )
        if locked.held_for_review:
            raise InvalidTransition(
                _("This case is held for review as a possible flood; release it first.")
            )
        before = locked.status
        locked.status = to
        for key, value in (updates or {}).items():
            setattr(locked, key, value)
        if to == S.CLOSED:
            locked.closed_at = timezone.now()
        _refresh_sla(locked)
        locked.save()
        CaseEvent.objects.create(
            case=locked,
            kind=CaseEvent.Kind.STATUS,
            public=bool(public_body),
            body=public_body,
            from_status=before,
            to_status=to,
            actor=_user(actor),
        )
        if note:
            CaseEvent.objects.create(
                case=locked, kind=CaseEvent.Kind.NOTE, body=note, actor=_user(actor)
            )
        audit_log(
            action,
            actor=_user(actor),
            actor_label="" if _user(actor) else "system",
            target=locked,
            ip=ip,
            data={"from": before, "to": to, **(data or {})},
        )
        if public_body:
            _enqueue_complainant_mail(locked, public_body)
    case.__dict__.update(
        {f.attname: getattr(locked, f.attname) for f in Case._meta.concrete_fields}
    )
    return case


def _user(actor):
    return actor if actor is not None and getattr(actor, "pk", None) else None


def case_accept(*, case: Case, actor, ip: str | None = None) -> Case:
    """Accept a complaint: the 45 working days of mediation run from acceptance (Art 21), so
    the clock starts here, and the case goes to the accepting regulator unless assigned."""
    today = timezone.localdate()
    due = deadline_after(today, rules.working_days(DeadlineRule.Key.MEDIATION, today))
    updates = {"decided_at": timezone.now(), "mediation_started_on": today}
    updates["mediation_paused_days"] = 0
    updates.update(_deadline_updates(case, "mediation_due", due))
    user = _user(actor)
    if case.assignee_id is None and user is not None and user.is_staff:
        updates["assignee"] = user
    case = _transition(
        case,
        S.ACCEPTED,
        actor=actor,
        action="complaint.accepted",
        ip=ip,
        updates=updates,
        data={
            "mediation_due": due.date.isoformat(),
            "assignee": user.get_username() if user else "",
        },
        public_body=_(
            "Your complaint has been accepted. Mediation follows; it ends if no agreement is "
            "reached within %(days)s working days of acceptance, by %(due)s."
        )
        % {
            "days": rules.working_days(DeadlineRule.Key.MEDIATION, today),
            "due": f"{due.date.isoformat()} {due.note}".strip(),
        },
    )
    if "assignee" in updates:
        CaseEvent.objects.create(
            case=case, kind=CaseEvent.Kind.ASSIGNMENT, actor=user, body=user.get_username()
        )
    _risk(case, key=f"complaint:{case.pk}", points=RISK_POINTS_ACCEPTED, why="已受理投诉")
    return case


def case_refuse(*, case: Case, actor, ground: str, reason: str = "", ip=None) -> Case:
    grounds = {g.code: g for g in rules.refusal_grounds()}
    if ground not in grounds:
        raise ValidationFailed(
            _("Choose one of the statutory grounds."), fields={"ground": [ground]}
        )
    return _transition(
        case,
        S.NOT_ACCEPTED,
        actor=actor,
        action="complaint.not_accepted",
        ip=ip,
        note=reason,
        data={"ground": ground},
        updates={"decided_at": timezone.now(), "refusal_ground": ground, "outcome_reason": reason},
        public_body=_("Your complaint was not accepted. Ground: %(ground)s (%(source)s).")
        % {"ground": grounds[ground].label, "source": grounds[ground].legal_source},
    )


def mediation_start(*, case: Case, actor, ip=None) -> Case:
    """Mediation sessions begin. The clock started at acceptance and keeps running; only a
    case accepted before acceptance started it gets its clock here."""
    updates: dict = {}
    if case.mediation_started_on is None:
        today = timezone.localdate()
        updates = {"mediation_started_on": today, "mediation_paused_days": 0}
        due = deadline_after(today, rules.working_days(DeadlineRule.Key.MEDIATION, today))
        updates.update(_deadline_updates(case, "mediation_due", due))
    return _transition(
        case,
        S.MEDIATING,
        actor=actor,
        action="complaint.mediation_started",
        ip=ip,
        updates=updates,
        public_body=_("Mediation between you and the seller has started."),
    )


def mediation_pause(*, case: Case, actor, reason: str, ip=None) -> Case:
    """Testing or appraisal time does not count towards the 45 working days (Art 21)."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status != S.MEDIATING or locked.mediation_paused_on:
            raise InvalidTransition(_("Only running mediation can be paused."))
        locked.mediation_paused_on = timezone.localdate()
        _refresh_sla(locked)
        locked.save()
        CaseEvent.objects.create(
            case=locked, kind=CaseEvent.Kind.NOTE, body=reason, actor=_user(actor)
        )
        audit_log(
            "complaint.mediation_paused", actor=actor, target=locked, ip=ip, data={"reason": reason}
        )
    case.refresh_from_db()
    return case


def mediation_resume(*, case: Case, actor, ip=None) -> Case:
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status != S.MEDIATING or not locked.mediation_paused_on:
            raise InvalidTransition(_("Mediation is not paused."))
        today = timezone.localdate()
        calendar = Calendar()
        paused = max(0, calendar.working_days_between(locked.mediation_paused_on, today))
        locked.mediation_paused_days += paused
        locked.mediation_paused_on = None
        limit = rules.working_days(DeadlineRule.Key.MEDIATION, locked.mediation_started_on)
        due = calendar.add_working_days(
            locked.mediation_started_on, limit + locked.mediation_paused_days
        )
        _set_deadline(locked, "mediation_due", due)
        _refresh_sla(locked, calendar=calendar)
        locked.save()
        audit_log(
            "complaint.mediation_resumed",
            actor=actor,
            target=locked,
            ip=ip,
            data={"paused_working_days": paused},
        )
    case.refresh_from_db()
    return case


def mediation_agree(*, case: Case, actor, summary: str, ip=None) -> Case:
    return _transition(
        case,
        S.AGREEMENT,
        actor=actor,
        action="complaint.agreement",
        ip=ip,
        updates={"outcome_reason": summary},
        public_body=_("An agreement was reached: %(summary)s") % {"summary": summary},
    )


def mediation_end(*, case: Case, actor, reason: str, note: str = "", ip=None) -> Case:
    if reason not in MEDIATION_END_REASONS:
        raise ValidationFailed(_("Choose a reason."), fields={"reason": [reason]})
    label = MEDIATION_END_REASONS[reason]
    return _transition(
        case,
        S.MEDIATION_ENDED,
        actor=actor,
        action="complaint.mediation_ended",
        ip=ip,
        note=note,
        data={"reason": reason},
        updates={"outcome_reason": label},
        public_body=_("Mediation has ended without agreement: %(reason)s") % {"reason": label},
    )


def verification_start(*, case: Case, actor, ip=None) -> Case:
    return _transition(
        case,
        S.VERIFYING,
        actor=actor,
        action="report.verifying",
        ip=ip,
        public_body=_("We are verifying your report."),
    )


def verification_extend(*, case: Case, actor, reason: str, ip=None) -> Case:
    """Once, by 15 working days (Order 20 Art 23)."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.kind != K.REPORT or locked.status not in (S.RECEIVED, S.VERIFYING):
            raise InvalidTransition(_("Only a report under verification can be extended."))
        if locked.verification_extended:
            raise InvalidTransition(_("Verification can be extended only once."))
        if not reason.strip():
            raise ValidationFailed(_("Give a reason."), fields={"reason": ["required"]})
        received = timezone.localdate(locked.received_at)
        extra = rules.working_days(DeadlineRule.Key.VERIFICATION_EXTENSION, received)
        if locked.verification_due:
            _set_deadline(
                locked, "verification_due", deadline_after(locked.verification_due, extra)
            )
        locked.verification_extended = True
        _refresh_sla(locked)
        locked.save()
        CaseEvent.objects.create(
            case=locked, kind=CaseEvent.Kind.NOTE, body=reason, actor=_user(actor)
        )
        audit_log(
            "report.verification_extended",
            actor=actor,
            target=locked,
            ip=ip,
            data={"reason": reason, "due": locked.verification_due},
        )
    case.refresh_from_db()
    return case


def report_decide(*, case: Case, actor, open_case: bool, reason: str = "", ip=None) -> Case:
    """立案 or not. A named reporter is told the decision (within 5 working days, Art 31): the
    message goes out with the decision and the notice deadline is recorded."""
    today = timezone.localdate()
    updates: dict = {"decided_at": timezone.now(), "outcome_reason": reason}
    body = (
        _("A case has been opened on the conduct you reported.")
        if open_case
        else _("After verification, no case was opened on the conduct you reported.")
    )
    if case.is_named_reporter:
        due = deadline_after(today, rules.working_days(DeadlineRule.Key.REPORTER_NOTICE, today))
        updates.update(_deadline_updates(case, "notice_due", due))
        updates["reporter_notified_at"] = timezone.now()
    case = _transition(
        case,
        S.CASE_OPENED if open_case else S.NOT_OPENED,
        actor=actor,
        action="report.case_opened" if open_case else "report.not_opened",
        ip=ip,
        note=reason,
        updates=updates,
        public_body=body,
    )
    if open_case:
        _risk(case, key=f"report:{case.pk}", points=RISK_POINTS_CASE_OPENED, why="举报已立案")
    return case


def case_close(*, case: Case, actor, note: str = "", ip=None) -> Case:
    return _transition(
        case,
        S.CLOSED,
        actor=actor,
        action="complaint.closed",
        ip=ip,
        note=note,
        public_body=_("Your case is closed."),
    )


def case_release_hold(*, case: Case, actor, ip=None) -> Case:
    Case.objects.filter(pk=case.pk).update(held_for_review=False)
    audit_log("complaint.hold_released", actor=actor, target=case, ip=ip)
    case.held_for_review = False
    return case


def case_refer(
    *, case: Case, actor, region_code: str, department: str = "", reason: str, ip=None
) -> Case:
    """Hand the case to another department or region (the other office becomes responsible)."""

    if not is_region_code(region_code):
        raise ValidationFailed(_("Not a region code."), fields={"region_code": [region_code]})
    if not reason.strip():
        raise ValidationFailed(_("Give a reason."), fields={"reason": ["required"]})
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status == S.CLOSED:
            raise InvalidTransition(_("A closed case cannot be referred."))
        before = (locked.region_code, locked.department)
        locked.region_code = region_code
        locked.department = department.strip()[:200]
        locked.assignee = None
        locked.save(update_fields=["region_code", "department", "assignee"])
        CaseEvent.objects.create(
            case=locked,
            kind=CaseEvent.Kind.REFERRAL,
            actor=_user(actor),
            body=f"{before[0]} {before[1]} → {region_code} {department}: {reason}",
        )
        CaseEvent.objects.create(
            case=locked,
            kind=CaseEvent.Kind.MESSAGE,
            public=True,
            actor=_user(actor),
            body=_("Your case has been transferred to the competent office (%(dept)s).")
            % {"dept": department or region_code},
        )
        document = _referral_letter_issue(
            locked,
            office_region=before[0],
            department=department,
            reason=reason,
            actor=actor,
            ip=ip,
        )
        audit_log(
            "complaint.referred",
            actor=_user(actor),
            target=locked,
            ip=ip,
            data={
                "from": list(before),
                "to": [region_code, department],
                "reason": reason,
                "document": document.number,
            },
        )
    case.refresh_from_db()
    return case


def _referral_letter_issue(
    case: Case, *, office_region: str, department: str, reason: str, actor, ip
):
    """The numbered 移送函 of a referral, issued by the office that had the case."""

    addressee = department.strip() or region_name(case.region_code) + "市场监督管理局"
    body = render_to_string(
        "complaints/admin/referral_letter.txt",
        {
            "case": case,
            "addressee": addressee,
            "office": issuing_office(office_region)[1],
            "received": timezone.localtime(case.received_at),
            "merchant": case.merchant_name or case.merchant_wechat_id,
            "summary": case.description[:500],
            "reason": reason,
            "today": timezone.localdate(),
        },
    ).strip()
    return document_issue(
        kind=FormalDocument.Kind.REFERRAL,
        region_code=office_region,
        addressee=addressee,
        body=body,
        target=case,
        actor=_user(actor),
        ip=ip,
    )


def case_assign(*, case: Case, actor, assignee, ip=None) -> Case:
    prefixes = region_prefixes(assignee)
    if not assignee.is_staff or (
        prefixes is not None and not any(case.region_code.startswith(p) for p in prefixes)
    ):
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


# --- Personal data ---------------------------------------------------------------------------


def case_pii_reveal(*, case: Case, actor, reason: str = "", ip=None) -> dict:
    """The complainant's full personal data, for an explicit "show" — always audited.

    A reporter's identity is shown only to people inside the case: the assignee, a supervisor of
    the region, or an operator (Order 20 Art 33)."""
    if not actor.has_perm("complaints.show_personal_data"):
        raise Forbidden(_("You may not see personal data."))
    if not inside_the_case(case=case, user=actor):
        audit_log("complaint.pii_denied", actor=actor, target=case, ip=ip, data={"reason": reason})
        raise Forbidden(_("A reporter's identity is shown only to staff handling the case."))
    audit_log("complaint.pii_shown", actor=actor, target=case, ip=ip, data={"reason": reason})
    return {
        "name": case.complainant_name or "",
        "phone": case.complainant_phone or "",
        "address": case.complainant_address or "",
        "id_number": case.complainant_id_number or "",
        "email": case.complainant_email or "",
    }


def inside_the_case(*, case: Case, user) -> bool:
    """Who may see what could identify a reporter (personal data, evidence): the assignee, a
    supervisor of the region or an operator. For complaints: anyone with jurisdiction."""
    if case.kind != K.REPORT:
        return True
    return bool(
        user.is_superuser
        or case.assignee_id == user.pk
        or user.groups.filter(name="Supervisor").exists()
    )


def case_pii_erase(*, case: Case, actor=None, actor_label: str = "", reason: str) -> None:
    """Erase the person and keep the case (status, dates, merchant, category, amounts) for the
    statistics. PIPL Art 47."""
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(
            complainant_name=None,
            complainant_phone=None,
            complainant_address=None,
            complainant_id_number=None,
            complainant_email=None,
            phone_index="",
            pii_erased_at=timezone.now(),
        )
        audit_log(
            "complaint.pii_erased",
            actor=_user(actor),
            actor_label=actor_label or ("" if _user(actor) else "manage.py"),
            target=case,
            data={"reason": reason},
        )


def _risk(case: Case, *, key: str, points: float, why: str) -> None:
    if not case.merchant_id:
        return

    def record():
        try:
            risk_component_record(
                merchant_id=case.merchant_id,
                source="complaints",
                key=key,
                points=points,
                explanation=f"{why} {case.tracking_number}",
            )
        except Exception:
            log.exception("risk hook failed for case %s", case.pk)

    transaction.on_commit(record)
