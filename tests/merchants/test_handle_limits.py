"""A handle that normalising lengthens past the stored limit is a 400 naming the field, in a
single post and inside a batch, and a clear refusal from the registry — never a 500."""

import pytest

from complaints.models import Case
from core.errors import ValidationFailed
from merchants.models import Post
from merchants.services import merchant_resolve
from tests.merchants.conftest import post_payload

pytestmark = pytest.mark.django_db

LENGTHENED = ["ß" * 150, "ﬃ" * 100, "ﷺ" * 200]  # ss, ffi, 18 characters each


@pytest.fixture
def writer(token_client):
    return token_client("posts:write", "posts:read")


@pytest.mark.parametrize("handle", LENGTHENED)
def test_a_single_post_names_the_handle(writer, handle):
    response = writer.post("/api/v1/posts/", post_payload(handle=handle), format="json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"code", "detail", "fields"}
    assert "handle" in body["fields"]["merchant"]
    assert Post.objects.count() == 0


def test_a_batch_names_the_item_and_stores_nothing(writer):
    batch = [post_payload(f"b-{i}") for i in range(3)]
    batch[1]["merchant"]["handle"] = "ß" * 150
    response = writer.post("/api/v1/posts/", batch, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["1"]
    assert Post.objects.count() == 0


def test_the_registry_refuses_it_with_a_reason():
    with pytest.raises(ValidationFailed) as caught:
        merchant_resolve(platform="wechat_id", handle="ﷺ" * 20)
    assert "200" in str(caught.value.fields["handle"])


def test_a_campaign_names_the_handle(token_client):
    response = token_client("campaigns:write").post(
        "/api/v1/campaigns/",
        {
            "merchant": {"platform": "wechat_id", "handle": "ß" * 150},
            "title": "集赞送杯",
            "text": "转发集满38个赞送保温杯",
        },
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "handle" in response.json()["fields"]["merchant"]


def test_a_complaint_naming_such_a_handle_is_linked_by_its_other_identifier(
    token_client, django_capture_on_commit_callbacks
):
    body = {
        "kind": "report",
        "merchant_wechat_id": "ﷺ" * 100,  # 1,800 characters once normalised
        "merchant_phone": "13800138000",
        "description": "朋友圈卖高仿包",
        "anonymous": True,
        "consent": False,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = token_client("complaints:write").post("/api/v1/complaints/", body, format="json")
    assert response.status_code == 201, response.content
    case = Case.objects.get()
    assert case.merchant is not None
    assert case.merchant.accounts.get().handle_normalized == "13800138000"
