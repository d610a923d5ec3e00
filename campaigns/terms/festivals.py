"""Deadlines written as a lunar-calendar day (农历八月十五, 正月初八, 腊月二十三) or a named
festival (中秋节, 元宵节, 元旦, 国庆节), dated from the reference date.

A lunar day or a lunar festival is turned into a calendar date with ``lunar_python`` (already a
project dependency, :mod:`core.workdays`); the lunar year is the one that puts the day
closest to the reference date, as for a year-less calendar date. Without a reference date the
span is kept and no date is given. Only a day that bounds the activity is read: one after a
deadline keyword (截止/至/即日起至/活动时间…) or followed by 前/截止/结束/止; a festival named
in passing (中秋节快乐, 国庆期间客流大, 快到圣诞节了) is not a deadline.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from lunar_python import Lunar

from campaigns.terms.text import cn_int

__all__ = ["SpecialDate", "find_special_dates"]

_LUNAR_MONTHS = {"正": 1, "冬": 11, "腊": 12}
_LUNAR_DAY = (
    r"初[一二三四五六七八九十]|二十[一二三四五六七八九]?|廿[一二三四五六七八九]?"
    r"|十[一二三四五六七八九]?|三十|[12]\d|3[0]|0?[1-9]"
)
_LUNAR_DATE = (
    r"(?:(?:农历|阴历)\s*(?P<lm>[正冬腊]|十[一二]?|[一二三四五六七八九]|1[0-2]|0?[1-9])"
    r"|(?P<lm2>[正冬腊]))\s*月\s*(?P<ld>" + _LUNAR_DAY + r")(?:日|号)?"
)
# festival → (calendar, month, day); "lunar" days go through the lunar calendar
_FESTIVALS: dict[str, tuple[str, int, int]] = {
    "春节": ("lunar", 1, 1),
    "元宵节": ("lunar", 1, 15),
    "元宵": ("lunar", 1, 15),
    "端午节": ("lunar", 5, 5),
    "端午": ("lunar", 5, 5),
    "七夕节": ("lunar", 7, 7),
    "七夕": ("lunar", 7, 7),
    "中秋节": ("lunar", 8, 15),
    "中秋": ("lunar", 8, 15),
    "重阳节": ("lunar", 9, 9),
    "腊八节": ("lunar", 12, 8),
    "腊八": ("lunar", 12, 8),
    "小年": ("lunar", 12, 23),
    "除夕": ("eve", 12, 30),
    "元旦": ("solar", 1, 1),
    "情人节": ("solar", 2, 14),
    "妇女节": ("solar", 3, 8),
    "劳动节": ("solar", 5, 1),
    "五一": ("solar", 5, 1),
    "六一": ("solar", 6, 1),
    "国庆": ("solar", 10, 1),
    "双十一": ("solar", 11, 11),
    "双11": ("solar", 11, 11),
    "双十二": ("solar", 12, 12),
    "双12": ("solar", 12, 12),
    "儿童节": ("solar", 6, 1),
    "国庆节": ("solar", 10, 1),
    "平安夜": ("solar", 12, 24),
    "圣诞节": ("solar", 12, 25),
}
_FEST = "|".join(sorted(_FESTIVALS, key=len, reverse=True))
_SPECIAL = rf"(?:{_LUNAR_DATE}|(?P<fest>{_FEST}))(?:当天|当日)?"
_KW = (
    r"(?:即日起至|即日起到|从即日起至|截止到|截止至|截止|截至|活动时间|活动期间|活动日期|"
    r"有效期至|有效期到|结束时间|开奖时间|抽奖时间|一直到|直至|(?<!等)至|(?<![等快要将])到)"
)
_KW_SPECIAL_RE = re.compile(rf"(?P<kw>{_KW})\s*(?:为|是|:|在|于)?\s*(?P<date>{_SPECIAL})")
_SPECIAL_BEFORE_RE = re.compile(
    rf"(?P<date>{_SPECIAL})\s*(?:(?:活动)?(?:结束|截止|止|为止)(?:前|之前)?|之前|前(?![往去来后天面几夕]))"
)


@dataclass(frozen=True)
class SpecialDate:
    start: int
    end: int
    date: datetime.date | None
    keyword: bool  # after a deadline keyword (else followed by 前/截止)


def _lunar_to_solar(year: int, month: int, day: int) -> datetime.date | None:
    try:
        s = Lunar.fromYmd(year, month, day).getSolar()
    except Exception:  # an impossible lunar day (腊月三十 in a 29-day month)
        return None
    return datetime.date(s.getYear(), s.getMonth(), s.getDay())


def _nearest(cands: list[datetime.date | None], ref: datetime.date) -> datetime.date | None:
    options = [c for c in cands if c is not None]
    if not options:
        return None
    return min(options, key=lambda x: (abs((x - ref).days), x < ref))


def _resolve(kind: str, month: int, day: int, ref: datetime.date | None) -> datetime.date | None:
    if ref is None:
        return None
    years = (ref.year - 1, ref.year, ref.year + 1)
    if kind == "solar":
        cands = []
        for y in years:
            try:
                cands.append(datetime.date(y, month, day))
            except ValueError:
                cands.append(None)
        return _nearest(cands, ref)
    if kind == "eve":  # the day before the next lunar new year
        firsts = [_lunar_to_solar(y + 1, 1, 1) for y in years]
        return _nearest([f - datetime.timedelta(days=1) if f else None for f in firsts], ref)
    return _nearest([_lunar_to_solar(y, month, day) for y in years], ref)


def _date_of(m: re.Match[str], ref: datetime.date | None) -> datetime.date | None:
    fest = m.group("fest")
    if fest:
        kind, month, day = _FESTIVALS[fest]
        return _resolve(kind, month, day, ref)
    raw_m = m.group("lm") or m.group("lm2")
    month = _LUNAR_MONTHS.get(raw_m) or cn_int(raw_m)
    raw_d = m.group("ld")
    day = cn_int(raw_d[1:]) if raw_d.startswith("初") else cn_int(raw_d)
    if not month or not day or not (1 <= month <= 12 and 1 <= day <= 30):
        return None
    return _resolve("lunar", month, day, ref)


def find_special_dates(t: str, ref: datetime.date | None) -> list[SpecialDate]:
    """Lunar days and festivals that bound the activity, in the normalised text ``t``."""
    out: list[SpecialDate] = []
    for m in _KW_SPECIAL_RE.finditer(t):
        kw = m.group("kw")
        keep_kw = kw.startswith(("即日起", "从即日起", "截止至", "截至"))
        s = m.start("kw") if keep_kw else m.start("date")
        out.append(SpecialDate(s, m.end("date"), _date_of(m, ref), True))
    for m in _SPECIAL_BEFORE_RE.finditer(t):
        if any(d.start <= m.start("date") < d.end for d in out):
            continue
        out.append(SpecialDate(m.start("date"), m.end(), _date_of(m, ref), False))
    return out
