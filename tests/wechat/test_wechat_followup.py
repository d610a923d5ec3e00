"""After the reply: the signed link (details, expiry), the outbox task a worker runs, and the
regulator's read-only view of the stored messages."""

import re
import threading
import time
from urllib.parse import urlencode

import pytest
import time_machine
from django.db import connections

from complaints.models import Case, Evidence
from core.models import OutboxMessage
from core.outbox import deliver
from wechat.models import WeChatMessage

from .conftest import png_bytes

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https://ws\.example\.gov\.cn(/wechat/case/[^/\s]+/)")


def file_text(wechat, capture, openid="oLink", content="微商卖假货，微信号 fake_seller"):
    with capture(execute=True):
        response = wechat.post_plain(wechat.message("text", openid=openid, content=content))
    reply = wechat.read_plain_reply(response)
    return Case.objects.get(wechat_messages__openid=openid), LINK.search(reply["Content"]).group(1)


def test_the_link_takes_the_seller_and_the_reporters_details(
    wechat, django_capture_on_commit_callbacks
):
    case, path = file_text(wechat, django_capture_on_commit_callbacks)
    page = wechat.client.get(path)
    assert "补充举报" in page.content.decode()
    refused = wechat.client.post(path, {"name": "张三", "phone": "13800138000"})
    assert refused.status_code == 400
    assert "请同意为处理本案使用您的个人信息" in refused.content.decode()
    bad_phone = wechat.client.post(path, {"phone": "12345", "consent": "on"})
    assert bad_phone.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        done = wechat.client.post(
            path,
            {
                "merchant_wechat_id": "fake_seller",
                "name": "张三",
                "phone": "13800138000",
                "consent": "on",
            },
        )
    assert done.status_code == 302
    assert done["Location"] == f"/complaints/track/{case.tracking_number}/"
    case.refresh_from_db()
    assert not case.anonymous and case.complainant_name == "张三"
    assert case.merchant_wechat_id == "fake_seller" and case.consent_at is not None
    # the browser now holds the case: the tracking page opens without the access code
    assert wechat.client.get(done["Location"]).status_code == 200


def test_the_link_expires(wechat, settings, django_capture_on_commit_callbacks):
    _case, path = file_text(wechat, django_capture_on_commit_callbacks)
    with time_machine.travel(time.time() + (settings.WECHAT_LINK_HOURS + 1) * 3600):
        response = wechat.client.get(path)
    assert response.status_code == 410
    assert "链接已失效" in response.content.decode()
    assert wechat.client.get(path[:-5] + "xxxx/").status_code == 410  # a forged token


def test_with_a_broker_the_outbox_task_fetches_the_image(wechat, wechat_api, settings):
    """What a worker does: the row names ``wechat.message_process``; delivering it stores the
    image as evidence."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    wechat_api.media["MEDIA_worker"] = png_bytes((1, 2, 3))
    response = wechat.post_plain(wechat.message("image", openid="oW", media_id="MEDIA_worker"))
    reply = wechat.read_plain_reply(response)
    case = Case.objects.get()
    assert case.tracking_number in reply["Content"] and "图片正在保存" in reply["Content"]
    assert not Evidence.objects.exists()  # not in the request
    row = OutboxMessage.objects.get(task_name="wechat.message_process")
    deliver(row.pk)
    assert Evidence.objects.filter(case=case).count() == 1
    row.refresh_from_db()
    assert row.completed_at is not None


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_of_one_msgid_are_one_case(wechat, settings):
    """WeChat's retries can overlap a slow first answer: three at once, one row, one case."""
    if connections["default"].vendor != "postgresql":
        pytest.skip("concurrent writers: PostgreSQL")
    xml = wechat.message("text", openid="oRace", content="同时到达的重试")
    query = wechat.query()
    replies, errors = [], []

    def post():
        from django.test import Client

        try:
            r = Client().post(
                f"/wechat/callback/?{urlencode(query)}",
                data=xml.encode(),
                content_type="text/xml",
            )
            replies.append(r.content.decode())
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for t in threading.enumerate():  # the in-process follow-ups of the filed case
        if t.name.endswith("follow-up"):
            t.join(timeout=30)
    assert not errors
    case = Case.objects.get()
    assert WeChatMessage.objects.count() == 1
    assert all(case.tracking_number in r for r in replies) and len(replies) == 3


def test_regulators_see_the_stored_messages_read_only(
    wechat, regulator, outsider, client, django_capture_on_commit_callbacks
):
    file_text(wechat, django_capture_on_commit_callbacks)
    message = WeChatMessage.objects.get()
    client.force_login(regulator)
    listing = client.get("/admin/wechat/wechatmessage/")
    assert listing.status_code == 200
    assert "公众号消息" in listing.content.decode() and "fake_seller" in listing.content.decode()
    detail = client.get(f"/admin/wechat/wechatmessage/{message.pk}/change/")
    body = detail.content.decode()
    assert detail.status_code == 200 and "原始消息（XML，原样保存）" in body
    assert message.sha256 in body and 'name="_save"' not in body
    assert client.post(f"/admin/wechat/wechatmessage/{message.pk}/delete/").status_code == 403
    for term in ("fake_seller", str(message.msg_id), message.case.tracking_number):
        found = client.get("/admin/wechat/wechatmessage/", {"q": term})
        assert found.status_code == 200 and "fake_seller" in found.content.decode(), term
    client.force_login(outsider)  # 上海: another region
    assert "fake_seller" not in client.get("/admin/wechat/wechatmessage/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_over_real_http_the_answer_does_not_wait_for_the_image(
    live_server, client, wechat_settings, wechat_api
):
    """Real HTTP to a live server, WeChat's 5 s in mind: with the image download taking 3 s,
    the safe-mode answer (tracking number, decrypted and verified) comes at once and the image
    is evidence a moment later."""
    if connections["default"].vendor != "postgresql":
        pytest.skip("threads beside a live server: PostgreSQL (in-memory SQLite locks tables)")
    from complaints.defaults import seed
    from complaints.models import DeadlineRule, RefusalGround

    from .conftest import WeChatSide

    seed(DeadlineRule, RefusalGround)
    wechat = WeChatSide(
        client, aes_key=wechat_settings.WECHAT_ENCODING_AES_KEY, http_base=live_server.url
    )
    assert wechat.verify_url("hello-live").content == b"hello-live"
    wechat_api.media["MEDIA_slow"] = png_bytes((9, 9, 9))
    wechat_api.media_delay = 3.0
    response = wechat.post_aes(wechat.message("image", openid="oLive", media_id="MEDIA_slow"))
    reply = wechat.read_aes_reply(response)
    assert response.seconds < 2.5, f"answered in {response.seconds:.2f} s"
    case = Case.objects.get()
    assert case.tracking_number in reply["Content"]
    deadline = time.monotonic() + 20
    while not Evidence.objects.filter(case=case).exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert Evidence.objects.filter(case=case).count() == 1
    for t in threading.enumerate():  # let the in-process follow-ups finish before the flush
        if t.name.endswith("follow-up"):
            t.join(timeout=30)


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_stores_the_image(broker_url, wechat_settings, wechat_api, client, settings):
    """Production's path: the answer at once, then a Celery worker process (real broker,
    PostgreSQL) fetches the image from the fake WeChat API and stores it as evidence."""
    if connections["default"].vendor != "postgresql":
        pytest.skip("the worker process needs a shared database server (PostgreSQL)")
    from complaints.defaults import seed
    from complaints.models import DeadlineRule, RefusalGround
    from tests.broker import using_broker
    from tests.foundation.test_worker import start_worker, stop_worker, wait_for
    from wsmonitor.celery import app

    from .conftest import WeChatSide

    seed(DeadlineRule, RefusalGround)
    with app.connection_for_write() as conn:
        app.control.purge(connection=conn)
    env = {
        name: str(getattr(settings, name))
        for name in (
            "WECHAT_APP_ID", "WECHAT_APP_SECRET", "WECHAT_TOKEN", "WECHAT_ENCODING_AES_KEY",
            "WECHAT_API_BASE", "MEDIA_ROOT",
        )
    }  # fmt: skip
    wechat_api.media["MEDIA_w"] = png_bytes((4, 5, 6))
    worker = start_worker(broker_url, extra_env=env)
    try:
        wechat = WeChatSide(client, aes_key=wechat_settings.WECHAT_ENCODING_AES_KEY)
        with using_broker(broker_url, settings=settings):
            response = wechat.post_aes(wechat.message("image", openid="oWk", media_id="MEDIA_w"))
        reply = wechat.read_aes_reply(response)
        case = Case.objects.get()
        assert case.tracking_number in reply["Content"]
        assert wait_for(lambda: Evidence.objects.filter(case=case).exists(), 120)
        assert wait_for(lambda: WeChatMessage.objects.get().state == WeChatMessage.State.FILED, 30)
    finally:
        stop_worker(worker)
