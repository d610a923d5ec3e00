"""Content sniffing and image checks, independent of file names."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from complaints.evidence import EvidenceRejected, check_upload, sniff
from tests.complaints.conftest import png_bomb, png_bytes


def image(fmt: str) -> bytes:
    if fmt == "HEIF":
        from pillow_heif import register_heif_opener

        register_heif_opener()
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), (1, 2, 3)).save(buf, fmt)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (lambda: image("JPEG"), "jpeg"),
        (lambda: image("PNG"), "png"),
        (lambda: image("WEBP"), "webp"),
        (lambda: image("HEIF"), "heic"),
        (lambda: b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n", "pdf"),
        (lambda: "微信聊天记录\n商家：正品\n".encode(), "text"),
        (lambda: "微信聊天记录\n商家：正品\n".encode("gb18030"), "text"),
    ],
    ids=["jpeg", "png", "webp", "heic", "pdf", "utf8-text", "gb18030-text"],
)
def test_accepted_types_are_recognised_by_content_whatever_the_name(content, kind):
    checked = check_upload(SimpleUploadedFile("whatever.bin", content()))
    assert checked.kind == kind


@pytest.mark.parametrize(
    "content",
    [
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        b"\xef\xbb\xbf  <html><body>hi</body></html>",
        b"<?xml version='1.0'?><x/>",
        "聊天记录 <script>alert(1)</script>".encode(),
        b"PK\x03\x04" + b"\x00" * 40,  # zip
        b"\x7fELF\x02\x01\x01" + b"\x00" * 40,  # executable
        b"GIF89a" + b"\x00" * 40,  # not on the list
        b"\xff\xd8\xff\xe0garbage that is not a jpeg",
    ],
    ids=["svg", "html-with-bom", "xml", "text-with-script", "zip", "elf", "gif", "fake-jpeg"],
)
def test_refused_content(content):
    with pytest.raises(EvidenceRejected):
        check_upload(SimpleUploadedFile("photo.jpg", content))


def test_a_polyglot_png_is_kept_as_a_png_and_only_ever_served_as_an_attachment():
    """A PNG with HTML appended is a valid PNG; we keep the original (it is evidence) and rely
    on attachment + nosniff + CSP sandbox when serving it (test_complaint_admin)."""
    checked = check_upload(SimpleUploadedFile("x.png", png_bytes() + b"<html><script>1</script>"))
    assert checked.kind == "png"


def test_the_bomb_is_refused_from_the_header_without_decoding():
    with pytest.raises(EvidenceRejected) as exc:
        check_upload(SimpleUploadedFile("bomb.png", png_bomb(12_000, 12_000)))
    assert exc.value.code == "image_bomb"


def test_the_pixel_cap_is_a_setting(settings):
    settings.IMAGE_MAX_PIXELS = 100
    with pytest.raises(EvidenceRejected) as exc:
        check_upload(SimpleUploadedFile("a.png", png_bytes((20, 20))))
    assert exc.value.code == "image_bomb"


def test_sniff_of_nothing_is_nothing():
    assert sniff(b"") is None


def test_names_are_cleaned_for_display():
    checked = check_upload(SimpleUploadedFile("../../etc/\u202egnp.exe", png_bytes()))
    assert checked.name == "gnp.exe" and "/" not in checked.name


@pytest.mark.parametrize(
    "head",
    [
        b"<!DOCTYPE html><p>",
        b"<?xml version='1.0'?><x/>",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        b"a drawing ends with </svg>\n",
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
        b"\xff\xd8\xff\xe0\x00\x10JFIF",
        "聊天记录 2026-12-01 你好".encode(),
    ],
)
def test_the_markup_check_answers_as_puremagic_reading_all_its_signatures(head):
    """Only puremagic's markup rows are tried; the answer is the one its full identification
    gives."""
    import puremagic

    from complaints.evidence import _MARKUP_EXTS, _puremagic_says_markup

    try:
        full = any(m.extension.lower() in _MARKUP_EXTS for m in puremagic.magic_string(head))
    except puremagic.PureError:
        full = False
    assert _puremagic_says_markup(head) is full
