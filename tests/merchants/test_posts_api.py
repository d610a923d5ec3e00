"""POST /api/v1/posts/: storage, idempotency, revisions, validation, background scanning."""

import pytest

from merchants.models import Finding, Merchant, Post
from tests.merchants.conftest import post_payload

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def writer(token_client):
    return token_client("posts:write", "posts:read")


def test_a_post_is_stored_scanned_and_its_findings_recorded(
    writer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = writer.post("/api/v1/posts/", post_payload(), format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "created"
    assert "text" not in body["post"]  # a receipt, not an echo of what was sent
    post = Post.objects.get(pk=body["post"]["id"])
    assert body["post"]["text_sha256"] == post.text_sha256
    assert post.scan_state == Post.ScanState.SCANNED
    assert post.lexicon_version.number == 1
    rules = set(post.findings.values_list("rule", flat=True))
    assert "counterfeit.replica" in rules
    finding = post.findings.filter(rule="counterfeit.replica").first()
    assert post.text[finding.start : finding.end] == finding.matched
    assert post.merchant.accounts.get().handle_normalized == "lv_haohuo888"
    assert post.merchant.region_code == "440103"

    detail = writer.get(f"/api/v1/posts/{post.pk}/").json()
    assert detail["scan_state"] == "scanned"
    assert {f["rule"] for f in detail["findings"]} == rules


def test_the_same_post_twice_is_stored_once(writer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = writer.post("/api/v1/posts/", post_payload(), format="json")
        again = writer.post("/api/v1/posts/", post_payload(), format="json")
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["status"] == "unchanged"
    assert again.json()["post"]["id"] == first.json()["post"]["id"]
    assert Post.objects.count() == 1
    assert Finding.objects.count() == Post.objects.get().findings.count()


def test_a_changed_text_under_the_same_id_is_a_new_revision(
    writer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        writer.post("/api/v1/posts/", post_payload(), format="json")
        response = writer.post(
            "/api/v1/posts/", post_payload(text="今天到货新款包包，欢迎选购"), format="json"
        )
    assert response.status_code == 201
    assert response.json()["status"] == "revised"
    revisions = list(
        Post.objects.order_by("revision").values_list("revision", "is_current", "text")
    )
    assert revisions[0][:2] == (1, False)
    assert revisions[0][2].startswith("高仿")  # the original text is kept, never overwritten
    assert revisions[1][:2] == (2, True)


def test_loosely_written_handles_resolve_to_one_merchant(
    writer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        writer.post("/api/v1/posts/", post_payload("a", handle="LV_haohuo888"), format="json")
        writer.post("/api/v1/posts/", post_payload("b", handle=" @ＬＶ_haohuo888 "), format="json")
    assert Merchant.objects.count() == 1
    assert Post.objects.count() == 2


def test_a_batch_reports_its_items(writer, django_capture_on_commit_callbacks):
    batch = [post_payload(f"b-{i}", text=f"第{i}条：全网最低价，绝对正品") for i in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        response = writer.post("/api/v1/posts/", batch, format="json")
    assert response.status_code == 201
    assert [item["index"] for item in response.json()] == [0, 1, 2, 3, 4]
    assert Post.objects.filter(scan_state="scanned").count() == 5


def test_receipts_are_what_the_documented_serializer_gives(writer):
    """Receipts are built without the serializer; they must match it field for field, for new,
    revised and unchanged posts (whose capture times differ)."""
    from merchants.api import PostReceiptSerializer

    first = [post_payload(f"r-{i}", text=f"第{i}条") for i in range(3)]
    writer.post("/api/v1/posts/", first, format="json")
    again = [first[0], post_payload("r-1", text="改过的第1条"), post_payload("r-9", text="新的")]
    body = writer.post("/api/v1/posts/", again, format="json").json()
    assert [item["status"] for item in body] == ["unchanged", "revised", "created"]
    for item in body:
        post = Post.objects.get(pk=item["post"]["id"])
        assert item["post"] == PostReceiptSerializer(post).data
    assert body[0]["post"]["captured_at"] != body[2]["post"]["captured_at"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "x" * 20_001}, "text"),
        ({"source": "weibo"}, "source"),
        ({"posted_at": "yesterday"}, "posted_at"),
        ({"external_id": None}, "external_id"),
    ],
)
def test_a_malformed_post_gets_400_naming_the_field(writer, change, field):
    payload = post_payload()
    payload.update(change)
    response = writer.post("/api/v1/posts/", payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["fields"]
    assert Post.objects.count() == 0


def test_a_missing_text_is_named(writer):
    payload = post_payload()
    del payload["text"]
    response = writer.post("/api/v1/posts/", payload, format="json")
    assert response.status_code == 400
    assert "text" in response.json()["fields"]


def test_a_batch_with_one_bad_item_names_it_and_stores_nothing(writer):
    batch = [post_payload(f"b-{i}") for i in range(4)]
    batch[2]["source"] = "weibo"
    response = writer.post("/api/v1/posts/", batch, format="json")
    assert response.status_code == 400
    body = response.json()
    assert list(body["fields"]) == ["2"]
    assert "source" in body["fields"]["2"]
    assert "item 2" in body["detail"]
    assert Post.objects.count() == 0


def test_a_batch_over_the_limit_is_refused(writer):
    response = writer.post(
        "/api/v1/posts/", [post_payload(f"{i}") for i in range(1001)], format="json"
    )
    assert response.status_code == 400
    assert Post.objects.count() == 0


def test_junk_bodies_get_400_not_500(writer):
    for body in ("[1, 2]", '"text"', "{", "[]"):
        response = writer.generic("POST", "/api/v1/posts/", body, content_type="application/json")
        assert response.status_code == 400, body
        assert set(response.json()) == {"code", "detail", "fields"}


def test_without_the_write_scope_posting_is_forbidden(token_client):
    reader = token_client("posts:read")
    response = reader.post("/api/v1/posts/", post_payload(), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert Post.objects.count() == 0


def test_without_a_token_posting_is_unauthorised(api_client):
    response = api_client.post("/api/v1/posts/", post_payload(), format="json")
    assert response.status_code == 401
    assert set(response.json()) == {"code", "detail", "fields"}


def test_a_region_limited_token_sees_only_its_region(
    writer, token_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        writer.post("/api/v1/posts/", post_payload("gz", region_code="440103"), format="json")
        writer.post(
            "/api/v1/posts/",
            post_payload("sh", handle="other", region_code="310101"),
            format="json",
        )
    guangzhou = token_client("posts:read", "merchants:read", regions=["440100"])
    ids = [p["external_id"] for p in guangzhou.get("/api/v1/posts/").json()["results"]]
    assert ids == ["gz"]
    sh_post = Post.objects.get(external_id="sh")
    assert guangzhou.get(f"/api/v1/posts/{sh_post.pk}/").status_code == 404
    assert guangzhou.get(f"/api/v1/merchants/{sh_post.merchant_id}/").status_code == 404


def test_a_database_outage_is_a_503_not_a_500(writer, monkeypatch):
    from django.db import OperationalError

    def refuse(**kwargs):
        raise OperationalError("FATAL: sorry, too many clients already")

    monkeypatch.setattr("merchants.api.views.posts_ingest", refuse)
    response = writer.post("/api/v1/posts/", post_payload(), format="json")
    assert response.status_code == 503
    assert response.json()["code"] == "unavailable"
    assert response["Retry-After"] == "5"


def test_last_activity_follows_the_merchants_posts_to_the_minute(writer):
    from django.utils import timezone

    writer.post("/api/v1/posts/", post_payload("a-1"), format="json")
    merchant = Merchant.objects.get()
    first = merchant.last_activity_at
    assert first is not None
    writer.post("/api/v1/posts/", post_payload("a-2"), format="json")
    merchant.refresh_from_db()
    assert merchant.last_activity_at == first  # within the minute: the row is not rewritten
    Merchant.objects.update(last_activity_at=timezone.now() - timezone.timedelta(minutes=2))
    writer.post("/api/v1/posts/", post_payload("a-3"), format="json")
    merchant.refresh_from_db()
    assert timezone.now() - merchant.last_activity_at < timezone.timedelta(seconds=30)
