"""Bounds shared by the API's input parsing, so odd input is a 400 and never reaches the database.

Ids past the bigint range made the database driver raise (a 500), and times centuries in the
past came back with a local-mean-time offset (``+08:05:43``) that is not an RFC 3339 date-time.
"""

import datetime

from rest_framework import serializers

from core.errors import ValidationFailed

MAX_ID = 2**63 - 1  # the largest primary key a bigint column holds
# The first instant any clock on Earth reads 2000-01-01 (UTC+14): a time written in 2000 or later
# is never refused for its offset (the schema's pattern checks the year as written).
EARLIEST_TIME = datetime.datetime(
    2000, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=14))
)


def query_id(params, name: str) -> int | None:
    """``?merchant=42`` → 42; absent or empty → None; anything else → 400 naming the parameter."""
    value = params.get(name)
    if not value:
        return None
    digits = value.isascii() and value.isdigit() and len(value) <= len(str(MAX_ID))
    if not digits or not 1 <= int(value) <= MAX_ID:
        raise ValidationFailed(f"{name} must be an id", fields={name: ["invalid"]})
    return int(value)


def query_text(params, name: str, *, max_length: int = 200) -> str | None:
    """A free-text filter: absent or empty → None; too long or with a NUL → 400."""
    value = params.get(name)
    if not value:
        return None
    if len(value) > max_length or "\x00" in value:
        raise ValidationFailed(
            f"{name} must be at most {max_length} characters, without NUL",
            fields={name: ["invalid"]},
        )
    return value


def query_choice(params, name: str, choices) -> str | None:
    """An enum filter: absent or empty → None; a value outside ``choices`` → 400."""
    value = params.get(name)
    if not value:
        return None
    if value not in choices:
        raise ValidationFailed(f"unknown {name}", fields={name: ["invalid"]})
    return value


def plausible_time(value: datetime.datetime | None) -> datetime.datetime | None:
    """Validator for capture and publication times: nothing before 2000 (WeChat began in 2011)."""
    if value is not None and value < EARLIEST_TIME:
        raise serializers.ValidationError("must not be before 2000-01-01")
    return value


class IdField(serializers.IntegerField):
    """An object id in a query or body: 1 … 2⁶³−1."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)
