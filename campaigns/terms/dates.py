"""Deadlines: labelled periods, ranges, keyword + date, date + 前/截止, relative and vague
windows; year-less and relative dates are dated from the reference date.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from campaigns.terms.text import NUM as _NUM
from campaigns.terms.text import cn_int

_CNN = r"[一二三四五六七八九十两〇零]{1,3}"
_Y = r"(?P<y>(?<!\d)(?:19|20)\d{2})\s*年"
_MD = (
    rf"(?P<m>(?<!\d)\d{{1,2}}|{_CNN})\s*月\s*(?:份)?\s*(?P<d>\d{{1,2}}|{_CNN})"
    r"\s*(?:日|号|(?![\d%折元]))"
)
_DATE_CN = rf"(?:{_Y}\s*)?{_MD}"
_DATE_ISO = (
    r"(?P<iy>(?<!\d)(?:19|20)\d{2})\s*[-/.]\s*(?P<im>\d{1,2})\s*[-/.]\s*(?P<id>\d{1,2})(?!\d)"
)
_DATE_DOT = r"(?P<dm>(?<![\d.])(?:1[0-2]|0?[1-9]))[./](?P<dd>[12]\d|3[01]|0?[1-9])(?![\d.%折元])"
_TIME = (
    r"(?:\s*(?:上午|下午|中午|晚上|凌晨|早上|晚|早)?\s*\d{1,2}(?:[:.]\d{2}){0,2}\s*(?:时|点)?"
    r"(?:整|半)?(?![\d元个折%]))?"
)
# a weekday in brackets after a date: 6月2日(一), 6月6日（周五）
_WD = r"(?:\s*\(\s*(?:周|星期)?[一二三四五六日天]\s*\))?"
_TIME_AFTER_DATE = (
    _WD + r"(?:\s*(?:上午|下午|中午|晚上|凌晨|早上|晚|早)?\s*\d{1,2}\s*(?:时|点)\s*\d{1,2}\s*分"
    r"|\s*(?:上午|下午|中午|晚上|凌晨|早上|晚|早)?\s*\d{1,2}(?:[:]\d{2}){1,2}\s*(?:时|点)?"
    r"|\s*(?:上午|下午|中午|晚上|凌晨|早上|晚|早)?\s*\d{1,2}\s*(?:时|点)(?:整|半)?"
    r"|\s*(?:上午|下午|中午|晚上|凌晨|早上|晚|早)\s*\d{1,2}(?:[:]\d{2})?)?"
)
_RANGE_SEP = r"\s*(?:至|到|~|-|—|–|－|一直到|直至)\s*"
_DEADLINE_KW = (
    r"(?:截止|截至|截止到|截止至|截止日期|截止时间|活动时间|活动期间|活动日期|活动期限|时间|期间|"
    r"有效期至|有效期到|有效期|兑换期限|领取期限|结束时间|开奖时间|开奖日期|抽奖时间|"
    r"活动结束时间|即日起至|即日起到|即日起|从即日起至)"
)
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_REL_PATTERNS = (
    # 当日24点前 / 今晚12点前
    re.compile(
        r"(?:当日|当天|今日|今天|今晚|当晚)\s*(?:\d{1,2}|[一二三四五六七八九十两]{1,3})"
        r"\s*(?:点|时|:00)\s*(?:之前|前|截止|止)"
    ),
    # 即日起一个月内 / 即日起至本周日
    re.compile(
        rf"即日起\s*(?:至|到)?\s*(?P<n>{_NUM})\s*(?:个)?\s*(?P<u>月|天|日|周|星期|小时)(?:之内|内)"
    ),
    # 活动有效期一年
    re.compile(
        rf"(?:活动)?有效期\s*(?:为|是|:)?\s*(?P<n>{_NUM})\s*(?:个)?\s*(?P<u>年|月|天|日|周|小时)"
    ),
    # 分享开始48小时内有效
    re.compile(
        rf"(?:分享|转发|发布|发圈)\s*(?:开始|之后|后|起)?\s*(?P<n>{_NUM})\s*(?:个)?\s*"
        r"(?P<u>小时|天|日)\s*(?:之内|内)\s*有效"
    ),
    # 本周日 / 这周六前 / 截止本周日24点
    re.compile(
        r"(?:截止|截至|至|到)?\s*(?P<wk>本|这|下)(?:周|星期|礼拜)(?P<wd>[一二三四五六日天])"
        r"(?:\s*\d{1,2}\s*(?:点|时|:00))?\s*(?:之前|前|截止|止|为止)?"
    ),
)


# Windows with no calendar date: kept as text, never dated.
_VAGUE_PATTERNS = (
    # bounding the collecting or the activity (在规定时间内集了100个赞), not the redemption
    # (在活动时间内到店领取)
    re.compile(
        r"(?:在)?(?:规定|指定|活动)的?(?:时间|期间|期限)(?:之内|内)"
        r"(?=\s*(?:集|完成|达到|累计|参与|参加|转发|分享|点赞|有效|[,。;!]|$))"
    ),
    re.compile(
        rf"(?:下单|购买|消费|支付|报名|关注|领取|参与)(?:之)?后\s*(?P<n>{_NUM})\s*(?:个)?\s*"
        r"(?:天|日|小时|月|周)(?:之内|内)"
    ),
    re.compile(
        rf"(?P<n>{_NUM})\s*(?:个)?\s*(?:天|日|小时)(?:之内|内)(?=\s*(?:集满|集齐|集够|完成|达到|累计))"
    ),
)


@dataclass(frozen=True)
class _Deadline:
    start: int
    end: int
    date: datetime.date | None
    priority: int


def _safe_date(y: int, m: int, d: int) -> datetime.date | None:
    try:
        return datetime.date(y, m, d)
    except ValueError:
        return None


def _nearest_year(m: int, d: int, ref: datetime.date) -> datetime.date | None:
    options = [x for x in (_safe_date(ref.year + k, m, d) for k in (-1, 0, 1)) if x]
    if not options:
        return None
    return min(options, key=lambda x: (abs((x - ref).days), x < ref))


def _date_from_groups(gd: dict, ref: datetime.date | None) -> tuple[int | None, int, int] | None:
    """(year or None, month, day) from a regex match's groupdict."""
    if gd.get("iy"):
        y, m, d = int(gd["iy"]), int(gd["im"]), int(gd["id"])
    elif gd.get("dm"):
        y, m, d = None, int(gd["dm"]), int(gd["dd"])
    elif gd.get("m"):
        y = int(gd["y"]) if gd.get("y") else None
        m_, d_ = cn_int(gd["m"]), cn_int(gd["d"])
        if m_ is None or d_ is None:
            return None
        m, d = m_, d_
    else:
        return None
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return None
    return y, m, d


def _resolve(
    ymd: tuple[int | None, int, int], ref: datetime.date | None, after: datetime.date | None = None
) -> datetime.date | None:
    y, m, d = ymd
    if y is not None:
        return _safe_date(y, m, d)
    if after is not None:
        for yy in (after.year, after.year + 1):
            cand = _safe_date(yy, m, d)
            if cand and cand >= after:
                return cand
        return None
    if ref is None:
        return None
    return _nearest_year(m, d, ref)


def _one_date_re(with_dot: bool) -> str:
    alts = [_DATE_ISO, _DATE_CN]
    if with_dot:
        alts.append(_DATE_DOT)
    return "(?:" + "|".join(f"(?:{a})" for a in alts) + ")"


def _rename(pattern: str, suffix: str) -> str:
    return re.sub(r"\(\?P<(\w+)>", lambda m: f"(?P<{m.group(1)}{suffix}>", pattern)


def _strip_suffix(gd: dict, suffix: str) -> dict:
    return {k[: -len(suffix)]: v for k, v in gd.items() if k.endswith(suffix) and v is not None}


# A range: DATE SEP DATE, DATE SEP day (2月3日~17日), M月D1~D2日 (11月28~30日)
_RANGE_RE = re.compile(
    "(?:"
    + _rename(_one_date_re(False), "1")
    + _TIME_AFTER_DATE
    + _RANGE_SEP
    + "(?:"
    + _rename(_one_date_re(False), "2")
    + rf"|(?P<dayonly>\d{{1,2}}|{_CNN})\s*(?:日|号))"
    + _TIME_AFTER_DATE
    + ")"
    + rf"|(?:(?:{_rename(_Y, '3')}\s*)?(?P<m3>\d{{1,2}})\s*月\s*(?P<d3a>\d{{1,2}})\s*(?:日|号)?"
    + r"\s*(?:~|-|—|–|至|到)\s*(?P<d3b>\d{1,2})\s*(?:日|号))"
)
_KW_DATE_RE = re.compile(
    rf"(?P<kw>{_DEADLINE_KW})\s*(?:为|是|:|:|在|于|到|至|截止到?)?\s*[(\[【“]?\s*"
    rf"(?P<date>{_one_date_re(True)}{_TIME})"
)
_DATE_BEFORE_RE = re.compile(
    rf"(?P<date>{_one_date_re(False)}{_TIME_AFTER_DATE})\s*"
    r"(?:(?:活动)?(?:结束|截止|止|为止)(?:前|之前)?|之前|前(?!往|去|来|后|天|面|几))"
)


_ANY_DATE_RE = re.compile(rf"(?P<date>{_one_date_re(True)}{_TIME_AFTER_DATE})")


def _find_deadline(t: str, ref: datetime.date | None) -> _Deadline | None:
    cands: list[_Deadline] = []
    # 1. ranges (periods)
    for m in _RANGE_RE.finditer(t):
        gd = m.groupdict()
        if gd.get("m3"):
            y = int(gd["y3"]) if gd.get("y3") else None
            start = (y, int(gd["m3"]), int(gd["d3a"]))
            end_ymd: tuple[int | None, int, int] = (y, int(gd["m3"]), int(gd["d3b"]))
        else:
            g1 = _strip_suffix(gd, "1")
            start_ = _date_from_groups(g1, ref)
            if start_ is None:
                continue
            start = start_
            if gd.get("dayonly"):
                day = cn_int(gd["dayonly"])
                if day is None:
                    continue
                end_ymd = (start[0], start[1], day)
            else:
                e_ = _date_from_groups(_strip_suffix(gd, "2"), ref)
                if e_ is None:
                    continue
                end_ymd = e_
        start_date = _resolve(start, ref)
        if end_ymd[0] is None and start[0] is not None:
            end_date = _resolve(end_ymd, ref, after=start_date)
        elif end_ymd[0] is None and start_date is not None:
            end_date = _resolve(end_ymd, ref, after=start_date)
        else:
            end_date = _resolve(end_ymd, ref)
        s, e = m.start(), m.end()
        # include a leading 即日起至 / keyword-less "自"
        pre = re.search(r"(?:即日起至|即日起到|自|从)\s*$", t[max(0, s - 6) : s])
        if pre:
            s -= len(t[max(0, s - 6) : s]) - pre.start()
        cands.append(_Deadline(s, _trim_end(t, s, e), end_date, 1))
    # 2. keyword + date (the date only; 即日起至 / 截止至 kept in the span)
    for m in _KW_DATE_RE.finditer(t):
        if any(c.start <= m.start("date") < c.end for c in cands):
            continue
        ymd = _date_from_groups(m.groupdict(), ref)
        if ymd is None:
            continue
        kw = m.group("kw")
        s = (
            m.start("kw")
            if kw.startswith(("即日起", "从即日起", "截止至", "截至"))
            else m.start("date")
        )
        e = _trim_end(t, s, m.end("date"))
        tail = re.match(r"\s*(?:之前|前(?!往|去|来|后)|止|为止|截止)", t[e:])
        if tail:
            e += tail.end()
        cands.append(_Deadline(s, e, _resolve(ymd, ref), 0))
    # 3. date followed by 前 / 截止 / 结束
    for m in _DATE_BEFORE_RE.finditer(t):
        if any(c.start <= m.start("date") < c.end for c in cands):
            continue
        ymd = _date_from_groups(m.groupdict(), ref)
        if ymd is None:
            continue
        cands.append(
            _Deadline(m.start("date"), _trim_end(t, m.start(), m.end()), _resolve(ymd, ref), 2)
        )
    # 4. relative windows
    for i, rx in enumerate(_REL_PATTERNS):
        for m in rx.finditer(t):
            if any(c.start <= m.start() < c.end or m.start() <= c.start < m.end() for c in cands):
                continue
            cands.append(_Deadline(m.start(), m.end(), _relative_date(i, m, ref), 3))
    if not cands:
        for rx in _VAGUE_PATTERNS:
            for m in rx.finditer(t):
                cands.append(_Deadline(m.start(), m.end(), None, 4))
    if not cands:
        return None
    return min(cands, key=lambda c: (c.priority, c.start))


def _find_deadline_in(t: str, lo: int, hi: int, ref: datetime.date | None) -> _Deadline | None:
    """The deadline stated in the value of a line labelled as a time (活动时间：…): the usual
    readers first, else the last date written there (no keyword needed)."""
    sub = t[lo:hi]
    dl = _find_deadline(sub, ref)
    if dl is None or dl.priority >= 3:
        ms = list(_ANY_DATE_RE.finditer(sub))
        if ms:
            m = ms[-1]
            ymd = _date_from_groups(m.groupdict(), ref)
            if ymd is not None:
                tail = re.match(r"\s*(?:之前|前(?!往|去|来|后)|止|为止|截止)", sub[m.end() :])
                e = m.end() + (tail.end() if tail else 0)
                dl = _Deadline(m.start(), _trim_end(sub, m.start(), e), _resolve(ymd, ref), 1)
    if dl is None:
        return None
    return _Deadline(dl.start + lo, dl.end + lo, dl.date, dl.priority)


def _trim_end(t: str, s: int, e: int) -> int:
    while e > s and t[e - 1] in " ,:;":
        e -= 1
    return e


def _add_months(d: datetime.date, months: int) -> datetime.date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return datetime.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _relative_date(kind: int, m: re.Match[str], ref: datetime.date | None) -> datetime.date | None:
    if ref is None:
        return None
    if kind == 0:
        return ref
    if kind in (1, 2):
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
    if kind == 3:
        return None  # counted from each participant's share, not from a calendar date
    wd = _WEEKDAYS[m.group("wd")]
    monday = ref - datetime.timedelta(days=ref.weekday())
    extra = 7 if m.group("wk") == "下" else 0
    return monday + datetime.timedelta(days=wd + extra)
