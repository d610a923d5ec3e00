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
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from merchants.models import Finding, Merchant, Post, RiskComponent
from wsmonitor.bulk import bulk_insert

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
    risk_recompute_many(merchant_ids=[merchant_id], recompute_own=recompute_own)
    return Merchant.objects.get(pk=merchant_id)


def risk_recompute_many(*, merchant_ids, recompute_own: bool = True) -> None:
    """Recompute the scores of several merchants in a few set-based queries.

    Merchants are locked in id order, so two workers recomputing overlapping sets never
    deadlock; components recorded by other apps are kept and summed."""
    ids = sorted(set(merchant_ids))
    if not ids:
        return
    now = timezone.now()
    threshold = _knob("RISK_QUEUE_THRESHOLD", 20)
    with transaction.atomic():
        merchants = list(Merchant.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        if recompute_own:
            parts = _finding_parts(ids, now) + _flood_parts(ids, now) + _identity_parts(merchants)
            # Components still present are updated in place (their rows and index entries
            # stay), new ones inserted; the own components left with another time stamp are
            # those that no longer apply.
            bulk_insert(
                RiskComponent,
                ("merchant_id", "source", "key", "points", "explanation", "data"),
                (
                    (merchant_id, source, key, round(points, 2), explanation, data)
                    for merchant_id, source, key, points, explanation, data in parts
                ),
                constants={"computed_at": now},
                update_conflicts=(
                    ("merchant_id", "source", "key"),
                    ("points", "explanation", "data", "computed_at"),
                ),
            )
            RiskComponent.objects.filter(merchant_id__in=ids, source__in=OWN_SOURCES).exclude(
                computed_at=now
            ).delete()
        totals = dict(
            RiskComponent.objects.filter(merchant_id__in=ids)
            .values("merchant_id")
            .annotate(s=Sum("points"))
            .values_list("merchant_id", "s")
        )
        for merchant in merchants:
            total = totals.get(merchant.pk) or 0.0
            merchant.risk_score = round(total, 2)
            merchant.risk_updated_at = now
            merchant.in_review_queue = (
                merchant.merged_into_id is None
                and total >= threshold
                and merchant.status != Merchant.Status.CLEARED
            )
        _save_scores(merchants, now)


def _save_scores(merchants: list[Merchant], now) -> None:
    """Write the new scores in one statement (Django's bulk_update builds a CASE per row,
    which costs more than the rest of the recompute for a few hundred merchants)."""
    if connection.vendor != "postgresql":
        Merchant.objects.bulk_update(
            merchants, ["risk_score", "risk_updated_at", "in_review_queue"]
        )
        return
    rows = [(m.pk, m.risk_score, m.in_review_queue) for m in merchants]
    placeholders = ", ".join(["(%s::bigint, %s::double precision, %s::boolean)"] * len(rows))
    params = [value for row in rows for value in row]
    table = Merchant._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS m SET risk_score = v.score, in_review_queue = v.queue, "  # noqa: S608 - table name from the model, values are parameters
            f"risk_updated_at = %s FROM (VALUES {placeholders}) AS v(id, score, queue) "
            "WHERE m.id = v.id",
            [now, *params],
        )


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


def _finding_parts(ids: list[int], now) -> list[tuple]:
    half_life = _knob("RISK_HALF_LIFE_DAYS", 30)
    cap = _knob("RISK_CATEGORY_CAP", 40)
    # Aggregated per capture day in the database, so the cost grows with the days a merchant
    # has been posting, not with its number of findings; decay is applied per day.
    rows = (
        Finding.objects.filter(post__merchant_id__in=ids, is_current=True)
        .exclude(review=Finding.Review.DISMISSED)
        .annotate(day=TruncDate("post__captured_at"))
        .values("post__merchant_id", "category", "review", "day")
        .annotate(severity_sum=Sum("severity"), n=Count("id"))
    )
    today = timezone.localdate(now)
    sums: dict[tuple, float] = defaultdict(float)
    counts: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        age_days = max(0, (today - row["day"]).days)
        weight = 2.0 if row["review"] == Finding.Review.CONFIRMED else 1.0
        key = (row["post__merchant_id"], row["category"])
        sums[key] += row["severity_sum"] * weight * math.pow(0.5, age_days / half_life)
        counts[key][0] += row["n"]
        if row["review"] == Finding.Review.CONFIRMED:
            counts[key][1] += row["n"]
    parts = []
    for (merchant_id, category), raw in sums.items():
        points = min(raw, cap)
        n, confirmed = counts[(merchant_id, category)]
        label = CATEGORY_LABELS.get(category, category)
        explanation = (
            f"{label}命中 {n} 条（已确认 {confirmed} 条），按严重程度和时间衰减"
            f"（半衰期 {half_life:g} 天）计 {points:.1f} 分"
            + (f"（上限 {cap:g}）" if raw > cap else "")
        )
        data = {"count": n, "confirmed": confirmed, "raw": round(raw, 2)}
        parts.append((merchant_id, "findings", category, points, explanation, data))
    return parts


def _flood_parts(ids: list[int], now) -> list[tuple]:
    limit = int(_knob("RISK_FLOOD_POSTS_PER_DAY", 20))
    rows = (
        Post.objects.filter(
            merchant_id__in=ids, is_current=True, captured_at__gte=now - timedelta(days=30)
        )
        .annotate(day=TruncDate("captured_at"))
        .values("merchant_id", "day")
        .annotate(n=Count("id"))
        .filter(n__gt=limit)
    )
    busiest: dict[int, dict] = {}
    for row in rows:
        if row["n"] > busiest.get(row["merchant_id"], {"n": 0})["n"]:
            busiest[row["merchant_id"]] = row
    parts = []
    for merchant_id, row in busiest.items():
        points = min(15.0, 5.0 + (row["n"] - limit) / limit * 5)
        explanation = f"刷屏：{row['day']} 单日发布 {row['n']} 条（阈值 {limit} 条）"
        data = {"day": str(row["day"]), "posts": row["n"]}
        parts.append((merchant_id, "flood", "", points, explanation, data))
    return parts


def _identity_parts(merchants: list[Merchant]) -> list[tuple]:
    explanation = "无统一社会信用代码，且未作免于登记的自我声明（电子商务法第十条、第十五条）"
    return [
        (m.pk, "identity", "", 5.0, explanation, {})
        for m in merchants
        if not m.uscc and m.registration != Merchant.Registration.EXEMPT
    ]
