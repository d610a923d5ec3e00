"""Explainable merchant risk: a sum of stored components, each with its explanation.

Own components (recomputed here):

* ``findings:<category>`` — every current, not dismissed finding adds its severity, doubled
  when a regulator confirmed it, halved every ``RISK_HALF_LIFE_DAYS`` of age (by capture day);
  capped per category at ``RISK_CATEGORY_CAP`` so one noisy category cannot drown the rest;
* ``flood`` — more than ``RISK_FLOOD_POSTS_PER_DAY`` posts on one day of the last 30 days (刷屏);
  key ``near_duplicate``: posts of the last 30 days near-identical to other merchants' (text or
  product photo, ``merchants.near_duplicate_risk``), by the number of other accounts;
* ``identity`` — no USCC and no exemption self-declaration (电子商务法 第十条、第十五条).

The recompute does not read findings, posts or matches. It reads aggregates that the writes keep
up to date (``merchants.models.RiskTally``, ``RiskDay``, and for near-identical content
``NearDuplicateDay`` and ``NearDuplicatePair``):

* a scan adds to each ``RiskTally`` (merchant, category) what it changed — findings it added or
  retired, with their review — decay folded in, in the scan's own transaction;
* a post scanned for the first time adds one to its merchant's capture day in ``RiskDay``
  (current posts scanned at least once); a revision, or a post replaced before its first scan,
  has its day and the days of the revisions it replaces counted again from the posts;
* the matches of near-identical posts keep their own two aggregates as they are stored and
  deleted (``merchants.near_duplicate_risk``);
* a regulator's review or a merge recomputes that merchant's aggregates from its rows
  (``risk_recompute``); ``manage.py rebuild_risk`` does it for every merchant (after a change of
  ``RISK_HALF_LIFE_DAYS``, for an audit).

So a recompute reads at most one tally per category, 31 day rows and the pair rows of 31 days
per merchant, however long its history. It never locks the merchant rows while it works
(ingest inserts posts that reference them): recomputes of the same merchant take a
transaction-level advisory lock on PostgreSQL instead, and the scores are written in one
statement at the end.

Other apps add theirs with ``merchants.services.risk_component_record`` (accepted complaints,
campaign breaches). Crossing ``RISK_QUEUE_THRESHOLD`` puts the merchant in the review queue.
"""

import datetime
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from core.bulk import bulk_insert
from merchants.aggregate_rows import lock_rows, update_rows
from merchants.models import Finding, Merchant, Post, RiskComponent, RiskDay, RiskTally
from merchants.near_duplicate_risk import near_duplicate_parts, near_duplicates_rebuild

CATEGORY_LABELS = {
    "counterfeit": "假货类",
    "false_ad": "虚假广告类",
    "three_no": "三无产品类",
    "phishing": "钓鱼付款类",
}

OWN_SOURCES = ("findings", "flood", "identity")
FLOOD_WINDOW_DAYS = 30
_LOCK_SPACE = 7_301  # advisory lock namespace of risk recomputes (first key of the pair)


def _knob(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def _half_life() -> float:
    return _knob("RISK_HALF_LIFE_DAYS", 30)


def risk_recompute(*, merchant_id: int, recompute_own: bool = True) -> Merchant:
    """One merchant, after a regulator's action (a review, a merge, identity): its aggregates
    are computed again from its findings and posts first, so any change counts."""
    if recompute_own:
        risk_aggregates_rebuild(merchant_ids=[merchant_id])
    risk_recompute_many(merchant_ids=[merchant_id], recompute_own=recompute_own)
    return Merchant.objects.get(pk=merchant_id)


def risk_recompute_many(*, merchant_ids, recompute_own: bool = True) -> None:
    """Recompute the scores of several merchants from their aggregates, in a few set-based
    queries; components recorded by other apps are kept and summed."""
    ids = sorted(set(merchant_ids))
    if not ids:
        return
    half_life = _half_life()
    stale = set(
        RiskTally.objects.filter(merchant_id__in=ids)
        .exclude(half_life=half_life)
        .values_list("merchant_id", flat=True)
    )
    if stale:  # RISK_HALF_LIFE_DAYS changed since these were written
        risk_aggregates_rebuild(merchant_ids=sorted(stale))
    now = timezone.now()
    threshold = _knob("RISK_QUEUE_THRESHOLD", 20)
    with transaction.atomic():
        _lock_merchants(ids)
        merchants = list(
            Merchant.objects.filter(pk__in=ids)
            .order_by("pk")
            .only("id", "uscc", "registration", "status", "merged_into_id")
        )
        if recompute_own:
            today = timezone.localdate(now)
            parts = (
                finding_parts(_tallies(ids), today)
                + flood_parts(_days(ids, today), today)
                + near_duplicate_parts(ids, today)
                + _identity_parts(merchants)
            )
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


def _lock_merchants(ids: list[int]) -> None:
    """Serialise recomputes (and rebuilds) of the same merchants, in id order so two never
    deadlock, without a row lock on the merchants: ingest inserts posts that reference them
    (a row lock ``FOR UPDATE`` would block those inserts) and updates their last activity.
    SQLite has one writer at a time anyway."""
    if connection.vendor != "postgresql" or not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, (k %% 2147483647)::int) "
            "FROM unnest(%s::bigint[]) AS k ORDER BY k",
            [_LOCK_SPACE, ids],
        )


def _save_scores(merchants: list[Merchant], now) -> None:
    """Write the new scores in one statement (Django's bulk_update builds a CASE per row,
    which costs more than the rest of the recompute for a few hundred merchants). The rows are
    locked in id order, at the end of the transaction, for the few milliseconds to its commit."""
    if not merchants:
        return
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
            f"SELECT id FROM {table} WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE",  # noqa: S608 - table name from the model
            [[m.pk for m in merchants]],
        )
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


# --- Components from the aggregates -------------------------------------------------------------


def _tallies(ids: list[int]) -> list[tuple]:
    return list(
        RiskTally.objects.filter(merchant_id__in=ids, findings__gt=0)
        .order_by("merchant_id", "category")
        .values_list("merchant_id", "category", "findings", "confirmed", "mass", "ref_day")
    )


def _days(ids: list[int], today: datetime.date) -> list[tuple]:
    since = today - datetime.timedelta(days=FLOOD_WINDOW_DAYS)
    return list(
        RiskDay.objects.filter(merchant_id__in=ids, day__gte=since, posts__gt=0)
        .order_by("merchant_id", "day")
        .values_list("merchant_id", "day", "posts")
    )


def finding_parts(tallies: Iterable[tuple], today: datetime.date) -> list[tuple]:
    """``(merchant, category, findings, confirmed, mass, ref_day)`` → components."""
    half_life = _half_life()
    cap = _knob("RISK_CATEGORY_CAP", 40)
    parts = []
    for merchant_id, category, n, confirmed, mass, ref_day in tallies:
        if n <= 0:
            continue
        # Rounded to a millionth: the same findings give the same points and explanation
        # whichever order their parts were added in.
        raw = round(mass * math.pow(2.0, (ref_day - today).days / half_life), 6)
        points = min(raw, cap)
        label = CATEGORY_LABELS.get(category, category)
        explanation = (
            f"{label}命中 {n} 条（已确认 {confirmed} 条），按严重程度和时间衰减"
            f"（半衰期 {half_life:g} 天）计 {points:.1f} 分"
            + (f"（上限 {cap:g}）" if raw > cap else "")
        )
        data = {"count": n, "confirmed": confirmed, "raw": round(raw, 2)}
        parts.append((merchant_id, "findings", category, points, explanation, data))
    return parts


def flood_parts(days: Iterable[tuple], today: datetime.date) -> list[tuple]:
    """``(merchant, day, posts)`` of the last 30 days → the busiest day above the limit (the
    latest of equally busy days)."""
    limit = int(_knob("RISK_FLOOD_POSTS_PER_DAY", 20))
    since = today - datetime.timedelta(days=FLOOD_WINDOW_DAYS)
    busiest: dict[int, tuple] = {}
    for merchant_id, day, n in days:
        if day < since or n <= limit:
            continue
        if (n, day) > busiest.get(merchant_id, (0, day)):
            busiest[merchant_id] = (n, day)
    parts = []
    for merchant_id, (n, day) in busiest.items():
        points = min(15.0, 5.0 + (n - limit) / limit * 5)
        explanation = f"刷屏：{day} 单日发布 {n} 条（阈值 {limit} 条）"
        data = {"day": str(day), "posts": n}
        parts.append((merchant_id, "flood", "", points, explanation, data))
    return parts


def _identity_parts(merchants: list[Merchant]) -> list[tuple]:
    explanation = "无统一社会信用代码，且未作免于登记的自我声明（电子商务法第十条、第十五条）"
    return [
        (m.pk, "identity", "", 5.0, explanation, {})
        for m in merchants
        if not m.uscc and m.registration != Merchant.Registration.EXEMPT
    ]


# --- Keeping the aggregates -------------------------------------------------------------------


def _weight(review: str) -> float:
    return 2.0 if review == Finding.Review.CONFIRMED else 1.0


def tallies_add(changes: Iterable[tuple], today: datetime.date) -> None:
    """Add findings to (sign +1) or take them from (sign −1) the merchants' tallies.

    ``changes`` are ``(merchant, category, review, capture day, severity, sign)``; dismissed
    findings count for nothing. Rows are locked in (merchant, category) order, so two scans
    never deadlock; the arithmetic happens under the lock, so none is lost."""
    half_life = _half_life()
    delta: dict[tuple, list] = defaultdict(lambda: [0, 0, 0.0])
    for merchant_id, category, review, day, severity, sign in changes:
        if review == Finding.Review.DISMISSED:
            continue
        d = delta[(merchant_id, category)]
        d[0] += sign
        if review == Finding.Review.CONFIRMED:
            d[1] += sign
        d[2] += sign * severity * _weight(review) * math.pow(2.0, (day - today).days / half_life)
    delta = {k: v for k, v in delta.items() if v[0] or v[1] or v[2]}
    if not delta:
        return
    keys = sorted(delta)
    stored = lock_rows(
        RiskTally,
        ("merchant_id", "category"),
        keys,
        {"findings": 0, "confirmed": 0, "mass": 0.0, "ref_day": today, "half_life": half_life},
        ("findings", "confirmed", "mass", "ref_day"),
    )
    rows = []
    for key in keys:
        n, confirmed, mass, ref_day = stored[key]
        dn, dc, dmass = delta[key]
        ref = max(ref_day, today)
        mass = mass * math.pow(2.0, (ref_day - ref).days / half_life)
        mass += dmass * math.pow(2.0, (today - ref).days / half_life)
        n, confirmed = n + dn, confirmed + dc
        rows.append((*key, max(n, 0), max(confirmed, 0), mass if n > 0 else 0.0, ref))
    update_rows(
        RiskTally, ("merchant_id", "category"), ("findings", "confirmed", "mass", "ref_day"), rows
    )


def days_update(add: Mapping[tuple[int, datetime.date], int], recount=()) -> None:
    """Add ``add[(merchant, day)]`` posts to those days, and count the days of ``recount``
    again from the posts (current and scanned at least once). The day rows are locked first,
    in order: a count taken under the lock is never overwritten by an older one, and an
    addition is never lost."""
    recount = set(recount)
    keys = sorted(set(add) | recount)
    if not keys:
        return
    stored = lock_rows(RiskDay, ("merchant_id", "day"), keys, {"posts": 0}, ("posts",))
    counts: dict[tuple, int] = {}
    if recount:
        by_day: dict[datetime.date, set[int]] = defaultdict(set)
        for merchant_id, day in recount:
            by_day[day].add(merchant_id)
        where = Q()
        for day, merchant_ids in by_day.items():
            start, end = _day_bounds(day)
            where |= Q(merchant_id__in=merchant_ids, captured_at__gte=start, captured_at__lt=end)
        counted = (
            Post.objects.filter(where, is_current=True, scanned_at__isnull=False)
            .annotate(day=TruncDate("captured_at"))
            .values("merchant_id", "day")
            .annotate(n=Count("id"))
            .values_list("merchant_id", "day", "n")
        )
        counts = {(m, d): n for m, d, n in counted}
    rows = [(*k, counts.get(k, 0) if k in recount else stored[k][0] + add.get(k, 0)) for k in keys]
    update_rows(RiskDay, ("merchant_id", "day"), ("posts",), rows)


def _day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


def risk_aggregates_rebuild(
    *,
    merchant_ids: Iterable[int] | None = None,
    batch: int = 500,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Compute the merchants' aggregates again from their findings and posts (every merchant
    when ``merchant_ids`` is None), ``batch`` merchants per transaction. ``progress(done,
    total)`` is called after each batch. Returns the number of merchants."""
    if merchant_ids is None:
        ids = list(Merchant.objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = sorted(set(merchant_ids))
    for start in range(0, len(ids), batch):
        _rebuild_batch(ids[start : start + batch])
        if progress:
            progress(min(start + batch, len(ids)), len(ids))
    return len(ids)


def _rebuild_batch(ids: list[int]) -> None:
    half_life = _half_life()
    today = timezone.localdate()
    with transaction.atomic():
        _lock_merchants(ids)
        # Merchants merged into these keep no aggregates: their posts are these merchants' now.
        gone = [*ids, *Merchant.objects.filter(merged_into_id__in=ids).values_list("pk", flat=True)]
        # Locked (in the order scans lock them) and deleted first: a scan still writing these
        # rows finishes first, and what it wrote is in the counts below (each statement sees
        # what was committed before it started).
        for model, key in ((RiskTally, "category"), (RiskDay, "day")):
            held = model.objects.filter(merchant_id__in=gone).order_by("merchant_id", key)
            list(held.select_for_update().values_list("pk", flat=True))
            held.delete()
        rows = (
            Finding.objects.filter(post__merchant_id__in=ids, is_current=True)
            .exclude(review=Finding.Review.DISMISSED)
            .annotate(day=TruncDate("post__captured_at"))
            .values("post__merchant_id", "category", "review", "day")
            .annotate(severity_sum=Sum("severity"), n=Count("id"))
            .order_by("post__merchant_id", "category", "day", "review")
        )
        tallies: dict[tuple, list] = defaultdict(lambda: [0, 0, 0.0])
        for row in rows:
            t = tallies[(row["post__merchant_id"], row["category"])]
            t[0] += row["n"]
            if row["review"] == Finding.Review.CONFIRMED:
                t[1] += row["n"]
            t[2] += (
                row["severity_sum"]
                * _weight(row["review"])
                * math.pow(2.0, (row["day"] - today).days / half_life)
            )
        bulk_insert(
            RiskTally,
            ("merchant_id", "category", "findings", "confirmed", "mass"),
            [(*key, *value) for key, value in sorted(tallies.items())],
            constants={"ref_day": today, "half_life": half_life},
        )
        days = (
            Post.objects.filter(merchant_id__in=ids, is_current=True, scanned_at__isnull=False)
            .annotate(day=TruncDate("captured_at"))
            .values("merchant_id", "day")
            .annotate(n=Count("id"))
            .order_by("merchant_id", "day")
            .values_list("merchant_id", "day", "n")
        )
        bulk_insert(RiskDay, ("merchant_id", "day", "posts"), list(days))
        near_duplicates_rebuild(ids, gone)
