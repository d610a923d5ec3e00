"""OpenAPI response declarations shared by every app's API."""

from django.core import validators
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import OpenApiResponse

from core.api.errors import ErrorSerializer

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input; `fields` names each problem"),
    401: OpenApiResponse(ErrorSerializer, description="Missing or invalid token"),
    403: OpenApiResponse(ErrorSerializer, description="The token lacks the scope"),
    # Every operation counts against the token's rate (API_THROTTLE_RATE).
    429: OpenApiResponse(
        ErrorSerializer,
        description="Over the token's rate; `Retry-After` says in how many seconds to retry",
    ),
}


def not_found(description: str) -> dict:
    return {404: OpenApiResponse(ErrorSerializer, description=description)}


# Request components that are one object or a list of them (``oneOf``): component name → the
# list's (minItems, maxItems), as the view enforces them. Registered by the app declaring them.
LIST_BOUNDS: dict[str, tuple[int, int]] = {}


def postprocess_schema(result, generator, request, public):
    """drf-spectacular post-processing hook.

    - Every optional query parameter takes an empty value as absent (``?platform=`` is no filter,
      ``?page=`` the first page; docs/pipeline.md), which the schema states with
      ``allowEmptyValue``. A required one (``handle``) refuses it.
    - A blank-allowed field's ``default: ""`` belongs beside its ``oneOf`` (text | ""), not in
      the text branch, whose pattern does not admit "" (generated clients send defaults).
    - A multipart body cannot carry null (a client would send the text ``null``): its fields are
      left out instead, so no multipart component is ``nullable``.
    - A list body's size limits (``LIST_BOUNDS``); such a body (one object or a list) is
      required: drf-spectacular marks a body required only when it is one serializer."""
    schemas = result.get("components", {}).get("schemas", {})
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            for param in operation.get("parameters", []):
                if param.get("in") == "query" and not param.get("required"):
                    param["allowEmptyValue"] = True
            content = operation.get("requestBody", {}).get("content", {})
            json_ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
            if json_ref.rsplit("/", 1)[-1] in LIST_BOUNDS:
                operation["requestBody"]["required"] = True
            ref = content.get("multipart/form-data", {}).get("schema", {}).get("$ref", "")
            for prop in schemas.get(ref.rsplit("/", 1)[-1], {}).get("properties", {}).values():
                prop.pop("nullable", None)
    for name, (least, most) in LIST_BOUNDS.items():
        for branch in schemas.get(name, {}).get("oneOf", []):
            if branch.get("type") == "array":
                branch.update(minItems=least, maxItems=most)
    for component in schemas.values():
        for prop in component.get("properties", {}).values():
            branches = prop.get("oneOf") or []
            if len(branches) == 2 and branches[1] == {"type": "string", "maxLength": 0}:
                if branches[0].get("default") == "":
                    prop["default"] = branches[0].pop("default")
    return result


NO_NUL = "^[^\\u0000]*$"
# For a field that may be blank: drf-spectacular states "" as a second ``oneOf`` branch, which
# this pattern must not match too (``oneOf`` means exactly one).
NO_NUL_NOT_EMPTY = "^[^\\u0000]+$"
NO_NUL_NOT_BLANK = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"


class DecimalFieldSchema(OpenApiSerializerFieldExtension):
    """A decimal sent as a string: exactly what DRF takes (surrounding whitespace, ``1.``, ``.5``;
    "" as null where null is allowed), without a sign when it may not be negative
    (drf-spectacular's own pattern admits ``-1`` and ``.`` and refuses ``1.5 ``)."""

    target_class = "rest_framework.fields.DecimalField"

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        field = self.target
        if direction == "request" and schema.get("type") == "string" and field.max_digits:
            places = field.decimal_places or 0
            whole = f"[0-9]{{1,{field.max_digits - places}}}"
            if places:
                whole = f"{whole}(?:\\.[0-9]{{0,{places}}})?|\\.[0-9]{{1,{places}}}"
            sign = "" if field.min_value is not None and field.min_value >= 0 else "-?"
            optional = "?" if field.allow_null else ""
            schema["pattern"] = f"^\\s*(?:{sign}(?:{whole})){optional}\\s*$"
        return schema


class TextFieldSchema(OpenApiSerializerFieldExtension):
    """The schema of a text field in a request says what DRF refuses: a NUL character (every
    CharField has DRF's ProhibitNullCharactersValidator) and, unless the field allows blank, a
    value that is empty or only whitespace (trimmed fields trim it; the others that may not be
    blank, a post's text, refuse it in their own validation). Fields with their own pattern or
    format (URLs, e-mail, region codes) keep theirs."""

    _OWN_FORMAT = (validators.RegexValidator, validators.EmailValidator, validators.URLValidator)

    target_class = "rest_framework.fields.CharField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if (
            direction == "request"
            and isinstance(schema, dict)
            and schema.get("type") == "string"
            and "pattern" not in schema
            and "format" not in schema
            and not any(isinstance(v, self._OWN_FORMAT) for v in self.target.validators)
        ):
            schema["pattern"] = NO_NUL_NOT_EMPTY if self.target.allow_blank else NO_NUL_NOT_BLANK
        return schema
