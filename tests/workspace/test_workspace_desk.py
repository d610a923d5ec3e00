"""The regulator's desk around the merchant: formal documents with a 文号, the platform's reply,
actions that keep their own state, public warnings from the public-notice template, taking over
a claim, and the "my work" home."""

import re

import pytest

from core.documents import pdf_text
from core.models import AuditEntry, FormalDocument
from merchants import actions as svc
from merchants.models import ConsumerWarning, EnforcementAction
from tests.workspace.conftest import login

pytestmark = pytest.mark.django_db


def _act(merchant, actor, kind, **kw):
    return svc.action_take(
        merchant=merchant, actor=actor, data=svc.ActionInput(kind=kind, reason="涉嫌售假", **kw)
    )


def test_letters_get_a_number_per_office_and_year_and_print_to_pdf(world, regulator):
    import datetime

    m = world["liwan"]
    _act(m, regulator, "warning")
    _act(m, regulator, "freeze_request", platform="wechat")
    _act(m, regulator, "referral", department="police",
         due_on=datetime.date.today() + datetime.timedelta(days=10))  # fmt: skip
    docs = list(FormalDocument.objects.order_by("sequence"))
    year = docs[0].year
    assert [d.number for d in docs] == [
        f"市监警〔{year}〕1号",
        f"市监协〔{year}〕2号",
        f"市监移〔{year}〕3号",
    ]
    assert docs[1].addressee.startswith("深圳市腾讯计算机系统有限公司")
    page = login(regulator).get(f"/admin/merchants/merchant/{m.pk}/change/").content.decode()
    link = re.search(rf'href="([^"]+)" data-document="市监协〔{year}〕2号"', page).group(1)
    pdf = login(regulator).get(link)
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert f"市监协〔{year}〕2号" in text and "协助" in text and m.display_name in text


def test_a_later_action_does_not_hide_a_waiting_freeze_request(world, regulator):
    import datetime

    m = world["liwan"]
    freeze = _act(m, regulator, "freeze_request")
    _act(m, regulator, "referral", department="police",
         due_on=datetime.date.today() + datetime.timedelta(days=10))  # fmt: skip
    m.refresh_from_db()
    assert m.status == "referred"
    page = login(regulator).get(f"/admin/merchants/merchant/{m.pk}/change/").content.decode()
    assert "data-open-freeze" in page and "等待平台答复" in page
    response = login(regulator).post(
        f"/admin/merchants/merchant/{m.pk}/freeze/{freeze.pk}/reply/", {"reply": "已冻结该账号"}
    )
    assert response.status_code == 302
    freeze.refresh_from_db()
    assert freeze.closed_at is not None and freeze.closing_note == "已冻结该账号"
    letter = FormalDocument.objects.get(kind="freeze_request")
    assert letter.reply_text == "已冻结该账号" and letter.reply_at is not None
    assert AuditEntry.objects.filter(action="merchant.freeze_reply").count() == 1
    assert EnforcementAction.objects.get(kind="referral").closed_at is None


def test_a_public_warning_is_drafted_from_the_public_notice_and_names_the_issuer(
    world, regulator, supervisor, client
):
    m = world["liwan"]
    response = login(regulator).post(f"/admin/merchants/merchant/{m.pk}/draft-warning/")
    warning = ConsumerWarning.objects.get()
    assert response.status_code == 302 and warning.state == "draft"
    assert "行政警示函" not in warning.body and "你（单位）" not in warning.body
    assert "提醒广大消费者" in warning.body and "liwan_daigou" in warning.body
    assert warning.issuer_name
    preview = login(regulator).get(f"/admin/merchants/consumerwarning/{warning.pk}/preview/")
    html = preview.content.decode()
    assert "尚未发布" in html and warning.issuer_name in html
    assert client.get(f"/warnings/{warning.pk}/").status_code == 404  # not public yet
    login(supervisor).post(
        f"/admin/merchants/consumerwarning/{warning.pk}/publish/", {"confirm": "yes"}
    )
    public = client.get(f"/warnings/{warning.pk}/").content.decode()
    assert warning.issuer_name in public and "liwan_daigou" in public and m.display_name in public


def test_the_footer_names_the_operating_agency(client, settings):
    settings.SITE_AGENCY_NAME = "广州市市场监督管理局"
    html = client.get("/warnings/").content.decode()
    assert "主办单位：广州市市场监督管理局" in html


def test_a_supervisor_takes_over_a_claim_a_regulator_cannot(world, regulator, supervisor, db):
    from django.contrib.auth.models import Group

    from core.errors import Forbidden
    from core.roles import set_user_regions

    m = world["liwan"]
    svc.claim_take(merchant=m, actor=regulator)
    other = type(regulator).objects.create_user("gz-2", password="x", is_staff=True)
    other.groups.add(Group.objects.get(name="Regulator"))
    set_user_regions(other, ["440100"])
    with pytest.raises(Forbidden):
        svc.claim_take_over(merchant=m, actor=other)
    page = login(supervisor).get(f"/admin/merchants/merchant/{m.pk}/change/").content.decode()
    assert "data-take-over" in page
    login(supervisor).post(f"/admin/merchants/merchant/{m.pk}/claim/", {"take_over": "1"})
    assert svc.claim_holder(m) == supervisor
    entry = AuditEntry.objects.get(action="merchant.claim_taken_over")
    assert entry.data == {"from": "gz-regulator"}


def test_my_work_lists_claims_due_cases_and_unassigned_cases(world, regulator, time_machine):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from complaints import services

    time_machine.move_to(dt.datetime(2026, 11, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    [mine] = services.case_submit(
        data={"kind": "complaint", "merchant_wechat_id": "a1", "description": "假货",
              "demand": "退款", "name": "张三", "phone": "13812345678", "address": "广州市",
              "consent": True},
        files=[],
    )  # fmt: skip
    [loose] = services.case_submit(
        data={"kind": "report", "merchant_wechat_id": "b2", "description": "钓鱼链接",
              "anonymous": True, "consent": True},
        files=[],
    )  # fmt: skip
    services.case_assign(case=mine.case, actor=regulator, assignee=regulator)
    time_machine.move_to(dt.datetime(2026, 11, 10, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    services.sla_sweep()
    svc.claim_take(merchant=world["liwan"], actor=regulator)
    html = login(regulator).get("/admin/").content.decode()
    work = html[html.index("data-my-work") :]
    claims = work[work.index('data-section="claims"') : work.index('data-section="due"')]
    assert "liwan_daigou" in claims
    due = work[work.index('data-section="due"') : work.index('data-section="unassigned"')]
    assert mine.case.tracking_number in due
    unassigned = work[work.index('data-section="unassigned"') :]
    assert loose.case.tracking_number in unassigned
    assert mine.case.tracking_number not in unassigned
