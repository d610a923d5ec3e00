"""Reads, always limited to the caller's regions (``prefixes`` from ``core.roles``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Breach, Campaign, RedemptionReport, Snapshot, TermChange
from campaigns.terms import CampaignTerms
from core.roles import region_prefixes, region_q
from merchants.services import merchant_find
from merchants.signals import TimelineItem

Outcome = RedemptionReport.Outcome


def campaigns_visible(prefixes: list[str] | None) -> QuerySet[Campaign]:
    """Campaigns of merchants in the regions, annotated with breach and report counts."""
    return (
        Campaign.objects.filter(region_q(prefixes, "merchant__region_code"))
        .select_related("merchant")
        .annotate(
            breach_count=Count(
                "breaches", filter=Q(breaches__retracted_at__isnull=True), distinct=True
            ),
            report_count=Count("reports", distinct=True),
            received_count=Count(
                "reports", filter=Q(reports__outcome=Outcome.RECEIVED), distinct=True
            ),
            refusal_count=Count(
                "reports", filter=Q(reports__outcome=Outcome.REFUSED), distinct=True
            ),
        )
    )


def breaches_visible(prefixes: list[str] | None) -> QuerySet[Breach]:
    return Breach.objects.filter(region_q(prefixes, "campaign__merchant__region_code"))


def reports_visible(prefixes: list[str] | None) -> QuerySet[RedemptionReport]:
    return RedemptionReport.objects.filter(region_q(prefixes, "campaign__merchant__region_code"))


def snapshots_visible(prefixes: list[str] | None) -> QuerySet[Snapshot]:
    return Snapshot.objects.filter(region_q(prefixes, "campaign__merchant__region_code"))


def honour_rate(campaign: Campaign) -> float | None:
    """received / reports from the annotations of ``campaigns_visible`` (None: no reports)."""
    n = getattr(campaign, "report_count", None)
    if n is None:
        n = campaign.reports.count()
        received = campaign.reports.filter(outcome=Outcome.RECEIVED).count()
    else:
        received = campaign.received_count
    return round(received / n, 4) if n else None


def public_campaign(public_id: str) -> Campaign | None:
    """A campaign by its public id, for the consumer report form (no region limit: consumers
    report on any campaign)."""
    return Campaign.objects.select_related("merchant").filter(public_id=public_id).first()


def public_campaign_search(query: str, *, limit: int = 20) -> list[Campaign]:
    """Consumers look a campaign up by the merchant's handle or name, or the campaign title."""
    query = (query or "").strip()
    if len(query) < 2:
        return []

    merchant_ids = [m.pk for m in merchant_find(handle=query)]
    qs = Campaign.objects.select_related("merchant").filter(
        Q(merchant_id__in=merchant_ids)
        | Q(title__icontains=query)
        | Q(merchant__display_name__icontains=query)
        | Q(public_id=query.lower())
    )
    return list(qs.order_by("-created_at")[:limit])


def effective_terms(snapshot: Snapshot) -> dict:
    """The terms standing for an observation: its latest correction's, else its own."""
    latest = snapshot.corrections.order_by("-sequence").first()
    return dict((latest or snapshot).terms)


@dataclass(frozen=True)
class TermRow:
    field: str
    label: str
    value: str
    changed: bool
    direction: str  # "" when unchanged


@dataclass(frozen=True)
class SnapshotColumn:
    snapshot: Snapshot
    terms: CampaignTerms
    corrected_by: Snapshot | None
    rows: list[TermRow]
    changes: list[TermChange]
    highlight_spans: list[tuple[int, int, str]]


TERM_LABELS = {
    "likes": "所需点赞数",
    "gift": "礼品",
    "gift_value": "礼品价值（元）",
    "deadline": "截止日期",
    "conditions": "其他条件",
    "quantity_limit": "数量限制",
    "place": "领取地点/方式",
}


def _value(terms: CampaignTerms, name: str) -> str:
    if name == "conditions":
        return "；".join(terms.conditions)
    if name == "deadline":
        if terms.deadline:
            return terms.deadline.isoformat()
        return terms.deadline_text or ""
    v = getattr(terms, name)
    return "" if v is None else str(v)


def campaign_columns(campaign: Campaign) -> list[SnapshotColumn]:
    """The observations side by side for the admin: each with its standing terms, the terms that
    changed since the previous observation (and which way), and spans of the raw text to mark."""
    snaps = list(campaign.snapshots.select_related("captured_by").order_by("sequence"))
    latest: dict[int, Snapshot] = {}
    for s in snaps:
        if s.corrects_id:
            latest[s.corrects_id] = s
    changes_by_after: dict[int, list[TermChange]] = {}
    for change in campaign.changes.all():
        changes_by_after.setdefault(change.after_snapshot_id, []).append(change)
    columns = []
    for s in snaps:
        if s.corrects_id:
            continue
        terms = CampaignTerms.from_dict(latest.get(s.pk, s).terms)
        changes = changes_by_after.get(s.pk, [])
        direction_of = {}
        for c in changes:
            field = "gift" if c.field == "gift_value" and "gift" not in direction_of else c.field
            direction_of.setdefault(c.field, c.direction)
            direction_of.setdefault(field, c.direction)
        rows = [
            TermRow(
                name,
                label,
                _value(terms, name),
                name in direction_of,
                direction_of.get(name, ""),
            )
            for name, label in TERM_LABELS.items()
        ]
        spans = []
        if s.raw_text:
            for name in ("gift", "deadline_text", "place"):
                value = getattr(terms, name)
                if name in direction_of or (name == "deadline_text" and "deadline" in direction_of):
                    _add_span(spans, s.raw_text, value, TERM_LABELS.get(name, "截止日期"))
            if "likes" in direction_of and terms.likes is not None:
                _add_span(spans, s.raw_text, str(terms.likes), TERM_LABELS["likes"])
            if "conditions" in direction_of:
                for c in changes:
                    if c.field == "conditions" and c.after:
                        _add_span(spans, s.raw_text, c.after, TERM_LABELS["conditions"])
        columns.append(SnapshotColumn(s, terms, latest.get(s.pk), rows, changes, spans))
    return columns


def _add_span(spans: list, text: str, value: str | None, title: str) -> None:
    if not value:
        return
    start = text.find(value)
    if start >= 0:
        spans.append((start, start + len(value), title))


def merchant_timeline(merchant, user):
    """Provider for the merchant page: the merchant's campaigns and their breaches, within the
    user's regions."""

    prefixes = region_prefixes(user)
    items = []
    campaigns = campaigns_visible(prefixes).filter(merchant=merchant).order_by("-created_at")
    for c in campaigns[:100]:
        rate = honour_rate(c)
        badges = [c.get_status_display()]
        if c.breach_count:
            badges.append(f"违规 {c.breach_count}")
        if rate is not None:
            badges.append(f"兑现率 {round(rate * 100)}%")
        items.append(
            TimelineItem(
                when=c.created_at,
                kind="campaign",
                title=f"集赞活动：{c.title}",
                body=c.gift or "",
                url=c.get_absolute_url(),
                badges=tuple(badges),
            )
        )
    for b in (
        breaches_visible(prefixes)
        .filter(campaign__merchant=merchant, retracted_at__isnull=True)
        .select_related("campaign")[:100]
    ):
        items.append(
            TimelineItem(
                when=b.detected_at,
                kind="campaign_breach",
                title=f"集赞活动违规：{b.campaign.title}",
                body=b.explanation,
                url=b.campaign.get_absolute_url(),
                badges=(b.get_kind_display(),),
            )
        )
    return items


def merchant_public_facts(merchant):
    """Safe public facts: how many of the merchant's campaigns changed terms against consumers.
    Labels are already translated (the merchant page shows unknown labels as they come)."""
    qs = Campaign.objects.filter(merchant=merchant)
    if not qs.exists():
        return []
    with_breach = qs.filter(breaches__retracted_at__isnull=True).distinct().count()
    return [
        {"label": _("Likes-for-gift campaigns on record"), "value": qs.count()},
        {"label": _("Campaigns that changed terms against consumers"), "value": with_breach},
    ]


def dashboard_campaigns(prefixes, since) -> list[dict]:
    """For the regulator dashboard (merchants.dashboard): per merchant region, campaigns whose
    promise came due (deadline since ``since`` and passed, or an outcome recorded), how many
    were honoured as announced and how many were not (partly, dishonoured, withdrawn, deleted);
    a campaign with no outcome recorded is neither."""

    S = Campaign.Status
    today = timezone.localdate()
    due = Q(deadline__lt=today, deadline__gte=since) | Q(
        status__in=[S.HONOURED, S.PARTLY_HONOURED, S.DISHONOURED, S.DELETED],
        updated_at__date__gte=since,
    )
    rows = (
        Campaign.objects.filter(region_q(prefixes, "merchant__region_code"))
        .filter(due)
        .values("merchant__region_code")
        .annotate(
            promised=Count("id"),
            honoured=Count("id", filter=Q(status=S.HONOURED)),
            not_honoured=Count(
                "id",
                filter=Q(status__in=[S.PARTLY_HONOURED, S.DISHONOURED, S.WITHDRAWN, S.DELETED]),
            ),
        )
        .order_by("merchant__region_code")
    )
    return [
        {
            "region": row["merchant__region_code"] or "",
            "promised": row["promised"],
            "honoured": row["honoured"],
            "not_honoured": row["not_honoured"],  # the rest came due without an outcome yet
        }
        for row in rows
    ]
