"""Reads: the case a conversation is about."""

import datetime
import re

from django.conf import settings

from complaints.models import Case
from complaints.pii import normalize_tracking_number
from wechat.models import WeChatMessage

TRACKING_NUMBER = re.compile(r"W\s*S[\s\-－—_]*(?:[0-9A-Z][\s\-－—_]*){12}", re.IGNORECASE)


def tracking_numbers_in(text: str) -> list[str]:
    """Tracking numbers (``WS-7K3M-Q9XD-2HCP``) written in ``text``, normalised."""
    found = []
    for match in TRACKING_NUMBER.finditer(text or ""):
        number = normalize_tracking_number(match.group(0))
        if number and number not in found:
            found.append(number)
    return found


def text_without_numbers(text: str) -> str:
    return TRACKING_NUMBER.sub("", text or "").strip(" \t\r\n,，。.:：;；")


def _case_of_openid(openid: str):
    return Case.objects.filter(wechat_messages__openid=openid).exclude(status=Case.Status.CLOSED)


def conversation_case(*, openid: str, text: str, now: datetime.datetime) -> Case | None:
    """The open case this message adds to: one whose tracking number it names and that this
    sender filed through the account (a number alone gives no one else's case), else the case
    of the sender's last message within ``WECHAT_CONVERSATION_MINUTES`` while still received
    (a burst of forwards is one report)."""
    if not openid:  # no sender, or erased: no conversation to join
        return None
    numbers = tracking_numbers_in(text)
    if numbers:
        case = _case_of_openid(openid).filter(tracking_number__in=numbers).distinct().first()
        if case is not None:
            return case
    minutes = settings.WECHAT_CONVERSATION_MINUTES
    if not minutes:
        return None
    last = (
        WeChatMessage.objects.filter(
            openid=openid,
            case__isnull=False,
            received_at__gte=now - datetime.timedelta(minutes=minutes),
            case__status=Case.Status.RECEIVED,
        )
        .select_related("case")
        .order_by("-received_at", "-id")
        .first()
    )
    return last.case if last is not None else None


def named_case(*, openid: str, text: str) -> Case | None:
    """A case of this sender named in ``text`` (open or closed), for a status question."""
    numbers = tracking_numbers_in(text)
    if not numbers or not openid:
        return None
    return (
        Case.objects.filter(wechat_messages__openid=openid, tracking_number__in=numbers)
        .distinct()
        .first()
    )
