"""Claims: a regulator takes a merchant to work on, for a period; a supervisor can take it over."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log
from core.errors import Conflict, Forbidden
from merchants.actions.common import _claim_hours, _require_actor
from merchants.models import (
    Merchant,
    MerchantClaim,
)


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
