"""``parse_terms``: structure first (lines, sections, list items, table rows), then phrases."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from campaigns.terms import dates as D
from campaigns.terms import gifts as G
from campaigns.terms import likes as L
from campaigns.terms import places as PL
from campaigns.terms.model import CampaignTerms, Tier
from campaigns.terms.structure import (
    DEADLINE,
    GIFT,
    PLACE,
    Line,
    field_of,
    lines_of,
    table_tiers,
)
from campaigns.terms.text import Norm, normalize

__all__ = ["parse_terms"]

Span = tuple[int, int, Decimal | None]

# 集赞送草莓 … 10个赞送半斤: the gift named in a title, the tiers only give quantities
_TITLE_GIFT_RE = re.compile(
    r"(?:集赞|点赞|积赞|集“?赞”?)(?:数|量)?(?:就|即|可|免费)?"
    r"(?:送|领|赢|换|得|享|发放|赠送|奖励)(?P<g>[^,;!?。、:\s]{1,14})"
)
# a later step of taking part (登记时间 after 参与时间): the activity ends with it
_STEP_LABEL_RE = re.compile(r"登记|登录|报名|投票|集赞|提交|上传|征集|参与|参加")
_PLACE_LEAD_RE = re.compile(
    r"(?:请|需|须|可|并)?(?:填写|通过|前往|到|在|至|去|来|添加|关注|发送至|发送到|发至|提交至|提交到|凭.{0,8}?到)"
)
_PLACE_CUT_RE = re.compile(r"[,;!?。]|领取|兑换|核销|为唯一|即可")


def _value_end(t: str, line: Line) -> int:
    """End of a line's value: a table row's value is its second cell."""
    if line.kind == "row":
        bar = t.find("|", line.value_start, line.end)
        return bar if bar != -1 else line.end
    return line.end


def _labelled(t: str, lines: list[Line], field: str) -> list[tuple[int, int]]:
    """Value ranges of the lines that state ``field``: a field/row/item with that label, then the
    lines under a heading with that label (the first of them when it is a list). A line under
    such a heading that carries a label of its own (``活动对象：所有会员`` under ``【集赞领礼品】``)
    speaks of something else."""
    own: list[tuple[int, int]] = []
    under: list[tuple[int, int]] = []
    for i, line in enumerate(lines):
        if line.kind == "heading" and line.field == field:
            for nxt in lines[i + 1 : i + 4]:
                if nxt.kind in ("heading", "blank") and nxt is not lines[i + 1]:
                    break
                if nxt.kind in ("field", "row") and nxt.label and field_of(nxt.label) != field:
                    continue
                if nxt.kind != "blank" and nxt.kind != "heading":
                    under.append((nxt.value_start, _value_end(t, nxt)))
                    break
        elif line.kind in ("field", "row", "item") and line.label and field_of(line.label) == field:
            own.append((line.value_start, _value_end(t, line)))
        elif line.kind in ("field", "row", "item") and line.label and line.field == field:
            under.append((line.value_start, _value_end(t, line)))
    return own + under


def _deadline(t: str, lines: list[Line], ref: datetime.date | None) -> D._Deadline | None:
    labelled = []
    for line in lines:
        if line.kind in ("field", "row", "item") and line.label and line.field == DEADLINE:
            labelled.append(line)
    # the activity's own period before a draw or announcement time; when several steps have
    # their own period (参与时间, 登记时间), the activity ends with the last of them
    draw = [bool(re.search(r"开奖|抽奖|公布|公告", ln.label or "")) for ln in labelled]
    dated, dated_lines = [], []
    for is_draw, line in zip(draw, labelled, strict=True):
        dl = D._find_deadline_in(t, line.value_start, _value_end(t, line), ref)
        if dl is not None and dl.date is not None:
            dated.append((is_draw, dl))
            dated_lines.append(line)
    activity = [
        (line, dl) for (is_draw, dl), line in zip(dated, dated_lines, strict=True) if not is_draw
    ]
    if activity:
        first = activity[0][1]
        later_steps = [dl for line, dl in activity[1:] if _STEP_LABEL_RE.search(line.label or "")]
        return max([first, *later_steps], key=lambda dl: dl.date)
    if dated:
        return dated[0][1]
    found = D._find_deadline(t, ref)
    if found is not None:
        return found
    for line in labelled:
        dl = D._find_deadline_in(t, line.value_start, _value_end(t, line), ref)
        if dl is not None:
            return dl
    # 活动时间：开业当天 — a labelled period with no date is kept as text
    for line in labelled:
        s, e = line.value_start, _value_end(t, line)
        while e > s and t[e - 1] in " ,;。!":
            e -= 1
        if 2 <= e - s <= 16 and _VAGUE_PERIOD_RE.search(t, s, e) and not re.search(r"\d", t[s:e]):
            return D._Deadline(s, e, None, 4)
    return None


# a period named without a date: 开业当天, 活动期间, 周年庆期间内
_VAGUE_PERIOD_RE = re.compile(r"当[天日]|期间|之内|内$|结束前|截止前|为止")


def _gift_from_range(t: str, lo: int, hi: int) -> Span | None:
    # 一等奖 1名 价值299元的蓝牙音箱, ① 一等奖（1名）：Switch游戏机 (① folds to 1)
    m = G._LABELLED_GIFT_RE.search(t, lo, hi)
    if m:
        found = G._gift_after_verb(t, m.end())
        if found and found[1] <= hi:
            return found
    found = G._gift_in_range(t, lo, hi)
    if found:
        return found
    s, e, v = G._clean_gift(t, lo, min(G._clause_end(t, lo), hi))
    if s < e and G._plausible_gift(t[s:e]):
        return s, e, v
    return None


def _is_bare_quantity(t: str, found: Span | None) -> bool:
    return found is not None and bool(G._BARE_QUANTITY_RE.match(t[found[0] : found[1]]))


def _gift(t: str, lines: list[Line], hits: list) -> Span | None:
    """The gift after the lowest threshold; else a line labelled as the prize (奖品：…); else
    the phrase readers' fallbacks. A bare quantity (半斤, 一本) gives way to a book title or to
    the gift named in the title (集赞送草莓)."""
    found = None
    lowest = min((h.value for h in hits), default=None)
    for h in sorted(hits, key=lambda h: (h.value != lowest, h.start)):
        found = G._gift_after_likes(t, h)
        if found:
            break
    if found is None or _is_bare_quantity(t, found):
        for lo, hi in _labelled(t, lines, GIFT):
            g = _gift_from_range(t, lo, hi)
            if g and not _is_bare_quantity(t, g):
                return g
    if found is None:
        found = G._find_gift(t, [])
    if _is_bare_quantity(t, found):
        m = G._BOOK_TITLE_RE.search(t)
        if m:
            return m.start(), m.end(), None
        m = _TITLE_GIFT_RE.search(t)
        if m:
            s, e, v = G._clean_gift(t, m.start("g"), m.end("g"))
            if s < e and G._plausible_gift(t[s:e]) and not G._BARE_QUANTITY_RE.match(t[s:e]):
                return s, e, v
    return found


def _place(t: str, lines: list[Line]) -> tuple[int, int] | None:
    for lo, hi in _labelled(t, lines, PLACE):
        inner = PL._find_place(t[lo:hi])
        if inner:
            return inner[0] + lo, inner[1] + lo
        m = _PLACE_LEAD_RE.match(t, lo, hi)
        s = m.end() if m else lo
        cut = _PLACE_CUT_RE.search(t, s, hi)
        e = cut.start() if cut else hi
        while e > s and t[e - 1] in " |:":
            e -= 1
        if 2 <= e - s <= 24 and not PL._NOT_A_PLACE_RE.search(t[s:e]):
            return s, e
    return PL._find_place(t)


def _tiers(norm: Norm, hits: list, conditions: tuple[str, ...]) -> tuple[Tier, ...]:
    """Every threshold with its own gift, lowest first; () for a one-threshold notice."""
    t = norm.text
    by_value: dict[int, object] = {}
    for h in sorted(hits, key=lambda h: h.start):
        by_value.setdefault(h.value, h)
    if len(by_value) < 2:
        return ()
    starts = sorted({h.start for h in hits})
    slash = len({(h.start, h.end) for h in by_value.values()}) == 1
    tiers: list[Tier] = []
    named = 0
    for value in sorted(by_value):
        h = by_value[value]
        nxt = next((s for s in starts if s > h.start), len(t))
        found = G._gift_after_likes(t, h)
        gift = gift_value = None
        if found and (found[0] < nxt or slash):
            gift = norm.span(found[0], found[1]) or None
            gift_value = found[2] if found[2] is not None else G._find_value(t, *found[:2])
            named += 1
        segment = norm.span(h.start, nxt)
        tier_conditions = tuple(c for c in conditions if c in segment)
        tiers.append(Tier(value, gift, gift_value, tier_conditions))
    if named < 2 and not slash:
        return ()  # one gift and several numbers: a threshold changed, not tiers
    return tuple(tiers)


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
    norm = Norm(text)
    t = norm.text
    lines = lines_of(t)
    hits = L._like_hits(t)
    likes = min((h.value for h in hits), default=None)

    gift = gift_value = None
    spans: list[tuple[int, int]] = []
    found = _gift(t, lines, hits)
    if found:
        s, e, gift_value = found
        gift = norm.span(s, e) or None
        spans.append((s, e))
        if gift_value is None:
            gift_value = G._find_value(t, s, e)

    deadline_text = deadline = None
    dl = _deadline(t, lines, reference_date)
    if dl:
        deadline_text = norm.span(dl.start, dl.end) or None
        deadline = dl.date
        spans.append((dl.start, dl.end))

    place = None
    p = _place(t, lines)
    if p:
        place = norm.span(*p) or None

    conditions = PL._find_conditions(norm, spans)
    tiers = _tiers(norm, hits, conditions)
    table = table_tiers(t)
    if len(table) >= 2 and not tiers:
        # | 集赞数 | 奖品 | … one row per threshold
        table.sort()
        tiers = tuple(
            Tier(n, norm.span(a, b) or None, G._find_value(t, a, b), ()) for n, a, b in table
        )
        if likes is None or likes >= tiers[0].likes:
            likes, gift, gift_value = tiers[0].likes, tiers[0].gift, tiers[0].gift_value
    if (
        tiers
        and tiers[0].gift
        and gift is not None
        and tiers[0].likes == likes
        and not G._BARE_QUANTITY_RE.match(normalize(tiers[0].gift))
    ):
        # the lowest tier names the gift the top-level fields report
        gift, gift_value = tiers[0].gift, tiers[0].gift_value
    return CampaignTerms(
        likes=likes,
        gift=gift,
        gift_value=gift_value,
        deadline_text=deadline_text,
        deadline=deadline,
        place=place,
        conditions=conditions,
        quantity_limit=PL._find_quantity(t),
        tiers=tiers,
    )
