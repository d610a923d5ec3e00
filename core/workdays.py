"""Chinese working days (工作日): weekends, public holidays and 调休 make-up working days.

The State Council's yearly holiday schedule is **data**: ``core.models.HolidaySchedule``,
seeded from the ``chinesecalendar`` package for the years it knows and entered by an operator
from each year's notice (``core.holidays``). A year with no schedule entered yet is counted
on a **provisional** rule, so that a deadline is never blank:

- weekends are rest days;
- the statutory holidays of 《全国年节及纪念日放假办法》 (as amended by 国务院令第795号, in force
  from 2025-01-01, Art 2) are days off: 元旦 1 day (1 January), 春节 4 days (除夕 and 正月初一
  to 初三), 清明节 1 day (the solar term 清明), 劳动节 2 days (1 and 2 May), 端午节 1 day
  (农历五月初五), 中秋节 1 day (农历八月十五), 国庆节 3 days (1 to 3 October);
- a statutory holiday that falls on a Saturday or Sunday, or on another festival's day, is made
  up on the next working day after that festival (补假, Art 6).

The 调休 swaps of the real notice (a weekend worked so a holiday runs longer) cannot be known
in advance; they move days around but not the number of working days in the year, so a
provisional deadline is usually right or a day or two off. Every deadline counted through a
provisional year says so (``Deadline.provisional_years``) and is recomputed when the official
schedule is entered. Lunar dates and 清明 come from ``lunar-python`` (docs/decisions.md).

Counting follows the usual rule for legal time limits: the day of the triggering event is not
counted, the first working day after it is day 1.

>>> import datetime
>>> cal = Calendar(official={2026: OFFICIAL_2026_SAMPLE})
>>> cal.add_working_days(datetime.date(2026, 9, 30), 7)  # across National Day, 10-10 is 调休
Deadline(date=datetime.date(2026, 10, 15), provisional_years=())
>>> cal.working_days_between(datetime.date(2026, 9, 30), datetime.date(2026, 10, 15))
7
>>> cal.add_working_days(datetime.date(2026, 12, 24), 7)  # 2027 not entered: 元旦 provisional
Deadline(date=datetime.date(2027, 1, 5), provisional_years=(2027,))
"""

import datetime
import functools
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.utils.translation import gettext as _
from lunar_python import Lunar

from core.models import HolidayDay, HolidaySchedule

DAY = datetime.timedelta(days=1)

# Part of the 2026 notice (国办发明电〔2025〕7号), for the doctest above only.
OFFICIAL_2026_SAMPLE = (
    {datetime.date(2026, 10, d) for d in range(1, 8)},
    {datetime.date(2026, 9, 20), datetime.date(2026, 10, 10)},
)


@dataclass(frozen=True)
class Deadline:
    """A computed deadline. ``provisional_years`` lists the years it was counted through on the
    provisional rule (no official schedule entered yet); empty means the date is final."""

    date: datetime.date
    provisional_years: tuple[int, ...] = ()

    @property
    def provisional(self) -> bool:
        return bool(self.provisional_years)

    @property
    def note(self) -> str:
        """What to say next to a provisional date (Chinese in zh-hans), or ''."""
        return provisional_note(self.provisional_years)


def provisional_note(years: Iterable[int]) -> str:
    years = sorted(set(years))
    if not years:
        return ""
    return _("Provisional (the %(years)s holiday schedule has not been published yet)") % {
        "years": "、".join(str(y) for y in years)
    }


@dataclass(frozen=True)
class YearCalendar:
    year: int
    official: bool
    days_off: frozenset[datetime.date]  # holidays, including any weekend days inside them
    days_worked: frozenset[datetime.date]  # 调休上班: weekend days that are working days

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.days_worked:
            return True
        if day in self.days_off:
            return False
        return day.weekday() < 5


# --- The provisional rule ---------------------------------------------------------------------


def statutory_holidays(year: int) -> dict[datetime.date, str]:
    """The days off of 《全国年节及纪念日放假办法》 Art 2 (2025 version) in ``year``, by festival.

    >>> sorted(d.isoformat() for d, n in statutory_holidays(2027).items() if n == "春节")
    ['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08']
    """
    return dict(_statutory(year))


@functools.lru_cache(maxsize=64)
def _statutory(year: int) -> tuple[tuple[datetime.date, str], ...]:
    def solar(lunar) -> datetime.date:
        s = lunar.getSolar()
        return datetime.date(s.getYear(), s.getMonth(), s.getDay())

    new_year = Lunar.fromYmd(year, 1, 1)
    qingming = new_year.getJieQiTable()["清明"]  # the 清明 of the Gregorian year `year`
    days = [(datetime.date(year, 1, 1), "元旦")]
    days += [(solar(new_year.next(offset)), "春节") for offset in (-1, 0, 1, 2)]
    days.append(
        (datetime.date(qingming.getYear(), qingming.getMonth(), qingming.getDay()), "清明节")
    )
    days += [(datetime.date(year, 5, 1), "劳动节"), (datetime.date(year, 5, 2), "劳动节")]
    days.append((solar(Lunar.fromYmd(year, 5, 5)), "端午节"))
    days.append((solar(Lunar.fromYmd(year, 8, 15)), "中秋节"))
    days += [(datetime.date(year, 10, d), "国庆节") for d in (1, 2, 3)]
    return tuple(days)


def provisional_days_off(year: int) -> dict[datetime.date, str]:
    """The statutory holidays plus their 补假 days (Art 6): each festival day that falls on a
    weekend or on an earlier festival's day adds the next free weekday after that festival."""
    off: dict[datetime.date, str] = {}
    by_festival: dict[str, list[datetime.date]] = {}
    for day, name in _statutory(year):
        by_festival.setdefault(name, []).append(day)
    for name, days in sorted(by_festival.items(), key=lambda item: min(item[1])):
        lost = 0
        for day in days:
            if day.weekday() >= 5 or day in off:
                lost += 1
            off.setdefault(day, name)
        day = max(days)
        while lost:
            day += DAY
            if day.weekday() < 5 and day not in off:
                off[day] = name
                lost -= 1
    return off


@functools.lru_cache(maxsize=64)
def provisional_year(year: int) -> YearCalendar:
    return YearCalendar(year, False, frozenset(provisional_days_off(year)), frozenset())


# --- The calendar -----------------------------------------------------------------------------


class _EnteredYears:
    """The years read from the database, shared by every ``Calendar`` of the process.

    Each ``Calendar`` checks once, on its first year, that they are still current: one query
    on the schedules (how many, the latest entry, the highest id) and the number of days, which
    an entry or a replacement made in another process changes. A change made in this process
    clears them at once (``calendar_cache_clear``, connected to ``calendar_changed`` and to the
    models' save and delete signals), so a deadline never counts on a stale table."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.version: tuple | None = None
        self.years: dict[int, YearCalendar] = {}

    def current(self) -> tuple:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*), MAX(entered_at), MAX(id), "  # noqa: S608 (table names)
                f"(SELECT COUNT(*) FROM {HolidayDay._meta.db_table}) "
                f"FROM {HolidaySchedule._meta.db_table}"
            )
            version = (connection.alias, *cursor.fetchone())
        with self.lock:
            if version != self.version:
                self.version, self.years = version, {}
        return version

    def get(self, version: tuple, year: int) -> "YearCalendar | None":
        with self.lock:
            return self.years.get(year) if version == self.version else None

    def keep(self, version: tuple, found: "YearCalendar") -> None:
        with self.lock:
            if version == self.version:
                self.years[found.year] = found

    def clear(self) -> None:
        with self.lock:
            self.version, self.years = None, {}


_entered = _EnteredYears()


def calendar_cache_clear(**kwargs) -> None:
    """Forget the years read from the database (a receiver for signals; any arguments)."""
    _entered.clear()


class Calendar:
    """Working days over the entered schedules, falling back to the provisional rule.

    Years entered in the database are read once per process and checked with one small query
    per ``Calendar`` (``_EnteredYears``), then kept for the life of the object: make one per
    request or batch (``Calendar()``), or pass ``official={year: (days_off, days_worked)}`` to
    count on given tables without the database (tests, doctests).
    """

    def __init__(self, official: dict[int, tuple[Iterable, Iterable]] | None = None):
        self._fixed = official
        self._years: dict[int, YearCalendar] = {}
        self._version: tuple | None = None

    def year(self, year: int) -> YearCalendar:
        found = self._years.get(year)
        if found is None:
            found = self._years[year] = self._load(year)
        return found

    def _load(self, year: int) -> YearCalendar:
        if self._fixed is not None:
            if year not in self._fixed:
                return provisional_year(year)
            off, worked = self._fixed[year]
            return YearCalendar(year, True, frozenset(off), frozenset(worked))
        if self._version is None:
            self._version = _entered.current()
        found = _entered.get(self._version, year)
        if found is None:
            found = self._read(year)
            _entered.keep(self._version, found)
        return found

    def _read(self, year: int) -> YearCalendar:
        schedule = HolidaySchedule.objects.filter(year=year).first()
        if schedule is None:
            return provisional_year(year)
        off, worked = set(), set()
        for day, kind in schedule.days.values_list("date", "kind"):
            (worked if kind == HolidayDay.Kind.WORKDAY else off).add(day)
        return YearCalendar(year, True, frozenset(off), frozenset(worked))

    def is_official(self, year: int) -> bool:
        return self.year(year).official

    def is_working_day(self, day: datetime.date) -> bool:
        return self.year(day.year).is_working_day(day)

    def add_working_days(self, start: datetime.date, n: int) -> Deadline:
        """The ``n``-th working day after ``start`` (``start`` itself is not counted); ``n`` = 0
        returns ``start``. Never fails for want of a schedule: see ``Deadline``."""
        if isinstance(start, datetime.datetime):
            raise TypeError("add_working_days takes a date, not a datetime (use localdate)")
        if n < 0:
            raise ValueError("n must not be negative")
        day, counted, provisional = start, 0, set()
        while counted < n:
            day += DAY
            if not self.is_official(day.year):
                provisional.add(day.year)
            if self.is_working_day(day):
                counted += 1
        return Deadline(day, tuple(sorted(provisional)))

    def working_days_between(self, a: datetime.date, b: datetime.date) -> int:
        """How many working days lie after ``a`` up to and including ``b`` (negative if b < a)."""
        if isinstance(a, datetime.datetime) or isinstance(b, datetime.datetime):
            raise TypeError("working_days_between takes dates, not datetimes")
        if b < a:
            return -self.working_days_between(b, a)
        count, day = 0, a
        while day < b:
            day += DAY
            if self.is_working_day(day):
                count += 1
        return count


def deadline_after(start: datetime.date, n: int, *, calendar: Calendar | None = None) -> Deadline:
    """The ``n``-th working day after ``start`` and whether it is provisional."""
    return (calendar or Calendar()).add_working_days(start, n)


def add_working_days(start: datetime.date, n: int, *, calendar: Calendar | None = None):
    """The date of ``deadline_after`` (use that where the 暂估 mark is shown)."""
    return deadline_after(start, n, calendar=calendar).date


def working_days_between(a: datetime.date, b: datetime.date, *, calendar: Calendar | None = None):
    return (calendar or Calendar()).working_days_between(a, b)


def is_working_day(day: datetime.date, *, calendar: Calendar | None = None) -> bool:
    return (calendar or Calendar()).is_working_day(day)
