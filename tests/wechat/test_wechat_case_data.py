"""What the account records on a case, and what erasing the case's personal data erases here:
a case from the account says so (source 微信公众号: admin filter and list, API status); after
``case_pii_erase`` no message of the case names the sender's OpenID any more (field and raw
XML), the erasure's audit entry says so, and the sender can no longer reach the case."""

import importlib

import pytest
from django.apps import apps
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator

from complaints.api import case_status
from complaints.models import Case
from complaints.services import case_pii_erase, case_submit
from complaints.services.personal import case_pii_erasing
from core.models import AuditEntry
from wechat.models import WeChatMessage

pytestmark = pytest.mark.django_db

OPENID = "oWx1a2B3c4D5e6F7g8H9i0J1k2L3"


def send_text(wechat, capture, content: str, openid: str = OPENID) -> str:
    with capture(execute=True):
        response = wechat.post_plain(wechat.message("text", openid=openid, content=content))
    return wechat.read_plain_reply(response)["Content"]


@pytest.fixture
def conversation(wechat, django_capture_on_commit_callbacks):
    """A report and a second message added to it as evidence, then a status question."""
    capture = django_capture_on_commit_callbacks
    send_text(wechat, capture, "朋友圈卖假LV包，微信号 fake_seller")
    send_text(wechat, capture, "他还发了收款码让我转账")
    case = Case.objects.get(wechat_messages__openid=OPENID, wechat_messages__opened_case=True)
    send_text(wechat, capture, case.tracking_number)
    assert WeChatMessage.objects.filter(case=case).count() == 3
    return case


# --- Source -------------------------------------------------------------------------------------


def test_a_case_from_the_account_records_its_source(conversation, client, supervisor):
    assert conversation.source == Case.Source.WECHAT
    assert conversation.get_source_display() == "微信公众号"
    web = case_submit(
        data={"kind": "report", "anonymous": True, "merchant_wechat_id": "web_seller",
              "description": "网上举报：朋友圈卖假货，一比一复刻"},
        files=[],
    )[0].case  # fmt: skip
    assert web.source == Case.Source.WEB
    client.force_login(supervisor)
    listing = client.get("/admin/complaints/case/").content.decode()
    assert 'data-source="wechat">微信公众号<' in listing
    assert listing.count("data-source=") == 1  # the public form's case carries no mark
    only = client.get("/admin/complaints/case/", {"source__exact": "wechat"}).content.decode()
    assert conversation.tracking_number in only and web.tracking_number not in only
    assert "微信公众号" in only  # the filter's choice


def test_the_api_status_and_its_schema_carry_the_source(conversation):
    assert case_status(conversation)["source"] == "wechat"
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    status = components["CaseStatus"]["properties"]["source"]
    ref = status.get("$ref") or status["allOf"][0]["$ref"]
    enum = components[ref.rsplit("/", 1)[1]]["enum"]
    assert "微信公众号" in status["description"]
    assert set(enum) == {"web", "api", "wechat"}


def test_cases_the_account_opened_earlier_get_the_source(conversation):
    Case.objects.filter(pk=conversation.pk).update(source=Case.Source.WEB)
    migration = importlib.import_module("wechat.migrations.0002_case_source")
    migration.forwards(apps, None)
    conversation.refresh_from_db()
    assert conversation.source == Case.Source.WECHAT
    migration.backwards(apps, None)
    conversation.refresh_from_db()
    assert conversation.source == Case.Source.WEB


# --- Erasure ------------------------------------------------------------------------------------


def test_erasing_the_case_erases_the_senders_openid(conversation):
    other = WeChatMessage.objects.exclude(case=conversation).count()
    case_pii_erase(case=conversation, reason="保存期限届满")
    for message in WeChatMessage.objects.filter(case=conversation):
        assert message.openid == ""
        assert OPENID not in message.xml and "<![CDATA[已删除]]>" in message.xml
        assert message.content  # what was sent stays, as the case's description does
    assert WeChatMessage.objects.exclude(case=conversation).count() == other
    entry = AuditEntry.objects.get(action="complaint.pii_erased")
    assert entry.data["also_erased"] == {"wechat_messages": 3}
    assert entry.target_id == str(conversation.pk)


def test_after_erasure_the_sender_no_longer_reaches_the_case(
    conversation, wechat, django_capture_on_commit_callbacks
):
    case_pii_erase(case=conversation, reason="当事人要求删除")
    reply = send_text(wechat, django_capture_on_commit_callbacks, conversation.tracking_number)
    assert "没有找到" in reply
    send_text(wechat, django_capture_on_commit_callbacks, "又看到他在卖假货")
    newest = WeChatMessage.objects.order_by("-id").first()
    assert newest.case_id != conversation.pk and newest.opened_case


def test_the_regulator_sees_the_openid_was_erased(conversation, client, supervisor):
    case_pii_erase(case=conversation, reason="保存期限届满")
    message = WeChatMessage.objects.filter(case=conversation).first()
    client.force_login(supervisor)
    page = client.get(f"/admin/wechat/wechatmessage/{message.pk}/change/").content.decode()
    assert "已删除（个人信息已删除）" in page and OPENID not in page


def test_the_retention_command_erases_the_openid_too(conversation):
    Case.objects.filter(pk=conversation.pk).update(
        status=Case.Status.CLOSED, closed_at="2020-01-01T00:00:00+08:00"
    )
    call_command("complaints_erase", "--retention", verbosity=0)
    assert not WeChatMessage.objects.filter(case=conversation).exclude(openid="").exists()


def test_a_failing_part_rolls_the_whole_erasure_back(conversation):
    def broken(sender, **kwargs):
        raise RuntimeError("storage down")

    case_pii_erasing.connect(broken, sender=Case, dispatch_uid="test-broken")
    try:
        with pytest.raises(RuntimeError):
            case_pii_erase(case=conversation, reason="保存期限届满")
    finally:
        case_pii_erasing.disconnect(dispatch_uid="test-broken", sender=Case)
    conversation.refresh_from_db()
    assert conversation.pii_erased_at is None
    assert WeChatMessage.objects.filter(case=conversation, openid=OPENID).count() == 3
    assert not AuditEntry.objects.filter(action="complaint.pii_erased").exists()
