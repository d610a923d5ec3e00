"""The one way to write the audit log, and the chain verifier."""

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction

from core.chain import CONTENT, GENESIS, LINK, chain_walk
from core.models import AuditEntry, AuditHead


def audit_log(
    action: str,
    *,
    actor=None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
    ip: str | None = None,
    actor_label: str = "",
) -> AuditEntry:
    """Append one entry, e.g. ``audit_log("complaint.accepted", actor=user, target=case)``.

    Runs in (or opens) a transaction and locks the chain head, so concurrent writers never fork
    the chain and an entry is never written for work that was rolled back. Inside the caller's
    transaction it takes no savepoint of its own: an entry that cannot be written fails the
    caller's transaction with it, so the audited work is never kept without its entry (and
    each entry costs two statements fewer).
    """
    with transaction.atomic(savepoint=False):
        prev_hash = _head_locked()
        if prev_hash is None:
            AuditHead.objects.get_or_create(pk=1, defaults={"last_hash": GENESIS})
            prev_hash = _head_locked()
        label = actor_label
        if actor is not None and not label:
            label = actor.get_username()
        if ip and (actor is None or not actor.pk):
            # A public submitter (a consumer, an anonymous reporter): keep only a keyed hash,
            # enough to see that entries came from one address, not the address (M8).
            data = {**(data or {}), "ip_hash": ip_pseudonym(ip)}
            ip = None
        entry = AuditEntry(
            actor=actor if actor is not None and actor.pk else None,
            actor_label=label[:150],
            action=action,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            target_repr=str(target)[:200] if target is not None else "",
            ip=ip,
            data=data or {},
            prev_hash=prev_hash,
        )
        # JSON round trip so the hash covers exactly what the database will give back.
        entry.data = _json_roundtrip(entry.data)
        entry.hash = entry.compute_hash()
        entry.save()
        with connection.cursor() as cursor:
            cursor.execute(_head_sql("UPDATE {} SET {} = %s WHERE id = 1"), [entry.hash])
    return entry


def _head_sql(template: str) -> str:
    quote = connection.ops.quote_name
    return template.format(quote(AuditHead._meta.db_table), quote("last_hash"))


def _head_locked() -> str | None:
    """The chain head's hash, its row locked until the transaction ends (on SQLite the
    transaction already holds the database's write lock), in one plain statement: this runs
    for every audited action, and the ORM's query building cost more than the look-up."""
    sql = _head_sql("SELECT {1} FROM {0} WHERE id = 1")
    if connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return row[0] if row else None


def ip_pseudonym(ip: str) -> str:
    """HMAC-SHA256 of the address under ``AUDIT_IP_KEY`` (or SECRET_KEY), 24 hex digits."""

    key = (getattr(settings, "AUDIT_IP_KEY", "") or settings.SECRET_KEY).encode()
    return hmac.new(key, ip.encode(), hashlib.sha256).hexdigest()[:24]


def client_ip(request) -> str | None:
    """The client address as django-axes resolves it (proxy-count aware), for audit entries."""
    if request is None:
        return None

    return get_client_ip_address(request) or None


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int
    reason: str


_BREAKS = {
    LINK: "previous-hash link broken (a row was removed or reordered)",
    CONTENT: "content does not match its hash (the row was altered)",
}


def _entries_in_order(chunk: int) -> Iterator[AuditEntry]:
    last_id = 0
    while rows := list(AuditEntry.objects.filter(id__gt=last_id).order_by("id")[:chunk]):
        yield from rows
        last_id = rows[-1].id


def verify_chain(*, chunk: int = 5000) -> Iterator[ChainBreak]:
    """Yield every place where the stored chain does not match what it should be (the walk is
    ``core.chain``'s, shared with the campaign snapshots; the head check is the log's own)."""
    last = None
    for entry, problems in chain_walk(_entries_in_order(chunk)):
        for problem in problems:
            yield ChainBreak(entry.id, _BREAKS[problem])
        last = entry
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != (last.hash if last else GENESIS):
        yield ChainBreak(
            last.id if last else 0, "newest entries are missing (chain head does not match)"
        )


def _json_roundtrip(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))
