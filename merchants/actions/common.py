"""Shared by the workspace services: who may act, the claim period, dismissal reasons."""

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import Forbidden
from merchants.models import (
    EnforcementAction,
    Merchant,
)

S = Merchant.Status
K = EnforcementAction.Kind

# The dismissal reason that proposes a lexicon exception (不构成宣称).
NOT_A_CLAIM = "not_a_claim"
DISMISS_REASONS = {
    NOT_A_CLAIM: "不构成宣称",
    "false_match": "误匹配（词语含义不同）",
    "quoted": "引用或转述，非商家宣称",
    "other": "其他（见说明）",
}

# Which statuses each action may start from, and where it leads.
TRANSITIONS: dict[str, tuple[set[str], str]] = {
    K.WARNING: ({S.ACTIVE, S.WATCH_LISTED, S.WARNED, S.CLEARED}, S.WARNED),
    K.WATCH_LIST: ({S.ACTIVE, S.WARNED, S.CLEARED}, S.WATCH_LISTED),
    K.FREEZE_REQUEST: ({S.ACTIVE, S.WATCH_LISTED, S.WARNED, S.REFERRED}, S.FREEZE_REQUESTED),
    K.REFERRAL: ({S.ACTIVE, S.WATCH_LISTED, S.WARNED, S.FREEZE_REQUESTED, S.REFERRED}, S.REFERRED),
    K.CLEARANCE: (
        {S.ACTIVE, S.WATCH_LISTED, S.WARNED, S.FREEZE_REQUESTED, S.REFERRED},
        S.CLEARED,
    ),
}


def _can_act(user) -> bool:
    return bool(user and user.is_active and user.has_perm("merchants.act_on_merchant"))


def _require_actor(user) -> None:
    if not _can_act(user):
        raise Forbidden(_("You may not act on merchants."))


def _claim_hours() -> float:
    return float(getattr(settings, "WORKSPACE_CLAIM_HOURS", 4))
