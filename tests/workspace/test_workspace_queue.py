"""The review queue: riskiest first, filters by region, category, status, complaints and
campaign breaches (from RiskComponent sources, never importing those apps), last activity."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from merchants.models import Merchant
from merchants.services import risk_component_record
from tests.workspace.conftest import login


def _queue(client, **params) -> list[str]:
    response = client.get("/admin/merchants/reviewqueueentry/", params)
    assert response.status_code == 200
    return response.context["cl"].result_list and [
        m.display_name for m in response.context["cl"].result_list
    ]


def test_it_sorts_by_risk_and_shows_the_breakdown(world, supervisor):
    client = login(supervisor)
    names = _queue(client)
    scores = [Merchant.objects.get(display_name=n).risk_score for n in names]
    assert scores == sorted(scores, reverse=True) and len(names) == 3
    body = client.get("/admin/merchants/reviewqueueentry/").content.decode()
    assert 'class="ws-breakdown"' in body and "假货类" in body


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"region": "4401"}, {"liwan_daigou", "tianhe_meibai"}),
        ({"region": "440305"}, {"nanshan_haohuo"}),
        ({"category": "counterfeit"}, {"liwan_daigou", "tianhe_meibai", "nanshan_haohuo"}),
        ({"category": "phishing"}, set()),
        ({"complaints": "yes"}, {"tianhe_meibai"}),
        ({"complaints": "no"}, {"liwan_daigou", "nanshan_haohuo"}),
        ({"campaign_breach": "yes"}, {"nanshan_haohuo"}),
        ({"status": "warned"}, set()),
        ({"active": "1"}, {"liwan_daigou", "tianhe_meibai", "nanshan_haohuo"}),
    ],
)
def test_it_filters(world, supervisor, params, expected):
    risk_component_record(
        merchant_id=world["tianhe"].pk,
        source="complaints",
        key="accepted:1",
        points=10,
        explanation="已受理投诉",
    )
    risk_component_record(
        merchant_id=world["nanshan"].pk,
        source="campaigns",
        key="breaches:1",
        points=15,
        explanation="集赞活动违约",
    )
    assert set(_queue(login(supervisor), **params) or []) == expected


def test_last_activity_filter_drops_quiet_merchants(world, supervisor):
    Merchant.objects.filter(pk=world["liwan"].pk).update(
        last_activity_at=timezone.now() - timezone.timedelta(days=10)
    )
    assert "liwan_daigou" not in set(_queue(login(supervisor), active="7") or [])


def test_clearance_takes_a_merchant_out_of_the_queue(world, regulator):
    from merchants import actions as svc

    svc.action_take(
        merchant=world["liwan"],
        actor=regulator,
        data=svc.ActionInput(kind="clearance", reason="核查后确认为正品代购，已删除相关内容"),
    )
    assert "liwan_daigou" not in set(_queue(login(regulator)) or [])


def test_load_demo_is_idempotent_and_fills_the_queue(
    db, settings, django_capture_on_commit_callbacks
):
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo")
    first = (Merchant.objects.count(), Merchant.objects.filter(in_review_queue=True).count())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo")
    assert (
        Merchant.objects.count(),
        Merchant.objects.filter(in_review_queue=True).count(),
    ) == first
    assert first[1] >= 3
    regions = set(Merchant.objects.values_list("region_code", flat=True))
    assert {"440103", "440106", "310101"} <= regions
