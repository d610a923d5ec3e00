"""``manage.py verify_campaign_snapshots``: an intact chain passes; a row edited behind the
application's back (raw SQL) fails and is named."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from campaigns.services import snapshot_record
from tests.campaigns.conftest import at, notice

pytestmark = pytest.mark.django_db


def _raw(sql, params):
    """Write behind the model's back (on PostgreSQL the trigger must be bypassed explicitly)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL wsmonitor.campaign_maintenance = 'on'")
        cursor.execute(sql, params)


def _chain(make_campaign):
    campaign = make_campaign()
    snapshot_record(campaign=campaign, text=notice(likes=88), captured_at=at("2025-11-03"))
    snapshot_record(campaign=campaign, observed_deleted=True, captured_at=at("2025-11-05"))
    return campaign


def test_it_passes_an_intact_chain(make_campaign, capsys):
    _chain(make_campaign)
    call_command("verify_campaign_snapshots")
    assert "3 snapshots verified" in capsys.readouterr().out


def test_it_names_a_snapshot_edited_with_raw_sql(make_campaign, capsys):
    campaign = _chain(make_campaign)
    second = campaign.snapshots.get(sequence=2)
    _raw("UPDATE campaigns_snapshot SET raw_text = %s WHERE id = %s", [notice(), second.pk])
    with pytest.raises(CommandError, match="broken at 1 place"):
        call_command("verify_campaign_snapshots")
    err = capsys.readouterr().err
    assert f"campaign {campaign.pk} snapshot #2 (id {second.pk})" in err
    assert "content does not match its hash" in err


def test_it_names_the_gap_when_a_snapshot_is_removed(make_campaign, capsys):
    campaign = _chain(make_campaign)
    second = campaign.snapshots.get(sequence=2)
    _raw("DELETE FROM campaigns_termchange WHERE campaign_id = %s", [campaign.pk])
    _raw("DELETE FROM campaigns_breach WHERE campaign_id = %s", [campaign.pk])
    _raw("DELETE FROM campaigns_snapshot WHERE id = %s", [second.pk])
    with pytest.raises(CommandError):
        call_command("verify_campaign_snapshots")
    err = capsys.readouterr().err
    assert f"campaign {campaign.pk} snapshot #3" in err
    assert "previous-hash link broken" in err


def test_it_exits_non_zero_from_the_command_line(make_campaign):
    campaign = _chain(make_campaign)
    first = campaign.snapshots.get(sequence=1)
    _raw("UPDATE campaigns_snapshot SET terms = %s WHERE id = %s", ['{"likes": 8}', first.pk])
    with pytest.raises(CommandError) as exc:
        call_command("verify_campaign_snapshots", str(campaign.pk))
    assert exc.value.returncode == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL-only")
def test_postgresql_refuses_raw_updates(make_campaign):
    from django.db import DatabaseError

    campaign = make_campaign()
    snap = campaign.snapshots.get()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE campaigns_snapshot SET raw_text='x' WHERE id=%s", [snap.pk])
