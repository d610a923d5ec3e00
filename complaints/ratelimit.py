"""Fixed-window counters for the public forms (``core.ratelimit``: shared through Redis
when CACHE_URL is set; not enforced while the cache is unreachable)."""

from complaints.pii import phone_blind_index
from core import ratelimit


def hit(key: str, *, limit: int, window: int) -> bool:
    """Count one event under ``key``; True while the count stays within ``limit`` per window."""
    return ratelimit.count(f"complaints:rl:{key}", window) <= limit


def exceeded(key: str, *, limit: int) -> bool:
    """True when ``key`` has already used up its limit (without counting a new event)."""
    return ratelimit.peek(f"complaints:rl:{key}") >= limit


def phone_limit_key(phone: str) -> str:
    """The counter of submissions giving ``phone`` (in any format), shared by the form and the
    API (``COMPLAINTS_SUBMIT_PER_PHONE_DAY``); "" without a phone."""
    return f"submit-phone:{phone_blind_index(phone)}" if phone.strip() else ""


def reset(key: str) -> None:
    ratelimit.reset(f"complaints:rl:{key}")
