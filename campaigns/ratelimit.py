"""Fixed-window counters for the public forms (``core.ratelimit``: shared through Redis
when CACHE_URL is set; not enforced while the cache is unreachable)."""

from core import ratelimit


def hit(key: str, *, limit: int, window: int) -> bool:
    """Count one event under ``key``; True while the count stays within ``limit`` per window."""
    return ratelimit.count(f"campaigns:rl:{key}", window) <= limit


def exceeded(key: str, *, limit: int) -> bool:
    """True when ``key`` has already used up its limit (without counting a new event)."""
    return ratelimit.peek(f"campaigns:rl:{key}") >= limit
