"""Scanning stored posts with the engine and writing findings idempotently.

Exactly once per lexicon version, whatever the broker does:

* a task claims posts with a conditional UPDATE (pending → scanning, tagged with its task id);
  a redelivered copy of the same task (its worker was killed) may take its own claim back, no
  other task can;
* findings are unique per (post, lexicon version, rule, span) and written with
  ``bulk_create(ignore_conflicts=True)``;
* a post is marked scanned in the same transaction as its findings.

A rescan compares the new result with the post's current findings and writes only differences:
unchanged findings keep their review state, vanished ones stop being current.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from merchants.models import Finding, Post
from wsmonitor.lexicon.models import LexiconVersion
from wsmonitor.lexicon.services import active_scanner, scanner_for


@dataclass
class ScanOutcome:
    scanned: int = 0
    changed: int = 0
    skipped: int = 0
    merchant_ids: set | None = None


def posts_scan(
    *, post_ids: list[int], token: str, version: LexiconVersion | None = None
) -> ScanOutcome:
    """Claim and scan the given posts; posts already scanned (or claimed by another task) are
    skipped. ``version`` defaults to the active lexicon version."""
    if version is None:
        version, scanner = active_scanner()
    else:
        scanner = scanner_for(version)
    now = timezone.now()
    claimable = Q(scan_state=Post.ScanState.PENDING) | Q(
        scan_state=Post.ScanState.SCANNING, scan_token=token
    )
    Post.objects.filter(pk__in=post_ids).filter(claimable).update(
        scan_state=Post.ScanState.SCANNING, scan_token=token, scan_requested_at=now
    )
    posts = list(
        Post.objects.filter(
            pk__in=post_ids, scan_state=Post.ScanState.SCANNING, scan_token=token
        ).only("id", "text", "merchant_id")
    )
    outcome = ScanOutcome(skipped=len(set(post_ids)) - len(posts), merchant_ids=set())
    if not posts:
        return outcome
    results = {post.pk: scanner.scan(post.text) for post in posts}
    with transaction.atomic():
        current = defaultdict(dict)
        for finding in Finding.objects.filter(post_id__in=results, is_current=True).only(
            "id", "post_id", "rule", "start", "end", "term"
        ):
            current[finding.post_id][(finding.rule, finding.start, finding.end, finding.term)] = (
                finding.pk
            )
        retire: list[int] = []
        create: list[Finding] = []
        by_score: dict[float, list[int]] = defaultdict(list)
        for post in posts:
            result = results[post.pk]
            new = {(f.rule, f.start, f.end, f.term): f for f in result.findings}
            old = current.get(post.pk, {})
            gone = [pk for key, pk in old.items() if key not in new]
            added = [f for key, f in new.items() if key not in old]
            retire.extend(gone)
            create.extend(
                Finding(
                    post_id=post.pk,
                    lexicon_version=version,
                    category=f.category,
                    rule=f.rule,
                    term=f.term[:500],
                    matched=f.matched[:500],
                    start=f.start,
                    end=f.end,
                    severity=f.severity,
                    context=f.context[:500],
                    legal_basis=f.legal_basis[:200],
                    created_at=now,
                )
                for f in added
            )
            outcome.merchant_ids.add(post.merchant_id)
            if gone or added:
                outcome.changed += 1
            by_score[result.score].append(post.pk)
        if retire:
            Finding.objects.filter(pk__in=retire).update(is_current=False)
        if create:
            Finding.objects.bulk_create(create, ignore_conflicts=True, batch_size=1000)
        # One UPDATE per distinct score (there are few) instead of a row-by-row bulk_update.
        for score, ids in by_score.items():
            Post.objects.filter(pk__in=ids, scan_token=token).update(
                scan_state=Post.ScanState.SCANNED,
                scanned_at=now,
                lexicon_version=version,
                score=score,
                scan_token="",
            )
    outcome.scanned = len(posts)
    return outcome
