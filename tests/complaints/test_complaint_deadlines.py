"""Working days and statutory deadlines (rules as data)."""

import datetime

import pytest

from complaints.models import Case, DeadlineRule
from complaints.services import deadlines_initialise
from wsmonitor.workdays import UnknownCalendarYear, add_working_days, working_days_between

D = datetime.date


def test_national_day_2026_acceptance_deadline():
    """A 投诉 received on Wednesday 2026-09-30 must be decided by Thursday 2026-10-15.

    The day of receipt is not counted. The official 2026 schedule (国办发明电〔2025〕7号, as
    encoded by chinesecalendar): 10-01 to 10-07 National Day holiday; Saturday 10-10 is a 调休
    make-up working day; Sunday 10-11 is a rest day. So the 7 working days are:
    10-08 (Thu) 1, 10-09 (Fri) 2, 10-10 (Sat, 调休) 3, 10-12 (Mon) 4, 10-13 (Tue) 5,
    10-14 (Wed) 6, 10-15 (Thu) 7.
    """
    assert add_working_days(D(2026, 9, 30), 7) == D(2026, 10, 15)
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 15)) == 7
    assert working_days_between(D(2026, 10, 1), D(2026, 10, 7)) == 0
    assert working_days_between(D(2026, 10, 9), D(2026, 10, 10)) == 1  # the 调休 Saturday


@pytest.mark.django_db
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


@pytest.mark.django_db
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


def test_an_unknown_year_fails_loudly():
    with pytest.raises(UnknownCalendarYear, match="2027"):
        add_working_days(D(2026, 12, 28), 7)
    with pytest.raises(UnknownCalendarYear, match="2003"):
        working_days_between(D(2003, 1, 1), D(2004, 1, 10))


@pytest.mark.django_db
def test_a_case_whose_deadline_runs_into_an_unknown_year_is_stored_and_flagged():
    case = Case.objects.create(
        tracking_number="WS-TEST-0000-0003",
        access_code_hash="x",
        kind="complaint",
        region_code="440100",
        received_region_code="440100",
        description="d",
        received_at=datetime.datetime(2026, 12, 28, 3, 0, tzinfo=datetime.UTC),
    )
    deadlines_initialise(case)
    case.refresh_from_db()
    assert case.acceptance_due is None
    assert case.sla == "unknown" and "2027" in case.deadline_error


def test_the_system_check_is_loud_before_the_calendar_runs_out(monkeypatch):
    from complaints import checks

    monkeypatch.setattr(checks, "last_year", lambda: 2026)
    monkeypatch.setattr(checks.timezone, "localdate", lambda: D(2026, 12, 10))
    assert [m.id for m in checks.calendar_covers_deadlines()] == ["complaints.W001"]
    monkeypatch.setattr(checks, "last_year", lambda: 2025)
    assert [m.id for m in checks.calendar_covers_deadlines()] == ["complaints.E001"]
    monkeypatch.setattr(checks, "last_year", lambda: 2026)
    monkeypatch.setattr(checks.timezone, "localdate", lambda: D(2026, 9, 1))
    assert checks.calendar_covers_deadlines() == []
