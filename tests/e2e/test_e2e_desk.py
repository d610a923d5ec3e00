"""The regulator's desk in real headless Chromium at 1366 px: a 投诉 accepted (deadline shown,
case assigned), mediated and closed from its case page; a 举报 verified and referred with a
printed 移送函 (the PDF downloaded, carrying its 文号); a consumer warning drafted, previewed,
published and seen publicly with its issuer (also at 390 px). Every page is checked for
horizontal overflow and English words. Screenshots go to /tmp/e2e-desk/."""

import concurrent.futures
import re
from pathlib import Path

import pytest

from tests.e2e.test_e2e_workspace import ARGS, CHROMIUM, PASSWORD, chromium  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/e2e-desk")
# Words that are not English UI text: the product name, file and code names a regulator reads.
ALLOWED = {"wsmonitor", "Chromium"}


@pytest.fixture
def _eager(settings):
    from wsmonitor.celery import app

    old = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    settings.SITE_AGENCY_NAME = "广州市市场监督管理局"
    yield
    app.conf.task_always_eager = old


@pytest.fixture
def desk(_eager, regulator, supervisor, monkeypatch):
    from complaints import services

    # The follow-up work after a receipt runs inline here (not on a thread racing SQLite).
    monkeypatch.setattr(services.followups, "_in_background", lambda func, *args: func(*args))
    from complaints.defaults import seed
    from complaints.models import DeadlineRule, RefusalGround

    seed(DeadlineRule, RefusalGround)  # an earlier transactional test may have flushed them
    from merchants.posts import PostInput, posts_ingest
    from merchants.services import merchant_resolve

    base = {"consent": True, "merchant_name": "小美代购", "merchant_wechat_id": "xiaomei_lv888",
            "demand": "退款1280元", "name": "王小明", "phone": "13800138001",
            "address": "广东省广州市天河区体育西路1号"}  # fmt: skip
    complaint = services.case_submit(
        data={**base, "kind": "complaint", "description": "朋友圈买的包鉴定为假货，商家不退款。"},
        files=[],
    )[0].case
    report = services.case_submit(
        data={"kind": "report", "merchant_wechat_id": "fake_pay_888", "anonymous": True,
              "consent": True, "description": "商家发来仿冒的付款链接，骗取银行卡密码。"},
        files=[],
    )[0].case  # fmt: skip
    posts_ingest(
        items=[
            PostInput(source="moments", external_id="desk-1", platform="wechat_id",
                      handle="lv_haohuo888", display_name="广州好货代购", region_code="440103",
                      text="高仿ＬＶ包包，一比一复刻，专柜品质，支持验货")
        ]
    )  # fmt: skip
    merchant = merchant_resolve(platform="wechat_id", handle="lv_haohuo888")
    return {"complaint": complaint, "report": report, "merchant": merchant}


def _check(page, name: str, result: dict) -> None:
    """No horizontal overflow, no English word on the page; a screenshot."""
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    wide = page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - window.innerWidth"
    )
    if wide > 0:
        result["overflow"].append((name, wide))
    # A table scrolled sideways inside its box hides columns just the same.
    inner = page.evaluate(
        "Array.from(document.querySelectorAll('.results, .module, #content-main'))"
        ".filter(e => e.scrollWidth - e.clientWidth > 1)"
        ".map(e => (e.id || e.className) + ':' + (e.scrollWidth - e.clientWidth))"
    )
    if inner:
        result["overflow"].append((name + " (inside)", inner))
    text = page.inner_text("body")
    for token in re.findall(r"[A-Za-z0-9_.@/:-]+", text):
        if re.fullmatch(r"[A-Za-z]+", token) and len(token) >= 3 and not token.isupper():
            if token not in ALLOWED:
                result["english"].append((name, token))


def _login(browser, base_url: str, username: str, width: int):
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="zh-CN", accept_downloads=True
    )
    page = context.new_page()
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#content")
    return page


def _step(page, key: str, fields: dict | None = None) -> None:
    step = page.locator(f'details[data-step="{key}"]')
    step.locator("summary").click()
    for name, value in (fields or {}).items():
        field = step.locator(f'[name="{name}"]')
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    with page.expect_navigation():
        step.locator("button[type=submit]").click()
    if page.locator(".cs-summary").count() == 0:
        page.screenshot(path=str(SHOTS / f"failed-{key}.png"), full_page=True)
        raise AssertionError(f"step {key}: {page.url} {page.inner_text('body')[:500]}")


def _drive(base_url: str, ids: dict) -> dict:
    from playwright.sync_api import sync_playwright

    result: dict = {"overflow": [], "english": []}
    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = _login(browser, base_url, "gz-regulator", 1366)
            _check(page, "01-my-work", result)
            case_url = f"{base_url}/admin/complaints/case/{ids['complaint']}/change/"
            page.goto(case_url)
            _check(page, "02-case-received", result)
            result["steps_received"] = page.locator("details[data-step]").evaluate_all(
                "els => els.map(e => e.dataset.step)"
            )
            _step(page, "accept")
            result["deadline_after_accept"] = page.inner_text("[data-current-deadline]")
            result["assignee"] = page.inner_text("[data-assignee]")
            _check(page, "03-case-accepted", result)
            _step(page, "mediation_start")
            _step(page, "agree", {"summary": "商家同意退款1280元"})
            _step(page, "close", {"note": "双方已履行"})
            result["closed_status"] = page.get_attribute("[data-status]", "data-status")
            _check(page, "04-case-closed", result)
            for name, path in [
                ("11-case-list", "/admin/complaints/case/"),
                ("12-merchant", f"/admin/merchants/merchant/{ids['merchant']}/change/"),
                ("13-queue", "/admin/merchants/reviewqueueentry/"),
                ("14-dashboard", "/admin/merchants/dashboard/"),
            ]:
                page.goto(base_url + path)
                page.wait_for_selector("#content")
                _check(page, name, result)

            sup = _login(browser, base_url, "gd-supervisor", 1366)
            sup.goto(f"{base_url}/admin/complaints/case/{ids['report']}/change/")
            _step(sup, "verify")
            _step(sup, "refer", {"region_code": "440100", "department": "广州市公安局",
                                 "reason": "涉嫌诈骗，属公安机关管辖"})  # fmt: skip
            _check(sup, "05-report-referred", result)
            link = sup.locator("a[data-document]").first
            result["document_number"] = link.get_attribute("data-document")
            with sup.expect_download() as download:
                link.click()
            pdf = Path(download.value.path()).read_bytes()
            result["pdf"] = pdf

            sup.goto(f"{base_url}/admin/merchants/merchant/{ids['merchant']}/change/")
            sup.click("[data-draft-warning]")
            sup.wait_for_selector("[data-preview-link]")
            _check(sup, "06-warning-draft", result)
            sup.click("[data-preview-link]")
            sup.wait_for_selector("[data-preview]")
            _check(sup, "07-warning-preview", result)
            sup.go_back()
            sup.click("[data-publish-link]")
            sup.wait_for_selector("[data-confirm-publish]")
            _check(sup, "08-warning-confirm", result)
            sup.click("[data-confirm-publish]")
            sup.wait_for_selector("[data-warning]")
            result["public_url"] = sup.url
            _check(sup, "09-warning-public-desktop", result)

            phone = browser.new_context(
                viewport={"width": 390, "height": 844}, locale="zh-CN", device_scale_factor=2
            ).new_page()
            phone.goto(result["public_url"])
            result["public_issuer"] = phone.inner_text("[data-issuer]")
            result["public_merchant"] = phone.inner_text("[data-merchant]")
            result["footer"] = phone.inner_text("[data-agency]")
            _check(phone, "10-warning-public-phone", result)
        finally:
            browser.close()
    return result


def test_the_regulators_desk_end_to_end(chromium, live_server, desk):  # noqa: F811
    from complaints.models import Case
    from core.documents import pdf_text
    from merchants.models import ConsumerWarning

    ids = {k: v.pk for k, v in desk.items()}
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        result = pool.submit(_drive, live_server.url, ids).result(timeout=300)

    assert result["steps_received"][:2] == ["accept", "refuse"]
    complaint = Case.objects.get(pk=ids["complaint"])
    assert complaint.status == "closed" and complaint.assignee.username == "gz-regulator"
    assert complaint.mediation_due.isoformat() in result["deadline_after_accept"]
    assert result["assignee"] == "gz-regulator"
    assert result["closed_status"] == "closed"

    report = Case.objects.get(pk=ids["report"])
    assert report.department == "广州市公安局"
    assert re.fullmatch(r"市监移〔\d{4}〕1号", result["document_number"])
    assert len(result["pdf"]) > 1000 and result["pdf"].startswith(b"%PDF")
    assert result["document_number"] in pdf_text(result["pdf"])

    warning = ConsumerWarning.objects.get()
    assert warning.state == "published" and warning.published_by.username == "gd-supervisor"
    assert "广州市市场监督管理局" in result["public_issuer"]
    assert "广州好货代购" in result["public_merchant"]
    assert "lv_haohuo888" in result["public_merchant"]
    assert "主办单位" in result["footer"]

    assert result["overflow"] == []
    assert result["english"] == []
    for png in SHOTS.glob("*.png"):
        assert png.stat().st_size > 1000
