"""Admin login lockout limits for django-axes (``AXES_FAILURE_LIMIT`` names this function).

Axes counts failures per user name + address and per address alone, and compares the larger
count with one limit. We want two: ``AXES_USER_FAILURE_LIMIT`` failures for one user name from
one address (guessing a password), and the higher ``AXES_IP_FAILURE_LIMIT`` from one address
over any user names (spraying one password over many accounts; an office behind one address
still has room for its typos).
"""

from axes.helpers import get_client_ip_address, get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum

_NOT_YET = 10**9


def _failures(**filters) -> int:
    total = AccessAttempt.objects.filter(**filters).aggregate(n=Sum("failures_since_start"))["n"]
    return total or 0


def failure_limit(request, credentials) -> int:
    """The limit axes compares with its failure count (the address's, the larger of the two):
    1 once either of our limits is reached, so the client is locked out; else one never reached."""
    ip = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    username = get_client_username(request, credentials)
    per_user = _failures(ip_address=ip, username=username) if username else 0
    if per_user >= settings.AXES_USER_FAILURE_LIMIT:
        return 1
    if _failures(ip_address=ip) >= settings.AXES_IP_FAILURE_LIMIT:
        return 1
    return _NOT_YET
