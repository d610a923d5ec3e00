"""Risk kept from incremental aggregates equals a full recompute from the findings and posts.

Random histories (seeded): posts over several merchants and capture days, revisions, scans in
random chunks (some twice, some late), rescans with another lexicon version and back, reviews
(confirmed findings count double, dismissed ones not at all). At the end the scores, components
and explanations kept incrementally must equal those after ``rebuild_risk`` computed every
aggregate again from the rows.
"""

import datetime
import io
import random

import pytest
import time_machine
from django.core.management import call_command

import merchants.scan
from lexicon.models import LexiconRule
from lexicon.services import lexicon_active_version, lexicon_publish
from merchants.models import Finding, Merchant, Post, RiskComponent, RiskDay, RiskTally
from merchants.posts import PostInput, posts_ingest
from merchants.risk import risk_aggregates_rebuild, risk_recompute, risk_recompute_many
from merchants.scan import posts_scan

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 30, 4, 0, tzinfo=datetime.UTC)  # 12:00 in Shanghai

TEXTS = [
    "高仿LV包包，一比一复刻，私聊",
    "全网最低价，国家级品质，无效退款",
    "今天到了一批新鲜水果，欢迎选购",
    "纯原莆田鞋，专柜品质，加我微信私下转账",
    "三天见效，根治失眠，绝对安全",
    "超A货手表，瑞士机芯，货到付款",
    "稳赚不赔，零风险投资，保本高收益，名额有限",
    "高仿手表一块，全网最低价",
]


@pytest.fixture(autouse=True)
def _small_limits(settings):
    settings.RISK_FLOOD_POSTS_PER_DAY = 3  # a few posts on one day make a flood here


def _state(ids):
    components = sorted(
        RiskComponent.objects.filter(merchant_id__in=ids).values_list(
            "merchant_id", "source", "key", "points", "explanation", "data"
        ),
        key=repr,
    )
    scores = sorted(
        Merchant.objects.filter(pk__in=ids).values_list("id", "risk_score", "in_review_queue")
    )
    days = sorted(RiskDay.objects.filter(posts__gt=0).values_list("merchant_id", "day", "posts"))
    tallies = sorted(
        RiskTally.objects.filter(findings__gt=0).values_list(
            "merchant_id", "category", "findings", "confirmed"
        )
    )
    return {"components": components, "scores": scores, "days": days, "tallies": tallies}


def _history(seed: int, regulator) -> list[int]:
    """Play a random history through the real services; returns the merchant ids."""
    rng = random.Random(seed)
    v1 = lexicon_active_version()
    LexiconRule.objects.filter(category="counterfeit").update(enabled=False)
    v2 = lexicon_publish(actor=regulator, note="without counterfeit rules")
    versions = [v1, v2]
    handles = [f"shop{i}" for i in range(rng.randint(2, 5))]
    pending: list[int] = []
    for step in range(rng.randint(12, 20)):
        action = rng.random()
        if action < 0.55 or step < 2:
            items = [
                PostInput(
                    source="moments",
                    external_id=f"p{rng.randint(0, 40)}",
                    text=rng.choice(TEXTS) + rng.choice(["", "！", " 速来"]),
                    platform="wechat_id",
                    handle=rng.choice(handles),
                )
                for _ in range(rng.randint(1, 12))
            ]
            fresh = []
            for result in posts_ingest(items=items):
                if result.status != "unchanged" and result.post.pk not in fresh:
                    fresh.append(result.post.pk)
            for pk in fresh:  # spread over capture days, some on the same day (floods)
                back = datetime.timedelta(days=rng.choice([0, 0, 1, 3, 12, 29, 31, 45, 90]))
                Post.objects.filter(pk=pk).update(
                    captured_at=NOW - back - datetime.timedelta(hours=rng.randint(0, 20))
                )
            pending.extend(fresh)
        if action >= 0.55 and action < 0.7 and pending:
            rng.shuffle(pending)
            cut = rng.randint(1, len(pending))
            chunk, pending = pending[:cut], pending[cut:]
            posts_scan(post_ids=chunk)
            if rng.random() < 0.3:
                posts_scan(post_ids=chunk)  # a redelivered task changes nothing
        elif action >= 0.7 and action < 0.85:
            ids = list(Post.objects.filter(scan_state="scanned").values_list("pk", flat=True))
            if ids:
                chosen = rng.sample(ids, rng.randint(1, len(ids)))
                posts_scan(post_ids=chosen, version=rng.choice(versions), rescan=True)
        elif action >= 0.85:
            findings = list(Finding.objects.filter(is_current=True).select_related("post"))
            if findings:
                finding = rng.choice(findings)
                Finding.objects.filter(pk=finding.pk).update(
                    review=rng.choice([Finding.Review.CONFIRMED, Finding.Review.DISMISSED])
                )
                risk_recompute(merchant_id=finding.post.merchant_id)  # as a review does
        if rng.random() < 0.3:
            risk_recompute_many(merchant_ids=Merchant.objects.values_list("pk", flat=True))
    posts_scan(post_ids=pending)
    return list(Merchant.objects.values_list("pk", flat=True))


@pytest.mark.parametrize("seed", range(8))
def test_incremental_risk_equals_a_full_recompute(seed, regulator):
    with time_machine.travel(NOW, tick=False):
        ids = _history(seed, regulator)
        risk_recompute_many(merchant_ids=ids)
        incremental = _state(ids)
        out = io.StringIO()
        call_command("rebuild_risk", "--no-progress", stdout=out)
        full = _state(ids)
    assert "rebuilt the risk aggregates of" in out.getvalue()
    assert incremental["tallies"], "the history produced findings"
    assert incremental == full


def test_the_comparison_catches_an_aggregate_that_misses_a_change(regulator, monkeypatch):
    """The same history with one finding left out of the tallies does not pass."""
    real = merchants.scan.tallies_add
    dropped = []

    def lossy(changes, today):
        changes = list(changes)
        if changes and not dropped:
            dropped.append(changes.pop())
        real(changes, today)

    monkeypatch.setattr(merchants.scan, "tallies_add", lossy)
    with time_machine.travel(NOW, tick=False):
        ids = _history(3, regulator)
        risk_recompute_many(merchant_ids=ids)
        incremental = _state(ids)
        risk_aggregates_rebuild()
        risk_recompute_many(merchant_ids=ids)
        full = _state(ids)
    assert dropped
    assert incremental != full


def test_decay_applies_to_the_tallies_as_days_pass(regulator):
    """Two findings 30 days apart (the half-life): the older counts half, and a month later
    both count half as much again, without a new scan."""
    with time_machine.travel(NOW, tick=False):
        posts_ingest(
            items=[
                PostInput(
                    source="moments", external_id=f"d{i}", text="高仿LV包包，一比一复刻",
                    platform="wechat_id", handle="decay",
                )
                for i in range(2)
            ]
        )  # fmt: skip
        old, new = Post.objects.order_by("external_id")
        Post.objects.filter(pk=old.pk).update(captured_at=NOW - datetime.timedelta(days=30))
        posts_scan(post_ids=[old.pk, new.pk])
        merchant = Merchant.objects.get()
        risk_recompute_many(merchant_ids=[merchant.pk])
        part = merchant.risk_parts.get(source="findings", key="counterfeit")
        severity = sum(f.severity for f in new.findings.all())
        assert part.data["raw"] == pytest.approx(severity * 1.5, abs=0.01)
        assert "命中 " + str(2 * new.findings.count()) + " 条" in part.explanation
    with time_machine.travel(NOW + datetime.timedelta(days=30), tick=False):
        risk_recompute_many(merchant_ids=[merchant.pk])
        part.refresh_from_db()
        assert part.data["raw"] == pytest.approx(severity * 0.75, abs=0.01)


def test_a_flood_counts_the_current_posts_of_one_day(regulator):
    with time_machine.travel(NOW, tick=False):
        posts_ingest(
            items=[
                PostInput(
                    source="moments", external_id=f"f{i}", text=f"新鲜水果第{i}批",
                    platform="wechat_id", handle="flood",
                )
                for i in range(5)
            ]
        )  # fmt: skip
        posts_scan(post_ids=list(Post.objects.values_list("pk", flat=True)))
        merchant = Merchant.objects.get()
        risk_recompute_many(merchant_ids=[merchant.pk])
        flood = merchant.risk_parts.get(source="flood")
        assert flood.data == {"day": "2026-11-30", "posts": 5}
        assert flood.explanation == "刷屏：2026-11-30 单日发布 5 条（阈值 3 条）"
        # Two revisions replace two posts: still five current posts that day.
        posts_ingest(
            items=[
                PostInput(
                    source="moments", external_id=f"f{i}", text=f"新鲜水果第{i}批，改",
                    platform="wechat_id", handle="flood",
                )
                for i in range(2)
            ]
        )  # fmt: skip
        posts_scan(
            post_ids=list(Post.objects.filter(scan_state="pending").values_list("pk", flat=True))
        )
        risk_recompute_many(merchant_ids=[merchant.pk])
        flood.refresh_from_db()
        assert flood.data["posts"] == 5
