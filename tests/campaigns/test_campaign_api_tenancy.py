"""The campaigns API keeps tenants apart the way posts do: a region-limited token cannot pull a
region-less merchant into its regions by naming a region for it, and through it read another
integrator's campaign."""

import pytest

from merchants.models import MerchantAccount

pytestmark = pytest.mark.django_db

REFUSED = "商家所在地区不在本令牌的辖区内"


def _campaign(handle: str, region_code: str | None = None, title: str = "转发集赞送保温杯"):
    merchant = {"platform": "wechat_id", "handle": handle}
    if region_code is not None:
        merchant["region_code"] = region_code
    return {
        "merchant": merchant,
        "title": title,
        "text": "转发本文到朋友圈集满38个赞，即可到店免费领取价值58元的保温杯一个。",
        "captured_at": "2026-11-20T10:15:00+08:00",
    }


def _region(handle: str) -> str:
    return MerchantAccount.objects.get(handle_normalized=handle).merchant.region_code


def test_a_region_token_cannot_claim_a_region_less_merchant_by_naming_its_region(token_client):
    national = token_client("campaigns:read", "campaigns:write")
    shanghai = token_client("campaigns:read", "campaigns:write", regions=["310000"])
    theirs = national.post("/api/v1/campaigns/", _campaign("regionless_shop"), format="json")
    assert theirs.status_code == 201, theirs.content
    hidden = shanghai.get(f"/api/v1/campaigns/{theirs.json()['id']}/")
    assert hidden.status_code == 404

    response = shanghai.post(
        "/api/v1/campaigns/", _campaign("regionless_shop", "310101", "集赞送杯"), format="json"
    )

    assert response.status_code == 400, response.content
    assert response.json()["detail"] == REFUSED
    assert "merchant" in response.json()["fields"]
    assert _region("regionless_shop") == ""  # the refused request filled nothing in
    assert shanghai.get(f"/api/v1/campaigns/{theirs.json()['id']}/").status_code == 404
    assert shanghai.get("/api/v1/campaigns/").json()["count"] == 0


def test_an_unrestricted_token_still_fills_in_a_region_less_merchants_region(token_client):
    national = token_client("campaigns:write")
    assert national.post("/api/v1/campaigns/", _campaign("later_shop"), format="json").status_code
    response = national.post(
        "/api/v1/campaigns/", _campaign("later_shop", "440103", "第二个活动"), format="json"
    )
    assert response.status_code == 201, response.content
    assert _region("later_shop") == "440103"


def test_a_region_token_writes_campaigns_of_its_own_merchants(token_client):
    national = token_client("campaigns:write")
    shanghai = token_client("campaigns:read", "campaigns:write", regions=["310000"])
    seeded = national.post("/api/v1/campaigns/", _campaign("sh_known", "310104"), format="json")
    assert seeded.status_code == 201
    known = shanghai.post("/api/v1/campaigns/", _campaign("sh_known", None, "二"), format="json")
    assert known.status_code == 201, known.content
    new = shanghai.post("/api/v1/campaigns/", _campaign("sh_new", "310101"), format="json")
    assert new.status_code == 201, new.content
    assert _region("sh_new") == "310101"
    # a new merchant without a region, or elsewhere, is outside every region of the token
    for handle, region in (("nowhere_shop", None), ("gz_new", "440103")):
        refused = shanghai.post("/api/v1/campaigns/", _campaign(handle, region), format="json")
        assert refused.status_code == 400, refused.content
        assert refused.json()["detail"] == REFUSED
        assert not MerchantAccount.objects.filter(handle_normalized=handle).exists()
