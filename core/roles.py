"""Roles (Django groups) and jurisdictions (region codes) of staff.

Region scoping is enforced in one place: ``region_prefixes`` turns a user's region codes into
prefixes (440000 → "44", 440100 → "4401", 440103 → "440103"), and every selector filters with
``region_q``. Superusers are operators and see everything; a staff user with no region sees
nothing.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.utils.translation import gettext_noop

from core.models import StaffProfile
from core.regions import region_allows, region_code_prefix
from core.signals import role_permissions

__all__ = ["region_allows", "region_code_prefix"]  # re-exported: the rules live in core.regions

# The lexicon is national (one lexicon scans every region): supervisors edit it and start
# rescans; regulators and auditors read it.
_LEXICON_READ = [
    "lexicon.view_lexiconrule",
    "lexicon.view_lexiconversion",
    "lexicon.view_rescanjob",
]
_LEXICON_EDIT = [
    "lexicon.add_lexiconrule",
    "lexicon.change_lexiconrule",
    "lexicon.delete_lexiconrule",
    "lexicon.add_rescanjob",
    "lexicon.change_rescanjob",
]
ROLES = {
    "Regulator": [*_LEXICON_READ],
    "Supervisor": [*_LEXICON_READ, *_LEXICON_EDIT, "auth.view_user"],
    "Integrator": [],
    "Auditor": ["wsmonitor.view_auditentry", *_LEXICON_READ],
}
# Shown in Chinese wherever a role is listed (the group names stay English identifiers).
ROLE_LABELS = {
    "Regulator": gettext_noop("Regulator"),
    "Supervisor": gettext_noop("Supervisor"),
    "Integrator": gettext_noop("Integrator"),
    "Auditor": gettext_noop("Auditor"),
}


def _app_permissions() -> dict[str, list[str]]:
    """The permissions the apps give each role, answering ``core.signals.role_permissions``
    (so the core names no app); an answer that raises stops the caller."""
    granted: dict[str, list[str]] = {}
    for _receiver, answer in role_permissions.send(sender=None):
        for role, perms in (answer or {}).items():
            granted.setdefault(role, []).extend(perms)
    return granted


def ensure_roles(**kwargs) -> None:
    """Create the roles and give them their permissions; idempotent. Runs after every
    ``migrate`` (post_migrate, connected in ``WsmonitorConfig.ready``), so a fresh production
    database has working roles without the demo loader (security review M12)."""
    granted = _app_permissions()
    for name, perms in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = [*perms, *granted.get(name, [])]
        for dotted in wanted:
            app_label, codename = dotted.split(".", 1)
            perm = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm is not None:
                group.permissions.add(perm)


def user_regions(user) -> list[str]:
    profile = getattr(user, "staff_profile", None)
    if profile is None:
        return []
    return [r.strip() for r in profile.regions.split(",") if r.strip()]


def region_prefixes(user) -> list[str] | None:
    """None means unrestricted (superuser); [] means no region at all (sees nothing)."""
    if user is None or not user.is_authenticated:
        return []
    if user.is_superuser:
        return None
    prefixes = []
    for code in user_regions(user):
        try:
            prefixes.append(region_code_prefix(code))
        except ValueError:
            continue
    return prefixes


def region_q(prefixes: list[str] | None, field: str) -> Q:
    """A filter keeping rows whose ``field`` (a region code) lies in one of the prefixes."""
    if prefixes is None:
        return Q()
    if not prefixes:
        return Q(pk__in=[])
    q = Q()
    for prefix in prefixes:
        q |= Q(**{f"{field}__startswith": prefix})
    return q


def set_user_role(user, role: str) -> None:
    """Make ``user`` staff in exactly one of the ROLES (its other role groups are removed)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    ensure_roles()
    user.groups.remove(*Group.objects.filter(name__in=ROLES).exclude(name=role))
    user.groups.add(Group.objects.get(name=role))
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


def set_user_regions(user, regions: list[str]) -> None:
    for code in regions:
        region_code_prefix(code)  # validates
    StaffProfile.objects.update_or_create(user=user, defaults={"regions": ",".join(regions)})
