"""A parser change never rewrites stored terms; ``manage.py reparse_campaign_terms`` records a
re-parse as a new, audited correction snapshot and the chain keeps verifying."""

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from campaigns.models import Snapshot
from campaigns.services import _record, snapshot_correct
from campaigns.terms import CampaignTerms, parse_terms
from core.models import AuditEntry
from tests.campaigns.conftest import at

pytestmark = pytest.mark.django_db

TIERED = "集满10个赞送洗车一次,价值25元;集满20个赞送打蜡一次,价值180元。截止2025年11月30日"
# What the parser stored before tiers existed: the lowest tier only.
OLD_TERMS = {
    "likes": 10,
    "gift": "洗车一次",
    "gift_value": "25",
    "deadline_text": "2025年11月30日",
    "deadline": "2025-11-30",
    "place": None,
    "conditions": [],
    "quantity_limit": None,
}


def _old_observation(make_campaign):
    """A campaign whose second observation was stored by the earlier parser."""
    campaign = make_campaign()
    with transaction.atomic():
        _record(
            campaign=campaign,
            text=TIERED,
            terms=CampaignTerms.from_dict(OLD_TERMS),
            observed_deleted=False,
            captured_at=at("2025-11-03"),
            source=Snapshot.Source.INTEGRATOR,
            actor=None,
            actor_label="crawler",
        )
    return campaign, campaign.snapshots.get(sequence=2)


def test_stored_terms_are_not_rewritten_and_the_chain_verifies(make_campaign, capsys):
    _campaign, old = _old_observation(make_campaign)
    assert parse_terms(TIERED).tiers  # the current parser reads the tiers …
    old.refresh_from_db()
    assert old.terms == OLD_TERMS  # … but nothing re-parsed the stored observation
    call_command("verify_campaign_snapshots")
    assert "2 snapshots verified" in capsys.readouterr().out


def test_dry_run_lists_the_difference_and_writes_nothing(make_campaign, capsys):
    campaign, _old = _old_observation(make_campaign)
    call_command("reparse_campaign_terms")
    out = capsys.readouterr().out
    assert f"campaign {campaign.pk} snapshot #2: tiers: None →" in out
    assert "1 observation(s) read differently" in out and "dry run" in out
    assert campaign.snapshots.count() == 2


def test_apply_appends_an_audited_correction_and_the_chain_still_verifies(make_campaign, capsys):
    campaign, old = _old_observation(make_campaign)
    with pytest.raises(CommandError, match="--reason"):
        call_command("reparse_campaign_terms", "--apply")
    call_command("reparse_campaign_terms", "--apply", "--reason", "parser with tiers")
    correction = campaign.snapshots.get(sequence=3)
    assert correction.corrects_id == old.pk
    assert correction.source == Snapshot.Source.REGULATOR
    assert correction.note == "重新解析：parser with tiers"
    assert [t["likes"] for t in correction.terms["tiers"]] == [10, 20]
    old.refresh_from_db()
    assert old.terms == OLD_TERMS
    entry = AuditEntry.objects.filter(action="campaign.terms_reparsed").get()
    assert entry.data["before"] == OLD_TERMS and entry.data["correction_id"] == correction.pk
    capsys.readouterr()
    call_command("verify_campaign_snapshots")
    assert "3 snapshots verified" in capsys.readouterr().out
    # running again finds nothing new to record
    call_command("reparse_campaign_terms", "--apply", "--reason", "again")
    assert campaign.snapshots.count() == 3


def test_a_regulators_correction_is_never_overridden(make_campaign, admin_user, capsys):
    campaign, old = _old_observation(make_campaign)
    snapshot_correct(
        snapshot=old,
        terms={**OLD_TERMS, "gift": "洗车一次（人工核对）"},
        actor=admin_user,
        note="核对原帖",
    )
    call_command("reparse_campaign_terms", "--apply", "--reason", "parser with tiers")
    assert campaign.snapshots.count() == 3
    assert "1 kept a regulator's correction" in capsys.readouterr().out


LUNAR = "集满30个赞送月饼一盒，截止农历八月十五"
# What the second-round parser stored: no deadline (it did not read lunar days).
LUNAR_OLD = {
    "likes": 30,
    "gift": "月饼一盒",
    "gift_value": None,
    "deadline_text": None,
    "deadline": None,
    "place": None,
    "conditions": [],
    "quantity_limit": None,
}


def test_a_lunar_deadline_read_by_the_new_parser_is_a_correction_dated_from_the_capture(
    make_campaign, capsys
):
    campaign = make_campaign()
    with transaction.atomic():
        _record(
            campaign=campaign,
            text=LUNAR,
            terms=CampaignTerms.from_dict(LUNAR_OLD),
            observed_deleted=False,
            captured_at=at("2025-09-01"),
            source=Snapshot.Source.INTEGRATOR,
            actor=None,
            actor_label="crawler",
        )
    old = campaign.snapshots.get(sequence=2)
    call_command("reparse_campaign_terms", "--apply", "--reason", "parser reads lunar days")
    correction = campaign.snapshots.get(sequence=3)
    assert correction.corrects_id == old.pk
    # 农历八月十五 of the capture's lunar year (captured 2025-09-01) is 2025-10-06
    assert (correction.terms["deadline_text"], correction.terms["deadline"]) == (
        "农历八月十五",
        "2025-10-06",
    )
    old.refresh_from_db()
    assert old.terms == LUNAR_OLD
    capsys.readouterr()
    call_command("verify_campaign_snapshots")
    assert "3 snapshots verified" in capsys.readouterr().out
