"""Regulator workspace services: claims, finding reviews, enforcement actions, consumer
warnings and lexicon exception proposals. Every write is audited with its actor and reason.

The admin, the staff pages and tests call these; none of them changes a row any other way.
Modules: ``claims``, ``findings`` (reviews and exception proposals), ``enforcement``
(actions and their letters), ``warnings``; ``common`` holds what they share.
"""

from merchants.actions.claims import claim_holder, claim_release, claim_take, claim_take_over
from merchants.actions.common import DISMISS_REASONS, NOT_A_CLAIM, TRANSITIONS, K, S
from merchants.actions.enforcement import (
    PLATFORMS,
    ActionInput,
    action_documents,
    action_take,
    freeze_reply,
    open_actions,
    public_warning_text,
    referral_close,
    warning_text,
)
from merchants.actions.findings import exception_decide, finding_review
from merchants.actions.warnings import warning_draft, warning_publish, warning_withdraw

__all__ = [
    "DISMISS_REASONS",
    "NOT_A_CLAIM",
    "PLATFORMS",
    "TRANSITIONS",
    "ActionInput",
    "K",
    "S",
    "action_documents",
    "action_take",
    "claim_holder",
    "claim_release",
    "claim_take",
    "claim_take_over",
    "exception_decide",
    "finding_review",
    "freeze_reply",
    "open_actions",
    "public_warning_text",
    "referral_close",
    "warning_draft",
    "warning_publish",
    "warning_text",
    "warning_withdraw",
]
