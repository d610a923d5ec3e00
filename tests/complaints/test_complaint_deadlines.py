"""Statutory deadlines: working days as data, rules as data, and never a blank deadline.

The official holiday schedules here end at 2026 (``calendar_ends_2026``), whatever the installed
chinesecalendar knows, and the clock is frozen: 2027 is counted provisionally (暂估)."""

import datetime
import zoneinfo

import pytest
from django.core.management import call_command
from django.test import Client

from complaints import services
from complaints.models import Case, DeadlineRule
from complaints.services import deadlines_initialise
from core.holidays import holiday_schedule_enter
from core.models import AuditEntry
from core.workdays import add_working_days, working_days_between
from tests.holiday_tables import TEST_2027_OFF, TEST_2027_WORKED, calendar_ends_2026

D = datetime.date
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _calendar_ends_2026(db):
    calendar_ends_2026()


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, 0, tzinfo=BEIJING)


def enter_2027(**kwargs):
    return holiday_schedule_enter(
        year=2027,
        days_off=[(d, "") for d in TEST_2027_OFF],
        days_worked=[(d, "") for d in TEST_2027_WORKED],
        source="国办发明电〔2026〕99号（测试）",
        actor_label="test",
        **kwargs,
    )


def test_national_day_2026_acceptance_deadline():
    """A 投诉 received on Wednesday 2026-09-30 must be decided by Thursday 2026-10-15.

    The day of receipt is not counted. The official 2026 schedule (国办发明电〔2025〕7号): 10-01
    to 10-07 National Day holiday; Saturday 10-10 is a 调休 make-up working day; Sunday 10-11 is
    a rest day. So the 7 working days are: 10-08 (Thu) 1, 10-09 (Fri) 2, 10-10 (Sat, 调休) 3,
    10-12 (Mon) 4, 10-13 (Tue) 5, 10-14 (Wed) 6, 10-15 (Thu) 7.
    """
    assert add_working_days(D(2026, 9, 30), 7) == D(2026, 10, 15)
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 15)) == 7
    assert working_days_between(D(2026, 10, 1), D(2026, 10, 7)) == 0
    assert working_days_between(D(2026, 10, 9), D(2026, 10, 10)) == 1  # the 调休 Saturday


def test_a_complaint_received_on_2026_09_30_is_due_on_2026_10_15():
    received = datetime.datetime(2026, 9, 30, 16, 0, tzinfo=datetime.UTC)  # 24:00 Beijing
    case = Case.objects.create(
        tracking_number="WS-TEST-0000-0001",
        access_code_hash="x",
        kind="complaint",
        region_code="440100",
        received_region_code="440100",
        description="d",
        received_at=received - datetime.timedelta(minutes=1),
    )
    deadlines_initialise(case)
    case.refresh_from_db()
    assert case.acceptance_due == D(2026, 10, 15)
    assert case.provisional_deadlines == {}


def test_the_rule_in_force_on_the_day_of_receipt_applies():
    DeadlineRule.objects.create(
        key="acceptance", working_days=10, effective_from=D(2026, 9, 1), legal_source="test"
    )
    case = Case.objects.create(
        tracking_number="WS-TEST-0000-0002",
        access_code_hash="x",
        kind="complaint",
        region_code="440100",
        received_region_code="440100",
        description="d",
        received_at=datetime.datetime(2026, 9, 30, 3, 0, tzinfo=datetime.UTC),
    )
    deadlines_initialise(case)
    assert case.acceptance_due == D(2026, 10, 20)  # 10 working days: …10-15 (7), 16, 19, 20


def test_a_complaint_received_on_2026_12_24_has_a_provisional_deadline_recomputed_officially(
    submit, time_machine, regulator
):
    """Thu 12-24 + 7 working days: 12-25, 28, 29, 30, 31, then 2027 — no official schedule
    yet, so 01-01 (元旦) is off and 01-04, 01-05 count: due 2027-01-05, 暂估. The (made-up)
    official schedule then gives Monday 01-04 off too: due 01-06, no longer provisional."""
    time_machine.move_to(at(D(2026, 12, 24)), tick=False)
    case, _code = submit()
    case.refresh_from_db()
    assert case.acceptance_due == case.current_due == D(2027, 1, 5)
    assert case.sla == "ok" and case.deadline_error == ""
    shown = services.deadline_current(case)
    assert shown.provisional and shown.note == "暂估（2027年放假安排尚未公布）"

    result = enter_2027()

    case.refresh_from_db()
    assert case.acceptance_due == case.current_due == D(2027, 1, 6)
    assert case.provisional_deadlines == {}
    assert not services.deadline_current(case).provisional
    assert result.recomputed == [("未办结案件", 1)]
    assert "重新计算了未办结案件的期限，1件有变化" in result.summary()
    assert AuditEntry.objects.filter(action="calendar.schedule_entered").count() == 1
    assert AuditEntry.objects.filter(action="complaint.deadlines_recomputed").count() == 1


def test_a_45_working_day_mediation_from_late_2026_is_provisional_never_blank(
    submit, regulator, time_machine
):
    time_machine.move_to(at(D(2026, 12, 1)), tick=False)
    case, _ = submit()
    services.case_accept(case=case, actor=regulator)
    services.mediation_start(case=case, actor=regulator)
    case.refresh_from_db()
    # 22 working days left in December 2026, 23 in 2027 on the provisional rule.
    assert case.mediation_due == case.current_due == D(2027, 2, 3)
    assert case.provisional_deadlines == {"mediation_due": [2027]}
    assert case.acceptance_due == D(2026, 12, 10)  # counted officially, so not marked
    assert case.sla == "ok"

    time_machine.move_to(at(D(2026, 12, 20)), tick=False)
    enter_2027()
    case.refresh_from_db()
    # The made-up schedule moves a day off to 01-04 and 01-09 (Sat) is worked: same date.
    assert case.mediation_due == D(2027, 2, 3)
    assert case.provisional_deadlines == {}


def test_verification_of_a_report_and_its_extension_run_into_2027_provisionally(
    submit, regulator, time_machine
):
    time_machine.move_to(at(D(2026, 12, 11)), tick=False)
    report, _ = submit(kind="report")
    report.refresh_from_db()
    # Fri 12-11 + 15 working days: 14–18 (5), 21–25 (10), 28–31 (14), 01-04 (15).
    assert report.verification_due == D(2027, 1, 4)
    assert report.provisional_deadlines == {"verification_due": [2027]}
    services.verification_extend(case=report, actor=regulator, reason="需要调取平台记录")
    report.refresh_from_db()
    assert report.verification_due == D(2027, 1, 25)  # 15 more, provisional
    assert report.provisional_deadlines == {"verification_due": [2027]}


def test_a_case_left_blank_by_the_old_calendar_gets_its_deadline_in_the_sweep(submit, time_machine):
    time_machine.move_to(at(D(2026, 12, 28)), tick=False)
    case, _ = submit()
    Case.objects.filter(pk=case.pk).update(
        acceptance_due=None,
        current_due=None,
        sla="unknown",
        provisional_deadlines={},
        deadline_error="No Chinese working-day calendar for 2027",
    )
    services.sla_sweep()
    case.refresh_from_db()
    assert case.acceptance_due == case.current_due == D(2027, 1, 7)
    assert case.sla == "ok" and case.deadline_error == ""
    assert case.provisional_deadlines == {"acceptance_due": [2027]}


def test_the_consumer_sees_the_provisional_deadline_in_chinese(submit, time_machine, client):
    time_machine.move_to(at(D(2026, 12, 24)), tick=False)
    case, code = submit()
    response = client.post(
        "/complaints/track/", {"tracking_number": case.tracking_number, "access_code": code}
    )
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "2027-01-05" in html
    assert "暂估（2027年放假安排尚未公布）" in html
    assert "Provisional" not in html and "chinesecalendar" not in html and "pip" not in html


def test_the_receipt_shows_the_provisional_deadline(client, time_machine):
    from tests.complaints.conftest import complaint_post

    time_machine.move_to(at(D(2026, 12, 24)), tick=False)
    response = client.post("/complaints/new/", complaint_post())
    html = response.content.decode()
    if response.status_code == 302:  # a receipt behind a redirect (post/redirect/get)
        html = client.get(response["Location"]).content.decode()
    assert "2027-01-05" in html and "暂估（2027年放假安排尚未公布）" in html


def test_staff_see_the_provisional_mark_on_the_case_page_and_in_the_list(
    submit, time_machine, regulator
):
    time_machine.move_to(at(D(2026, 12, 24)), tick=False)
    case, _ = submit()
    staff = Client()
    staff.force_login(regulator)
    page = staff.get(f"/admin/complaints/case/{case.pk}/change/").content.decode()
    assert "2027-01-05 暂估（2027年放假安排尚未公布）" in page
    assert "期限未知" not in page and "chinesecalendar" not in page
    assert "data-current-deadline" in page
    from django.contrib.auth import get_user_model

    operator = Client()
    operator.force_login(get_user_model().objects.create_superuser("op", password="x-y-z-123456"))
    page = operator.get(f"/admin/complaints/case/{case.pk}/change/").content.decode()
    assert "2027-01-05 暂估（2027年放假安排尚未公布）" in page
    assert 'name="acceptance_due"' not in page and 'name="deadline_error"' not in page
    listing = staff.get("/admin/complaints/case/").content.decode()
    assert "（暂估）" in listing


def test_entering_the_schedule_again_needs_replace_and_is_audited_as_a_correction():
    enter_2027()
    from core.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match="已经录入"):
        enter_2027()
    enter_2027(replace=True)
    assert AuditEntry.objects.filter(action="calendar.schedule_replaced").count() == 1


def test_the_command_recomputes_open_cases_and_says_how_many_changed(submit, time_machine, capsys):
    time_machine.move_to(at(D(2026, 12, 24)), tick=False)
    case, _ = submit()
    call_command(
        "enter_holiday_schedule",
        "2027",
        "--holiday",
        "2027-01-01:2027-01-04 元旦",
        "--holiday",
        "2027-02-05:2027-02-12 春节",
        "--workday",
        "2027-01-09",
        "--source",
        "国办发明电〔2026〕99号（测试）",
    )
    out = capsys.readouterr()
    assert "已录入2027年放假安排" in out.out and "1件有变化" in out.out
    assert "清明节" in out.err  # warned: statutory holidays missing from what was entered
    case.refresh_from_db()
    assert case.acceptance_due == D(2027, 1, 6) and case.provisional_deadlines == {}
