"""``make run`` (manage.py load_demo) shows the product: cases in several states, a 集赞 campaign
with a changed term and a deletion, a numbered referral letter, a draft warning, and every
demo login printed."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_demo_has_cases_in_several_states_a_campaign_and_every_login(
    settings, capsys, django_capture_on_commit_callbacks
):
    from campaigns.models import Campaign
    from complaints.models import Case
    from core.demo import DEMO_PASSWORD, DEMO_USERS
    from core.models import FormalDocument
    from merchants.models import ConsumerWarning

    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo")
    out = capsys.readouterr().out
    states = set(Case.objects.values_list("kind", "status"))
    assert {("complaint", "received"), ("complaint", "mediating"), ("complaint", "closed"),
            ("complaint", "not_accepted"), ("report", "verifying")} <= states  # fmt: skip
    campaign = Campaign.objects.get(title="转发集赞送面膜")
    snapshots = list(campaign.snapshots.order_by("sequence"))
    assert len(snapshots) == 3 and snapshots[-1].observed_deleted
    assert campaign.changes.exists()
    assert FormalDocument.objects.filter(kind="referral").count() == 1
    assert ConsumerWarning.objects.filter(state="draft").count() == 1
    for username, *_rest in DEMO_USERS:
        assert f"{username} / {DEMO_PASSWORD}" in out
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo")
    assert Case.objects.count() == 6 and Campaign.objects.count() == 1
