"""Recording a snapshot of a campaign (text, screenshot, or observed deleted) and correcting one:
append-only, hash-chained; the terms are parsed and the text scanned like a post."""

from __future__ import annotations

import datetime
import logging

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from campaigns.models import GENESIS, Campaign, Snapshot
from campaigns.services.breaches import changes_derive
from campaigns.services.common import (
    ImageInput,
    SnapshotResult,
    _check_text,
    _china_date,
    _label,
    _store_image,
    _terms_from_input,
    _user,
)
from campaigns.terms import CampaignTerms, parse_terms
from core.audit import audit_log
from core.errors import ValidationFailed
from merchants.posts import PostInput, posts_ingest

log = logging.getLogger(__name__)


def snapshot_record(
    *,
    campaign: Campaign,
    text: str = "",
    observed_deleted: bool = False,
    captured_at: datetime.datetime | None = None,
    source: str = Snapshot.Source.INTEGRATOR,
    actor=None,
    actor_label: str = "",
    image: ImageInput | None = None,
    complaint_ref: str = "",
    note: str = "",
) -> SnapshotResult:
    """Append one observation to the campaign's chain and derive what changed.

    ``observed_deleted=True`` records that the post was found gone (the text may be empty).
    The text goes through the scanning pipeline like a post (source ``campaign``).
    """
    _check_text(text)
    if not observed_deleted and not text.strip() and image is None:
        raise ValidationFailed(
            "快照需要文字、截图或“帖子已删除”的观测", fields={"text": ["required"]}
        )
    if source not in Snapshot.Source.values:
        raise ValidationFailed("未知来源", fields={"source": ["invalid"]})
    captured_at = captured_at or timezone.now()
    if captured_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationFailed("采集时间在未来", fields={"captured_at": ["in the future"]})
    terms = (
        CampaignTerms()
        if observed_deleted and not text.strip()
        else parse_terms(text, reference_date=_china_date(captured_at))
    )
    with transaction.atomic():
        return _record(
            campaign=campaign,
            text=text,
            terms=terms,
            observed_deleted=observed_deleted,
            captured_at=captured_at,
            source=source,
            actor=actor,
            actor_label=actor_label,
            image=image,
            complaint_ref=complaint_ref,
            note=note,
        )


def snapshot_correct(
    *, snapshot: Snapshot, terms: dict, actor, note: str = "", ip: str | None = None
) -> SnapshotResult:
    """A regulator restates the terms of an observation the parser misread.

    The correction is a new snapshot in the chain (never an edit); from then on the corrected
    terms stand for that observation and changes and breaches are derived again.
    """
    if snapshot.corrects_id is not None:
        snapshot = snapshot.corrects
    if snapshot.observed_deleted and not snapshot.raw_text:
        raise ValidationFailed("删除观测没有可更正的条款")
    if not (note or "").strip():
        raise ValidationFailed("请说明更正理由", fields={"note": ["required"]})
    corrected = _terms_from_input(terms, full=True)
    with transaction.atomic():
        return _record(
            campaign=snapshot.campaign,
            text=snapshot.raw_text,
            terms=CampaignTerms(**corrected),
            observed_deleted=snapshot.observed_deleted,
            captured_at=timezone.now(),
            source=Snapshot.Source.REGULATOR,
            actor=actor,
            actor_label="",
            corrects=snapshot,
            note=note.strip()[:500],
            ip=ip,
        )


def _record(
    *,
    campaign: Campaign,
    text: str,
    terms: CampaignTerms,
    observed_deleted: bool,
    captured_at: datetime.datetime,
    source: str,
    actor,
    actor_label: str,
    image: ImageInput | None = None,
    complaint_ref: str = "",
    corrects: Snapshot | None = None,
    note: str = "",
    ip: str | None = None,
) -> SnapshotResult:
    # Lock the campaign row: concurrent writers of one chain queue here and never fork it.
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    image_fields = _store_image(image) if image is not None else {}
    try:
        snapshot = Snapshot(
            campaign=locked,
            sequence=locked.snapshot_count + 1,
            source=source,
            captured_at=captured_at,
            captured_by=_user(actor),
            captured_by_label=_label(actor, actor_label),
            observed_deleted=observed_deleted,
            raw_text=text,
            terms=terms.to_dict(),
            corrects=corrects,
            note=note,
            complaint_ref=(complaint_ref or "").strip()[:32],
            image=image_fields.get("name", ""),
            image_sha256=image_fields.get("sha256", ""),
            prev_hash=locked.last_snapshot_hash or GENESIS,
        )
        # Hash exactly what the database gives back (JSON round trip, microsecond time).
        snapshot.content_sha256 = snapshot.compute_hash()
        snapshot.save()
        Campaign.objects.filter(pk=locked.pk).update(
            snapshot_count=snapshot.sequence, last_snapshot_hash=snapshot.content_sha256
        )
        locked.snapshot_count = snapshot.sequence
        locked.last_snapshot_hash = snapshot.content_sha256
        if text.strip() and corrects is None:
            _scan_text(locked, snapshot)
        audit_log(
            "campaign.snapshot_corrected" if corrects else "campaign.snapshot_recorded",
            actor=_user(actor),
            actor_label=_label(actor, actor_label),
            target=locked,
            ip=ip,
            data={
                "snapshot_id": snapshot.pk,
                "sequence": snapshot.sequence,
                "sha256": snapshot.content_sha256,
                "observed_deleted": observed_deleted,
                "corrects": corrects.sequence if corrects else None,
            },
        )
        changes, new_breaches = changes_derive(campaign=locked)
    except BaseException:
        if image_fields.get("created"):  # a reused file belongs to an earlier snapshot too
            default_storage.delete(image_fields["name"])
        raise
    campaign.refresh_from_db()
    observed = snapshot.corrects_id or snapshot.pk
    return SnapshotResult(
        snapshot=snapshot,
        changes=[c for c in changes if observed in (c.before_snapshot_id, c.after_snapshot_id)],
        new_breaches=new_breaches,
    )


def _scan_text(campaign: Campaign, snapshot: Snapshot) -> None:
    """The snapshot's text goes through the scanning pipeline as a post (source campaign)."""
    posts_ingest(
        items=[
            PostInput(
                source="campaign",
                external_id=snapshot.post_external_id,
                text=snapshot.raw_text,
                platform=campaign.platform,
                handle=campaign.handle,
                region_code=campaign.merchant.region_code,
                url=campaign.source_url,
                posted_at=snapshot.captured_at,
            )
        ],
        submitted_by=snapshot.captured_by_label or "campaigns",
    )
