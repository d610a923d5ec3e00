"""Every write to complaints: intake, evidence, tracking, the workflow, privacy.

Views, the API, the admin, tasks and commands call these functions and nothing else writes.
Each workflow step validates the transition, records a ``CaseEvent``, writes the audit log and
enqueues its follow-up work through the outbox, all in one transaction. One module per part:
``intake`` (text first, then evidence), ``followups`` (after a submission is stored),
``complainant``, ``deadlines``, ``sweeps``, ``workflow``, ``referral``, ``casework`` and
``personal``; ``common`` holds what they share.
"""

from complaints.services.casework import (
    case_assign,
    case_message_send,
    case_note_add,
    duplicate_decide,
    mail_complainant,
)
from complaints.services.common import MEDIATION_END_REASONS, TRANSITIONS
from complaints.services.complainant import (
    case_feedback,
    case_find_by_code,
    evidence_add,
    evidence_room_check,
)
from complaints.services.deadlines import (
    _refresh_sla,
    current_deadline,
    deadline_current,
    deadline_of,
    deadlines_initialise,
    recompute_on_calendar_change,
)
from complaints.services.followups import (
    after_intake,
    case_link_merchant,
    evidence_preview_make,
    previews_make,
    suggest_category,
)
from complaints.services.intake import (
    ReportDraft,
    case_attach,
    case_file,
    case_submit,
    report_draft_submit,
    validate_submission,
)
from complaints.services.personal import case_pii_erase, case_pii_reveal, inside_the_case
from complaints.services.referral import case_refer
from complaints.services.sweeps import notify_assignee, sla_sweep, staging_cleanup
from complaints.services.workflow import (
    case_accept,
    case_close,
    case_refuse,
    case_release_hold,
    mediation_agree,
    mediation_end,
    mediation_pause,
    mediation_resume,
    mediation_start,
    report_decide,
    verification_extend,
    verification_start,
)

__all__ = [
    "MEDIATION_END_REASONS",
    "TRANSITIONS",
    "ReportDraft",
    "_refresh_sla",
    "after_intake",
    "case_accept",
    "case_assign",
    "case_attach",
    "case_close",
    "case_feedback",
    "case_file",
    "case_find_by_code",
    "case_link_merchant",
    "case_message_send",
    "case_note_add",
    "case_pii_erase",
    "case_pii_reveal",
    "case_refer",
    "case_refuse",
    "case_release_hold",
    "case_submit",
    "current_deadline",
    "deadline_current",
    "deadline_of",
    "deadlines_initialise",
    "duplicate_decide",
    "evidence_add",
    "evidence_preview_make",
    "evidence_room_check",
    "inside_the_case",
    "mail_complainant",
    "mediation_agree",
    "mediation_end",
    "mediation_pause",
    "mediation_resume",
    "mediation_start",
    "notify_assignee",
    "previews_make",
    "recompute_on_calendar_change",
    "report_decide",
    "report_draft_submit",
    "sla_sweep",
    "staging_cleanup",
    "suggest_category",
    "validate_submission",
    "verification_extend",
    "verification_start",
]
