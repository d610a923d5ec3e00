"""Campaigns and breaches on the merchant page (answers to merchants.signals), and the chain."""

import datetime
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns.chain import verify_campaign
from campaigns.models import Breach
from campaigns.services import campaign_create, snapshot_record
from core.signals import gathered
from merchants.signals import public_facts, timeline_items
from tests.campaigns.conftest import at, notice

pytestmark = pytest.mark.django_db


def _items(merchant, user):
    from campaigns.selectors import merchant_timeline

    items = merchant_timeline(merchant, user)
    answered = gathered(timeline_items, merchant=merchant, user=user)
    assert all(item in answered for item in items)  # what the merchant page gathers
    return items


def test_the_merchant_timeline_shows_campaigns_and_breaches(make_campaign, regulator, outsider):
    campaign = make_campaign()
    snapshot_record(campaign=campaign, text=notice(likes=88), captured_at=at("2025-11-03"))
    items = _items(campaign.merchant, regulator)
    kinds = sorted(i.kind for i in items)
    assert kinds == ["campaign", "campaign_breach"]
    breach = next(i for i in items if i.kind == "campaign_breach")
    assert breach.body == "所需点赞数由38提高到88"
    assert breach.url == f"/admin/campaigns/campaign/{campaign.pk}/change/"
    assert _items(campaign.merchant, outsider) == []


def test_public_facts_are_counts_only(make_campaign):
    from campaigns.selectors import merchant_public_facts

    campaign = make_campaign()
    snapshot_record(campaign=campaign, observed_deleted=True, captured_at=at("2025-11-02"))
    facts = merchant_public_facts(campaign.merchant)
    assert all(f in gathered(public_facts, merchant=campaign.merchant) for f in facts)
    assert merchant_public_facts(campaign.merchant) == [
        {"label": "集赞活动记录", "value": 1},
        {"label": "作出不利于消费者变更或提前删除的活动", "value": 1},
    ]


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.integers(min_value=1, max_value=200), min_size=1, max_size=6))
def test_each_raise_of_likes_is_one_breach_and_the_chain_holds(db, likes):
    first = campaign_create(
        platform="wechat_id",
        handle=f"prop_{len(likes)}_{sum(likes)}",
        region_code="440103",
        title="property",
        text=notice(likes=likes[0]),
        captured_at=at("2025-11-01"),
    )
    campaign = first.snapshot.campaign
    for i, n in enumerate(likes[1:], start=1):
        snapshot_record(
            campaign=campaign,
            text=notice(likes=n),
            captured_at=at("2025-11-01") + datetime.timedelta(hours=i),
        )
    raises = sum(1 for a, b in itertools.pairwise(likes) if b > a)
    assert Breach.objects.filter(campaign=campaign).count() == raises
    assert list(verify_campaign(campaign)) == []
