"""Regulator workspace services: claims, finding reviews, enforcement actions, consumer
warnings and lexicon exception proposals. Every write is audited with its actor and reason.

The admin, the staff pages and tests call these; none of them changes a row any other way.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log
from core.documents import document_issue, document_reply, documents_for, issuing_office
from core.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from core.models import FormalDocument
from lexicon.models import LexiconRule
from lexicon.services import lexicon_publish
from merchants.models import (
    ConsumerWarning,
    EnforcementAction,
    ExceptionProposal,
    Finding,
    Merchant,
    MerchantClaim,
)
from merchants.risk import risk_recompute
from scanning.normalize import Normalizer

S = Merchant.Status
K = EnforcementAction.Kind

# The dismissal reason that proposes a lexicon exception (不构成宣称).
NOT_A_CLAIM = "not_a_claim"
DISMISS_REASONS = {
    NOT_A_CLAIM: "不构成宣称",
    "false_match": "误匹配（词语含义不同）",
    "quoted": "引用或转述，非商家宣称",
    "other": "其他（见说明）",
}

# Which statuses each action may start from, and where it leads.
TRANSITIONS: dict[str, tuple[set[str], str]] = {
    K.WARNING: ({S.ACTIVE, S.WATCH_LISTED, S.WARNED, S.CLEARED}, S.WARNED),
    K.WATCH_LIST: ({S.ACTIVE, S.WARNED, S.CLEARED}, S.WATCH_LISTED),
    K.FREEZE_REQUEST: ({S.ACTIVE, S.WATCH_LISTED, S.WARNED, S.REFERRED}, S.FREEZE_REQUESTED),
    K.REFERRAL: ({S.ACTIVE, S.WATCH_LISTED, S.WARNED, S.FREEZE_REQUESTED, S.REFERRED}, S.REFERRED),
    K.CLEARANCE: (
        {S.ACTIVE, S.WATCH_LISTED, S.WARNED, S.FREEZE_REQUESTED, S.REFERRED},
        S.CLEARED,
    ),
}


def _can_act(user) -> bool:
    return bool(user and user.is_active and user.has_perm("merchants.act_on_merchant"))


def _require_actor(user) -> None:
    if not _can_act(user):
        raise Forbidden(_("You may not act on merchants."))


def _claim_hours() -> float:
    return float(getattr(settings, "WORKSPACE_CLAIM_HOURS", 4))


# --- claims ---------------------------------------------------------------------------------------


def claim_holder(merchant: Merchant):
    """The user holding an unexpired claim on ``merchant``, or None."""
    claim = MerchantClaim.objects.filter(merchant=merchant, expires_at__gt=timezone.now()).first()
    return claim.claimed_by if claim else None


def claim_take(*, merchant: Merchant, actor, ip: str | None = None) -> MerchantClaim:
    """Claim ``merchant`` for ``WORKSPACE_CLAIM_HOURS``; renewing one's own claim is allowed,
    taking someone else's unexpired claim is not."""
    _require_actor(actor)
    now = timezone.now()
    with transaction.atomic():
        Merchant.objects.select_for_update().filter(pk=merchant.pk).first()  # serialise claimers
        claim = MerchantClaim.objects.filter(merchant=merchant).first()
        if claim and claim.expires_at > now and claim.claimed_by_id != actor.pk:
            raise Conflict(
                _("%(user)s is working on this merchant until %(until)s.")
                % {
                    "user": claim.claimed_by.get_username(),
                    "until": timezone.localtime(claim.expires_at).strftime("%H:%M"),
                },
                code="claimed",
            )
        expires = now + timedelta(hours=_claim_hours())
        renewed = bool(claim and claim.claimed_by_id == actor.pk and claim.expires_at > now)
        claim, _created = MerchantClaim.objects.update_or_create(
            merchant=merchant,
            defaults={"claimed_by": actor, "claimed_at": now, "expires_at": expires},
        )
        if not renewed:
            audit_log(
                "merchant.claimed",
                actor=actor,
                target=merchant,
                ip=ip,
                data={"expires_at": expires.isoformat()},
            )
    return claim


def claim_take_over(*, merchant: Merchant, actor, ip: str | None = None) -> MerchantClaim:
    """A supervisor takes over another regulator's claim (audited with whose it was)."""
    _require_actor(actor)
    if not (actor.is_superuser or actor.groups.filter(name="Supervisor").exists()):
        raise Forbidden(_("Only a supervisor takes over a claim."))
    now = timezone.now()
    with transaction.atomic():
        Merchant.objects.select_for_update().filter(pk=merchant.pk).first()
        before = claim_holder(merchant)
        claim, _created = MerchantClaim.objects.update_or_create(
            merchant=merchant,
            defaults={
                "claimed_by": actor,
                "claimed_at": now,
                "expires_at": now + timedelta(hours=_claim_hours()),
            },
        )
        audit_log(
            "merchant.claim_taken_over",
            actor=actor,
            target=merchant,
            ip=ip,
            data={"from": before.get_username() if before else ""},
        )
    return claim


def claim_release(*, merchant: Merchant, actor, ip: str | None = None) -> None:
    with transaction.atomic():
        deleted, _rows = MerchantClaim.objects.filter(merchant=merchant, claimed_by=actor).delete()
        if deleted:
            audit_log("merchant.claim_released", actor=actor, target=merchant, ip=ip)


def _hold_claim(merchant: Merchant, actor) -> None:
    """Working on a merchant keeps (or starts) the worker's claim on it."""
    now = timezone.now()
    MerchantClaim.objects.update_or_create(
        merchant=merchant,
        defaults={
            "claimed_by": actor,
            "claimed_at": now,
            "expires_at": now + timedelta(hours=_claim_hours()),
        },
    )


def _ensure_not_claimed_by_other(merchant: Merchant, actor) -> None:
    holder = claim_holder(merchant)
    if holder is not None and holder.pk != actor.pk:
        raise Conflict(
            _("%(user)s has claimed this merchant; wait until the claim ends.")
            % {"user": holder.get_username()},
            code="claimed",
        )


# --- findings -------------------------------------------------------------------------------------


def finding_review(
    *,
    finding: Finding,
    actor,
    decision: str,
    reason: str = "",
    reason_code: str = "",
    ip: str | None = None,
) -> Finding:
    """Confirm or dismiss a finding with a reason. Dismissing as "not a claim" proposes a
    lexicon exception. The merchant's risk is recomputed."""
    _require_actor(actor)
    reason = (reason or "").strip()
    if decision not in (Finding.Review.CONFIRMED, Finding.Review.DISMISSED):
        raise ValidationFailed(_("Choose confirm or dismiss."), fields={"decision": ["invalid"]})
    if decision == Finding.Review.DISMISSED:
        if reason_code not in DISMISS_REASONS:
            raise ValidationFailed(
                _("Choose why the finding is dismissed."), fields={"reason_code": ["required"]}
            )
        if reason_code == "other" and not reason:
            raise ValidationFailed(_("Explain the dismissal."), fields={"reason": ["required"]})
        label = DISMISS_REASONS[reason_code]
        reason = f"{label}：{reason}" if reason else label
    elif not reason:
        raise ValidationFailed(_("Give a reason."), fields={"reason": ["required"]})
    merchant = finding.post.merchant
    with transaction.atomic():
        _ensure_not_claimed_by_other(merchant, actor)
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        before = finding.review
        finding.review = decision
        finding.reviewed_by = actor
        finding.reviewed_at = timezone.now()
        finding.review_reason = reason[:500]
        finding.save(update_fields=["review", "reviewed_by", "reviewed_at", "review_reason"])
        audit_log(
            f"finding.{decision}",
            actor=actor,
            target=finding,
            ip=ip,
            data={
                "merchant_id": merchant.pk,
                "rule": finding.rule,
                "matched": finding.matched,
                "before": before,
                "reason": finding.review_reason,
                "reason_code": reason_code,
            },
        )
        if decision == Finding.Review.DISMISSED and reason_code == NOT_A_CLAIM:
            _propose_exception(finding, actor=actor, reason=finding.review_reason, ip=ip)
        _hold_claim(merchant, actor)

    risk_recompute(merchant_id=merchant.pk)
    return finding


def _propose_exception(finding: Finding, *, actor, reason: str, ip) -> ExceptionProposal:
    text = finding.post.text
    phrase = text[max(0, finding.start - 2) : finding.end + 2].strip() or finding.matched
    proposal, created = ExceptionProposal.objects.get_or_create(
        finding=finding,
        state=ExceptionProposal.State.PENDING,
        defaults={
            "rule_id": finding.rule,
            "term": finding.term,
            "phrase": phrase[:200],
            "reason": reason[:500],
            "proposed_by": actor,
        },
    )
    if created:
        audit_log(
            "lexicon.exception_proposed",
            actor=actor,
            target=proposal,
            ip=ip,
            data={"rule": finding.rule, "term": finding.term, "phrase": proposal.phrase},
        )
    return proposal


def exception_decide(
    *, proposal: ExceptionProposal, actor, approve: bool, phrase: str | None = None, ip=None
) -> ExceptionProposal:
    """Approve (the phrase joins the rule's exceptions and a lexicon version is published) or
    reject a proposal. Only supervisors decide."""

    if not actor.has_perm("merchants.decide_exceptionproposal"):
        raise Forbidden(_("Only a supervisor decides lexicon exceptions."))
    with transaction.atomic():
        proposal = ExceptionProposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.state != ExceptionProposal.State.PENDING:
            raise InvalidTransition(_("This proposal was already decided."))
        if phrase is not None:
            proposal.phrase = phrase.strip()[:200]
        proposal.decided_by = actor
        proposal.decided_at = timezone.now()
        if approve:
            norm = Normalizer().normalize
            if norm(proposal.term).text not in norm(proposal.phrase).text:
                raise ValidationFailed(
                    _("The exception phrase must contain the term “%(term)s”.")
                    % {"term": proposal.term},
                    fields={"phrase": ["must contain the term"]},
                )
            rule = (
                LexiconRule.objects.select_for_update()
                .filter(rule_id=proposal.rule_id, term=proposal.term)
                .first()
            )
            if rule is None:
                raise ValidationFailed(_("The rule no longer exists in the lexicon."))
            if proposal.phrase not in rule.exception_list:
                rule.exceptions = "\n".join([*rule.exception_list, proposal.phrase])
                rule.save(update_fields=["exceptions", "updated_at"])
            proposal.lexicon_version = lexicon_publish(
                actor=actor, note=f"exception “{proposal.phrase}” for {rule}"
            )
            proposal.state = ExceptionProposal.State.APPROVED
        else:
            proposal.state = ExceptionProposal.State.REJECTED
        proposal.save()
        audit_log(
            f"lexicon.exception_{proposal.state}",
            actor=actor,
            target=proposal,
            ip=ip,
            data={
                "rule": proposal.rule_id,
                "term": proposal.term,
                "phrase": proposal.phrase,
                "version": proposal.lexicon_version.number if proposal.lexicon_version else None,
            },
        )
    return proposal


# --- enforcement actions --------------------------------------------------------------------------


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


# --- consumer warnings ----------------------------------------------------------------------------


def warning_draft(
    *, actor, title: str, body: str, region_code: str, merchant: Merchant | None = None, ip=None
) -> ConsumerWarning:

    if not title.strip() or not body.strip():
        raise ValidationFailed(_("A warning needs a title and a text."))
    region_code = region_code or (merchant.region_code if merchant else "")
    with transaction.atomic():
        warning = ConsumerWarning.objects.create(
            title=title.strip()[:200],
            body=body.strip(),
            merchant=merchant,
            region_code=region_code,
            issuer_name=issuing_office(region_code)[1],
            created_by=actor,
        )
        audit_log("warning.drafted", actor=actor, target=warning, ip=ip)
    return warning


def warning_publish(*, warning: ConsumerWarning, actor, ip=None) -> ConsumerWarning:
    """Publish a 消费警示 on /warnings/ — a supervisor's decision, audited."""
    if not actor.has_perm("merchants.publish_consumerwarning"):
        raise Forbidden(_("Only a supervisor publishes consumer warnings."))
    with transaction.atomic():
        warning = ConsumerWarning.objects.select_for_update().get(pk=warning.pk)
        if warning.state == ConsumerWarning.State.PUBLISHED:
            raise InvalidTransition(_("This warning is already published."))
        warning.state = ConsumerWarning.State.PUBLISHED
        warning.published_by = actor
        warning.published_at = timezone.now()
        warning.save(update_fields=["state", "published_by", "published_at"])
        audit_log(
            "warning.published",
            actor=actor,
            target=warning,
            ip=ip,
            data={"title": warning.title, "merchant_id": warning.merchant_id},
        )
    return warning


def warning_withdraw(*, warning: ConsumerWarning, actor, reason: str, ip=None) -> ConsumerWarning:
    if not actor.has_perm("merchants.publish_consumerwarning"):
        raise Forbidden(_("Only a supervisor withdraws consumer warnings."))
    if not (reason or "").strip():
        raise ValidationFailed(_("Give a reason."), fields={"reason": ["required"]})
    with transaction.atomic():
        warning = ConsumerWarning.objects.select_for_update().get(pk=warning.pk)
        if warning.state != ConsumerWarning.State.PUBLISHED:
            raise InvalidTransition(_("Only a published warning can be withdrawn."))
        warning.state = ConsumerWarning.State.WITHDRAWN
        warning.save(update_fields=["state"])
        audit_log("warning.withdrawn", actor=actor, target=warning, ip=ip, data={"reason": reason})
    return warning
