"""The campaigns chart of the regulator dashboard: promises that came due and were honoured."""

import datetime

import pytest
from django.utils import timezone

from campaigns.models import Campaign
from campaigns.selectors import dashboard_campaigns
from core.signals import gathered
from merchants import signals
from merchants.dashboard import dashboard_since
from merchants.services import merchant_resolve

pytestmark = pytest.mark.django_db


def _campaign(merchant, status, days_ago):
    return Campaign.objects.create(
        merchant=merchant,
        platform="wechat_id",
        handle="shop",
        title="集满38个赞送面膜",
        status=status,
        deadline=timezone.localdate() - datetime.timedelta(days=days_ago),
    )


def test_the_campaigns_app_feeds_the_dashboard():
    shop = merchant_resolve(platform="wechat_id", handle="gz-shop", region_code="440103")
    _campaign(shop, Campaign.Status.HONOURED, 3)
    since = dashboard_since()
    answered = gathered(signals.dashboard_campaigns, prefixes=None, since=since)
    assert answered == dashboard_campaigns(None, since)
    assert answered == [{"region": "440103", "promised": 1, "honoured": 1, "not_honoured": 0}]


def test_honoured_and_promised_per_region():
    gz = merchant_resolve(platform="wechat_id", handle="gz-shop", region_code="440103")
    sh = merchant_resolve(platform="wechat_id", handle="sh-shop", region_code="310101")
    _campaign(gz, Campaign.Status.HONOURED, 3)
    _campaign(gz, Campaign.Status.DISHONOURED, 5)
    _campaign(gz, Campaign.Status.RUNNING, -5)  # not due yet
    _campaign(gz, Campaign.Status.ENDED, 2)  # due, no outcome recorded: undecided
    _campaign(sh, Campaign.Status.HONOURED, 3)

    rows = dashboard_campaigns(["44"], dashboard_since())
    assert rows == [{"region": "440103", "promised": 3, "honoured": 1, "not_honoured": 1}]
    assert {r["region"] for r in dashboard_campaigns(None, dashboard_since())} == {
        "440103",
        "310101",
    }
