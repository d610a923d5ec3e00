"""The consumer's side of a case after intake: the receipt behind a redirect, what happens next
(stages, limits, the handling office), replies, withdrawal and a lost access code.

Writes here follow the rules of ``complaints.services``: one transaction, a ``CaseEvent``, an
audit entry. ``services`` keeps intake and the regulator's workflow.
"""

import base64
import datetime
import hashlib
import json
import logging
import secrets
import time
from dataclasses import dataclass, field

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from complaints import rules, services
from complaints.evidence import CheckedFile
from complaints.links import site_url
from complaints.models import Case, CaseEvent, DeadlineRule, Office, SubmissionToken
from complaints.pii import hash_access_code, new_access_code, normalize_tracking_number
from complaints.pii import phone_blind_index as blind_index
from core.audit import audit_log
from core.errors import InvalidTransition, ServiceUnavailable, ValidationFailed
from core.outbox import outbox_enqueue
from core.phones import is_valid_phone

log = logging.getLogger(__name__)

S = Case.Status
K = Case.Kind

SESSION_TRACKED = "complaints_tracked"
SESSION_RECEIPTS = "complaints_receipts"
# The access codes stay readable on the receipt for this long after the submission, in this
# browser's session only and encrypted there, so that a refresh or a double tap does not lose
# them; then they are dropped and only their hash remains (in the case row).
RECEIPT_CODE_SECONDS = 15 * 60
TOKEN_DAYS = 1


# --- The one-time form token and the receipt ---------------------------------------------------


def new_form_token() -> str:
    return secrets.token_urlsafe(24)


def valid_form_token(value: str) -> bool:
    return (
        bool(value) and 20 <= len(value) <= 64 and value.replace("-", "").replace("_", "").isalnum()
    )


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"complaints-receipt:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


_tokens_swept = [0.0]  # when this process last removed expired tokens (monotonic seconds)
TOKEN_SWEEP_SECONDS = 600


def submission_token_claim(token: str) -> SubmissionToken | None:
    """Claim ``token`` inside the caller's transaction; None when another request has it.
    Tokens older than ``TOKEN_DAYS`` are removed at most every ``TOKEN_SWEEP_SECONDS`` per
    process (the table has no index on their age, and every submission claims one)."""
    if time.monotonic() - _tokens_swept[0] >= TOKEN_SWEEP_SECONDS:
        _tokens_swept[0] = time.monotonic()
        SubmissionToken.objects.filter(
            created_at__lt=timezone.now() - datetime.timedelta(days=TOKEN_DAYS)
        ).delete()
    try:
        with transaction.atomic():
            return SubmissionToken.objects.create(token=token)
    except IntegrityError:
        return None


def submission_token_cases(token: str, *, wait_seconds: float = 10.0) -> list[int]:
    """The case ids filed under ``token``; waits a little for a request still filing them (a
    double tap: both requests arrive at once)."""
    deadline = time.monotonic() + wait_seconds
    while True:
        row = SubmissionToken.objects.filter(token=token).first()
        if row is not None and row.case_ids:
            return list(row.case_ids)
        if time.monotonic() >= deadline:
            return []
        time.sleep(0.2)


def receipt_remember(session, token: str, results) -> None:
    """Let this browser see the receipt of ``token`` again, and the codes for a short while."""
    codes = {str(r.case.pk): r.access_code for r in results}
    blob = _fernet().encrypt(json.dumps(codes).encode()).decode()
    receipts = {
        key: value
        for key, value in session.get(SESSION_RECEIPTS, {}).items()
        if value.get("at", 0) > time.time() - 24 * 3600
    }
    receipts[token] = {
        "cases": [r.case.pk for r in results],
        "codes": blob,
        "at": int(time.time()),
        "mailed": any(getattr(r, "mailed", False) for r in results),
        "not_stored": {str(r.case.pk): r.not_stored for r in results if r.not_stored},
    }
    session[SESSION_RECEIPTS] = receipts
    tracked = set(session.get(SESSION_TRACKED, []))
    session[SESSION_TRACKED] = sorted(tracked | {r.case.pk for r in results})


RECEIPT_UNREAD = (
    "complainant_name",
    "complainant_phone",
    "complainant_address",
    "complainant_id_number",
    "description",
    "demand",
)


def receipt_recall(session, token: str) -> tuple[list[Case], dict[int, str], bool] | None:
    """(cases, {case id: code} while still readable, mailed) for a receipt of this browser."""
    entry = session.get(SESSION_RECEIPTS, {}).get(token)
    if not entry:
        return None
    # Ordered here below, not by the model's default ordering; the receipt shows none of the
    # complainant's encrypted details but the e-mail (decrypting each costs a Fernet pass).
    cases = list(Case.objects.filter(pk__in=entry["cases"]).defer(*RECEIPT_UNREAD).order_by())
    cases.sort(key=lambda c: entry["cases"].index(c.pk))
    codes: dict[int, str] = {}
    if entry.get("codes"):
        try:
            raw = _fernet().decrypt(entry["codes"].encode(), ttl=RECEIPT_CODE_SECONDS)
            codes = {int(k): v for k, v in json.loads(raw).items()}
        except InvalidToken:  # expired: forget the codes for good
            entry["codes"] = ""
            session.modified = True
    return cases, codes, bool(entry.get("mailed"))


def receipt_not_stored(session, token: str) -> dict[int, list[str]]:
    """{case id: names of the evidence files that could not be stored} for a receipt."""
    entry = session.get(SESSION_RECEIPTS, {}).get(token) or {}
    return {int(pk): names for pk, names in (entry.get("not_stored") or {}).items()}


# --- What happens next -------------------------------------------------------------------------


@dataclass
class Stage:
    key: str
    label: str
    state: str  # done, current, upcoming, skipped
    limit: str = ""  # the statutory limit in plain words
    source: str = ""  # the rule it comes from
    due: object = None  # a workdays.Deadline while it runs
    outcome: str = ""
    notes: list[str] = field(default_factory=list)


class _Rules:
    """The deadline rules one stage bar reads, each (days and source) in one query."""

    def __init__(self) -> None:
        self._facts: dict[tuple[str, datetime.date], tuple[int, str] | None] = {}

    def _get(self, key: str, on: datetime.date) -> tuple[int, str] | None:
        if (key, on) not in self._facts:
            try:
                self._facts[key, on] = rules.rule_facts(key, on)
            except Exception:  # a missing rule must not break the consumer's page
                self._facts[key, on] = None
        return self._facts[key, on]

    def source(self, key: str, on: datetime.date) -> str:
        facts = self._get(key, on)
        return facts[1] if facts else ""

    def days(self, key: str, on: datetime.date, default: int) -> int:
        facts = self._get(key, on)
        return facts[0] if facts else default


def case_stages(case: Case) -> list[Stage]:
    """The stage bar: 登记 → 受理 → 调解 → 办结 for a 投诉, 登记 → 核查 → 处理决定 → 办结 for a
    举报, each with its limit in plain words, the rule it comes from, and its running deadline."""
    received = timezone.localdate(case.received_at)
    facts = _Rules()
    status = case.status
    closed = status == S.CLOSED
    stages = [
        Stage(
            "registered",
            pgettext("stage", "Registered"),
            "done",
            outcome=_("Received on %(date)s") % {"date": f"{received:%Y-%m-%d}"},
        )
    ]
    if case.kind == K.COMPLAINT:
        accept_days = facts.days(DeadlineRule.Key.ACCEPTANCE, received, 7)
        started = case.mediation_started_on or received
        mediation_days = facts.days(DeadlineRule.Key.MEDIATION, started, 45)
        accepted = status in (S.ACCEPTED, S.MEDIATING, S.AGREEMENT, S.MEDIATION_ENDED) or (
            closed and case.decided_at and not case.refusal_ground
        )
        refused = status == S.NOT_ACCEPTED or bool(case.refusal_ground)
        acceptance = Stage(
            "acceptance",
            _("Acceptance"),
            "current" if status == S.RECEIVED and not case.withdrawn_at else "done",
            limit=_(
                "Within %(n)s working days of receipt the office decides whether to accept your "
                "complaint and tells you."
            )
            % {"n": accept_days},
            source=facts.source(DeadlineRule.Key.ACCEPTANCE, received),
        )
        if status == S.RECEIVED:
            acceptance.due = services.deadline_of(case, "acceptance_due")
        elif refused:
            acceptance.outcome = _("Not accepted")
        elif accepted:
            acceptance.outcome = _("Accepted")
        mediation = Stage(
            "mediation",
            _("Mediation"),
            "upcoming",
            limit=_(
                "After acceptance the office mediates between you and the seller. Without an "
                "agreement within %(n)s working days mediation ends; time for testing or "
                "appraisal does not count."
            )
            % {"n": mediation_days},
            source=facts.source(DeadlineRule.Key.MEDIATION, started),
        )
        if status in (S.ACCEPTED, S.MEDIATING):
            mediation.state = "current"
            if status == S.MEDIATING:
                mediation.due = services.deadline_of(case, "mediation_due")
        elif status in (S.AGREEMENT, S.MEDIATION_ENDED) or (closed and accepted):
            mediation.state = "done"
            mediation.outcome = (
                _("Agreement reached") if status == S.AGREEMENT else case.outcome_reason or ""
            )
        if refused:
            mediation.state = "skipped"
        finished = Stage(
            "closed",
            pgettext("stage", "Closed"),
            "done" if closed else "upcoming",
            limit=_(
                "When mediation ends the office closes the case; you can confirm the outcome and "
                "rate the handling."
            ),
        )
        if status in (S.AGREEMENT, S.MEDIATION_ENDED, S.NOT_ACCEPTED):
            finished.state = "current"
        stages += [acceptance, mediation, finished]
    else:
        verify_days = facts.days(DeadlineRule.Key.VERIFICATION, received, 15)
        extend_days = facts.days(DeadlineRule.Key.VERIFICATION_EXTENSION, received, 15)
        notice_days = facts.days(DeadlineRule.Key.REPORTER_NOTICE, received, 5)
        verification = Stage(
            "verification",
            _("Verification"),
            "current" if status in (S.RECEIVED, S.VERIFYING) else "done",
            limit=_(
                "The office verifies what you reported within %(n)s working days of receipt; it "
                "may extend this once by %(m)s working days."
            )
            % {"n": verify_days, "m": extend_days},
            source=facts.source(DeadlineRule.Key.VERIFICATION, received),
        )
        if status in (S.RECEIVED, S.VERIFYING):
            verification.due = services.deadline_of(case, "verification_due")
        limit = _("The office decides whether to open a case (立案) on the conduct you reported.")
        if not case.anonymous:
            limit += " " + _(
                "A reporter who gave their name is told the decision within %(n)s working days."
            ) % {"n": notice_days}
        decision = Stage(
            "decision",
            _("Decision"),
            "upcoming",
            limit=limit,
            source=facts.source(DeadlineRule.Key.REPORTER_NOTICE, received)
            if not case.anonymous
            else "",
        )
        if status in (S.CASE_OPENED, S.NOT_OPENED):
            decision.state = "current"
            decision.outcome = Case.Status(status).label
        elif closed:
            decision.state = "done"
        finished = Stage("closed", pgettext("stage", "Closed"), "done" if closed else "upcoming")
        stages += [verification, decision, finished]
    if case.withdrawn_at:
        for stage in stages[1:]:
            if stage.state in ("current", "upcoming"):
                stage.state = "skipped"
        stages[-1].state = "done" if closed else "current"
        stages[-1].outcome = _("Withdrawn by you on %(date)s") % {
            "date": f"{timezone.localtime(case.withdrawn_at):%Y-%m-%d}"
        }
    return stages


def office_for(region_code: str) -> Office | None:
    """The office of the longest matching region prefix (440106, 440100, 440000)."""
    code = (region_code or "").strip()
    if len(code) != 6:
        return None
    candidates = [code, code[:4] + "00", code[:2] + "0000"]
    offices = {
        o.region_code: o for o in Office.objects.filter(region_code__in=candidates, active=True)
    }
    for candidate in candidates:
        if candidate in offices:
            return offices[candidate]
    return None


# --- The complainant writes ---------------------------------------------------------------------


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


# --- A lost access code ---------------------------------------------------------------------------


def sms_available() -> bool:
    return bool(settings.COMPLAINTS_SMS_BACKEND)


@dataclass
class Reissue:
    email: bool = False
    sms: bool = False


def access_code_reissue(
    *, tracking_number: str, email: str = "", phone: str = "", ip: str | None = None
) -> Reissue:
    """A new access code for a case whose complainant gave this e-mail or phone, sent there only
    (e-mail; SMS when a backend is configured). The old code stops working. The answer never
    says whether the number or the contact matched; every reissue is audited."""
    sent = Reissue()
    number = normalize_tracking_number(tracking_number)
    case = Case.objects.filter(tracking_number=number).first() if number else None
    if case is None or case.pii_erased_at:
        return sent
    email = (email or "").strip().lower()
    by_email = bool(email) and (case.complainant_email or "").strip().lower() == email
    by_phone = (
        bool(phone)
        and sms_available()
        and bool(case.phone_index)
        and blind_index(phone) == case.phone_index
    )
    if not (by_email or by_phone):
        audit_log(
            "complaint.access_code_reissue_refused",
            target=case,
            actor_label="public",
            ip=ip,
            data={"by": "email" if email else "phone"},
        )
        return sent
    code = new_access_code()
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(access_code_hash=hash_access_code(code))
        CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.NOTE,
            body="已按投诉人请求重新生成查询码（"
            + ("邮箱" if by_email else "短信")
            + "），旧查询码失效",
        )
        audit_log(
            "complaint.access_code_reissued",
            target=case,
            actor_label="public",
            ip=ip,
            data={"by": "email" if by_email else "sms"},
        )
    context = {
        "case": case,
        "code": code,
        "track_url": site_url(reverse("complaints:track")),
        "case_url": site_url(reverse("complaints:track_case", args=[case.tracking_number])),
    }
    if by_email:
        try:
            send_mail(
                _("New access code for your case %(number)s") % {"number": case.tracking_number},
                render_to_string("complaints/email/code_reissued.txt", context),
                None,
                [case.complainant_email],
            )
            sent.email = True
        except Exception:
            log.exception("access code e-mail for case %s failed", case.pk)
    if by_phone:
        try:
            import_string(settings.COMPLAINTS_SMS_BACKEND)(
                case.complainant_phone,
                _("Case %(number)s: your new access code is %(code)s")
                % {"number": case.tracking_number, "code": code},
            )
            sent.sms = True
        except Exception:
            log.exception("access code SMS for case %s failed", case.pk)
    return sent


# --- A forwarded report completed on the web form ---------------------------------------------


@dataclass(frozen=True)
class ReportDetails:
    """What the reporter of a forwarded 举报 (``services.ReportDraft``) adds on the web form."""

    merchant_wechat_id: str = ""
    merchant_name: str = ""
    name: str = ""
    phone: str = ""
    address: str = ""
    email: str = ""
    consent: bool = False


def report_details_add(*, case: Case, details: ReportDetails, ip: str | None = None) -> Case:
    """The seller and, if the reporter wishes, their own details on a 举报 that arrived without
    them; a named reporter hears the decision (Order 121). Merchant linking runs again."""
    if case.kind != K.REPORT or not can_reply(case):
        raise InvalidTransition(_("This case is closed; you can no longer add to it."))
    errors: dict[str, list[str]] = {}
    phone = details.phone.strip()
    if phone and not is_valid_phone(phone):
        errors["phone"] = [
            _("Enter a mainland mobile number (11 digits) or a landline with its area code.")
        ]
    person = {
        "complainant_name": details.name.strip()[:100],
        "complainant_phone": phone[:30],
        "complainant_address": details.address.strip(),
        "complainant_email": details.email.strip(),
    }
    if any(person.values()) and not details.consent:
        errors["consent"] = [_("Please agree to the use of your personal data for this case.")]
    if errors:
        raise ValidationFailed(_("The submission has invalid fields."), fields=errors)
    updates: dict = {
        key: value[:100] if key == "merchant_wechat_id" else value[:200]
        for key, value in (
            ("merchant_wechat_id", details.merchant_wechat_id.strip()),
            ("merchant_name", details.merchant_name.strip()),
        )
        if value
    }
    if any(person.values()):
        updates.update({k: v for k, v in person.items() if v})
        updates.update(anonymous=False, phone_index=blind_index(phone), consent_at=timezone.now())
    if not updates:
        raise ValidationFailed(_("Write something or choose a file."), fields={"body": ["empty"]})
    with transaction.atomic():
        for key, value in updates.items():
            setattr(case, key, value)
        case.save(update_fields=list(updates))
        CaseEvent.objects.create(
            case=case, kind=CaseEvent.Kind.REPLY, public=True, body="举报人补充了商家或本人信息"
        )
        audit_log(
            "complaint.details_added",
            target=case,
            actor_label="complainant",
            ip=ip,
            data={"fields": sorted(k for k in updates if not k.startswith("complainant_"))},
        )
        outbox_enqueue(
            "complaints.after_intake", kwargs={"case_id": case.pk}, key=f"intake:{case.pk}"
        )
    return case
