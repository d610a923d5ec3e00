"""Signals the campaigns app declares for the apps above it (docs/architecture.md).

campaigns sits below complaints and never imports it. Opening a 举报 from a breach is the one
thing campaigns asks of the app above: it sends ``report_requested`` with a typed
``BreachReport``, and the app that takes 举报 (complaints, in its ``signals.py``) answers with the
case it opened. The contract is these two dataclasses, not a dict of another app's form fields.
"""

import datetime
from dataclasses import dataclass

from django.dispatch import Signal


@dataclass(frozen=True)
class BreachReport:
    """A 举报 a regulator opens from a breach. The regulator is its source, so it is anonymous."""

    merchant_name: str
    platform: str  # the seller's account platform (merchants.MerchantAccount.Platform)
    handle: str
    description: str  # cites the breach and both snapshots with their hashes
    campaign_url: str
    occurred_on: datetime.date  # when the changed terms were captured (Beijing date)
    region_code: str  # the merchant's region, where the case is handled ('': intake's default)
    ip: str | None = None  # the regulator's address, for the case's record


@dataclass(frozen=True)
class OpenedCase:
    case_id: int
    tracking_number: str


#: ``report_requested.send(sender=Breach, report=BreachReport(...))``: the receiver that takes
#: 举报 returns an ``OpenedCase``; its errors (``ServiceError``) reach the caller, inside the
#: caller's transaction.
report_requested = Signal()
