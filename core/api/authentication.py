from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from core.models import ApiToken
from core.sql import HotSelect, columns


class ApiClient:
    """The principal behind a token: not a Django user, but quacks enough like one for DRF."""

    is_authenticated = True
    is_anonymous = False
    is_staff = False
    is_superuser = False

    def __init__(self, token: ApiToken):
        self.token = token
        self.pk = None

    def __str__(self) -> str:
        return f"api:{self.token.name}"

    def get_username(self) -> str:
        return str(self)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Token <prefix>.<secret>``; only a hash of the key is stored."""

    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from None
        prefix, _dot, _secret = key.partition(".")
        token = _token_by_prefix(prefix) if prefix else None
        if token is None or not token.is_valid(key):
            raise exceptions.AuthenticationFailed(_("Invalid token."), code="token_invalid")
        if token.revoked:
            raise exceptions.AuthenticationFailed(
                _("This token has been revoked."), code="token_revoked"
            )
        if token.has_expired:
            raise exceptions.AuthenticationFailed(
                _("This token has expired."), code="token_expired"
            )
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return ApiClient(token), token

    def authenticate_header(self, request) -> str:
        return self.keyword


_TOKEN_FIELDS = [f.attname for f in ApiToken._meta.concrete_fields]
# Every API request reads its token: the SQL is written once (see core.sql).
_TOKEN_BY_PREFIX = HotSelect(
    lambda q: (
        f"SELECT {columns(ApiToken)(q)} FROM {q(ApiToken._meta.db_table)} "  # noqa: S608 - names from the model, values are parameters
        f"WHERE {q(ApiToken._meta.get_field('prefix').column)} = %s"
    ),
    ApiToken._meta.concrete_fields,
)


def _token_by_prefix(prefix: str) -> ApiToken | None:
    """The token with this public prefix (prefixes are unique)."""
    rows = _TOKEN_BY_PREFIX.rows([prefix])
    return ApiToken.from_db(DEFAULT_DB_ALIAS, _TOKEN_FIELDS, rows[0]) if rows else None


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "core.api.authentication.ApiTokenAuthentication"
    name = "TokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "`Token <key>` — created in the admin or by `manage.py create_api_token`."
            ),
        }
