"""Explainable merchant risk: a sum of stored components, each with its explanation.

Own components (recomputed here):

* ``findings:<category>`` — every current, not dismissed finding adds its severity, doubled
  when a regulator confirmed it, halved every ``RISK_HALF_LIFE_DAYS`` of age; capped per
  category at ``RISK_CATEGORY_CAP`` so one noisy category cannot drown the rest;
* ``flood`` — more than ``RISK_FLOOD_POSTS_PER_DAY`` posts on one day in the last 30 days (刷屏);
* ``identity`` — no USCC and no exemption self-declaration (电子商务法 第十条、第十五条).

Other apps add theirs with ``merchants.services.risk_component_record`` (accepted complaints,
campaign breaches). Crossing ``RISK_QUEUE_THRESHOLD`` puts the merchant in the review queue.
"""

import math
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from merchants.models import Finding, Merchant, Post, RiskComponent

CATEGORY_LABELS = {
    "counterfeit": "假货类",
    "false_ad": "虚假广告类",
    "three_no": "三无产品类",
    "phishing": "钓鱼付款类",
}

OWN_SOURCES = ("findings", "flood", "identity")


def _knob(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def risk_recompute(*, merchant_id: int, recompute_own: bool = True) -> Merchant:
    now = timezone.now()
    with transaction.atomic():
        merchant = Merchant.objects.select_for_update().get(pk=merchant_id)
        if recompute_own:
            parts = _finding_parts(merchant_id, now) + _flood_parts(merchant_id, now)
            parts += _identity_parts(merchant)
            keep = set()
            for source, key, points, explanation, data in parts:
                keep.add((source, key))
                RiskComponent.objects.update_or_create(
                    merchant_id=merchant_id,
                    source=source,
                    key=key,
                    defaults={
                        "points": round(points, 2),
                        "explanation": explanation,
                        "data": data,
                        "computed_at": now,
                    },
                )
            for part in RiskComponent.objects.filter(
                merchant_id=merchant_id, source__in=OWN_SOURCES
            ):
                if (part.source, part.key) not in keep:
                    part.delete()
        total = (
            RiskComponent.objects.filter(merchant_id=merchant_id).aggregate(s=Sum("points"))["s"]
            or 0.0
        )
        merchant.risk_score = round(total, 2)
        merchant.risk_updated_at = now
        merchant.in_review_queue = (
            merchant.merged_into_id is None
            and total >= _knob("RISK_QUEUE_THRESHOLD", 20)
            and merchant.status != Merchant.Status.CLEARED
        )
        merchant.save(update_fields=["risk_score", "risk_updated_at", "in_review_queue"])
    return merchant


def risk_breakdown(merchant: Merchant) -> list[dict]:
    return [
        {
            "source": p.source,
            "key": p.key,
            "points": p.points,
            "explanation": p.explanation,
            "computed_at": p.computed_at,
        }
        for p in merchant.risk_parts.order_by("-points", "source", "key")
    ]


def _finding_parts(merchant_id: int, now) -> list[tuple]:
    half_life = _knob("RISK_HALF_LIFE_DAYS", 30)
    cap = _knob("RISK_CATEGORY_CAP", 40)
    rows = (
        Finding.objects.filter(post__merchant_id=merchant_id, is_current=True)
        .exclude(review=Finding.Review.DISMISSED)
        .values_list("category", "severity", "review", "post__captured_at")
    )
    sums: dict[str, float] = defaultdict(float)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for category, severity, review, captured_at in rows:
        age_days = max(0.0, (now - captured_at).total_seconds() / 86400)
        weight = 2.0 if review == Finding.Review.CONFIRMED else 1.0
        sums[category] += severity * weight * math.pow(0.5, age_days / half_life)
        counts[category][0] += 1
        counts[category][1] += review == Finding.Review.CONFIRMED
    parts = []
    for category, raw in sums.items():
        points = min(raw, cap)
        n, confirmed = counts[category]
        label = CATEGORY_LABELS.get(category, category)
        explanation = (
            f"{label}命中 {n} 条（已确认 {confirmed} 条），按严重程度和时间衰减"
            f"（半衰期 {half_life:g} 天）计 {points:.1f} 分"
            + (f"（上限 {cap:g}）" if raw > cap else "")
        )
        parts.append(
            (
                "findings",
                category,
                points,
                explanation,
                {"count": n, "confirmed": confirmed, "raw": round(raw, 2)},
            )
        )
    return parts


def _flood_parts(merchant_id: int, now) -> list[tuple]:
    limit = int(_knob("RISK_FLOOD_POSTS_PER_DAY", 20))
    busiest = (
        Post.objects.filter(
            merchant_id=merchant_id, is_current=True, captured_at__gte=now - timedelta(days=30)
        )
        .annotate(day=TruncDate("captured_at"))
        .values("day")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    if not busiest or busiest["n"] <= limit:
        return []
    points = min(15.0, 5.0 + (busiest["n"] - limit) / limit * 5)
    explanation = f"刷屏：{busiest['day']} 单日发布 {busiest['n']} 条（阈值 {limit} 条）"
    return [("flood", "", points, explanation, {"day": str(busiest["day"]), "posts": busiest["n"]})]


def _identity_parts(merchant: Merchant) -> list[tuple]:
    if merchant.uscc or merchant.registration == Merchant.Registration.EXEMPT:
        return []
    explanation = "无统一社会信用代码，且未作免于登记的自我声明（电子商务法第十条、第十五条）"
    return [("identity", "", 5.0, explanation, {})]
