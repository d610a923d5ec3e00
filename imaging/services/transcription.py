"""The regulator's work on what OCR read from an image: corrections, then 确认转写.

OCR slips (a 3 read as 8, a dropped 不) must not become a campaign's terms. Before confirming, a
regulator may correct the text: each correction is a new ``TranscriptionCorrection`` row, audited
(``imaging.transcription_corrected``), and the OCR text on the ``ImageText`` stays as read.
确认转写 confirms the newest correction, or the OCR text when there is none; only then is a
campaign snapshot's image parsed for terms, from that confirmed text, recorded as the
regulator's correction of the observation (``campaigns.services.snapshot_correct``).
"""

import hashlib

from django.db import transaction
from django.utils import timezone

from campaigns.services import TERM_FIELDS, snapshot_correct
from campaigns.terms import parse_terms
from core.audit import audit_log
from core.errors import Forbidden, InvalidTransition, ValidationFailed
from imaging.models import ImageText, TranscriptionCorrection
from imaging.selectors import transcription_current

PERMISSION = "imaging.confirm_transcription"
MAX_CHARS = 20_000
NOTE_CHARS = 300


def transcription_clean(text: str | None) -> str:
    """The text as it is stored: line ends unified, trailing spaces and blank ends dropped.
    Raises ``ValidationFailed`` (Chinese) when nothing is left or it is too long."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cleaned = "\n".join(line.rstrip() for line in lines).strip()
    if not cleaned:
        raise ValidationFailed("转写为空，不能保存或确认", fields={"text": ["required"]})
    if len(cleaned) > MAX_CHARS:
        raise ValidationFailed(
            f"转写过长：最多 {MAX_CHARS} 字，现为 {len(cleaned)} 字", fields={"text": ["too_long"]}
        )
    return cleaned


def terms_from_text(snapshot, text: str) -> dict:
    """The campaign terms a confirmed transcription of ``snapshot``'s image states (pure)."""
    parsed = parse_terms(text, reference_date=timezone.localdate(snapshot.captured_at))
    return {k: v for k, v in parsed.to_dict().items() if k in (*TERM_FIELDS, "quantity_limit")}


def _allowed(actor) -> None:
    if actor is None or not actor.has_perm(PERMISSION):
        raise Forbidden("您没有更正或确认截图转写的权限")


def _locked_open(image_text: ImageText) -> ImageText:
    row = ImageText.objects.select_for_update().get(pk=image_text.pk)
    if row.state != ImageText.State.DONE:
        raise InvalidTransition("图片尚未识别完成，不能更正或确认转写")
    if row.confirmed_at is not None:
        raise InvalidTransition("转写已于此前确认")
    return row


def transcription_correct(
    *, image_text: ImageText, actor, text: str, note: str = "", ip=None
) -> TranscriptionCorrection:
    """Store a regulator's correction of the OCR text as a new, audited record. Refused for an
    image not read yet, a confirmed transcription, or a text equal to the current one."""
    _allowed(actor)
    cleaned = transcription_clean(text)
    with transaction.atomic():
        row = _locked_open(image_text)
        return _correct(row, actor=actor, text=cleaned, note=note, ip=ip)


def _correct(row: ImageText, *, actor, text: str, note: str, ip) -> TranscriptionCorrection:
    current, latest = transcription_current(row)
    if text == current.strip():
        raise ValidationFailed(
            "文字与当前转写相同，没有需要保存的更正", fields={"text": ["unchanged"]}
        )
    correction = TranscriptionCorrection.objects.create(
        image=row, text=text, note=(note or "").strip()[:NOTE_CHARS], created_by=actor
    )
    audit_log(
        "imaging.transcription_corrected",
        actor=actor,
        target=row,
        ip=ip,
        data={
            "correction_id": correction.pk,
            "replaces": f"correction:{latest.pk}" if latest else "ocr",
            "image_sha256": row.sha256,
            "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
            "chars": len(text),
            "note": correction.note,
            "snapshot_id": row.snapshot_id,
            "evidence_id": row.evidence_id,
        },
    )
    return correction


def transcription_confirm(
    *, image_text: ImageText, actor, text: str | None = None, note: str = "", ip=None
):
    """A regulator confirms the transcription: the newest correction, or the OCR text. With
    ``text`` differing from it, that text is first stored as a correction (audited), in the
    same transaction. Only then is a campaign snapshot's image parsed for the campaign's terms,
    from the confirmed text. Returns the snapshot correction's ``SnapshotResult``, or None for
    other images."""
    _allowed(actor)
    cleaned = None if text is None else transcription_clean(text)
    with transaction.atomic():
        row = _locked_open(image_text)
        if cleaned is not None and cleaned != transcription_current(row)[0].strip():
            _correct(row, actor=actor, text=cleaned, note=note, ip=ip)
        current, correction = transcription_current(row)
        confirmed = current.strip()
        if not confirmed:
            raise ValidationFailed(
                "未识别到文字，请先在更正框中填写转写再确认", fields={"text": ["required"]}
            )
        updated = ImageText.objects.filter(pk=row.pk, confirmed_at__isnull=True).update(
            confirmed_by=actor, confirmed_at=timezone.now(), confirmed_text=confirmed
        )
        if not updated:
            raise InvalidTransition("转写已于此前确认")
        row.refresh_from_db()
        image_text.refresh_from_db()
        audit_log(
            "imaging.transcription_confirmed",
            actor=actor,
            target=row,
            ip=ip,
            data={
                "sha256": row.sha256,
                "edited": correction is not None,
                "correction_id": correction.pk if correction else None,
                "snapshot_id": row.snapshot_id,
                "evidence_id": row.evidence_id,
            },
        )
        if row.snapshot_id is None:
            return None
        snapshot = row.snapshot
        terms = terms_from_text(snapshot, confirmed)
        how = "按更正后的文字" if correction else "按识别文字"
        return snapshot_correct(
            snapshot=snapshot,
            terms=terms,
            actor=actor,
            note=f"截图转写经确认，{how}（图片 {row.sha256[:12]}）",
            ip=ip,
        )
