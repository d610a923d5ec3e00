"""Near-duplicates for 网络巡查: one product photo reused by several sellers, one text posted by
several accounts.

* **Photos**: each image of a post gets a 64-bit difference hash (dHash: 9×8 grey thumbnail,
  one bit per "brighter than its right neighbour") and the hash of its mirror image, both stored
  as signed bigints. Two images match when the Hamming distance of their hashes (or of one's
  hash and the other's mirror hash) is at most ``IMAGE_MAX_DISTANCE``: on PostgreSQL
  ``bit_count((a # b)::bit(64))`` over the images of the last ``WINDOW_DAYS`` days, plus an
  index lookup for the exact hash over all history; on SQLite the same in Python.
* **Texts**: a post scanned for the first time is normalised (NFKC, lower case, evasion glyphs
  folded by the scanner's normaliser, punctuation and emoji removed) into ``PostText`` and
  compared with the other merchants' texts of the last ``WINDOW_DAYS`` days: pg_trgm
  ``similarity() ≥ TEXT_MIN_SIMILARITY`` through a GIN trigram index on PostgreSQL (one
  statement per scan chunk), the same trigram measure in Python on SQLite. Rows older than the
  window are deleted, so the search costs the same whatever the history. Copies of one wording
  (a flood: the same text with another handle, price or number) are looked up first by the
  hash of the text without Latin letters and digits (``skeleton``, a b-tree index), at most
  ``SKELETON_CANDIDATES`` per post; the trigram index, whose cost grows with the copies in the
  window, is asked only for posts with fewer than ``MATCHES_PER_POST`` matches that way.

Matches are stored in ``NearDuplicate``, once each (the smaller post id first; the view
``NearDuplicateEnd`` reads a match from both of its posts), only while both posts are current
and of two merchants; the merchant page lists them as clusters (per other merchant) and the
risk's 刷屏 component counts the other accounts from aggregates kept with them
(``merchants.near_duplicate_risk``).
"""

from __future__ import annotations

import datetime
import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db import connection
from django.db.models import Count, Max, Q
from PIL import Image, ImageOps

from core.bulk import bulk_insert
from merchants.checks import trigram_locale_problem
from merchants.models import Merchant, NearDuplicate, NearDuplicateEnd, Post, PostImage, PostText
from merchants.near_duplicate_risk import WINDOW_DAYS, near_duplicates_write
from merchants.selectors import merchants_visible
from scanning.normalize import Normalizer

TEXT_MIN_SIMILARITY = 0.4  # pg_trgm: precision 0.997, recall 0.949 on the evaluation set
TEXT_MIN_CHARS = 12  # shorter texts (好评, 已发货) say nothing about who wrote them
TEXT_MAX_CHARS = 2000
IMAGE_MAX_DISTANCE = 6  # of 64 bits; the closest two different photos in the evaluation: 7
MATCHES_PER_POST = 20
SKELETON_CANDIDATES = 200  # copies of one wording compared before the trigram index is asked
SKELETON_MIN_CHARS = 6
_MIN_BITS = 4  # a flat image (blank, one colour) hashes to nearly all 0 or all 1 bits

_NON_WORD = re.compile(r"[\W_]+")
_LATIN_AND_DIGITS = re.compile(r"[0-9a-z ]+")
_NORMALIZER = Normalizer()


# --- hashing --------------------------------------------------------------------------------


def _signed(h: int) -> int:
    return h - (1 << 64) if h >= 1 << 63 else h


def dhash(image: Image.Image) -> int:
    """The 64-bit difference hash of ``image`` as a signed integer (a PostgreSQL bigint)."""
    grey = image.convert("L").resize((9, 8), Image.Resampling.LANCZOS)
    px = grey.tobytes()  # one byte per pixel, row by row
    h = 0
    for row in range(8):
        for col in range(8):
            h = (h << 1) | (px[row * 9 + col + 1] > px[row * 9 + col])
    return _signed(h)


def image_hashes(image: Image.Image) -> tuple[int, int]:
    """(dHash, dHash of the mirror image)."""
    return dhash(image), dhash(ImageOps.mirror(image))


def hamming(a: int, b: int) -> int:
    return ((a ^ b) & ((1 << 64) - 1)).bit_count()


def informative(h: int) -> bool:
    bits = (h & ((1 << 64) - 1)).bit_count()
    return _MIN_BITS <= bits <= 64 - _MIN_BITS


# --- texts ----------------------------------------------------------------------------------


def normalize_text(text: str) -> str:
    """NFKC, lower case, the scanner's glyph folding; runs of punctuation, spaces and emoji
    become one space (pg_trgm and ``trigrams`` then see the same words)."""
    folded = _NORMALIZER.prepare(unicodedata.normalize("NFKC", text))[0]
    return _NON_WORD.sub(" ", folded.lower()).strip()[:TEXT_MAX_CHARS]


def skeleton(text: str) -> int | None:
    """The wording of a normalised text without its Latin letters, digits and spaces (the
    handle, price and serial number a flood changes from copy to copy), as a signed 64-bit
    hash; None when too little is left (a text in Latin letters only)."""
    rest = _LATIN_AND_DIGITS.sub("", text)
    if len(rest) < SKELETON_MIN_CHARS:
        return None
    digest = hashlib.blake2b(rest.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams: each word padded with two spaces before and one after."""
    out: set[str] = set()
    for word in text.split():
        padded = f"  {word} "
        out.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return out


def similarity(a: str, b: str) -> float:
    """pg_trgm's ``similarity()``: shared trigrams over all trigrams of the two texts."""
    ta, tb = trigrams(a), trigrams(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def posts_index(rows: Iterable[tuple], now: datetime.datetime) -> set[int]:
    """Index the texts of posts scanned for the first time and record their near-identical
    posts of other merchants. ``rows``: ``(id, text, merchant, captured_at, scanned_at, …,
    is_current)`` as the scan reads them. Returns the merchants whose matches changed (their
    risk changes too). Runs in the scan's transaction."""
    since = now - datetime.timedelta(days=WINDOW_DAYS)
    rows = list(rows)
    # a new revision ends the matches of the revisions it replaces: they are deleted, and
    # their merchants' risk changes
    replaced = Q()
    for r in rows:
        if r[4] is None and r[7] > 1:
            replaced |= Q(source=r[5], external_id=r[6], revision__lt=r[7], is_current=False)
    gone: list[int] = []
    if replaced:
        gone = list(Post.objects.filter(replaced).values_list("pk", flat=True))
        PostText.objects.filter(post_id__in=gone).delete()
    new = []
    for r in rows:
        if r[4] is not None or not r[-1] or r[3] < since:
            continue
        text = normalize_text(r[1])
        if len(text.replace(" ", "")) >= TEXT_MIN_CHARS:
            new.append((r[0], r[2], r[3], text))  # post, merchant, captured at, text
    matches: list[tuple[int, int, float]] = []
    if new and (connection.vendor != "postgresql" or _trigrams_usable()):
        PostText.objects.filter(captured_at__lt=since).delete()
        bulk_insert(
            PostText,
            ("post_id", "merchant_id", "captured_at", "text", "skeleton"),
            [(*row, skeleton(row[3])) for row in new],
            update_conflicts=(("post_id",), ("merchant_id", "captured_at", "text", "skeleton")),
        )
        matches = _skeleton_matches(new, since)
        found = Counter(a for a, _, _ in matches)
        rest = [row for row in new if found[row[0]] < MATCHES_PER_POST]
        if rest and connection.vendor == "postgresql":
            matches += _text_matches_pg(rest, since)
        elif rest:
            matches += _text_matches_py(rest, since)
        matches = _first_matches(matches)
    return near_duplicates_write(
        _keyed(matches, NearDuplicate.Kind.TEXT), remove_posts=gone, now=now
    )


_TRIGRAMS_USABLE: dict[str, bool] = {}


def _trigrams_usable() -> bool:
    """pg_trgm sees Chinese characters in this database (see ``merchants.checks``); asked once
    per process and database. Under LC_CTYPE=C the text search is off (any two Chinese texts
    would match), and the system check says so."""
    name = connection.settings_dict["NAME"]
    usable = _TRIGRAMS_USABLE.get(name)
    if usable is None:
        usable = _TRIGRAMS_USABLE[name] = trigram_locale_problem(connection) is None
    return usable


def _skeleton_matches(new: list[tuple], since) -> list[tuple[int, int, float]]:
    """Copies of the same wording first, through the skeleton index: at most
    ``SKELETON_CANDIDATES`` other merchants' texts per post, each compared with the trigram
    measure. A flood's copies are found here, so the trigram index (whose cost grows with the
    copies in the window) is asked only for posts with fewer than ``MATCHES_PER_POST``."""
    keyed = [(pk, m, text, skeleton(text)) for pk, m, _, text in new]
    keyed = [row for row in keyed if row[3] is not None]
    if not keyed:
        return []
    if connection.vendor != "postgresql":
        out = []
        for pk, merchant_id, text, skel in keyed:
            candidates = (
                PostText.objects.filter(skeleton=skel, captured_at__gte=since)
                .exclude(merchant_id=merchant_id)
                .exclude(post_id=pk)
                .values_list("post_id", "text")[:SKELETON_CANDIDATES]
            )
            found = [(pk, other, similarity(text, t)) for other, t in candidates]
            out += [m for m in found if m[2] >= TEXT_MIN_SIMILARITY][:MATCHES_PER_POST]
        return out
    values = ", ".join(["(%s::bigint, %s::bigint, %s::text, %s::bigint)"] * len(keyed))
    params = [x for row in keyed for x in row]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the index, whatever the statistics
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(
            f"SELECT v.id, m.post_id, m.sim FROM (VALUES {values}) AS v(id, merchant, text, skel) "  # noqa: S608 - table names from the models, values are parameters
            "CROSS JOIN LATERAL ("
            "  SELECT s.post_id, s.sim FROM ("
            "    SELECT c.post_id, similarity(c.text, v.text) AS sim FROM ("
            "      SELECT t.post_id, t.text"
            f"      FROM {PostText._meta.db_table} AS t"
            "      WHERE t.skeleton = v.skel AND t.captured_at >= %s AND t.post_id <> v.id"
            "        AND t.merchant_id <> v.merchant"
            "      LIMIT %s"
            "    ) AS c OFFSET 0"  # not flattened: the similarity is computed once a candidate
            "  ) AS s WHERE s.sim >= %s LIMIT %s"
            ") AS m",
            [*params, since, SKELETON_CANDIDATES, TEXT_MIN_SIMILARITY, MATCHES_PER_POST],
        )
        found = cursor.fetchall()
        cursor.execute("SET LOCAL enable_seqscan = on")
        cursor.execute("SET LOCAL jit = on")
        return found


def _first_matches(matches: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """Each post's matches once, the first ``MATCHES_PER_POST`` of them."""
    seen: dict[int, set[int]] = defaultdict(set)
    out = []
    for a, b, sim in matches:
        if b not in seen[a] and len(seen[a]) < MATCHES_PER_POST:
            seen[a].add(b)
            out.append((a, b, sim))
    return out


def _text_matches_pg(new: list[tuple], since) -> list[tuple[int, int, float]]:
    """Up to MATCHES_PER_POST posts each, the first the index yields rather than the most
    similar: ordering would compute the similarity of every copy in a flood of hundreds."""
    values = ", ".join(["(%s::bigint, %s::bigint, %s::text)"] * len(new))
    params = [x for pk, merchant_id, _, text in new for x in (pk, merchant_id, text)]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL pg_trgm.similarity_threshold = %s", [TEXT_MIN_SIMILARITY])
        # the trigram index, even while the table's statistics still say it is empty (a fresh
        # window): a sequential scan compares every pair of texts
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL jit = off")  # compiling the plan would cost more than running it
        cursor.execute(
            f"SELECT v.id, m.post_id, m.sim FROM (VALUES {values}) AS v(id, merchant, text) "  # noqa: S608 - table names from the models, values are parameters
            "CROSS JOIN LATERAL ("
            "  SELECT t.post_id, similarity(t.text, v.text) AS sim"
            f"  FROM {PostText._meta.db_table} AS t"
            "  WHERE t.text %% v.text AND t.captured_at >= %s AND t.post_id <> v.id"
            "    AND t.merchant_id <> v.merchant"
            "  LIMIT %s"
            ") AS m",
            [*params, since, MATCHES_PER_POST],
        )
        found = cursor.fetchall()
        cursor.execute("SET LOCAL enable_seqscan = on")
        cursor.execute("SET LOCAL jit = on")
        return found


def _text_matches_py(new: list[tuple], since) -> list[tuple[int, int, float]]:
    window = list(
        PostText.objects.filter(captured_at__gte=since).values_list(
            "post_id", "merchant_id", "text"
        )
    )
    out = []
    for pk, merchant_id, _, text in new:
        mine = trigrams(text)
        found = []
        for other, other_merchant, other_text in window:
            if other == pk or other_merchant == merchant_id:
                continue
            theirs = trigrams(other_text)
            sim = len(mine & theirs) / len(mine | theirs) if mine and theirs else 0.0
            if sim >= TEXT_MIN_SIMILARITY:
                found.append((-sim, other))
        out.extend((pk, other, -neg) for neg, other in sorted(found)[:MATCHES_PER_POST])
    return out


def _keyed(matches: Iterable[tuple[int, int, float]], kind: str) -> dict[tuple, float]:
    """(post, other post, kind) → similarity, rounded (``near_duplicates_write`` keeps one row
    per match, the best similarity of either way round)."""
    return {(a, b, kind): round(float(sim), 4) for a, b, sim in matches}


def record_matches(matches: Iterable[tuple[int, int, float]], kind: str, now) -> set[int]:
    """Store ``(post, other post, similarity)`` matches of one kind, with the risk aggregates
    (``merchants.near_duplicate_risk``). Returns the merchants involved."""
    return near_duplicates_write(_keyed(matches, kind), now=now)


# --- images ---------------------------------------------------------------------------------


def image_matches(image: PostImage, now) -> list[tuple[int, float]]:
    """(other post, 1 − distance/64) for the images of other merchants' posts within
    ``IMAGE_MAX_DISTANCE`` of ``image`` or of its mirror: the exact hashes over all history,
    the near ones over the window."""
    since = now - datetime.timedelta(days=WINDOW_DAYS)
    h, hm = image.dhash, image.dhash_mirror
    others = PostImage.objects.exclude(post__merchant_id=image.post.merchant_id).filter(
        post__is_current=True
    )
    exact = list(
        others.filter(Q(dhash__in=(h, hm)) | Q(dhash_mirror=h)).values_list("post_id", "dhash")
    )
    recent = others.filter(added_at__gte=since).exclude(pk=image.pk)
    if connection.vendor == "postgresql":
        near = list(
            recent.extra(
                where=[
                    "(bit_count((dhash # (%s)::bigint)::bit(64)) <= %s"
                    " OR bit_count((dhash # (%s)::bigint)::bit(64)) <= %s)"
                ],
                params=[h, IMAGE_MAX_DISTANCE, hm, IMAGE_MAX_DISTANCE],
            ).values_list("post_id", "dhash")
        )
    else:
        near = [
            (pk, d)
            for pk, d in recent.values_list("post_id", "dhash")
            if min(hamming(d, h), hamming(d, hm)) <= IMAGE_MAX_DISTANCE
        ]
    best: dict[int, float] = {}
    for pk, d in [*exact, *near]:
        if not informative(d):
            continue
        sim = 1 - min(hamming(d, h), hamming(d, hm)) / 64
        best[pk] = max(sim, best.get(pk, 0.0))
    return sorted(best.items(), key=lambda x: (-x[1], x[0]))[:MATCHES_PER_POST]


# --- reading --------------------------------------------------------------------------------


def near_duplicate_clusters(
    merchant: Merchant, prefixes: list[str] | None, *, limit: int = 20
) -> list[dict]:
    """The merchant's near-duplicate posts grouped by the other merchant: how many of its own
    posts share a text or a photo with that merchant's, the best similarity, the latest match,
    and (for merchants the viewer's regions cover; ``prefixes`` as ``region_prefixes``) the name
    and an example of the other text."""
    pairs = (
        NearDuplicateEnd.objects.filter(
            post__merchant_id=merchant.pk, post__is_current=True, other__is_current=True
        )
        .exclude(other__merchant_id=merchant.pk)
        .values("other__merchant_id", "kind")
        .annotate(
            posts=Count("post_id", distinct=True), best=Max("similarity"), last=Max("found_at")
        )
    )
    by_other: dict[int, dict] = {}
    for row in pairs:
        c = by_other.setdefault(
            row["other__merchant_id"],
            {"merchant_id": row["other__merchant_id"], "text": 0, "image": 0, "best": 0.0},
        )
        c[row["kind"]] = row["posts"]
        c["best"] = max(c["best"], row["best"])
        c["last"] = max(c.get("last", row["last"]), row["last"])
    clusters = sorted(by_other.values(), key=lambda c: (-c["text"] - c["image"], c["merchant_id"]))
    clusters = clusters[:limit]
    ids = [c["merchant_id"] for c in clusters]
    visible = dict(merchants_visible(prefixes).filter(pk__in=ids).values_list("pk", "display_name"))
    for c in clusters:
        c["visible"] = c["merchant_id"] in visible
        c["name"] = visible.get(c["merchant_id"], "其他辖区的商家")
        c["best_percent"] = round(c["best"] * 100)
        example = ""
        if c["visible"]:
            example = (
                NearDuplicateEnd.objects.filter(
                    post__merchant_id=merchant.pk,
                    other__merchant_id=c["merchant_id"],
                    kind=NearDuplicate.Kind.TEXT,
                )
                .order_by("-similarity", "-found_at")
                .values_list("other__text", flat=True)
                .first()
            ) or ""
        c["example"] = example[:80]
    return clusters
