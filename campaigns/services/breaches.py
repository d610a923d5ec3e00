"""Term changes and breaches derived from a campaign's snapshots, their risk parts, and the 举报
a regulator opens from a breach."""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from campaigns.changes import AGAINST_CONSUMER, CHINA_TZ, compare_terms, deletion_is_breach
from campaigns.models import Breach, Campaign, Snapshot, TermChange
from campaigns.services.common import FINAL_STATUSES, LEGAL_NOTE, RISK_SOURCE, _cut, _local
from campaigns.signals import BreachReport, report_requested
from campaigns.terms import CampaignTerms
from core.audit import audit_log
from core.errors import ServiceUnavailable
from merchants.services import risk_component_record

log = logging.getLogger(__name__)


def effective_observations(campaign: Campaign) -> list[tuple[Snapshot, CampaignTerms]]:
    """Observations (not corrections) in order, each with the terms that stand for it: those of
    its latest correction, else its own."""
    snaps = list(campaign.snapshots.order_by("sequence"))
    latest_correction: dict[int, Snapshot] = {}
    for s in snaps:
        if s.corrects_id is not None:
            latest_correction[s.corrects_id] = s
    return [
        (s, CampaignTerms.from_dict(latest_correction.get(s.pk, s).terms))
        for s in snaps
        if s.corrects_id is None
    ]


def changes_derive(*, campaign: Campaign) -> tuple[list[TermChange], list[Breach]]:
    """Recompute term changes between consecutive observations and sync the breaches.

    Returns all term changes and the breaches that are new (or re-established). Idempotent.
    """
    now = timezone.now()
    observations = effective_observations(campaign)
    changes: list[TermChange] = []
    breaches: dict[str, dict] = {}
    deadlines = [campaign.deadline] if campaign.deadline else []
    last_live: tuple[Snapshot, CampaignTerms] | None = None
    gone = False
    for snap, terms in observations:
        if snap.observed_deleted:
            if last_live is not None and not gone:
                deadline = max(deadlines) if deadlines else None
                if deletion_is_breach(deadline=deadline, observed_at=snap.captured_at):
                    when = "截止日期前" if deadline else "活动未写明截止日期，"
                    local = snap.captured_at.astimezone(CHINA_TZ)
                    explanation = (
                        f"活动帖子在{when}被删除（{local:%Y-%m-%d %H:%M} 发现"
                        + (f"，截止日期{deadline.isoformat()}" if deadline else "")
                        + "），参与者无法再出示活动规则"
                    )
                    key = f"deletion::{last_live[0].pk}:{snap.pk}"
                    breaches[key] = {
                        "kind": Breach.Kind.DELETION,
                        "field": "",
                        "before": None,
                        "after": None,
                        "explanation": explanation,
                        "before_snapshot": last_live[0],
                        "after_snapshot": snap,
                    }
            gone = True
            continue
        if terms.deadline:
            deadlines.append(terms.deadline)
        if last_live is not None:
            for change in compare_terms(last_live[1], terms):
                row = TermChange(
                    campaign=campaign,
                    before_snapshot=last_live[0],
                    after_snapshot=snap,
                    field=change.field,
                    before=_cut(change.before),
                    after=_cut(change.after),
                    direction=change.direction,
                    explanation=change.explanation[:500],
                    needs_review=change.needs_review,
                    detected_at=now,
                )
                changes.append(row)
                if change.direction == AGAINST_CONSUMER:
                    digest = hashlib.sha1(  # noqa: S324 - a key, not security
                        f"{change.before}|{change.after}".encode()
                    ).hexdigest()[:12]
                    key = f"term_change:{change.field}:{last_live[0].pk}:{snap.pk}:{digest}"
                    breaches[key] = {
                        "kind": Breach.Kind.TERM_CHANGE,
                        "field": change.field,
                        "before": _cut(change.before),
                        "after": _cut(change.after),
                        "explanation": change.explanation[:500],
                        "before_snapshot": last_live[0],
                        "after_snapshot": snap,
                    }
        last_live = (snap, terms)
        gone = False

    TermChange.objects.filter(campaign=campaign).delete()
    TermChange.objects.bulk_create(changes)
    changes = list(
        TermChange.objects.filter(campaign=campaign).order_by("after_snapshot__sequence", "id")
    )

    new: list[Breach] = []
    existing = {b.key: b for b in Breach.objects.filter(campaign=campaign)}
    for key, values in breaches.items():
        row = existing.get(key)
        if row is None:
            row = Breach.objects.create(campaign=campaign, key=key, detected_at=now, **values)
            new.append(row)
        elif row.retracted_at is not None:
            Breach.objects.filter(pk=row.pk).update(retracted_at=None)
            row.retracted_at = None
            new.append(row)
    for key, row in existing.items():
        if key not in breaches and row.retracted_at is None:
            Breach.objects.filter(pk=row.pk).update(retracted_at=now)
    for row in new:
        audit_log(
            "campaign.breach_detected",
            actor_label="campaigns",
            target=campaign,
            data={
                "breach_id": row.pk,
                "kind": row.kind,
                "explanation": row.explanation,
                "snapshots": [row.before_snapshot.sequence, row.after_snapshot.sequence],
            },
        )
    _refresh_status(campaign, observations, deadlines)
    breaches_risk_refresh(campaign=campaign)
    return changes, new


def _refresh_status(campaign: Campaign, observations, deadlines) -> None:
    campaign.refresh_from_db(fields=["status"])
    if campaign.status in FINAL_STATUSES:
        return
    today = timezone.localdate()
    if observations and observations[-1][0].observed_deleted:
        status = Campaign.Status.DELETED
    elif campaign.starts_on and today < campaign.starts_on:
        status = Campaign.Status.ANNOUNCED
    elif deadlines and today > max(deadlines):
        status = Campaign.Status.ENDED
    else:
        status = Campaign.Status.RUNNING
    if status != campaign.status:
        Campaign.objects.filter(pk=campaign.pk).update(status=status)
        campaign.status = status


def breaches_risk_refresh(*, campaign: Campaign) -> None:
    """The merchant's risk part ``breaches:<campaign>``: points per active breach, capped, with
    every breach explained in Chinese. No active breach removes the part."""
    active = list(
        Breach.objects.filter(campaign=campaign, retracted_at__isnull=True).order_by("detected_at")
    )
    per = settings.CAMPAIGNS_BREACH_POINTS
    points = float(min(per * len(active), settings.CAMPAIGNS_BREACH_POINTS_CAP)) if active else 0
    explanation = ""
    if active:
        listed = "；".join(b.explanation for b in active)
        explanation = f"集赞活动“{campaign.title}”有{len(active)}处违反已公布的规则：{listed}"
        if len(explanation) + len(LEGAL_NOTE) > 500:
            explanation = explanation[: 499 - len(LEGAL_NOTE)] + "…"
        explanation += LEGAL_NOTE
    risk_component_record(
        merchant_id=campaign.merchant_id,
        source=RISK_SOURCE,
        key=f"breaches:{campaign.pk}",
        points=points,
        explanation=explanation,
        data={
            "campaign_id": campaign.pk,
            "public_id": campaign.public_id,
            "breach_ids": [b.pk for b in active],
        },
    )


def breach_open_report(*, breach: Breach, actor, ip: str | None = None) -> str:
    """Open a 举报 case from a breach and link it; returns the case's tracking number.

    The case is opened by the app that takes 举报, answering ``report_requested``
    (``campaigns.signals``) inside this transaction. Opening twice returns the case already
    opened.
    """
    if breach.report_tracking_number:
        return breach.report_tracking_number
    campaign = breach.campaign
    report = breach_report(breach, ip=ip)
    with transaction.atomic():
        locked = Breach.objects.select_for_update().get(pk=breach.pk)
        if locked.report_tracking_number:
            return locked.report_tracking_number
        answers = report_requested.send(sender=Breach, report=report)
        opened = [r for _, r in answers if r is not None]
        if len(opened) != 1:
            raise ServiceUnavailable("没有受理举报的模块，无法从违规记录发起举报")
        case = opened[0]
        Breach.objects.filter(pk=breach.pk).update(
            report_case_id=case.case_id, report_tracking_number=case.tracking_number
        )
        breach.report_case_id = case.case_id
        breach.report_tracking_number = case.tracking_number
        audit_log(
            "campaign.report_case_opened",
            actor=actor,
            target=campaign,
            ip=ip,
            data={"breach_id": breach.pk, "tracking_number": case.tracking_number},
        )
    return breach.report_tracking_number


def breach_report(breach: Breach, *, ip: str | None = None) -> BreachReport:
    """The 举报 of a breach: the campaign, the breach and both snapshots with their hashes."""
    campaign = breach.campaign
    before, after = breach.before_snapshot, breach.after_snapshot
    lines = [
        f"集赞活动“{campaign.title}”（编号 {campaign.public_id}）：{breach.explanation}。",
        f"证据：快照 #{before.sequence}（{_local(before.captured_at)}，SHA-256 "
        f"{before.content_sha256}）与快照 #{after.sequence}（{_local(after.captured_at)}，"
        f"SHA-256 {after.content_sha256}）。",
        "由监管人员根据集赞活动监测记录发起。",
    ]
    return BreachReport(
        merchant_name=campaign.merchant.display_name,
        platform=campaign.platform,
        handle=campaign.handle,
        description="\n".join(lines),
        campaign_url=campaign.source_url,
        occurred_on=after.captured_at.astimezone(CHINA_TZ).date(),
        region_code=campaign.merchant.region_code or "",
        ip=ip,
    )
