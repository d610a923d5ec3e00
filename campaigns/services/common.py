"""Shared by the campaigns services: constants, result types and small helpers."""

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
from django.utils import timezone

from campaigns.changes import CHINA_TZ
from campaigns.models import Breach, Campaign, Snapshot, TermChange
from campaigns.terms import CampaignTerms
from core.errors import ValidationFailed
from core.images import ImageRefused, image_check, image_max_pixels
from merchants.posts import MAX_TEXT_CHARS

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
