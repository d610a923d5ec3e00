"""The consumer's side of a case after intake: the receipt (the form's answer, and a page of
its own), what happens next (stages, limits, the handling office), replies, withdrawal and a
lost access code.

Writes here follow the rules of ``complaints.services``: one transaction, a ``CaseEvent``, an
audit entry. ``services`` keeps intake and the regulator's workflow. Modules: ``receipt``
(the one-time form token and the receipt), ``stages``, ``writes`` (reply, withdrawal),
``lost_code``, ``forwarded`` (a forwarded report completed on the web form); ``common``.
"""

from complaints.tracking.common import (
    RECEIPT_CODE_SECONDS,
    SESSION_RECEIPTS,
    SESSION_TRACKED,
    TOKEN_DAYS,
    K,
    S,
)
from complaints.tracking.forwarded import ReportDetails, report_details_add
from complaints.tracking.lost_code import Reissue, access_code_reissue, sms_available
from complaints.tracking.receipt import (
    RECEIPT_UNREAD,
    TOKEN_SWEEP_SECONDS,
    TokenTaken,
    new_form_token,
    receipt_not_stored,
    receipt_recall,
    receipt_remember,
    submission_token_cases,
    submission_token_record,
    valid_form_token,
)
from complaints.tracking.stages import Stage, case_stages, office_for
from complaints.tracking.writes import (
    WITHDRAWN_REASON,
    can_reply,
    can_withdraw,
    case_reply,
    case_withdraw,
)

__all__ = [
    "RECEIPT_CODE_SECONDS",
    "RECEIPT_UNREAD",
    "SESSION_RECEIPTS",
    "SESSION_TRACKED",
    "TOKEN_DAYS",
    "TOKEN_SWEEP_SECONDS",
    "WITHDRAWN_REASON",
    "K",
    "Reissue",
    "ReportDetails",
    "S",
    "Stage",
    "TokenTaken",
    "access_code_reissue",
    "can_reply",
    "can_withdraw",
    "case_reply",
    "case_stages",
    "case_withdraw",
    "new_form_token",
    "office_for",
    "receipt_not_stored",
    "receipt_recall",
    "receipt_remember",
    "report_details_add",
    "sms_available",
    "submission_token_cases",
    "submission_token_record",
    "valid_form_token",
]
