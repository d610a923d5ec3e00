"""Evidence files: decide the type from the bytes, refuse what is dangerous, keep the original
byte for byte with its SHA-256, and make an EXIF-free preview for display.

The type is decided by content, never by the name: our own magic-byte checks first, then
puremagic as a second opinion that must not call the file markup (HTML, SVG, XML). Images are
opened with Pillow with a pixel cap below Pillow's own, and Pillow's DecompressionBombWarning is
raised as an error, so a 100 KB PNG that decodes to 100 megapixels is refused.
"""

import codecs
import hashlib
import io
import logging
import uuid
import warnings
from dataclasses import dataclass, field

import puremagic
from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps

from core.errors import ValidationFailed
from core.images import ImageRefused, image_check, image_max_pixels

ALLOWED_LABEL = gettext_lazy("JPEG, PNG, WebP, HEIC photos, PDF, plain-text chat exports")
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_MARKUP_EXTS = {".html", ".htm", ".xhtml", ".svg", ".svgz", ".xml", ".xsl", ".mht", ".shtml"}
_MARKUP_TAGS = (
    b"<html",
    b"<svg",
    b"<script",
    b"<!doctype",
    b"<?xml",
    b"<body",
    b"<iframe",
    b"<head",
    b"<object",
    b"<embed",
    b"<img",
    b"<a ",
    b"<meta",
    b"<style",
)
_PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "heic": "HEIF"}
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
_STAGING_SALT = "complaints.evidence.staging"
_heif_registered = False

log = logging.getLogger(__name__)


class EvidenceRejected(ValidationFailed):
    """One file was refused; ``code`` says why (too_large, empty, type_refused, image_bomb,
    image_broken, too_many)."""


@dataclass
class CheckedFile:
    """A file that passed the checks, ready to be stored."""

    name: str
    kind: str
    size: int
    sha256: str
    width: int | None = None
    height: int | None = None
    content: File | None = field(default=None, repr=False)
    staged_path: str = ""
    staged_token: str = ""


def max_file_mb() -> int:
    return settings.COMPLAINTS_MAX_FILE_BYTES // (1024 * 1024)


def check_upload(uploaded) -> CheckedFile:
    """Validate one uploaded file (a Django ``UploadedFile`` or any file object with a name)."""
    name = _safe_name(getattr(uploaded, "name", "") or "")
    size = getattr(uploaded, "size", None)
    if size is None:
        uploaded.seek(0, io.SEEK_END)
        size = uploaded.tell()
    if size == 0:
        raise EvidenceRejected(_("“%(name)s” is empty (0 bytes).") % {"name": name}, code="empty")
    if size > settings.COMPLAINTS_MAX_FILE_BYTES:
        raise EvidenceRejected(
            _("“%(name)s” is larger than %(mb)s MB.") % {"name": name, "mb": max_file_mb()},
            code="too_large",
        )
    digest = hashlib.sha256()
    uploaded.seek(0)
    head = b""
    for chunk in _chunks(uploaded):
        if len(head) < 8192:
            head += chunk[: 8192 - len(head)]
        digest.update(chunk)
    uploaded.seek(0)
    kind = sniff(head)
    if kind is None:
        raise EvidenceRejected(
            _("“%(name)s” is not an accepted file type. Accepted: %(allowed)s.")
            % {"name": name, "allowed": ALLOWED_LABEL},
            code="type_refused",
        )
    checked = CheckedFile(name=name, kind=kind, size=size, sha256=digest.hexdigest())
    if kind in _PILLOW_FORMATS:
        checked.width, checked.height = _check_image(uploaded, kind, name)
        uploaded.seek(0)
    checked.content = uploaded if isinstance(uploaded, File) else File(uploaded, name=name)
    return checked


def sniff(head: bytes) -> str | None:
    """The evidence kind these first bytes prove, or None (refused)."""
    if not head:
        return None
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return None  # HTML, SVG, XML: refused whatever the name says
    if head.startswith(b"\xff\xd8\xff"):
        kind = "jpeg"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "png"
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        kind = "webp"
    elif head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        kind = "heic"
    elif head.startswith(b"%PDF-"):
        kind = "pdf"
    elif _is_plain_text(head) and not _looks_like_markup(head):
        kind = "text"
    else:
        return None
    if kind != "text" and _puremagic_says_markup(head):
        return None
    return kind


def _looks_like_markup(head: bytes) -> bool:
    """A "text" file that a browser would render as a page (a renamed .html)."""
    sample = head[:4096].lower()
    return any(tag in sample for tag in _MARKUP_TAGS[:6])


def _puremagic_says_markup(head: bytes) -> bool:
    """Whether puremagic's signature table calls these bytes HTML, SVG or XML. Only the
    table's markup rows are tried (built once below): the same answer as identifying the head
    against all 1,400 signatures and reading the markup ones, at a fraction of the cost."""
    return any(
        (head[offset : offset + len(match)] if offset >= 0 else head[offset:][: len(match)])
        == match
        for offset, match in _MARKUP_SIGNATURES
    )


_MARKUP_SIGNATURES = tuple(
    (row.offset, row.byte_match)
    for row in (*puremagic.magic_header_array, *puremagic.magic_footer_array)
    if row.extension.lower() in _MARKUP_EXTS
) + tuple(
    (row.offset, row.byte_match)
    for rows in puremagic.multi_part_dict.values()
    for row in rows
    if row.extension.lower() in _MARKUP_EXTS
)


def _is_plain_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    sample = head[:8192]
    for encoding in ("utf-8", "gb18030"):
        try:
            # final=False: a multi-byte character may be cut at the end of the sample.
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
        return controls == 0
    return False


def _check_image(fileobj, kind: str, name: str) -> tuple[int, int]:
    """Read the header only: format must match the bytes, pixels must stay under the cap
    (``core.images``, the check campaign screenshots go through too)."""
    _register_heif()
    try:
        info = image_check(fileobj, formats={_PILLOW_FORMATS[kind]}, verify=kind == "png")
    except ImageRefused as refused:
        if refused.code == "too_many_pixels":
            raise EvidenceRejected(
                _("“%(name)s” has too many pixels (limit %(mp)s megapixels).")
                % {"name": name, "mp": image_max_pixels() // 1_000_000},
                code="image_bomb",
            ) from None
        raise EvidenceRejected(
            _("“%(name)s” is not a readable image.") % {"name": name}, code="image_broken"
        ) from None
    return info.width, info.height


def _decoded_bytes(im) -> int:
    bits = {"1": 1, "L": 8, "P": 8, "I;16": 16, "I": 32, "F": 32}.get(
        im.mode, 8 * len(im.getbands())
    )
    return im.width * im.height * max(bits, 8) // 8


def make_preview(path: str) -> bytes | None:
    """A JPEG re-encoded from the original, orientation applied, without EXIF/GPS or any other
    metadata. None for PDFs and text, and for an image whose decoding alone would take more than
    ``COMPLAINTS_PREVIEW_MAX_DECODED_MB`` (the original stays downloadable)."""
    _register_heif()
    with default_storage.open(path, "rb") as fh:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(fh) as im:
                if im.width * im.height > image_max_pixels():
                    raise Image.DecompressionBombError("over the cap")
                scale = min(1.0, 1600 / max(im.size))
                # a JPEG decodes at 1/2 … 1/8 scale, down to the preview's own size
                im.draft("RGB", (max(1, int(im.width * scale)), max(1, int(im.height * scale))))
                if _decoded_bytes(im) > settings.COMPLAINTS_PREVIEW_MAX_DECODED_MB * 1024 * 1024:
                    # A PNG/WebP/HEIC decodes whole: 40 MP of RGBA is 160 MB before any copy.
                    log.info("no preview for %s: %s decoded bytes", path, _decoded_bytes(im))
                    return None
                im.thumbnail((1600, 1600))  # shrink first: every later copy is small
                im = ImageOps.exif_transpose(im)
                im = im.convert("RGB")
                clean = Image.new("RGB", im.size)
                clean.paste(im)
                out = io.BytesIO()
                clean.save(out, "JPEG", quality=85)
                return out.getvalue()


def stage(checked: CheckedFile) -> str:
    """Keep a valid file while the rest of the form is corrected; returns a signed token that
    the form carries in a hidden field, so the consumer need not upload it again."""
    path = default_storage.save(
        f"complaints/staging/{uuid.uuid4().hex}", checked.content or ContentFile(b"")
    )
    payload = {
        "p": path,
        "n": checked.name,
        "k": checked.kind,
        "z": checked.size,
        "s": checked.sha256,
        "w": checked.width,
        "h": checked.height,
    }
    return signing.dumps(payload, salt=_STAGING_SALT, compress=True)


def unstage(token: str) -> CheckedFile | None:
    """The staged file behind a token, re-hashed; None when the token or file is not valid."""
    try:
        data = signing.loads(token, salt=_STAGING_SALT, max_age=24 * 3600)
    except signing.BadSignature:
        return None
    path = data.get("p", "")
    if not path.startswith("complaints/staging/") or not default_storage.exists(path):
        return None
    digest = hashlib.sha256()
    with default_storage.open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(65536), b""):
            digest.update(chunk)
    if digest.hexdigest() != data["s"]:
        return None
    return CheckedFile(
        name=data["n"],
        kind=data["k"],
        size=data["z"],
        sha256=data["s"],
        width=data.get("w"),
        height=data.get("h"),
        staged_path=path,
    )


def _register_heif() -> None:
    global _heif_registered
    if not _heif_registered:
        from pillow_heif import register_heif_opener

        register_heif_opener()
        _heif_registered = True


def _chunks(fileobj):
    if hasattr(fileobj, "chunks"):
        yield from fileobj.chunks()
    else:
        yield from iter(lambda: fileobj.read(65536), b"")


def _safe_name(name: str) -> str:
    """The uploaded name, for display only: no path, no control or bidi characters, short."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in _BIDI)
    return name[:120] or "file"
