"""The working-day calendar: official schedules as data, the provisional rule for the years
without one, and how an operator enters a year (command and admin, audited)."""

import datetime
import zoneinfo

import chinese_calendar
import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from core.models import AuditEntry, HolidayDay, HolidaySchedule
from core.workdays import Calendar, provisional_days_off, statutory_holidays
from tests.holiday_tables import OFFICIAL, TEST_2027_OFF, calendar_ends_2026

D = datetime.date
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
}


def year_days(year: int):
    day = D(year, 1, 1)
    while day.year == year:
        yield day
        day += datetime.timedelta(days=1)


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_provisional_rule_reproduces_the_official_years_modulo_tiaoxiu(year):
    """2025 and 2026 are the years of the current 《全国年节及纪念日放假办法》. Every provisional
    day off (statutory holiday or its 补假) is an official day off of the same festival; the
    official schedule has exactly one more weekday off per 调休 working day, so the year has the
    same number of working days either way."""
    official_off = {d: n for d, n in chinese_calendar.holidays.items() if d.year == year}
    official_worked = {d for d in chinese_calendar.workdays if d.year == year}
    provisional = provisional_days_off(year)
    for day, name in provisional.items():
        assert day in official_off, (day, name)
        assert NAMES[official_off[day]] == name or {name, NAMES[official_off[day]]} == {
            "国庆节",
            "中秋节",
        }
    weekday_off = {d for d in official_off if d.weekday() < 5}
    provisional_weekday_off = {d for d in provisional if d.weekday() < 5}
    assert len(weekday_off - provisional_weekday_off) == len(official_worked)
    official = Calendar(official={year: (official_off, official_worked)})
    estimate = Calendar(official={})
    assert sum(map(official.is_working_day, year_days(year))) == sum(
        map(estimate.is_working_day, year_days(year))
    )


def test_the_lunar_festivals_and_qingming_of_2027_and_2028():
    days = statutory_holidays(2027)
    assert sorted(d for d, n in days.items() if n == "春节") == [
        D(2027, 2, 5), D(2027, 2, 6), D(2027, 2, 7), D(2027, 2, 8)
    ]  # fmt: skip
    assert [d for d, n in days.items() if n in ("清明节", "端午节", "中秋节")] == [
        D(2027, 4, 5), D(2027, 6, 9), D(2027, 9, 15)
    ]  # fmt: skip
    off = provisional_days_off(2027)
    # 春节 loses Sat 02-06 and Sun 02-07: made up on Tue 02-09 and Wed 02-10 (补假, Art 6).
    assert off[D(2027, 2, 9)] == off[D(2027, 2, 10)] == "春节" and D(2027, 2, 11) not in off
    # 国庆 Fri 10-01, Sat 10-02, Sun 10-03: made up on Mon 10-04 and Tue 10-05.
    assert {D(2027, 10, 4), D(2027, 10, 5)} <= set(off) and D(2027, 10, 6) not in off
    # 2028: 中秋 (10-03) falls on a 国庆 day: one more day is made up after it.
    off_2028 = provisional_days_off(2028)
    assert statutory_holidays(2028)[D(2028, 10, 3)] in ("国庆节", "中秋节")
    assert D(2028, 10, 4) in off_2028


def test_a_deadline_is_never_blank_for_any_year():
    cal = Calendar(official=OFFICIAL)
    for start in (D(1999, 12, 20), D(2026, 12, 28), D(2099, 12, 30), D(2150, 6, 1)):
        deadline = cal.add_working_days(start, 45)
        assert deadline.date > start and deadline.provisional
    assert not cal.add_working_days(D(2026, 3, 2), 45).provisional


def test_the_worked_examples_in_the_docstrings_hold():
    import doctest

    from core import holidays, workdays

    for module in (workdays, holidays):
        result = doctest.testmod(module)
        assert result.attempted and not result.failed, module


@pytest.mark.django_db
def test_the_migration_seeded_every_year_the_package_knows():
    years = {d.year for d in chinese_calendar.holidays}
    assert set(HolidaySchedule.objects.values_list("year", flat=True)) == years
    national_day = HolidayDay.objects.get(date=D(2026, 10, 10))
    assert national_day.kind == "workday" and national_day.name == "国庆节"
    assert Calendar().is_official(2026) and Calendar().is_working_day(D(2026, 10, 10))


@pytest.mark.django_db
def test_the_command_refuses_bad_input_in_chinese_and_stores_nothing():
    calendar_ends_2026()
    cases = [
        (["2027", "--holiday", "2027-13-01", "--source", "x"], "日期不存在"),
        (["2027", "--holiday", "明年元旦", "--source", "x"], "无法识别"),
        (["2027", "--holiday", "2027-01-01"], "文号"),
        (["2027", "--holiday", "2026-12-31", "--source", "x"], "不在2027年内"),
        (["2027", "--holiday", "2027-01-01", "--workday", "2027-01-05", "--source", "x"],
         "周六或周日"),
        (["2027", "--holiday", "2027-01-03:2027-01-01", "--source", "x"], "早于"),
        (["二〇二七", "--holiday", "2027-01-01", "--source", "x"], "不是数字"),
        (["2027", "--file", "/nonexistent/notice.txt"], "无法读取"),
    ]  # fmt: skip
    for args, message in cases:
        with pytest.raises(CommandError, match=message):
            call_command("enter_holiday_schedule", *args)
    assert not HolidaySchedule.objects.filter(year=2027).exists()
    assert not AuditEntry.objects.filter(action__startswith="calendar.").exists()


@pytest.mark.django_db
def test_the_command_reads_the_notice_from_a_file(tmp_path, capsys):
    calendar_ends_2026()
    notice = tmp_path / "2027.txt"
    notice.write_text(
        "# 国务院办公厅关于2027年部分节假日安排的通知（测试）\n"
        "文号 国办发明电〔2026〕99号\n"
        "放假 2027-01-01:2027-01-04 元旦\n"
        "放假 2027年2月5日至2027年2月12日 春节\n"
        "上班 2027-01-09, 2027-02-20\n",
        encoding="utf-8",
    )
    call_command("enter_holiday_schedule", "2027", "--file", str(notice))
    schedule = HolidaySchedule.objects.get(year=2027)
    assert schedule.source == "国办发明电〔2026〕99号"
    assert schedule.days.filter(kind="holiday").count() == 12
    assert set(schedule.days.filter(kind="workday").values_list("date", flat=True)) == {
        D(2027, 1, 9),
        D(2027, 2, 20),
    }
    assert HolidayDay.objects.get(date=D(2027, 2, 6)).name == "春节"
    entry = AuditEntry.objects.get(action="calendar.schedule_entered")
    assert entry.data["year"] == 2027 and "2027-01-04" in entry.data["days_off"]
    assert entry.actor_label.startswith("manage.py enter_holiday_schedule")
    cal = Calendar()
    assert cal.is_official(2027) and not cal.is_working_day(D(2027, 1, 4))
    assert cal.is_working_day(D(2027, 1, 9))


@pytest.mark.django_db
def test_a_supervisor_enters_the_schedule_in_the_admin_and_it_is_audited(supervisor, time_machine):
    calendar_ends_2026()
    time_machine.move_to(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=BEIJING), tick=False)
    staff = Client()
    staff.force_login(supervisor)
    index = staff.get("/admin/").content.decode()
    assert "尚未录入2027年放假安排" in index and "/admin/wsmonitor/holidayschedule/add/" in index
    form = staff.get("/admin/wsmonitor/holidayschedule/add/?year=2027")
    assert form.status_code == 200 and 'value="2027"' in form.content.decode()
    bad = staff.post(
        "/admin/wsmonitor/holidayschedule/add/",
        {"year": "2027", "source": "国办发明电〔2026〕99号", "days_off": "2027-02-30"},
    )
    assert bad.status_code == 200 and "日期不存在" in bad.content.decode()
    lines = "\n".join(f"{d.isoformat()}" for d in sorted(TEST_2027_OFF))
    done = staff.post(
        "/admin/wsmonitor/holidayschedule/add/",
        {
            "year": "2027",
            "source": "国办发明电〔2026〕99号",
            "source_url": "https://www.gov.cn/zhengce/content/2027.htm",
            "days_off": lines,
            "days_worked": "2027-01-09\n2027-02-20",
        },
        follow=True,
    )
    page = done.content.decode()
    assert f"已录入2027年放假安排：放假{len(TEST_2027_OFF)}天，调休上班2天" in page
    assert "重新计算了未办结案件的期限，0件有变化" in page
    assert "尚未录入2027年放假安排" not in page
    schedule = HolidaySchedule.objects.get(year=2027)
    assert schedule.entered_by == supervisor.username
    assert AuditEntry.objects.filter(
        action="calendar.schedule_entered", actor=supervisor, target_id=str(schedule.pk)
    ).exists()
    assert HolidayDay.objects.get(date=D(2027, 2, 5)).name == "春节"  # statutory name filled in


@pytest.mark.django_db
def test_the_reminder_starts_on_1_november(supervisor, time_machine):
    calendar_ends_2026()
    staff = Client()
    time_machine.move_to(datetime.datetime(2026, 10, 31, 9, 0, tzinfo=BEIJING), tick=False)
    staff.force_login(supervisor)
    assert "data-holiday-reminder" not in staff.get("/admin/").content.decode()
    time_machine.move_to(datetime.datetime(2026, 11, 1, 9, 0, tzinfo=BEIJING), tick=False)
    staff.force_login(supervisor)
    assert "data-holiday-reminder" in staff.get("/admin/").content.decode()
    listing = staff.get("/admin/wsmonitor/holidayschedule/").content.decode()
    assert "尚未录入2027年放假安排" in listing
