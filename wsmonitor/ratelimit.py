"""Fixed-window counters in the shared cache, behind every rate limit (API tokens, public forms).

A rate limit protects the service; it must never be the reason a submission is lost. When the
cache cannot be reached (Redis down or timing out), the counters fail open: the request goes on
as if it were the first of its window, and a warning is logged (at most once a minute per
process). Everything a consumer or an integrator sends is then stored as usual.
"""

import logging
import time

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# INCR, and on the window's first event EXPIRE: atomic, one round trip.
_COUNT_SCRIPT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
"""
_SCRIPTS: dict[str, object] = {}
_UNREACHABLE = (RedisError, OSError)
_last_warning = [0.0]


def _cache():
    # The backend itself: ``django.core.cache.cache`` is a proxy, never a RedisCache.
    return caches[DEFAULT_CACHE_ALIAS]


def _unreachable(exc: Exception) -> None:
    now = time.monotonic()
    if now - _last_warning[0] >= 60:
        _last_warning[0] = now
        log.warning("rate limits are not enforced: the cache cannot be reached (%s)", exc)


def count(key: str, window: int) -> int:
    """Add one to the counter ``key`` (created to live ``window`` seconds) and return it;
    0 when the cache cannot be reached."""
    cache = _cache()
    try:
        if isinstance(cache, RedisCache):
            full = cache.make_and_validate_key(key)
            server = cache._cache._servers[0]  # Django writes to the first server
            script = _SCRIPTS.get(server)
            if script is None:
                # One client per server and process, shared by its threads (redis-py's clients
                # are thread-safe): building one per request cost as much as the round trip.
                script = cache._cache.get_client(full, write=True).register_script(_COUNT_SCRIPT)
                _SCRIPTS[server] = script
            return int(script(keys=[full], args=[window]))
        cache.add(key, 0, timeout=window)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr: this event opens the window
            cache.set(key, 1, timeout=window)
            return 1
    except _UNREACHABLE as exc:
        _unreachable(exc)
        return 0


def peek(key: str) -> int:
    """The counter's value without counting (0 when absent or the cache cannot be reached)."""
    try:
        return int(_cache().get(key) or 0)
    except _UNREACHABLE as exc:
        _unreachable(exc)
        return 0


def reset(key: str) -> None:
    try:
        _cache().delete(key)
    except _UNREACHABLE as exc:
        _unreachable(exc)
