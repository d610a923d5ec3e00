"""A handle that normalising lengthens past the stored limit is a 400 naming the field, in a
single post and inside a batch, and a clear refusal from the registry — never a 500."""

import pytest

from merchants.models import Post
from merchants.services import merchant_resolve
from tests.merchants.conftest import post_payload
from wsmonitor.errors import ValidationFailed

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
