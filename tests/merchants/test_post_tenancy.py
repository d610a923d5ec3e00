"""Posts respect tenants: a region-limited token writes only inside its regions, and one
integrator's (source, external_id) is never another's to revise or confirm."""

import pytest
from rest_framework.test import APIClient

from merchants.models import Merchant, MerchantAccount, Post
from tests.merchants.conftest import post_payload as _payload

pytestmark = pytest.mark.django_db

REFUSED = "商家所在地区不在本令牌的辖区内"  # what the campaigns API answers for the same case


@pytest.fixture
def client_for(make_token):
    def make(name: str, *, regions: list[str] | None = None) -> APIClient:
        _token, key = make_token("posts:write", "posts:read", name=name, regions=regions)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make


def post_payload(*args, **merchant) -> dict:
    """The suite's post, with ``region_code=""`` meaning no region given at all."""
    body = _payload(*args, **merchant)
    if not body["merchant"]["region_code"]:
        del body["merchant"]["region_code"]
    return body


def _merchant(handle: str) -> Merchant | None:
    account = MerchantAccount.objects.filter(handle_normalized=handle).first()
    return account.merchant if account else None


def test_a_region_limited_token_cannot_post_about_a_merchant_elsewhere(client_for):
    national = client_for("national")
    shanghai = client_for("shanghai", regions=["310000"])
    seed = post_payload("gz-1", handle="gz_shop_1", region_code="440103")
    assert national.post("/api/v1/posts/", seed, format="json").status_code == 201
    merchant = _merchant("gz_shop_1")
    risk = merchant.risk_score

    response = shanghai.post(
        "/api/v1/posts/",
        post_payload("xr-1", "高仿 一比一 复刻 莆田鞋", handle="gz_shop_1", region_code=""),
        format="json",
    )
    assert response.status_code == 400, response.content
    assert response.json()["detail"] == REFUSED
    assert "merchant" in response.json()["fields"]
    assert not Post.objects.filter(external_id="xr-1").exists()
    merchant.refresh_from_db()
    assert merchant.risk_score == risk


def test_a_region_limited_token_cannot_create_a_merchant_elsewhere(client_for):
    shanghai = client_for("shanghai", regions=["310000"])
    response = shanghai.post(
        "/api/v1/posts/",
        post_payload("xr-2", "hello", handle="new_gz", region_code="440103"),
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == REFUSED
    assert _merchant("new_gz") is None  # rolled back with the post
    # nor a merchant with no region at all (outside every region)
    response = shanghai.post(
        "/api/v1/posts/", post_payload("xr-3", "hello", handle="nowhere_shop"), format="json"
    )
    assert response.status_code == 400
    assert _merchant("nowhere_shop") is None


def test_a_region_limited_token_cannot_claim_a_region_less_merchant(client_for):
    national = client_for("national")
    shanghai = client_for("shanghai", regions=["310000"])
    theirs = national.post(
        "/api/v1/posts/",
        {
            "source": "moments",
            "external_id": "rb-1",
            "text": "高仿 一比一",
            "merchant": {"platform": "wechat_id", "handle": "regionless_shop"},
        },
        format="json",
    )
    assert theirs.status_code == 201
    response = shanghai.post(
        "/api/v1/posts/",
        post_payload("rb-2", "hello", handle="regionless_shop", region_code="310101"),
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == REFUSED
    assert _merchant("regionless_shop").region_code == ""  # not filled in by the refused batch
    assert shanghai.get("/api/v1/posts/?external_id=rb-1").json()["count"] == 0


def test_a_batch_with_one_merchant_elsewhere_is_refused_whole_naming_the_item(client_for):
    shanghai = client_for("shanghai", regions=["310000"])
    batch = [
        post_payload("ok-1", "hello", handle="sh_shop", region_code="310101"),
        post_payload("bad-1", "hello", handle="gz_shop_2", region_code="440103"),
    ]
    response = shanghai.post("/api/v1/posts/", batch, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == REFUSED
    assert list(body["fields"]) == ["1"]
    assert not Post.objects.exists()
    assert _merchant("sh_shop") is None


def test_inside_its_regions_a_limited_token_posts_as_usual(client_for):
    national = client_for("national")
    shanghai = client_for("shanghai", regions=["310000"])
    assert (
        national.post(
            "/api/v1/posts/",
            post_payload("sh-0", handle="sh_known", region_code="310104"),
            format="json",
        ).status_code
        == 201
    )
    created = shanghai.post(
        "/api/v1/posts/", post_payload("sh-1", handle="sh_new", region_code="310101"), format="json"
    )
    assert created.status_code == 201, created.content
    known = shanghai.post(
        "/api/v1/posts/", post_payload("sh-2", handle="sh_known", region_code=""), format="json"
    )
    assert known.status_code == 201, known.content
    assert _merchant("sh_new").region_code == "310101"


def test_another_integrator_cannot_revise_or_confirm_a_post(client_for):
    victim = client_for("victim")
    other = client_for("other")
    original = post_payload(
        "victim-evidence-1",
        "高仿LV 一比一复刻 莆田货 原单 A货",
        handle="victim_seller",
        region_code="440106",
    )
    first = victim.post("/api/v1/posts/", original, format="json")
    assert first.status_code == 201
    victim_post = first.json()["post"]

    # Another integrator with the same (source, external_id): its own post, not a revision.
    rewrite = post_payload("victim-evidence-1", "正规商品", handle="someone_else")
    second = other.post("/api/v1/posts/", rewrite, format="json")
    assert second.status_code == 201
    assert second.json()["status"] == "created"
    assert second.json()["post"]["revision"] == 1
    assert second.json()["post"]["id"] != victim_post["id"]
    mine = Post.objects.get(pk=victim_post["id"])
    assert mine.is_current and mine.merchant_id == victim_post["merchant"]

    # Guessing the victim's text confirms nothing: it is simply a new post of the guesser's.
    guess = other.post(
        "/api/v1/posts/",
        post_payload("victim-evidence-1", original["text"], handle="victim_seller"),
        format="json",
    )
    assert guess.json()["status"] != "unchanged"
    assert guess.json()["post"]["id"] != victim_post["id"]

    # The owner's own resubmission is still idempotent, and its revision still works.
    again = victim.post("/api/v1/posts/", original, format="json")
    assert again.status_code == 200 and again.json()["status"] == "unchanged"
    assert again.json()["post"]["id"] == victim_post["id"]
    revised = victim.post(
        "/api/v1/posts/",
        {**original, "text": original["text"] + " 更新"},
        format="json",
    )
    assert revised.json()["status"] == "revised"
    assert revised.json()["post"]["revision"] == 2
