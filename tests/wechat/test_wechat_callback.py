"""WeChat's servers against the endpoint: URL verification, each message type signed and in
safe mode, refusals, retries, the reply WeChat decrypts, and the image fetched from the fake
WeChat API on 127.0.0.1."""

import hashlib
import re
import time

import pytest
import time_machine

from complaints.models import Case, Evidence
from wechat.models import WeChatMessage

from .conftest import png_bytes

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https://ws\.example\.gov\.cn/wechat/case/[^/\s]+/")


def send(wechat, capture, mode: str, xml: str, **kw):
    """Post like WeChat and run what the endpoint handed to the outbox; returns the reply
    fields as WeChat reads them (decrypted and verified in safe mode)."""
    with capture(execute=True):
        response = (wechat.post_aes if mode == "aes" else wechat.post_plain)(xml, **kw)
    assert response.seconds < 5, f"answered in {response.seconds:.2f} s"
    reply = (wechat.read_aes_reply if mode == "aes" else wechat.read_plain_reply)(response)
    return response, reply


def test_url_verification_echoes_echostr(wechat):
    response = wechat.verify_url("1234567890abcdef")
    assert response.status_code == 200
    assert response.content == b"1234567890abcdef"


def test_url_verification_with_a_forged_signature_is_refused(wechat):
    response = wechat.verify_url(signature="0" * 40)
    assert response.status_code == 403
    assert b"1234" not in response.content


def test_the_endpoint_is_off_without_configuration(client, settings, db):
    settings.WECHAT_TOKEN = ""
    assert client.get("/wechat/callback/", {"echostr": "x"}).status_code == 404
    assert client.post("/wechat/callback/", b"<xml/>", content_type="text/xml").status_code == 404


MESSAGES = {
    "text": {"content": "这个微商卖的是假LV包包，微信号 lv_fake_888，说是专柜正品"},
    "link": {
        "title": "正品LV包包一比一复刻，集满38个赞免费送",
        "description": "转发朋友圈集赞，免费领取名牌包",
        "url": "https://mp.weixin.qq.com/s/AbCdEf123456",
    },
    "image": {"media_id": "MEDIA_abc123"},
}


@pytest.mark.parametrize("mode", ["plain", "aes"])
@pytest.mark.parametrize("kind", ["text", "link", "image"])
def test_a_message_becomes_a_draft_report_with_its_tracking_number(
    wechat, wechat_api, django_capture_on_commit_callbacks, mode, kind
):
    image = png_bytes()
    wechat_api.media["MEDIA_abc123"] = image
    openid = f"oUser-{mode}-{kind}"
    xml = wechat.message(kind, openid=openid, **MESSAGES[kind])

    _response, reply = send(wechat, django_capture_on_commit_callbacks, mode, xml, openid=openid)

    message = WeChatMessage.objects.get()
    case = Case.objects.get()
    assert message.case == case and message.opened_case
    assert message.xml == xml and message.encrypted == (mode == "aes")
    assert message.sha256 == hashlib.sha256(xml.encode()).hexdigest()
    assert case.kind == Case.Kind.REPORT and case.anonymous
    assert case.region_code == "440106"
    assert reply["ToUserName"] == openid and reply["MsgType"] == "text"
    assert case.tracking_number in reply["Content"]
    link = LINK.search(reply["Content"]).group(0)
    if kind == "text":
        assert "lv_fake_888" in case.description
    elif kind == "link":
        assert "集满38个赞免费送" in case.description
        assert "https://mp.weixin.qq.com/s/AbCdEf123456" in case.description
    else:
        evidence = Evidence.objects.get(case=case)
        assert evidence.sha256 == hashlib.sha256(image).hexdigest()
        assert evidence.kind == "png"
        message.refresh_from_db()
        assert message.state == WeChatMessage.State.FILED and message.evidence == evidence
    # the signed link opens the case in the browser
    page = wechat.client.get(link.removeprefix("https://ws.example.gov.cn"))
    assert page.status_code == 200
    assert case.tracking_number in page.content.decode()


def test_a_forged_signature_is_refused_and_nothing_stored(wechat):
    xml = wechat.message("text", openid="oForger", content="假的")
    response = wechat.post_plain(xml, signature="f" * 40)
    assert response.status_code == 403
    response = wechat.post_aes(xml, tamper=True)
    assert response.status_code == 403
    assert not WeChatMessage.objects.exists() and not Case.objects.exists()


def test_a_message_encrypted_with_another_key_is_refused_not_a_500(wechat):
    from .conftest import encoding_aes_key

    xml = wechat.message("text", openid="oOther", content="换了密钥")
    response = wechat.post_aes(xml, aes_key=encoding_aes_key())
    assert response.status_code == 400
    assert not WeChatMessage.objects.exists()


@pytest.mark.parametrize("age", [-400, 400])
def test_a_stale_timestamp_is_refused(wechat, age):
    xml = wechat.message("text", openid="oReplay", content="重放的旧请求")
    stamp = int(time.time()) - age
    assert wechat.post_plain(xml, timestamp=stamp).status_code == 403
    assert wechat.post_aes(xml, timestamp=stamp).status_code == 403
    assert wechat.verify_url(timestamp=stamp).status_code == 403
    assert not WeChatMessage.objects.exists()


@pytest.mark.parametrize("mode", ["plain", "aes"])
def test_the_same_msgid_three_times_is_one_case(wechat, django_capture_on_commit_callbacks, mode):
    msg_id = wechat.next_msg_id()
    xml = wechat.message("text", openid="oRetry", msg_id=msg_id, content="卖假货的微商")
    replies = [
        send(wechat, django_capture_on_commit_callbacks, mode, xml, openid="oRetry")[1]
        for _ in range(3)
    ]
    case = Case.objects.get()
    assert WeChatMessage.objects.filter(msg_id=msg_id).count() == 1
    for reply in replies:
        assert case.tracking_number in reply["Content"]


def test_the_previous_aes_key_still_decrypts_during_rotation(
    wechat, wechat_settings, django_capture_on_commit_callbacks
):
    from .conftest import encoding_aes_key

    old = wechat.aes_key
    wechat_settings.WECHAT_PREVIOUS_ENCODING_AES_KEY = old
    wechat_settings.WECHAT_ENCODING_AES_KEY = new = encoding_aes_key()
    xml = wechat.message("text", openid="oRotate", content="密钥轮换期间发来的举报")
    with django_capture_on_commit_callbacks(execute=True):
        response = wechat.post_aes(xml, aes_key=old)
    wechat.aes_key = new  # the reply is encrypted with the current key
    reply = wechat.read_aes_reply(response)
    assert Case.objects.get().tracking_number in reply["Content"]


def test_the_image_download_is_retried(wechat, wechat_api, django_capture_on_commit_callbacks):
    wechat_api.media["MEDIA_busy"] = png_bytes((10, 200, 10))
    wechat_api.failures["MEDIA_busy"] = 2
    xml = wechat.message("image", openid="oBusy", media_id="MEDIA_busy")
    send(wechat, django_capture_on_commit_callbacks, "plain", xml, openid="oBusy")
    message = WeChatMessage.objects.get()
    assert message.media_attempts == 3
    assert message.evidence is not None
    assert wechat_api.calls.count("/cgi-bin/token") == 1  # the access_token was cached


def test_an_unknown_media_id_is_recorded_not_retried(
    wechat, wechat_api, django_capture_on_commit_callbacks
):
    xml = wechat.message("image", openid="oGone", media_id="MEDIA_expired")
    send(wechat, django_capture_on_commit_callbacks, "plain", xml, openid="oGone")
    message = WeChatMessage.objects.get()
    assert message.state == WeChatMessage.State.FAILED
    assert "微信拒绝提供图片" in message.error
    assert message.media_attempts == 1
    assert message.case is not None  # the report itself stands


def test_later_messages_of_the_conversation_are_evidence_on_its_case(
    wechat, wechat_api, django_capture_on_commit_callbacks
):
    wechat_api.media["MEDIA_more"] = png_bytes((0, 0, 250))
    first = wechat.message("text", openid="oChat", content="微商卖假药")
    _r, reply = send(wechat, django_capture_on_commit_callbacks, "plain", first, openid="oChat")
    case = Case.objects.get()
    more = wechat.message("image", openid="oChat", media_id="MEDIA_more")
    _r, reply = send(wechat, django_capture_on_commit_callbacks, "aes", more, openid="oChat")
    assert Case.objects.count() == 1
    assert f"举报 {case.tracking_number} 的证据" in reply["Content"]
    assert case.evidence.count() == 1
    with time_machine.travel(time.time() + 3 * 3600):
        # hours later, the tracking number named in the text adds to the case
        named = wechat.message(
            "text", openid="oChat", content=f"补充：{case.tracking_number.lower()} 商家又发了广告"
        )
        _r, reply = send(wechat, django_capture_on_commit_callbacks, "plain", named, openid="oChat")
        assert f"已补充到举报 {case.tracking_number}" in reply["Content"]
        assert case.evidence.count() == 2
        # another sender naming the number gets their own report, not this case
        other = wechat.message("text", openid="oStranger", content=f"{case.tracking_number} 假货")
        _r, reply = send(
            wechat, django_capture_on_commit_callbacks, "plain", other, openid="oStranger"
        )
        assert Case.objects.count() == 2
        assert case.tracking_number not in reply["Content"]
        # the number alone: the status and a fresh link
        ask = wechat.message("text", openid="oChat", content=case.tracking_number)
        _r, reply = send(wechat, django_capture_on_commit_callbacks, "plain", ask, openid="oChat")
        assert "当前状态" in reply["Content"] and LINK.search(reply["Content"])
        assert case.evidence.count() == 2
        # someone else's number alone opens nothing and files nothing
        peek = wechat.message("text", openid="oPeek", content=case.tracking_number)
        _r, reply = send(wechat, django_capture_on_commit_callbacks, "plain", peek, openid="oPeek")
        assert "没有找到" in reply["Content"] and not LINK.search(reply["Content"])
        assert Case.objects.count() == 2


def test_unsupported_types_and_events_get_an_explanation(wechat):
    voice = wechat.message("voice", openid="oVoice", MediaId="v1", Format="amr")
    reply = wechat.read_plain_reply(wechat.post_plain(voice))
    assert "语音" in reply["Content"]
    subscribe = wechat.message("event", openid="oNew", event="subscribe")
    reply = wechat.read_plain_reply(wechat.post_plain(subscribe))
    assert "举报" in reply["Content"]
    assert not WeChatMessage.objects.exists()


def test_malformed_bodies_are_4xx(wechat):
    assert wechat.post_plain("not xml at all").status_code == 400
    assert wechat.post_plain("<xml><Foo>1</Foo></xml>").status_code == 400
    bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><xml><MsgType>&a;</MsgType></xml>'
    assert wechat.post_plain(bomb).status_code == 400
    assert not WeChatMessage.objects.exists()


def test_a_database_failure_is_a_503_that_wechat_retries(wechat, monkeypatch):
    from django.db import OperationalError

    from wechat import services

    def down(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "message_receive", down)
    response = wechat.post_plain(wechat.message("text", openid="oDown", content="数据库故障"))
    assert response.status_code == 503
