"""Fixtures for the imaging suite: complaint cases and campaign snapshots carrying screenshots,
read in-process (the worker test reads them through the real ``ocr`` queue instead)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.campaigns.conftest import make_campaign  # noqa: F401 (fixture)
from tests.imaging.images import offer_screenshot


@pytest.fixture(autouse=True)
def _imaging_defaults(request, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.OCR_ENABLED = True
    if request.node.get_closest_marker("django_db") or "db" in request.fixturenames:
        request.getfixturevalue("db")
        from complaints.defaults import seed
        from complaints.models import DeadlineRule, RefusalGround

        seed(DeadlineRule, RefusalGround)


def upload(png: bytes, name: str = "截图.png"):
    from complaints.evidence import check_upload

    return check_upload(SimpleUploadedFile(name, png, content_type="image/png"))


def complaint(png: bytes | None = None, **overrides):
    """A complaint submitted through intake with the screenshot (default: the offer) attached."""
    from complaints.services import case_submit

    data = {
        "kind": "complaint",
        "merchant_wechat_id": "lv_haohuo888",
        "merchant_name": "潮品小铺",
        "description": "朋友圈买的LV包是假货，截图里有商家的收款码。",
        "demand": "退款",
        "name": "张三",
        "phone": "13812345678",
        "address": "广东省广州市天河区体育西路1号",
        "consent": True,
    }
    data.update(overrides)
    data = {k: v for k, v in data.items() if v is not None}
    png = offer_screenshot().png if png is None else png
    return case_submit(data=data, files=[upload(png)])[0].case


@pytest.fixture
def file_case(db):
    """``file_case(png, **form)`` → a submitted complaint with the screenshot as evidence."""
    return complaint


NOTICE_LINES = (
    "转发集赞活动",
    "集满38个赞",
    "即可到店免费领取价值58元的保温杯一个",
    "截止2025年11月9日",
)


@pytest.fixture
def consumer_snapshot(make_campaign):  # noqa: F811
    """A consumer's screenshot of a 集赞 notice (``NOTICE_LINES``), stored as a snapshot."""
    from campaigns.services import ImageInput, snapshot_record
    from tests.campaigns.conftest import at

    shot = offer_screenshot(lines=NOTICE_LINES, codes=())
    result = snapshot_record(
        campaign=make_campaign(),
        source="consumer",
        image=ImageInput(content=shot.png, name="jizan.png"),
        captured_at=at("2025-11-05"),
        actor_label="consumer",
    )
    return result.snapshot
