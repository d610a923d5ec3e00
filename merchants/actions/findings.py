"""Finding reviews, and the lexicon exception a dismissal as 不构成宣称 proposes."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log
from core.errors import Forbidden, InvalidTransition, ValidationFailed
from lexicon.models import LexiconRule
from lexicon.services import lexicon_publish
from merchants.actions.claims import _ensure_not_claimed_by_other, _hold_claim
from merchants.actions.common import DISMISS_REASONS, NOT_A_CLAIM, _require_actor
from merchants.models import (
    ExceptionProposal,
    Finding,
)
from merchants.risk import risk_recompute
from scanning.normalize import Normalizer


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
