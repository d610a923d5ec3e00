"""The partner API: create with evidence, read status, one error shape, no 500s."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.models import Case
from tests.complaints.conftest import png_bomb, png_bytes

pytestmark = pytest.mark.django_db

BASE = {
    "kind": "complaint",
    "merchant_wechat_id": "fake_shop",
    "description": "收款后不发货",
    "demand": "退款",
    "name": "李四",
    "phone": "13900001234",
    "address": "广东省广州市越秀区",
    "consent": "true",
}


def test_it_creates_a_complaint_with_evidence(token_client):
    client = token_client("complaints:write", "complaints:read")
    png = png_bytes()
    response = client.post(
        "/api/v1/complaints/",
        {
            **BASE,
            "evidence": [SimpleUploadedFile("a.png", png), SimpleUploadedFile("b.txt", b"hi")],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()[0]
    case = Case.objects.get(tracking_number=body["tracking_number"])
    assert case.source == "api" and case.api_token is not None
    assert case.evidence.count() == 2
    assert case.evidence.filter(sha256=hashlib.sha256(png).hexdigest()).exists()
    assert body["access_code"] and body["deadline"] == case.acceptance_due.isoformat()

    status = client.get(f"/api/v1/complaints/{body['tracking_number']}/")
    assert status.status_code == 200
    assert status.json()["status"] == "received"
    assert "李四" not in status.content.decode()


def test_json_works_too(token_client):
    client = token_client("complaints:write")
    response = client.post("/api/v1/complaints/", {**BASE, "consent": True}, format="json")
    assert response.status_code == 201


def test_another_token_cannot_read_the_case(token_client):
    mine = token_client("complaints:write")
    other = token_client("complaints:read")
    number = mine.post("/api/v1/complaints/", BASE, format="multipart").json()[0]["tracking_number"]
    response = other.get(f"/api/v1/complaints/{number}/")
    assert response.status_code == 404
    assert set(response.json()) == {"code", "detail", "fields"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "nonsense"}, "kind"),
        ({"address": ""}, "address"),
        ({"merchant_wechat_id": ""}, "merchant_wechat_id"),
        ({"amount_paid": "-3"}, "amount_paid"),
        ({"occurred_on": "yesterday"}, "occurred_on"),
        ({"consent": "false"}, "consent"),
    ],
)
def test_bad_input_gets_the_error_shape_and_stores_nothing(token_client, change, field):
    client = token_client("complaints:write")
    response = client.post("/api/v1/complaints/", {**BASE, **change}, format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"code", "detail", "fields"} and field in body["fields"]
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    "content", [b"", b"<svg onload=alert(1)>", None], ids=["empty", "svg", "bomb"]
)
def test_refused_files_get_the_error_shape(token_client, content):
    client = token_client("complaints:write")
    content = png_bomb() if content is None else content
    response = client.post(
        "/api/v1/complaints/",
        {**BASE, "evidence": [SimpleUploadedFile("x.png", content)]},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["fields"]["evidence"]
    assert Case.objects.count() == 0


def test_scopes_are_enforced(token_client, api_client):
    assert api_client.post("/api/v1/complaints/", BASE).status_code in (401, 403)
    reader = token_client("complaints:read")
    assert reader.post("/api/v1/complaints/", BASE, format="multipart").status_code == 403


def test_the_schema_documents_the_endpoints(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    text = response.content.decode()
    assert "/api/v1/complaints/" in text and "/api/v1/complaints/{tracking_number}/" in text


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"{not json", "application/json"),
        (b"[]", "application/json"),
        (b'{"kind": ["complaint"], "description": {"a": 1}}', "application/json"),
        (b"--xx\r\nbroken", "multipart/form-data; boundary=xx"),
        (b"kind=complaint", "text/plain"),
    ],
    ids=["bad-json", "json-list", "wrong-types", "broken-multipart", "unsupported-type"],
)
def test_garbage_never_gives_a_500(token_client, body, content_type):
    client = token_client("complaints:write")
    response = client.generic("POST", "/api/v1/complaints/", body, content_type=content_type)
    assert 400 <= response.status_code < 500
    assert set(response.json()) == {"code", "detail", "fields"}
    assert Case.objects.count() == 0


def test_a_mixed_submission_returns_two_cases(token_client):
    client = token_client("complaints:write")
    response = client.post("/api/v1/complaints/", {**BASE, "kind": "both"}, format="multipart")
    assert response.status_code == 201
    assert {item["kind"] for item in response.json()} == {"complaint", "report"}
