"""A consumer's whole journey in real headless Chromium, on a phone (390 px) and a desktop
(1366 px): file a 投诉 with two evidence files, refresh the receipt (still one case), track it
from another browser, reply. Every page: no horizontal overflow, no English text. Screenshots
go to /tmp/wsmonitor-consumer-shots (or $CONSUMER_SHOTS)."""

import concurrent.futures
import os
import re
from pathlib import Path

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
SHOTS = Path(os.environ.get("CONSUMER_SHOTS", "/tmp/wsmonitor-consumer-shots"))
# Words a Chinese page may show in Latin letters: file types, sizes, the language's own name.
ALLOWED = {"JPEG", "PNG", "WebP", "HEIC", "PDF", "MB", "English"}
# The page's visible text, without the codes and numbers (Crockford letters) and user input.
VISIBLE_TEXT = """() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll('.code, .user-text, .filename, [data-tracking-number], [data-access-code], '
                        + 'script, style')
      .forEach(e => e.remove());
  return body.innerText;
}"""

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


@pytest.fixture
def inline_follow_up(monkeypatch):
    """The follow-up work after intake runs in the request (not on a thread): the in-memory test
    database takes one writer at a time."""
    from complaints import services
    from complaints.defaults import seed
    from complaints.models import DeadlineRule, RefusalGround

    seed(DeadlineRule, RefusalGround)  # a transactional test starts from empty tables
    monkeypatch.setattr(services.followups, "_in_background", lambda func, *args: func(*args))


def _check(page, name: str, width: int, report: dict) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{width}-{name}.png"), full_page=True)
    scroll = page.evaluate("document.documentElement.scrollWidth")
    words = set(re.findall(r"[A-Za-z]{2,}", page.evaluate(VISIBLE_TEXT))) - ALLOWED
    report.setdefault("overflow", {})[f"{width}-{name}"] = scroll - width
    report.setdefault("english", {})[f"{width}-{name}"] = sorted(words)


def _journey(base_url: str, width: int, files: list[dict]) -> dict:
    from playwright.sync_api import sync_playwright

    report: dict = {"console_errors": []}
    size = (
        {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
        if width == 390
        else {"viewport": {"width": 1366, "height": 900}}
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(locale="zh-CN", **size)
            page = context.new_page()
            page.on(
                "console", lambda m: m.type == "error" and report["console_errors"].append(m.text)
            )
            page.goto(f"{base_url}/")
            _check(page, "home", width, report)
            page.goto(f"{base_url}/complaints/new/")
            _check(page, "form", width, report)
            # Sent empty first: the error summary lists the errors and links to them.
            page.click("#complaint-form button[type=submit]")
            page.wait_for_selector("#error-summary")
            report["summary_links"] = page.locator("#error-summary a").count()
            _check(page, "form-errors", width, report)
            page.check("input[name=kind][value=complaint]")
            page.fill("#id_merchant_wechat_id", "wx13912340000")
            page.fill("#id_merchant_name", "美妆代购小店")
            page.fill("#id_merchant_address", "广州市白云区某某路8号")
            page.fill("#id_payee_name", "**明（王*明）")
            page.fill("#id_description", "朋友圈买的名牌面霜是高仿假货，商家拉黑不退款。")
            page.fill("#id_occurred_on", "2026-11-01")
            page.fill("#id_amount_paid", "399")
            page.select_option("#id_payment_method", "wechat_transfer")
            page.fill("#id_order_number", "75312345678901")
            page.fill("#id_demand", "退还货款399元")
            page.set_input_files("input[name=evidence]", files)
            page.fill("#id_name", "王小明")
            page.fill("#id_phone", "13912345678")
            page.fill("#id_address", "广东省广州市海珠区新港中路1号")
            page.check("#id_consent")
            page.click("#complaint-form button[type=submit]")
            try:
                page.wait_for_selector("[data-tracking-number]", timeout=15000)
            except Exception:
                page.screenshot(path=str(SHOTS / f"{width}-stuck.png"), full_page=True)
                raise
            report["number"] = page.inner_text("[data-tracking-number]").strip()
            report["code"] = page.inner_text("[data-access-code]").strip()
            report["receipt_url"] = page.url
            report["copy_buttons_shown"] = page.locator("button.copy:visible").count()
            _check(page, "receipt", width, report)
            page.reload()  # the refresh that used to file a second pair of cases
            page.wait_for_selector("[data-tracking-number]")
            report["after_reload"] = page.inner_text("[data-tracking-number]").strip()
            report["code_after_reload"] = page.inner_text("[data-access-code]").strip()

            # Another browser: the case link asks for the code, then the case opens.
            other = browser.new_context(locale="zh-CN", **size)
            track = other.new_page()
            track.goto(f"{base_url}/complaints/track/{report['number']}/")
            report["asks_code"] = track.locator("[data-ask-code]").count()
            _check(track, "ask-code", width, report)
            track.fill("#id_access_code", report["code"])
            track.click("main form button[type=submit]")
            track.wait_for_selector("[data-status]", timeout=15000)
            report["status_text"] = track.inner_text("[data-status]")
            report["stages"] = track.locator(".stages li").count()
            _check(track, "case", width, report)
            track.fill("#id_body", "商家今天又发来消息说可以退一半。")
            track.click("#reply-form button[type=submit]")
            track.wait_for_selector(".event-reply", timeout=15000)
            report["reply"] = track.inner_text(".event-reply")
            track.click("#submitted summary")
            _check(track, "case-after-reply", width, report)
            page.goto(f"{base_url}/complaints/track/lost-code/")
            _check(page, "lost-code", width, report)
        finally:
            browser.close()
    return report


@pytest.mark.parametrize("width", [390, 1366])
def test_a_consumer_files_refreshes_tracks_and_replies(
    chromium, live_server, inline_follow_up, width
):
    from complaints.models import Case, CaseEvent, Office

    Office.objects.update_or_create(
        region_code="440100", defaults={"name": "广州市市场监督管理局", "phone": "020-12345678"}
    )
    files = [
        {"name": "转账详情.png", "mimeType": "image/png", "buffer": png_bytes((40, 30))},
        {"name": "聊天记录.txt", "mimeType": "text/plain", "buffer": "商家：正品\n".encode()},
    ]
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        report = pool.submit(_journey, live_server.url, width, files).result(timeout=240)

    assert report["summary_links"] >= 3  # kind, seller, what happened
    assert report["after_reload"] == report["number"]
    assert report["code_after_reload"] == report["code"]
    assert Case.objects.count() == 1  # the refresh filed nothing
    case = Case.objects.get()
    assert case.tracking_number == report["number"] and case.evidence.count() == 2
    assert case.payee_name == "**明（王*明）" and case.order_number == "75312345678901"
    assert report["copy_buttons_shown"] == 2
    assert report["asks_code"] == 1
    assert report["status_text"] == "已收到" and report["stages"] == 4
    assert "退一半" in report["reply"]
    assert CaseEvent.objects.filter(case=case, kind="reply").count() == 1
    assert {k: v for k, v in report["overflow"].items() if v > 0} == {}
    assert {k: v for k, v in report["english"].items() if v} == {}
    assert not [e for e in report["console_errors"] if "Content Security Policy" in e]
