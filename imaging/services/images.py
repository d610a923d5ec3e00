"""Stored reads of images: requesting one, reading it (in the ``ocr`` queue's worker) and the
sweeper (the regulator's correction and confirmation of a transcription: ``transcription``).

A request is a pending ``ImageText`` row written in the transaction that stores the image (the
row is its own outbox, as a pending post is); the read happens later in a worker of the ``ocr``
queue, never in the request. Reading is idempotent: a row that is no longer pending is left
alone, and an image whose bytes were read before (same SHA-256, same engine) reuses that text.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from complaints.services import case_link_merchant
from core.errors import ValidationFailed
from imaging.models import Identifier, ImageText
from imaging.services import identifiers as ids
from imaging.services.reading import (
    Code,
    OcrResult,
    engine_name,
    ocr,
    open_image,
    preview_jpeg,
    read_codes,
)
from lexicon.services import active_scanner
from merchants.models import Merchant, MerchantAccount
from merchants.services import (
    merchant_account_attach,
    merchant_find_read,
    merchant_resolve,
    risk_component_record,
)

log = logging.getLogger(__name__)

IMAGE_KINDS = ("jpeg", "png", "webp", "heic")  # complaints.Evidence kinds that are pictures
MAX_ATTEMPTS = 3
RISK_SOURCE = "imaging"
RISK_POINTS_SHARED_CODE = 10.0


# --- Requests ----------------------------------------------------------------------------------


def image_text_request(
    *,
    origin: str,
    file_name: str,
    sha256: str,
    evidence=None,
    snapshot=None,
    origin_ref: str = "",
    region_code: str = "",
    new_holder: bool = False,
) -> ImageText:
    """Record that a stored image is to be read (idempotent per holder). The caller publishes
    ``imaging.read_image`` with the row's id after its transaction commits; the sweeper
    publishes it again if that is lost. ``imaging.signals`` calls this for complaint evidence
    and campaign snapshots; the WeChat channel calls it with ``origin="wechat"`` and its
    message reference for images it stores elsewhere. ``new_holder``: the evidence or snapshot
    was created in this transaction (the model signals), so the row is inserted without a look
    for an earlier one — one statement in the submission instead of four."""
    if origin not in ImageText.Origin.values:
        raise ValidationFailed(f"未知的图片来源 {origin!r}", fields={"origin": ["invalid"]})
    if evidence is not None:
        holder = {"evidence": evidence}
    elif snapshot is not None:
        holder = {"snapshot": snapshot}
    elif origin_ref:
        holder = {"origin": origin, "origin_ref": origin_ref[:100]}
    else:
        raise ValidationFailed("图片没有来源编号", fields={"origin_ref": ["required"]})
    fields = {"origin": origin, "file_name": file_name[:200], "sha256": sha256,
              "region_code": region_code}  # fmt: skip
    if new_holder:  # the holder row was inserted just now: no read of it can exist (1 INSERT)
        return ImageText.objects.create(**holder, **fields)
    return ImageText.objects.get_or_create(**holder, defaults=fields)[0]


def images_sweep_pending(*, older_than_seconds: int = 300, limit: int = 500) -> list[int]:
    """Pending reads requested longer ago than ``older_than_seconds`` (their publication was
    lost, or their worker died): marked requested now and returned for publishing again."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    with transaction.atomic():
        found = list(
            ImageText.objects.filter(state=ImageText.State.PENDING, requested_at__lt=cutoff)
            .order_by("requested_at")
            .values_list("id", flat=True)[:limit]
        )
        ImageText.objects.filter(pk__in=found).update(requested_at=timezone.now())
    return found


# --- Reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pixels:
    text: str
    lines: list
    mean_score: float | None
    seconds: float
    codes: list[Code]


def image_read(*, image_text_id: int) -> ImageText | None:
    """Read one pending image: OCR, QR codes, the scanner over both, accounts and links."""
    claimed = ImageText.objects.filter(
        pk=image_text_id, state=ImageText.State.PENDING, attempts__lt=MAX_ATTEMPTS
    ).update(attempts=F("attempts") + 1)
    if not claimed:
        _give_up(image_text_id)
        return None
    row = ImageText.objects.get(pk=image_text_id)
    pixels = _pixels(row)
    with transaction.atomic():
        row = ImageText.objects.select_for_update().get(pk=image_text_id)
        if row.state != ImageText.State.PENDING:
            return row  # another delivery of the same request finished first
        merchant = _merchant_of(row, pixels)
        row.text = pixels.text
        row.lines = pixels.lines
        row.mean_score = pixels.mean_score
        row.seconds = round(pixels.seconds, 3)
        row.engine = engine_name()
        row.merchant = merchant
        row.region_code = _region_of(row) or row.region_code
        _scan(row, pixels)
        row.state = ImageText.State.DONE
        row.read_at = timezone.now()
        row.error = ""
        row.save()
        _identifiers_record(row, pixels, merchant)
        _risk_record(row)
    return row


def image_read_failed(*, image_text_id: int, error: str) -> None:
    """The read of an image ended in error (time limit, unreadable file): recorded for the
    regulator; after ``MAX_ATTEMPTS`` the row stops being retried."""
    ImageText.objects.filter(pk=image_text_id, state=ImageText.State.PENDING).update(
        error=error[:500]
    )
    ImageText.objects.filter(
        pk=image_text_id, state=ImageText.State.PENDING, attempts__gte=MAX_ATTEMPTS
    ).update(state=ImageText.State.FAILED)


def _give_up(image_text_id: int) -> None:
    ImageText.objects.filter(
        pk=image_text_id, state=ImageText.State.PENDING, attempts__gte=MAX_ATTEMPTS
    ).update(state=ImageText.State.FAILED, error="多次识别未完成")


def _pixels(row: ImageText) -> Pixels:
    """OCR text and codes of the row's file; the text of an identical image read before with
    the same engine is reused instead of reading it again."""
    with default_storage.open(row.file_name, "rb") as fh:
        data = fh.read()
    image = open_image(data)
    codes = read_codes(image)
    earlier = (
        ImageText.objects.filter(
            sha256=row.sha256, state=ImageText.State.DONE, engine=engine_name()
        )
        .exclude(pk=row.pk)
        .values("text", "lines", "mean_score")
        .first()
    )
    if earlier is not None:
        return Pixels(earlier["text"], earlier["lines"], earlier["mean_score"], 0.0, codes)
    result: OcrResult = ocr(image, threads=settings.OCR_THREADS)
    lines = [{"text": x.text, "score": x.score, "box": x.box} for x in result.lines]
    return Pixels(result.text, lines, result.mean_score, result.seconds, codes)


def image_preview(image_text: ImageText) -> bytes:
    """The stored image of a read as a re-encoded JPEG (no EXIF, no location), for the page."""
    with default_storage.open(image_text.file_name, "rb") as fh:
        return preview_jpeg(fh.read())


def _holder_case(row: ImageText):
    return row.evidence.case if row.evidence_id else None


def _region_of(row: ImageText) -> str:
    if row.evidence_id:
        return row.evidence.case.region_code
    if row.snapshot_id:
        return row.snapshot.campaign.merchant.region_code
    return ""


def _merchant_of(row: ImageText, pixels: Pixels) -> Merchant | None:
    """Whom the image is about: the case's or campaign's merchant; else a merchant whose 微信号
    the text names (OCR confusions allowed); else the owner of a pay code in it."""
    case = _holder_case(row)
    if case is not None:
        case_link_merchant(case=case)  # idempotent; the intake follow-up may not have run yet
        if case.merchant_id:
            return Merchant.objects.get(pk=case.merchant_id)
    if row.snapshot_id:
        return row.snapshot.campaign.merchant
    for handle in ids.wechat_ids_in(pixels.text):
        found = merchant_find_read(handle=handle, platform=MerchantAccount.Platform.WECHAT_ID)
        if found:
            return found[0]
    for code in pixels.codes:
        if ids.classify_payload(code.text) == ids.PAY_CODE:
            return merchant_resolve(
                platform=MerchantAccount.Platform.PAYEE,
                handle=code.text,
                display_name=f"收款码 {code.text[:40]}",
                region_code=_region_of(row),
            )
    return None


def _scan(row: ImageText, pixels: Pixels) -> None:
    """The OCR text and the decoded payloads through the active lexicon's scanner, as a post's
    text is; each finding says whether it was read from the text or from a QR code."""
    payloads = [c.text for c in pixels.codes]
    text = "\n".join([pixels.text, *payloads]) if payloads else pixels.text
    version, scanner = active_scanner()
    result = scanner.scan(text)
    qr_from = len(pixels.text) + 1 if payloads else len(text) + 1
    row.findings = [
        {
            "category": f.category,
            "rule": f.rule,
            "term": f.term,
            "matched": f.matched,
            "start": f.start,
            "end": f.end,
            "severity": f.severity,
            "context": f.context,
            "legal_basis": f.legal_basis,
            "read_from": "qr" if f.start >= qr_from else "ocr",
        }
        for f in result.findings
    ]
    row.categories = ",".join(sorted({f.category for f in result.findings}))
    row.score = result.score
    row.lexicon_version = version.number


def _identifiers_record(row: ImageText, pixels: Pixels, merchant: Merchant | None) -> None:
    found: list[tuple[str, str, str]] = [
        (ids.classify_payload(c.text), "qr", c.text) for c in pixels.codes
    ]
    found += [(Identifier.Kind.WECHAT_ID, "ocr", h) for h in ids.wechat_ids_in(pixels.text)]
    for kind, source, value in found:
        account = owner = None
        if kind == ids.PAY_CODE and merchant is not None:
            account = merchant_account_attach(
                merchant=merchant, platform=MerchantAccount.Platform.PAYEE, handle=value
            )
        elif kind == Identifier.Kind.WECHAT_ID:
            matches = merchant_find_read(handle=value, platform=MerchantAccount.Platform.WECHAT_ID)
            owner = matches[0] if matches else None
        if account is not None:
            owner = Merchant.objects.get(pk=account.merchant_id)
            while owner.merged_into_id:
                owner = Merchant.objects.get(pk=owner.merged_into_id)
        Identifier.objects.update_or_create(
            image=row,
            kind=kind,
            value=value[:1000],
            defaults={"source": source, "account": account, "owner": owner},
        )


def _risk_record(row: ImageText) -> None:
    """A pay code of one merchant in an image of another links the two: each gets an explained
    risk part naming the other. (Findings in a consumer's evidence stay with the case until a
    regulator acts on it, as the complaint itself does.)"""
    if row.merchant_id is None:
        return
    for ident in row.identifiers.filter(kind=Identifier.Kind.PAY_CODE, owner__isnull=False):
        if ident.owner_id == row.merchant_id:
            continue
        pair = sorted([ident.owner_id, row.merchant_id])
        for this, other in ((ident.owner_id, row.merchant_id), (row.merchant_id, ident.owner_id)):
            name = Merchant.objects.filter(pk=other).values_list("display_name", flat=True)[0]
            risk_component_record(
                merchant_id=this,
                source=RISK_SOURCE,
                key=f"shared-code:{ident.account_id}:{pair[0]}-{pair[1]}",
                points=RISK_POINTS_SHARED_CODE,
                explanation=f"与商家“{name}”使用同一收款码（截图二维码识别）",
                data={"account_id": ident.account_id, "other_merchant_id": other},
            )
    if row.origin == ImageText.Origin.SNAPSHOT and row.findings:
        worst = max(f["severity"] for f in row.findings)
        rules = "、".join(sorted({f["matched"] for f in row.findings})[:5])
        risk_component_record(
            merchant_id=row.merchant_id,
            source=RISK_SOURCE,
            key=f"image:{row.pk}",
            points=float(worst * 2),
            explanation=f"活动截图文字（文字识别）含：{rules}"[:500],
            data={"image_text_id": row.pk, "categories": row.categories},
        )
