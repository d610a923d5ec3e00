"""Deadlines: labelled periods, ranges, keyword + date, date + 前/截止, relative and vague
windows; year-less and relative dates are dated from the reference date.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from campaigns.terms.festivals import find_special_dates
from campaigns.terms.relative import find_relative
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
    r"|\s*(?:上午|下午|中午|晚上|凌晨|早上|晚|早)?\s*\d{1,2}(?:[:]\d{2}){1,2}\s*(?:时|点|分)?"
    r"|\s*(?:上午|下午|中午|晚上|凌晨|早上|晚|早)?\s*\d{1,2}\s*(?:时|点)(?:整|半)?"
    r"|\s*(?:上午|下午|中午|晚上|凌晨|早上|晚|早)\s*\d{1,2}(?:[:]\d{2})?)?"
)
_RANGE_SEP = r"\s*(?:至|到|~|-|—|–|－|一直到|直至)\s*"
_DEADLINE_KW = (
    r"(?:截止|截至|截止到|截止至|截止日期|截止时间|活动时间|活动期间|活动日期|活动期限|时间|期间|"
    r"有效期至|有效期到|有效期|优惠期至|优惠期到|优惠期|兑换期限|领取期限|结束时间|开奖时间|开奖日期|抽奖时间|"
    r"活动结束时间|即日起至|即日起到|即日起|从即日起至|(?:活动)?(?:持续|进行)(?:至|到))"
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
    # 五一期间有效, 国庆假期内: a holiday period whose days vary by year (春节期间, as the
    # setting of a report, is not a deadline)
    re.compile(
        r"(?:五一|十一|国庆|春节|元旦|端午|中秋|清明|暑假|寒假|圣诞)节?(?:期间|假期|小长假|黄金周)(?:内)?"
        r"(?=\s*(?:有效|截止|结束|内|之内))"
    ),
    # 活动时间：开业当天 — a period named without a date after a time keyword (the value is kept)
    re.compile(
        r"(?:活动时间|活动日期|活动期间|活动期限)\s*(?:为|是|:)?\s*"
        r"(?P<v>[^\d\s,;。!?\n:]{1,10}?(?:当天|当日|期间(?:内)?))(?=[,;。!?\n]|$)"
    ),
    # 在活动当日发送到…: the proof is due on the activity's day (not a redemption window; 活动当天,
    # as the setting of a report, is not a deadline)
    re.compile(r"(?:在)?活动当[日天](?:之内|内)?(?=\s*(?:发送|提交|上传|完成|集|参与|有效|截止))"),
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
# 活动日期4.20-4.30: a dotted range is read only after a time keyword (4.20-4.30元 is a price)
_KW_DOT_RANGE_RE = re.compile(
    r"(?:活动时间|活动日期|活动期间|时间|日期)\s*(?:为|是|:)?\s*"
    + _rename(_DATE_DOT, "1")
    + _RANGE_SEP
    + _rename(_DATE_DOT, "2")
)
_KW_DATE_RE = re.compile(
    # 即日起—5月1日: a dash after 即日起 reads as 至
    rf"(?P<kw>{_DEADLINE_KW})\s*(?:为|是|:|:|在|于|到|至|截止到?|[—–~－-])?\s*[(\[【“]?\s*"
    rf"(?P<date>{_one_date_re(True)}{_TIME})"
)
_DATE_BEFORE_RE = re.compile(
    rf"(?P<date>{_one_date_re(False)}{_TIME_AFTER_DATE})\s*"
    r"(?:(?:活动)?(?:结束|截止|止|为止)(?:前|之前)?|之前|前(?!往|去|来|后|天|面|几))"
)


# 11月2号开@转发抽奖平台, 将于6月12日开奖, 12.16抽取一等奖, 12.5晚20点公布中奖结果: a date
# followed by the draw (开奖, 开, 抽取, 公布…) or the giving (送出); a dotted date is read only
# here, with its verb (12.16元 is a price). Several draw dates: the last one ends the activity.
_DRAW_VERB = (
    # the draw tool may stand before the verb: 由@微博抽奖平台 开奖, 通过微博抽奖平台抽出
    r"(?:(?:通过|由|用|使用|借助)\s*)?(?:@[^\s@,;!?。]{1,20}\s*|[^\s@,;!?。]{0,8}?抽奖(?:平台|工具)\s*)?"
    r"(?:开奖|开(?![始业张放通课学幕播售抢团展演工门卖市盘园会车机])|抽取|抽出|抽奖|送出|揭晓"
    r"|公布(?:中奖|得奖|获奖)(?:名单|结果)?|公布(?=\s*(?:[,;!?。\n]|$))"
    # 5.20抽3位送花: the draw of a count of winners
    r"|(?:抽|揪)(?=\s*[\d一二两三四五六七八九十]{1,4}\s*[名位个人]))"
)
_DATE_DRAW_RE = re.compile(
    rf"(?P<date>{_one_date_re(False)}{_TIME_AFTER_DATE}|{_DATE_DOT}{_TIME_AFTER_DATE})\s*"
    # 2012年12月5日晚9时准时抽奖: an adverb of the draw between the time and its verb
    rf"(?:准时|正式|统一|将|会|进行|举行)*\s*{_DRAW_VERB}"
)
# 将于11月30日中午12:30分，在中心广场举办盛大抽奖仪式: the date the draw is held on, its verb
# later in the sentence (a date set for something else is not read: 将于5月1日开业)
_DATE_HELD_DRAW_RE = re.compile(
    rf"(?:将于|将在|定于|拟于)\s*(?P<date>{_one_date_re(False)}{_TIME_AFTER_DATE})"
    r"[^。!?;\n]{0,30}?(?:举办|举行|进行)[^。!?;\n]{0,8}?(?:抽奖|开奖)"
)
# 5.6前有效: a dotted date is read when 前/截止 follows (5.6元 is a price)
_DOT_BEFORE_RE = re.compile(rf"(?P<date>{_DATE_DOT})\s*(?:之前|前(?!往|去|来|后|天|面|几)|截止|止)")
_ANY_DATE_RE = re.compile(rf"(?P<date>{_one_date_re(True)}{_TIME_AFTER_DATE})")


# 5月1日起，为期7天 / 4月28日开始，活动持续一周: a start date and a length give the last day
_START_SPAN_RE = re.compile(
    rf"(?P<date>{_one_date_re(False)})\s*(?:起|开始)\s*,?\s*(?:活动)?(?:为期|持续|历时|共)(?!了)"
    rf"\s*(?P<n>{_NUM})\s*(?:个)?\s*(?P<u>天|日|周|星期|月)"
    # (not a regulator's campaign in a report: 4月1日起为期一个月的专项整治)
    r"(?!\s*的?\s*(?:专项|整治|集中|行动|检查|执法|培训|调查|排查))"
)


def _add_span(start: datetime.date, n: int, unit: str) -> datetime.date | None:
    """The last day of a period of ``n`` units that starts on ``start`` (inclusive)."""
    if unit in ("天", "日"):
        return start + datetime.timedelta(days=n - 1)
    if unit in ("周", "星期"):
        return start + datetime.timedelta(days=7 * n - 1)
    months = start.month - 1 + n
    nxt = _safe_date(start.year + months // 12, months % 12 + 1, 1)
    if nxt is None or start.day != 1:
        day = _safe_date(start.year + months // 12, months % 12 + 1, start.day)
        return day - datetime.timedelta(days=1) if day else None
    return nxt - datetime.timedelta(days=1)


def _find_deadline(t: str, ref: datetime.date | None) -> _Deadline | None:
    cands: list[_Deadline] = []
    # 0. a start date and a length
    for m in _START_SPAN_RE.finditer(t):
        ymd = _date_from_groups(m.groupdict(), ref)
        n = cn_int(m.group("n"))
        if ymd is None or not n or n > 366:
            continue
        start_date = _resolve(ymd, ref)
        end_date = _add_span(start_date, n, m.group("u")) if start_date else None
        cands.append(_Deadline(m.start("date"), m.end(), end_date, 1))
    # 1. ranges (periods)
    for m in _RANGE_RE.finditer(t):
        if any(c.start <= m.start() < c.end for c in cands):
            continue
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
    for m in _KW_DOT_RANGE_RE.finditer(t):
        a = (None, int(m.group("dm1")), int(m.group("dd1")))
        b = (None, int(m.group("dm2")), int(m.group("dd2")))
        start_date = _resolve(a, ref)
        end_date = _resolve(b, ref, after=start_date) if start_date else _resolve(b, ref)
        cands.append(_Deadline(m.start("dm1"), m.end("dd2"), end_date, 1))
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
        # a draw or announcement time gives way to the activity's own period in the same text
        draw = kw.startswith(("开奖", "抽奖"))
        cands.append(_Deadline(s, e, _resolve(ymd, ref), 2 if draw else 0))
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
    for m in _DOT_BEFORE_RE.finditer(t):
        if any(c.start <= m.start("date") < c.end for c in cands):
            continue
        ymd = _date_from_groups(m.groupdict(), ref)
        if ymd is not None:
            cands.append(_Deadline(m.start("date"), m.end(), _resolve(ymd, ref), 2))
    # 3a. date followed by the draw (the last such date)
    draws = []
    found = sorted(
        [*_DATE_DRAW_RE.finditer(t), *_DATE_HELD_DRAW_RE.finditer(t)], key=lambda m: m.start()
    )
    for m in found:
        if any(c.start <= m.start("date") < c.end for c in cands):
            continue
        ymd = _date_from_groups(m.groupdict(), ref)
        if ymd is not None:
            draws.append(
                _Deadline(
                    m.start("date"), _trim_end(t, m.start(), m.end("date")), _resolve(ymd, ref), 2
                )
            )
    cands.extend(draws[-1:])
    # 3b. a lunar day or a festival (农历八月十五前, 截止到中秋节)
    for sd in find_special_dates(t, ref):
        if any(c.start <= sd.start < c.end or sd.start <= c.start < sd.end for c in cands):
            continue
        cands.append(_Deadline(sd.start, sd.end, sd.date, 0 if sd.keyword else 2))
    # 4. relative windows
    for r in find_relative(t, ref):
        if any(c.start <= r.start < c.end or r.start <= c.start < r.end for c in cands):
            continue
        cands.append(_Deadline(r.start, r.end, r.date, 3))
    if not cands:
        for rx in _VAGUE_PATTERNS:
            for m in rx.finditer(t):
                g = "v" if "v" in rx.groupindex else 0
                cands.append(_Deadline(m.start(g), m.end(g), None, 4))
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
