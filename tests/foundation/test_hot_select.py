"""Reads written as SQL once (core.sql) give the same values as the ORM, on any database."""

import datetime

from django.db import DEFAULT_DB_ALIAS

from core.api.authentication import _token_by_prefix
from core.models import ApiToken
from merchants.models import Merchant, Post
from merchants.posts import _CURRENT_POSTS, _FIELDS
from merchants.services import _accounts_for, merchant_resolve


def test_a_post_read_by_sql_equals_the_post_read_by_the_orm(db):
    merchant = merchant_resolve(platform="wechat_id", handle="Seller_1", region_code="440103")
    posted = datetime.datetime(2026, 3, 1, 8, 30, tzinfo=datetime.UTC)
    Post.objects.create(
        merchant=merchant, source="moments", external_id="a", text="高仿包", text_sha256="x",
        posted_at=posted, url="https://example.invalid/p/1",
    )  # fmt: skip
    Post.objects.create(
        merchant=merchant, source="moments", external_id="a", text="old", text_sha256="y",
        revision=0, is_current=False,
    )  # fmt: skip
    Post.objects.create(
        merchant=merchant, source="moments", external_id="a", text="他人的", text_sha256="z",
        integrator="another",
    )  # fmt: skip
    rows = _CURRENT_POSTS.rows(["", "moments", "a", True], lists=[1, 1], for_update=True)
    assert len(rows) == 1  # the retired revision is not current, another integrator's not ours
    by_sql = Post.from_db(DEFAULT_DB_ALIAS, _FIELDS, rows[0])
    by_orm = Post.objects.get(integrator="", external_id="a", is_current=True)
    for name in _FIELDS:
        assert getattr(by_sql, name) == getattr(by_orm, name), name
    assert by_sql.posted_at == posted and by_sql.posted_at.tzinfo is not None
    assert by_sql.is_current is True
    theirs = _CURRENT_POSTS.rows(["another", "moments", "a", True], lists=[1, 1])
    assert Post.from_db(DEFAULT_DB_ALIAS, _FIELDS, theirs[0]).text == "他人的"
    assert _CURRENT_POSTS.rows(["", "moments", "b", True], lists=[1, 1]) == []


def test_accounts_are_found_by_normalised_handle_with_their_merchant(db):
    merchant = merchant_resolve(
        platform="wechat_id", handle="@Ｓｅｌｌｅｒ 2", region_code="440103"
    )
    Merchant.objects.filter(pk=merchant.pk).update(
        last_activity_at=datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC)
    )
    found = _accounts_for({("wechat_id", "seller2"), ("wechat_id", "nobody")})
    assert list(found) == [("wechat_id", "seller2")]
    known = found[("wechat_id", "seller2")]
    assert (known.id, known.region_code) == (merchant.pk, "440103")
    assert known.last_activity_at == datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC)
    # the same handle on another platform is another account
    assert _accounts_for({("phone", "seller2")}) == {}


def test_a_token_read_by_sql_equals_the_token_read_by_the_orm(make_token):
    _token, key = make_token("posts:write", "merchants:read", regions=["44"])
    prefix = key.partition(".")[0]
    by_sql = _token_by_prefix(prefix)
    by_orm = ApiToken.objects.get(prefix=prefix)
    for field in ApiToken._meta.concrete_fields:
        assert getattr(by_sql, field.attname) == getattr(by_orm, field.attname), field.name
    assert by_sql.scopes == ["posts:write", "merchants:read"] and by_sql.is_valid(key)
    assert _token_by_prefix("missing0") is None
