"""The consumer's redemption report form: no JavaScript, honeypot, rate limit per address."""

import datetime

import pytest

from campaigns.models import RedemptionReport

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {
        "outcome": "refused",
        "likes_collected": "38",
        "collected_on": "2025-11-02",
        "redeemed_on": "2025-11-03",
        "excuse_text": "店员说礼品已经发完了",
        "website": "",
    }
    data.update(overrides)
    return data


def _url(campaign):
    return f"/campaigns/{campaign.public_id}/report/"


def test_the_form_is_chinese_by_default_and_shows_the_terms(client, make_campaign):
    campaign = make_campaign()
    response = client.get(_url(campaign))
    assert response.status_code == 200
    html = response.content.decode()
    assert "兑奖" in html
    assert "保温杯一个" in html
    assert "<script" not in html


def test_a_report_is_stored_and_the_excuse_scanned(client, make_campaign):
    campaign = make_campaign()
    response = client.post(_url(campaign), _form())
    assert response.status_code == 302
    assert response["Location"] == f"/campaigns/{campaign.public_id}/report/thanks/"
    report = RedemptionReport.objects.get()
    assert report.campaign == campaign
    assert report.outcome == "refused"
    assert report.excuses == ["out_of_stock"]
    assert report.redeemed_on == datetime.date(2025, 11, 3)
    assert client.get(response["Location"]).status_code == 200


def test_the_honeypot_refuses_and_stores_nothing(client, make_campaign):
    campaign = make_campaign()
    response = client.post(_url(campaign), _form(website="http://spam.example"))
    assert response.status_code == 400
    assert not RedemptionReport.objects.exists()


def test_bad_input_is_shown_again_and_nothing_stored(client, make_campaign):
    campaign = make_campaign()
    response = client.post(_url(campaign), _form(likes_collected="lots", outcome=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-field="likes_collected"' in html and 'data-field="outcome"' in html
    assert not RedemptionReport.objects.exists()


def test_a_report_dated_in_the_future_is_refused(client, make_campaign):
    campaign = make_campaign()
    future = (datetime.date.today() + datetime.timedelta(days=5)).isoformat()
    response = client.post(_url(campaign), _form(collected_on=future, redeemed_on=""))
    assert response.status_code == 400
    assert not RedemptionReport.objects.exists()


def test_reports_are_rate_limited_per_address(client, make_campaign, settings):
    settings.CAMPAIGNS_REPORTS_PER_IP_HOUR = 2
    campaign = make_campaign()
    assert client.post(_url(campaign), _form()).status_code == 302
    assert client.post(_url(campaign), _form()).status_code == 302
    response = client.post(_url(campaign), _form(excuse_text="第三次"))
    assert response.status_code == 429
    assert "第三次" in response.content.decode()  # what they typed is kept
    assert RedemptionReport.objects.count() == 2


def test_an_unknown_campaign_is_404(client, db):
    assert client.get("/campaigns/nosuchcamp/report/").status_code == 404


def test_consumers_find_a_campaign_by_the_sellers_handle(client, make_campaign):
    campaign = make_campaign()
    response = client.get("/campaigns/", {"q": "BABY_SHOP_GZ"})
    assert response.status_code == 200
    assert _url(campaign) in response.content.decode()
    empty = client.get("/campaigns/", {"q": "nobody_here"})
    assert _url(campaign) not in empty.content.decode()
