"""One error shape for every API response: ``{"code", "detail", "fields"}``."""

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError as DatabaseInterfaceError
from django.db import OperationalError as DatabaseOperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ServiceError, error_body


class ErrorSerializer(serializers.Serializer):
    """The error body, for the schema."""

    code = serializers.CharField()
    detail = serializers.CharField()
    fields = serializers.DictField()


def exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        detail = _("The request body is too large (limit %(mb)s MB); split the batch.")
        return Response(
            error_body("request_too_large", detail % {"mb": limit}),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, ServiceError):
        return Response(error_body(exc.code, exc.detail, exc.fields), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {}
        detail = "; ".join(exc.messages)
        exc = exceptions.ValidationError(detail)
        response = Response(
            error_body("invalid", detail, fields), status=status.HTTP_400_BAD_REQUEST
        )
        return response
    if isinstance(exc, DatabaseOperationalError | DatabaseInterfaceError):
        # The database refused or dropped the connection: a temporary outage, not a bug.
        return Response(
            error_body(
                "unavailable", _("The service is temporarily unavailable; please retry shortly.")
            ),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "5"},
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: let Django log it and answer 500
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        body = error_body("invalid", _("The request has invalid fields."), _flatten_codes(fields))
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        if isinstance(code, (list, dict)):
            code = "error"
        body = error_body(code, detail)
    response.data = body
    return response


def _flatten_codes(fields):
    """Keep DRF's field → [messages] shape, with nested lists (batch items) preserved."""
    if isinstance(fields, dict):
        return {str(k): _flatten_codes(v) for k, v in fields.items()}
    if isinstance(fields, list):
        return [_flatten_codes(v) for v in fields]
    return str(fields)
