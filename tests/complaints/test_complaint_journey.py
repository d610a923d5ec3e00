"""The consumer's journey after pressing 提交: one case per form, a receipt that says what happens
next and who handles it, tracking that a stranger cannot block, a lost code, replies, withdrawal,
and Beijing time everywhere."""

import datetime
import re
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from complaints import services
from complaints.models import Case, CaseEvent, Office, SubmissionToken
from core.errors import InvalidTransition, NotFound
from core.models import AuditEntry
from tests.complaints.conftest import complaint_post, png_bytes

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def office(db):
    return Office.objects.update_or_create(
        region_code="440100",
        defaults={"name": "广州市市场监督管理局", "phone": "020-12345678", "hours": "工作日"},
    )[0]


def _token(client) -> str:
    html = client.get("/complaints/new/").content.decode()
    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


def _open(client, case, code):
    response = client.post(
        "/complaints/track/", {"tracking_number": case.tracking_number, "access_code": code}
    )
    assert response.status_code == 302


def test_a_refresh_or_a_second_tap_shows_the_same_receipt_and_files_one_case(client, office):
    token = _token(client)
    data = complaint_post(form_token=token, evidence=[SimpleUploadedFile("a.png", png_bytes())])
    first = client.post("/complaints/new/", data)
    assert first.status_code == 200
    receipt_url = first["Content-Location"]
    page = client.get(receipt_url).content.decode()
    case = Case.objects.get()
    code = re.search(r"data-access-code>([^<]+)<", page).group(1)
    assert code not in receipt_url and token in receipt_url

    # A refresh of the receipt: the same page, the same numbers, still one case.
    again = client.get(receipt_url).content.decode()
    assert case.tracking_number in again and code in again
    # A back-button resubmit or a second tap: the same form with the same token.
    data = complaint_post(form_token=token, evidence=[SimpleUploadedFile("a.png", png_bytes())])
    second = client.post("/complaints/new/", data)
    assert second.status_code == 302 and second["Location"] == receipt_url
    assert Case.objects.count() == 1 and not Case.objects.get().held_for_review
    assert case.evidence.count() == 1


def test_the_same_form_from_another_browser_files_nothing_and_shows_no_receipt(client):
    token = _token(client)
    assert client.post("/complaints/new/", complaint_post(form_token=token)).status_code == 200
    other = Client()
    response = other.post("/complaints/new/", complaint_post(form_token=token))
    assert response.status_code == 409
    assert Case.objects.count() == 1
    page = response.content.decode()
    assert "已经提交过" in page and Case.objects.get().tracking_number not in page


def test_the_access_code_disappears_from_the_receipt_after_a_while(client, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI), tick=False)
    response = client.post("/complaints/new/", complaint_post(form_token=_token(client)))
    assert "data-access-code" in client.get(response["Content-Location"]).content.decode()
    time_machine.move_to(datetime.datetime(2026, 12, 2, 10, 16, tzinfo=SHANGHAI), tick=False)
    page = client.get(response["Content-Location"]).content.decode()
    assert "data-access-code" not in page and "data-tracking-number" in page
    assert "/complaints/track/lost-code/" in page


def test_the_receipt_says_what_happens_next_by_when_and_who(client, office, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI), tick=False)
    response = client.post("/complaints/new/", complaint_post(form_token=_token(client)))
    page = client.get(response["Content-Location"]).content.decode()
    case = Case.objects.get()
    for stage in ("登记", "受理", "调解", "办结"):
        assert f"<strong>{stage}</strong>" in page
    assert 'data-stage="acceptance" data-state="current"' in page
    assert "7 个工作日内，承办单位决定是否受理" in page
    assert "《消费者权益保护法》第四十六条" in page  # the rule it comes from
    assert f"{case.acceptance_due:%Y-%m-%d}" == "2026-12-11" and "2026-12-11" in page
    assert "广州市市场监督管理局" in page and "020-12345678" in page
    assert 'data-copy="code-1"' in page and "copy.js" in page
    assert "data-mailed" not in page  # no e-mail was given, so none is claimed


@pytest.mark.django_db(transaction=True)
def test_the_receipt_says_the_e_mail_was_sent_with_absolute_links(
    client, mailoutbox, settings, monkeypatch
):
    # The follow-up work runs inline here (not on a thread) so the in-memory test database is
    # used by one connection at a time.
    monkeypatch.setattr(services.followups, "_in_background", lambda func, *args: func(*args))
    settings.SITE_URL = "https://ws.example.gov.cn"
    data = complaint_post(form_token=_token(client), email="wang@example.com")
    response = client.post("/complaints/new/", data)
    page = client.get(response["Content-Location"]).content.decode()
    case = Case.objects.get()
    assert "data-mailed" in page and "w***@example.com" in page
    body = mailoutbox[0].body
    assert f"https://ws.example.gov.cn/complaints/track/{case.tracking_number}/" in body
    assert "受理编号" in body and "查询码" in body


def test_the_form_marks_what_a_complaint_needs_and_lists_the_errors_at_the_top(client):
    html = client.get("/complaints/new/").content.decode()
    assert "只有举报可以匿名" in html
    assert "投诉必填" in html
    for field in ("merchant_address", "payee_name", "order_number"):
        assert f'name="{field}"' in html
    assert "微信号" in html and "收款方" in html and "合并转发" in html and "不要裁剪" in html

    response = client.post(
        "/complaints/new/",
        complaint_post(form_token=_token(client), occurred_on="", address="", anonymous="on"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    summary = re.search(r'id="error-summary".*?</section>', html, re.S).group(0)
    for anchor in ("#f-occurred_on", "#f-address", "#f-anonymous"):
        assert f'href="{anchor}"' in summary
    assert "只有举报可以匿名" in summary


def test_the_new_fields_are_stored_and_shown_back_to_the_complainant(client):
    data = complaint_post(
        form_token=_token(client),
        merchant_address="广州市白云区某某路8号",
        payee_name="**明（王*明）",
        order_number="SF1234567890",
    )
    client.post("/complaints/new/", data)
    case = Case.objects.get()
    assert (case.merchant_address, case.payee_name, case.order_number) == (
        "广州市白云区某某路8号",
        "**明（王*明）",
        "SF1234567890",
    )
    page = client.get(f"/complaints/track/{case.tracking_number}/").content.decode()
    assert "SF1234567890" in page and "在朋友圈买的面霜是假货" in page


def test_the_home_page_teaches_what_evidence_to_keep(client):
    html = client.get("/").content.decode()
    assert "微信号" in html and "转账详情页" in html and "不要裁剪" in html


def test_wrong_codes_lock_out_that_address_only_not_the_owner(submit, settings):
    settings.COMPLAINTS_TRACK_FAILURES_PER_HOUR = 3
    case, code = submit()
    stranger, owner = Client(REMOTE_ADDR="203.0.113.9"), Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(3):
        stranger.post(
            "/complaints/track/",
            {"tracking_number": case.tracking_number, "access_code": "AAAA-BBBB-CCCC-DDDD"},
        )
    blocked = stranger.post(
        "/complaints/track/", {"tracking_number": case.tracking_number, "access_code": code}
    )
    assert blocked.status_code == 429
    mine = owner.post(
        "/complaints/track/", {"tracking_number": case.tracking_number, "access_code": code}
    )
    assert mine.status_code == 302


def test_a_lost_code_is_replaced_and_sent_to_the_e_mail_given(client, submit, mailoutbox):
    case, old = submit(email="li@example.com")
    mailoutbox.clear()
    page = client.get(f"/complaints/track/lost-code/?number={case.tracking_number}")
    assert "暂未开通短信" in page.content.decode()  # honest: no SMS backend configured
    wrong = client.post(
        "/complaints/track/lost-code/",
        {"tracking_number": case.tracking_number, "email": "someone@example.com"},
    )
    assert wrong.status_code == 200 and mailoutbox == []
    right = client.post(
        "/complaints/track/lost-code/",
        {"tracking_number": case.tracking_number, "email": "LI@example.com"},
    )

    def notice(r):
        return re.search(r"data-reissue-done>.*?</section>", r.content.decode(), re.S).group(0)

    assert notice(right) == notice(wrong)  # the answer says nothing about a match
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["li@example.com"]
    new = re.search(r"新的查询码：(\S+)", mailoutbox[0].body).group(1)
    assert new != old
    with pytest.raises(NotFound):
        services.case_find_by_code(tracking_number=case.tracking_number, access_code=old)
    assert services.case_find_by_code(tracking_number=case.tracking_number, access_code=new)
    assert AuditEntry.objects.filter(action="complaint.access_code_reissued").count() == 1
    assert AuditEntry.objects.filter(action="complaint.access_code_reissue_refused").count() == 1


def test_a_lost_code_goes_by_sms_when_a_backend_is_configured(client, submit, settings):
    sent = []
    settings.COMPLAINTS_SMS_BACKEND = "tests.complaints.test_complaint_journey.fake_sms"
    fake_sms.sent = sent
    case, _old = submit()
    client.post(
        "/complaints/track/lost-code/",
        {"tracking_number": case.tracking_number, "phone": "+86 138 1234 5678"},
    )
    assert len(sent) == 1 and sent[0][0] == "13812345678" and case.tracking_number in sent[0][1]


def fake_sms(phone, text):
    fake_sms.sent.append((phone, text))


def test_the_complainant_replies_with_text_and_a_file(client, submit, regulator):
    case, code = submit()
    services.case_message_send(case=case, actor=regulator, body="请补充付款截图")
    _open(client, case, code)
    response = client.post(
        f"/complaints/track/{case.tracking_number}/reply/",
        {
            "body": "付款截图见附件，商家已拉黑我。",
            "evidence": [SimpleUploadedFile("pay.png", png_bytes())],
        },
    )
    assert response.status_code == 302
    reply = CaseEvent.objects.get(case=case, kind="reply")
    assert reply.public and reply.body == "付款截图见附件，商家已拉黑我。"
    assert case.evidence.get().original_name == "pay.png"
    page = client.get(f"/complaints/track/{case.tracking_number}/").content.decode()
    assert "付款截图见附件" in page and "pay.png" in page and "请补充付款截图" in page
    assert AuditEntry.objects.filter(action="complaint.reply_added").exists()
    empty = client.post(f"/complaints/track/{case.tracking_number}/reply/", {"body": " "})
    assert empty.status_code == 400


def test_the_complainant_withdraws_a_complaint_and_the_regulator_sees_it(client, submit, regulator):
    case, code = submit()
    _open(client, case, code)
    unconfirmed = client.post(f"/complaints/track/{case.tracking_number}/withdraw/", {})
    assert unconfirmed.status_code == 400
    response = client.post(
        f"/complaints/track/{case.tracking_number}/withdraw/",
        {"confirm": "on", "reason": "商家已退款"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "closed" and case.withdrawn_at and case.sla == "none"
    assert case.outcome_reason == "投诉人撤回投诉：商家已退款"
    entry = AuditEntry.objects.get(action="complaint.withdrawn")
    assert entry.data["reason"] == "商家已退款"
    page = client.get(f"/complaints/track/{case.tracking_number}/").content.decode()
    assert "已撤回" in page and "撤回投诉" not in page.split("办理记录")[0]
    assert 'action="/complaints/track/' + case.tracking_number + '/withdraw/"' not in page
    staff = Client()
    staff.force_login(regulator)
    desk = staff.get(f"/admin/complaints/case/{case.pk}/change/").content.decode()
    assert "投诉人撤回" in desk and "商家已退款" in desk


def test_withdrawing_during_mediation_ends_it(submit, regulator):
    from complaints import tracking

    case, _code = submit()
    case = services.case_accept(case=case, actor=regulator)
    if case.status == "accepted":
        case = services.mediation_start(case=case, actor=regulator)
    case = tracking.case_withdraw(case=case)
    assert case.status == "mediation_ended" and case.withdrawn_at
    with pytest.raises(InvalidTransition):
        tracking.case_withdraw(case=case)


def test_times_are_beijing_time_on_the_case_page_e_mail_and_api(
    client, submit, regulator, mailoutbox, time_machine, django_capture_on_commit_callbacks
):
    # 19:35 UTC on 1 December is 03:35 on 2 December in Beijing.
    time_machine.move_to(datetime.datetime(2026, 12, 1, 19, 35, tzinfo=datetime.UTC), tick=False)
    case, code = submit(email="t@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        services.case_message_send(case=case, actor=regulator, body="已收到")
    _open(client, case, code)
    page = client.get(f"/complaints/track/{case.tracking_number}/").content.decode()
    assert "2026-12-02 03:35" in page and "2026-12-01 19:35" not in page
    assert 'datetime="2026-12-02T03:35:00+08:00"' in page
    assert any("2026-12-02 03:35" in m.body for m in mailoutbox)


def test_supervisors_enter_the_office_in_the_admin_audited(client, supervisor):
    client.force_login(supervisor)
    response = client.post(
        "/admin/complaints/office/add/",
        {"region_code": "440106", "name": "广州市天河区市场监督管理局", "phone": "020-38888888",
         "address": "", "hours": "", "active": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    from complaints import tracking

    assert tracking.office_for("440106").name == "广州市天河区市场监督管理局"
    assert AuditEntry.objects.filter(action="complaint.office_saved").exists()


def test_the_api_gives_message_times_in_beijing_time(submit, regulator, time_machine):
    from complaints.api import case_status

    time_machine.move_to(datetime.datetime(2026, 12, 1, 19, 35, tzinfo=datetime.UTC), tick=False)
    case, _code = submit()
    assert case_status(case)["messages"][0]["at"] == "2026-12-02T03:35:00+08:00"


def test_a_double_tap_that_overlaps_the_first_request_files_one_case(client, monkeypatch):
    """The second request passes the "already sent?" check before the first one commits, then
    loses the race for the token: it shows the first one's receipt and files nothing."""
    from complaints import views

    token = _token(client)
    first = client.post("/complaints/new/", complaint_post(form_token=token))

    class NotYetCommitted:
        class objects:  # stands in for the model's manager
            @staticmethod
            def filter(**kwargs):
                return SubmissionToken.objects.none()

    monkeypatch.setattr(views, "SubmissionToken", NotYetCommitted)
    second = client.post("/complaints/new/", complaint_post(form_token=token))
    assert second.status_code == 302 and second["Location"] == first["Content-Location"]
    assert Case.objects.count() == 1


def test_the_regulators_history_and_export_are_in_beijing_time(submit, regulator, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 1, 19, 35, tzinfo=datetime.UTC), tick=False)
    case, _code = submit()
    staff = Client()
    staff.force_login(regulator)
    page = staff.get(f"/admin/complaints/case/{case.pk}/change/").content.decode()
    assert 'datetime="2026-12-02T03:35:00+08:00"' in page and "2026-12-01 19:35" not in page
    export = staff.post(
        "/admin/complaints/case/", {"action": "export_csv", "_selected_action": [case.pk]}
    )
    text = export.content.decode("utf-8-sig")
    assert "2026-12-02 03:35" in text and "19:35" not in text


def test_the_stages_follow_the_case(submit, regulator):
    from complaints import tracking

    def states(case):
        return [(s.key, s.state) for s in tracking.case_stages(case)]

    report, _ = submit(kind="report", anonymous=True, name="", phone="", address="")
    assert states(report) == [
        ("registered", "done"),
        ("verification", "current"),
        ("decision", "upcoming"),
        ("closed", "upcoming"),
    ]
    assert tracking.case_stages(report)[1].due.date == report.verification_due
    refused, _ = submit(phone="13900001111", description="另一件投诉")
    refused = services.case_refuse(case=refused, actor=regulator, ground="outside_remit")
    stages = tracking.case_stages(refused)
    assert [(s.key, s.state) for s in stages] == [
        ("registered", "done"),
        ("acceptance", "done"),
        ("mediation", "skipped"),
        ("closed", "current"),
    ]
    assert stages[1].outcome == "不予受理"
