"""Inputs the schema fuzzer found that answered 500 or broke the schema; each must now be a 400
(or the documented shape) with the ``{"code", "detail", "fields"}`` body."""

import pytest

from core.api.scopes import SCOPES
from tests.merchants.conftest import post_payload

pytestmark = pytest.mark.django_db(transaction=False)

HUGE_ID = "25485093207706174569963353617295474688"


@pytest.fixture
def client(token_client):
    return token_client(*SCOPES)


def _invalid(response, field):
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"code", "detail", "fields"}
    assert body["code"] == "invalid" and field in body["fields"]


@pytest.mark.parametrize("value", [HUGE_ID, "9223372036854775808", "²", "٣", "0", "-1", "1.5"])
def test_a_merchant_filter_that_is_not_an_id_is_a_400(client, value):
    # A bigint overflow reached the database driver (OverflowError → 500); "²".isdigit() is True.
    _invalid(client.get("/api/v1/posts/", {"merchant": value}), "merchant")


def test_the_largest_id_is_accepted(client):
    response = client.get("/api/v1/posts/", {"merchant": str(2**63 - 1)})
    assert response.status_code == 200 and response.json()["count"] == 0


def test_findings_merchant_beyond_bigint_is_a_400(client):
    _invalid(client.get("/api/v1/findings/", {"merchant": HUGE_ID}), "merchant")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("source", "«[Ü"),
        ("scan_state", "nope"),
        ("external_id", "a\x00b"),
        ("external_id", "x" * 201),
    ],
)
def test_post_filters_outside_their_schema_are_a_400(client, field, value):
    _invalid(client.get("/api/v1/posts/", {field: value}), field)


def test_empty_filters_still_mean_no_filter(client):
    response = client.get("/api/v1/posts/", {"merchant": "", "source": "", "scan_state": ""})
    assert response.status_code == 200


def test_a_handle_with_a_nul_is_a_400(client):
    _invalid(client.get("/api/v1/merchants/", {"handle": "a\x00b"}), "handle")


def test_a_post_published_centuries_ago_is_refused(client):
    # Was stored and then rendered as "0505-03-14T14:18:56+08:05:43": not an RFC 3339 date-time.
    payload = {**post_payload(), "posted_at": "0505-03-14T06:13:13Z"}
    _invalid(client.post("/api/v1/posts/", payload, format="json"), "posted_at")


def test_a_form_encoded_post_is_a_415(client):
    response = client.post("/api/v1/posts/", {"source": "moments"})  # multipart by default
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_the_schema_describes_what_post_and_list_answer(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    post = schema["paths"]["/api/v1/posts/"]["post"]
    # One post in → one result out, a list in → a list out; never a paginated page.
    ref = post["responses"]["201"]["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/PostResults"
    assert len(schema["components"]["schemas"]["PostResults"]["oneOf"]) == 2
    assert not any(p["name"] in ("page", "page_size") for p in post.get("parameters", []))
    assert set(post["requestBody"]["content"]) == {"application/json"}
    findings = schema["paths"]["/api/v1/findings/"]["get"]["responses"]
    page = findings["200"]["content"]["application/json"]["schema"]["$ref"]
    assert page == "#/components/schemas/PaginatedFindingOutList"
    assert "404" in findings


def test_a_blank_rule_filter_means_any_rule(client):
    # "\x1e" is whitespace to str.strip(): it was trimmed to "" and refused as a blank field.
    response = client.get("/api/v1/findings/", {"rule": "\x1e"})
    assert response.status_code == 200
