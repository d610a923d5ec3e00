"""core.bulk: many rows in few statements, stored exactly as given (on PostgreSQL through
COPY, whose text format escapes tabs, newlines and backslashes; elsewhere bulk_create)."""

import pytest
from django.db import transaction
from django.utils import timezone

from core.bulk import bulk_insert
from lexicon.services import lexicon_active_version
from merchants.models import Finding, Merchant, Post, RiskComponent

pytestmark = pytest.mark.django_db

TRICKY = [
    "tab\there",
    "new\nline and\r\ncarriage",
    "back\\slash \\N \\t not escapes",
    "引号\"'，表情😀，全角　空格",
    "",
    "\\",
]


def test_text_and_json_survive_the_round_trip_exactly():
    merchant = Merchant.objects.create(display_name="m")
    now = timezone.now()
    rows = [
        (merchant.pk, "test", f"k{i}", i + 0.25, text, {"note": text, "n": [i, None, True]})
        for i, text in enumerate(TRICKY)
    ]
    with transaction.atomic():
        bulk_insert(
            RiskComponent,
            ("merchant_id", "source", "key", "points", "explanation", "data"),
            rows,
            constants={"computed_at": now},
        )
    stored = {c.key: c for c in RiskComponent.objects.filter(merchant=merchant)}
    assert len(stored) == len(TRICKY)
    for i, text in enumerate(TRICKY):
        part = stored[f"k{i}"]
        assert part.explanation == text
        assert part.data == {"note": text, "n": [i, None, True]}
        assert part.points == i + 0.25
        assert part.computed_at == now


def test_two_batches_in_one_transaction_are_each_stored_once():
    merchant = Merchant.objects.create(display_name="m")
    columns = ("merchant_id", "source", "key", "points", "explanation", "data")
    with transaction.atomic():
        for batch in ("a", "b"):
            bulk_insert(
                RiskComponent,
                columns,
                [(merchant.pk, batch, str(i), 1.0, "x", {}) for i in range(3)],
                constants={"computed_at": timezone.now()},
            )
    assert RiskComponent.objects.filter(merchant=merchant).count() == 6


def test_a_conflicting_row_updates_the_stored_one():
    version = lexicon_active_version()
    merchant = Merchant.objects.create(display_name="m")
    post = Post.objects.create(merchant=merchant, source="moments", external_id="1", text="高仿")
    columns = ("post_id", "category", "rule", "term", "matched", "start", "end", "severity")
    row = (post.pk, "counterfeit", "counterfeit.replica", "高仿", "高仿", 0, 2, 4)
    shared = {"lexicon_version_id": version.pk, "created_at": timezone.now()}
    conflict = (("post_id", "lexicon_version_id", "rule", "start", "end"), ("is_current",))
    with transaction.atomic():
        bulk_insert(Finding, columns, [row], constants={**shared, "is_current": False})
    with transaction.atomic():
        bulk_insert(
            Finding,
            columns,
            [row],
            constants={**shared, "is_current": True},
            update_conflicts=conflict,
        )
    finding = Finding.objects.get(post=post)
    assert finding.is_current is True
