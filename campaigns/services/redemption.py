"""Consumers' redemption reports and a campaign's honour rate."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from campaigns.excuses import EXCUSE_LABELS, find_excuses
from campaigns.models import Campaign, RedemptionReport
from campaigns.services.common import RISK_SOURCE
from core.audit import audit_log
from core.errors import ValidationFailed
from merchants.services import risk_component_record

log = logging.getLogger(__name__)


def report_submit(
    *,
    campaign: Campaign,
    likes_collected: int,
    collected_on: datetime.date,
    outcome: str,
    redeemed_on: datetime.date | None = None,
    excuse_text: str = "",
    source: str = RedemptionReport.Source.WEB,
    ip: str | None = None,
) -> RedemptionReport:
    """Store a consumer's redemption report, scan the excuse, refresh the honour rate."""
    errors: dict[str, list[str]] = {}
    if outcome not in RedemptionReport.Outcome.values:
        errors["outcome"] = ["请选择兑奖结果"]
    if likes_collected is None or likes_collected < 0 or likes_collected > 100_000:
        errors["likes_collected"] = ["点赞数不正确"]
    today = timezone.localdate()
    if collected_on and collected_on > today:
        errors["collected_on"] = ["日期在未来"]
    if redeemed_on and redeemed_on > today:
        errors["redeemed_on"] = ["日期在未来"]
    if redeemed_on and collected_on and redeemed_on < collected_on:
        errors["redeemed_on"] = ["兑奖日期早于集赞日期"]
    if len(excuse_text or "") > 2000:
        errors["excuse_text"] = ["最多2000字"]
    if errors:
        raise ValidationFailed("反馈内容有误", fields=errors)
    with transaction.atomic():
        report = RedemptionReport.objects.create(
            campaign=campaign,
            likes_collected=likes_collected,
            collected_on=collected_on,
            redeemed_on=redeemed_on,
            outcome=outcome,
            excuse_text=(excuse_text or "").strip(),
            excuses=find_excuses(excuse_text or ""),
            source=source,
        )
        audit_log(
            "campaign.redemption_reported",
            actor_label="public" if source == RedemptionReport.Source.WEB else "api",
            target=campaign,
            ip=ip,
            data={"report_id": report.pk, "outcome": outcome, "excuses": report.excuses},
        )
        honour_refresh(campaign=campaign)
    return report


@dataclass(frozen=True)
class Honour:
    reports: int
    received: int
    refusals: int
    rate: float | None  # received / reports, None without reports
    flagged: bool
    excuses: tuple[tuple[str, int], ...] = ()


def honour_compute(campaign: Campaign) -> Honour:
    agg = campaign.reports.aggregate(
        n=Count("id"),
        received=Count("id", filter=Q(outcome=RedemptionReport.Outcome.RECEIVED)),
        refused=Count("id", filter=Q(outcome=RedemptionReport.Outcome.REFUSED)),
    )
    n = agg["n"]
    rate = agg["received"] / n if n else None
    flagged = bool(
        n >= settings.CAMPAIGNS_HONOUR_MIN_REPORTS
        and rate is not None
        and rate * 100 < settings.CAMPAIGNS_HONOUR_FLAG_BELOW_PERCENT
    )
    counts: dict[str, int] = {}
    for codes in campaign.reports.values_list("excuses", flat=True):
        for code in codes or []:
            counts[code] = counts.get(code, 0) + 1
    top = tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return Honour(n, agg["received"], agg["refused"], rate, flagged, top)


def honour_refresh(*, campaign: Campaign) -> Honour:
    """Flag the campaign and set the merchant's ``honour:<campaign>`` risk part when enough
    consumers report that the gift was not given (thresholds in settings)."""
    honour = honour_compute(campaign)
    if honour.flagged != campaign.honour_flagged:
        Campaign.objects.filter(pk=campaign.pk).update(honour_flagged=honour.flagged)
        campaign.honour_flagged = honour.flagged
    explanation = ""
    if honour.flagged:
        pct = round((honour.rate or 0) * 100)
        explanation = (
            f"集赞活动“{campaign.title}”兑现率低：{honour.reports}份兑奖反馈中仅{honour.received}"
            f"份领到礼品（{pct}%），{honour.refusals}份被拒绝"
        )
        if honour.excuses:
            said = "、".join(
                f"{EXCUSE_LABELS.get(code, code)}（{n}次）" for code, n in honour.excuses[:3]
            )
            explanation += f"；商家的说法：{said}"
        explanation += "（《消费者权益保护法实施条例》第七条：奖励、赠送的商品同样受保护）"
    risk_component_record(
        merchant_id=campaign.merchant_id,
        source=RISK_SOURCE,
        key=f"honour:{campaign.pk}",
        points=float(settings.CAMPAIGNS_HONOUR_POINTS) if honour.flagged else 0,
        explanation=explanation,
        data={
            "campaign_id": campaign.pk,
            "reports": honour.reports,
            "received": honour.received,
            "refusals": honour.refusals,
        },
    )
    return honour
