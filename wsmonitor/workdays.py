"""Chinese working days (工作日): weekends, public holidays and 调休 make-up working days.

Backed by the ``chinesecalendar`` package, which encodes the State Council's yearly schedule.
It only knows the years it was released with; for any other year we raise
``UnknownCalendarYear`` instead of guessing, because a wrong statutory deadline is worse than a
missing one. Upgrade ``chinesecalendar`` when the State Council publishes the next schedule.

Counting follows the usual rule for legal time limits: the day of the triggering event is not
counted, the first working day after it is day 1.

>>> import datetime
>>> add_working_days(datetime.date(2026, 9, 30), 7)  # across National Day, 10-10 is a 调休 day
datetime.date(2026, 10, 15)
>>> working_days_between(datetime.date(2026, 9, 30), datetime.date(2026, 10, 15))
7
"""

import datetime

import chinese_calendar


class UnknownCalendarYear(LookupError):
    """The working-day calendar has no data for this year; the deadline cannot be computed."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"No Chinese working-day calendar for {year}: chinesecalendar "
            f"{_package_version()} covers {first_year()}–{last_year()}. "
            "Upgrade the chinesecalendar package once the State Council publishes that year."
        )


def is_working_day(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        raise UnknownCalendarYear(day.year) from None


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """The ``n``-th working day after ``start`` (``start`` itself is not counted).

    ``n`` = 0 returns ``start``. Raises ``UnknownCalendarYear`` when the count runs through a
    year the calendar does not know.
    """
    if isinstance(start, datetime.datetime):
        raise TypeError("add_working_days takes a date, not a datetime (use localdate)")
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    counted = 0
    while counted < n:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def working_days_between(a: datetime.date, b: datetime.date) -> int:
    """How many working days lie after ``a`` up to and including ``b`` (negative if b < a)."""
    if isinstance(a, datetime.datetime) or isinstance(b, datetime.datetime):
        raise TypeError("working_days_between takes dates, not datetimes")
    if b < a:
        return -working_days_between(b, a)
    count = 0
    day = a
    while day < b:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def first_year() -> int:
    return min(chinese_calendar.holidays).year


def last_year() -> int:
    return max(chinese_calendar.holidays).year


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("chinesecalendar")
    except PackageNotFoundError:  # pragma: no cover
        return "?"
