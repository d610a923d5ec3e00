"""Bodies no client should send still get the documented 400, never a 500."""

import pytest

pytestmark = pytest.mark.django_db

DEEP = {"array": "[" * 1500 + "]" * 1500, "object": '{"a":' * 5000 + "1" + "}" * 5000}


@pytest.mark.parametrize("shape", sorted(DEEP))
@pytest.mark.parametrize(
    ("path", "scopes"),
    [
        ("/api/v1/posts/", ("posts:write",)),
        ("/api/v1/campaigns/", ("campaigns:write",)),
        ("/api/v1/complaints/", ("complaints:write",)),
    ],
)
def test_json_nested_past_the_recursion_limit_is_a_parse_error(token_client, path, scopes, shape):
    client = token_client(*scopes)
    response = client.generic("POST", path, DEEP[shape], content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "parse_error"
    assert set(body) == {"code", "detail", "fields"}
