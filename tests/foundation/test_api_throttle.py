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


def test_on_redis_the_counter_takes_one_round_trip_and_expires_with_its_window(monkeypatch):
    """The shared Redis cache counts with INCR + EXPIRE NX in one pipeline, never through the
    cache API's add-then-incr (two round trips per request, and a window with no expiry if the
    process dies between them)."""
    import pytest
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    from core import ratelimit

    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        pytest.skip("the Redis counter needs CACHE_URL pointing at Redis")

    def refuse(*args, **kwargs):
        raise AssertionError("the portable add/incr path was taken on Redis")

    monkeypatch.setattr(RedisCache, "add", refuse)
    monkeypatch.setattr(RedisCache, "incr", refuse)
    key = "throttle_test_round_trip:1"
    cache.delete(key)
    assert [ratelimit.count(key, 61) for _ in range(3)] == [1, 2, 3]
    client = cache._cache.get_client(cache.make_and_validate_key(key))
    assert 0 < client.ttl(cache.make_and_validate_key(key)) <= 61
    cache.delete(key)


def test_with_the_cache_unreachable_posts_are_still_stored_and_the_limit_is_not_enforced(
    token_client, settings, caplog, monkeypatch
):
    """Redis down (the cache, often the same server as the broker): the rate limit steps aside
    with a warning rather than turning every submission into a 500."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    from core import ratelimit
    from merchants.models import Post

    monkeypatch.setattr(ratelimit, "_last_warning", [0.0])  # the warning is once a minute
    client = token_client("posts:write")
    body = {
        "source": "moments",
        "external_id": "cache-down-1",
        "text": "高仿包包，私聊",
        "merchant": {"platform": "wechat_id", "handle": "seller_cache_down"},
    }
    with caplog.at_level("WARNING", logger="core.ratelimit"):
        response = client.post("/api/v1/posts/", body, format="json")
    assert response.status_code == 201, response.content
    assert Post.objects.filter(external_id="cache-down-1").exists()
    assert "rate limits are not enforced" in caplog.text
