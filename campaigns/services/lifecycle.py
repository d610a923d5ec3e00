"""Creating a campaign and changing its status."""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from campaigns.models import Campaign, Snapshot
from campaigns.services.common import (
    ImageInput,
    SnapshotResult,
    _check_text,
    _china_date,
    _label,
    _overlay,
    _terms_from_input,
    _user,
)
from campaigns.services.snapshots import _record
from campaigns.terms import CampaignTerms, parse_terms
from core.audit import audit_log
from core.errors import InvalidTransition, ValidationFailed
from merchants.services import merchant_resolve

log = logging.getLogger(__name__)


def campaign_create(
    *,
    platform: str,
    handle: str,
    title: str,
    display_name: str = "",
    region_code: str = "",
    text: str = "",
    terms: dict | None = None,
    starts_on: datetime.date | None = None,
    source_url: str = "",
    captured_at: datetime.datetime | None = None,
    source: str = Snapshot.Source.INTEGRATOR,
    actor=None,
    actor_label: str = "",
    image: ImageInput | None = None,
    allowed_prefixes: list[str] | None = None,
) -> SnapshotResult:
    """Create a campaign for the merchant selling under ``handle`` and record its first snapshot.

    The announced terms are read from ``text`` (with the capture date as reference date);
    anything given in ``terms`` (keys of :class:`CampaignTerms`) overrides what was read. A caller
    limited to regions (``allowed_prefixes``) may only create campaigns of merchants there, judged
    by the merchant's region before this call (naming a region does not claim a region-less one).
    """
    title = (title or "").strip()
    if not title:
        raise ValidationFailed("标题不能为空", fields={"title": ["required"]})
    _check_text(text)
    captured_at = captured_at or timezone.now()
    explicit = _terms_from_input(terms or {})
    with transaction.atomic():
        merchant = merchant_resolve(
            platform=platform,
            handle=handle,
            display_name=display_name,
            region_code=region_code,
            allowed_prefixes=allowed_prefixes,  # judged by the region before this call
        )
        parsed = parse_terms(text, reference_date=_china_date(captured_at)) if text else None
        announced = _overlay(parsed or CampaignTerms(), explicit)
        campaign = Campaign.objects.create(
            merchant=merchant,
            platform=platform,
            handle=handle.strip()[:200],
            title=title[:200],
            gift=(announced.gift or "")[:300],
            gift_value=announced.gift_value,
            likes_required=announced.likes,
            conditions=list(announced.conditions),
            starts_on=starts_on,
            deadline=announced.deadline,
            deadline_text=(announced.deadline_text or "")[:200],
            place=(announced.place or "")[:300],
            quantity_limit=announced.quantity_limit,
            source_url=source_url,
            created_by=_label(actor, actor_label),
        )
        audit_log(
            "campaign.created",
            actor=_user(actor),
            actor_label=_label(actor, actor_label),
            target=campaign,
            data={"merchant_id": merchant.pk, "terms": announced.to_dict()},
        )
        result = _record(
            campaign=campaign,
            text=text,
            terms=announced,
            observed_deleted=False,
            captured_at=captured_at,
            source=source,
            actor=actor,
            actor_label=actor_label,
            image=image,
        )
    return result


def campaign_set_status(*, campaign: Campaign, status: str, actor, note: str = "") -> Campaign:
    """A regulator records the outcome (honoured … withdrawn) once known."""
    if status not in Campaign.Status.values:
        raise ValidationFailed("未知状态", fields={"status": ["invalid"]})
    if status == Campaign.Status.DELETED:
        raise InvalidTransition("“已删除”只能由观测到帖子删除的快照得出")
    with transaction.atomic():
        old = campaign.status
        Campaign.objects.filter(pk=campaign.pk).update(status=status)
        campaign.status = status
        audit_log(
            "campaign.status_set",
            actor=actor,
            target=campaign,
            data={"from": old, "to": status, "note": note},
        )
    return campaign
