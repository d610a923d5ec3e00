"""Shared fixtures: personas, API clients and tokens.

Personas follow the jurisdictions used across the suite: a 广州市 (440100) regulator, a
广东省 (440000) supervisor, and a 上海市 (310000) regulator who must see none of their cases.
"""

import os

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from core.api.tokens import token_create
from core.roles import ensure_roles, set_user_regions


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    from core import ratelimit

    # A test that points the cache at a dead server opens the rate limiter's breaker for that
    # server for 30 s of real time; the next test starts with every breaker closed.
    ratelimit.reset_breakers()
    cache.clear()
    yield


def _staff(username: str, role: str, regions: list[str]):
    from django.contrib.auth.models import Group

    ensure_roles()
    user = get_user_model().objects.create_user(
        username=username, password="correct-horse-battery", is_staff=True
    )
    user.groups.add(Group.objects.get(name=role))
    set_user_regions(user, regions)
    return user


@pytest.fixture
def regulator(db):
    return _staff("gz-regulator", "Regulator", ["440100"])


@pytest.fixture
def supervisor(db):
    return _staff("gd-supervisor", "Supervisor", ["440000"])


@pytest.fixture
def outsider(db):
    return _staff("sh-regulator", "Regulator", ["310000"])


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def make_token(db):
    def make(*scopes: str, name: str = "crawler", regions: list[str] | None = None):
        token, key = token_create(name=name, scopes=list(scopes), regions=regions)
        return token, key

    return make


@pytest.fixture
def token_client(make_token):
    """``token_client("posts:write")`` → an APIClient authenticated with a token of those scopes."""

    def make(*scopes: str, regions: list[str] | None = None) -> APIClient:
        _token, key = make_token(*scopes, regions=regions)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make


@pytest.fixture
def broker_url():
    url = os.environ.get("CELERY_BROKER_URL")
    if not url:
        pytest.skip("CELERY_BROKER_URL is not set: the real-worker test needs a Redis broker")
    return url
