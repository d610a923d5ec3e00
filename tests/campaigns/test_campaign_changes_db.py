"""Each kind of term change through the services and the database: stored changes, breaches,
the merchant's risk part, and the snapshots that prove them."""

import pytest

from campaigns.models import Breach, Campaign, Snapshot, TermChange
from campaigns.services import snapshot_correct, snapshot_record
from core.errors import ValidationFailed
from core.models import AuditEntry
from merchants.models import Finding, Post, RiskComponent
from tests.campaigns.conftest import at, notice

pytestmark = pytest.mark.django_db


def _risk(campaign, key):
    return RiskComponent.objects.filter(
        merchant=campaign.merchant, source="campaigns", key=f"{key}:{campaign.pk}"
    ).first()


def test_it_stores_the_announced_terms_and_a_first_snapshot(make_campaign):
    campaign = make_campaign()
    assert campaign.likes_required == 38
    assert campaign.gift == "保温杯一个"
    assert str(campaign.gift_value) == "58.00"
    assert campaign.deadline.isoformat() == "2025-11-09"
    assert campaign.merchant.region_code == "440103"
    snap = campaign.snapshots.get()
    assert snap.sequence == 1
    assert snap.prev_hash == "0" * 64
    assert snap.content_sha256 == snap.compute_hash()
    assert snap.terms["likes"] == 38
    assert campaign.last_snapshot_hash == snap.content_sha256
    assert AuditEntry.objects.filter(action="campaign.snapshot_recorded").count() == 1


def test_likes_raised_38_to_88_is_a_breach_with_an_explained_risk_part(make_campaign):
    campaign = make_campaign()
    result = snapshot_record(campaign=campaign, text=notice(likes=88), captured_at=at("2025-11-03"))
    change = TermChange.objects.get(campaign=campaign)
    assert (change.field, change.before, change.after) == ("likes", "38", "88")
    assert change.direction == "against_consumer"
    breach = Breach.objects.get(campaign=campaign)
    assert breach.kind == "term_change"
    assert breach.before_snapshot.sequence == 1
    assert breach.after_snapshot == result.snapshot
    assert result.new_breaches == [breach]
    part = _risk(campaign, "breaches")
    assert part is not None and part.points == 10
    assert "所需点赞数由38提高到88" in part.explanation
    assert "转发集赞送保温杯" in part.explanation
    campaign.merchant.refresh_from_db()
    assert campaign.merchant.risk_score >= 10
    assert AuditEntry.objects.filter(action="campaign.breach_detected").count() == 1


def test_likes_lowered_88_to_38_is_in_favour_and_no_breach(make_campaign):
    campaign = make_campaign(notice(likes=88))
    snapshot_record(campaign=campaign, text=notice(likes=38), captured_at=at("2025-11-03"))
    change = TermChange.objects.get(campaign=campaign)
    assert change.direction == "in_favour"
    assert not Breach.objects.exists()
    assert _risk(campaign, "breaches") is None


def test_deadline_moved_earlier_is_a_breach(make_campaign):
    campaign = make_campaign()
    snapshot_record(
        campaign=campaign, text=notice(deadline="2025年11月5日"), captured_at=at("2025-11-03")
    )
    change = TermChange.objects.get(campaign=campaign)
    assert (change.field, change.before, change.after) == ("deadline", "2025-11-09", "2025-11-05")
    assert change.direction == "against_consumer"
    breach = Breach.objects.get(campaign=campaign)
    assert "截止日期由2025-11-09提前到2025-11-05" in breach.explanation


def test_gift_replaced_by_a_cheaper_one_is_a_breach(make_campaign):
    campaign = make_campaign()
    snapshot_record(
        campaign=campaign,
        text=notice(gift="价值5元的试用装面膜一片"),
        captured_at=at("2025-11-03"),
    )
    changes = list(TermChange.objects.filter(campaign=campaign))
    assert [(c.field, c.direction) for c in changes] == [("gift", "against_consumer")]
    assert "（58元）" in changes[0].explanation and "（5元）" in changes[0].explanation
    breach = Breach.objects.get(campaign=campaign)
    assert breach.field == "gift"
    assert (breach.before, breach.after) == ("保温杯一个", "试用装面膜一片")


def test_post_deleted_before_the_deadline_is_a_breach(make_campaign):
    campaign = make_campaign()
    result = snapshot_record(campaign=campaign, observed_deleted=True, captured_at=at("2025-11-05"))
    breach = Breach.objects.get(campaign=campaign)
    assert breach.kind == "deletion"
    assert breach.before_snapshot.sequence == 1
    assert breach.after_snapshot == result.snapshot
    assert "截止日期前" in breach.explanation
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DELETED
    assert "被删除" in _risk(campaign, "breaches").explanation


def test_post_deleted_on_the_deadline_day_china_time_is_still_a_breach(make_campaign):
    campaign = make_campaign()
    snapshot_record(campaign=campaign, observed_deleted=True, captured_at=at("2025-11-09", 23))
    assert Breach.objects.filter(campaign=campaign, kind="deletion").count() == 1


def test_post_deleted_after_the_deadline_is_not_a_breach(make_campaign):
    campaign = make_campaign()
    snapshot_record(campaign=campaign, observed_deleted=True, captured_at=at("2025-11-10"))
    assert not Breach.objects.exists()
    assert _risk(campaign, "breaches") is None
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DELETED


def test_a_later_extension_binds_the_merchant_for_deletion(make_campaign):
    """Extended to 11-20 (in favour), then deleted on 11-15: still before the binding deadline."""
    campaign = make_campaign()
    snapshot_record(
        campaign=campaign, text=notice(deadline="2025年11月20日"), captured_at=at("2025-11-03")
    )
    assert TermChange.objects.get(campaign=campaign).direction == "in_favour"
    snapshot_record(campaign=campaign, observed_deleted=True, captured_at=at("2025-11-15"))
    assert Breach.objects.get(campaign=campaign).kind == "deletion"


def test_the_chain_links_each_snapshot_to_the_one_before(make_campaign):
    campaign = make_campaign()
    second = snapshot_record(campaign=campaign, text=notice(), captured_at=at("2025-11-02"))
    third = snapshot_record(campaign=campaign, observed_deleted=True, captured_at=at("2025-11-10"))
    first = campaign.snapshots.get(sequence=1)
    assert second.snapshot.prev_hash == first.content_sha256
    assert third.snapshot.prev_hash == second.snapshot.content_sha256
    assert not TermChange.objects.exists()  # the same text again changes nothing


def test_each_snapshot_text_is_scanned_like_a_post(
    make_campaign, django_capture_on_commit_callbacks
):
    text = "转发集满38个赞到店领取价值58元的全网最低价保温杯，截止2025年11月9日"
    with django_capture_on_commit_callbacks(execute=True):
        campaign = make_campaign(text)
    post = Post.objects.get(source="campaign", external_id=f"campaign-{campaign.pk}-snapshot-1")
    assert post.text == text
    assert post.merchant_id == campaign.merchant_id
    assert post.scan_state == Post.ScanState.SCANNED
    assert Finding.objects.filter(post=post).exists()


def test_snapshots_are_append_only(make_campaign):
    campaign = make_campaign()
    snap = campaign.snapshots.get()
    snap.raw_text = "改过的"
    with pytest.raises(PermissionError):
        snap.save()
    with pytest.raises(PermissionError):
        snap.delete()
    with pytest.raises(PermissionError):
        Snapshot.objects.filter(pk=snap.pk).update(raw_text="x")
    with pytest.raises(PermissionError):
        Snapshot.objects.filter(pk=snap.pk).delete()


def test_a_correction_is_a_new_snapshot_and_retracts_a_misread_breach(make_campaign, regulator):
    campaign = make_campaign()
    result = snapshot_record(campaign=campaign, text=notice(likes=88), captured_at=at("2025-11-03"))
    breach = Breach.objects.get()
    terms = dict(result.snapshot.terms, likes=38)
    correction = snapshot_correct(
        snapshot=result.snapshot, terms=terms, actor=regulator, note="原帖写的是38个赞"
    ).snapshot
    assert correction.sequence == 3
    assert correction.corrects == result.snapshot
    assert correction.captured_by == regulator
    assert correction.source == Snapshot.Source.REGULATOR
    assert result.snapshot.terms["likes"] == 88  # the observation itself is untouched
    breach.refresh_from_db()
    assert breach.retracted_at is not None
    assert not TermChange.objects.filter(campaign=campaign).exists()
    assert _risk(campaign, "breaches") is None


def test_a_correction_needs_a_reason(make_campaign, regulator):
    campaign = make_campaign()
    snap = campaign.snapshots.get()
    with pytest.raises(ValidationFailed):
        snapshot_correct(snapshot=snap, terms={"likes": 30}, actor=regulator, note=" ")
    assert campaign.snapshots.count() == 1


def test_an_empty_snapshot_is_refused_and_nothing_is_stored(make_campaign):
    campaign = make_campaign()
    with pytest.raises(ValidationFailed) as exc:
        snapshot_record(campaign=campaign, text="  ", captured_at=at("2025-11-03"))
    assert "text" in exc.value.fields
    assert campaign.snapshots.count() == 1
