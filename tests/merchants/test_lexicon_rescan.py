"""Editing the lexicon makes a new version; a rescan changes only what changed, with progress."""

import pytest
from django.core.management import call_command

from core.errors import ValidationFailed
from lexicon.models import LexiconRule, LexiconVersion, RescanJob
from lexicon.services import lexicon_active_version, rule_save
from merchants.models import Finding, Post
from merchants.posts import PostInput, posts_ingest

pytestmark = pytest.mark.django_db


def ingest(texts, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        posts_ingest(
            items=[
                PostInput(
                    source="moments",
                    external_id=f"x{i}",
                    text=t,
                    platform="wechat_id",
                    handle=f"seller{i}",
                    region_code="440103",
                )
                for i, t in enumerate(texts)
            ]
        )
    return {p.external_id: p for p in Post.objects.all()}


def test_changing_a_rule_in_the_admin_makes_a_version_and_a_rescan_updates_only_changed_posts(
    admin_client, django_capture_on_commit_callbacks
):
    posts = ingest(
        ["新到一批货，绝绝子好物，速来", "高仿手表一块", "今天天气不错"],
        django_capture_on_commit_callbacks,
    )
    assert not posts["x0"].findings.exists()
    replica = posts["x1"].findings.get(rule="counterfeit.replica", term="高仿")
    replica.review = Finding.Review.CONFIRMED
    replica.save()

    response = admin_client.post(
        "/admin/lexicon/lexiconrule/add/",
        {
            "term": "绝绝子好物",
            "category": "false_ad",
            "rule_id": "false_ad.absolute",
            "severity": "2",
            "mode": "substring",
            "exceptions": "",
            "legal_basis": "广告法 第九条",
            "source": "regulator",
            "enabled": "on",
        },
    )
    assert response.status_code == 302
    version = lexicon_active_version()
    assert version.number == 2
    assert version.rule_count == LexiconRule.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/lexicon/rescanjob/add/",
            {
                "lexicon_version": version.pk,
                "region_prefix": "",
                "captured_from": "",
                "captured_to": "",
            },
        )
    assert response.status_code == 302
    job = RescanJob.objects.get()
    assert (job.state, job.total, job.done, job.changed) == ("done", 3, 3, 1)

    new = posts["x0"].findings.get(is_current=True)
    assert (new.matched, new.lexicon_version.number) == ("绝绝子好物", 2)
    # The unchanged post keeps its finding, with the regulator's review, from version 1.
    kept = posts["x1"].findings.get(rule="counterfeit.replica", term="高仿", is_current=True)
    assert kept.pk == replica.pk and kept.review == "confirmed" and kept.lexicon_version.number == 1
    assert Post.objects.filter(lexicon_version__number=2).count() == 3

    listing = admin_client.get("/admin/lexicon/rescanjob/")
    assert "3/3 (100%)" in listing.content.decode()


def disable_in_the_admin(admin_client, *, term: str, rule_id: str) -> None:
    rule = LexiconRule.objects.get(term=term, rule_id=rule_id)
    admin_client.post(
        "/admin/lexicon/lexiconrule/",
        {"action": "disable_rules", "_selected_action": [rule.pk]},
    )


def test_disabling_a_rule_retires_its_findings_on_rescan(
    admin_client, django_capture_on_commit_callbacks
):
    posts = ingest(["高仿手表一块"], django_capture_on_commit_callbacks)
    disable_in_the_admin(admin_client, term="高仿", rule_id="counterfeit.replica")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rescan_posts")
    findings = posts["x0"].findings
    assert not findings.filter(term="高仿", is_current=True).exists()
    assert findings.filter(term="高仿", is_current=False).exists()  # kept for the record


def test_rescanning_with_an_earlier_version_brings_its_findings_back_with_their_review(
    admin_client, django_capture_on_commit_callbacks
):
    posts = ingest(["高仿手表一块"], django_capture_on_commit_callbacks)
    first = lexicon_active_version()
    finding = posts["x0"].findings.get(term="高仿")
    Finding.objects.filter(pk=finding.pk).update(review=Finding.Review.CONFIRMED)
    disable_in_the_admin(admin_client, term="高仿", rule_id="counterfeit.replica")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rescan_posts")
    assert not posts["x0"].findings.filter(term="高仿", is_current=True).exists()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rescan_posts", "--lexicon-version", str(first.number))
    again = posts["x0"].findings.get(term="高仿", lexicon_version=first)
    assert again.pk == finding.pk and again.is_current
    assert again.review == Finding.Review.CONFIRMED


def test_a_rule_the_engine_cannot_use_is_refused_with_a_form_error(admin_client):
    response = admin_client.post(
        "/admin/lexicon/lexiconrule/add/",
        {
            "term": "([unclosed",
            "category": "false_ad",
            "rule_id": "false_ad.absolute",
            "severity": "2",
            "mode": "pattern",
            "enabled": "on",
        },
    )
    assert response.status_code == 200
    assert "bad pattern" in response.content.decode()
    assert LexiconVersion.objects.count() == 1


def test_a_pattern_the_engine_cannot_compile_is_a_chinese_form_error_and_nothing_is_saved(
    admin_client,
):
    """``a.b`` makes a valid ``Rule`` but the engine's compiler refuses it (no literal run of two
    characters). Saved, it would have broken every later publish; it is a form error instead."""
    rules_before = LexiconRule.objects.count()
    response = admin_client.post(
        "/admin/lexicon/lexiconrule/add/",
        {
            "term": "a.b",
            "category": "false_ad",
            "rule_id": "false_ad.absolute",
            "severity": "2",
            "mode": "pattern",
            "enabled": "on",
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "扫描引擎无法使用这条规则" in body and "literal run of 2+" in body
    assert LexiconRule.objects.count() == rules_before
    assert LexiconVersion.objects.count() == 1
    # The lexicon still publishes: the next good rule makes version 2.
    response = admin_client.post(
        "/admin/lexicon/lexiconrule/add/",
        {
            "term": "绝绝子好物",
            "category": "false_ad",
            "rule_id": "false_ad.absolute",
            "severity": "2",
            "mode": "substring",
            "enabled": "on",
        },
    )
    assert response.status_code == 302
    assert lexicon_active_version().number == 2


def test_rule_save_refuses_a_rule_the_engine_cannot_build_and_keeps_nothing(admin_user):
    row = LexiconRule(
        term="a.b", category="false_ad", rule_id="false_ad.absolute", severity=2, mode="pattern"
    )
    with pytest.raises(ValidationFailed) as refused:
        rule_save(row=row, actor=admin_user)
    assert "literal run" in refused.value.fields["term"][0]
    assert not LexiconRule.objects.filter(term="a.b").exists()
    assert LexiconVersion.objects.count() == 1


def test_a_rule_id_outside_its_category_is_refused(admin_client):
    response = admin_client.post(
        "/admin/lexicon/lexiconrule/add/",
        {
            "term": "假货",
            "category": "false_ad",
            "rule_id": "counterfeit.replica",
            "severity": "2",
            "mode": "substring",
            "enabled": "on",
        },
    )
    assert response.status_code == 200
    assert LexiconVersion.objects.count() == 1


def test_the_lexicon_exports_and_imports_in_the_shipped_format(tmp_path, capsys):
    call_command("export_lexicon", str(tmp_path / "lex"))
    assert (tmp_path / "lex" / "rules.tsv").read_text(encoding="utf-8").startswith("term\t")
    call_command("import_lexicon", str(tmp_path / "lex"))
    # Same content: a new version is recorded, with the same fingerprint.
    versions = list(LexiconVersion.objects.order_by("number"))
    assert len(versions) == 2
    assert versions[0].fingerprint == versions[1].fingerprint


def test_the_lexicon_api_returns_the_active_version(token_client):
    response = token_client("lexicon:read").get("/api/v1/lexicon/")
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 1
    assert any(r["term"] == "高仿" for r in body["rules"])


def test_enabling_a_rule_the_engine_cannot_build_changes_nothing(admin_client):
    """A row stored disabled before rules were checked used to be enabled by the admin action
    and then break the publish of that and every later change; now the action is refused whole."""
    broken = LexiconRule.objects.create(
        term="a.b", category="false_ad", rule_id="false_ad.absolute", severity=2, mode="pattern",
        enabled=False,
    )  # fmt: skip
    response = admin_client.post(
        "/admin/lexicon/lexiconrule/",
        {"action": "enable_rules", "_selected_action": [broken.pk]},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        follow=True,
    )
    assert "扫描引擎无法使用这条规则" in response.content.decode()
    broken.refresh_from_db()
    assert broken.enabled is False
    assert LexiconVersion.objects.count() == 1
    good = LexiconRule(
        term="绝绝子好物", category="false_ad", rule_id="false_ad.absolute", severity=2,
        mode="substring",
    )  # fmt: skip
    assert rule_save(row=good, actor=None).number == 2  # the lexicon still publishes
