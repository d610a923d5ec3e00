"""Fixed-window counters in the Django cache (shared when CACHE_URL points at Redis)."""

from django.core.cache import cache


def hit(key: str, *, limit: int, window: int) -> bool:
    """Count one event under ``key``; True while the count stays within ``limit`` per window."""
    cache_key = f"campaigns:rl:{key}"
    cache.add(cache_key, 0, timeout=window)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window)
        count = 1
    return count <= limit


def exceeded(key: str, *, limit: int) -> bool:
    """True when ``key`` has already used up its limit (without counting a new event)."""
    return (cache.get(f"campaigns:rl:{key}") or 0) >= limit
