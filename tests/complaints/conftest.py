"""Fixtures for the complaints suite: tiny valid files, a filled form, a submitted case."""

import io
import struct
import zlib

import pytest
from PIL import Image


@pytest.fixture(autouse=True)
def _complaints_defaults(request, settings, monkeypatch):
    """Tasks run inline after commit (even when CI sets a broker), and the seeded rules exist
    even after a transactional test flushed the tables."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from complaints.services import followups

    # Each test gets its own follow-up thread: an earlier test's follow-ups, failing on the
    # tables its end flushed, would hold the shared one in its retry pause (up to 30 s). And a
    # streamed response an earlier test never read sends no request_finished (gunicorn always
    # does), which would leave the process "answering a request" for the follow-ups.
    monkeypatch.setattr(followups, "FOLLOW_UPS", followups._FollowUps())
    followups.REQUESTS.in_flight = 0
    if request.node.get_closest_marker("django_db") or "db" in request.fixturenames:
        request.getfixturevalue("db")  # transactional when the marker says so
        from complaints.defaults import seed
        from complaints.models import DeadlineRule, RefusalGround

        seed(DeadlineRule, RefusalGround)


def png_bytes(size=(8, 8), color=(200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


def jpeg_with_gps() -> bytes:
    """A JPEG carrying EXIF with a GPS block, as phone photos do."""
    img = Image.new("RGB", (16, 12), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (23.0, 7.0, 1.0), 3: "E", 4: (113.0, 15.0, 1.0)}
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def png_bomb(width=10_000, height=10_000) -> bytes:
    """A ~100 KB PNG whose header promises width × height grey pixels (zlib, no Pillow)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    raw = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * width
    data = b"".join(raw.compress(row) for _ in range(height)) + raw.flush()
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def complaint_post(**overrides) -> dict:
    data = {
        "kind": "complaint",
        "merchant_wechat_id": "meizhuang_888",
        "merchant_name": "美妆小铺",
        "description": "在朋友圈买的面霜是假货，商家拒绝退款。",
        "occurred_on": "2026-11-01",
        "amount_paid": "299.00",
        "payment_method": "wechat_transfer",
        "demand": "退还货款299元",
        "campaign_url": "",
        "name": "张三",
        "phone": "13812345678",
        "address": "广东省广州市天河区体育西路1号",
        "email": "",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def submit(db, django_capture_on_commit_callbacks):
    """Submit through the service (as the form would) and return (case, access_code)."""
    from complaints import services

    def make(**overrides):
        data = {
            "kind": "complaint",
            "merchant_wechat_id": "meizhuang_888",
            "merchant_name": "美妆小铺",
            "description": "在朋友圈买的面霜是假货，商家拒绝退款。",
            "demand": "退款",
            "name": "张三",
            "phone": "13812345678",
            "address": "广东省广州市天河区体育西路1号",
            "consent": True,
        }
        data.update(overrides)
        files = data.pop("files", [])
        with django_capture_on_commit_callbacks(execute=True):
            result = services.case_submit(data=data, files=files)
        return result[0].case, result[0].access_code

    return make
