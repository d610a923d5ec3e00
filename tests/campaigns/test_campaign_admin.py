"""Regulator admin: snapshots side by side with changed terms marked, breaches with the action
that opens a 举报 case, corrections as new snapshots, and region limits."""

import pytest

from campaigns.models import Breach, Snapshot
from campaigns.services import snapshot_record
from tests.campaigns.conftest import at, notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def raised(make_campaign):
    campaign = make_campaign()
    snapshot_record(campaign=campaign, text=notice(likes=88), captured_at=at("2025-11-03"))
    return campaign


def test_the_campaign_page_shows_snapshots_side_by_side(client, regulator, raised):
    client.force_login(regulator)
    response = client.get(f"/admin/campaigns/campaign/{raised.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<section class="cmp-col') == 2
    assert 'class="cmp-changed cmp-against_consumer"' in html
    assert '<mark class="hit" title="所需点赞数">88</mark>' in html
    assert "所需点赞数由38提高到88" in html
    assert "#1 → #2" in html


def test_lists_are_limited_to_the_users_regions(client, outsider, regulator, raised):
    client.force_login(outsider)
    assert client.get(f"/admin/campaigns/campaign/{raised.pk}/change/").status_code == 302
    html = client.get("/admin/campaigns/breach/").content.decode()
    assert "所需点赞数由38提高到88" not in html
    client.force_login(regulator)
    html = client.get("/admin/campaigns/breach/").content.decode()
    assert "所需点赞数由38提高到88" in html


def test_opening_a_report_case_from_a_breach(client, regulator, raised):
    from complaints.models import Case

    breach = Breach.objects.get()
    client.force_login(regulator)
    url = f"/admin/campaigns/campaign/{raised.pk}/breaches/{breach.pk}/open-report/"
    response = client.post(url)
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.kind == "report"
    assert case.anonymous is True
    assert case.category == "gift_not_delivered"
    assert case.merchant_wechat_id == "baby_shop_gz"
    assert breach.before_snapshot.content_sha256 in case.description
    breach.refresh_from_db()
    assert breach.report_tracking_number == case.tracking_number
    # a second click does not open a second case
    client.post(url)
    assert Case.objects.count() == 1


def test_the_breach_list_action_opens_report_cases(client, regulator, raised):
    from complaints.models import Case

    breach = Breach.objects.get()
    client.force_login(regulator)
    response = client.post(
        "/admin/campaigns/breach/",
        {"action": "open_report", "_selected_action": [breach.pk]},
    )
    assert response.status_code == 302
    assert Case.objects.filter(kind="report").count() == 1


def test_an_outsider_cannot_open_a_report_case(client, outsider, raised):
    breach = Breach.objects.get()
    client.force_login(outsider)
    url = f"/admin/campaigns/campaign/{raised.pk}/breaches/{breach.pk}/open-report/"
    assert client.post(url).status_code == 404
    breach.refresh_from_db()
    assert breach.report_tracking_number == ""


def test_a_regulator_corrects_the_parsed_terms(client, regulator, raised):
    second = raised.snapshots.get(sequence=2)
    client.force_login(regulator)
    url = f"/admin/campaigns/campaign/{raised.pk}/snapshots/{second.pk}/correct/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "likes": "38",
            "gift": "保温杯一个",
            "gift_value": "58",
            "deadline": "2025-11-09",
            "place": "到店",
            "conditions": "",
            "note": "截图显示仍为38个赞",
        },
    )
    assert response.status_code == 302
    correction = Snapshot.objects.get(campaign=raised, sequence=3)
    assert correction.corrects == second
    assert correction.captured_by == regulator
    assert correction.terms["likes"] == 38
    assert Breach.objects.get().retracted_at is not None


def test_read_only_fields_read_as_chinese_not_codes_or_json(client, regulator, raised):
    from campaigns.models import Campaign

    Campaign.objects.filter(pk=raised.pk).update(conditions=["需关注公众号", "到店领取"])
    client.force_login(regulator)
    html = client.get(f"/admin/campaigns/campaign/{raised.pk}/change/").content.decode()
    assert "需关注公众号、到店领取" in html
    assert '["' not in html and "wechat_id" not in html.split("</header>", 1)[-1]
