"""Batch validation of posts: the fast path for plain items agrees with DRF's serializer.

``PostInSerializer.validate_batch`` takes items made of plain values without the serializer
machinery. Whatever it takes directly must be exactly what DRF would have accepted, with the same
values; everything else must still get DRF's errors."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from merchants.api import PostInSerializer, _plain_post_input
from merchants.posts import MAX_TEXT_CHARS

GOOD = {
    "source": "moments",
    "external_id": "crawler-1:abc",
    "text": "高仿LV包包，一比一复刻",
    "merchant": {"platform": "wechat_id", "handle": "lv_haohuo888"},
}

# Values that DRF treats differently: outer whitespace (trimmed), blanks, limits, NUL, lone
# surrogates, non-strings (coerced or refused), unknown choices, bad URLs and times.
tricky_text = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            " x",
            "x ",
            "\u3000x",
            "a\x00b",
            "a\ud800b",
            "x" * 200,
            "x" * 201,
            "x" * 6,
            "高仿",
            "440103",
            "110000",
            "449903",
            " 440103",
            "٤٤٠١٠٣",
            "moments",
            "wechat_id",
            "article",
            "Moments",
        ]
    ),
    st.text(max_size=12),
)
scalar = st.one_of(
    tricky_text,
    st.none(),
    st.booleans(),
    st.integers(-2, 2),
    st.floats(allow_nan=False, allow_infinity=False),
    st.just([]),
    st.just({}),
    st.just(["moments"]),
)
url_value = st.one_of(
    scalar,
    st.sampled_from(
        ["https://example.com/p/1", "http://a.b", "ftp://x", "not a url", " https://example.com"]
    ),
)
time_value = st.one_of(
    scalar,
    st.sampled_from(
        [
            "2026-11-20T10:15:00+08:00",
            "2026-11-20T10:15:00Z",
            "2026-11-20 10:15",
            "1999-12-31T23:59:59+08:00",
            "0001-01-01T00:00:00Z",
            "2026-13-01T00:00:00Z",
        ]
    ),
)


FULL = {
    **GOOD,
    "url": "https://mp.weixin.qq.com/s/abc",
    "posted_at": "2026-11-20T10:15:00+08:00",
    "merchant": {
        "platform": "official_account",
        "handle": "lv_haohuo888",
        "display_name": "好货小铺",
        "region_code": "440103",
    },
}
POST_KEYS = {
    "source": scalar,
    "external_id": scalar,
    "text": scalar,
    "url": url_value,
    "posted_at": time_value,
    "extra": scalar,
    "merchant": scalar,
}
MERCHANT_KEYS = ("platform", "handle", "display_name", "region_code", "extra")


@st.composite
def items(draw) -> dict:
    """A valid item with one to three things changed, so that each change is judged in an
    otherwise valid item."""
    base = draw(st.sampled_from([GOOD, FULL]))
    item = {**base, "merchant": dict(base["merchant"])}
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            key = draw(st.sampled_from(sorted(POST_KEYS)))
            if draw(st.booleans()):
                item.pop(key, None)
            else:
                item[key] = draw(POST_KEYS[key])
        elif isinstance(item.get("merchant"), dict):
            key = draw(st.sampled_from(MERCHANT_KEYS))
            if draw(st.booleans()):
                item["merchant"].pop(key, None)
            else:
                item["merchant"][key] = draw(scalar)
    return item


def drf(item: dict):
    one = PostInSerializer(data=item)
    return one.to_input() if one.is_valid() else None


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items())
def test_what_the_fast_path_takes_drf_takes_with_the_same_values(item):
    fast = _plain_post_input(item)
    if fast is not None:
        assert drf(item) == fast
    # And the batch answer is DRF's, whichever path each item took.
    inputs, errors = PostInSerializer.validate_batch([item])
    expected = drf(item)
    if expected is None:
        assert inputs == [] and set(errors) == {"0"}
        one = PostInSerializer(data=item)
        one.is_valid()
        assert errors["0"] == one.errors
    else:
        assert errors == {} and inputs == [expected]


def test_plain_items_take_the_fast_path():
    """The common shapes integrators send must not fall back to the serializer (that is the
    whole point: a fallback for them would be correct but ~20 times slower)."""
    for item in (GOOD, FULL, {**GOOD, "posted_at": None}):
        fast = _plain_post_input(item)
        assert fast is not None
        assert fast == drf(item)
    assert _plain_post_input(FULL).posted_at == datetime.datetime(
        2026, 11, 20, 2, 15, tzinfo=datetime.UTC
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"text": "x" * (MAX_TEXT_CHARS + 1)}, "text"),
        ({"text": "   "}, "text"),
        ({"external_id": " padded "}, None),  # DRF trims it: valid, through the serializer
        ({"source": "weibo"}, "source"),
        ({"posted_at": "1999-12-31T23:59:59+08:00"}, "posted_at"),
        ({"url": ""}, "url"),
    ],
)
def test_items_outside_the_fast_path_get_drfs_answer(change, field):
    item = {**GOOD, **change}
    assert _plain_post_input(item) is None
    inputs, errors = PostInSerializer.validate_batch([GOOD, item])
    if field is None:
        assert errors == {} and inputs[1].external_id == "padded"
    else:
        assert inputs == [] and list(errors) == ["1"] and field in errors["1"]
