"""Every image that enters is read (SQLite, in-process): complaint evidence and campaign
snapshots get a pending read in the same transaction; reading it stores the text with the
image, scans it like a post, records the pay code as the merchant's account and links sellers
sharing it; a 集赞 screenshot's terms are parsed only once a regulator confirms the text."""

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from core.errors import InvalidTransition
from core.models import AuditEntry
from imaging.models import Identifier, ImageText
from imaging.selectors import image_texts_visible, merchants_sharing_codes
from imaging.services.images import image_read, images_sweep_pending
from imaging.services.transcription import transcription_confirm
from merchants.models import MerchantAccount, RiskComponent
from merchants.services import merchant_resolve
from tests.imaging.images import LOOKALIKE_URL, OFFER_LINES, PAY_CODE, offer_screenshot

pytestmark = pytest.mark.django_db


def read(row: ImageText) -> ImageText:
    image_read(image_text_id=row.pk)
    return ImageText.objects.get(pk=row.pk)


def test_evidence_gets_a_pending_read_and_no_text_before_the_worker(file_case):
    case = file_case()
    row = ImageText.objects.get(evidence__case=case)
    assert row.state == "pending"
    assert row.sha256 == case.evidence.get().sha256
    assert row.text == ""


def test_the_read_request_costs_the_submission_one_statement(file_case):
    """OCR is asynchronous: what it adds to intake is the pending row, one INSERT."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        file_case()
    imaging = [q["sql"] for q in queries.captured_queries if "imaging_" in q["sql"]]
    assert len(imaging) == 1 and imaging[0].startswith("INSERT")


def test_a_disabled_reader_requests_nothing(file_case, settings):
    settings.OCR_ENABLED = False
    file_case()
    assert not ImageText.objects.exists()


def test_the_screenshot_is_read_scanned_and_its_codes_recorded(file_case):
    case = file_case()
    row = read(ImageText.objects.get(evidence__case=case))
    assert row.state == "done"
    assert "一比一复刻" in row.text
    # Scanned like a post: the counterfeit offer in the text, the look-alike link in the QR code.
    rules = {(f["rule"], f["read_from"]) for f in row.findings}
    assert ("counterfeit.replica", "ocr") in rules
    assert any(f["category"] == "phishing" and f["read_from"] == "qr" for f in row.findings)
    assert set(row.categories.split(",")) >= {"counterfeit", "phishing"}
    # The pay code is now an account of the case's merchant.
    case.refresh_from_db()
    account = MerchantAccount.objects.get(platform="payee", handle=PAY_CODE)
    assert account.merchant_id == case.merchant_id == row.merchant_id
    kinds = dict(row.identifiers.values_list("kind", "value"))
    assert kinds["pay_code"] == PAY_CODE
    assert kinds["url"] == LOOKALIKE_URL


def test_reading_twice_changes_nothing(file_case):
    row = ImageText.objects.get(evidence__case=file_case())
    first = read(row)
    assert image_read(image_text_id=row.pk) is None
    again = ImageText.objects.get(pk=row.pk)
    assert (again.text, again.attempts, again.read_at) == (first.text, 1, first.read_at)
    assert Identifier.objects.filter(image=row).count() == first.identifiers.count()


def test_the_same_pay_code_links_two_different_sellers(file_case):
    a = read(ImageText.objects.get(evidence__case=file_case()))
    second = file_case(merchant_wechat_id="bag_outlet_99", merchant_name="名品折扣店")
    b = read(ImageText.objects.get(evidence__case=second))
    assert a.merchant_id != b.merchant_id
    code = b.identifiers.get(kind="pay_code")
    assert code.owner_id == a.merchant_id  # the account stays with the first seller
    assert [other for _i, other in merchants_sharing_codes(b.merchant_id)] == [a.merchant_id]
    assert [other for _i, other in merchants_sharing_codes(a.merchant_id)] == [b.merchant_id]
    for merchant_id, other in ((a.merchant_id, "名品折扣店"), (b.merchant_id, "潮品小铺")):
        part = RiskComponent.objects.get(merchant_id=merchant_id, source="imaging")
        assert other in part.explanation and "收款码" in part.explanation


def test_a_handle_misread_by_ocr_still_finds_the_merchant(file_case):
    """OCR reads Zen Hei's l as I at some sizes (Iv_haohuo888; drawn so here): the 微信号 in the
    text still names the seller registered as lv_haohuo888, though the consumer named the
    seller only by phone."""
    seller = merchant_resolve(platform="wechat_id", handle="lv_haohuo888", display_name="潮品小铺")
    lines = (*OFFER_LINES[:3], "加微信 Iv_haoHu0888", OFFER_LINES[4])
    case = file_case(offer_screenshot(lines=lines).png, merchant_wechat_id="",
                     merchant_phone="13900001111")  # fmt: skip
    row = read(ImageText.objects.get(evidence__case=case))
    handle = row.identifiers.get(kind="wechat_id")
    assert handle.value.casefold() != "lv_haohuo888"  # as OCR read it
    assert handle.owner_id == seller.pk
    assert row.merchant_id != seller.pk  # the case's own merchant (by phone) stays the subject


def test_a_repeated_image_reuses_the_text(file_case):
    first = read(ImageText.objects.get(evidence__case=file_case()))
    second = read(ImageText.objects.get(evidence__case=file_case(merchant_wechat_id="other_1")))
    assert second.text == first.text and second.seconds == 0.0


def test_the_sweeper_publishes_stale_pending_reads_again(file_case):
    row = ImageText.objects.get(evidence__case=file_case())
    assert images_sweep_pending(older_than_seconds=3600) == []
    assert images_sweep_pending(older_than_seconds=0) == [row.pk]


def test_an_unreadable_file_fails_after_three_attempts(file_case):
    from django.core.files.storage import default_storage

    row = ImageText.objects.get(evidence__case=file_case())
    default_storage.delete(row.file_name)
    for _ in range(3):
        with pytest.raises(FileNotFoundError):
            image_read(image_text_id=row.pk)
    assert image_read(image_text_id=row.pk) is None
    assert ImageText.objects.get(pk=row.pk).state == "failed"


# --- 集赞 screenshots: terms only after the regulator confirms ---------------------------------


def test_a_consumer_screenshot_is_read_but_not_parsed(consumer_snapshot):
    row = read(ImageText.objects.get(snapshot=consumer_snapshot))
    assert "38个赞" in row.text
    campaign = consumer_snapshot.campaign
    assert not campaign.snapshots.filter(corrects=consumer_snapshot).exists()
    assert consumer_snapshot.terms == {} or not consumer_snapshot.terms.get("likes")


def test_confirming_the_transcription_records_the_terms_and_who(consumer_snapshot, regulator):
    row = read(ImageText.objects.get(snapshot=consumer_snapshot))
    result = transcription_confirm(image_text=row, actor=regulator)
    correction = result.snapshot
    assert correction.corrects_id == consumer_snapshot.pk
    assert correction.source == "regulator" and correction.captured_by == regulator
    assert correction.terms["likes"] == 38
    assert "保温杯" in correction.terms["gift"]
    row.refresh_from_db()
    assert row.confirmed_by == regulator and row.confirmed_at is not None
    entry = AuditEntry.objects.get(action="imaging.transcription_confirmed")
    assert entry.actor_id == regulator.pk
    with pytest.raises(InvalidTransition):
        transcription_confirm(image_text=row, actor=regulator)


def test_a_pending_read_cannot_be_confirmed(consumer_snapshot, regulator):
    row = ImageText.objects.get(snapshot=consumer_snapshot)
    with pytest.raises(InvalidTransition):
        transcription_confirm(image_text=row, actor=regulator)


# --- What the regulator sees ---------------------------------------------------------------


def test_the_case_page_shows_the_text_beside_the_image(file_case, client, supervisor):
    case = file_case(region_code=None)
    read(ImageText.objects.get(evidence__case=case))
    case.refresh_from_db()
    client.force_login(supervisor)
    page = client.get(f"/admin/complaints/case/{case.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "识别文字" in html and "一比一复刻" in html
    assert "钓鱼" in html or "phishing" not in html


def test_admin_search_finds_an_image_by_its_text(file_case, supervisor, client):
    row = read(ImageText.objects.get(evidence__case=file_case()))
    client.force_login(supervisor)
    page = client.get("/admin/imaging/imagetext/", {"q": "一比一复刻"})
    assert page.status_code == 200
    assert f"/admin/imaging/imagetext/{row.pk}/change/" in page.content.decode()
    page = client.get("/admin/imaging/imagetext/", {"q": "没有这段文字"})
    assert f"/admin/imaging/imagetext/{row.pk}/change/" not in page.content.decode()
    detail = client.get(f"/admin/imaging/imagetext/{row.pk}/change/").content.decode()
    assert "data-ocr-text" in detail and "wxpay-secure.xyz" in detail


def test_other_regions_see_no_image_text(file_case, outsider):
    read(ImageText.objects.get(evidence__case=file_case()))
    assert not image_texts_visible(user=outsider).exists()


def test_the_confirm_action_needs_the_permission(consumer_snapshot, supervisor, outsider):
    model_admin = site._registry[ImageText]
    request = RequestFactory().get("/")
    request.user = supervisor
    assert "confirm_transcription" in model_admin.get_actions(request)
    request.user = outsider
    outsider.user_permissions.clear()
    outsider.groups.clear()
    assert "confirm_transcription" not in model_admin.get_actions(request)


def test_the_admin_action_confirms_and_says_so(consumer_snapshot, supervisor, client):
    row = read(ImageText.objects.get(snapshot=consumer_snapshot))
    client.force_login(supervisor)
    page = client.post(
        "/admin/imaging/imagetext/",
        {"action": "confirm_transcription", "_selected_action": [row.pk]},
        follow=True,
    )
    assert "已确认 1 张图片的转写" in page.content.decode()
    row.refresh_from_db()
    assert row.confirmed_by == supervisor
    again = client.post(
        "/admin/imaging/imagetext/",
        {"action": "confirm_transcription", "_selected_action": [row.pk]},
        follow=True,
    )
    assert "转写已于此前确认" in again.content.decode()
