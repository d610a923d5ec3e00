"""Answers no view chose still use the API's error shape (found by the schema fuzzer)."""

import pytest

from core.api.scopes import SCOPES

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def client(token_client):
    return token_client(*SCOPES)


@pytest.mark.parametrize(
    "path", ["/api/v1/posts/null,null/", "/api/v1/campaigns/abc/reports/", "/api/v1/nothing/"]
)
def test_an_api_url_no_view_matches_is_a_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"code", "detail", "fields"} and body["code"] == "not_found"


def test_a_site_url_no_view_matches_is_still_an_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("method", "path"),
    [("delete", "/api/v1/posts/"), ("put", "/api/v1/lexicon/"), ("patch", "/api/v1/findings/")],
)
def test_a_method_the_operation_lacks_is_a_405_not_a_403(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_an_unsupported_method_without_a_token_is_still_a_401(api_client):
    assert api_client.delete("/api/v1/posts/").status_code == 401


@pytest.mark.parametrize("value", ["null", "true", "-2", "0", "1.5", "²"])
def test_a_page_size_that_is_not_a_positive_whole_number_is_a_400(client, value):
    # DRF silently fell back to 50 results, hiding the client's mistake (schema: integer ≥ 1).
    response = client.get("/api/v1/posts/", {"page_size": value})
    assert response.status_code == 400
    assert response.json()["fields"] == {"page_size": ["invalid"]}


@pytest.mark.parametrize("value", ["1", "500", "501", "9" * 5000])
def test_a_large_page_size_is_capped(client, value):
    assert client.get("/api/v1/findings/", {"page_size": value}).status_code == 200
