"""Merchant registry: handles, USCC, merging, risk, look-up API, import command."""

import json

import pytest
from django.core.management import CommandError, call_command

from core.errors import ValidationFailed
from core.models import AuditEntry
from merchants.models import Merchant, Post
from merchants.posts import PostInput, posts_ingest
from merchants.risk import risk_recompute
from merchants.services import (
    merchant_merge,
    merchant_resolve,
    merchant_set_identity,
    risk_component_record,
)
from merchants.uscc import uscc_problem

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("91350100M000100Y43", True),
        ("91350100M000100Y4Z", False),
        ("91110000600037341L", True),
        ("9135010OM000100Y43", False),
        ("91350100M000100Y4", False),
    ],
)
def test_uscc_check_character(code, ok):
    assert (uscc_problem(code) is None) is ok


def test_an_invalid_uscc_is_refused_with_the_reason(regulator):
    merchant = merchant_resolve(platform="wechat_id", handle="abc")
    with pytest.raises(ValidationFailed, match="not allowed: Z"):
        merchant_set_identity(merchant=merchant, actor=regulator, uscc="91350100M000100Y4Z")
    merchant_set_identity(merchant=merchant, actor=regulator, uscc="91350100m000100y43")
    merchant.refresh_from_db()
    assert merchant.uscc == "91350100M000100Y43"
    assert merchant.region_code == "350100"


def test_handles_resolve_loosely_per_platform():
    a = merchant_resolve(platform="phone", handle="+86 138-0013-8000")
    b = merchant_resolve(platform="phone", handle="13800138000")
    c = merchant_resolve(platform="wechat_id", handle="13800138000")
    assert a.pk == b.pk
    assert c.pk != a.pk


def test_merging_keeps_accounts_and_posts_and_is_audited(
    regulator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        posts_ingest(
            items=[
                PostInput(
                    source="moments",
                    external_id="1",
                    text="高仿包",
                    platform="wechat_id",
                    handle="a1",
                ),
                PostInput(
                    source="moments",
                    external_id="2",
                    text="高仿表",
                    platform="official_account",
                    handle="b1",
                ),
            ]
        )
    keep = merchant_resolve(platform="wechat_id", handle="a1")
    absorb = merchant_resolve(platform="official_account", handle="b1")
    merchant_merge(keep=keep, absorb=absorb, actor=regulator, reason="同一收款人")
    assert Post.objects.filter(merchant=keep).count() == 2
    assert keep.accounts.count() == 2
    assert merchant_resolve(platform="official_account", handle="B1").pk == keep.pk
    assert AuditEntry.objects.filter(action="merchant.merged", target_id=str(keep.pk)).exists()
    absorb.refresh_from_db()
    assert absorb.merged_into_id == keep.pk


def test_risk_is_an_explained_sum_and_puts_the_merchant_in_the_queue(
    django_capture_on_commit_callbacks, settings
):
    settings.RISK_QUEUE_THRESHOLD = 20
    with django_capture_on_commit_callbacks(execute=True):
        posts_ingest(
            items=[
                PostInput(
                    source="moments",
                    external_id=f"{i}",
                    text="高仿LV包，一比一复刻，私下转账更便宜",
                    platform="wechat_id",
                    handle="fake",
                )
                for i in range(3)
            ]
        )
    merchant = Merchant.objects.get()
    parts = {(p.source, p.key): p for p in merchant.risk_parts.all()}
    assert ("findings", "counterfeit") in parts
    assert ("identity", "") in parts
    assert "假货类命中" in parts[("findings", "counterfeit")].explanation
    assert merchant.risk_score == pytest.approx(sum(p.points for p in parts.values()), abs=0.01)
    assert merchant.in_review_queue

    risk_component_record(
        merchant_id=merchant.pk,
        source="complaints",
        key="accepted",
        points=8,
        explanation="已受理投诉 2 件",
    )
    merchant.refresh_from_db()
    assert merchant.risk_parts.filter(source="complaints").get().points == 8
    # Own components are recomputed without losing those other apps recorded.
    risk_recompute(merchant_id=merchant.pk)
    assert merchant.risk_parts.filter(source="complaints").exists()


def test_dismissed_findings_do_not_count(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        posts_ingest(
            items=[
                PostInput(
                    source="moments",
                    external_id="1",
                    text="高仿包",
                    platform="wechat_id",
                    handle="x",
                )
            ]
        )
    merchant = Merchant.objects.get()
    before = merchant.risk_score
    Post.objects.get().findings.update(review="dismissed")
    after = risk_recompute(merchant_id=merchant.pk).risk_score
    assert after < before


def test_merchant_lookup_api_by_loose_handle(token_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        posts_ingest(
            items=[
                PostInput(
                    source="moments",
                    external_id="1",
                    text="高仿包",
                    platform="wechat_id",
                    handle="LV_Shop",
                )
            ]
        )
    client = token_client("merchants:read")
    found = client.get("/api/v1/merchants/", {"handle": "＠lv_shop"}).json()
    assert len(found) == 1
    detail = client.get(f"/api/v1/merchants/{found[0]['id']}/").json()
    assert {p["source"] for p in detail["risk_breakdown"]} >= {"findings", "identity"}
    assert client.get("/api/v1/merchants/").status_code == 400


def test_findings_api_filters(token_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        posts_ingest(
            items=[
                PostInput(
                    source="moments",
                    external_id="1",
                    text="高仿包，全网最低价",
                    platform="wechat_id",
                    handle="x",
                    region_code="440103",
                )
            ]
        )
    client = token_client("findings:read")
    counterfeit = client.get("/api/v1/findings/", {"category": "counterfeit"}).json()["results"]
    assert counterfeit and all(f["category"] == "counterfeit" for f in counterfeit)
    assert client.get("/api/v1/findings/", {"region": "31"}).json()["results"] == []
    bad = client.get("/api/v1/findings/", {"severity_min": "9"})
    assert bad.status_code == 400 and "severity_min" in bad.json()["fields"]


def test_import_posts_reports_bad_lines_and_imports_the_rest(tmp_path, capsys):
    good = {
        "source": "moments",
        "external_id": "g1",
        "text": "高仿包",
        "merchant": {"platform": "wechat_id", "handle": "imp"},
    }
    lines = [
        json.dumps(good, ensure_ascii=False),
        "{not json",
        json.dumps({**good, "external_id": "g2", "source": "weibo"}),
        json.dumps({**good, "external_id": "g3", "text": "正品好货"}, ensure_ascii=False),
    ]
    path = tmp_path / "posts.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    call_command("import_posts", str(path), "--no-progress")
    out, err = capsys.readouterr()
    assert "line 2: not valid JSON" in err
    assert "line 3: source" in err
    assert "2 new" in out and "2 bad line(s)" in out
    assert set(Post.objects.values_list("external_id", flat=True)) == {"g1", "g3"}


def test_import_posts_names_a_missing_file():
    with pytest.raises(CommandError, match="cannot open"):
        call_command("import_posts", "/nonexistent/posts.jsonl")


def test_a_batch_follows_merges_to_the_kept_merchant_and_fills_a_blank_region():
    """An account still pointing at a merged merchant (a chain of two merges) resolves to the
    merchant kept last; a merchant without a region takes the first one given."""
    from merchants.services import merchants_resolve_batch

    first = merchant_resolve(platform="wechat_id", handle="old1")
    middle = Merchant.objects.create(display_name="m")
    last = Merchant.objects.create(display_name="k")
    Merchant.objects.filter(pk=first.pk).update(merged_into=middle)
    Merchant.objects.filter(pk=middle.pk).update(merged_into=last)
    resolved = merchants_resolve_batch(
        refs=[("wechat_id", "OLD1", "", "440103"), ("wechat_id", "new1", "新店", "")]
    )
    assert resolved.ids[0] == last.pk
    assert Merchant.objects.get(pk=last.pk).region_code == "440103"
    assert Merchant.objects.get(pk=resolved.ids[1]).display_name == "新店"


def test_a_batch_that_loses_the_race_for_a_new_account_uses_the_winner_and_leaves_no_orphan(
    monkeypatch,
):
    """Two integrators name the same new seller at the same moment: both see no account, both
    create a merchant, one account insert wins. The loser resolves to the winner's merchant and
    its own merchant is removed, so the registry holds one merchant, not a phantom twin."""
    import merchants.services as services

    winner = merchant_resolve(platform="wechat_id", handle="racer")  # the other request's
    real_accounts_for = services._accounts_for
    calls = []

    def stale_first_read(keys):
        calls.append(keys)
        return {} if len(calls) == 1 else real_accounts_for(keys)  # read before they committed

    monkeypatch.setattr(services, "_accounts_for", stale_first_read)
    before = Merchant.objects.count()
    resolved = services.merchants_resolve_batch(
        refs=[("wechat_id", "RACER", "", ""), ("wechat_id", "fresh", "", "")]
    )
    assert resolved.ids[0] == winner.pk
    assert Merchant.objects.count() == before + 1  # only "fresh" was added
    assert Merchant.objects.get(pk=resolved.ids[1]).accounts.get().handle == "fresh"


def test_a_recompute_updates_components_that_still_apply_and_drops_those_that_no_longer_do(
    django_capture_on_commit_callbacks, regulator
):
    def post(i: int) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            posts_ingest(
                items=[
                    PostInput(
                        source="moments", external_id=f"u{i}", text="高仿LV包，一比一复刻",
                        platform="wechat_id", handle="updater",
                    )
                ]
            )  # fmt: skip

    post(1)
    merchant = Merchant.objects.get()
    first = merchant.risk_parts.get(source="findings", key="counterfeit")
    assert merchant.risk_parts.filter(source="identity").exists()
    post(2)
    again = merchant.risk_parts.get(source="findings", key="counterfeit")
    assert again.pk == first.pk  # the same row, updated
    assert again.data["count"] == 2 * first.data["count"]
    assert again.points > first.points and again.computed_at > first.computed_at
    merchant_set_identity(merchant=merchant, actor=regulator, uscc="91350100M000100Y43")
    risk_recompute(merchant_id=merchant.pk)
    assert not merchant.risk_parts.filter(source="identity").exists()  # no longer applies
    merchant.refresh_from_db()
    assert merchant.risk_score == pytest.approx(
        sum(p.points for p in merchant.risk_parts.all()), abs=0.01
    )
