import math
import time

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.redis import RedisCache
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from wsmonitor.api.authentication import ApiClient


class PerTokenRateThrottle(SimpleRateThrottle):
    """One bucket per integrator token (by its public prefix); signed-in staff per user.

    A counter per fixed window (``API_THROTTLE_RATE``, e.g. 1200/min), incremented atomically
    in the shared cache. DRF's own throttle keeps the list of every request time in the window
    and writes it back whole: with several processes it loses concurrent requests, and at high
    rates each request reads and writes kilobytes."""

    scope = "token"

    def __init__(self):
        # The rate is read per request (settings may change in tests), not at import.
        pass

    def get_cache_key(self, request, view):
        user = request.user
        if isinstance(user, ApiClient):
            ident = f"tok:{user.token.prefix}"
        elif user and user.is_authenticated:
            ident = f"user:{user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view):
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        if rate is None:
            return True
        limit, duration = self.parse_rate(rate)
        now = time.time()
        window = int(now // duration)
        key = f"{self.get_cache_key(request, view)}:{window}"
        count = _count(key, duration + 1)
        self.wait_seconds = max(1, math.ceil((window + 1) * duration - now))
        return count <= limit

    def wait(self):
        return self.wait_seconds


# INCR, and on the window's first request EXPIRE: atomic, one round trip.
_COUNT_SCRIPT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
"""
_SCRIPTS: dict[str, object] = {}


def _count(key: str, timeout: int) -> int:
    """Add one to the counter ``key`` (created with ``timeout`` seconds to live) and return it.
    On Redis one round trip (a server-side script); elsewhere the cache API."""
    cache = caches[
        DEFAULT_CACHE_ALIAS
    ]  # the backend itself: ``django.core.cache.cache`` is a proxy
    if isinstance(cache, RedisCache):
        full = cache.make_and_validate_key(key)
        server = cache._cache._servers[0]  # Django writes to the first server
        script = _SCRIPTS.get(server)
        if script is None:
            # One client per server and process, shared by its threads (redis-py's clients are
            # thread-safe): building one per request cost as much as the round trip.
            script = cache._cache.get_client(full, write=True).register_script(_COUNT_SCRIPT)
            _SCRIPTS[server] = script
        return int(script(keys=[full], args=[timeout]))
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr: this request opens the window
        cache.add(key, 1, timeout=timeout)
        return 1
