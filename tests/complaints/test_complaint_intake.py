"""The public form: what is stored, what comes back on bad input, and what uploads are refused."""

import hashlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.models import Case, Evidence
from tests.complaints.conftest import complaint_post, jpeg_with_gps, png_bomb, png_bytes

pytestmark = pytest.mark.django_db


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type)


def test_it_shows_the_form_in_simplified_chinese_with_the_limits_before_upload(client):
    response = client.get("/complaints/new/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert "投诉" in html and "举报" in html
    assert "发生了什么？" in html and "What happened?" not in html  # translated, not just msgids
    assert "10 MB" in html and "10" in html
    assert "<script>" not in html and "style=" not in html  # CSP: static files only


def test_it_stores_the_complaint_with_evidence_before_anything_else(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    png = png_bytes()
    data = complaint_post(
        email="zhang@example.com",
        evidence=[upload("聊天截图.png", png), upload("chat.txt", "你好".encode())],
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/complaints/new/", data)

    # The receipt is the answer, and a page of its own at the address the answer names.
    assert response.status_code == 200 and "data-tracking-number" in response.content.decode()
    case = Case.objects.get()
    assert case.kind == "complaint" and case.status == "received"
    assert case.complainant_phone == "13812345678"
    assert sorted(case.evidence.values_list("kind", flat=True)) == ["png", "text"]
    stored = case.evidence.get(kind="png")
    assert stored.sha256 == hashlib.sha256(png).hexdigest()
    with stored.file.open("rb") as fh:
        assert fh.read() == png  # byte for byte
    assert not stored.file.name.endswith(".png") and "聊天" not in stored.file.name
    assert case.acceptance_due is not None
    # After commit: merchant linked, category suggested, receipt mailed with the access code.
    assert case.events.filter(public=True).count() == 1
    page = client.get(response["Content-Location"])
    receipt = page.content.decode()
    code = re.search(r"data-access-code>([^<]+)<", receipt).group(1)
    assert len(mailoutbox) == 1 and code in mailoutbox[0].body
    assert case.tracking_number in mailoutbox[0].body
    assert f"http://testserver/complaints/track/{case.tracking_number}/" not in mailoutbox[0].body
    assert f"/complaints/track/{case.tracking_number}/" in mailoutbox[0].body
    # The code is shown to this browser only, never in the URL, and is stored nowhere in clear
    # (the session holds it encrypted for a few minutes).
    assert "no-store" in page["Cache-Control"]
    assert code not in response["Content-Location"]
    assert code not in str(dict(client.session))
    assert client.get(f"/complaints/track/{case.tracking_number}/").status_code == 200


def test_it_links_the_merchant_and_suggests_a_category_after_commit(submit):
    case, _code = submit(description="这是高仿名牌包，原单货，商家说和正品一样")
    case.refresh_from_db()
    assert case.merchant is not None
    assert case.merchant.accounts.filter(handle_normalized__icontains="meizhuang").exists()
    assert case.suggested_category == "counterfeit"
    assert case.category == "counterfeit"  # the consumer left it blank


def test_it_keeps_the_consumers_own_category(submit):
    case, _code = submit(description="高仿名牌包", category="false_ad")
    case.refresh_from_db()
    assert case.category == "false_ad" and case.suggested_category == "counterfeit"


def test_an_invalid_field_comes_back_with_every_other_field_filled(client):
    data = complaint_post(phone="12", evidence=[upload("a.png", png_bytes())])
    response = client.post("/complaints/new/", data)

    assert response.status_code == 400
    html = response.content.decode()
    assert Case.objects.count() == 0
    # The error sits in the phone field's block, right after the input.
    block = re.search(r'id="f-phone".*?</div>', html, re.S).group(0)
    assert 'class="errorlist"' in block
    for value in (
        "meizhuang_888",
        "美妆小铺",
        "在朋友圈买的面霜是假货，商家拒绝退款。",
        "退还货款299元",
        "张三",
        "广东省广州市天河区体育西路1号",
        "299.00",
        "2026-11-01",
    ):
        assert value in html
    assert 'value="wechat_transfer" selected' in html
    assert 'value="complaint"' in html and "checked" in html
    # The good file was kept; the corrected form carries it without a second upload.
    token = re.search(r'name="staged" value="([^"]+)"', html).group(1)
    fixed = complaint_post(staged=token)
    assert client.post("/complaints/new/", fixed).status_code == 200
    assert Evidence.objects.get().sha256 == hashlib.sha256(png_bytes()).hexdigest()


def test_a_complaint_without_address_is_refused_but_a_report_may_be_anonymous(client):
    response = client.post("/complaints/new/", complaint_post(address=""))
    assert response.status_code == 400
    assert "address" in response.content.decode() or "地址" in response.content.decode()
    report = complaint_post(
        kind="report", name="", phone="", address="", consent="", anonymous="on"
    )
    assert client.post("/complaints/new/", report).status_code == 200
    case = Case.objects.get()
    assert case.kind == "report" and case.anonymous and case.complainant_name is None


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("big.jpg", b"\xff\xd8\xff\xe0" + b"0" * (10 * 1024 * 1024), "10 MB"),
        ("empty.png", b"", "0"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "JPEG",
        ),
        (
            "photo.jpg",
            b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
            "JPEG",
        ),
        ("bomb.png", None, "40"),
    ],
    ids=["too-large", "empty", "svg", "html-renamed-jpg", "decompression-bomb"],
)
def test_a_refused_upload_gets_a_specific_message_and_the_rest_is_kept(
    client, name, content, message, settings
):
    settings.LANGUAGE_CODE = "en"
    if content is None:
        content = png_bomb()
        assert len(content) < 200_000
    data = complaint_post(evidence=[upload(name, content), upload("ok.png", png_bytes())])
    response = client.post("/complaints/new/", data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    html = response.content.decode()
    block = re.search(r'id="f-evidence".*?</div>', html, re.S).group(0)
    assert name in block and message in block
    assert Case.objects.count() == 0
    assert "美妆小铺" in html and "退还货款299元" in html
    assert 'name="staged"' in html and "ok.png" in html  # the good file is kept


def test_a_preview_is_made_without_exif_or_gps(submit):
    from PIL import Image

    from complaints.evidence import check_upload

    raw = jpeg_with_gps()
    assert Image.open(__import__("io").BytesIO(raw)).getexif().get(0x8825)
    case, _code = submit(files=[check_upload(upload("photo.jpg", raw))])
    evidence = case.evidence.get()
    with evidence.file.open("rb") as fh:
        assert fh.read() == raw
    assert evidence.preview
    with evidence.preview.open("rb") as fh, Image.open(fh) as preview:
        assert preview.format == "JPEG"
        assert not preview.getexif()
        assert "exif" not in preview.info


def test_a_mixed_submission_becomes_two_linked_cases(client):
    response = client.post(
        "/complaints/new/", complaint_post(kind="both", evidence=[upload("a.png", png_bytes())])
    )
    assert response.status_code == 200
    complaint = Case.objects.get(kind="complaint")
    report = Case.objects.get(kind="report")
    assert complaint.linked_case == report and report.linked_case == complaint
    assert complaint.evidence.count() == 1 and report.evidence.count() == 1
    assert complaint.acceptance_due and report.verification_due
    receipt = client.get(response["Content-Location"]).content.decode()
    assert complaint.tracking_number in receipt and report.tracking_number in receipt


def test_the_honeypot_stores_nothing_but_keeps_the_text(client):
    response = client.post("/complaints/new/", complaint_post(website="http://spam.example"))
    assert response.status_code == 400
    assert Case.objects.count() == 0
    assert "美妆小铺" in response.content.decode()


def test_the_per_ip_limit_answers_a_friendly_429_that_keeps_the_text(client, settings):
    settings.COMPLAINTS_SUBMIT_PER_IP_HOUR = 2
    for i in range(2):
        sent = client.post("/complaints/new/", complaint_post(phone=f"1380013800{i}"))
        assert sent.status_code == 200
    response = client.post("/complaints/new/", complaint_post(description="第三次提交的内容"))
    assert response.status_code == 429
    assert "第三次提交的内容" in response.content.decode()
    assert "data-rate-limited" in response.content.decode()
    assert Case.objects.count() == 2


def test_the_per_phone_limit_counts_the_same_phone_in_any_format(client, settings):
    settings.COMPLAINTS_SUBMIT_PER_PHONE_DAY = 1
    assert client.post("/complaints/new/", complaint_post()).status_code == 200
    again = client.post(
        "/complaints/new/", complaint_post(phone="+86 138-1234-5678"), REMOTE_ADDR="10.0.0.9"
    )
    assert again.status_code == 429
    assert Case.objects.count() == 1


def test_a_flood_of_identical_text_is_held_for_review_not_dropped(submit, settings):
    settings.COMPLAINTS_FLOOD_THRESHOLD = 3
    cases = [submit(phone=f"1391234000{i}")[0] for i in range(4)]
    assert Case.objects.count() == 4
    assert [c.held_for_review for c in cases] == [False, False, True, True]


def test_the_category_suggestion_endpoint_uses_the_scanner(client):
    response = client.post(
        "/complaints/new/suggest/", {"text": "商家发来一个链接，让我点击链接支付"}
    )
    assert response.status_code == 200
    assert response.json()["category"] == "phishing"


def test_with_the_cache_unreachable_the_complaint_is_still_stored(client, settings):
    """The per-IP and per-phone limits live in Redis; with Redis down the consumer's complaint
    is stored all the same (the limits step aside), never answered with a 500."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    response = client.post("/complaints/new/", complaint_post(description="缓存不可用时的投诉"))
    assert response.status_code == 200
    assert Case.objects.filter(description="缓存不可用时的投诉").exists()
