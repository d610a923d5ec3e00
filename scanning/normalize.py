"""Text normalisation with a map back to the original offsets.

Pipeline (all steps keep a way back to the original text):

1. one Rust pass (zhconv-rs with custom pairs): traditional → simplified, full-width →
   half-width, NFKC single-character compatibility forms (⓵, Ⓐ, 𝐀, ︰, CJK compatibility
   ideographs), ASCII/Latin-1 case-fold, variant glyphs from the lexicon (倣→仿, 髙→高), and
   zero-width / control characters turned into a placeholder. Every pair is one character to
   one character, so the output normally has the input's length and the offset map is the
   identity; when zhconv's phrase table changes the length (rare), we fall back to converting
   character by character and keep an explicit map.
2. one ``re`` pass that deletes noise: placeholders everywhere, and runs of up to four noise
   characters (spaces, ``*``, ``.``, emoji, symbols, brackets) *between* CJK characters
   (高*仿, 高 . 仿, 高😀仿), symbol runs between Latin letters (D～r), and pinyin glosses
   that scraper sites insert after characters (高(gao)收(shou)益).

Only the reported hits are mapped back (``OffsetMap.to_original``), with a bisect over the list
of deletions, so the common path costs two C/Rust passes over the text.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

import zhconv_rs

PLACEHOLDER = "\x00"
_RADICALS = Path(__file__).with_name("chardata") / "radicals.tsv"

# Zero-width and invisible characters that evaders insert inside words.
_INVISIBLE = [
    "\u00ad",
    "\u034f",
    "\u061c",
    "\u115f",
    "\u1160",
    "\u17b4",
    "\u17b5",
    "\u180e",
    *[chr(c) for c in range(0x200B, 0x2010)],
    *[chr(c) for c in range(0x202A, 0x202F)],
    *[chr(c) for c in range(0x2060, 0x2070)],
    "\u3164",
    "\ufeff",
    "\uffa0",
    *[chr(c) for c in range(0xFE00, 0xFE10)],  # variation selectors (emoji presentation)
    # combining marks for symbols, among them the keycap U+20E3 (1️⃣ reads as 1)
    *[chr(c) for c in range(0x20D0, 0x2100)],
    *[chr(c) for c in range(0xE0020, 0xE0080)],  # emoji tag sequences (subdivision flags)
]
_CONTROL = [chr(c) for c in range(0x01, 0x20) if chr(c) not in "\t\n\r"] + [
    chr(c) for c in range(0x7F, 0xA0)
]

# Blocks whose NFKC single-character forms we fold (width, enclosed, styled, compatibility).
_NFKC_RANGES = (
    (0x00A0, 0x00FF),
    (0x2070, 0x209F),  # super/subscripts
    (0x2100, 0x214F),  # letterlike
    (0x2160, 0x217F),  # roman numerals (single-char ones only)
    (0x2460, 0x24FF),  # enclosed alphanumerics ⓵ Ⓐ
    (0x2F00, 0x2FDF),  # Kangxi radicals ⼀ → 一
    (0x3000, 0x3000),  # ideographic space
    (0x3200, 0x32FF),  # enclosed CJK
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE30, 0xFE4F),  # CJK compatibility forms ︰
    (0xFE50, 0xFE6F),  # small forms
    (0xFF00, 0xFFEF),  # full-width / half-width forms
    (0x1D400, 0x1D7FF),  # mathematical alphanumerics 𝐀 𝒂
    (0x1F100, 0x1F1FF),  # enclosed alphanumeric supplement 🄰
    (0x2F800, 0x2FA1F),  # CJK compatibility supplement
)


def _fold(ch: str) -> str | None:
    """Single-character fold for one code point, or None if it is not length-preserving."""
    out = unicodedata.normalize("NFKC", ch)
    if len(out) != 1:
        return None
    if out.isascii() or "\u00c0" <= out <= "\u00de":
        out = out.lower()
    return out


def _base_pairs() -> dict[str, str]:
    pairs: dict[str, str] = {}
    for lo, hi in _NFKC_RANGES:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            folded = _fold(ch)
            if folded is not None and folded != ch:
                pairs[ch] = folded
    for cp in list(range(0x41, 0x5B)) + list(range(0xC0, 0xDF)):
        ch = chr(cp)
        low = ch.lower()
        if len(low) == 1 and low != ch:
            pairs[ch] = low
    # after width folding, full-width letters are already lower-case via _fold
    # circled digits without an NFKC mapping (⓵ ❶ ➀ ➊) and look-alike colons (1︰1)
    for base in (0x24F5, 0x2776, 0x2780, 0x278A):
        for k in range(9):
            pairs[chr(base + k)] = str(k + 1)
    for ch in "︰∶ː꞉":
        pairs[ch] = ":"
    # 丨 (U+4E28) is a hanzi in Unicode but only ever used as a separator bar
    pairs["丨"] = "|"
    # CJK Radicals Supplement forms → the ideograph they look like (⺅ → 亻), from Unicode's
    # confusables data (chardata/radicals.tsv); NFKC folds only the Kangxi radicals
    for line in _RADICALS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith(("#", "radical\t")):
            src, dst = line.split("\t")
            pairs[src] = dst
    for ch in _INVISIBLE + _CONTROL:
        pairs[ch] = PLACEHOLDER
    return pairs


_BASE_PAIRS = _base_pairs()

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef\u3005\u3007"
# Characters that carry no meaning inside a word when they sit between two CJK characters.
# Deliberately NOT noise: , ; : ! ? and the CJK sentence marks 。，；：！？ — they end
# phrases, so 价格最高，仿佛 must not become 最高仿佛; nor is % (通过率98%以上 is read as written).
# The enumeration comma 、 is noise: it lists words (包、表、鞋) and is the evaders' separator
# of choice (高、仿).
# ``\s`` spelled out (every character for which str.isspace() is true; none lies above U+3000):
# a category inside a character class is tested character by character, a listed set is one
# bitmap lookup, which makes the "any noise here?" search twice as fast.
_SPACES = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
_NOISE = (
    _SPACES + r"\*\.·•‧∙⋅・~\-_/\\|+#^`'\"=<>@&$"
    "“”‘’「」『』【】〔〕〖〗《》〈〉()\\[\\]{}、"
    "\u2010-\u2015\u2020-\u2027\u2030-\u205e"  # dashes, bullets, misc punctuation
    "\u2190-\u23ff\u2500-\u27bf\u2900-\u2bff"  # arrows, technical, box, shapes, dingbats ✅
    "\u3000\u3008-\u3011\u3014-\u301f\u30fb"
    "\U0001f000-\U0001faff"  # emoji and pictographs
    "\x00"
)
_SYMBOL_NOISE = r"\*·•‧∙⋅・~_|\\^`=\u2190-\u23ff\u2500-\u27bf\u2900-\u2bff\U0001f000-\U0001faff\x00"
_PINYIN = r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}\)"

_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_NOISE_CHAR_RE = re.compile(f"[{_NOISE}]")
# Every pattern below starts with a character class or a literal, so that ``re`` skips ahead to
# the next candidate character in C instead of trying a look-behind at every position.
_PINYIN_RE = re.compile(rf"\((?<=[{_CJK}]\()[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{{1,6}}\)(?:{_PINYIN})*")
_PLACEHOLDER_RE = re.compile("\x00+")
# HTML tags and comments (after case folding), and the HTML entities of spaces and invisible
# characters; deleted wherever they stand
_MARKUP_RE = re.compile(
    r"<(?:/?[a-z][a-z0-9-]{0,15}(?:[\s/][^<>]{0,300})?|!--[^<>]{0,300}?--)>"
    r"|&(?:nbsp|ensp|emsp|thinsp|zwnj|zwj|lrm|rlm|shy|#160|#x0*a0|#8203|#x0*200b);"
)
_has_markup = _MARKUP_RE.search
_W = f"{_CJK}a-z0-9"
# A run of one to four noise characters between two word characters (noise and word characters
# are disjoint, so the run is whole) with a CJK character on one side, or of one to three symbols
# between two Latin letters (D～r). Same deletions as the gap alternatives of _NOISE_RE.
# Separators inside a Latin word spelled letter by letter (l.v, g u c c i, l-v, no.1): deleted
# between a lone letter and a lone letter or digit (so "lv bag", "swiss r", "v1.2" and prices
# like 1.5 keep theirs), between two lone digits (3 0 斤 but not 1-3天, 1.5, 2 0.5), and
# spaces or dots around the colon of a ratio (1 : 1).
_LATIN_SEP = r" .\-_*·•‧∙⋅・~|/\\+^=`'"
# between two digits that each stand alone (3 0 斤), never - . , / (ranges, decimals, dates)
_DIGIT_SEP = r" _*·•‧∙⋅・~|^=`'"
# Runs of noise of any length up to LONG_RUN between a hanzi and a word character (高★☆★☆★仿,
# emoji with skin tones, ZWJ sequences); short runs (up to four) of the same between any word
# characters with a hanzi on one side, as before.
LONG_RUN = 32
_GAP_RE = re.compile(
    f"[{_NOISE}](?:"
    f"(?<=[{_CJK}][{_NOISE}])[{_NOISE}]{{0,{LONG_RUN - 1}}}(?=[{_W}])"
    f"|(?<=[{_W}][{_NOISE}])[{_NOISE}]{{0,{LONG_RUN - 1}}}(?=[{_CJK}])"
    f"|(?<=[a-z][{_SYMBOL_NOISE}])[{_SYMBOL_NOISE}]{{0,2}}(?=[a-z])"
    f"|(?<=(?<![a-z0-9])[a-z][{_LATIN_SEP}])[{_LATIN_SEP}]{{0,2}}(?=[a-z0-9](?![a-z0-9]))"
    f"|(?<=(?<![a-z0-9])[0-9][{_LATIN_SEP}])[{_LATIN_SEP}]{{0,2}}(?=[a-z](?![a-z0-9]))"
    f"|(?<=(?<![a-z0-9.,])[0-9][{_DIGIT_SEP}])[{_DIGIT_SEP}]{{0,2}}(?=[0-9](?![a-z0-9.,]))"
    f"|(?<=[0-9][{_LATIN_SEP}])[{_LATIN_SEP}]{{0,2}}(?=:[{_LATIN_SEP}]{{0,3}}[0-9])"
    f"|(?<=[0-9{_LATIN_SEP}]:[{_LATIN_SEP}])[{_LATIN_SEP}]{{0,2}}(?=[0-9])"
    ")"
)


_GAP_SPLIT_RE = re.compile(f"({_GAP_RE.pattern})")


def _noise_runs(t: str) -> list[tuple[int, int]]:
    """The noise gaps of ``t`` (one C-level pass)."""
    return [m.span() for m in _GAP_RE.finditer(t)]


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def _deletions(t: str) -> list[tuple[int, int]]:
    """Spans to delete, sorted and non-overlapping.

    First what is deleted wherever it stands: placeholders, pinyin glosses after a hanzi, HTML
    tags and comments, space-like HTML entities (each searched only when its first character
    occurs). Then the noise gaps, found on the text without those, so that 高</b>、<b>仿 and
    高👨‍👩‍👧仿 (placeholders inside the run) close up like 高、仿."""
    extra: list[tuple[int, int]] = []
    if "\x00" in t:
        extra += [m.span() for m in _PLACEHOLDER_RE.finditer(t)]
    if "(" in t:
        extra += [m.span() for m in _PINYIN_RE.finditer(t)]
    if "<" in t or "&" in t:
        extra += [m.span() for m in _MARKUP_RE.finditer(t)]
    if not extra:
        return _noise_runs(t)
    extra = _merge(extra)
    kept = []
    last = 0
    for s, e in extra:
        kept.append(t[last:s])
        last = e
    kept.append(t[last:])
    reduced = "".join(kept)
    del_at, del_cum = _deletion_lists(extra)

    def back(i: int) -> int:  # index in ``reduced`` → index in ``t``
        k = bisect_right(del_at, i)
        return i + (del_cum[k - 1] if k else 0)

    gaps = [(back(s), back(e - 1) + 1) for s, e in _noise_runs(reduced)]
    return _merge(extra + gaps) if gaps else extra


def is_cjk(ch: str) -> bool:
    return bool(ch) and ("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf")


class OffsetMap:
    """Maps offsets in the normalised text back to the original text.

    ``conv`` is None when the conversion kept the length (identity), else the original index of
    each converted character. ``del_at``/``del_cum``: for the k-th deletion, the normalised
    index at which it happened and the total number of characters deleted up to and including it.
    """

    __slots__ = ("conv", "del_at", "del_cum", "orig_len")

    def __init__(self, conv, del_at, del_cum, orig_len):
        self.conv: tuple[int, ...] | None = conv
        self.del_at: tuple[int, ...] | list[int] = del_at
        self.del_cum: tuple[int, ...] | list[int] = del_cum
        self.orig_len: int = orig_len

    def _conv_index(self, i: int) -> int:
        k = bisect_right(self.del_at, i)
        return i + (self.del_cum[k - 1] if k else 0)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised span [start, end) to the smallest original span that covers it."""
        if self.conv is None and end > start:  # the common case, inline
            del_at, del_cum = self.del_at, self.del_cum
            k = bisect_right(del_at, start)
            if k:
                start += del_cum[k - 1]
            end -= 1
            k = bisect_right(del_at, end)
            if k:
                end += del_cum[k - 1]
            return start, end + 1
        if end <= start:
            s = self._conv_index(start)
            return (self._orig(s), self._orig(s))
        s = self._conv_index(start)
        e = self._conv_index(end - 1)
        if self.conv is None:
            return s, e + 1
        return self.conv[s], self._orig_end(e)

    def to_normalized(self, positions: list[int]) -> list[int]:
        """The normalised index of each original position (ascending; a position inside
        deleted noise maps to where the deletion happened), e.g. sentence bounds."""
        conv, del_at, del_cum = self.conv, self.del_at, self.del_cum
        # where each deletion starts and ends in the converted text
        starts = [a + (del_cum[k - 1] if k else 0) for k, a in enumerate(del_at)]
        out = []
        for p in positions:
            if conv is not None:
                p = bisect_left(conv, p)
            k = bisect_right(starts, p) - 1
            if k < 0:
                out.append(p)
            elif p < starts[k] + del_cum[k] - (del_cum[k - 1] if k else 0):
                out.append(del_at[k])
            else:
                out.append(p - del_cum[k])
        return out

    def _orig(self, i: int) -> int:
        if self.conv is None:
            return i
        return self.conv[i] if i < len(self.conv) else self.orig_len

    def _orig_end(self, i: int) -> int:
        # original end of converted char i: start of the next original char
        assert self.conv is not None
        j = i + 1
        while j < len(self.conv) and self.conv[j] == self.conv[i]:
            j += 1
        return self.conv[j] if j < len(self.conv) else self.orig_len


def has_markup(t: str) -> bool:
    """Does ``t`` (normalised case) hold an HTML tag or a space-like entity?"""
    return ("<" in t or "&" in t) and _has_markup(t) is not None


def _only_gaps(converted: str) -> bool:
    """True when the only deletions in ``converted`` are noise gaps (no placeholder, no pinyin
    gloss, no markup)."""
    return (
        "\x00" not in converted
        and ("(" not in converted or not _PINYIN_RE.search(converted))
        and not has_markup(converted)
    )


def _denoise_lazy(text: str, converted: str) -> tuple[str, OffsetMap | list[str] | None]:
    """``_denoise`` for a same-length ``converted`` text, except that when only noise gaps are
    deleted the second item is the list of kept pieces and gaps (``_GAP_SPLIT_RE.split``)
    instead of the offset map: the scanner builds the map (``gap_offsets``) only for a text
    with hits."""
    if _only_gaps(converted):
        parts = _GAP_SPLIT_RE.split(converted)
        if len(parts) == 1:
            return converted, None
        return "".join(parts[::2]), parts
    return _denoise(text, converted, None)


def gap_lists(parts: list[str]) -> tuple[list[int], list[int]]:
    """OffsetMap's ``del_at``/``del_cum`` for kept pieces and deleted gaps alternating in
    ``parts``: the running lengths of the kept pieces before each gap, and of the gaps (two C
    passes)."""
    return list(accumulate(map(len, parts[:-1:2]))), list(accumulate(map(len, parts[1::2])))


def gap_offsets(parts: list[str], orig_len: int) -> OffsetMap:
    """The offset map for kept pieces and deleted gaps alternating in ``parts``."""
    del_at, del_cum = gap_lists(parts)
    return OffsetMap(None, del_at, del_cum, orig_len)


def _denoise(text: str, converted: str, conv) -> tuple[str, OffsetMap | None]:
    """Delete the noise of ``converted`` (the zhconv output for ``text``, ``conv`` its index map
    or None when it kept the length)."""
    if conv is None and _only_gaps(converted):
        # only noise gaps: one C pass
        parts = _GAP_SPLIT_RE.split(converted)
        if len(parts) == 1:
            return converted, None
        return "".join(parts[::2]), gap_offsets(parts, len(text))
    spans = _deletions(converted)
    if not spans:
        return converted, (None if conv is None else OffsetMap(conv, (), (), len(text)))
    parts: list[str] = []
    last = 0
    for s, e in spans:
        parts.append(converted[last:s])
        last = e
    parts.append(converted[last:])
    del_at, del_cum = _deletion_lists(spans)
    return "".join(parts), OffsetMap(conv, del_at, del_cum, len(text))


def _deletion_lists(spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """For each deletion, the normalised index where it happened and the characters deleted up
    to and including it (see OffsetMap)."""
    del_at: list[int] = []
    del_cum: list[int] = []
    removed = 0
    for s, e in spans:
        del_at.append(s - removed)
        removed += e - s
        del_cum.append(removed)
    return del_at, del_cum


class Normalized:
    """The normalised text and the way back to the original offsets."""

    __slots__ = ("offsets", "text")

    def __init__(self, text: str, offsets: OffsetMap):
        self.text = text
        self.offsets = offsets


@lru_cache(maxsize=4)
def _converter(pairs: tuple[tuple[str, str], ...]):
    """zhconv converter with these custom pairs (~4 MB each), shared by the normalisers that use
    the same pairs (scanners of successive lexicon versions, usually): it is thread-safe."""
    return zhconv_rs.make_converter("zh-cn", list(pairs))


class Normalizer:
    """Immutable, thread-safe normaliser; build once per lexicon."""

    def __init__(self, glyph_pairs: Iterable[tuple[str, str]] = ()):
        pairs = dict(_BASE_PAIRS)
        for src, dst in glyph_pairs:
            if len(src) != 1 or len(dst) != 1:
                raise ValueError(f"glyph variant must map one character to one: {src!r}→{dst!r}")
            pairs[src] = _BASE_PAIRS.get(dst, dst)
        self._pairs = pairs
        self._convert = _converter(tuple(sorted(pairs.items())))

    def normalize(self, text: str) -> Normalized:
        converted, offsets = self.prepare(text)
        if offsets is None:
            offsets = OffsetMap(None, (), (), len(text))
        return Normalized(converted, offsets)

    def prepare(self, text: str) -> tuple[str, OffsetMap | None]:
        """The normalised text and its offset map, or None instead of the map when every offset
        is unchanged (the common case: no object is built then)."""
        try:
            converted = self._convert(text) if text else text
        except UnicodeEncodeError:  # lone surrogates: treat them as invisible noise
            converted = self._convert(_SURROGATE_RE.sub(PLACEHOLDER, text))
        return self.finish(text, converted)

    def finish(self, text: str, converted: str) -> tuple[str, OffsetMap | None]:
        """``prepare`` after the zhconv pass (``converted`` is its output for ``text``)."""
        if len(converted) != len(text):
            converted, conv = self._convert_per_char(text)
            if not _NOISE_CHAR_RE.search(converted):
                return converted, OffsetMap(conv, (), (), len(text))
            return _denoise(text, converted, conv)
        if not _NOISE_CHAR_RE.search(converted):
            return converted, None
        return _denoise(text, converted, None)

    def _convert_per_char(self, text: str) -> tuple[str, tuple[int, ...]]:
        out: list[str] = []
        idx: list[int] = []
        for i, ch in enumerate(text):
            c = self._convert(ch)
            out.append(c)
            idx.extend([i] * len(c))
        return "".join(out), tuple(idx)

    def normalize_term(self, term: str) -> str:
        """Normalise a lexicon term the same way as text (spaces inside Latin terms kept)."""
        return self.normalize(term).text
