"""The error hierarchy services raise. Views, the API and commands turn these into a 4xx
response, a form error or a command message; none of them is ever a 500."""


def error_body(code: str, detail, fields: dict | None = None) -> dict:
    """The one error body every API answer carries: ``{"code", "detail", "fields"}`` (declared
    for the schema by ``core.api.errors.ErrorSerializer``). ``gunicorn.conf.py`` writes the
    same three keys for the errors gunicorn answers itself, before Django is loaded."""
    return {"code": code, "detail": str(detail), "fields": fields or {}}


class ServiceError(Exception):
    """Base class. ``code`` is machine-readable, ``detail`` human-readable (Chinese first)."""

    status = 400
    code = "invalid"

    def __init__(self, detail: str, *, code: str | None = None, fields: dict | None = None):
        super().__init__(detail)
        self.detail = detail
        if code:
            self.code = code
        self.fields = fields or {}


class ValidationFailed(ServiceError):
    status = 400
    code = "invalid"


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Forbidden(ServiceError):
    status = 403
    code = "permission_denied"


class Conflict(ServiceError):
    status = 409
    code = "conflict"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class ServiceUnavailable(ServiceError):
    status = 503
    code = "unavailable"
