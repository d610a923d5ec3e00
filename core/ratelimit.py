"""Fixed-window counters in the shared cache, behind every rate limit (API tokens, public forms).

A rate limit protects the service; it must never be the reason a submission is lost, nor the
reason it is slow. When the cache cannot be reached (Redis down, hung or timing out), the
counters fail open: the request goes on as if it were the first of its window, and a warning is
logged (at most once a minute per process). Everything a consumer or an integrator sends is
then stored as usual.

Failing open is also fast. On Redis the counters use their own client, with a socket timeout of
``SOCKET_TIMEOUT`` seconds and no retry, whatever the cache's own options say; and after one
failure the process's circuit breaker for that server stays open for ``BREAKER_SECONDS``, during
which every counter fails open at once without trying the server. A hung Redis therefore costs a
process one wait of ``SOCKET_TIMEOUT`` every ``BREAKER_SECONDS``, not one per call (a public
complaint form makes three).
"""

import logging
import threading
import time

import redis
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

log = logging.getLogger(__name__)

SOCKET_TIMEOUT = 0.25  # seconds, connecting and each round trip
BREAKER_SECONDS = 30  # after a failure, the server is not tried again for this long

# INCR, and on the window's first event EXPIRE: atomic, one round trip.
_COUNT_SCRIPT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
"""
_UNREACHABLE = (RedisError, OSError)
_last_warning = [0.0]
# Per server URL and process: the client (shared by the process's threads; redis-py's clients
# are thread-safe, and building one per request cost as much as the round trip), its counting
# script, and until when (time.monotonic()) the breaker is open.
_clients: dict[str, tuple[redis.Redis, object]] = {}
_open_until: dict[str, float] = {}
_clients_lock = threading.Lock()
_clock = time.monotonic  # the breaker's clock (tests move it)


def _cache():
    # The backend itself: ``django.core.cache.cache`` is a proxy, never a RedisCache.
    return caches[DEFAULT_CACHE_ALIAS]


def _unreachable(exc: Exception) -> None:
    now = time.monotonic()
    if now - _last_warning[0] >= 60:
        _last_warning[0] = now
        log.warning("rate limits are not enforced: the cache cannot be reached (%s)", exc)


def _server(cache: RedisCache) -> str:
    return cache._cache._servers[0]  # Django writes to the first server


def _client(server: str) -> tuple[redis.Redis, object]:
    entry = _clients.get(server)
    if entry is None:
        with _clients_lock:
            entry = _clients.get(server)
            if entry is None:
                client = redis.Redis.from_url(
                    server,
                    socket_timeout=SOCKET_TIMEOUT,
                    socket_connect_timeout=SOCKET_TIMEOUT,
                    retry=Retry(NoBackoff(), 0),
                    retry_on_timeout=False,
                )
                entry = (client, client.register_script(_COUNT_SCRIPT))
                _clients[server] = entry
    return entry


def _breaker_open(server: str) -> bool:
    return _clock() < _open_until.get(server, 0.0)


def _trip(server: str, exc: Exception) -> None:
    _open_until[server] = _clock() + BREAKER_SECONDS
    _unreachable(exc)


def reset_breakers() -> None:
    """Close every breaker: the next call tries the servers again (tests, after an outage)."""
    _open_until.clear()


def count(key: str, window: int) -> int:
    """Add one to the counter ``key`` (created to live ``window`` seconds) and return it;
    0 when the cache cannot be reached."""
    cache = _cache()
    if isinstance(cache, RedisCache):
        server = _server(cache)
        if _breaker_open(server):
            return 0
        try:
            script = _client(server)[1]
            return int(script(keys=[cache.make_and_validate_key(key)], args=[window]))
        except _UNREACHABLE as exc:
            _trip(server, exc)
            return 0
    try:
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
    cache = _cache()
    if isinstance(cache, RedisCache):
        server = _server(cache)
        if _breaker_open(server):
            return 0
        try:
            # Counters are stored as plain integers (Django's Redis serializer does the same).
            return int(_client(server)[0].get(cache.make_and_validate_key(key)) or 0)
        except _UNREACHABLE as exc:
            _trip(server, exc)
            return 0
    try:
        return int(cache.get(key) or 0)
    except _UNREACHABLE as exc:
        _unreachable(exc)
        return 0


def reset(key: str) -> None:
    cache = _cache()
    if isinstance(cache, RedisCache):
        server = _server(cache)
        if _breaker_open(server):
            return
        try:
            _client(server)[0].delete(cache.make_and_validate_key(key))
        except _UNREACHABLE as exc:
            _trip(server, exc)
        return
    try:
        cache.delete(key)
    except _UNREACHABLE as exc:
        _unreachable(exc)
