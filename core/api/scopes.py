"""The scopes an integrator token can hold. Views name the scope they need."""

from django.utils.translation import gettext_lazy as _

SCOPES = {
    "posts:write": _("Submit posts for monitoring"),
    "posts:read": _("Read posts and their findings"),
    "merchants:read": _("Look up merchants and their risk"),
    "findings:read": _("List findings"),
    "lexicon:read": _("Read the lexicon"),
    "complaints:write": _("File complaints and reports for consumers"),
    "complaints:read": _("Read the status of complaints filed by this token"),
    "campaigns:write": _("Submit 集赞 campaigns and snapshots"),
    "campaigns:read": _("Read campaigns, snapshots and breaches"),
}


def unknown_scopes(scopes: list[str]) -> list[str]:
    return [s for s in scopes if s not in SCOPES]
