"""Reads, always limited to the caller's regions (``prefixes`` from wsmonitor.roles)."""

from django.db.models import Count, Q, QuerySet

from merchants.models import Finding, Merchant, Post
from wsmonitor.roles import region_q


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
