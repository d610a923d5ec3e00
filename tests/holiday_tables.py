"""Holiday schedules written out for the tests, so that no test depends on which years the
installed ``chinesecalendar`` knows (the day it ships 2027, the seeded table gains 2027).

``calendar_ends_2026()`` leaves the database with exactly the official 2025 and 2026 schedules
below: 2027 is then counted provisionally whatever the package says.
"""

import datetime


def _days(*items: str) -> set[datetime.date]:
    out: set[datetime.date] = set()
    for item in items:
        start, _sep, end = item.partition(":")
        day = datetime.date.fromisoformat(start)
        last = datetime.date.fromisoformat(end or start)
        while day <= last:
            out.add(day)
            day += datetime.timedelta(days=1)
    return out


# 国办发明电〔2024〕12号 (2025) and 国办发明电〔2025〕7号 (2026): days off, and 调休上班 days.
OFFICIAL = {
    2025: (
        _days("2025-01-01", "2025-01-28:2025-02-04", "2025-04-04:2025-04-06",
              "2025-05-01:2025-05-05", "2025-05-31:2025-06-02", "2025-10-01:2025-10-08"),
        _days("2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"),
    ),
    2026: (
        _days("2026-01-01:2026-01-03", "2026-02-15:2026-02-23", "2026-04-04:2026-04-06",
              "2026-05-01:2026-05-05", "2026-06-19:2026-06-21", "2026-09-25:2026-09-27",
              "2026-10-01:2026-10-07"),
        _days("2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20",
              "2026-10-10"),
    ),
}  # fmt: skip

# A made-up 2027 schedule for the tests (the real notice is not out): 元旦 runs to Monday
# 01-04 against a 调休 Saturday 01-09, so a deadline counted over New Year moves by a day.
TEST_2027_OFF = _days("2027-01-01:2027-01-04", "2027-02-05:2027-02-12", "2027-04-05",
                      "2027-05-01:2027-05-05", "2027-06-09", "2027-09-15",
                      "2027-10-01:2027-10-07")  # fmt: skip
TEST_2027_WORKED = _days("2027-01-09", "2027-02-20", "2027-04-24", "2027-09-25", "2027-10-09")


def calendar_ends_2026() -> None:
    from core.models import HolidayDay, HolidaySchedule

    HolidaySchedule.objects.all().delete()
    for year, (off, worked) in OFFICIAL.items():
        schedule = HolidaySchedule.objects.create(year=year, source=f"test table {year}")
        HolidayDay.objects.bulk_create(
            [HolidayDay(schedule=schedule, date=d, kind="holiday") for d in sorted(off)]
            + [HolidayDay(schedule=schedule, date=d, kind="workday") for d in sorted(worked)]
        )
