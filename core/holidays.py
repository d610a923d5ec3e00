"""Entering a year's official holiday schedule (放假安排) from the State Council's notice.

The one write path for ``HolidaySchedule``: the admin page and ``manage.py
enter_holiday_schedule`` both call ``holiday_schedule_enter``, which validates the dates,
replaces the year's days, writes the audit log and then sends ``calendar_changed`` so that every
app holding deadlines recomputes them (the complaints app recomputes its open cases).

Dates are written as in the notice, one item per line or separated by commas:
``2027-02-05:2027-02-12 春节`` (a range, ends included; ``至``, ``~`` and ``..`` work too),
``2027-02-07`` (one day), ``2027年2月7日``. A name beside the dates is kept as the festival's name.
"""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from core.audit import audit_log
from core.errors import ValidationFailed
from core.models import HolidayDay, HolidaySchedule
from core.workdays import statutory_holidays

# Sent after a year's schedule was entered or replaced, inside no transaction.
# Arguments: ``year`` (int), ``actor`` (a user or None). A receiver recomputes what it derived
# from working days and returns ``(label, changed)``: a short Chinese name of what it
# recomputed and how many records changed. Receivers: complaints (open cases' deadlines).
calendar_changed = Signal()

REMIND_FROM = (11, 1)  # from 1 November, next year's schedule is expected (usually published then)
MAX_RANGE_DAYS = 15

_DATE = r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?"
_ITEM = re.compile(_DATE + r"(?:\s*(?::|：|至|到|~|～|\.\.|—|–)\s*" + _DATE + r")?")


@dataclass(frozen=True)
class Entered:
    year: int
    days_off: int
    days_worked: int
    replaced: bool
    warnings: list[str] = field(default_factory=list)
    recomputed: list[tuple[str, int]] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"已录入{self.year}年放假安排：放假{self.days_off}天，调休上班{self.days_worked}天"
            + ("（替换了原有安排）" if self.replaced else "")
            + "。"
        )
        for label, changed in self.recomputed:
            text += f"重新计算了{label}的期限，{changed}件有变化。"
        return text


def parse_days(text: str, *, what: str) -> list[tuple[datetime.date, str]]:
    """``[(date, name), …]`` from the notice's wording; a ValidationFailed in Chinese otherwise.

    >>> parse_days("2027-02-05:2027-02-07 春节, 2027年5月1日 劳动节", what="放假日期")[1:3]
    [(datetime.date(2027, 2, 6), '春节'), (datetime.date(2027, 2, 7), '春节')]
    """
    days: list[tuple[datetime.date, str]] = []
    for raw in re.split(r"[\n,，;；、]+", text or ""):
        item = raw.strip()
        if not item or item.startswith("#"):
            continue
        match = _ITEM.search(item)
        if match is None:
            raise _invalid(
                what,
                f"无法识别“{item}”：请写成 2027-01-01 或 2027-01-01:2027-01-03"
                "（可在后面写节日名称）",
            )
        name = (item[: match.start()] + " " + item[match.end() :]).strip()
        name = name.replace("放假", "").replace("上班", "").strip(" ：:")[:40]
        start = _date(match.group(1, 2, 3), item, what)
        end = _date(match.group(4, 5, 6), item, what) if match.group(4) else start
        if end < start:
            raise _invalid(what, f"“{item}”的结束日期早于开始日期")
        if (end - start).days >= MAX_RANGE_DAYS:
            raise _invalid(what, f"“{item}”超过{MAX_RANGE_DAYS}天，请核对日期")
        day = start
        while day <= end:
            days.append((day, name))
            day += datetime.timedelta(days=1)
    return days


def _date(parts, item: str, what: str) -> datetime.date:
    try:
        return datetime.date(*(int(p) for p in parts))
    except ValueError:
        raise _invalid(what, f"“{item}”中的日期不存在") from None


def _invalid(what: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{what}：{message}", fields={what: [message]})


def holiday_schedule_enter(
    *,
    year: int,
    days_off: Iterable[tuple[datetime.date, str]],
    days_worked: Iterable[tuple[datetime.date, str]],
    source: str,
    source_url: str = "",
    actor=None,
    actor_label: str = "",
    ip: str | None = None,
    replace: bool = False,
) -> Entered:
    """Store ``year``'s official schedule (replacing an earlier one only with ``replace``),
    audit it, and have every open deadline recomputed on it."""

    off = dict(days_off)
    worked = dict(days_worked)
    source = (source or "").strip()
    warnings = holiday_schedule_validate(
        year=year, days_off=off.items(), days_worked=worked.items(), source=source
    )
    names = statutory_holidays(year)
    with transaction.atomic():
        schedule = HolidaySchedule.objects.select_for_update().filter(year=year).first()
        replaced = schedule is not None
        if replaced and not replace:
            raise ValidationFailed(
                f"{year}年的放假安排已经录入（{schedule.source}）；要更正请选择替换",
                fields={"年份": ["已录入"]},
            )
        if schedule is None:
            schedule = HolidaySchedule(year=year)
        schedule.source = source[:200]
        schedule.source_url = (source_url or "").strip()[:500]
        schedule.entered_at = timezone.now()
        schedule.entered_by = (actor.get_username() if actor is not None else actor_label)[:150]
        schedule.save()
        schedule.days.all().delete()
        HolidayDay.objects.bulk_create(
            [
                HolidayDay(schedule=schedule, date=d, kind="holiday", name=n or names.get(d, ""))
                for d, n in sorted(off.items())
            ]
            + [
                HolidayDay(schedule=schedule, date=d, kind="workday", name=n)
                for d, n in sorted(worked.items())
            ]
        )
        audit_log(
            "calendar.schedule_replaced" if replaced else "calendar.schedule_entered",
            actor=actor,
            actor_label=actor_label,
            target=schedule,
            ip=ip,
            data={
                "year": year,
                "source": schedule.source,
                "source_url": schedule.source_url,
                "days_off": [d.isoformat() for d in sorted(off)],
                "days_worked": [d.isoformat() for d in sorted(worked)],
            },
        )
    recomputed = [
        response
        for _receiver, response in calendar_changed.send(
            sender=HolidaySchedule, year=year, actor=actor
        )
        if response
    ]
    return Entered(year, len(off), len(worked), replaced, warnings, recomputed)


def holiday_schedule_validate(
    *,
    year: int,
    days_off: Iterable[tuple[datetime.date, str]],
    days_worked: Iterable[tuple[datetime.date, str]],
    source: str,
) -> list[str]:
    """Raise ValidationFailed (in Chinese) for a schedule that cannot be right; return warnings
    for one that looks incomplete (a statutory holiday on a weekday not among the days off)."""
    off = dict(days_off)
    worked = dict(days_worked)
    errors: dict[str, list[str]] = {}
    if not 2000 <= year <= 2100:
        errors["年份"] = [f"年份{year}不在2000至2100之间"]
    if not (source or "").strip():
        errors["通知文号"] = ["请填写国务院办公厅通知的文号，例如 国办发明电〔2026〕N号"]
    if not off:
        errors["放假日期"] = ["请至少填写一个放假日期"]
    for what, days in (("放假日期", off), ("调休上班日期", worked)):
        outside = sorted(d for d in days if d.year != year)
        if outside:
            errors.setdefault(what, []).append(
                f"这些日期不在{year}年内：" + "、".join(d.isoformat() for d in outside)
            )
    both = sorted(set(off) & set(worked))
    if both:
        errors.setdefault("调休上班日期", []).append(
            "这些日期既是放假又是上班：" + "、".join(d.isoformat() for d in both)
        )
    weekdays = sorted(d for d in worked if d.weekday() < 5)
    if weekdays:
        errors.setdefault("调休上班日期", []).append(
            "调休上班日应为周六或周日，这些日期本来就是工作日："
            + "、".join(d.isoformat() for d in weekdays)
        )
    if errors:
        raise ValidationFailed("；".join(m for ms in errors.values() for m in ms), fields=errors)
    return [
        f"法定节假日 {day.isoformat()}（{name}）不在录入的放假日期中，请核对通知"
        for day, name in sorted(statutory_holidays(year).items())
        if day not in off and day.weekday() < 5
    ]


def missing_schedule_year(today: datetime.date | None = None) -> int | None:
    """The year whose official schedule an operator should enter now, if any: the current year
    when it is missing, and from 1 November next year's too."""

    today = today or timezone.localdate()
    wanted = [today.year]
    if (today.month, today.day) >= REMIND_FROM:
        wanted.append(today.year + 1)
    entered = set(HolidaySchedule.objects.filter(year__in=wanted).values_list("year", flat=True))
    missing = [y for y in wanted if y not in entered]
    return missing[0] if missing else None
