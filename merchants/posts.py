"""Post ingestion: idempotent on (integrator, source, external_id), revisions never overwrite.

Each integrator (an API token's name; '' for the platform's own posts) has its own
``(source, external_id)`` space: a token can never revise, move or confirm the text of another
integrator's post. A caller limited to regions (a region-limited token) writes only to merchants
in them: every merchant a batch names must already be there, or be created there by it.

A post is stored with ``scan_state=pending`` in the caller's transaction; scanning is requested
after commit (``merchants.scan_dispatch``). The pending row is the outbox: if the broker is down,
``posts_sweep_pending`` (beat, every minute) queues it again later, so nothing is lost.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction
from django.utils import timezone

from core.bulk import bulk_insert
from core.errors import ValidationFailed
from core.sql import HotSelect, columns
from merchants.models import Post
from merchants.scan_dispatch import posts_request_scan
from merchants.services import REGION_REFUSED, merchants_resolve_batch, region_within

log = logging.getLogger(__name__)

MAX_TEXT_CHARS = 20_000
MAX_BATCH = 1_000


@dataclass(frozen=True)
class PostInput:
    source: str
    external_id: str
    text: str
    platform: str
    handle: str
    display_name: str = ""
    region_code: str = ""
    url: str = ""
    posted_at: datetime | None = None


@dataclass(frozen=True)
class IngestResult:
    post: Post
    status: str  # "created" | "revised" | "unchanged"


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def posts_ingest(
    *,
    items: list[PostInput],
    submitted_by: str = "",
    integrator: str = "",
    allowed_prefixes: list[str] | None = None,
) -> list[IngestResult]:
    """Store a batch all-or-nothing (the caller validated every item) and queue the scans.

    ``integrator`` scopes idempotency and revisions (``Post.integrator``). With
    ``allowed_prefixes`` (a region-limited token's), a batch naming a merchant outside those
    regions — an existing one elsewhere, a region-less one, or a new one it would create
    elsewhere or without a region — is refused whole (``ValidationFailed``, nothing stored), as
    the campaigns API refuses such a campaign.

    Set-based: a batch of 1,000 costs a handful of queries, not a few per post. Two requests
    racing to store the same new ``(source, external_id)`` collide on a unique constraint; the
    loser retries once it can see the winner's row, which makes its item ``unchanged``.
    """
    if not items:
        return []
    for attempt in range(3):
        try:
            with transaction.atomic():
                results = _ingest_batch(items, submitted_by, integrator, allowed_prefixes)
                new_ids = [r.post.pk for r in results if r.status != "unchanged"]
                if new_ids:
                    transaction.on_commit(partial(posts_request_scan, post_ids=new_ids))
            return results
        except IntegrityError:
            if attempt == 2:
                raise
            log.info("concurrent ingest of the same posts; retrying")
    raise AssertionError("unreachable")


# Post's fields in model order: a post is built positionally (Django's fast path for rows).
_FIELDS = [f.attname for f in Post._meta.concrete_fields]
_VARYING = (
    "merchant_id", "source", "external_id", "revision", "is_current", "text", "url", "posted_at",
    "text_sha256",
)  # fmt: skip
_SHARED = (
    "id", "captured_at", "submitted_by", "integrator", "scan_state", "scan_requested_at",
    "scanned_at", "lexicon_version_id", "score",
)  # fmt: skip
if sorted(_SHARED + _VARYING) != sorted(_FIELDS):  # a field was added to Post: say where it goes
    raise RuntimeError(f"merchants.posts: Post fields {_FIELDS} != {_SHARED} + {_VARYING}")


# The current revision of each of one integrator's (source, external_id) being stored, locked:
# every ingest request reads it, so its SQL is written once (see core.sql).
_CURRENT_POSTS = HotSelect(
    lambda q: (
        f"SELECT {columns(Post)(q)} FROM {q(Post._meta.db_table)} "  # noqa: S608 - names from the model, values are parameters
        f"WHERE {q('integrator')} = %s AND {q('source')} IN {{}} "
        f"AND {q('external_id')} IN {{}} AND {q('is_current')} = %s"
    ),
    Post._meta.concrete_fields,
)


def _ingest_batch(
    items: list[PostInput],
    submitted_by: str,
    integrator: str = "",
    allowed_prefixes: list[str] | None = None,
) -> list[IngestResult]:
    now = timezone.now()
    resolved = merchants_resolve_batch(
        refs=[(i.platform, i.handle, i.display_name, i.region_code) for i in items]
    )
    if allowed_prefixes is not None:
        _check_regions(resolved, allowed_prefixes)
    keys = {(i.source, i.external_id) for i in items}
    sources = sorted({k[0] for k in keys})
    external_ids = sorted({k[1] for k in keys})
    current: dict[tuple[str, str], Post] = {}
    for row in _CURRENT_POSTS.rows(
        [integrator[:100], *sources, *external_ids, True],
        lists=[len(sources), len(external_ids)],
        for_update=True,
    ):
        post = Post.from_db(DEFAULT_DB_ALIAS, _FIELDS, row)
        if (post.source, post.external_id) in keys:
            current[(post.source, post.external_id)] = post
    shared = {
        "id": None,
        "captured_at": now,
        "submitted_by": submitted_by[:150],
        "integrator": integrator[:100],
        "scan_state": Post.ScanState.PENDING.value,
        "scan_requested_at": now,
        "scanned_at": None,
        "lexicon_version_id": None,
        "score": 0.0,
    }
    results: list[IngestResult] = []
    to_create: list[Post] = []
    retire: list[int] = []
    for item, merchant_id in zip(items, resolved.ids, strict=True):
        key = (item.source, item.external_id)
        digest = text_sha256(item.text)
        previous = current.get(key)
        if previous is not None and previous.text_sha256 == digest:
            results.append(IngestResult(previous, "unchanged"))
            continue
        if previous is not None:
            if previous.pk:
                retire.append(previous.pk)
            previous.is_current = False  # superseded within this batch or stored earlier
        values = {
            **shared,
            "merchant_id": merchant_id,
            "source": item.source,
            "external_id": item.external_id,
            "revision": previous.revision + 1 if previous is not None else 1,
            "is_current": True,
            "text": item.text,
            "url": item.url,
            "posted_at": item.posted_at,
            "text_sha256": digest,
        }
        post = Post(*(values[name] for name in _FIELDS))
        to_create.append(post)
        current[key] = post
        results.append(IngestResult(post, "created" if post.revision == 1 else "revised"))
    if retire:
        Post.objects.filter(pk__in=retire).update(is_current=False)
    if to_create:
        ids = bulk_insert(
            Post,
            _VARYING,
            ([getattr(post, name) for name in _VARYING] for post in to_create),
            constants={k: v for k, v in shared.items() if k != "id"},
            returning_ids=True,
        )
        for post, pk in zip(to_create, ids, strict=True):
            post.pk = pk
            post._state.adding = False
            post._state.db = DEFAULT_DB_ALIAS  # bulk_insert writes through the default one
        resolved.mark_active({post.merchant_id for post in to_create}, now)
    return results


def _check_regions(resolved, allowed_prefixes: list[str]) -> None:
    """Refuse the batch if any merchant it names is outside ``allowed_prefixes``, judged by the
    region the merchant had before this batch (a region-less merchant is outside every region:
    a region-limited token cannot claim it by naming a region), or, for a merchant this batch
    created, the region it was created with. Raised inside the batch's transaction, so the
    merchants it created and the regions it filled in are rolled back with it."""
    outside = [
        index
        for index, merchant_id in enumerate(resolved.ids)
        if not region_within(resolved.known[merchant_id].region_code, allowed_prefixes)
    ]
    if not outside:
        return
    problem = {"merchant": ["region outside this token's regions"]}
    fields = problem if len(resolved.ids) == 1 else {str(i): problem for i in outside}
    raise ValidationFailed(REGION_REFUSED, fields=fields)
