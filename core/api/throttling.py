import math
import time

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from core import ratelimit
from core.api.authentication import ApiClient


class PerTokenRateThrottle(SimpleRateThrottle):
    """One bucket per integrator token (by its public prefix); signed-in staff per user.

    A counter per fixed window (``API_THROTTLE_RATE``, e.g. 1200/min), incremented atomically
    in the shared cache (``core.ratelimit``; not enforced while the cache is unreachable,
    so an outage never refuses a submission). DRF's own throttle keeps the list of every
    request time in the window and writes it back whole: with several processes it loses
    concurrent requests, and at high rates each request reads and writes kilobytes."""

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
        count = ratelimit.count(key, duration + 1)
        self.wait_seconds = max(1, math.ceil((window + 1) * duration - now))
        return count <= limit

    def wait(self):
        return self.wait_seconds
