"""Per-token rate limit: a counter per window, shared by all processes through the cache."""

from rest_framework.settings import api_settings


def test_a_token_over_its_rate_gets_429_with_retry_after_and_others_do_not(
    token_client, monkeypatch, db
):
    monkeypatch.setitem(
        api_settings.DEFAULT_THROTTLE_RATES, "token", "3/hour"
    )  # no window boundary mid-test
    first = token_client("posts:read")
    other = token_client("posts:read")
    codes = [first.get("/api/v1/posts/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = first.get("/api/v1/posts/")
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert 1 <= int(refused["Retry-After"]) <= 3600
    assert other.get("/api/v1/posts/").status_code == 200
