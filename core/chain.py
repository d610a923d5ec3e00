"""Hash chains: the one implementation behind the audit log (``core.models.AuditEntry``) and the
campaign snapshots (``campaigns.models.Snapshot``).

A chained row stores the SHA-256 of its canonical content (sorted-key compact JSON, non-ASCII kept),
and that content includes ``prev_hash``, the hash of the row before it; the first row links to
``GENESIS``. :func:`chain_walk` goes through rows in chain order and says, for each, whether its
link or its content is broken; each verifier adds what only it knows (a snapshot's sequence number
and image, the head row) and words the result.

>>> class Row(HashChained):
...     def __init__(self, text, prev_hash):
...         self.text, self.prev_hash = text, prev_hash
...         self.hash = self.compute_hash()
...     def chain_body(self):
...         return {"text": self.text, "prev_hash": self.prev_hash}
>>> a = Row("甲", GENESIS); b = Row("乙", a.hash)
>>> [p for _row, p in chain_walk([a, b])]
[[], []]
>>> b.text = "丙"
>>> [p for _row, p in chain_walk([a, b])]
[[], ['content']]
>>> [p for _row, p in chain_walk([b])]
[['link', 'content']]
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable, Iterator
from typing import ClassVar

GENESIS = "0" * 64
LINK = "link"  # prev_hash is not the hash of the row before (a row removed or reordered)
CONTENT = "content"  # the row's content no longer gives its stored hash (the row was altered)


def canonical_json(body: dict) -> bytes:
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def utc_stamp(value: datetime.datetime) -> str:
    """A time as the chain stores it: UTC, ISO 8601 with microseconds."""
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


class HashChained:
    """Mixin for a hash-chained model: ``chain_body()`` is what the hash covers (``prev_hash``
    included); ``HASH_FIELD`` names the field holding the row's own hash."""

    HASH_FIELD: ClassVar[str] = "hash"
    prev_hash: str

    def chain_body(self) -> dict:
        raise NotImplementedError

    def canonical(self) -> bytes:
        """The bytes the hash covers."""
        return canonical_json(self.chain_body())

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()

    @property
    def stored_hash(self) -> str:
        return getattr(self, self.HASH_FIELD)


def chain_walk(rows: Iterable[HashChained]) -> Iterator[tuple[HashChained, list[str]]]:
    """Each row with its problems (``LINK``, ``CONTENT``; empty when the row is sound), in the
    order given, which must be the chain's. The last row's ``stored_hash`` must equal the head
    the caller keeps (``AuditHead``, ``Campaign.last_snapshot_hash``)."""
    prev = GENESIS
    for row in rows:
        problems = []
        if row.prev_hash != prev:
            problems.append(LINK)
        if row.compute_hash() != row.stored_hash:
            problems.append(CONTENT)
        yield row, problems
        prev = row.stored_hash
