"""The regulator's home ("my work"): the merchants they hold claims on."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.roles import region_prefixes, region_q
from core.signals import answer, my_work_sections
from merchants.models import (
    MerchantClaim,
)


def my_work_merchants(request) -> list[dict]:
    """The merchants I have claimed; for a supervisor also the others' claims (to take over)."""
    user = request.user
    if not user.has_perm("merchants.act_on_merchant"):
        return []
    now = timezone.now()
    active = MerchantClaim.objects.filter(expires_at__gt=now).select_related(
        "merchant", "claimed_by"
    )

    def row(claim, *, who=False):
        until = timezone.localtime(claim.expires_at).strftime("%H:%M")
        note = _("claimed until %(until)s") % {"until": until}
        if who:
            note = f"{claim.claimed_by.get_username()} · {note}"
        return {
            "label": claim.merchant.display_name,
            "url": reverse("admin:merchants_merchant_change", args=[claim.merchant_id]),
            "note": note,
            "late": False,
        }

    sections = [
        {
            "key": "claims",
            "title": _("Merchants I am working on"),
            "rows": [row(c) for c in active.filter(claimed_by=user).order_by("expires_at")],
            "empty": _("You have not claimed a merchant. Start from the review queue."),
            "link": {"url": reverse("admin:merchants_reviewqueueentry_changelist"),
                     "label": _("Review queue")},
        }
    ]  # fmt: skip
    if user.is_superuser or user.groups.filter(name="Supervisor").exists():
        others = active.exclude(claimed_by=user).filter(
            region_q(region_prefixes(user), "merchant__region_code")
        )
        sections.append(
            {
                "key": "others",
                "title": _("Merchants claimed by others (open one to take over)"),
                "rows": [row(c, who=True) for c in others.order_by("expires_at")[:20]],
                "empty": _("Nobody else holds a claim."),
            }
        )
    return sections


answer(my_work_sections, my_work_merchants, uid="merchants.my_work")
