from rest_framework.throttling import SimpleRateThrottle

from wsmonitor.api.authentication import ApiClient


class PerTokenRateThrottle(SimpleRateThrottle):
    """One bucket per integrator token (by its public prefix); signed-in staff per user."""

    scope = "token"

    def get_cache_key(self, request, view):
        user = request.user
        if isinstance(user, ApiClient):
            ident = f"tok:{user.token.prefix}"
        elif user and user.is_authenticated:
            ident = f"user:{user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
