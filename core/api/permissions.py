from django.utils.translation import gettext as _
from rest_framework import permissions

from core.api.authentication import ApiClient


class HasScope(permissions.BasePermission):
    """A view declares ``required_scopes = {"GET": "posts:read", "POST": "posts:write"}`` (or
    ``required_scope = "..."`` for every method). Tokens need that scope; staff signed in to the
    admin may read (write APIs are for integrators). A view that declares nothing is closed."""

    message = _("Your token lacks the scope this operation needs.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if not _handles(view, request.method):
            return True  # nothing to guard: the view answers 405 Method Not Allowed
        scope = required_scope(view, request.method)
        if scope is None:
            return False
        if isinstance(user, ApiClient):
            if user.token.has_scope(scope):
                return True
            self.message = _("This token lacks the scope “%(scope)s”.") % {"scope": scope}
            return False
        return bool(user.is_staff) and scope.endswith(":read")


def required_scope(view, method: str) -> str | None:
    scopes = getattr(view, "required_scopes", None)
    if scopes is not None:
        if method in ("HEAD", "OPTIONS"):
            method = "GET"
        return scopes.get(method)
    return getattr(view, "required_scope", None)


def _handles(view, method: str) -> bool:
    name = method.lower()
    return name in view.http_method_names and hasattr(view, name)
