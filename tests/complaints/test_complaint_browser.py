"""A consumer files a 投诉 with two evidence files on a phone in real headless Chromium, gets a
tracking number, then tracks it. Playwright drives Debian's chromium (no browser download)."""

import concurrent.futures
import hashlib
import os
import re

import pytest

from tests.complaints.conftest import png_bytes

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def chromium():
    if not os.path.exists(CHROMIUM):
        reason = f"Chromium not found at {CHROMIUM}: install Debian's chromium package"
        print(reason)
        pytest.skip(reason)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("the playwright Python package is not installed")
    return CHROMIUM


def _drive(base_url: str, files: list[dict]) -> dict:
    """Runs in its own thread: Playwright's sync API keeps an event loop running in the calling
    thread, where Django's database calls would refuse to run."""
    from playwright.sync_api import sync_playwright

    result: dict = {"console_errors": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            phone = {
                "viewport": {"width": 390, "height": 844},
                "is_mobile": True,
                "has_touch": True,
                "device_scale_factor": 3,
                "locale": "zh-CN",
            }
            context = browser.new_context(**phone)
            page = context.new_page()
            page.on(
                "console", lambda m: m.type == "error" and result["console_errors"].append(m.text)
            )
            page.goto(f"{base_url}/complaints/new/")
            result["lang"] = page.locator("html").get_attribute("lang")
            result["scroll_width"] = page.evaluate("document.documentElement.scrollWidth")
            page.check("input[name=kind][value=complaint]")
            page.fill("#id_merchant_wechat_id", "fake_cosmetics_88")
            page.fill("#id_merchant_name", "美妆代购小店")
            page.fill("#id_description", "朋友圈买的名牌面霜是高仿假货，商家拉黑不退款。")
            page.fill("#id_occurred_on", "2026-11-01")
            page.fill("#id_amount_paid", "399")
            page.select_option("#id_payment_method", "wechat_transfer")
            page.fill("#id_demand", "退还货款399元")
            page.set_input_files("input[name=evidence]", files)
            page.fill("#id_name", "王小明")
            page.fill("#id_phone", "13912345678")
            page.fill("#id_address", "广东省广州市海珠区新港中路1号")
            page.check("#id_consent")
            page.click("button[type=submit]")
            page.wait_for_selector("[data-tracking-number]", timeout=15000)
            result["number"] = page.inner_text("[data-tracking-number]").strip()
            result["code"] = page.inner_text("[data-access-code]").strip()

            # A fresh phone (no session): track with the number and the code.
            other = browser.new_context(**phone)
            track = other.new_page()
            track.goto(f"{base_url}/complaints/track/")
            track.fill("#id_tracking_number", result["number"])
            track.fill("#id_access_code", result["code"])
            track.click("button[type=submit]")
            track.wait_for_selector("[data-status]", timeout=15000)
            result["status"] = track.get_attribute("[data-status]", "data-status")
            result["status_text"] = track.inner_text("[data-status]")
            result["deadline"] = track.inner_text("[data-deadline]")
            track.click("#submitted summary")  # "what you submitted" opens on demand
            result["evidence_text"] = track.inner_text("ul.evidence")
        finally:
            browser.close()
    return result


def test_a_consumer_files_on_a_phone_and_tracks_the_case(chromium, live_server):
    from complaints.models import Case

    png = png_bytes((40, 30))
    chat = "2026-11-01 商家：正品保证\n2026-11-03 商家：不退\n".encode()
    files = [
        {"name": "付款截图.png", "mimeType": "image/png", "buffer": png},
        {"name": "聊天记录.txt", "mimeType": "text/plain", "buffer": chat},
    ]
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        result = pool.submit(_drive, live_server.url, files).result(timeout=120)

    assert result["lang"] == "zh-hans"
    assert result["scroll_width"] <= 390  # no sideways scrolling on a phone
    assert re.fullmatch(r"WS(-[0-9A-Z]{4}){3}", result["number"])
    assert result["status"] == "received" and result["status_text"] == "已收到"
    assert "付款截图.png" in result["evidence_text"]
    assert not [e for e in result["console_errors"] if "Content Security Policy" in e]

    case = Case.objects.get(tracking_number=result["number"])
    assert result["deadline"] == f"{case.acceptance_due:%Y-%m-%d}"
    assert case.complainant_name == "王小明" and str(case.amount_paid) == "399.00"
    stored = sorted(case.evidence.values_list("sha256", flat=True))
    assert stored == sorted(hashlib.sha256(b).hexdigest() for b in (png, chat))
    for evidence in case.evidence.all():
        with evidence.file.open("rb") as fh:
            assert hashlib.sha256(fh.read()).hexdigest() == evidence.sha256
