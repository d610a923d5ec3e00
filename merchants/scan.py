"""Scanning stored posts with the engine and writing findings idempotently.

Exactly once per lexicon version, whatever the broker does. One transaction per task:

* the task locks its posts that still wait (``SELECT … FOR UPDATE SKIP LOCKED``): a post that
  another task holds is skipped, that task scans it;
* findings are unique per (post, lexicon version, rule, span) and written with
  ``ON CONFLICT … DO UPDATE`` in multi-row statements (``core.bulk``);
* the posts are marked scanned in the same transaction as their findings.

If the worker dies midway, the database rolls the transaction back: the posts are pending again
and the redelivered task (late acks) or the sweeper scans them. There is no intermediate
"claimed" state to clean up, and each post is written once per scan.

A rescan compares the new result with the post's current findings and writes only differences:
unchanged findings keep their review state, vanished ones stop being current.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from core.bulk import bulk_insert
from lexicon.models import LexiconVersion
from lexicon.services import active_scanner, scanner_for
from merchants.models import Finding, Post
from merchants.near_duplicates import posts_index
from merchants.risk import days_update, tallies_add

FINDING_COLUMNS = (
    "post_id", "category", "rule", "term", "matched", "start", "end", "severity", "context",
    "legal_basis", "explanation",
)  # fmt: skip


@dataclass
class ScanOutcome:
    scanned: int = 0
    changed: int = 0
    skipped: int = 0
    merchant_ids: set = field(default_factory=set)


def posts_scan(
    *, post_ids: list[int], version: LexiconVersion | None = None, rescan: bool = False
) -> ScanOutcome:
    """Scan the given posts that wait for a scan; posts already scanned, or held by another
    task, are skipped. ``version`` defaults to the active lexicon version. A ``rescan`` also
    takes posts already scanned (with any version)."""
    if version is None:
        version, scanner = active_scanner()
    else:
        scanner = scanner_for(version)
    states = (
        [Post.ScanState.PENDING, Post.ScanState.SCANNED] if rescan else [Post.ScanState.PENDING]
    )
    outcome = ScanOutcome()
    with transaction.atomic():
        rows = list(
            Post.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=post_ids, scan_state__in=states)
            .order_by("pk")
            .values_list(
                "id", "text", "merchant_id", "captured_at", "scanned_at", "source",
                "external_id", "revision", "is_current",
            )
        )  # fmt: skip
        outcome.skipped = len(set(post_ids)) - len(rows)
        if not rows:
            return outcome
        now = timezone.now()
        scan = scanner.scan
        results = [(r[0], r[2], scan(r[1])) for r in rows]
        current: dict[int, dict] = defaultdict(dict)
        was: dict[int, tuple] = {}  # current finding → (post, category, review, severity)
        for (
            pk,
            post_id,
            rule,
            start,
            end,
            term,
            category,
            review,
            severity,
        ) in Finding.objects.filter(post_id__in=[r[0] for r in rows], is_current=True).values_list(
            "id", "post_id", "rule", "start", "end", "term", "category", "review", "severity"
        ):
            current[post_id][(rule, start, end, term)] = pk
            was[pk] = (post_id, category, review, severity)
        retire: list[int] = []
        create: list[tuple] = []
        found_more: list[int] = []  # posts with findings added
        scores: list[tuple[int, float]] = []
        for post_id, merchant_id, result in results:
            old = current.get(post_id, {})
            new = {(f.rule, f.start, f.end, f.term): f for f in result.findings}
            gone = [pk for key, pk in old.items() if key not in new]
            added = [f for key, f in new.items() if key not in old]
            retire.extend(gone)
            if added:
                found_more.append(post_id)
            spans = set()  # the table's key is (post, version, rule, span): one row each
            for f in added:
                if (f.rule, f.start, f.end) not in spans:
                    spans.add((f.rule, f.start, f.end))
                    create.append(
                        (
                            post_id, f.category, f.rule, f.term[:500], f.matched[:500], f.start,
                            f.end, f.severity, f.context[:500], f.legal_basis[:200],
                            f.explanation[:500],
                        )
                    )  # fmt: skip
            outcome.merchant_ids.add(merchant_id)
            if gone or added:
                outcome.changed += 1
            scores.append((post_id, result.score))
        if retire:
            Finding.objects.filter(pk__in=retire).update(is_current=False)
        bulk_insert(
            Finding,
            FINDING_COLUMNS,
            create,
            constants={
                "lexicon_version_id": version.pk,
                "is_current": True,
                "review": Finding.Review.OPEN.value,
                "review_reason": "",
                "created_at": now,
            },
            # Idempotent, and a finding this version found before, retired by a rescan with
            # another version, is current again (with its review) rather than left out.
            update_conflicts=(
                ("post_id", "lexicon_version_id", "rule", "start", "end"),
                ("is_current",),
            ),
        )
        _mark_scanned(scores, version, now)
        _aggregates_update(rows, retire, was, found_more if rescan else None, create, now)
        outcome.merchant_ids |= posts_index(rows, now)  # near-identical posts of others
    outcome.scanned = len(rows)
    return outcome


def _aggregates_update(rows, retire, was, found_more, create, now) -> None:
    """The risk aggregates of what this scan changed, last in its transaction (their row locks
    are held until the commit): the findings it retired and added go into the tallies; the posts
    it scanned for the first time are added to their capture days; a revision has its day and
    those of the revisions it replaces counted again."""
    post = {r[0]: r for r in rows}  # id → (id, text, merchant, captured_at, scanned_at, …)
    day = {pk: timezone.localdate(r[3]) for pk, r in post.items()}
    changes = []
    for pk in retire:
        post_id, category, review, severity = was[pk]
        changes.append((post[post_id][2], category, review, day[post_id], severity, -1))
    if found_more is None:  # a first scan: every finding written is new, and open
        for values in create:
            post_id, category, severity = values[0], values[1], values[7]
            changes.append((post[post_id][2], category, "open", day[post_id], severity, 1))
    elif found_more:  # a rescan may bring back findings retired earlier, with their review
        for pk, post_id, category, review, severity in Finding.objects.filter(
            post_id__in=found_more, is_current=True
        ).values_list("id", "post_id", "category", "review", "severity"):
            if pk not in was:
                changes.append((post[post_id][2], category, review, day[post_id], severity, 1))
    tallies_add(changes, timezone.localdate(now))
    # (id, text, merchant, captured_at, scanned_at, source, external_id, revision, is_current)
    added: Counter = Counter()
    recount = set()
    replaced = Q()
    for r in rows:
        if r[4] is not None:
            continue  # scanned before: already counted
        if r[7] == 1 and r[8]:
            added[(r[2], day[r[0]])] += 1
            continue
        recount.add((r[2], day[r[0]]))
        if r[7] > 1:
            replaced |= Q(source=r[5], external_id=r[6], revision__lt=r[7])
    if replaced:
        for merchant_id, captured_at in Post.objects.filter(replaced).values_list(
            "merchant_id", "captured_at"
        ):
            recount.add((merchant_id, timezone.localdate(captured_at)))
    days_update(added, recount)


def _mark_scanned(scores: list[tuple[int, float]], version: LexiconVersion, now) -> None:
    """One statement for the whole chunk on PostgreSQL; one per distinct score elsewhere."""
    if connection.vendor != "postgresql":
        by_score: dict[float, list[int]] = defaultdict(list)
        for post_id, score in scores:
            by_score[score].append(post_id)
        for score, ids in by_score.items():
            Post.objects.filter(pk__in=ids).update(
                scan_state=Post.ScanState.SCANNED,
                scanned_at=now,
                scan_requested_at=now,
                lexicon_version=version,
                score=score,
            )
        return
    values = ", ".join(["(%s::bigint, %s::double precision)"] * len(scores))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Post._meta.db_table} AS p SET scan_state = %s, scanned_at = %s, "  # noqa: S608 - table name from the model, values are parameters
            "scan_requested_at = %s, lexicon_version_id = %s, score = v.score "
            f"FROM (VALUES {values}) AS v(id, score) WHERE p.id = v.id",
            [
                Post.ScanState.SCANNED.value,
                now,
                now,
                version.pk,
                *(x for row in scores for x in row),
            ],
        )
