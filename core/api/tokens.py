"""Creating and revoking integrator tokens (used by the admin and the management command)."""

from datetime import datetime

from core.api.scopes import unknown_scopes
from core.audit import audit_log
from core.errors import ValidationFailed
from core.models import ApiToken
from core.regions import is_region_prefix


def token_create(
    *,
    name: str,
    scopes: list[str],
    regions: list[str] | None = None,
    expiry: datetime | None = None,
    actor=None,
) -> tuple[ApiToken, str]:
    """Create a token and return it with its key; the key is shown once and never stored."""
    bad = unknown_scopes(scopes)
    if bad:
        raise ValidationFailed(f"unknown scope(s): {', '.join(bad)}", fields={"scopes": bad})
    if not name.strip():
        raise ValidationFailed("a token needs a name", fields={"name": ["required"]})
    for region in regions or []:
        if not is_region_prefix(region):
            raise ValidationFailed(
                f"region {region!r} is not a GB/T 2260 code prefix (44, 4401 or 440103)",
                fields={"regions": [region]},
            )
    token, key = ApiToken.objects.create_key(
        name=name.strip(), scopes=scopes, regions=",".join(regions or []), expiry_date=expiry
    )
    audit_log(
        "api_token.created",
        actor=actor,
        actor_label="" if actor else "manage.py",
        target=token,
        data={"scopes": scopes, "regions": regions or [], "expiry": expiry},
    )
    return token, key


def token_revoke(*, token: ApiToken, actor=None) -> None:
    ApiToken.objects.filter(pk=token.pk).update(revoked=True)
    audit_log(
        "api_token.revoked", actor=actor, actor_label="" if actor else "manage.py", target=token
    )


def token_audit_admin_save(*, token: ApiToken, actor, created: bool) -> None:
    action = "api_token.created" if created else "api_token.changed"
    if token.revoked:
        action = "api_token.revoked"
    audit_log(action, actor=actor, target=token, data={"scopes": token.scopes})
