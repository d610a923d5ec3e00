"""The layout of a notice: lines, headings, labelled fields, list items and table rows.

A notice is read as lines of the normalised text (:class:`.text.Norm` keeps line breaks). Each
line gets a kind and, when it names what it is about, a *label*:

- **heading**: a markdown heading (``## 参与规则``), a line that is only a bracketed or starred
  title (``【活动规则】``, ``★★★活动规则★★★``), a numbered chapter (``三、获奖条件``) or a short
  label followed by a colon and nothing else (``奖品：``). Its text labels every following line
  up to the next heading.
- **field**: ``活动时间：7月29日-8月10日`` — a short label, a colon, a value on the same line.
- **row**: a table row ``| 朋友圈要求 | 点赞满 6 个 |`` or ``购买时间|2022/12/15…``; the
  first cell is the label, the second the value. Separator rows (``|---|``) are skipped.
- **item**: a list item (``1.``, ``1、``, ``(1)``, ``①``, ``一、`` with a sentence, ``•``, ``-``,
  ``STEP 1``); the marker is not part of the value.
- **text**: anything else.

Labels are classified into the field they announce (:data:`DEADLINE`, :data:`GIFT`,
:data:`PLACE`), so that ``活动时间`` sends its value to the deadline reader and ``奖品`` to the gift
reader before any phrase search over the whole text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["DEADLINE", "GIFT", "PLACE", "Line", "field_of", "lines_of", "table_tiers"]

DEADLINE = "deadline"
GIFT = "gift"
PLACE = "place"

_MARKER_RE = re.compile(
    r"^\s*(?:"
    r"(?:step|STEP)\s*\d{1,2}\s*[.:、]?"
    r"|\d{1,2}\s*(?:[.、:)]|\.(?!\d))"
    r"|\(\d{1,2}\)|[①②③④⑤⑥⑦⑧⑨⑩]"
    r"|[一二三四五六七八九十]{1,3}\s*[、.]"
    r"|[•·\-–—]\s"
    r")\s*"
)
_MD_HEADING_RE = re.compile(r"^\s*#{1,6}\s*(?P<h>.+?)\s*#*\s*$")
_BRACKET_HEADING_RE = re.compile(
    r"^\s*[【\[《★☆◆■●▲〖]+\s*(?P<h>[^【】\[\]★☆]{1,16}?)\s*[】\]》★☆◆■●▲〗]+\s*:?\s*$"
)
_FIELD_RE = re.compile(r"^(?P<label>[^\s:,;。!?|]{1,10}?)\s*(?:[:：]|\|)\s*(?P<value>.*)$")
_SEPARATOR_ROW_RE = re.compile(r"^\s*\|?\s*:?-{2,}")
# a plain line that is only a section title: 奖品展示, 活动时间, 参与方式, 奖项设置
_BARE_HEADING_RE = re.compile(r"^(?:活动|本次|本期)?[\u4e00-\u9fff]{2,6}$")
_SECTION_WORD_RE = re.compile(r"(?:规则|方式|说明|须知|流程|办法|设置|展示|内容|介绍)$")

_DEADLINE_LABEL_RE = re.compile(
    r"(?:活动|投票|参与|集赞|参加|报名|登录|征集|评选)?(?:时间|日期|期间|期限)|截止|截至|有效期|开奖|抽奖时间"
)
_GIFT_LABEL_RE = re.compile(r"奖品|礼品|奖励|福利|赠品|奖项|礼物|书籍|活动奖品|奖品设置")
_PLACE_LABEL_RE = re.compile(
    r"地址|地点|领取方式|兑换方式|领奖方式|领取地点|兑换地点|领奖地点|提交方式|提交入口|门店|领取渠道"
)
_NOT_DEADLINE_LABEL_RE = re.compile(
    r"领取时间|兑换时间|领奖时间|营业时间|审核周期|保留时长|购买时间"
    r"|兑奖期限|领取期限|兑换期限|领奖期限|使用期限|使用时间"
)


def field_of(label: str | None) -> str | None:
    """Which field a section or field label announces, if any."""
    if not label:
        return None
    if _PLACE_LABEL_RE.search(label):
        return PLACE
    if _NOT_DEADLINE_LABEL_RE.search(label):
        return None
    if _GIFT_LABEL_RE.search(label):
        return GIFT
    if _DEADLINE_LABEL_RE.search(label):
        return DEADLINE
    return None


@dataclass(frozen=True)
class Line:
    start: int  # offsets in the normalised text, [start, end) without the line break
    end: int
    kind: str  # heading | field | row | item | text | blank
    value_start: int  # where the value starts (after a marker, a label and its colon)
    label: str | None = None  # the field or row label, or the heading text
    section: str | None = None  # the enclosing heading's text

    @property
    def field(self) -> str | None:
        """The field this line's own label announces, else its section's."""
        return field_of(self.label) or field_of(self.section)


def _strip(t: str, s: int, e: int) -> tuple[int, int]:
    while s < e and t[s] in " \t\r":
        s += 1
    while e > s and t[e - 1] in " \t\r":
        e -= 1
    return s, e


def _cells(t: str, s: int, e: int) -> list[tuple[int, int]]:
    """The cells of a table row [s, e) as stripped ranges of ``t``."""
    out: list[tuple[int, int]] = []
    a = s + 1 if t.startswith("|", s) else s
    while a <= e:
        bar = t.find("|", a, e)
        b = e if bar == -1 else bar
        if bar != -1 or a < e:
            out.append(_strip(t, a, b))
        if bar == -1:
            break
        a = bar + 1
    return out


def _is_table_row(body: str) -> bool:
    return body.count("|") >= 1 and (
        "|" in body[:2] or " | " in body or bool(re.search(r"\S\|\S", body))
    )


def lines_of(t: str) -> list[Line]:
    """The lines of normalised text ``t`` with their kind, label and section.

    A table row directly above a separator row (``| 奖品 | 数量 |`` ⏎ ``| --- | --- |``) is a
    header, not a field: when one of its cells names a field (奖品, 领取地点, 活动时间…), each
    row below it gives that column's cell as a row labelled with the header
    (``| 蓝牙耳机 | 10 |`` → 奖品: 蓝牙耳机); otherwise the rows keep the first cell as the label.
    """
    out: list[Line] = []
    section: str | None = None
    raws = t.split("\n")
    header: list[str] | None = None  # the classified header of the table being read
    pos = 0
    for i, raw in enumerate(raws):
        s, e = _strip(t, pos, pos + len(raw))
        pos += len(raw) + 1
        if s == e:
            header = None
            out.append(Line(s, e, "blank", s, section=section))
            continue
        body = t[s:e]
        if not _is_table_row(body):
            header = None
        if _is_table_row(body):
            if _SEPARATOR_ROW_RE.match(body):
                continue
            nxt = raws[i + 1].strip() if i + 1 < len(raws) else ""
            if _SEPARATOR_ROW_RE.match(nxt):  # a header row
                names = [t[a:b] for a, b in _cells(t, s, e)]
                header = names if any(field_of(n) for n in names) else None
                if header is not None:
                    out.append(Line(s, e, "text", s, section=section))
                    continue
            elif header is not None:
                cells = _cells(t, s, e)
                for name, (a, b) in zip(header, cells, strict=False):
                    if field_of(name) and b > a:
                        out.append(Line(s, e, "row", a, label=name, section=section))
                continue
            cells = [c for c in body.strip("|").split("|")]
            label = cells[0].strip() if cells else ""
            first_bar = body.index("|", 1 if body.startswith("|") else 0)
            v = s + first_bar + 1
            v, _ = _strip(t, v, e)
            out.append(Line(s, e, "row", v, label=label or None, section=section))
            continue
        m = _MD_HEADING_RE.match(body) or _BRACKET_HEADING_RE.match(body)
        if m:
            section = m.group("h").strip(" :")
            out.append(Line(s, e, "heading", e, label=section, section=section))
            continue
        marker = _MARKER_RE.match(body)
        if marker:
            rest = body[marker.end() :]
            if (
                re.match(r"^\s*[一二三四五六七八九十]{1,3}\s*[、.]", body)
                and len(rest) <= 12
                and not re.search(r"[,;。!?]", rest)
            ):
                section = rest.strip(" :")
                out.append(Line(s, e, "heading", e, label=section, section=section))
                continue
            vs = s + marker.end()
            fm = _FIELD_RE.match(rest)
            if fm and field_of(fm.group("label")):
                out.append(
                    Line(
                        s,
                        e,
                        "item",
                        vs + fm.start("value"),
                        label=fm.group("label"),
                        section=section,
                    )
                )
            else:
                out.append(Line(s, e, "item", vs, section=section))
            continue
        if _BARE_HEADING_RE.match(body) and (field_of(body) or _SECTION_WORD_RE.search(body)):
            section = body.strip()  # 奖品展示, 活动时间, 参与方式: a plain section title
            out.append(Line(s, e, "heading", e, label=section, section=section))
            continue
        fm = _FIELD_RE.match(body)
        if fm and len(fm.group("label")) <= 10:
            label = fm.group("label").strip()
            if not fm.group("value").strip():
                section = label
                out.append(Line(s, e, "heading", e, label=label, section=section))
                continue
            if field_of(label) or len(label) <= 6:
                out.append(Line(s, e, "field", s + fm.start("value"), label=label, section=section))
                continue
        out.append(Line(s, e, "text", s, section=section))
    return out


_LIKES_HEAD_RE = re.compile(r"集赞|点赞|赞数|获赞|积赞|赞")
_CELL_NUM_RE = re.compile(r"(?<![\d.])(\d{1,5})(?![\d.%元])")


def table_tiers(t: str) -> list[tuple[int, int, int]]:
    """Tiers laid out as a table: a header with a likes column (集赞数) and a prize column
    (奖品), then one row per threshold (``| 20 | 钥匙扣 |``). Returns (likes, gift start, gift
    end) per row, offsets in ``t``."""
    out: list[tuple[int, int, int]] = []
    head: tuple[int, int] | None = None  # (likes column, gift column)
    pos = 0
    for raw in t.split("\n"):
        start, pos = pos, pos + len(raw) + 1
        if not raw.strip().startswith("|") or _SEPARATOR_ROW_RE.match(raw):
            if not raw.strip().startswith("|"):
                head = None
            continue
        cells: list[tuple[int, int]] = []
        s = start + raw.index("|") + 1
        while True:
            bar = t.find("|", s, start + len(raw))
            if bar == -1:
                break
            cells.append(_strip(t, s, bar))
            s = bar + 1
        texts = [t[a:b] for a, b in cells]
        if head is None:
            likes_col = next((i for i, c in enumerate(texts) if _LIKES_HEAD_RE.search(c)), None)
            gift_col = next((i for i, c in enumerate(texts) if _GIFT_LABEL_RE.search(c)), None)
            if likes_col is not None and gift_col is not None and likes_col != gift_col:
                head = (likes_col, gift_col)
            continue
        lc, gc = head
        if max(lc, gc) >= len(cells):
            continue
        m = _CELL_NUM_RE.search(texts[lc])
        a, b = cells[gc]
        if m and b > a:
            out.append((int(m.group(1)), a, b))
    return out
