"""End to end through the real workers on PostgreSQL + Redis: a consumer files a complaint with
a screenshot of a counterfeit offer carrying a pay code and a look-alike payment link; the
``ocr`` queue's worker (one process) reads it while intake has long returned. The OCR text is
flagged by the scanner, the pay code becomes the merchant's account (and links a second seller
using it), and the decoded link is a phishing finding."""

import time

import pytest

from imaging.models import ImageText
from imaging.selectors import merchants_sharing_codes
from imaging.tasks import OCR_REQUESTS
from merchants.models import MerchantAccount, RiskComponent
from tests.broker import using_broker
from tests.foundation.test_worker import start_worker, stop_worker, wait_for
from tests.imaging.conftest import complaint
from tests.imaging.images import LOOKALIKE_URL, PAY_CODE, offer_screenshot
from tests.merchants.test_pipeline_worker import needs_postgres  # noqa: F401 (fixture)


def _submit(wechat_id: str, name: str, png: bytes):
    started = time.perf_counter()
    case = complaint(png, merchant_wechat_id=wechat_id, merchant_name=name)
    return case, time.perf_counter() - started


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_a_screenshot_is_read_by_the_ocr_worker(broker_url, needs_postgres, settings):  # noqa: F811
    png = offer_screenshot(jpeg=True).png
    with using_broker(broker_url, settings=settings):
        first, took = _submit("lv_haohuo888", "潮品小铺", png)
        second, _ = _submit("bag_outlet_99", "名品折扣店", png)
        OCR_REQUESTS.flush()
    assert took < 5  # the read is not part of intake (it takes ~1 s of CPU alone)
    rows = ImageText.objects.filter(evidence__case__in=[first, second])
    assert rows.count() == 2 and set(rows.values_list("state", flat=True)) == {"pending"}

    media = {"MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    workers = [
        start_worker(broker_url, extra_env=media),  # the default queue: intake follow-up, scans
        start_worker(broker_url, extra_env=media, queues=("ocr",)),  # as `make worker-ocr`
    ]
    try:
        assert wait_for(lambda: rows.filter(state="done").count() == 2, 240, step=1), list(
            rows.values("state", "error", "attempts")
        )
    finally:
        for worker in workers:
            stop_worker(worker)

    read = rows.get(evidence__case=first)
    assert "一比一复刻" in read.text
    assert "counterfeit.replica" in {f["rule"] for f in read.findings}
    phishing = [f for f in read.findings if f["category"] == "phishing"]
    assert phishing and phishing[0]["read_from"] == "qr"
    assert phishing[0]["matched"] in LOOKALIKE_URL
    first.refresh_from_db()
    second.refresh_from_db()
    account = MerchantAccount.objects.get(platform="payee", handle=PAY_CODE)
    owner = account.merchant_id
    assert owner in (first.merchant_id, second.merchant_id)
    other = second.merchant_id if owner == first.merchant_id else first.merchant_id
    assert [m for _i, m in merchants_sharing_codes(owner)] == [other]
    assert RiskComponent.objects.filter(merchant_id=other, source="imaging").exists()
