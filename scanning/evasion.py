"""Evasion spellings generated from the lexicon's own terms when a scanner is built.

For every enabled deny term (``substring``, ``word`` or ``claim``) of severity 3 or more with
two to eight characters, at least two of them hanzi, the scanner also looks for:

* ``homophone``: one hanzi replaced by a common character with the same main reading
  (搞仿, 精访 …; ``chardata`` homophones, from pypinyin);
* ``shape``: one hanzi replaced by a common character sharing its sound element and rhyme
  (仿 → 纺, 精 → 请; from the chaizi decompositions);
* ``split``: one hanzi written as its two components (亻方 for 仿, 米青 for 精);
* ``pinyin``: the toneless pinyin of the whole term, run together and syllable by syllable
  (gaofang, gao fang), and each hanzi alone as pinyin (gao仿, 高fang);
* ``initials``: the pinyin initials, only for terms of four hanzi or more whose initials are not
  those of another common word in jieba's dictionary (``chardata.taken_initials``: gfb is
  国防部, zxj 哲学家);
* ``numeral``: numbers written with other numerals, and ``:``/``比`` swapped between numerals
  (1:1 → 一比一, 壹比壹, 1比一), from Unicode's numeric values (``unicodedata.numeric``).

Homophone, look-alike and split spellings must also lie on word boundaries and must not
themselves be a word of jieba's dictionary (复课 is not 复刻); the engine checks that on each hit
(``segment.WordChecker.is_spelling``). Severity 1–2 terms are weak signals and get no
generated spellings; neither do single characters (最) or patterns.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from itertools import product

from . import chardata

MIN_SEVERITY = 3
MAX_TERM_CHARS = 8
MIN_PINYIN_LETTERS = 4
MAX_NUMERAL_VARIANTS = 64
# substitutes per hanzi, commonest first (the ones a pinyin keyboard offers first): the table's
# full lists would triple the automaton and the build for no gain on the evasion benchmark
HOMOPHONES_PER_CHAR = 4
SHAPES_PER_CHAR = 4
LONG_PINYIN = 7
# three-letter initials collide with Latin acronyms (gfx, bss, ptx) too often to be read as hanzi
MIN_INITIALS = 4
# kinds the engine checks on word boundaries and against the dictionary (see module doc)
CHECKED_KINDS = frozenset({"homophone", "shape", "split"})
MODES = frozenset({"substring", "word", "claim"})


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


@lru_cache(maxsize=1)
def numerals() -> dict[str, str]:
    """Each numeral character → the digit it stands for (0–9): ASCII digits and the GB 2312
    hanzi whose Unicode numeric value is 0–9 (一 壹 弌 幺 …)."""
    data = chardata.load()
    out = {str(d): str(d) for d in range(10)}
    for ch in data.level:
        try:
            v = unicodedata.numeric(ch)
        except (TypeError, ValueError):
            continue
        if v == int(v) and 0 <= v <= 9:
            out[ch] = str(int(v))
    return out


@lru_cache(maxsize=1)
def _numeral_forms() -> dict[str, tuple[str, ...]]:
    """digit → its spellings: the ASCII digit, the common lower-case hanzi and the financial
    (大写) hanzi, i.e. GB 2312 level-1 characters first."""
    data = chardata.load()
    by_digit: dict[str, list[str]] = {}
    for ch, d in numerals().items():
        by_digit.setdefault(d, []).append(ch)
    out = {}
    for d, chars in by_digit.items():
        chars.sort(key=lambda c: (not c.isascii(), data.level.get(c, 3)))
        out[d] = tuple(chars[:3])
    return out


_RATIO = frozenset(":比")


def _numeral_variants(t: str) -> list[str]:
    """Numbers (numerals next to a numeral or a ratio sign) in every term; any numeral in a term
    of three characters or more (第一品牌 → 第1品牌, 零风险 → 0风险), where it cannot be an
    ordinary word (唯一, 第一 alone keep their spelling: 第1次 is not 第一次's exception)."""
    nums = numerals()
    pos = [
        i
        for i, ch in enumerate(t)
        if ch in nums
        and (
            len(t) >= 3
            or (i > 0 and (t[i - 1] in nums or t[i - 1] in _RATIO))
            or (i + 1 < len(t) and (t[i + 1] in nums or t[i + 1] in _RATIO))
        )
    ]
    if not pos:
        return []
    forms = _numeral_forms()
    choices: list[tuple[str, ...]] = []
    for i, ch in enumerate(t):
        if i in pos:
            choices.append(forms[nums[ch]])
        elif ch in _RATIO and 0 < i < len(t) - 1 and t[i - 1] in nums and t[i + 1] in nums:
            choices.append((":", "比"))
        else:
            choices.append((ch,))
    out = []
    for combo in product(*choices):
        v = "".join(combo)
        if v != t:
            out.append(v)
            if len(out) >= MAX_NUMERAL_VARIANTS:
                break
    return out


def spellings(t: str) -> list[tuple[str, str]]:
    """(spelling, kind) pairs for one normalised term ``t`` (see the module doc)."""
    out: list[tuple[str, str]] = [(v, "numeral") for v in _numeral_variants(t)]
    han = [i for i, ch in enumerate(t) if _is_han(ch)]
    if len(han) < 2 or len(t) > MAX_TERM_CHARS:
        return out
    data = chardata.load()
    for i in han:
        ch = t[i]
        head, tail = t[:i], t[i + 1 :]
        for h in data.homophones.get(ch, "")[:HOMOPHONES_PER_CHAR]:
            out.append((head + h + tail, "homophone"))
        for s in data.shapes.get(ch, "")[:SHAPES_PER_CHAR]:
            out.append((head + s + tail, "shape"))
        for parts in data.splits.get(ch, ()):
            out.append((head + parts + tail, "split"))
    readings = [data.pinyin.get(t[i], ("",))[0] for i in han]
    if all(readings) and sum(map(len, readings)) >= MIN_PINYIN_LETTERS:
        sylls = dict(zip(han, readings, strict=True))
        joined = "".join(sylls.get(i, ch) for i, ch in enumerate(t))
        spaced = []
        for i, ch in enumerate(t):
            piece = sylls.get(i, ch)
            if spaced and (i in sylls or (i - 1) in sylls) and piece.isascii():
                spaced.append(" ")
            spaced.append(piece)
        out.append((joined, "pinyin"))
        out.append(("".join(spaced).replace("  ", " "), "pinyin"))
        for i in han:
            out.append((t[:i] + sylls[i] + t[i + 1 :], "pinyin"))
        if len(han) == len(t) >= MIN_INITIALS:
            initials = "".join(r[0] for r in readings)
            if not data.taken_initials.get(initials, frozenset()) - {t}:
                out.append((initials, "initials"))
    return out


def _alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def bounds(spelling: str, kind: str) -> tuple[bool, bool]:
    """Must a hit of ``spelling`` have a non-alphanumeric neighbour at its start / end?

    As for any Latin term (gf is not in gfw), except that a run-together pinyin spelling of at
    least LONG_PINYIN letters may touch more pinyin (gaofangbiao holds gaofang)."""
    start, end = _alnum(spelling[0]), _alnum(spelling[-1])
    if kind == "pinyin" and len(spelling) >= LONG_PINYIN and spelling.isascii():
        return False, False
    return start, end


def generate(
    rules: Iterable[tuple[int, str, int, str]],
    normalize: Callable[[str], str],
    reserved: frozenset[str] = frozenset(),
) -> list[tuple[int, str, str, bool, bool]]:
    """(rule index, spelling, kind, Latin start, Latin end) for ``rules`` given as (index, term,
    severity, mode); the last two as ``bounds``.

    ``normalize`` is the scanner's term normaliser; a spelling equal to a term, exception or
    allow-phrase of the lexicon (``reserved``, normalised) is left out."""
    out: list[tuple[int, str, str, bool, bool]] = []
    seen: set[tuple[int, str]] = set()
    for i, term, severity, mode in rules:
        if severity < MIN_SEVERITY or mode not in MODES:
            continue
        t = normalize(term)
        for spelling, kind in spellings(t):
            if spelling == t or spelling in reserved or (i, spelling) in seen:
                continue
            seen.add((i, spelling))
            if spelling[0] < "\x80" or spelling[-1] < "\x80":
                out.append((i, spelling, kind, *bounds(spelling, kind)))
            else:  # begins and ends with a hanzi: no Latin boundary to check
                out.append((i, spelling, kind, False, False))
    return out
