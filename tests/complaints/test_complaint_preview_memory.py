"""Previews never cost more memory than the configured budget: an image that would decode whole
past it gets no inline preview (the original is kept and stays downloadable); a JPEG is decoded
at reduced scale first, so a large phone photo still gets one."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from complaints.evidence import make_preview


def _stored(raw: bytes, name: str) -> str:
    return default_storage.save(f"test-previews/{name}", ContentFile(raw))


@pytest.fixture
def budget(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.COMPLAINTS_PREVIEW_MAX_DECODED_MB = 10


def test_a_png_that_would_decode_past_the_budget_gets_no_preview(budget):
    buf = io.BytesIO()
    Image.new("RGBA", (2000, 2000), (0, 0, 0, 0)).save(buf, "PNG")  # 16 MB decoded, tiny file
    raw = buf.getvalue()
    path = _stored(raw, "wide.png")
    assert make_preview(path) is None
    with default_storage.open(path, "rb") as fh:
        assert fh.read() == raw


def test_a_large_jpeg_is_decoded_at_reduced_scale_and_previewed(budget):
    buf = io.BytesIO()
    Image.new("RGB", (4000, 3000), (10, 120, 200)).save(buf, "JPEG")  # 36 MB if decoded whole
    data = make_preview(_stored(buf.getvalue(), "photo.jpg"))
    assert data
    with Image.open(io.BytesIO(data)) as preview:
        assert max(preview.size) <= 1600
