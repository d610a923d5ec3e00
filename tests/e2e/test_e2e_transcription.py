"""更正并确认转写 in real headless Chromium: a regulator finds a consumer's 集赞 screenshot read
with an OCR slip (36 for 38) in 图片识别, opens 更正并确认转写, corrects the text, saves it, then
confirms; the campaign's terms are parsed from the corrected text. The page is also checked at
390 px, with the case list (a case from the WeChat account marked 微信公众号) and the stored
WeChat message. Every page: no horizontal overflow, no English words. Screenshots go to
/tmp/e2e-desk/ (t-*.png)."""

import concurrent.futures

import pytest
from django.utils import timezone

from tests.campaigns.conftest import at, make_campaign  # noqa: F401 (fixture)
from tests.e2e.test_e2e_desk import SHOTS, _check, _login
from tests.e2e.test_e2e_workspace import ARGS, CHROMIUM, chromium  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The OCR engine's name as the read records it, and the raw XML of a message as WeChat sent it
# (shown verbatim): data, not interface text.
DATA_WORDS = {"rapidocr", "onnxruntime", "xml", "Content", "ToUserName", "FromUserName"}
DATA_WORDS |= {"CDATA", "CreateTime", "MsgType", "text", "MsgId", "https", "refund", "order"}
XML = (  # as WeChat sends a text message, with a long line a phone must wrap
    "<xml><ToUserName><![CDATA[gh_0a1b2c3d4e5f]]></ToUserName>\n"
    "<FromUserName><![CDATA[oWx1a2B3c4D5e6F7g8H9]]></FromUserName>\n"
    "<CreateTime>1764650000</CreateTime><MsgType><![CDATA[text]]></MsgType>\n"
    "<Content><![CDATA[朋友圈卖假LV包，微信号 fake_seller，付款链接 "
    "https://payapp.weixin.qq.com.pay-verify.cn/refund?order=20251105000012345678]]></Content>\n"
    "<MsgId>7300000000000000001</MsgId></xml>"
)
NOTICE = ("转发集赞活动", "集满38个赞", "即可到店免费领取价值58元的保温杯一个", "截止2025年11月9日")


@pytest.fixture
def reads(settings, regulator, supervisor, make_campaign):  # noqa: F811
    from campaigns.services import ImageInput, snapshot_record
    from complaints.defaults import seed
    from complaints.models import Case, DeadlineRule, RefusalGround
    from complaints.services import ReportDraft, report_draft_submit
    from imaging.models import ImageText
    from imaging.services.images import image_text_request
    from tests.imaging.images import offer_screenshot
    from wechat.models import WeChatMessage

    seed(DeadlineRule, RefusalGround)
    settings.OCR_ENABLED = False  # the read is set below, as the worker stores one
    snapshot = snapshot_record(
        campaign=make_campaign(),
        source="consumer",
        image=ImageInput(content=offer_screenshot(lines=NOTICE, codes=()).png, name="jizan.png"),
        captured_at=at("2025-11-05"),
        actor_label="consumer",
    ).snapshot
    row = image_text_request(origin="snapshot", file_name=snapshot.image.name,
                             sha256=snapshot.image_sha256, snapshot=snapshot,
                             region_code="440103")  # fmt: skip
    misread = [line.replace("38", "36") for line in NOTICE]
    ImageText.objects.filter(pk=row.pk).update(
        state="done", text="\n".join(misread), read_at=timezone.now(),
        engine="rapidocr 3.10.0 / onnxruntime 1.32.0",
        lines=[{"text": t, "score": 0.96, "box": []} for t in misread],
    )  # fmt: skip
    case = report_draft_submit(
        draft=ReportDraft(description="【微信公众号留言】朋友圈卖假LV包，微信号 fake_seller",
                          received_region="440100", source=Case.Source.WECHAT)
    ).case  # fmt: skip
    message = WeChatMessage.objects.create(
        msg_id=7300000000000000001, account="gh_0a1b2c3d4e5f", openid="oWx1a2B3c4D5e6F7g8H9",
        msg_type="text", sent_at=timezone.now(), xml=XML,
        sha256="0" * 64, region_code="440100", content="朋友圈卖假LV包，微信号 fake_seller",
        state="filed", case=case, opened_case=True,
    )  # fmt: skip
    return {"read": row.pk, "snapshot": snapshot.pk, "case": case.pk, "message": message.pk}


def _drive(base_url: str, ids: dict) -> dict:
    from playwright.sync_api import sync_playwright

    result: dict = {"overflow": [], "english": []}
    SHOTS.mkdir(exist_ok=True)
    read = f"{base_url}/admin/imaging/imagetext/{ids['read']}"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = _login(browser, base_url, "gz-regulator", 1366)
            page.goto(f"{base_url}/admin/imaging/imagetext/")
            result["list_state"] = page.inner_text("td.field-transcription_shown")
            _check(page, "t01-reads", result)
            page.goto(f"{read}/change/")
            _check(page, "t02-read", result)
            with page.expect_navigation():
                page.click("[data-transcribe]")
            result["image_loaded"] = page.evaluate(
                "document.querySelector('img.im-image').naturalWidth"
            )
            _check(page, "t03-transcription", result)
            phone = _login(browser, base_url, "gz-regulator", 390)
            phone.goto(f"{read}/transcription/")
            phone.wait_for_selector("textarea[name=text]")
            _check(phone, "t08-transcription-phone", result)
            text = page.input_value("textarea[name=text]")
            page.fill("textarea[name=text]", text.replace("集满36个赞", "集满38个赞"))
            page.fill("input[name=note]", "识别将38误为36，按原图更正")
            with page.expect_navigation():
                page.click("button[name=_save]")
            result["saved"] = page.inner_text("ul.messagelist")
            result["history"] = page.inner_text("table.im-history")
            result["terms"] = page.inner_text("table.im-terms")
            _check(page, "t04-corrected", result)
            with page.expect_navigation():
                page.click("button[name=_confirm]")
            result["confirmed"] = page.inner_text("ul.messagelist")
            result["confirmed_url"] = page.url
            _check(page, "t05-confirmed", result)
            others = [
                ("case-list", "/admin/complaints/case/?source__exact=wechat"),
                ("message", f"/admin/wechat/wechatmessage/{ids['message']}/change/"),
            ]
            for number, (name, path) in enumerate(others, start=6):
                page.goto(base_url + path)
                page.wait_for_selector("#content")
                _check(page, f"t{number:02d}-{name}", result)
            phone.goto(f"{read}/transcription/")
            phone.wait_for_selector("table.im-history")
            _check(phone, "t09-confirmed-phone", result)
            for number, (name, path) in enumerate(others, start=10):
                phone.goto(base_url + path)
                phone.wait_for_selector("#content")
                _check(phone, f"t{number:02d}-{name}-phone", result)
            result["xml_hidden"] = phone.evaluate(
                "(e => e.scrollWidth - e.clientWidth)(document.querySelector('pre.wx-xml'))"
            )  # the raw XML wraps on a phone rather than scrolling out of sight
        finally:
            browser.close()
    return result


def test_a_regulator_corrects_and_confirms_a_transcription(chromium, live_server, reads):  # noqa: F811
    from campaigns.models import Snapshot
    from imaging.models import ImageText

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        result = pool.submit(_drive, live_server.url, reads).result(timeout=300)

    assert result["list_state"] == "待确认"
    assert result["image_loaded"] > 0
    assert "更正已保存" in result["saved"]
    assert "识别将38误为36" in result["history"] and "集满38个赞" in result["history"]
    assert "38" in result["terms"]  # 所需点赞数 as the corrected text states it
    assert "转写已确认" in result["confirmed"]
    assert result["confirmed_url"].endswith(f"/admin/imaging/imagetext/{reads['read']}/change/")
    row = ImageText.objects.get(pk=reads["read"])
    assert "集满36个赞" in row.text and "集满38个赞" in row.confirmed_text
    correction = Snapshot.objects.get(corrects_id=reads["snapshot"])
    assert correction.terms["likes"] == 38
    # Django's change list scrolls its table sideways inside the page on a phone (the case list's
    # seven columns are laid out for 1366 px, where nothing scrolls): not the page itself.
    assert result["xml_hidden"] <= 1
    assert [o for o in result["overflow"] if o[0] != "t10-case-list-phone (inside)"] == []
    english = [(page, word) for page, word in result["english"] if word not in DATA_WORDS]
    assert english == [], english
