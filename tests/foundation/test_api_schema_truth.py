"""The API takes what its OpenAPI schema allows and refuses what it forbids.

The cases schemathesis' ``positive_data_acceptance`` / ``negative_data_rejection`` found: DRF
coerced ``5`` into a string and ``"true"`` into a boolean, took ``2026-01-01`` as a date-time,
refused an empty filter the docs call no filter, and refused URLs ``format: uri`` allows.
"""

import json
import re

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

from core.api.scopes import SCOPES
from core.regions import REGION_CODE_PATTERN, is_region_code
from tests.foundation.test_foundation_api_fuzz import CAMPAIGN

pytestmark = pytest.mark.django_db


def _post(**changes):
    post = {
        "source": "moments",
        "external_id": "strict-1",
        "text": "高仿LV包包，一比一复刻",
        "merchant": {"platform": "wechat_id", "handle": "strict_shop", "region_code": "440103"},
    }
    post.update(changes)
    return post


@pytest.fixture
def client(token_client):
    return token_client(*SCOPES)


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        spec = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(spec))


def _refused(response, *path):
    assert response.status_code == 400, response.content
    fields = response.json()["fields"]
    for key in path:
        fields = fields[key]
    assert fields, response.json()


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"external_id": 5}, ("external_id",)),
        ({"text": 12345}, ("text",)),
        ({"merchant": {"platform": "wechat_id", "handle": 42}}, ("merchant", "handle")),
        ({"posted_at": "2026-11-20"}, ("posted_at",)),  # a date, not a date-time
        ({"posted_at": "2026-11-20 10:15"}, ("posted_at",)),  # no zone, no T
        ({"posted_at": "1999-12-31T23:00:00-12:00"}, ("posted_at",)),  # written in 1999
    ],
)
def test_a_post_with_a_value_of_another_type_or_format_is_refused(client, change, path):
    _refused(client.post("/api/v1/posts/", _post(**change), format="json"), *path)


def test_a_time_written_on_new_years_day_2000_is_taken_whatever_its_offset(client):
    response = client.post(
        "/api/v1/posts/", _post(posted_at="2000-01-01T00:00:00+14:00"), format="json"
    )
    assert response.status_code == 201, response.content


def test_campaign_terms_and_reports_take_the_schemas_types(client):
    bad = {**CAMPAIGN, "terms": {"conditions": [0], "likes": "38", "gift_value": 58}}
    response = client.post("/api/v1/campaigns/", bad, format="json")
    _refused(response, "terms", "conditions")
    assert set(response.json()["fields"]["terms"]) == {"conditions", "likes", "gift_value"}
    created = client.post("/api/v1/campaigns/", CAMPAIGN, format="json")
    assert created.status_code == 201, created.content
    campaign = created.json()["id"]
    report = {"likes_collected": 38, "collected_on": "2026-11-21", "outcome": "refused"}
    _refused(
        client.post(
            f"/api/v1/campaigns/{campaign}/reports/", {**report, "excuse_text": 7}, format="json"
        ),
        "excuse_text",
    )
    deleted = {"observed_deleted": "true", "captured_at": "2026-11-22T09:00:00+08:00"}
    _refused(
        client.post(f"/api/v1/campaigns/{campaign}/snapshots/", deleted, format="json"),
        "observed_deleted",
    )
    # multipart sends every value as text: "true" is the boolean there
    form = client.post(f"/api/v1/campaigns/{campaign}/snapshots/", deleted, format="multipart")
    assert form.status_code == 201, form.content


def test_an_http_url_with_a_long_host_is_taken_and_other_schemes_are_not(client):
    host = ".".join(["a" * 63] * 5)  # 319 characters: Django's URLValidator refused it
    ok = client.post("/api/v1/posts/", _post(url=f"https://{host}/p?x=1"), format="json")
    assert ok.status_code == 201, ok.content
    for url in ("javascript:alert(1)", "ftp://example.com/", "https://a b/", "https://x/\x07"):
        response = client.post("/api/v1/posts/", _post(url=url, external_id=url), format="json")
        _refused(response, "url")


def test_an_empty_filter_is_no_filter_on_every_list(client):
    assert client.post("/api/v1/campaigns/", CAMPAIGN, format="json").status_code == 201
    for url in (
        "/api/v1/campaigns/?has_breaches=&flagged=&status=&merchant=&page=",
        "/api/v1/findings/?until=&since=&category=&page_size=",
        "/api/v1/merchants/?handle=baby_shop_gz&platform=",
        "/api/v1/posts/?source=&external_id=&page=",
    ):
        response = client.get(url)
        assert response.status_code == 200, (url, response.content)
    assert client.get("/api/v1/campaigns/?has_breaches=").json()["count"] == 1


def test_the_schema_says_empty_values_are_allowed_on_optional_filters_only(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for param in operation.get("parameters", []):
                if param["in"] != "query":
                    continue
                expected = not param.get("required", False)
                assert param.get("allowEmptyValue", False) is expected, (method, path, param)


def test_the_region_code_pattern_is_the_region_code_rule():
    pattern = re.compile(REGION_CODE_PATTERN)
    mismatched = [
        code
        for code in (f"{n:06d}" for n in range(1_000_000))
        if bool(pattern.match(code)) != is_region_code(code)
    ]
    assert mismatched == []


def test_request_text_fields_state_nul_and_blank_refusals(schema):
    post = schema["components"]["schemas"]["PostInRequest"]["properties"]
    merchant = schema["components"]["schemas"]["MerchantRefRequest"]["properties"]
    for field in (post["external_id"], post["text"], merchant["handle"]):
        assert re.search(field["pattern"], "a b")
        assert not re.search(field["pattern"], "   ")
        assert not re.search(field["pattern"], "a\x00b")
    assert re.search(merchant["region_code"]["pattern"], "440103")
    assert not re.search(merchant["region_code"]["pattern"], "990000")
    batch = schema["components"]["schemas"]["PostsInRequest"]["oneOf"][1]
    assert (batch["minItems"], batch["maxItems"]) == (1, 1000)


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "last"])
def test_a_page_that_is_not_a_whole_number_is_a_400_naming_it(client, page):
    response = client.get("/api/v1/posts/", {"page": page})
    _refused(response, "page")


def test_a_page_past_the_end_is_still_a_404(client):
    assert client.get("/api/v1/posts/", {"page": "7"}).status_code == 404
    assert client.get("/api/v1/posts/", {"page": "01"}).status_code == 200


def test_a_format_the_api_does_not_offer_is_a_406_naming_it(client):
    response = client.get("/api/v1/token/", {"format": "xml"})
    assert response.status_code == 406
    body = response.json()
    assert body["code"] == "not_acceptable" and "format=xml" in body["detail"]
    assert client.get("/api/v1/token/", {"format": "json"}).status_code == 200


def test_every_error_answer_declares_the_one_error_component(schema):
    """The complaints API declared its own copy (ComplaintError) of the platform's error body."""
    refs = set()
    for operations in schema["paths"].values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                if status.startswith(("4", "5")):
                    for media in response.get("content", {}).values():
                        refs.add(media["schema"].get("$ref", "inline"))
    assert refs == {"#/components/schemas/Error"}
    assert "ComplaintError" not in schema["components"]["schemas"]
