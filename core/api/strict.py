"""Input serializers that take values as the OpenAPI schema types them.

DRF coerces: ``5`` is accepted for a string, ``"5"`` for an integer, ``"true"`` or ``1`` for a
boolean, and its date-time parser takes ``2026-01-01`` or ``2026-01-01 10:00`` (no zone) where
the schema promises an RFC 3339 date-time. A client relying on that breaks the day it switches to
a stricter implementation, and a schema checker rightly calls it a schema-violating request
accepted. A ``StrictSerializer`` refuses such values with a 400 naming the field.

JSON values are checked against their field's type; form and multipart values (all strings on
the wire, and query strings) are checked only for the date and date-time formats.
"""

import re
from collections.abc import Mapping

from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings

from core.api.validators import plausible_time

RFC3339_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})", re.ASCII
)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
YEAR_2000_ON = r"^[2-9][0-9]{3}-"  # the year as written: 2000 … 9999


# An http(s) URL as a crawler saw it: an ASCII host (IDN in punycode), an optional port, then
# anything but whitespace and control characters. The schema states exactly this pattern
# (Django's URLValidator also refused hosts over 253 characters, which ``format: uri`` allows).
HTTP_URL = (
    r"^[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9._~%!$&'()*+,;=-]+(?::[0-9]{1,5})?"
    r"(?:[/?#][^\s\x00-\x1f\x7f]*)?$"
)


class HttpUrlField(serializers.CharField):
    """An http or https URL (see ``HTTP_URL``), taken as sent (no trimming); the schema carries
    the pattern (drf-spectacular reads it from the validator)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)
        self.validators.append(RegexValidator(HTTP_URL, "expected an http or https URL"))


class HttpUrlOrBlankField(HttpUrlField):
    """An http or https URL, or ``""`` for none (the schema's second ``oneOf`` branch)."""

    def __init__(self, **kwargs):
        super().__init__(allow_blank=True, **kwargs)


@extend_schema_field(
    {"type": "string", "format": "date-time", "pattern": YEAR_2000_ON}, component_name=None
)
class PlausibleTimeField(serializers.DateTimeField):
    """A capture or publication time: RFC 3339, the year as written not before 2000 (WeChat began
    in 2011; centuries-old times came back with a local-mean-time offset)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validators", [plausible_time])
        kwargs.setdefault("help_text", "Not before 2000-01-01.")
        super().__init__(**kwargs)


def format_problem(field: serializers.Field, value) -> str | None:
    """Why ``value`` is not the date or date-time the schema promises for ``field``."""
    if not isinstance(value, str) or not value:
        return None
    if isinstance(field, serializers.DateTimeField) and not RFC3339_DATETIME.fullmatch(value):
        return "expected an RFC 3339 date-time such as 2026-11-20T10:15:00+08:00"
    if isinstance(field, PlausibleTimeField) and value < "2000":
        return "must not be before 2000-01-01"
    if isinstance(field, serializers.DateField) and not ISO_DATE.fullmatch(value):
        return "expected a date such as 2026-11-20"
    return None


def _json_type(field: serializers.Field) -> tuple[type, ...] | None:
    """The JSON value types the schema gives ``field`` (None: anything DRF takes)."""
    if isinstance(field, serializers.BooleanField):
        return (bool,)
    if isinstance(field, serializers.IntegerField):
        return (int,)
    if isinstance(field, serializers.FloatField):
        return (int, float)
    if isinstance(field, serializers.DecimalField):
        return (str,) if _coerces(field) else (int, float)
    if isinstance(
        field,
        serializers.CharField
        | serializers.ChoiceField
        | serializers.DateField
        | serializers.DateTimeField,
    ):
        return (str,)
    if isinstance(field, serializers.ListField | serializers.ListSerializer):
        return (list,)
    if isinstance(field, serializers.Serializer):
        return (dict,)
    return None


def _coerces(field: serializers.DecimalField) -> bool:
    coerce = getattr(field, "coerce_to_string", None)  # set only when given
    return api_settings.COERCE_DECIMAL_TO_STRING if coerce is None else coerce


_NAMES = {bool: "a boolean", int: "an integer", str: "a string", list: "a list", dict: "an object"}


def type_problem(field: serializers.Field, value) -> str | None:
    """Why the JSON ``value`` is not of the type the schema gives ``field`` (None: it is)."""
    if value is None:
        return None  # null: the field's own allow_null decides
    wanted = _json_type(field)
    if wanted is None:
        return None
    if isinstance(value, bool) and bool not in wanted:
        return f"expected {_NAMES[wanted[0]]}, got a boolean"
    if not isinstance(value, wanted):
        name = "a number" if wanted == (int, float) else _NAMES[wanted[0]]
        return f"expected {name}"
    if isinstance(field, serializers.ListField):
        for i, item in enumerate(value):
            if problem := type_problem(field.child, item) or format_problem(field.child, item):
                return f"item {i}: {problem}"
    return format_problem(field, value)


class StrictSerializer(serializers.Serializer):
    """A serializer whose JSON input must have the schema's types and formats (see module)."""

    def to_internal_value(self, data):
        errors = self._schema_problems(data) if isinstance(data, Mapping) else {}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if not errors:
                raise
            others = (
                exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
            )
            raise serializers.ValidationError({**others, **errors}) from None
        if errors:  # reported with DRF's own errors, so one answer names every bad field
            raise serializers.ValidationError(errors)
        return value

    def _schema_problems(self, data: Mapping) -> dict[str, list[str]]:
        form = hasattr(data, "getlist") or self.context.get("form_encoded", False)
        errors = {}
        for name, field in self.fields.items():
            if field.read_only or field.source == "*" or name not in data:
                continue
            value = data.get(name)
            if problem := format_problem(field, value) if form else type_problem(field, value):
                errors[name] = [problem]
        return errors
