"""One rule for region codes and region prefixes (core.regions), wherever one is taken: they used
to be seven rules (any 2-6 digits for a token, 2/4/6 digits of a known province for a rescan, any
six digits for the settings and the admin form)."""

import re

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.api.tokens import token_create
from core.env import env_region
from core.errors import ValidationFailed
from core.regions import (
    REGION_PREFIX_PATTERN,
    is_region_code,
    is_region_prefix,
    region_allows,
    region_code_prefix,
)
from merchants.rescan import rescan_validate_scope


def test_the_prefix_pattern_is_the_prefix_rule():
    pattern = re.compile(REGION_PREFIX_PATTERN)
    candidates = [f"{n:0{width}d}" for width in (1, 2, 3, 4, 5) for n in range(10**width)]
    candidates += [f"{n:06d}" for n in range(110000, 830000)]
    mismatched = [p for p in candidates if bool(pattern.match(p)) != is_region_prefix(p)]
    assert mismatched == []


def test_full_width_digits_are_not_a_region_code():
    assert is_region_code("440103")
    assert not is_region_code("44０１０３")
    assert not is_region_prefix("４４")


@pytest.mark.django_db
@pytest.mark.parametrize("region", ["99", "440", "4400", "4401039"])
def test_a_token_is_bound_only_to_a_real_jurisdiction(region):
    with pytest.raises(ValidationFailed) as refused:
        token_create(name="crawler", scopes=["posts:write"], regions=[region])
    assert refused.value.fields == {"regions": [region]}


@pytest.mark.django_db
def test_a_token_takes_a_province_a_prefecture_or_a_county():
    token, _key = token_create(name="c", scopes=["posts:write"], regions=["44", "3101", "110105"])
    assert token.regions == "44,3101,110105"


@pytest.mark.parametrize("region", ["99", "4400", "440"])
def test_a_rescan_scope_uses_the_same_rule_as_a_token(region):
    with pytest.raises(ValidationFailed) as refused:
        rescan_validate_scope(region_prefix=region, captured_from=None, captured_to=None)
    assert refused.value.fields == {"region_prefix": ["invalid"]}
    assert not is_region_prefix(region)


@pytest.mark.django_db
def test_the_findings_filter_refuses_a_prefix_no_jurisdiction_has(token_client):
    client = token_client("findings:read")
    assert client.get("/api/v1/findings/", {"region": "4401"}).status_code == 200
    bad = client.get("/api/v1/findings/", {"region": "440"})
    assert bad.status_code == 400 and "region" in bad.json()["fields"]


def test_a_configured_region_is_a_region_code(monkeypatch):
    monkeypatch.setenv("WSM_TEST_REGION", "990000")  # six digits, but no province 99
    with pytest.raises(ImproperlyConfigured, match="WSM_TEST_REGION"):
        env_region("WSM_TEST_REGION", "440100")
    monkeypatch.setenv("WSM_TEST_REGION", " ")
    assert env_region("WSM_TEST_REGION", "440100") == "440100"


def test_staff_regions_and_scoping_use_the_same_rule():
    assert region_code_prefix("440100") == "4401"
    with pytest.raises(ValueError):
        region_code_prefix("990000")
    assert region_allows(["4401"], "440103") and not region_allows(["4401"], "440203")
    assert not region_allows([], "440103") and region_allows(None, "")
