"""Every write to campaigns: creating a campaign, recording and correcting snapshots, deriving
term changes and breaches, redemption reports, honour rates, and the merchant's risk parts.

Views, the API, the admin and commands call these functions; nothing else writes. The legal
basis (《规范促销行为暂行规定》, 《消费者权益保护法实施条例》 Art 7) is in docs/campaigns.md.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import logging
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from campaigns.changes import AGAINST_CONSUMER, CHINA_TZ, compare_terms, deletion_is_breach
from campaigns.excuses import EXCUSE_LABELS, find_excuses
from campaigns.models import GENESIS, Breach, Campaign, RedemptionReport, Snapshot, TermChange
from campaigns.signals import BreachReport, report_requested
from campaigns.terms import CampaignTerms, parse_terms
from core.audit import audit_log
from core.errors import InvalidTransition, ServiceUnavailable, ValidationFailed
from core.images import ImageRefused, image_check, image_max_pixels
from merchants.posts import MAX_TEXT_CHARS, PostInput, posts_ingest
from merchants.services import merchant_resolve, risk_component_record

log = logging.getLogger(__name__)

RISK_SOURCE = "campaigns"
LEGAL_NOTE = (
    "（《规范促销行为暂行规定》：促销规则公布后不得变更，附加条件的除外情形仅限有利于消费者）"
)
FINAL_STATUSES = {
    Campaign.Status.HONOURED,
    Campaign.Status.PARTLY_HONOURED,
    Campaign.Status.DISHONOURED,
    Campaign.Status.WITHDRAWN,
}
TERM_FIELDS = ("likes", "gift", "gift_value", "deadline_text", "deadline", "place", "conditions")
_IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
_IMAGE_REFUSED = {  # core.images codes -> (message, fields)
    "too_many_pixels": ("图片像素过多", {"image": ["too many pixels"]}),
    "format": ("仅支持 JPEG、PNG、WebP、GIF", {"image": ["format"]}),
    "not_an_image": ("不是可识别的图片", {"image": ["not an image"]}),
}


@dataclass
class SnapshotResult:
    snapshot: Snapshot
    changes: list[TermChange] = field(default_factory=list)
    new_breaches: list[Breach] = field(default_factory=list)


@dataclass(frozen=True)
class ImageInput:
    content: bytes
    name: str = ""


# --- Campaigns ---------------------------------------------------------------------------------


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


# --- Snapshots -------------------------------------------------------------------------------


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


# --- Changes and breaches ----------------------------------------------------------------------


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


# --- Redemption reports and honour rate --------------------------------------------------------


def report_submit(
    *,
    campaign: Campaign,
    likes_collected: int,
    collected_on: datetime.date,
    outcome: str,
    redeemed_on: datetime.date | None = None,
    excuse_text: str = "",
    source: str = RedemptionReport.Source.WEB,
    ip: str | None = None,
) -> RedemptionReport:
    """Store a consumer's redemption report, scan the excuse, refresh the honour rate."""
    errors: dict[str, list[str]] = {}
    if outcome not in RedemptionReport.Outcome.values:
        errors["outcome"] = ["请选择兑奖结果"]
    if likes_collected is None or likes_collected < 0 or likes_collected > 100_000:
        errors["likes_collected"] = ["点赞数不正确"]
    today = timezone.localdate()
    if collected_on and collected_on > today:
        errors["collected_on"] = ["日期在未来"]
    if redeemed_on and redeemed_on > today:
        errors["redeemed_on"] = ["日期在未来"]
    if redeemed_on and collected_on and redeemed_on < collected_on:
        errors["redeemed_on"] = ["兑奖日期早于集赞日期"]
    if len(excuse_text or "") > 2000:
        errors["excuse_text"] = ["最多2000字"]
    if errors:
        raise ValidationFailed("反馈内容有误", fields=errors)
    with transaction.atomic():
        report = RedemptionReport.objects.create(
            campaign=campaign,
            likes_collected=likes_collected,
            collected_on=collected_on,
            redeemed_on=redeemed_on,
            outcome=outcome,
            excuse_text=(excuse_text or "").strip(),
            excuses=find_excuses(excuse_text or ""),
            source=source,
        )
        audit_log(
            "campaign.redemption_reported",
            actor_label="public" if source == RedemptionReport.Source.WEB else "api",
            target=campaign,
            ip=ip,
            data={"report_id": report.pk, "outcome": outcome, "excuses": report.excuses},
        )
        honour_refresh(campaign=campaign)
    return report


@dataclass(frozen=True)
class Honour:
    reports: int
    received: int
    refusals: int
    rate: float | None  # received / reports, None without reports
    flagged: bool
    excuses: tuple[tuple[str, int], ...] = ()


def honour_compute(campaign: Campaign) -> Honour:
    agg = campaign.reports.aggregate(
        n=Count("id"),
        received=Count("id", filter=Q(outcome=RedemptionReport.Outcome.RECEIVED)),
        refused=Count("id", filter=Q(outcome=RedemptionReport.Outcome.REFUSED)),
    )
    n = agg["n"]
    rate = agg["received"] / n if n else None
    flagged = bool(
        n >= settings.CAMPAIGNS_HONOUR_MIN_REPORTS
        and rate is not None
        and rate * 100 < settings.CAMPAIGNS_HONOUR_FLAG_BELOW_PERCENT
    )
    counts: dict[str, int] = {}
    for codes in campaign.reports.values_list("excuses", flat=True):
        for code in codes or []:
            counts[code] = counts.get(code, 0) + 1
    top = tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return Honour(n, agg["received"], agg["refused"], rate, flagged, top)


def honour_refresh(*, campaign: Campaign) -> Honour:
    """Flag the campaign and set the merchant's ``honour:<campaign>`` risk part when enough
    consumers report that the gift was not given (thresholds in settings)."""
    honour = honour_compute(campaign)
    if honour.flagged != campaign.honour_flagged:
        Campaign.objects.filter(pk=campaign.pk).update(honour_flagged=honour.flagged)
        campaign.honour_flagged = honour.flagged
    explanation = ""
    if honour.flagged:
        pct = round((honour.rate or 0) * 100)
        explanation = (
            f"集赞活动“{campaign.title}”兑现率低：{honour.reports}份兑奖反馈中仅{honour.received}"
            f"份领到礼品（{pct}%），{honour.refusals}份被拒绝"
        )
        if honour.excuses:
            said = "、".join(
                f"{EXCUSE_LABELS.get(code, code)}（{n}次）" for code, n in honour.excuses[:3]
            )
            explanation += f"；商家的说法：{said}"
        explanation += "（《消费者权益保护法实施条例》第七条：奖励、赠送的商品同样受保护）"
    risk_component_record(
        merchant_id=campaign.merchant_id,
        source=RISK_SOURCE,
        key=f"honour:{campaign.pk}",
        points=float(settings.CAMPAIGNS_HONOUR_POINTS) if honour.flagged else 0,
        explanation=explanation,
        data={
            "campaign_id": campaign.pk,
            "reports": honour.reports,
            "received": honour.received,
            "refusals": honour.refusals,
        },
    )
    return honour


# --- helpers -----------------------------------------------------------------------------------


def _check_text(text: str) -> None:
    if text is None:
        raise ValidationFailed("text must be a string", fields={"text": ["invalid"]})
    if len(text) > MAX_TEXT_CHARS:
        raise ValidationFailed(
            f"文字最多{MAX_TEXT_CHARS}字", fields={"text": [f"more than {MAX_TEXT_CHARS}"]}
        )
    if "\x00" in text:
        raise ValidationFailed("文字含有空字符", fields={"text": ["NUL character"]})


def _terms_from_input(values: dict, *, full: bool = False) -> dict:
    """Validated term overrides (``full``: every field, for a correction)."""
    errors: dict[str, list[str]] = {}
    out: dict = {}
    unknown = set(values) - set(TERM_FIELDS) - {"quantity_limit"}
    if unknown:
        errors.update({k: ["unknown term"] for k in sorted(unknown)})
    for key in (*TERM_FIELDS, "quantity_limit"):
        if key not in values:
            continue
        v = values[key]
        if v in ("", None):
            out[key] = () if key == "conditions" else None
            continue
        try:
            if key in ("likes", "quantity_limit"):
                v = int(v)
                if v < 0 or v > 10_000_000:
                    raise ValueError
            elif key == "gift_value":
                v = Decimal(str(v))
                if not v.is_finite() or v < 0 or v >= Decimal("1e8"):
                    raise ValueError
                v = v.quantize(Decimal("0.01"))
            elif key == "deadline":
                if not isinstance(v, datetime.date):
                    v = datetime.date.fromisoformat(str(v))
            elif key == "conditions":
                if isinstance(v, str):
                    v = [line.strip() for line in v.splitlines() if line.strip()]
                v = tuple(str(c)[:200] for c in v)
            else:
                v = str(v).strip()[:300] or None
        except (ValueError, ArithmeticError, TypeError):
            errors[key] = ["invalid"]
            continue
        out[key] = v
    if errors:
        raise ValidationFailed("条款有误", fields=errors)
    if full:
        base = {k: None for k in (*TERM_FIELDS, "quantity_limit")}
        base["conditions"] = ()
        base.update(out)
        return base
    return out


def _overlay(terms: CampaignTerms, explicit: dict) -> CampaignTerms:
    return replace(terms, **explicit)


def _store_image(image: ImageInput) -> dict:
    """Check that the bytes are an image (Pillow, by content) and store them privately."""
    if not image.content or len(image.content) > image_limit_bytes():
        raise ValidationFailed(
            f"截图为空或超过{settings.CAMPAIGNS_MAX_IMAGE_MB}MB", fields={"image": ["size"]}
        )
    try:
        fmt = image_check(io.BytesIO(image.content), formats=_IMAGE_FORMATS, verify=True).format
    except ImageRefused as refused:
        message, fields = _IMAGE_REFUSED[refused.code]
        if refused.code == "too_many_pixels":
            message += f"（上限 {image_max_pixels() // 1_000_000} 百万像素）"
        raise ValidationFailed(message, fields=fields) from None
    digest = hashlib.sha256(image.content).hexdigest()
    now = timezone.now()
    name = f"campaign_snapshots/{now:%Y/%m}/{digest}.{_IMAGE_FORMATS[fmt]}"
    # The name is the content's hash: the same screenshot sent again (a crawler re-capturing an
    # unchanged page) reuses the stored file instead of a suffixed copy too long for the field.
    created = not (default_storage.exists(name) and file_sha256(name) == digest)
    if created:
        name = default_storage.save(name, ContentFile(image.content))
    return {"name": name, "sha256": digest, "created": created}


def image_limit_bytes() -> int:
    return settings.CAMPAIGNS_MAX_IMAGE_MB * 1024 * 1024


def file_sha256(name: str) -> str:
    h = hashlib.sha256()
    with default_storage.open(name, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def _china_date(when: datetime.datetime) -> datetime.date:
    if when.tzinfo is None:
        return when.date()
    return when.astimezone(CHINA_TZ).date()


def _local(when: datetime.datetime) -> str:
    return f"{when.astimezone(CHINA_TZ):%Y-%m-%d %H:%M}"


def _cut(value: str | None) -> str | None:
    return None if value is None else value[:500]


def _user(actor):
    return actor if actor is not None and getattr(actor, "pk", None) else None


def _label(actor, label: str) -> str:
    if label:
        return label[:150]
    if actor is not None and hasattr(actor, "get_username"):
        return actor.get_username()[:150]
    return ""
