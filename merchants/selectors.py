"""Reads, always limited to the caller's regions (``prefixes`` from core.roles)."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.html import format_html

from core.roles import region_q
from core.signals import gathered
from merchants.highlight import highlight
from merchants.models import (
    ConsumerWarning,
    EnforcementAction,
    Finding,
    Merchant,
    Post,
    RiskComponent,
)
from merchants.signals import public_facts, timeline_items
from merchants.uscc import uscc_problem


def merchants_visible(prefixes: list[str] | None) -> QuerySet[Merchant]:
    return Merchant.objects.filter(merged_into__isnull=True).filter(
        region_q(prefixes, "region_code")
    )


def posts_visible(prefixes: list[str] | None) -> QuerySet[Post]:
    return Post.objects.filter(region_q(prefixes, "merchant__region_code"))


def findings_visible(prefixes: list[str] | None) -> QuerySet[Finding]:
    return Finding.objects.filter(region_q(prefixes, "post__merchant__region_code"))


def review_queue(prefixes: list[str] | None) -> QuerySet[Merchant]:
    return (
        merchants_visible(prefixes)
        .filter(in_review_queue=True)
        .annotate(
            open_findings=Count(
                "posts__findings",
                filter=Q(posts__findings__is_current=True, posts__findings__review="open"),
            )
        )
        .order_by("-risk_score", "id")
    )


# --- Regulator workspace -------------------------------------------------------------------------

# RiskComponent.source values other apps record (merchants never imports them).
COMPLAINT_SOURCES = ("complaints",)
CAMPAIGN_SOURCE_PREFIX = "campaign"


def merchant_get_visible(prefixes: list[str] | None, pk) -> Merchant:
    """The merchant if it lies in the caller's regions; ``Merchant.DoesNotExist`` otherwise
    (callers answer 404, never 403, so existence does not leak)."""
    try:
        return merchants_visible(prefixes).get(pk=int(pk))
    except (TypeError, ValueError):
        raise Merchant.DoesNotExist from None


def review_queue_filtered(
    prefixes: list[str] | None,
    *,
    region: str = "",
    category: str = "",
    status: str = "",
    has_complaints: bool | None = None,
    has_campaign_breach: bool | None = None,
    active_within_days: int | None = None,
) -> QuerySet[Merchant]:

    qs = review_queue(prefixes)
    if region:
        qs = qs.filter(region_code__startswith=region)
    if category:
        qs = qs.filter(
            pk__in=RiskComponent.objects.filter(source="findings", key=category).values(
                "merchant_id"
            )
        )
    if status:
        qs = qs.filter(status=status)
    complaints = RiskComponent.objects.filter(source__in=COMPLAINT_SOURCES).values("merchant_id")
    if has_complaints is True:
        qs = qs.filter(pk__in=complaints)
    elif has_complaints is False:
        qs = qs.exclude(pk__in=complaints)
    campaigns = RiskComponent.objects.filter(source__startswith=CAMPAIGN_SOURCE_PREFIX).values(
        "merchant_id"
    )
    if has_campaign_breach is True:
        qs = qs.filter(pk__in=campaigns)
    elif has_campaign_breach is False:
        qs = qs.exclude(pk__in=campaigns)
    if active_within_days is not None:
        since = timezone.now() - timezone.timedelta(days=active_within_days)
        qs = qs.filter(last_activity_at__gte=since)
    return qs


def merchant_timeline(merchant: Merchant, user) -> list[dict]:
    """One timeline for the merchant page, newest first: posts (with their findings
    highlighted at the engine's offsets), enforcement actions, and whatever the provider apps
    add (complaints, campaigns), each provider applying its own permission and masking rules.

    Each entry is ``{"when", "kind", "title", "html" | "body", "findings", "url", "badges"}``.
    """

    entries: list[dict] = []
    posts = (
        Post.objects.filter(merchant=merchant, is_current=True)
        .prefetch_related("findings")
        .order_by("-captured_at")[:200]
    )
    for post in posts:
        findings = sorted(
            (f for f in post.findings.all() if f.is_current), key=lambda f: (f.start, f.end)
        )
        spans = [
            (f.start, f.end, f"{f.rule} · {f.get_review_display()}")
            for f in findings
            if f.review != Finding.Review.DISMISSED
        ]
        entries.append(
            {
                "when": post.posted_at or post.captured_at,
                "kind": "post",
                "title": post.get_source_display(),
                "html": format_html('<div class="post-text">{}</div>', highlight(post.text, spans)),
                "post": post,
                "findings": findings,
                "url": post.url,
                "badges": (post.get_scan_state_display(),),
            }
        )
    for action in EnforcementAction.objects.filter(merchant=merchant).select_related("actor"):
        entries.append(
            {
                "when": action.created_at,
                "kind": "action",
                "title": action.get_kind_display(),
                "body": action.reason,
                "action": action,
                "findings": [],
                "url": "",
                "badges": (action.actor.get_username(),),
            }
        )
    for item in gathered(timeline_items, merchant=merchant, user=user):
        entries.append(
            {
                "when": item.when,
                "kind": item.kind,
                "title": item.title,
                "body": item.body,
                "findings": [],
                "url": item.url,
                "badges": tuple(item.badges),
            }
        )
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries


def public_merchant_facts(merchant: Merchant) -> dict:
    """What a consumer may see about a merchant: registration, published warnings, and the
    public facts provider apps add. Never risk scores or unconfirmed findings."""

    facts: list[dict] = gathered(public_facts, merchant=merchant)
    return {
        "merchant": merchant,
        "registration": merchant.get_registration_display(),
        "registered": merchant.registration == Merchant.Registration.REGISTERED
        or bool(merchant.uscc and not uscc_problem(merchant.uscc)),
        "uscc": merchant.uscc if merchant.uscc and not uscc_problem(merchant.uscc) else "",
        "warnings": list(
            ConsumerWarning.objects.filter(
                merchant=merchant, state=ConsumerWarning.State.PUBLISHED
            ).order_by("-published_at")
        ),
        "facts": facts,
    }


def warnings_published():
    return ConsumerWarning.objects.filter(state=ConsumerWarning.State.PUBLISHED).order_by(
        "-published_at", "-id"
    )
