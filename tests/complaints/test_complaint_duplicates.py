"""Duplicate suggestions through indexes, and follow-up work that the receipt does not wait for."""

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints import duplicates, services
from complaints.models import Case, CaseTextBand, DuplicateSuggestion

pytestmark = pytest.mark.django_db

FIRST = "在朋友圈买的面霜是假货，商家拒绝退款。"
SIMILAR = "在朋友圈买的面霜是假货，商家拒绝退款了！"


def _stored_cases(n: int, *, start: int = 0) -> list[Case]:
    """``n`` plain cases received within the last days, each with its own text and bands."""
    now = timezone.now()
    cases = Case.objects.bulk_create(
        Case(
            tracking_number=f"T{start + i:012d}",
            access_code_hash="x",
            region_code="440100",
            received_region_code="440100",
            description=f"第{start + i}号投诉：商品{(start + i) * 7919 % 100003}号发货延迟，不回复",
            received_at=now - timezone.timedelta(hours=1 + i % 40),
        )
        for i in range(n)
    )
    duplicates.bands_backfill()
    return cases


def test_similar_text_is_found_beyond_the_2000_latest_cases(submit):
    first, _ = submit(description=FIRST, phone="13700000001")
    # Received after the first and before the new one: the old check read only these.
    _stored_cases(2100)
    similar, _ = submit(description=SIMILAR, phone="13700000002", merchant_wechat_id="x_shop")
    suggestion = DuplicateSuggestion.objects.get(case=similar)
    assert suggestion.other_id == first.pk
    assert suggestion.reason == "similar_text" and suggestion.score >= 0.8
    assert DuplicateSuggestion.objects.count() == 1  # none of the 2,100 others


def test_the_check_reads_a_bounded_number_of_rows(submit):
    _stored_cases(1500)
    case, _ = submit(description="集赞送的礼品一直没有兑现，商家把我拉黑了", phone="13700000009")
    with CaptureQueriesContext(connection) as few:
        duplicates.duplicates_find(case=case)
    _stored_cases(1500, start=1500)
    with CaptureQueriesContext(connection) as more:
        duplicates.duplicates_find(case=case)
    assert len(more.captured_queries) == len(few.captured_queries) <= 10


def test_a_case_checked_before_an_earlier_one_still_pairs_them(submit, settings):
    earlier, _ = submit(description=FIRST, phone="13700000003")
    later, _ = submit(description=SIMILAR, phone="13700000004")
    DuplicateSuggestion.objects.all().delete()
    CaseTextBand.objects.all().delete()
    duplicates.duplicates_find(case=later)  # the earlier case has no bands yet: no pair
    assert not DuplicateSuggestion.objects.exists()
    duplicates.duplicates_find(case=earlier)  # its check finds the later one
    pair = DuplicateSuggestion.objects.get()
    assert (pair.case_id, pair.other_id) == (later.pk, earlier.pk)


def test_unrelated_texts_make_no_suggestion(submit):
    submit(description=FIRST, phone="13700000005")
    other, _ = submit(
        description="集赞送的礼品一直没有兑现", phone="13700000006", merchant_wechat_id="b"
    )
    assert not DuplicateSuggestion.objects.filter(case=other).exists()


def test_band_keys_are_stable_and_near_texts_share_one():
    a, b = duplicates.band_keys(FIRST), duplicates.band_keys(SIMILAR)
    assert a == duplicates.band_keys(FIRST) and len(a) == duplicates.BANDS
    assert set(a) & set(b)
    assert not set(a) & set(duplicates.band_keys("完全不同的一段话，讲的是别的事情"))


@pytest.mark.django_db(transaction=True)
def test_the_receipt_does_not_wait_for_the_follow_up(monkeypatch):
    """Without a broker the follow-up runs on a thread after commit: the submission returns
    while it is still running, and it completes afterwards."""
    started, release, done = threading.Event(), threading.Event(), threading.Event()
    real = services.after_intake

    def slow(*, case_id):
        started.set()
        release.wait(10)
        try:
            real(case_id=case_id)
        finally:
            done.set()

    monkeypatch.setattr(services, "after_intake", slow)
    results = services.case_submit(
        data={
            "kind": "complaint",
            "merchant_wechat_id": "meizhuang_888",
            "description": FIRST,
            "demand": "退款",
            "name": "张三",
            "phone": "13812345678",
            "address": "广东省广州市天河区体育西路1号",
            "consent": True,
        },
        files=[],
    )
    case = results[0].case
    assert started.wait(10)  # the follow-up began on its own thread…
    assert Case.objects.filter(pk=case.pk, merchant__isnull=True).exists()  # …not done yet
    release.set()
    assert done.wait(30)
    assert Case.objects.get(pk=case.pk).merchant is not None
    assert CaseTextBand.objects.filter(case=case).count() == duplicates.BANDS


def test_a_complaint_retyped_in_traditional_characters_is_the_same_text(submit):
    """Complaints compared texts by NFKC and lower case only (their own normaliser), so 買/買 and
    貨/货 made the same complaint look unrelated; they go through the scanner's normaliser now."""
    first, _ = submit(description=FIRST, phone="13700000011")
    retyped, _ = submit(
        description="在朋友圈買的面霜是假貨，商家拒絕退款。",
        phone="13700000012",
        merchant_wechat_id="another_shop",
    )
    suggestion = DuplicateSuggestion.objects.get(case=retyped)
    assert suggestion.other_id == first.pk and suggestion.score == 1.0
    assert duplicates.text_fingerprint(FIRST) == duplicates.text_fingerprint(
        "在朋友圈買的面霜是假貨,商家拒絕退款"
    )
