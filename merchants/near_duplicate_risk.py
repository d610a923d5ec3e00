"""The 刷屏 risk of near-identical content, from aggregates kept with the matches.

``NearDuplicate`` holds only matches that count: both posts current and of different merchants
when the match is found. Each match is one row, the smaller post id first, and counts for both
of its posts (``NearDuplicateEnd`` reads it from either). A new revision's first scan deletes
the matches of the revisions it replaces (they would never count again), and a rebuild deletes
those that stopped counting (a merge made both posts one merchant's). So the component — for
each merchant, its posts captured in the last ``WINDOW_DAYS`` days with a near-identical text
or the same product photo as another merchant's, and how many other merchants — is a sum over
the stored matches, kept in two aggregates written in the same transaction as the matches:

* ``NearDuplicateDay`` (merchant, capture day): how many of its posts have at least one text
  match and at least one image match;
* ``NearDuplicatePair`` (merchant, capture day, other merchant): how many matches lead there
  (a match counts once from each of its two posts).

A writer locks the day rows of both ends of every match it adds or deletes (in key order, in
one statement: two writers never deadlock), then asks each of those posts whether it has a
match of each kind before the change; after it, when nothing was deleted, a post has a match
of a kind if it had one before or one was added (asked again otherwise). The difference goes
into the day rows. On PostgreSQL the new matches are one ``INSERT … ON CONFLICT DO NOTHING
RETURNING`` over arrays, which says which were new, and the pair rows one upsert. The
recompute reads at most 31 day rows and the pair rows of 31 days per merchant, however long
its history and however many posts it published in the window.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Mapping

from django.db import connection
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from core.bulk import bulk_insert
from merchants.aggregate_rows import add_rows, lock_rows, pg_array, update_rows
from merchants.models import (
    NearDuplicate,
    NearDuplicateDay,
    NearDuplicateEnd,
    NearDuplicatePair,
    Post,
)

WINDOW_DAYS = 30
KINDS = (NearDuplicate.Kind.TEXT.value, NearDuplicate.Kind.IMAGE.value)
_DAY = ("merchant_id", "day")
_PAIR = ("merchant_id", "day", "other_id")
_KIND_FIELDS = ("text_posts", "image_posts")


# --- writing --------------------------------------------------------------------------------


def near_duplicates_write(
    add: Mapping[tuple[int, int, str], float],
    *,
    remove_posts: Iterable[int] = (),
    now: datetime.datetime,
) -> set[int]:
    """Store the matches ``add`` ((post, other post, kind) → similarity, either way round: a
    match is one row, the smaller post id first) and delete every match of ``remove_posts``,
    keeping the aggregates. A match whose posts are not both current or belong to one merchant
    is not stored. Returns the merchants whose aggregates changed."""
    remove_posts = set(remove_posts)
    once: dict[tuple[int, int, str], float] = {}
    for (a, b, kind), sim in add.items():
        key = (min(a, b), max(a, b), kind)
        once[key] = max(sim, once.get(key, 0.0))
    add = once
    gone = []
    if remove_posts:
        gone = list(
            NearDuplicate.objects.filter(
                Q(post_id__in=remove_posts) | Q(other_id__in=remove_posts)
            ).values_list("id", "post_id", "other_id", "kind")
        )
    wanted = {a for a, _, _ in add} | {b for _, b, _ in add}
    info = _posts({x for _, a, b, _ in gone for x in (a, b)} | wanted)
    add = {
        key: sim
        for key, sim in add.items()
        if key[0] in info
        and key[1] in info
        and info[key[0]][2]
        and info[key[1]][2]
        and info[key[0]][0] != info[key[1]][0]
    }
    if not gone and not add:
        return set()
    return _apply(gone, add, info, now)


def _posts(ids: set[int]) -> dict[int, tuple]:
    """post → (merchant, local capture day, current)."""
    if not ids:
        return {}
    return {
        pk: (merchant_id, timezone.localdate(captured_at), current)
        for pk, merchant_id, captured_at, current in Post.objects.filter(pk__in=ids).values_list(
            "pk", "merchant_id", "captured_at", "is_current"
        )
    }


def _new_keys(add: Mapping[tuple, float]) -> set[tuple]:
    """The matches of ``add`` not stored yet (a photo added again finds the same posts)."""
    if not add:
        return set()
    posts = {a for a, _, _ in add}
    stored = set(
        NearDuplicate.objects.filter(post_id__in=posts, other_id__in={b for _, b, _ in add})
        .filter(kind__in={k for _, _, k in add})
        .values_list("post_id", "other_id", "kind")
    )
    return set(add) - stored


def _store(add: Mapping[tuple, float], now) -> set[tuple]:
    """Insert the matches ``add`` ((smaller post, larger post, kind) → similarity); one stored
    already gets the new similarity. Returns the keys that were new. Under the day locks of
    both posts of each match (no other writer adds or deletes them meanwhile)."""
    if not add:
        return set()
    rows = sorted(add.items())
    if connection.vendor != "postgresql":
        fresh = _new_keys(add)
        bulk_insert(
            NearDuplicate,
            ("post_id", "other_id", "kind", "similarity"),
            [(a, b, kind, sim) for (a, b, kind), sim in rows],
            constants={"found_at": now},
            update_conflicts=(("post_id", "other_id", "kind"), ("similarity",)),
        )
        return fresh
    table = NearDuplicate._meta.db_table
    arrays = [pg_array(column) for column in zip(*((*key, sim) for key, sim in rows), strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (post_id, other_id, kind, similarity, found_at) "  # noqa: S608 - table name from the model, values are parameters
            "SELECT v.a, v.b, v.k, v.s, %s FROM unnest(%s::bigint[], %s::bigint[], %s::varchar[], "
            "%s::double precision[]) AS v(a, b, k, s) "
            "ON CONFLICT (post_id, other_id, kind) DO NOTHING RETURNING post_id, other_id, kind",
            [now, *arrays],
        )
        fresh = set(cursor.fetchall())
        if len(fresh) < len(rows):  # found again: the similarity of now
            again = [(key, sim) for key, sim in rows if key not in fresh]
            arrays = [
                pg_array(column)
                for column in zip(*((*key, sim) for key, sim in again), strict=True)
            ]
            cursor.execute(
                f"UPDATE {table} AS t SET similarity = v.s FROM unnest(%s::bigint[], "  # noqa: S608 - table name from the model, values are parameters
                "%s::bigint[], %s::varchar[], %s::double precision[]) AS v(a, b, k, s) "
                "WHERE t.post_id = v.a AND t.other_id = v.b AND t.kind = v.k",
                arrays,
            )
    return fresh


def _apply(gone, add, info, now) -> set[int]:
    touched = {x for _, a, b, _ in gone for x in (a, b)} | {x for a, b, _ in add for x in (a, b)}
    touched &= set(info)
    keys = sorted({(info[p][0], info[p][1]) for p in touched})
    stored = lock_rows(
        NearDuplicateDay, _DAY, keys, {"text_posts": 0, "image_posts": 0}, _KIND_FIELDS
    )
    # Under the locks: what another writer of these posts' matches committed meanwhile is seen
    # (a match it deleted is not deleted twice, one it stored is not counted twice).
    if gone:
        still = set(
            NearDuplicate.objects.filter(pk__in=[row[0] for row in gone]).values_list(
                "pk", flat=True
            )
        )
        gone = [row for row in gone if row[0] in still]
    before = _has_matches(touched)
    if gone:
        NearDuplicate.objects.filter(pk__in=[row[0] for row in gone]).delete()
    fresh = _store(add, now)
    if gone:
        after = _has_matches(touched)
    else:  # only additions: a post has a match of a kind if it had one or one was added
        after = {p: list(flags) for p, flags in before.items()}
        for a, b, kind in fresh:
            for p in (a, b):
                after.setdefault(p, [0, 0])[KINDS.index(kind)] = 1
    delta: Counter = Counter()
    for p in touched:
        for i in range(len(KINDS)):
            delta[(info[p][0], info[p][1], i)] += after.get(p, (0, 0))[i] - before.get(p, (0, 0))[i]
    rows = []
    for key in keys:
        counts = [max(0, n + delta[(*key, i)]) for i, n in enumerate(stored[key])]
        rows.append((*key, *counts))
    update_rows(NearDuplicateDay, _DAY, _KIND_FIELDS, rows)
    # a match leads from each of its posts to the other's merchant
    pairs: Counter = Counter()
    for _, a, b, _ in gone:
        if a in info and b in info:
            pairs[(info[a][0], info[a][1], info[b][0])] -= 1
            pairs[(info[b][0], info[b][1], info[a][0])] -= 1
    for a, b, _ in fresh:
        pairs[(info[a][0], info[a][1], info[b][0])] += 1
        pairs[(info[b][0], info[b][1], info[a][0])] += 1
    _pairs_add(pairs)
    return {info[p][0] for p in touched}


def _has_matches(posts: set[int]) -> dict[int, tuple[int, int]]:
    """post → (1 if it has a stored text match, 1 if an image match); posts with none left out.
    Index probes at either end that stop at the first match, however many a post has: scalar
    subqueries with ``LIMIT 1`` (PostgreSQL would run an ``EXISTS`` as one hashed pass over
    every match of the kind, a cost that grows with the window's matches)."""
    if not posts:
        return {}

    def first(end: str, kind: str):
        matches = NearDuplicate.objects.filter(**{f"{end}_id": OuterRef("pk")}, kind=kind)
        return Subquery(matches.order_by().values("kind")[:1])

    flags = {f"has_{kind}": Coalesce(first("post", kind), first("other", kind)) for kind in KINDS}
    rows = Post.objects.filter(pk__in=posts).order_by().annotate(**flags).values_list("pk", *flags)
    return {pk: (int(t is not None), int(i is not None)) for pk, t, i in rows if t or i}


def _pairs_add(pairs: Mapping[tuple, int]) -> None:
    """Matches added in one statement; those taken away read and written under row locks (a
    count never goes below 0). The writer holds the day rows of these pairs' posts."""
    more = sorted((*k, v) for k, v in pairs.items() if v > 0)
    add_rows(NearDuplicatePair, _PAIR, "matches", more)
    less = sorted(k for k, v in pairs.items() if v < 0)
    if less:
        stored = lock_rows(NearDuplicatePair, _PAIR, less, {"matches": 0}, ("matches",))
        rows = [(*key, max(0, stored[key][0] + pairs[key])) for key in less]
        update_rows(NearDuplicatePair, _PAIR, ("matches",), rows)
    # rows left at 0 stay (another writer may hold them); the recompute reads matches > 0


# --- rebuilding -----------------------------------------------------------------------------


def near_duplicates_rebuild(ids: list[int], gone: list[int]) -> None:
    """The aggregates of merchants ``ids`` counted again from their matches (``gone``: those
    merchants and the ones merged into them, whose rows are dropped). Matches of these
    merchants' posts that no longer count are deleted first, with the other merchants' day
    rows kept right; the pair rows leading to these merchants are counted again too. Runs in
    the rebuild's transaction, after its merchant locks."""
    mine = Q(post__merchant_id__in=ids) | Q(other__merchant_id__in=ids)
    dead = list(
        NearDuplicate.objects.filter(mine)
        .filter(
            Q(post__is_current=False)
            | Q(other__is_current=False)
            | Q(post__merchant_id=F("other__merchant_id"))
        )
        .values_list("id", "post_id", "other_id", "kind")
    )
    info = _posts({x for _, a, b, _ in dead for x in (a, b)})
    keys = {(info[p][0], info[p][1]) for _, a, b, _ in dead for p in (a, b) if p in info}
    keys |= set(NearDuplicateDay.objects.filter(merchant_id__in=gone).values_list(*_DAY))
    keys |= set(NearDuplicatePair.objects.filter(other_id__in=gone).values_list(*_DAY))
    keys = sorted(keys)
    stored = lock_rows(
        NearDuplicateDay, _DAY, keys, {"text_posts": 0, "image_posts": 0}, _KIND_FIELDS
    )
    outside = {p for _, a, b, _ in dead for p in (a, b) if p in info and info[p][0] not in gone}
    before = _has_matches(outside)
    NearDuplicate.objects.filter(pk__in=[row[0] for row in dead]).delete()
    after = _has_matches(outside)
    delta: Counter = Counter()
    for p in outside:
        for i in range(len(KINDS)):
            delta[(info[p][0], info[p][1], i)] += after.get(p, (0, 0))[i] - before.get(p, (0, 0))[i]
    update_rows(
        NearDuplicateDay,
        _DAY,
        _KIND_FIELDS,
        [
            (*key, *(max(0, n + delta[(*key, i)]) for i, n in enumerate(stored[key])))
            for key in keys
            if key[0] not in gone
        ],
    )
    NearDuplicateDay.objects.filter(merchant_id__in=gone).delete()
    NearDuplicatePair.objects.filter(Q(merchant_id__in=gone) | Q(other_id__in=gone)).delete()
    days: dict[tuple, list[int]] = {}
    for merchant_id, day, kind, n in (
        NearDuplicateEnd.objects.filter(post__merchant_id__in=ids)
        .annotate(day=TruncDate("post__captured_at"))
        .values("post__merchant_id", "day", "kind")
        .annotate(n=Count("post_id", distinct=True))
        .values_list("post__merchant_id", "day", "kind", "n")
    ):
        days.setdefault((merchant_id, day), [0, 0])[KINDS.index(kind)] = n
    bulk_insert(
        NearDuplicateDay,
        (*_DAY, *_KIND_FIELDS),
        [(*key, *counts) for key, counts in sorted(days.items())],
        update_conflicts=(_DAY, _KIND_FIELDS),
    )
    pairs = []
    for where in (
        Q(post__merchant_id__in=ids),
        Q(other__merchant_id__in=ids) & ~Q(post__merchant_id__in=ids),
    ):
        pairs += list(
            NearDuplicateEnd.objects.filter(where)
            .annotate(day=TruncDate("post__captured_at"))
            .values("post__merchant_id", "day", "other__merchant_id")
            .annotate(n=Count("id"))
            .values_list("post__merchant_id", "day", "other__merchant_id", "n")
        )
    bulk_insert(
        NearDuplicatePair,
        (*_PAIR, "matches"),
        sorted(pairs),
        update_conflicts=(_PAIR, ("matches",)),
    )


# --- reading --------------------------------------------------------------------------------


def near_duplicate_parts(ids: list[int], today: datetime.date) -> list[tuple]:
    """The 刷屏 component of near-identical content: for each merchant, the other merchants
    whose posts share a text or a product photo with its posts captured in the last
    ``WINDOW_DAYS`` days. Reads the aggregates of those days only."""
    since = today - datetime.timedelta(days=WINDOW_DAYS)
    accounts = dict(
        NearDuplicatePair.objects.filter(merchant_id__in=ids, day__gte=since, matches__gt=0)
        .values("merchant_id")
        .annotate(k=Count("other_id", distinct=True))
        .values_list("merchant_id", "k")
    )
    posts = {
        merchant_id: (t or 0, i or 0)
        for merchant_id, t, i in NearDuplicateDay.objects.filter(
            merchant_id__in=ids, day__gte=since
        )
        .values("merchant_id")
        .annotate(t=Sum("text_posts"), i=Sum("image_posts"))
        .values_list("merchant_id", "t", "i")
    }
    parts = []
    for merchant_id in sorted(accounts):
        k = accounts[merchant_id]
        n_text, n_image = posts.get(merchant_id, (0, 0))
        what = "、".join(
            x
            for x in (
                f"文字近似的帖子 {n_text} 条" if n_text else "",
                f"同一商品图片的帖子 {n_image} 条" if n_image else "",
            )
            if x
        )
        points = min(10.0, 1.0 + 2.0 * k)
        explanation = (
            f"刷屏：与另外{k}个账号发布了近似相同的内容（近 {WINDOW_DAYS} 天{what}），"
            f"计 {points:.1f} 分"
        )
        data = {"accounts": k, "text_posts": n_text, "image_posts": n_image}
        parts.append((merchant_id, "flood", "near_duplicate", points, explanation, data))
    return parts
