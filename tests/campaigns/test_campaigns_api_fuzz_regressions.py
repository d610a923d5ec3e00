"""Inputs the schema fuzzer found in the campaigns API: now 400s, never 500s."""

import pytest

from core.api.scopes import SCOPES

pytestmark = pytest.mark.django_db(transaction=False)

CAMPAIGN = {
    "merchant": {"platform": "wechat_id", "handle": "baby_shop_gz", "region_code": "440103"},
    "title": "转发集赞送保温杯",
    "text": "转发本文到朋友圈集满38个赞，即可到店免费领取价值58元的保温杯一个，截止2025年11月9日。",
    "captured_at": "2025-11-01T10:00:00+08:00",
}


@pytest.fixture
def client(token_client):
    return token_client(*SCOPES)


def _invalid(response, field):
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"code", "detail", "fields"} and field in body["fields"]


@pytest.mark.parametrize("value", ["64555227630840772625630169357034192896", "²", "0"])
def test_a_merchant_filter_that_is_not_an_id_is_a_400(client, value):
    # The bigint overflow reached the database driver: OverflowError → 500.
    _invalid(client.get("/api/v1/campaigns/", {"merchant": value}), "merchant")


def test_a_campaign_captured_before_2000_is_refused(client):
    payload = {**CAMPAIGN, "captured_at": "1899-12-31T23:00:00+08:00"}
    _invalid(client.post("/api/v1/campaigns/", payload, format="json"), "captured_at")


def test_a_snapshot_captured_before_2000_is_refused(client):
    created = client.post("/api/v1/campaigns/", CAMPAIGN, format="json")
    assert created.status_code == 201, created.json()
    url = f"/api/v1/campaigns/{created.json()['id']}/snapshots/"
    response = client.post(url, {"observed_deleted": True, "captured_at": "0001-01-01T00:00:00Z"})
    _invalid(response, "captured_at")


def test_campaigns_and_reports_take_json_only(client):
    # Nested merchant and terms cannot be form-encoded: a clear 415, not a 400 per missing field.
    response = client.post("/api/v1/campaigns/", {"title": "x"})
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
