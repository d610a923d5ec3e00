"""Structured terms of a 集赞换礼 campaign, extracted from the notice's raw text.

``parse_terms(text, reference_date=None)`` returns a :class:`CampaignTerms`: likes required, the
gift and its stated value, the deadline (text span and, when it can be dated, an ISO date), the
redemption place or channel, other conditions, and a quantity limit when one is stated.

Pure Python (no Django), deterministic, no network. Every text field is a verbatim substring of
the input, so a reviewer can highlight it.

How the text is read
--------------------
The notice is first normalised character by character, keeping a map back to the original
offsets: NFKC (full-width → ASCII), traditional → simplified for the characters that matter in
these notices, zero-width characters and markdown ``*`` removed, pinyin glosses that some mirror
sites insert after a character (``個(gè)``) removed, and spaces next to digits dropped
(``集齐 30个赞``, ``面值 100 元``). Patterns run on the normalised text; spans are cut from the
original.

- **likes**: ``N个赞`` / ``N赞`` / ``N个“赞”`` / ``N个好友评论或者点赞`` / ``N位好友‘点赞’``
  and ``集赞N个`` / ``集赞满N`` / ``点赞数达到N`` / ``积【攒】，满N个``, with Arabic or Chinese
  numerals (``满三十八个赞``). Several thresholds (tiers, or a threshold raised later) → the
  lowest. Ordinals (``第88个赞``) and ranking wording (``获赞最多的10名``) are not thresholds.
  Liking once (``留言或点赞``) gives ``None``.
- **gift**: the span after the reward verb (送/赠送/领取/获得/换取/免费…) that follows the
  likes threshold; otherwise ``奖品：…`` / ``礼品是…``; otherwise the first reward verb after a
  集赞/点赞 word in the same sentence; otherwise a heading such as ``授权码获取`` /
  ``纯棉四件套免费领取``; otherwise the first reward verb anywhere. The span loses a leading
  value phrase (``价值168元的``), trailing particles (哦, 啦) and ``的活动``, and is cut at an
  alternative (``或者9折优惠``). Unnamed rewards (``奖励``, ``福利``, ``资格``) give ``None``.
- **gift_value**: ``价值/面值/市场价(值)/原价 N 元`` in front of the gift, right after it, or in a
  sentence or line that names the gift again; also ``N元的<gift>``.
- **deadline**: a date after a deadline keyword (截止/截至/活动时间/活动期间/开奖时间/有效期至
  …), a date range (``2016年5月25日至2016年6月25日``, ``2月3日~17日``, ``11月28~30日``), a date
  followed by 前/截止/结束/为止, ``即日起至…``, or a relative window (``当日24点前``,
  ``即日起一个月内``, ``活动有效期一年``, ``分享开始48小时内有效``, ``本周日``). Dates in
  narrative (``2014年4月12日,记者参加了``) are not deadlines. Formats: ``2024年5月1日``,
  ``5月1日``/``5月1号``, ``五月一日``, ``2024-05-01``, ``2024/5/1``, ``2024.5.1`` and, only after a
  keyword, ``5.1``. ``deadline`` (a ``date``) is the last day of the period, filled when the year
  is written or ``reference_date`` is given: a year-less date takes the year that puts it
  closest to the reference date; a range's end is never before its start; relative windows are
  counted from the reference date (本周日 = the Sunday of the reference date's Monday-first
  week).
- **place**: 到店 / 来X领取 / 在X领取 / 前往X领取 / 发送至X / 截图给X / 通过X发送 / 私信 /
  活动地址 …; the place or channel where the gift is redeemed or proof is sent.
- **conditions**: short verbatim clauses that require something beyond "share and collect N
  likes": follow/add friend/install, proof (截图/凭/出示) and review, keeping the post, content
  rules, eligibility (新用户/仅限), quotas (名额有限/限前N名/先到先得/每人限领), purchases
  (到店消费/消费满), redemption windows, lotteries, no-stacking rules.
- **quantity_limit**: the number in ``限前N名`` / ``前N名`` / ``限量N份`` / ``名额N个`` /
  ``每天只有N个名额`` / ``各分发N桶`` …

Accuracy on the development set
-------------------------------
``tests/campaigns/test_terms_parser.py`` parses the 59 labelled real notices in
``tests/campaigns/data/notices.jsonl`` and prints per-field accuracy; it fails below 90 % for
likes, gift and deadline. A prediction counts as correct when:

- **likes**: the predicted int equals the label, or both are ``None``.
- **gift**: both ``None``; or, after normalising both (the normalisation above, then dropping
  whitespace, punctuation and quotes), one contains the other and the longer is at most 4
  characters longer than the shorter (so ``免费慕斯抱枕`` matches ``慕斯抱枕``, but ``车厘子`` does
  not match ``优惠价格购买该种车厘子``).
- **deadline**: when ``deadline_iso`` is labelled, the predicted ``deadline`` equals it (the test
  passes the reference date that the dataset's notes/source give for year-less rows); otherwise,
  when ``deadline_text`` is labelled, the normalised predicted span contains the labelled one or
  vice versa; otherwise the prediction must be ``None``.
"""

from __future__ import annotations

import calendar
import datetime
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

__all__ = ["CampaignTerms", "cn_int", "core", "normalize", "normalize_with_offsets", "parse_terms"]


@dataclass(frozen=True)
class CampaignTerms:
    likes: int | None = None
    gift: str | None = None
    gift_value: Decimal | None = None
    deadline_text: str | None = None
    deadline: datetime.date | None = None
    place: str | None = None
    conditions: tuple[str, ...] = ()
    quantity_limit: int | None = None

    def to_dict(self) -> dict:
        """JSON-safe dict: Decimal → str, date → ISO string, conditions → list."""
        return {
            "likes": self.likes,
            "gift": self.gift,
            "gift_value": None if self.gift_value is None else str(self.gift_value),
            "deadline_text": self.deadline_text,
            "deadline": None if self.deadline is None else self.deadline.isoformat(),
            "place": self.place,
            "conditions": list(self.conditions),
            "quantity_limit": self.quantity_limit,
        }

    @classmethod
    def from_dict(cls, d: dict) -> CampaignTerms:
        """Inverse of :meth:`to_dict`; missing keys take their defaults."""
        value = d.get("gift_value")
        deadline = d.get("deadline")
        if isinstance(deadline, str):
            deadline = datetime.date.fromisoformat(deadline)
        likes = d.get("likes")
        limit = d.get("quantity_limit")
        return cls(
            likes=None if likes is None else int(likes),
            gift=d.get("gift"),
            gift_value=None if value is None else Decimal(str(value)),
            deadline_text=d.get("deadline_text"),
            deadline=deadline,
            place=d.get("place"),
            conditions=tuple(d.get("conditions") or ()),
            quantity_limit=None if limit is None else int(limit),
        )


# ---------------------------------------------------------------------------------------------
# Normalisation with an offset map back to the original text
# ---------------------------------------------------------------------------------------------

# Traditional → simplified for characters found in promotion notices (one char each way, so
# offsets survive). Not a general converter: anything missing is left as it is.
_T2S_PAIRS = (
    "積积滿满個个贊赞讚赞點点齊齐夠够攢攒領领獎奖禮礼贈赠價价時时間间動动內内後后於于與与開开"
    "關关註注發发貨货購购買买賣卖優优車车廠厂場场館馆門门張张條条現现訂订單单號号碼码連连續续"
    "轉转評评論论數数達达級级節节預预約约額额盡尽庫库圖图審审兌兑換换隨随機机體体驗验費费會会"
    "員员團团銷销際际網网絡络線线請请須须應应該该處处廳厅樓楼電电話话週周視视頻频區区縣县鎮镇"
    "產产們们這这裡里還还說说讓让給给將将對对從从經经過过種种類类樣样當当幾几錢钱飲饮樹树獲获"
    "選选書书鍵键盤盘標标務务終终結结來来參参報报記记聯联繫系擇择樂乐歡欢戲戏愛爱隻只雙双櫃柜"
    "檯台鐘钟錶表萬万億亿誕诞鎖锁蘋苹紅红試试臺台醫医藥药療疗護护膚肤髮发項项雜杂誌志戶户賬账"
    "帳帐寶宝貝贝讀读課课學学習习導导師师長长屬属實实無无規规則则顯显傳传範范圍围為为歲岁兩两"
    "圓圆塊块幣币氣气溫温風风雲云陽阳邊边歷历曆历舊旧擁拥擠挤廣广東东啟启紀纪錄录鍋锅壺壶燈灯"
    "腦脑麗丽華华豐丰鮮鲜魚鱼雞鸡鴨鸭麵面飯饭湯汤鋪铺舖铺賓宾顧顾夥伙帶带專专質质裝装織织絲丝"
    "綿绵純纯襪袜衛卫潔洁淨净藝艺術术攝摄寫写畫画冊册筆笔檢检測测罰罚責责權权歸归覽览觀观餘余"
    "貼贴遞递誠诚協协議议調调證证據据勞劳贏赢輸输頒颁絕绝僅仅準准備备問问係系閉闭運运郵邮鄉乡"
    "層层國国頁页擊击鏈链掃扫題题極极態态詳详細细資资訊讯載载稱称錯错誤误補补銀银險险詐诈騙骗"
    "紙纸稅税廢废棄弃幫帮營营業业貸贷盜盗懷怀緊紧總总組组競竞爭争賽赛舉举滿满剩剩庫库存存罐罐"
    "瓶瓶斤斤壹壹貳贰陸陆灣湾頭头晝昼籤签簽签燒烧烤烤鹽盐醬酱餅饼蝦虾龍龙鳳凤麼么嗎吗呢呢啦啦"
    "喫吃讓让聽听讀读說说認认識识誰谁邀邀賺赚錯错償偿賠赔虧亏訴诉辦办罷罢補补換换贖赎鑽钻飾饰"
    "戲戏劃划壓压鬆松緣缘臉脸銷销遲迟鐵铁礦矿錦锦繡绣鑰钥匙匙瀏浏覽览擬拟撥拨揚扬獨独犧牺"
)
_T2S = {}
for _i in range(0, len(_T2S_PAIRS), 2):
    _t, _s = _T2S_PAIRS[_i], _T2S_PAIRS[_i + 1]
    if _t != _s:
        _T2S[_t] = _s
_EXTRA = {"〜": "~", "～": "~", "﹕": ":", "︰": ":", "\u3000": " ", "\xa0": " "}
_DROP = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "*", "`"}
_PINYIN_GLOSS = re.compile(
    r"(?<=[\u4e00-\u9fff])[(（][a-zA-Z\u00c0-\u024f\u1e00-\u1eff\u0300-\u036f]{1,8}[)）]"
)


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _fold(ch: str) -> str:
    if ch in _EXTRA:
        return _EXTRA[ch]
    n = unicodedata.normalize("NFKC", ch)
    if len(n) != 1:
        n = ch
    return _T2S.get(n, n)


class _Norm:
    """Normalised text plus, for each normalised character, its offset in the original."""

    __slots__ = ("index", "orig", "text")

    def __init__(self, original: str) -> None:
        self.orig = original
        skip: set[int] = set()
        for m in _PINYIN_GLOSS.finditer(original):
            skip.update(range(m.start(), m.end()))
        chars: list[str] = []
        index: list[int] = []
        n = len(original)
        i = 0
        while i < n:
            ch = original[i]
            if i in skip or ch in _DROP:
                i += 1
                continue
            if ch in " \t\u3000\xa0":
                j = i
                while j < n and original[j] in " \t\u3000\xa0":
                    j += 1
                left = _fold(chars[-1]) if chars else ""
                right = _fold(original[j]) if j < n else ""
                if (left.isdigit() and _is_cjk(right)) or (_is_cjk(left) and right.isdigit()):
                    i = j  # 集齐 30个赞, 面值 100 元: the space carries no meaning
                    continue
                chars.append(" ")
                index.append(i)
                i = j
                continue
            chars.append(_fold(ch))
            index.append(i)
            i += 1
        self.text = "".join(chars)
        self.index = index

    def span(self, start: int, end: int) -> str:
        """Original text for the normalised range [start, end), trimmed."""
        if start >= end:
            return ""
        s = self.index[start]
        e = self.index[end - 1] + 1
        return self.orig[s:e].strip()


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """Normalised text and, for each of its characters, the offset in ``text``."""
    n = _Norm(text)
    return n.text, n.index


def normalize(text: str) -> str:
    """The normalised form used for matching (public so comparisons can reuse it)."""
    return _Norm(text).text


_PUNCT_RE = re.compile(r"[\s\W_]+", re.UNICODE)


def core(text: str | None) -> str:
    """Normalised text without whitespace, punctuation, quotes or brackets (for comparisons)."""
    if not text:
        return ""
    return _PUNCT_RE.sub("", normalize(text)).lower()


# ---------------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------------

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}  # fmt: skip
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_NUM = r"(?:\d{1,6}|[零〇一二两三四五六七八九十百千万]{1,8})"


def cn_int(s: str) -> int | None:
    """'38' → 38, '三十八' → 38, '十' → 10, '一百零八' → 108, '二〇二四' → 2024."""
    s = s.strip()
    if not s:
        return None
    if s.isdigit():
        return int(s)
    if all(c in _CN_DIGITS for c in s):  # digit-by-digit (years: 二〇二四)
        return int("".join(str(_CN_DIGITS[c]) for c in s))
    total = section = 0
    digit: int | None = None
    for c in s:
        if c in _CN_DIGITS:
            digit = _CN_DIGITS[c]
        elif c in _CN_UNITS:
            unit = _CN_UNITS[c]
            if unit == 10000:
                total += (section + (digit or 0)) * unit
                section = 0
            else:
                section += (1 if digit is None else digit) * unit
            digit = None
        else:
            return None
    return total + section + (digit or 0)


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
    hits.sort(key=lambda h: (h.start, -h.end))
    # drop hits contained in an earlier, longer one
    out: list[_LikeHit] = []
    for h in hits:
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
    r"|享(?![有])"
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
_GIFT_CUT_RE = re.compile(r"或者|或是|或|还享|还有|还可|并且|并|且|等你来拿|等你拿|,")
_GIFT_TRAIL_RE = re.compile(r"(?:的活动|活动|哦|啦|呢|吧|哟|噢|呀|喔|嗷|咯|~|!|\s)+$")
_GIFT_LEAD_RE = re.compile(
    r"^(?:了|您|你|大家|价值\s*(?=[^\d]))+|^[一1](?:个|份)(?=..)|^(?:前往|去往|飞往).{1,14}的"
)
_GIFT_GIVER_RE = re.compile(r"^.{1,10}?(?:赠送|提供|发放|送)的(?=..)")
_NOT_A_GIFT_RE = re.compile(
    r"后就|就可以|可以|需要|需|请|截图|确认|资格|抽奖|参与|参加|机会|上限|时间|名额|朋友圈|"
    r"点赞|集赞|转发|分享|关注|截止|活动规则"
)
_UNNAMED_GIFTS = {"奖励", "福利", "资格", "奖", "东西", "好处"}
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
    while start < end and t[start] in " “”\"'‘’「」":
        start += 1
    while end > start and t[end - 1] in " “”\"'‘’「」":
        end -= 1
    return start, end, value


def _plausible_gift(g: str) -> bool:
    return 1 <= len(g) <= 25 and g not in _UNNAMED_GIFTS and not _NOT_A_GIFT_RE.search(g)


def _dec(s: str | None) -> Decimal | None:
    if not s:
        return None
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def _clause_end(t: str, pos: int) -> int:
    m = _CLAUSE_END_RE.search(t, pos)
    return m.start() if m else len(t)


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
_TIME_AFTER_DATE = (
    r"(?:\s*(?:上午|下午|中午|晚上|凌晨|早上|晚|早)?\s*\d{1,2}(?:[:]\d{2}){1,2}\s*(?:时|点)?"
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
        return None
    return min(cands, key=lambda c: (c.priority, c.start))


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
    re.compile(r"前往(?:位于[^,;。!?]{1,20}的)?(?P<p>[^,;。!?\s的]{2,16}?)(?=[,;。!?]|领|兑)"),
    re.compile(
        r"(?:发送至|发送到|发至|发到|发给|截图给|截图发给|提交至|提交到|发送给)"
        r"(?P<p>[^\s,;!?。、()][^,;!?。、\n]{1,19})"
    ),
    re.compile(rf"通过(?P<p>{_PLACE_CHAR}{{2,12}}?)(?:发送|提交|联系|认证)"),
    re.compile(r"(?:活动地址|领取地址|兑换地址|地址)\s*(?::|\n)\s*(?P<p>[^\n]{2,40})"),
    re.compile(r"微信搜索(?P<p>[^\s,;!?。、]{2,20})"),
    re.compile(r"(?P<p>(?:[^\s,;!?。、:()]{1,4})?私信)"),
)
_NOT_A_PLACE_RE = re.compile(r"朋友圈|活动|时间|期间|集满|赞|^(?:对方|我|我们|他|她|你|您)后?$")


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
    r"到店消费|需消费|消费满|需购买|须购买|充值|办卡|开卡|押金|邮费|运费|"
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


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------


def parse_terms(text: str, *, reference_date: datetime.date | None = None) -> CampaignTerms:
    """Extract structured campaign terms from a notice's raw text.

    ``reference_date`` (usually the day the notice was captured or published) lets year-less
    and relative deadlines be dated; without it only dates with a written year get ``deadline``.

    >>> t = parse_terms("转发集满38个赞，即可到店领取价值58元的保温杯一个，截止2024年5月1日")
    >>> t.likes, t.gift, str(t.gift_value), t.deadline.isoformat(), t.place
    (38, '保温杯一个', '58', '2024-05-01', '到店')
    """
    if not text or not text.strip():
        return CampaignTerms()
    norm = _Norm(text)
    t = norm.text
    hits = _like_hits(t)
    likes = min((h.value for h in hits), default=None)

    gift = gift_value = None
    spans: list[tuple[int, int]] = []
    found = _find_gift(t, hits)
    if found:
        s, e, gift_value = found
        gift = norm.span(s, e) or None
        spans.append((s, e))
        if gift_value is None:
            gift_value = _find_value(t, s, e)

    deadline_text = deadline = None
    dl = _find_deadline(t, reference_date)
    if dl:
        deadline_text = norm.span(dl.start, dl.end) or None
        deadline = dl.date
        spans.append((dl.start, dl.end))

    place = None
    p = _find_place(t)
    if p:
        place = norm.span(*p) or None

    return CampaignTerms(
        likes=likes,
        gift=gift,
        gift_value=gift_value,
        deadline_text=deadline_text,
        deadline=deadline,
        place=place,
        conditions=_find_conditions(norm, spans),
        quantity_limit=_find_quantity(t),
    )
