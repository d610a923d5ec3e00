"""Relative deadline windows, dated from the reference date when there is one.

``当日24点前``, ``仅限今天`` (the reference day); ``明天中午12点前`` (the next day);
``即日起一个月内``, ``活动有效期一年``, ``活动为期一周``, ``活动持续3天``, ``活动仅剩最后三天``,
``活动时间为一个月``
(counted from the reference date); ``本周日``, ``这周六前``, ``本周六、周日``, ``本周末``,
``截止周日晚8点``, ``限本周内`` (that day of the reference week; a bare weekday after 截止
is the next one); ``截止至月底``, ``本月底前``, ``4月底前``, ``至2024年5月底`` (the last day of that
month, when the phrase bounds the activity; with a written year no reference date is needed);
``分享开始48小时内有效`` (counted from each share: text only); the day of a draw,
``明晚8点开奖``, ``今晚8点公布中奖名单``, ``后天抽个粉丝…``, ``一周后开奖``, ``7天后开奖``,
``周五开奖`` (the coming one; a weekly draw, ``每周2位，周三开奖``, ends nothing).
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from campaigns.terms.text import NUM as _NUM
from campaigns.terms.text import cn_int

__all__ = ["Relative", "find_relative"]

_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": 6}
_WEEKDAYS["内"] = 6  # 限本周内: to the end of the week
_WD = r"[一二三四五六日天末]"
_CLOCK = (
    r"(?:\s*(?:上午|中午|下午|晚上|晚|早上|凌晨)?\s*(?:\d{1,2}|[一二三四五六七八九十两]{1,3})"
    r"\s*(?:点|时|:00))"
)
_UNTIL = r"\s*(?:之前|前|截止|止|为止|结束|有效)?"
# the draw or its announcement after a relative day (明晚8点开奖, 周五开奖, 一周后开)
_DRAW = (
    # (一周后开 closing the clause; not 明天开冷气)
    r"\s*(?:准时|正式|统一|将|会)?\s*(?:开奖|开(?=\s*(?:[,;!?。~\n]|$))"
    r"|抽奖|抽取|抽出|抽(?!空|烟|签|筋|查)|揪|揭晓|公布(?:中奖|得奖|获奖)?(?:名单|结果))"
)


def _month_end_re(group: str) -> str:
    """本月底 / 4月底 / 月底, the month in group ``group`` when written."""
    return (
        rf"(?:(?:本|这个|当)月|(?:(?P<{group}y>(?:19|20)\d{{2}})\s*年\s*)?"
        rf"(?P<{group}>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])\s*月"
        r"|(?<![\d年月])月)(?:底|末)"
    )


# (kind, pattern); the kind says how the date is counted
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # 当日24点前 / 今晚12点前
    (
        "today",
        re.compile(
            r"(?:当日|当天|今日|今天|今晚|当晚)\s*(?:\d{1,2}|[一二三四五六七八九十两]{1,3})"
            r"\s*(?:点|时|:00)\s*(?:之前|前|截止|止)"
        ),
    ),
    # 仅限今天 / 今日有效 / 当天截止
    (
        "today",
        re.compile(r"(?:仅限|只限|限)(?:今天|今日|当天|当日)|(?:今天|今日)(?:有效|截止|结束)"),
    ),
    # 明天中午12点前 / 明日截止
    (
        "tomorrow",
        re.compile(rf"(?:明天|明日|明晚){_CLOCK}?\s*(?:之前|前|截止|止|结束)"),
    ),
    # 明晚8点开奖, 今晚8点公布, 后天抽个粉丝: the day of the draw, counted from the reference date
    (
        "tomorrow",
        re.compile(rf"(?:明天|明日|明晚){_CLOCK}?(?={_DRAW})"),
    ),
    ("today", re.compile(rf"(?:今天|今日|今晚|当晚){_CLOCK}?(?={_DRAW})")),
    ("dayafter", re.compile(rf"后天{_CLOCK}?(?={_DRAW})")),
    # 一周后开奖, 7天后开奖: a draw some time after the post
    (
        "span",
        re.compile(rf"(?P<n>{_NUM})\s*(?:个)?\s*(?P<u>天|日|周|星期)(?:之)?后\s*(?={_DRAW})"),
    ),
    # 即日起一个月内 / 即日起至本周日
    (
        "span",
        re.compile(
            rf"即日起\s*(?:至|到)?\s*(?P<n>{_NUM})\s*(?:个)?\s*(?P<u>月|天|日|周|星期|小时)(?:之内|内)"
        ),
    ),
    # 活动有效期一年
    (
        "span",
        re.compile(
            rf"(?:活动)?有效期\s*(?:为|是|:)?\s*(?P<n>{_NUM})\s*(?:个)?\s*(?P<u>年|月|天|日|周|小时)"
        ),
    ),
    # 活动为期一周 / 活动持续3天 (not 活动持续了3天, a report of a past one)
    (
        "span",
        re.compile(
            rf"(?:活动(?:为期|持续|历时)(?!了)|(?:活动)?(?:仅限|只限|限时))"
            rf"\s*(?P<n>{_NUM})\s*(?:个)?\s*(?P<u>年|月|天|日|周|星期)"
        ),
    ),
    # 活动时间为一个月 (the activity's length, counted from the reference date)
    (
        "span",
        re.compile(
            rf"活动(?:时间|时长)\s*(?:为|是|:)?\s*(?P<n>{_NUM})\s*(?:个)?\s*(?P<u>月|天|周|星期)"
            r"(?![\d日号])"
        ),
    ),
    # 限本周内 / 本周内有效
    (
        "weekday",
        re.compile(r"(?:限|仅限|只限)?\s*(?P<wk>本|这)(?:周|星期)(?P<wd>内)(?:有效)?"),
    ),
    # 活动仅剩最后三天 / 只剩2天
    (
        "span",
        re.compile(
            rf"(?:活动)?(?:仅剩|只剩|还剩)(?:最后)?\s*(?P<n>{_NUM})\s*(?:个)?\s*(?P<u>天|日)"
        ),
    ),
    # 分享开始48小时内有效
    (
        "share",
        re.compile(
            rf"(?:分享|转发|发布|发圈)\s*(?:开始|之后|后|起)?\s*(?P<n>{_NUM})\s*(?:个)?\s*"
            r"(?P<u>小时|天|日)\s*(?:之内|内)\s*有效"
        ),
    ),
    # 本周日 / 这周六前 / 截止本周日24点 / 本周六、周日 / 本周末
    (
        "weekday",
        re.compile(
            rf"(?:截止|截至|至|到)?\s*(?P<wk>本|这|下)(?:周|星期|礼拜)(?P<wd>{_WD})"
            rf"(?:\s*[、和及至到~-]\s*(?:周|星期|礼拜)?(?P<wd2>{_WD}))?{_CLOCK}?{_UNTIL}"
        ),
    ),
    # 周五开奖 (a bare weekday before the draw: the coming one)
    # (not a weekly draw: 每周2位，周三开奖)
    ("drawday", re.compile(rf"(?:周|星期|礼拜)(?P<wd>{_WD}){_CLOCK}?\s*(?={_DRAW})")),
    # 截止周日晚8点 (a bare weekday after a deadline word: the next one)
    (
        "weekday",
        re.compile(rf"(?:截止|截至)(?:到|至)?\s*(?:周|星期|礼拜)(?P<wd>{_WD}){_CLOCK}?{_UNTIL}"),
    ),
    # 月底 / 本月底 / 截止至月底 / 4月底 / 四月末
    (
        "monthend",
        re.compile(
            # bounding the activity: after 截止/至 or before 前/截止/结束 (4月底, as the setting
            # of a report, is not a deadline)
            r"(?:截止|截至|截止到|至|到|活动时间|有效期)\s*(?:为|:)?\s*"
            + _month_end_re("mm1")
            + _UNTIL
            + r"|"
            + _month_end_re("mm2")
            + r"\s*(?:之前|前|截止|止|为止|结束|有效)"
        ),
    ),
)


@dataclass(frozen=True)
class Relative:
    start: int
    end: int
    date: datetime.date | None


def _add_months(d: datetime.date, months: int) -> datetime.date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return datetime.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _date(kind: str, m: re.Match[str], ref: datetime.date | None) -> datetime.date | None:
    if kind == "monthend" and (m.group("mm1y") or m.group("mm2y")):
        # 至2024年5月底: the year is written, no reference date needed
        month = cn_int(m.group("mm1") or m.group("mm2") or "")
        year = int(m.group("mm1y") or m.group("mm2y"))
        return _month_end(year, month) if month and 1 <= month <= 12 else None
    if ref is None or kind == "share":
        return None  # a share-relative window is counted from each participant's share
    if kind == "today":
        return ref
    if kind == "tomorrow":
        return ref + datetime.timedelta(days=1)
    if kind == "dayafter":
        return ref + datetime.timedelta(days=2)
    if kind == "span":
        n = cn_int(m.group("n"))
        if n is None:
            return None
        unit = m.group("u")
        if unit == "年":
            return _add_months(ref, 12 * n)
        if unit == "月":
            return _add_months(ref, n)
        if unit in ("周", "星期"):
            return ref + datetime.timedelta(days=7 * n)
        if unit == "小时":
            return ref + datetime.timedelta(days=-(-n // 24))
        return ref + datetime.timedelta(days=n)
    if kind == "monthend":
        raw = m.group("mm1") or m.group("mm2")
        if raw is None:
            return _month_end(ref.year, ref.month)
        month = cn_int(raw)
        if not month or not 1 <= month <= 12:
            return None
        options = [_month_end(ref.year + k, month) for k in (-1, 0, 1)]
        return min(options, key=lambda x: (abs((x - ref).days), x < ref))
    wd = _WEEKDAYS[m.groupdict().get("wd2") or m.group("wd")]  # weekday, drawday
    monday = ref - datetime.timedelta(days=ref.weekday())
    wk = m.groupdict().get("wk")
    day = monday + datetime.timedelta(days=wd + (7 if wk == "下" else 0))
    if wk is None and day < ref:
        day += datetime.timedelta(days=7)  # 截止周日: the coming one
    return day


_WEEKLY_RE = re.compile(r"每(?:个)?(?:周|星期|礼拜)|逢(?:周|星期)")
_STAT_AFTER_RE = re.compile(
    r"[^。!?\n]{0,16}?(?:累计|共计|共|全国|全省|全市|已有|收到|查处|实现|同比|达到)"
)


def _STATISTIC(t: str, m: re.Match[str]) -> bool:
    """截至2025年5月底，全国…查处…: a dated statistic in a report (截至, or a tally after it)."""
    at_kw = t.startswith("截至", m.start()) or t.startswith("截至", max(0, m.start() - 1))
    return at_kw or bool(_STAT_AFTER_RE.match(t, m.end()))


def find_relative(t: str, ref: datetime.date | None) -> list[Relative]:
    """Every relative window in the normalised text ``t`` (overlaps left to the caller)."""
    out: list[Relative] = []
    for kind, rx in _PATTERNS:
        for m in rx.finditer(t):
            if kind == "drawday" and _WEEKLY_RE.search(t, max(0, m.start() - 16), m.start()):
                continue  # 每周2位，周三开奖: a draw every week ends nothing
            if kind == "monthend" and (m.group("mm1y") or m.group("mm2y")) and _STATISTIC(t, m):
                continue  # 截至2023年1月底，累计收到…: a report's statistic, not a deadline
            e = m.end()
            while e > m.start() and t[e - 1] in " ,":
                e -= 1
            out.append(Relative(m.start(), e, _date(kind, m, ref)))
    return out
