"""Enforcement actions (警示函, 协助冻结函, 移送函, public warnings) and their letters."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log
from core.documents import document_issue, document_reply, documents_for, issuing_office
from core.errors import InvalidTransition, ValidationFailed
from core.models import FormalDocument
from merchants.actions.claims import _ensure_not_claimed_by_other, _hold_claim
from merchants.actions.common import TRANSITIONS, K, _require_actor
from merchants.actions.warnings import warning_draft
from merchants.models import (
    EnforcementAction,
    Finding,
    Merchant,
)
from merchants.risk import risk_recompute


@dataclass(frozen=True)
class ActionInput:
    kind: str
    reason: str
    department: str = ""
    due_on: date | None = None
    text: str = ""  # a warning's text; generated from the template when empty
    draft_public_warning: bool = False
    platform: str = "wechat"  # the platform a freeze request is addressed to (PLATFORMS)


# The platforms a 协助冻结函 goes to: key → the company the letter is addressed to.
PLATFORMS = {
    "wechat": "深圳市腾讯计算机系统有限公司（微信）",
    "douyin": "北京抖音信息服务有限公司（抖音）",
    "kuaishou": "北京快手科技有限公司（快手）",
    "xiaohongshu": "行吟信息科技（上海）有限公司（小红书）",
}


def _confirmed_items(merchant: Merchant) -> list[dict]:
    findings = (
        Finding.objects.filter(
            post__merchant=merchant, is_current=True, review=Finding.Review.CONFIRMED
        )
        .values_list("rule", "matched", "legal_basis")
        .order_by("rule")
    )
    seen, items = set(), []
    for rule, matched, basis in findings:
        if (rule, matched) in seen:
            continue
        seen.add((rule, matched))
        items.append({"rule": rule, "matched": matched, "basis": basis})
    return items[:10]


def _letter_context(merchant: Merchant, **extra) -> dict:
    return {
        "merchant": merchant,
        "accounts": list(merchant.accounts.all()),
        "items": _confirmed_items(merchant),
        "office": issuing_office(merchant.region_code)[1],
        "today": timezone.localdate(),
        **extra,
    }


def warning_text(merchant: Merchant, *, reason: str, actor=None) -> str:
    """The 行政警示函 addressed to the merchant (``merchants/warning_notice.txt``), signed by
    the issuing office; the document adds the 文号."""
    return render_to_string(
        "merchants/warning_notice.txt", _letter_context(merchant, reason=reason)
    ).strip()


def public_warning_text(merchant: Merchant, *, reason: str = "") -> tuple[str, str]:
    """``(title, body)`` of a public 消费警示 about ``merchant``, from the public-notice template
    (``merchants/public_warning.txt``): addressed to consumers, naming the issuing office and
    the merchant's accounts — not the letter sent to the merchant."""
    context = _letter_context(merchant, reason=reason)
    body = render_to_string("merchants/public_warning.txt", context).strip()
    title = _("Consumer warning: be careful with %(name)s") % {"name": merchant.display_name}
    return title, body


def _freeze_text(merchant: Merchant, *, reason: str, addressee: str) -> str:
    return render_to_string(
        "merchants/freeze_request.txt",
        _letter_context(merchant, reason=reason, addressee=addressee),
    ).strip()


def _referral_text(merchant: Merchant, *, reason: str, department: str) -> str:
    return render_to_string(
        "merchants/referral_letter.txt",
        _letter_context(merchant, reason=reason, department=department),
    ).strip()


def action_take(
    *, merchant: Merchant, actor, data: ActionInput, ip: str | None = None
) -> EnforcementAction:
    """Take one enforcement action: validates the status transition, records the action,
    changes the merchant's status and writes the audit entry, all in one transaction."""
    _require_actor(actor)
    if data.kind not in TRANSITIONS:
        raise ValidationFailed(_("Unknown action."), fields={"kind": ["invalid"]})
    reason = (data.reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give a reason."), fields={"reason": ["required"]})
    if data.kind == K.FREEZE_REQUEST and data.platform not in PLATFORMS:
        raise ValidationFailed(_("Choose the platform."), fields={"platform": ["required"]})
    if data.kind == K.REFERRAL:
        if data.department not in EnforcementAction.Department.values:
            raise ValidationFailed(_("Choose the department."), fields={"department": ["required"]})
        if data.due_on is None or data.due_on <= timezone.localdate():
            raise ValidationFailed(
                _("Set a due date in the future."), fields={"due_on": ["required"]}
            )
    with transaction.atomic():
        merchant = Merchant.objects.select_for_update().get(pk=merchant.pk)
        _ensure_not_claimed_by_other(merchant, actor)
        allowed_from, target = TRANSITIONS[data.kind]
        if merchant.status not in allowed_from:
            raise InvalidTransition(
                _("A merchant whose status is “%(status)s” cannot get this action.")
                % {"status": merchant.get_status_display()}
            )
        open_referrals = list(
            EnforcementAction.objects.select_for_update().filter(
                merchant=merchant, kind=K.REFERRAL, closed_at__isnull=True
            )
        )
        if data.kind == K.CLEARANCE and open_referrals and len(reason) < 10:
            raise InvalidTransition(
                _(
                    "This merchant has an open referral: clearing it needs a note of at least "
                    "10 characters on what the department decided."
                ),
                code="open_referral",
            )
        text = ""
        if data.kind == K.WARNING:
            text = (data.text or "").strip() or warning_text(merchant, reason=reason)
        before = merchant.status
        action = EnforcementAction.objects.create(
            merchant=merchant,
            kind=data.kind,
            actor=actor,
            reason=reason,
            text=text,
            department=data.department if data.kind == K.REFERRAL else "",
            due_on=data.due_on if data.kind == K.REFERRAL else None,
            status_before=before,
            status_after=target,
        )
        if data.kind == K.CLEARANCE:
            now = timezone.now()
            for referral in open_referrals:
                referral.closed_at = now
                referral.closing_note = reason[:500]
                referral.save(update_fields=["closed_at", "closing_note"])
        merchant.status = target
        merchant.save(update_fields=["status"])
        _hold_claim(merchant, actor)
        document = _issue_document(merchant, action, data, actor=actor, ip=ip)
        audit_log(
            f"merchant.{data.kind}",
            actor=actor,
            target=merchant,
            ip=ip,
            data={
                "action_id": action.pk,
                "reason": reason,
                "from": before,
                "to": target,
                "department": action.department,
                "due_on": action.due_on.isoformat() if action.due_on else None,
                "closed_referrals": [r.pk for r in open_referrals]
                if data.kind == K.CLEARANCE
                else [],
                "document": document.number if document else "",
            },
        )
        if data.kind == K.WARNING and data.draft_public_warning:
            title, body = public_warning_text(merchant, reason="")
            warning_draft(
                actor=actor,
                title=title,
                body=body,
                merchant=merchant,
                region_code=merchant.region_code,
                ip=ip,
            )

    risk_recompute(merchant_id=merchant.pk, recompute_own=False)
    merchant.refresh_from_db()
    return action


def _issue_document(merchant: Merchant, action: EnforcementAction, data: ActionInput, *, actor, ip):
    """警示函 to the merchant, 协助冻结函 to the platform, 移送函 to the department: numbered."""
    if data.kind == K.WARNING:
        kind, addressee, body = (
            FormalDocument.Kind.WARNING_LETTER,
            merchant.display_name,
            action.text,
        )
    elif data.kind == K.FREEZE_REQUEST:
        kind, addressee = FormalDocument.Kind.FREEZE_REQUEST, PLATFORMS[data.platform]
        body = _freeze_text(merchant, reason=action.reason, addressee=addressee)
    elif data.kind == K.REFERRAL:
        kind, addressee = FormalDocument.Kind.REFERRAL, action.get_department_display()
        body = _referral_text(merchant, reason=action.reason, department=addressee)
    else:
        return None
    return document_issue(
        kind=kind,
        region_code=merchant.region_code,
        addressee=addressee,
        body=body,
        target=action,
        actor=actor,
        ip=ip,
    )


def action_documents(merchant: Merchant):
    ids = [str(pk) for pk in merchant.actions.values_list("pk", flat=True)]
    return FormalDocument.objects.filter(
        target_type=EnforcementAction._meta.label_lower, target_id__in=ids
    )


def open_actions(merchant: Merchant) -> list[EnforcementAction]:
    """Freeze requests waiting for the platform and referrals waiting for the department: each
    keeps its own state, whatever action came after it."""
    return list(
        EnforcementAction.objects.filter(
            merchant=merchant,
            kind__in=[K.FREEZE_REQUEST, K.REFERRAL],
            closed_at__isnull=True,
        ).order_by("created_at")
    )


def freeze_reply(*, action: EnforcementAction, actor, reply: str, ip=None) -> EnforcementAction:
    """Record the platform's answer to a freeze request (frozen, refused, more information)."""

    _require_actor(actor)
    reply = (reply or "").strip()
    if not reply:
        raise ValidationFailed(_("Say what the platform answered."), fields={"reply": ["required"]})
    with transaction.atomic():
        action = EnforcementAction.objects.select_for_update().get(pk=action.pk)
        if action.kind != K.FREEZE_REQUEST or action.closed_at is not None:
            raise InvalidTransition(_("This is not a freeze request waiting for an answer."))
        action.closed_at = timezone.now()
        action.closing_note = reply[:500]
        action.save(update_fields=["closed_at", "closing_note"])
        for document in documents_for(action):
            document_reply(document=document, actor=actor, text=reply, ip=ip)
        audit_log(
            "merchant.freeze_reply",
            actor=actor,
            target=action.merchant,
            ip=ip,
            data={"action_id": action.pk, "reply": action.closing_note},
        )
    return action


def referral_close(*, action: EnforcementAction, actor, note: str, ip=None) -> EnforcementAction:
    """Record the department's answer to a referral."""
    _require_actor(actor)
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(_("Say what the department decided."), fields={"note": ["required"]})
    with transaction.atomic():
        action = EnforcementAction.objects.select_for_update().get(pk=action.pk)
        if not action.is_open_referral:
            raise InvalidTransition(_("This is not an open referral."))
        action.closed_at = timezone.now()
        action.closing_note = note[:500]
        action.save(update_fields=["closed_at", "closing_note"])
        audit_log(
            "merchant.referral_closed",
            actor=actor,
            target=action.merchant,
            ip=ip,
            data={"action_id": action.pk, "note": action.closing_note},
        )
    return action
