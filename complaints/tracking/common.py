"""Shared by the consumer's pages: status and kind shorthands, session keys."""

import logging

from complaints.models import Case

log = logging.getLogger(__name__)


S = Case.Status
K = Case.Kind

SESSION_TRACKED = "complaints_tracked"
SESSION_RECEIPTS = "complaints_receipts"
# The access codes stay readable on the receipt for this long after the submission, in this
# browser's session only and encrypted there, so that a refresh or a double tap does not lose
# them; then they are dropped and only their hash remains (in the case row).
RECEIPT_CODE_SECONDS = 15 * 60
TOKEN_DAYS = 1
