"""Risk kept from incremental aggregates equals a full recompute from the findings and posts.

Random histories (seeded): posts over several merchants and capture days, revisions, scans in
random chunks (some twice, some late), rescans with another lexicon version and back, reviews
(confirmed findings count double, dismissed ones not at all), near-identical texts of several
accounts, one product photo on several sellers' posts (old revisions too), merges. At the end
the scores, components and explanations kept incrementally must equal those after
``rebuild_risk`` computed every aggregate again from the rows, and the 刷屏 near-duplicate
component must equal the one read from the matches themselves (current posts of two
merchants, the last 30 days), today and ten days later.
"""

import datetime
import io
import random
from collections import defaultdict

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone
from PIL import Image, ImageDraw

import merchants.near_duplicate_risk
import merchants.scan
from lexicon.models import LexiconRule
from lexicon.services import lexicon_active_version, lexicon_publish
from merchants.models import (
    Finding,
    Merchant,
    NearDuplicateDay,
    NearDuplicateEnd,
    NearDuplicatePair,
    Post,
    RiskComponent,
    RiskDay,
    RiskTally,
)
from merchants.post_images import post_image_add
from merchants.posts import PostInput, posts_ingest
from merchants.risk import risk_aggregates_rebuild, risk_recompute, risk_recompute_many
from merchants.scan import posts_scan
from merchants.services import merchant_merge

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
    near_days = sorted(
        NearDuplicateDay.objects.exclude(text_posts=0, image_posts=0).values_list(
            "merchant_id", "day", "text_posts", "image_posts"
        )
    )
    pairs = sorted(
        NearDuplicatePair.objects.filter(matches__gt=0).values_list(
            "merchant_id", "day", "other_id", "matches"
        )
    )
    return {
        "components": components,
        "scores": scores,
        "days": days,
        "tallies": tallies,
        "near_days": near_days,
        "pairs": pairs,
    }


def _photo(seed: int, quality: int = 90) -> bytes:
    """One of a few product photos: a seeded pattern of coloured blocks, as JPEG."""
    rng = random.Random(seed)
    img = Image.new("RGB", (256, 256), (rng.randint(150, 255), 200, 230))
    draw = ImageDraw.Draw(img)
    for _ in range(10):
        x, y = rng.randint(0, 200), rng.randint(0, 200)
        draw.rectangle((x, y, x + rng.randint(20, 120), y + rng.randint(20, 120)),
                       fill=tuple(rng.randint(0, 255) for _ in range(3)))  # fmt: skip
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality)
    return out.getvalue()


def _near_duplicates_from_matches(ids) -> list[tuple]:
    """The 刷屏 near-duplicate component read from the matches themselves, as it was computed
    before it had aggregates: current posts of two merchants, the own post captured in the
    last 30 days (local days)."""
    today = timezone.localdate()
    since = datetime.datetime.combine(
        today - datetime.timedelta(days=30),
        datetime.time.min,
        tzinfo=timezone.get_current_timezone(),
    )
    rows = (
        NearDuplicateEnd.objects.filter(
            post__merchant_id__in=ids,
            post__captured_at__gte=since,
            post__is_current=True,
            other__is_current=True,
        )
        .exclude(other__merchant_id=F("post__merchant_id"))
        .values_list("post__merchant_id", "other__merchant_id", "kind", "post_id")
    )
    others, posts = defaultdict(set), defaultdict(lambda: {"text": set(), "image": set()})
    for merchant_id, other, kind, post_id in rows:
        others[merchant_id].add(other)
        posts[merchant_id][kind].add(post_id)
    out = []
    for merchant_id, accounts in others.items():
        n_text, n_image = len(posts[merchant_id]["text"]), len(posts[merchant_id]["image"])
        what = "、".join(
            x
            for x in (
                f"文字近似的帖子 {n_text} 条" if n_text else "",
                f"同一商品图片的帖子 {n_image} 条" if n_image else "",
            )
            if x
        )
        points = min(10.0, 1.0 + 2.0 * len(accounts))
        explanation = (
            f"刷屏：与另外{len(accounts)}个账号发布了近似相同的内容（近 30 天{what}），"
            f"计 {points:.1f} 分"
        )
        data = {"accounts": len(accounts), "text_posts": n_text, "image_posts": n_image}
        out.append((merchant_id, round(points, 2), explanation, data))
    return sorted(out, key=repr)


def _near_duplicates_stored(ids) -> list[tuple]:
    return sorted(
        RiskComponent.objects.filter(
            merchant_id__in=ids, source="flood", key="near_duplicate"
        ).values_list("merchant_id", "points", "explanation", "data"),
        key=repr,
    )


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
            for pk in fresh:  # some with one of a few product photos
                if rng.random() < 0.3:
                    photo = _photo(rng.randint(1, 3), rng.choice([40, 90]))
                    post_image_add(post=Post.objects.get(pk=pk), content=photo)
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
        elif action >= 0.85 and action < 0.88:
            posts = list(Post.objects.order_by("pk"))  # old revisions too
            if posts:
                post_image_add(post=rng.choice(posts), content=_photo(rng.randint(1, 3), 70))
        elif action >= 0.88 and action < 0.92:
            live = list(Merchant.objects.filter(merged_into__isnull=True).order_by("pk"))
            if len(live) > 2:
                keep, absorb = rng.sample(live, 2)
                merchant_merge(keep=keep, absorb=absorb, actor=regulator, reason="同一收款人")
        elif action >= 0.92:
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


@pytest.mark.parametrize("seed", range(10))
def test_incremental_risk_equals_a_full_recompute(seed, regulator):
    with time_machine.travel(NOW, tick=False):
        ids = _history(seed, regulator)
        risk_recompute_many(merchant_ids=ids)
        incremental = _state(ids)
        from_matches = _near_duplicates_from_matches(ids)
        out = io.StringIO()
        call_command("rebuild_risk", "--no-progress", stdout=out)
        full = _state(ids)
    assert "rebuilt the risk aggregates of" in out.getvalue()
    assert incremental["tallies"], "the history produced findings"
    assert incremental == full
    assert from_matches, "the history linked merchants by near-identical content"
    assert _near_duplicates_stored(ids) == from_matches
    with time_machine.travel(NOW + datetime.timedelta(days=10), tick=False):
        risk_recompute_many(merchant_ids=ids)  # posts leave the window, no scan
        assert _near_duplicates_stored(ids) == _near_duplicates_from_matches(ids)


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
    incremental, full = _kept_and_rebuilt(3, regulator)
    assert dropped
    assert incremental != full


def _kept_and_rebuilt(seed, regulator) -> tuple[dict, dict]:
    """The state kept incrementally through history ``seed``, and after a full rebuild."""
    with time_machine.travel(NOW, tick=False):
        ids = _history(seed, regulator)
        risk_recompute_many(merchant_ids=ids)
        incremental = _state(ids)
        risk_aggregates_rebuild()
        risk_recompute_many(merchant_ids=ids)
        return incremental, _state(ids)


def test_the_comparison_catches_a_lost_near_duplicate_pair(regulator, monkeypatch):
    """The same history with a match left out of each write of the pair aggregate does not pass
    (a review's recompute counts its merchant's rows again: one lost match may be healed)."""
    real = merchants.near_duplicate_risk._pairs_add
    dropped = []

    def lossy(pairs):
        pairs = dict(pairs)
        if pairs:
            dropped.append(pairs.pop(min(pairs)))
        real(pairs)

    monkeypatch.setattr(merchants.near_duplicate_risk, "_pairs_add", lossy)
    incremental, full = _kept_and_rebuilt(0, regulator)
    assert dropped
    assert incremental["pairs"] != full["pairs"]


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
