"""Possible duplicates of a case, found through indexes rather than by reading recent cases.

Three kinds of candidates, each an indexed look-up bounded in rows whatever is stored:

* the same complainant phone (``phone_index``, an HMAC blind index) with the same merchant;
* the same normalised text (``text_fingerprint``);
* similar text: each case stores ``BANDS`` MinHash band keys of its character 3-shingles
  (``CaseTextBand``); cases sharing a band key are candidates, at most ``MAX_CANDIDATES`` of
  them, those sharing the most bands first, and each is checked with the exact Jaccard
  similarity of the shingles (≥ 0.8 makes a suggestion, as before).

With 10 bands of 3 hashes, two texts of similarity 0.8 share a band with probability
1 − (1 − 0.8³)¹⁰ ≈ 0.9992 (0.99998 at 0.9); texts below 0.5 rarely do (0.74 at 0.5, 0.24 at 0.3),
and those are then refused by the exact check.

Suggestions always go from the later case to the earlier one. A case whose follow-up runs
before an earlier case's has stored its bands still meets it: each case also looks for later
ones in the window and suggests itself to them.
"""

import datetime
import hashlib
import re
import struct
from functools import cache

from django.utils import timezone

from complaints import rules
from complaints.models import Case, CaseTextBand, DeadlineRule, DuplicateSuggestion
from core.phones import phone_key
from scanning.normalize import Normalizer

BANDS = 10
ROWS = 3
MAX_CANDIDATES = 200
SIMILAR = 0.8
_PRIME = (1 << 61) - 1
# Fixed, so band keys stay comparable across processes and releases (changing them needs the
# bands of stored cases computed again: ``complaints.duplicates.bands_backfill``).
_SEEDS = [
    (
        int.from_bytes(hashlib.blake2b(b"a%d" % i, digest_size=8).digest(), "big") % _PRIME | 1,
        int.from_bytes(hashlib.blake2b(b"b%d" % i, digest_size=8).digest(), "big") % _PRIME,
    )
    for i in range(BANDS * ROWS)
]


_NON_WORD = re.compile(r"[\W_]+")


@cache
def _normalizer() -> Normalizer:
    return Normalizer()


def normalize_text(text: str) -> str:
    """The text complaints are compared by: the project's one normaliser (the scanner's:
    traditional → simplified, width, compatibility forms, invisible characters), lower case,
    without spaces or punctuation. A complaint retyped in traditional characters is the same
    text (for plain simplified text the result is what NFKC and lower case gave before, so the
    bands stored earlier still match)."""
    return _NON_WORD.sub("", _normalizer().normalize(text or "").text.lower())


def text_fingerprint(text: str) -> str:
    """SHA-256 of :func:`normalize_text`: equal for texts that differ only in case, width,
    traditional characters, spaces and punctuation."""
    return hashlib.sha256(normalize_text(text).encode()).hexdigest()


def shingles(text: str, n: int = 3) -> set[str]:
    text = normalize_text(text)
    if len(text) <= n:
        return {text}
    return {text[i : i + n] for i in range(len(text) - n + 1)}


def band_keys(text: str) -> list[int]:
    """The MinHash band keys of a text: ``BANDS`` signed 63-bit integers (fit a bigint)."""
    hashed = [
        int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "big")
        for s in shingles(text)
    ]
    signature = [min((a * h + b) % _PRIME for h in hashed) for a, b in _SEEDS]
    keys = []
    for band in range(BANDS):
        part = signature[band * ROWS : (band + 1) * ROWS]
        digest = hashlib.blake2b(struct.pack(">B3Q", band, *part), digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big", signed=True))
    return keys


def bands_store(case: Case) -> list[int]:
    keys = band_keys(case.description)
    if not CaseTextBand.objects.filter(case=case).exists():
        CaseTextBand.objects.bulk_create(
            [CaseTextBand(case=case, key=k, received_at=case.received_at) for k in keys],
            ignore_conflicts=True,
        )
    return keys


def bands_backfill(*, batch: int = 1000) -> int:
    """Band rows for stored cases that have none (after this module's migration)."""
    done = 0
    while True:
        cases = list(
            Case.objects.filter(text_bands__isnull=True)
            .order_by("pk")
            .only("id", "description", "received_at")[:batch]
        )
        if not cases:
            return done
        CaseTextBand.objects.bulk_create(
            [
                CaseTextBand(case=c, key=k, received_at=c.received_at)
                for c in cases
                for k in band_keys(c.description)
            ],
            ignore_conflicts=True,
        )
        done += len(cases)


def merchant_keys(case: Case) -> set[str]:
    keys = set()
    for prefix, value in (
        ("w", case.merchant_wechat_id),
        ("o", case.merchant_official_account),
        ("p", phone_key(case.merchant_phone)),
    ):
        value = normalize_text(value)
        if value:
            keys.add(f"{prefix}:{value}")
    return keys


def duplicates_find(*, case: Case) -> int:
    """Suggest (never merge) cases within the duplicate window (working days, before or after
    this one) with the same merchant account and the same complainant phone, or near-identical
    text. Returns the number of pairs found."""
    window = rules.working_days(
        DeadlineRule.Key.DUPLICATE_WINDOW, timezone.localdate(case.received_at)
    )
    span = datetime.timedelta(days=window)
    since, until = case.received_at - span, case.received_at + span
    near = (
        Case.objects.filter(received_at__gte=since, received_at__lte=until)
        .exclude(pk=case.pk)
        .exclude(pk=case.linked_case_id or 0)
    )
    found: dict[int, tuple[str, float]] = {}
    if case.phone_index:
        handles = merchant_keys(case)
        for other in near.filter(phone_index=case.phone_index).only(
            "id", "merchant_id", "merchant_wechat_id", "merchant_official_account", "merchant_phone"
        )[:MAX_CANDIDATES]:
            if (case.merchant_id and other.merchant_id == case.merchant_id) or (
                handles & merchant_keys(other)
            ):
                found[other.pk] = (DuplicateSuggestion.Reason.SAME_MERCHANT_AND_PHONE, 1.0)
    if case.text_fingerprint:
        for other_id in near.filter(text_fingerprint=case.text_fingerprint).values_list(
            "pk", flat=True
        )[:MAX_CANDIDATES]:
            found.setdefault(other_id, (DuplicateSuggestion.Reason.SIMILAR_TEXT, 1.0))
    keys = bands_store(case)
    shared: dict[int, int] = {}
    for other_id in (
        CaseTextBand.objects.filter(key__in=keys, received_at__gte=since, received_at__lte=until)
        .exclude(case_id=case.pk)
        .values_list("case_id", flat=True)[: MAX_CANDIDATES * BANDS]
    ):
        if other_id not in found:
            shared[other_id] = shared.get(other_id, 0) + 1
    if shared:
        best = sorted(shared, key=lambda pk: (-shared[pk], pk))[:MAX_CANDIDATES]
        mine = shingles(case.description)
        for other_id, description, linked in near.filter(pk__in=best).values_list(
            "pk", "description", "linked_case_id"
        ):
            theirs = shingles(description)
            score = len(mine & theirs) / max(1, len(mine | theirs))
            if score >= SIMILAR and linked != case.pk:
                found[other_id] = (DuplicateSuggestion.Reason.SIMILAR_TEXT, round(score, 3))
    for other_id, (reason, score) in found.items():
        later, earlier = _order(case, other_id, near)
        DuplicateSuggestion.objects.get_or_create(
            case_id=later, other_id=earlier, defaults={"reason": reason, "score": score}
        )
    return len(found)


def _order(case: Case, other_id: int, near) -> tuple[int, int]:
    """(later, earlier) by time of receipt, then id."""
    other_at = near.filter(pk=other_id).values_list("received_at", flat=True).first()
    if other_at is not None and (other_at, other_id) > (case.received_at, case.pk):
        return other_id, case.pk
    return case.pk, other_id
