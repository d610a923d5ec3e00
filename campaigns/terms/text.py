"""Normalisation of a notice with a map back to the original offsets, and numerals.

Characters are folded by the project's one normaliser, :class:`scanning.normalize.
Normalizer` (zhconv traditional → simplified, width, NFKC compatibility forms, case, invisible
characters dropped), one character at a time: the scanner's word-level denoising (deleting
separators such as ``、``, ``-``, ``~`` and line breaks between hanzi) would erase the structure
a notice is read by — lines, list items, ranges like ``5月2日-5月6日``. On top of the character
fold this module drops markdown ``*``/`` ` ``, the pinyin glosses that some mirror sites insert
after a character (``個(gè)``), and spaces next to digits (``集齐 30个赞``, ``面值 100 元``).
Patterns run on the normalised text; every span is cut from the original.
"""

from __future__ import annotations

import re
from functools import lru_cache

from scanning.normalize import Normalizer

__all__ = [
    "NUM",
    "Norm",
    "cn_int",
    "core",
    "is_cjk",
    "normalize",
    "normalize_with_offsets",
    "sentence_end",
]

# Look-alikes the scanner's fold leaves alone but that mean a range sign or colon in a notice.
_EXTRA = {"〜": "~", "﹕": ":"}
_DROP = {"*", "`"}
_PINYIN_GLOSS = re.compile(
    r"(?<=[\u4e00-\u9fff])[(（][a-zA-Z\u00c0-\u024f\u1e00-\u1eff\u0300-\u036f]{1,8}[)）]"
)


@lru_cache(maxsize=1)
def _normalizer() -> Normalizer:
    return Normalizer()


@lru_cache(maxsize=16384)
def fold_char(ch: str) -> str:
    """One character folded by the scanner's normaliser: one character, or "" (invisible)."""
    if ch in _EXTRA:
        return _EXTRA[ch]
    out = _normalizer().normalize(ch).text
    return out if len(out) <= 1 else ch


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


_SPACE = " \t\u3000\xa0"


class Norm:
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
            if ch in _SPACE:
                j = i
                while j < n and original[j] in _SPACE:
                    j += 1
                left = chars[-1] if chars else ""
                right = fold_char(original[j]) if j < n else ""
                if (left.isdigit() and is_cjk(right)) or (is_cjk(left) and right.isdigit()):
                    i = j  # 集齐 30个赞, 面值 100 元: the space carries no meaning
                    continue
                chars.append(" ")
                index.append(i)
                i = j
                continue
            folded = fold_char(ch)
            if folded:
                chars.append(folded)
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
    n = Norm(text)
    return n.text, n.index


def normalize(text: str) -> str:
    """The normalised form used for matching (public so comparisons can reuse it)."""
    return Norm(text).text


_PUNCT_RE = re.compile(r"[\s\W_]+", re.UNICODE)


def core(text: str | None) -> str:
    """Normalised text without whitespace, punctuation, quotes or brackets (for comparisons)."""
    if not text:
        return ""
    return _PUNCT_RE.sub("", normalize(text)).lower()


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9,
              # the financial (大写) forms written on vouchers and in formal notices
              "壹": 1, "贰": 2, "叁": 3, "参": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8,
              "玖": 9}  # fmt: skip
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000, "拾": 10, "佰": 100, "仟": 1000}
# 廿 (20), 卅 (30), 卌 (40): 廿八个赞 = 28
_CN_TENS = {"廿": 20, "卅": 30, "卌": 40}
NUM = r"(?:\d{1,6}|[零〇一二两三四五六七八九十百千万壹贰叁肆伍陆柒捌玖拾佰仟廿卅卌]{1,8})"


def cn_int(s: str) -> int | None:
    """'38' → 38, '三十八' → 38, '十' → 10, '一百零八' → 108, '二〇二四' → 2024, '廿八' → 28,
    '伍拾' → 50."""
    s = s.strip()
    if not s:
        return None
    if s.isdigit():
        return int(s)
    if s[0] in _CN_TENS:  # 廿八 = 28, 卅 = 30
        rest = cn_int(s[1:]) if len(s) > 1 else 0
        return None if rest is None or rest > 9 else _CN_TENS[s[0]] + rest
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


# (an option letter's dot does not end the sentence: 送：A. 雨伞一把 B. 水杯一个)
_SENT_SPLIT_RE = re.compile(r"[。!?;\n]|(?<![:\s][A-Da-d])\.(?!\d)")


def sentence_end(t: str, pos: int) -> int:
    """Offset of the end of the sentence (or line) that ``pos`` is in."""
    m = _SENT_SPLIT_RE.search(t, pos)
    return m.start() if m else len(t)
