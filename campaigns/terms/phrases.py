"""Phrase-level readers of a notice's fields, on the normalised text of :mod:`.text`.

Each reader takes the normalised text (and, where useful, a range of it) and returns offsets;
:mod:`.parse` decides which lines and sections each reader looks at.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from campaigns.terms.text import NUM as _NUM
from campaigns.terms.text import Norm as _Norm
from campaigns.terms.text import cn_int, core
from campaigns.terms.text import is_cjk as _is_cjk

# ---------------------------------------------------------------------------------------------
# Likes
# ---------------------------------------------------------------------------------------------

_Q = r"[“”\"'‘’「」『』【】\[\]]"
_LIKE_AFTER_NUM = re.compile(
    rf"(?<![第\d.])(?P<n>{_NUM})\s*(?:个|位)?\s*(?:微信|朋友圈)?\s*(?:好友|朋友|人)?"
    rf"(?:评论或者?|评论或是|评论和|评论或)?{_Q}?\s*点?赞(?![助同美扬赏])"
)
_LIKE_BEFORE_NUM = re.compile(
    rf"(?:[集积攒凑点获]|集合){_Q}?[赞攒]{_Q}?(?:数|个数)?{_Q}?[,\s]*"
    rf"(?:满|达到|达|到|够|至|超过)?\s*(?P<n>{_NUM})(?![\d年月日号元块点时:.%天周岁度小分])"
    rf"\s*(?:个|位)?(?:{_Q}?点?赞)?"
)


# 集满28个就能免费获得港澳游 (the 赞 is in the sentence, not after the number)
_LIKE_COUNT_ONLY = re.compile(
    rf"(?:集满|集齐|集够|积满|攒满|凑满|凑齐|累积获得|累计获得)\s*(?P<n>{_NUM})\s*个"
    r"(?![赞人位元块次天张份件名条月年号日小分%])"
)
# 集满 30/60/100 及以上赞 (tiers written with slashes)
_LIKE_SLASH = re.compile(
    r"(?P<ns>\d{1,5}(?:\s*/\s*\d{1,5})+)\s*(?:个)?\s*(?:及以上|以上)?\s*(?:个)?\s*点?赞"
)
_CN_LIKES_CONTEXT = re.compile(r"(?:集|积|满|够|达到|获得|获|得到|凑|攒|需要|要|需|了)\s*$")


@dataclass(frozen=True)
class _LikeHit:
    value: int
    start: int
    end: int


def _like_hits(t: str) -> list[_LikeHit]:
    hits: list[_LikeHit] = []
    for rx in (_LIKE_AFTER_NUM, _LIKE_BEFORE_NUM):
        for m in rx.finditer(t):
            raw = m.group("n")
            n = cn_int(raw)
            if n is None or n <= 0 or n > 100000:
                continue
            if not raw.isdigit() and not _CN_LIKES_CONTEXT.search(t, 0, m.start("n")):
                continue  # 一个点赞送美瞳的活动: a classifier, not a threshold
            hits.append(_LikeHit(n, m.start(), m.end()))
    for m in _LIKE_COUNT_ONLY.finditer(t):
        s0 = max(t.rfind(c, 0, m.start()) for c in "。!?\n")
        e0 = _sentence_end(t, m.end())
        if "赞" in t[s0 + 1 : e0] or "攒" in t[s0 + 1 : e0]:
            n = cn_int(m.group("n"))
            if n and 0 < n <= 100000:
                hits.append(_LikeHit(n, m.start(), m.end()))
    for m in _LIKE_SLASH.finditer(t):
        for raw in re.split(r"\s*/\s*", m.group("ns")):
            hits.append(_LikeHit(int(raw), m.start(), m.end()))
    hits.sort(key=lambda h: (h.start, -h.end))
    # drop hits contained in an earlier, longer one
    out: list[_LikeHit] = []
    for h in hits:
        if out and h.start == out[-1].start and h.end == out[-1].end and h.value != out[-1].value:
            out.append(h)  # one slash list, several thresholds
            continue
        if out and h.start < out[-1].end:
            if h.end > out[-1].end:
                out[-1] = _LikeHit(out[-1].value, out[-1].start, h.end)
            continue
        out.append(h)
    return out


# ---------------------------------------------------------------------------------------------
# Gift and value
# ---------------------------------------------------------------------------------------------

_VERB = (
    r"免费(?:领取|获得|获取|赠送|兑换|开通|解锁|享受|领|送|得|换|享|拿|体验)"
    r"|赠送|领取|获取|获得|换取|兑换|赢取|赢得|送出|开通|解锁|享受|提供"
    r"|(?<![发传运护输递转接欢])送(?![达货到给去])"
    r"|赠(?![品])|领(?![导先奖域])|赢(?![家])|获(?![赞奖得取顶悉知])"
    r"|(?<![更交转替切])换(?![成个位])"
    r"|(?<![获赢取觉记使值懂难免懒])得(?![到出知以了])"
    r"|(?<!分)享(?![有])"
    r"|奖(?=\s*[\d一二两三四五六七八九十])"
)
_VERB_RE = re.compile(_VERB)
_STRONG_VERB_RE = re.compile(r"免费(?:领取|获得|获取|赠送|领|送)|赠送|领取|获取|获得|赢取|赢得")
_CONNECTOR_RE = re.compile(
    r"^(?:即可|就可以|就可|就能|便可|则可|均可|都可以|可以|您将|你将|将|即|就|便|可|则|能|均|都|还|再"
    r"|免费)+"
)
_CLAUSE_END_RE = re.compile(r"[,;!?。、\n\r\t()\[\]]|\.(?!\d)| (?![\dA-Za-z])")
_SENT_SPLIT_RE = re.compile(r"[。!?;\n]|\.(?!\d)")
_VALUE_KW = r"(?:市场价值|市场价|总价值|价值约|价值|面值|原价|市价)"
_VALUE_RE = re.compile(rf"{_VALUE_KW}\s*约?\s*(?P<v>\d+(?:\.\d+)?)\s*(?:元|块|rmb|RMB)")
_LEAD_VALUE_RE = re.compile(
    rf"^.{{0,6}}?{_VALUE_KW}\s*约?\s*(?P<v>\d+(?:\.\d+)?)\s*(?:元|块)(?:钱)?(?:的)?"
    r"|^(?P<v2>\d+(?:\.\d+)?)\s*元的"
)
_FACE_VALUE_RE = re.compile(
    r"^(?P<v>\d+(?:\.\d+)?)\s*元(?=[^\d]{0,10}?(?:卡|券|红包|现金|话费|代金|抵用|优惠券|购物金))"
)
_GIFT_CUT_RE = re.compile(r"或者|或是|或|还享|还有|还可|并且|并|且|等你来拿|等你拿|,")
_GIFT_TRAIL_RE = re.compile(r"(?:的活动|活动|哦|啦|呢|吧|哟|噢|呀|喔|嗷|咯|~|!|\s)+$")
_GIFT_LEAD_RE = re.compile(
    r"^(?:了|您|你|大家|价值\s*(?=[^\d]))+|^[一1](?:个|份)(?=..)|^(?:前往|去往|飞往).{1,14}的"
)
_GIFT_GIVER_RE = re.compile(r"^(?:由)?.{1,14}?(?:赠送|提供|发放|送出|赞助|送)的(?=..)")
# 她心仪已久的“柠檬水杯”: a quoted name after a modifier is the gift
_QUOTED_NAME_RE = re.compile(r"^.{0,14}?的\s*[“\"'‘](?P<q>[^”\"'’]{1,20})[”\"'’]?$")
_BOOK_TITLE_RE = re.compile(r"《[^《》]{1,40}》")
_BARE_QUANTITY_RE = re.compile(
    r"^[一二两三四五六七八九十半\d]{1,3}\s*[本份个张套件盒瓶只台支罐袋箱斤]$"
)
_NOT_A_GIFT_RE = re.compile(
    r"后就|就可以|可以|需要|需|请|截图|确认|抽奖|参与|参加|上限|时间|名额|朋友圈|"
    r"点赞|集赞|转发|分享|关注|截止|活动规则"
)
_UNNAMED_GIFTS = {"奖励", "福利", "资格", "奖", "东西", "好处"}
# the rest of a section label (领取方式, 兑换地点), not a gift
_LABEL_WORDS = {
    "方式",
    "地点",
    "地址",
    "时间",
    "规则",
    "流程",
    "须知",
    "说明",
    "条件",
    "渠道",
    "步骤",
    "入口",
}
_LABELLED_GIFT_RE = re.compile(r"(?:奖品|礼品|礼物|赠品)(?:是|为|:)\s*(?:\d[.、)]|[①②③])?\s*")
_HEADING_GIFT_RE = re.compile(
    r"^\s*#*\s*(?P<g>[^\s,;!?。、:()到去来在凭可即就请需]{2,12}?)(?:免费)?(?:领取|获取|领|送)\s*$"
)


def _clean_gift(t: str, start: int, end: int) -> tuple[int, int, Decimal | None]:
    """Trim a raw gift range [start, end) of the normalised text; return new range and value."""
    value: Decimal | None = None
    seg = t[start:end]
    m = _GIFT_CUT_RE.search(seg)
    if m and m.start() > 0:
        end = start + m.start()
    for _ in range(3):
        seg = t[start:end]
        m = _LEAD_VALUE_RE.match(seg)
        if m and m.end() < len(seg):
            value = _dec(m.group("v") or m.group("v2"))
            start += m.end()
            continue
        m = _GIFT_LEAD_RE.match(seg)
        if m and m.end() > 0 and m.end() < len(seg):
            start += m.end()
            continue
        m = _GIFT_GIVER_RE.match(seg)
        if m:
            start += m.end()
            continue
        break
    seg = t[start:end]
    m = _GIFT_TRAIL_RE.search(seg)
    if m and m.start() > 0:
        end = start + m.start()
    seg = t[start:end]
    m = _FACE_VALUE_RE.match(seg)
    if m and value is None:
        value = _dec(m.group("v"))  # the face value is part of the gift's name
    m = _QUOTED_NAME_RE.match(seg)
    if m:
        start, end = start + m.start("q"), start + m.end("q")
    else:
        m = _BOOK_TITLE_RE.search(seg)
        if m and (m.start() <= 8 or not _is_cjk(seg[0])):
            start, end = start + m.start(), start + m.end()
    while start < end and t[start] in " “”\"'‘’「」":
        start += 1
    while end > start and t[end - 1] in " “”\"'‘’「」":
        end -= 1
    return start, end, value


# A chance or right to take part is not a gift; a named one is (免单机会, 会员资格, 内测资格).
_BARE_CHANCE_RE = re.compile(
    r"^(?:.{0,4}?(?:抽奖|参与|参加|参赛|获奖|中奖|领奖|兑换|购买|报名|活动))?的?(?:机会|资格)"
    r"|的(?:机会|资格)$"
)


def _plausible_gift(g: str) -> bool:
    return (
        1 <= len(g) <= 25
        and g not in _UNNAMED_GIFTS
        and g not in _LABEL_WORDS
        and not _NOT_A_GIFT_RE.search(g)
        and not _BARE_CHANCE_RE.search(g)
    )


def _dec(s: str | None) -> Decimal | None:
    if not s:
        return None
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


_PAIRS = {"《": "》", "“": "”"}


def _clause_end(t: str, pos: int) -> int:
    """End of the clause starting at ``pos``; separators inside 《…》 or “…” do not end it."""
    start = pos
    while True:
        m = _CLAUSE_END_RE.search(t, pos)
        end = m.start() if m else len(t)
        for open_, close in _PAIRS.items():
            o = t.rfind(open_, start, end)
            if o != -1 and t.find(close, o, end) == -1:
                c = t.find(close, end, end + 40)
                if c != -1 and "\n" not in t[end:c]:
                    pos = c + 1
                    break
        else:
            return end


def _sentence_end(t: str, pos: int) -> int:
    m = _SENT_SPLIT_RE.search(t, pos)
    return m.start() if m else len(t)


def _gift_after_verb(t: str, verb_end: int) -> tuple[int, int, Decimal | None] | None:
    end = _clause_end(t, verb_end)
    s, e, v = _clean_gift(t, verb_end, end)
    if s < e and _plausible_gift(t[s:e]):
        return s, e, v
    return None


def _gift_in_range(
    t: str, lo: int, hi: int, verb_re: re.Pattern[str] = _VERB_RE
) -> tuple[int, int, Decimal | None] | None:
    for m in verb_re.finditer(t, lo, hi):
        found = _gift_after_verb(t, m.end())
        if found:
            return found
    return None


def _gift_after_likes(t: str, hit: _LikeHit) -> tuple[int, int, Decimal | None] | None:
    """Look at the rest of the clause after the threshold and up to two more clauses."""
    sent_end = _sentence_end(t, hit.end)
    pos = hit.end
    for n_clause in range(3):
        if pos >= sent_end:
            break
        while pos < sent_end and t[pos] in " ”\"'’」』】]":
            pos += 1
        end = min(_clause_end(t, pos), sent_end)
        if end == pos:  # empty clause: step over the separator
            pos += 1
            continue
        clause = t[pos:end]
        found = _gift_in_range(t, pos, end)
        if found:
            return found
        m = _CONNECTOR_RE.match(clause)
        if m and n_clause < 2:
            s, e, v = _clean_gift(t, pos + m.end(), end)
            if s < e and _plausible_gift(t[s:e]):
                return s, e, v
        pos = end + 1
    # 集满50个赞 ⏎ 送…！: the gift on the line after the threshold
    line_end = t.find("\n", hit.end)
    if line_end != -1 and not t[hit.end : line_end].strip(" ,!。:"):
        nxt = line_end + 1
        while nxt < len(t) and t[nxt] in " \n":
            nxt += 1
        nxt_end = t.find("\n", nxt)
        nxt_end = len(t) if nxt_end == -1 else nxt_end
        m = _VERB_RE.match(t, nxt) or re.compile(
            r"(?:即可|就可以|就可|可|即|就)?(?:" + _VERB + ")"
        ).match(t, nxt)
        if m:
            found = _gift_after_verb(t, m.end())
            if found and found[1] <= nxt_end:
                return found
    return None


def _find_gift(t: str, hits: list[_LikeHit]) -> tuple[int, int, Decimal | None] | None:
    if hits:
        lowest = min(h.value for h in hits)
        ordered = sorted(hits, key=lambda h: (h.value != lowest, h.start))
        for h in ordered:
            found = _gift_after_likes(t, h)
            if found:
                return found
    for m in _LABELLED_GIFT_RE.finditer(t):
        found = _gift_after_verb(t, m.end())
        if found:
            return found
    for m in re.finditer(r"赞|攒", t):
        found = _gift_in_range(t, m.end(), _sentence_end(t, m.end()))
        if found:
            return found
    pos = 0
    for clause in re.split(r"[,;!?。、\n]", t):
        m = _HEADING_GIFT_RE.match(clause)
        if m:
            s, e, v = _clean_gift(t, pos + m.start("g"), pos + m.end("g"))
            if s < e and _plausible_gift(t[s:e]):
                return s, e, v
        pos += len(clause) + 1
    return _gift_in_range(t, 0, len(t), _STRONG_VERB_RE)


def _find_value(t: str, gift_start: int, gift_end: int) -> Decimal | None:
    """A value phrase right after the gift, or in a sentence/line naming the gift again."""
    after = t[gift_end : gift_end + 12]
    m = re.match(rf"[,\s]*(?:,|\(|)?\s*{_VALUE_RE.pattern}", after)
    if m:
        return _dec(m.group("v"))
    gift = t[gift_start:gift_end]
    keys = {gift}
    if len(gift) >= 3:
        keys.add(gift[:-1])
    for line in re.split(r"[。!?;\n]", t):
        if any(k in line for k in keys):
            m = _VALUE_RE.search(line)
            if m:
                return _dec(m.group("v"))
    return None


# ---------------------------------------------------------------------------------------------
# Deadline
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# Place
# ---------------------------------------------------------------------------------------------

_PLACE_CHAR = r"[^\s,;!?。、:()来到去往在于\d]"
_PLACE_PATTERNS = (
    re.compile(r"(?P<p>到店|到门店|进店|到本店)(?=.{0,4}(?:领|兑|核销|消费|使用|出示))"),
    re.compile(
        rf"(?:来|到|去|前往|在|于)(?:位于[^,;。!?]{{1,20}}的)?(?P<p>{_PLACE_CHAR}{{2,16}}?)"
        r"(?:来|去)?(?:免费)?(?:领取|领|兑换|兑奖|核销)"
    ),
    re.compile(
        r"添加(?P<p>(?:我的?|小编的?|客服的?|老师的?|店主的?|工作人员的?)?"
        r"(?:微信|企业微信|qq)(?:号)?(?:\s*\([^()]{0,24}\))?)"
    ),
    re.compile(r"前往(?:位于[^,;。!?]{1,20}的)?(?P<p>[^,;。!?\s的]{2,16}?)(?=[,;。!?]|领|兑)"),
    re.compile(
        r"(?:发送至|发送到|发至|发到|发给|截图给|截图发给|提交至|提交到|发送给)"
        r"(?P<p>[^\s,;!?。、()][^,;!?。、\n]{1,19})"
    ),
    re.compile(rf"通过(?P<p>{_PLACE_CHAR}{{2,12}}?)(?:发送|提交|联系|认证)"),
    re.compile(r"(?:活动地址|领取地址|兑换地址|地址)\s*(?::|\n)\s*(?P<p>[^\n]{2,40})"),
    re.compile(r"微信搜索(?P<p>[^\s,;!?。、]{2,20})"),
    re.compile(r"(?P<p>(?:[^\s,;!?。、:()]{1,4})?私信)"),
    # a shop, hotel or counter the participant goes to
    re.compile(
        r"(?:到|来|去|前往|至)(?P<p>[^\s,;!?。、:()来到去往在于\d]{1,14}?"
        r"(?:门店|分店|总店|超市|商场|酒店|宾馆|饭店|售楼处|售楼部|服务台|专柜|营业厅|影城|影院|店))"
        r"(?![\u4e00-\u9fff]{0,2}的)"
    ),
    re.compile(
        r"(?:在|于)(?P<p>[^\s,;!?。、:()来到去往在于\d]{1,14}?"
        r"(?:门店|分店|总店|超市|商场|酒店|宾馆|饭店|售楼处|售楼部|服务台|专柜|营业厅|影城|影院|店))"
        r"(?=\s*(?:领|兑|核销|出示|凭|使用))"
    ),
    # the merchant that runs the activity: 参加了钦州诚外城家私城的微信集赞换礼品活动
    re.compile(
        r"(?:参加了?|参与了?)(?P<p>[^\s,;!?。、:()]{2,16}?"
        r"(?:城|店|超市|商场|酒店|中心|馆|公司|银行|楼盘|广场))的(?:微信|朋友圈)?(?:集赞|点赞|积赞)"
    ),
)
_NOT_A_PLACE_RE = re.compile(
    r"朋友圈|活动|时间|期间|集满|赞|购买|支持|参与|参加|报名|^(?:对方|我|我们|他|她|你|您)后?$"
)


def _find_place(t: str) -> tuple[int, int] | None:
    for rx in _PLACE_PATTERNS:
        for m in rx.finditer(t):
            s, e = m.start("p"), m.end("p")
            while e > s and t[e - 1] in "后 ":
                e -= 1
            if e - s < 1 or _NOT_A_PLACE_RE.search(t[s:e]):
                continue
            return s, e
    return None


# ---------------------------------------------------------------------------------------------
# Conditions and quantity limit
# ---------------------------------------------------------------------------------------------

_CONDITION_RE = re.compile(
    r"关注|添加.{0,10}(?:好友|微信)|(?<![参增更追添])加.{0,4}(?:好友|微信)|下载|安装|注册|"
    r"截图|凭|出示|展示|审核|验证|认证|"
    r"保留|保持\s*\d+\s*(?:小时|天)|不得删除|不能删除|删除|"
    r"新(?:用户|粉丝|会员|客户|关注)|仅限|限(?:新|老|本地|本人)|老客户|"
    r"限前|前\s*\d+\s*名|前[一二三四五六七八九十]+[名位]|名额|数量有限|先到先得|"
    r"(?:送|卖|领|发)完为止|限领|限一次|仅限一次|每(?:人|个|位|微信号|手机号|代理|户|天|日)"
    r".{0,8}(?:限|仅|只)|限量|"
    r"到店消费|需消费|消费满|需购买|须购买|另购|另外购买|加购|需购|须购|购买任意|任意消费|充值|办卡|开卡|押金|邮费|运费|"
    r"领取时间|兑换时间|预约|抽奖|\d+\s*个字|\d+\s*张图|配上|更换.{0,6}头像|"
    r"不可与|不与其他|不可叠加|不能叠加|逾期|作弊|刷赞|刷顶|"
    r"留言|评论区|报名"
)
_LIST_MARK_RE = re.compile(
    r"^\s*(?:#+\s*)?(?:\d{1,2}\s*[.、:)]|\(\d{1,2}\)|[①②③④⑤⑥⑦⑧⑨⑩]|[一二三四五六七八九十]、)?\s*"
)
_COND_LEAD_RE = re.compile(r"^(?:只要|并且|然后|同时|另外|而且|且|并|和|及|再)+")
_QUANTITY_RES = (
    re.compile(rf"限前\s*(?P<n>{_NUM})\s*(?:名|位|个|份)"),
    re.compile(rf"(?<![获赞最多的])前\s*(?P<n>{_NUM})\s*(?:名|位)"),
    re.compile(rf"限量\s*(?P<n>{_NUM})\s*(?:份|个|件|套|张|瓶|盒|名)?"),
    re.compile(rf"(?:仅限|只限|共|仅有|只有|仅)\s*(?P<n>{_NUM})\s*(?:个|份|名|位)\s*(?:名额)?"),
    re.compile(rf"名额\s*(?:仅|只有|为|:)?\s*(?P<n>{_NUM})\s*(?:个|名|位)"),
    re.compile(rf"(?:分发|发放|送出|赠送|派发)\s*(?P<n>{_NUM})\s*(?:份|个|桶|张|件|套|瓶|盒|名)"),
)


_COND_STOP_RE = re.compile(
    r"(?:转发|分享)(?:本文|文章|此|该|到|至|朋友圈|海报|活动|集赞)|集赞\d|集满|集齐|即可|就可以|才能|才可"
)
_COND_MODALS = set("请需要必须先由将凭")


def _find_conditions(norm: _Norm, exclude: list[tuple[int, int]]) -> tuple[str, ...]:
    """One short span per clause that states a condition (see the module docstring)."""
    t = norm.text
    out: list[str] = []
    seen: set[str] = set()
    pos = 0
    for clause in re.split(r"[,;!?。\n、]", t):
        c_start, c_end = pos, pos + len(clause)
        pos = c_end + 1
        lead = _LIST_MARK_RE.match(clause)
        body = c_start + (lead.end() if lead else 0)
        lead2 = _COND_LEAD_RE.match(t, body, c_end)
        if lead2:
            body = lead2.end()
        for m in _CONDITION_RE.finditer(t, body, c_end):
            k = m.start()
            if any(a <= k < b for a, b in exclude):
                continue  # the keyword belongs to the gift or the deadline
            s = body
            if k - s > 12:  # long lead-in: start at the keyword, or at a modal (请/需…) just before
                s = k
                while s > body and k - s < 4 and _is_cjk(t[s - 1]):
                    s -= 1
                modal = next((i for i in range(k - 1, s - 1, -1) if t[i] in _COND_MODALS), None)
                verb = re.search(r"(?:上传|提交|提供|发送|出示)$", t[s:k])
                s = modal if modal is not None else (s + verb.start() if verb else k)
            e = c_end
            for stop in _COND_STOP_RE.finditer(t, m.end(), c_end):
                if t.count("“", s, stop.start()) <= t.count("”", s, stop.start()):
                    e = stop.start()  # not inside a quoted name
                    break
            for a, _b in exclude:
                if s < a < e and a - s >= 2:
                    e = a  # stop where the gift or deadline starts
            e = min(e, s + 40)
            while e > s and (
                t[e - 1] in " “\"'并和及且或"
                or (t[e - 1] == "”" and t.count("“", s, e) < t.count("”", s, e))
            ):
                e -= 1
            if e <= k:
                continue  # cut before the keyword: nothing left to state
            while s < e and t[s] in " “”\"'":
                s += 1
            if e - s < 2:
                continue
            if any(
                max(s, a) < min(e, b) and (e - s) - (min(e, b) - max(s, a)) <= 6 for a, b in exclude
            ):
                continue  # mostly the gift or the deadline
            span = norm.span(s, e)
            key = core(span)
            if span and key and key not in seen:
                seen.add(key)
                out.append(span)
            break
    return tuple(out)


def _find_quantity(t: str) -> int | None:
    for rx in _QUANTITY_RES:
        for m in rx.finditer(t):
            n = cn_int(m.group("n"))
            if n is not None and 0 < n < 1_000_000:
                return n
    return None
