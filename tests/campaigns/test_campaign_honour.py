"""Redemption reports: excuses are scanned; a low honour rate flags the campaign and adds a
separate, explained part to the merchant's risk."""

import datetime

import pytest

from campaigns.models import Campaign, RedemptionReport
from campaigns.services import honour_compute, report_submit
from core.errors import ValidationFailed
from merchants.models import RiskComponent

pytestmark = pytest.mark.django_db

D = datetime.date(2025, 11, 3)


def _report(campaign, outcome="refused", excuse="店员说礼品已经发完了，让我改天再来"):
    return report_submit(
        campaign=campaign,
        likes_collected=40,
        collected_on=D,
        redeemed_on=D,
        outcome=outcome,
        excuse_text=excuse,
    )


def test_it_scans_the_excuse(make_campaign):
    campaign = make_campaign()
    report = _report(campaign)
    report.refresh_from_db()
    assert report.excuses == ["out_of_stock", "come_back_later"]


def test_five_refusals_out_of_six_flag_the_campaign_with_a_separate_risk_part(make_campaign):
    campaign = make_campaign()
    _report(campaign, outcome="received", excuse="")
    for _i in range(5):
        _report(campaign)
    campaign.refresh_from_db()
    assert campaign.honour_flagged is True
    honour = honour_compute(campaign)
    assert (honour.reports, honour.received, honour.refusals) == (6, 1, 5)
    part = RiskComponent.objects.get(
        merchant=campaign.merchant, source="campaigns", key=f"honour:{campaign.pk}"
    )
    assert part.points == 15
    assert "6份兑奖反馈中仅1份领到礼品（17%），5份被拒绝" in part.explanation
    assert "礼品已发完/库存不足（5次）" in part.explanation
    assert not RiskComponent.objects.filter(key=f"breaches:{campaign.pk}").exists()
    campaign.merchant.refresh_from_db()
    assert campaign.merchant.risk_score >= 15


def test_two_refusals_are_not_enough_to_flag(make_campaign):
    campaign = make_campaign()
    _report(campaign)
    _report(campaign)
    campaign.refresh_from_db()
    assert campaign.honour_flagged is False
    assert not RiskComponent.objects.filter(key=f"honour:{campaign.pk}").exists()


def test_the_flag_lifts_when_later_reports_raise_the_rate(make_campaign):
    campaign = make_campaign()
    for _i in range(3):
        _report(campaign)
    assert Campaign.objects.get(pk=campaign.pk).honour_flagged is True
    for _i in range(4):
        _report(campaign, outcome="received", excuse="")
    assert Campaign.objects.get(pk=campaign.pk).honour_flagged is False
    assert not RiskComponent.objects.filter(key=f"honour:{campaign.pk}").exists()


def test_a_report_from_the_future_is_refused_and_not_stored(make_campaign):
    campaign = make_campaign()
    with pytest.raises(ValidationFailed) as exc:
        report_submit(
            campaign=campaign,
            likes_collected=40,
            collected_on=datetime.date.today() + datetime.timedelta(days=3),
            outcome="refused",
        )
    assert "collected_on" in exc.value.fields
    assert not RedemptionReport.objects.exists()
