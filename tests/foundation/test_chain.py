"""One hash chain (core.chain) under the audit log and the campaign snapshots: the hashes stored
before the two models shared it still verify (the canonical bytes are unchanged)."""

import datetime
import hashlib
import json

from campaigns.models import GENESIS as CAMPAIGN_GENESIS
from campaigns.models import Snapshot
from core.chain import GENESIS, HashChained
from core.models import AuditEntry

AT = datetime.datetime(2026, 10, 1, 8, 30, 0, 123456, tzinfo=datetime.UTC)


def _old_hash(body: dict) -> str:
    """How both models hashed before: written out once per model."""
    raw = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    return hashlib.sha256(raw).hexdigest()


def test_an_audit_entry_hashes_as_before():
    entry = AuditEntry(
        created_at=AT, actor_id=3, actor_label="张三", action="case.accepted", target_type="case",
        target_id="7", target_repr="WS-1", ip="10.0.0.1", data={"备注": "受理"}, prev_hash=GENESIS,
    )  # fmt: skip
    body = {
        "created_at": "2026-10-01T08:30:00.123456+00:00", "actor_id": 3, "actor_label": "张三",
        "action": "case.accepted", "target_type": "case", "target_id": "7", "target_repr": "WS-1",
        "ip": "10.0.0.1", "data": {"备注": "受理"}, "prev_hash": GENESIS,
    }  # fmt: skip
    assert entry.compute_hash() == _old_hash(body)


def test_a_snapshot_hashes_as_before():
    snap = Snapshot(
        campaign_id=5, sequence=2, source="manual", captured_at=AT, captured_by_id=None,
        captured_by_label="system", observed_deleted=False, raw_text="集满38个赞送保温杯",
        terms={"likes": 38}, corrects_id=None, note="", complaint_ref="", image_sha256="",
        prev_hash="a" * 64,
    )  # fmt: skip
    body = {
        "campaign_id": 5, "sequence": 2, "source": "manual",
        "captured_at": "2026-10-01T08:30:00.123456+00:00", "captured_by_id": None,
        "captured_by_label": "system", "observed_deleted": False, "raw_text": "集满38个赞送保温杯",
        "terms": {"likes": 38}, "corrects_id": None, "note": "", "complaint_ref": "",
        "image_sha256": "", "prev_hash": "a" * 64,
    }  # fmt: skip
    assert snap.compute_hash() == _old_hash(body)


def test_both_chains_are_one_implementation():
    assert CAMPAIGN_GENESIS == GENESIS
    assert issubclass(AuditEntry, HashChained) and issubclass(Snapshot, HashChained)
    assert Snapshot.HASH_FIELD == "content_sha256" and AuditEntry.HASH_FIELD == "hash"
