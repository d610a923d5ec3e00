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
* ``initials``: the pinyin initials of terms of three hanzi or more: of three (gfb for 高仿包)
  unless they are a common English word or acronym (``chardata.latin_words``, from wordfreq),
  of four or more unless they are those of another common word in jieba's dictionary
  (``chardata.taken_initials``); never as part of a code (JFB-12, ``in_code``);
* ``numeral``: numbers written with other numerals, and ``:``/``比`` swapped between numerals
  (1:1 → 一比一, 壹比壹, 1比一), from Unicode's numeric values (``unicodedata.numeric``).

Homophone, look-alike and split spellings must also lie on word boundaries and must not
themselves be a word of jieba's dictionary (复课 is not 复刻); the engine checks that on each hit
(``segment.WordChecker.is_spelling``). Severity 1–2 terms are weak signals and get no
generated spellings; neither do single characters (最) or patterns.

Pattern rules and their slot families are reached the other way round. The words they spell
out (``pattern_words``: 治疗, 预防, 高血压) get the same homophone, look-alike and split
spellings (``respellings``, in their own automaton: ``Respelt``); the engine reads such a
spelling back as the word (之疗高血压 → 治疗高血压, on word boundaries and when the spelling is
no dictionary word) and scans that text besides the text itself. Pinyin of pattern words and
of single characters (``Romanised``): a run of Latin letters that splits into pinyin syllables
is read back as the lexicon's hanzi (zhiliaotangniaobing → 治疗糖尿病, 3tianjianxiao → 3天见效),
and a run of initials as the lexicon's words whose initials it is (zlgxy → 治疗高血压), and the
scanner scans that read-back text besides the text itself.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from itertools import islice, product

import daachorse

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
# initials of three hanzi (gfb for 高仿包) are used unless they are a common English word or
# acronym (``chardata.latin_words``: the, can, cnn); from four on, unless another common Chinese
# word has them (``chardata.taken_initials``)
MIN_INITIALS = 3
LONG_INITIALS = 4
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
            if len(initials) < LONG_INITIALS:
                # three letters: refused only when they are a common English word or acronym
                taken = initials in data.latin_words
            else:
                taken = any(w != t for w in data.taken_initials.get(initials, ()))
            if not taken:
                out.append((initials, "initials"))
    return out


def _alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def bounds(spelling: str, kind: str) -> tuple[bool, bool]:
    """Must a hit of ``spelling`` have a non-alphanumeric neighbour at its start / end?

    As for any Latin term (gf is not in gfw), except that a run-together pinyin spelling of at
    least LONG_PINYIN letters may touch more pinyin (gaofangbiao holds gaofang); initials are
    ``CODE`` at both ends: not part of a code either (``in_code``)."""
    start, end = _alnum(spelling[0]), _alnum(spelling[-1])
    if kind == "pinyin" and len(spelling) >= LONG_PINYIN and spelling.isascii():
        return False, False
    if kind == "initials":
        # nor be joined to a letter or digit by - _ / . (JFB-12 is a model number: in_code)
        return CODE, CODE
    return start, end


CODE = 2
_JOINERS = frozenset("-_/.")


def in_code(t: str, s: int, e: int) -> bool:
    """Is ``t[s:e]`` part of a code such as a model number (jfb-12, a/gfb), joined to a letter
    or digit by - _ / or .?"""
    return (s > 1 and t[s - 1] in _JOINERS and _alnum(t[s - 2])) or (
        e + 1 < len(t) and t[e] in _JOINERS and _alnum(t[e + 1])
    )


def generate(
    rules: Iterable[tuple[int, str, int, str]],
    normalize: Callable[[str], str],
    reserved: frozenset[str] = frozenset(),
) -> Iterator[tuple[int, str, str, bool, bool]]:
    """(rule index, spelling, kind, Latin start, Latin end) for ``rules`` given as (index, term,
    severity, mode), one at a time (a dense lexicon has tens of thousands); the last two as
    ``bounds``.

    ``normalize`` is the scanner's term normaliser; a spelling equal to a term, exception or
    allow-phrase of the lexicon (``reserved``, normalised) is left out."""
    for i, term, severity, mode in rules:
        if severity < MIN_SEVERITY or mode not in MODES:
            continue
        t = normalize(term)
        seen: set[str] = set()  # a rule's spellings are distinct
        for spelling, kind in spellings(t):
            if spelling == t or spelling in reserved or spelling in seen:
                continue
            seen.add(spelling)
            if spelling[0] < "\x80" or spelling[-1] < "\x80":
                yield (i, spelling, kind, *bounds(spelling, kind))
            else:  # begins and ends with a hanzi: no Latin boundary to check
                yield (i, spelling, kind, False, False)


# --- romanised runs read back as hanzi --------------------------------------------------------

# a lexicon word read back from pinyin: at most this many hanzi, and spellings per word (the
# combinations of its characters' readings: 长高 is changgao and zhanggao)
VOCAB_MAX_CHARS = 8
VOCAB_MAX_READINGS = 8
# longer Latin runs are not read (a URL's path, a hash)
MAX_RUN_LETTERS = 48
READ_CACHE = 65536
# runs of initials read back: at most this many letters, and candidate strings tried per run
MAX_INITIALS_RUN = 12
MAX_INITIALS_CANDIDATES = 32
MAX_INITIALS_PIECES = 3
# read-back initials of this many letters or fewer need a seller's cue in the text (engine)
SHORT_INITIALS = 4
_LATIN_RUN = re.compile("[a-z]+")
_NOT_INITIAL = re.compile("[iuv]").search
_HANZI_RUN = re.compile("[\u4e00-\u9fff]+")
# lookarounds and character classes of a pattern rule: their hanzi are not a word in a row
_CLASS_OR_LOOK = re.compile(r"\(\?<?[!=](?:\\.|[^)])*\)|\[(?:\\.|[^\]])*\]")


def vocabulary(rules, allow: Iterable[str], normalize: Callable[[str], str]):
    """(word, rank) of every all-hanzi word the lexicon spells out: allow-phrases and
    exceptions (rank 0: an ordinary reading wins a tie, zuijin is 最近), then deny terms and the
    literal hanzi runs of pattern rules, their slot words included (rank 1: 见效, 糖尿病, 天)."""
    out: list[tuple[str, int]] = [(normalize(a), 0) for a in allow]
    for r in rules:
        out.extend((normalize(ex), 0) for ex in r.exceptions)
        if r.mode == "pattern":
            src = _ANCHOR_COMMENT.sub("", r.term)
            for part in _CLASS_OR_LOOK.findall(src):
                if part.startswith("["):
                    out.extend((ch, 1) for run in _HANZI_RUN.findall(part) for ch in run)
            out.extend((w, 1) for w in _HANZI_RUN.findall(_CLASS_OR_LOOK.sub("|", src)))
        elif r.mode in MODES:
            out.append((normalize(r.term), 1))
    return [(w, k) for w, k in out if w and len(w) <= VOCAB_MAX_CHARS and _HANZI_RUN.fullmatch(w)]


_ANCHOR_COMMENT = re.compile(r"\(\?#[^)]*\)")


def pattern_words(rules, normalize: Callable[[str], str]) -> list[str]:
    """The words of two to MAX_TERM_CHARS hanzi that the pattern rules of severity MIN_SEVERITY
    or more spell out: their literal hanzi runs, the words of their slot families included
    (治疗, 高血压, 见效), in order of first use."""
    out: dict[str, None] = {}
    for r in rules:
        if r.mode != "pattern" or r.severity < MIN_SEVERITY:
            continue
        src = _CLASS_OR_LOOK.sub("|", _ANCHOR_COMMENT.sub("", r.term))
        for w in _HANZI_RUN.findall(src):
            w = normalize(w)
            if 2 <= len(w) <= MAX_TERM_CHARS and _HANZI_RUN.fullmatch(w):
                out.setdefault(w)
    return list(out)


def respellings(words: Iterable[str], reserved: frozenset[str] = frozenset()):
    """(spelling, word) of every homophone, look-alike and split spelling (``spellings``,
    ``CHECKED_KINDS``) of ``words``: the pattern rules' words, read back as the word before the
    rules read the text again (之疗高血压 → 治疗高血压, 米青品 → 精品). A spelling equal to one
    of ``words`` or to a ``reserved`` string (the lexicon's terms, exceptions, allow-phrases) is
    left out."""
    words = list(words)
    taken = reserved | frozenset(words)
    seen: set[str] = set()
    for w in words:
        for spelling, kind in spellings(w):
            if kind in CHECKED_KINDS and spelling not in taken and spelling not in seen:
                seen.add(spelling)
                yield spelling, w


class Respelt:
    """The homophone, look-alike and split spellings of the pattern rules' words
    (``respellings``) in an automaton of their own, built on first use (a scanner built only to
    be replaced, or one that never scans, never pays for it): ``find`` gives each occurrence in
    a normalised text as (start, end, word)."""

    def __init__(self, words: Iterable[str], reserved: frozenset[str] = frozenset()):
        self._vocab = tuple(words)
        self._reserved = reserved
        self._lock = threading.Lock()
        self._built = False
        self._find = None
        self._to: list[str] = []

    def __bool__(self) -> bool:
        return bool(self._vocab)

    def _build(self) -> None:
        with self._lock:
            if self._built:
                return
            keys = []
            for spelling, word in respellings(self._vocab, self._reserved):
                keys.append(spelling)
                self._to.append(word)
            if keys:
                self._find = daachorse.CharwiseDoubleArrayAhoCorasick(keys).find_overlapping
            self._reserved = frozenset()
            self._built = True

    def find(self, t: str) -> list[tuple[int, int, str]]:
        if not self._built:
            self._build()
        if self._find is None:
            return []
        found = self._find(t)
        if not found:  # nearly every text: no list built
            return found
        to = self._to
        return [(s, e, to[k]) for s, e, k in found]


def respelt_spans(spelling: str, word: str, s: int, e: int) -> list[tuple[int, int]]:
    """The span of ``t[s:e]`` (``spelling``) each character of ``word`` stands for: the same
    character where they agree, the differing middle (亻方 for 仿) for the rest."""
    n = len(word)
    p = 0
    while p < n and p < len(spelling) and word[p] == spelling[p]:
        p += 1
    q = 0
    while q < n - p and q < len(spelling) - p and word[-1 - q] == spelling[-1 - q]:
        q += 1
    out = [(s + j, s + j + 1) for j in range(p)]
    out.extend((s + p, e - q) for _ in range(n - p - q))
    out.extend((e - k, e - k + 1) for k in range(q, 0, -1))
    return out


class Romanised:
    """Pinyin written in Latin letters read back as hanzi, for the rules to see the claim behind
    it (zhiliaotangniaobing → 治疗糖尿病, 3tianjianxiao → 3天见效, zui低价 → 最低价).

    A maximal run of Latin letters of the normalised text is read when it splits wholly into
    pinyin syllables (``chardata`` syllable table, from pypinyin) and holds a word of the
    lexicon (``vocabulary``) of two syllables or more, or of one syllable when the run touches a
    hanzi or a digit. The split that covers most letters with lexicon words wins (then the one
    with fewer pieces); a syllable outside them is read as its commonest hanzi. The scanner
    scans the read-back text besides the text itself."""

    def __init__(self, words: Iterable[tuple[str, int]]):
        # the tables are built on the first read (``_build``): a scanner that never meets a
        # Latin run (or is built only to be replaced) never pays for them
        self._vocab = tuple(words)
        self._lock = threading.Lock()
        self._built = False

    def _build(self) -> None:
        with self._lock:
            if self._built:
                return
            self._build_tables()
            self._built = True

    def _build_tables(self) -> None:
        data = chardata.load()
        syll = self._syll = data.syllables
        self._max_syll = max(map(len, syll), default=0)
        self._latin = data.latin_words
        readings: dict[str, tuple[str, ...]] = {}  # hanzi → its readings in the syllable table
        # letters → the word read for them, and its order: the lexicon's rank, then the reading
        # combination's number (main readings first), as one small int (no object per entry)
        best: dict[str, str] = {}
        order: dict[str, int] = {}
        # initials (main readings) → the lexicon's words with them, best rank first
        ranked: dict[str, list[tuple[int, str]]] = {}
        for w, rank in self._vocab:
            choices = []
            for ch in w:
                rs = readings.get(ch)
                if rs is None:
                    rs = readings[ch] = tuple(r for r in data.pinyin.get(ch, ()) if r in syll)
                if not rs:
                    break
                choices.append(rs)
            else:
                for n, combo in enumerate(islice(product(*choices), VOCAB_MAX_READINGS)):
                    key = "".join(combo)
                    o = rank * VOCAB_MAX_READINGS + n
                    old = order.get(key)
                    if old is None or o < old:
                        best[key] = w
                        order[key] = o
                ranked.setdefault("".join(c[0][0] for c in choices), []).append((rank, w))
        self._readings = readings
        # letters → the word alone (one object an entry, shared by the word's spellings); the
        # letters each syllable takes are found again when a run is read (``_syllables``)
        self._words = best
        self._lengths = sorted({len(k) for k in self._words}, reverse=True)
        self._cache: dict[tuple[str, bool], tuple[tuple[str, int], ...] | None] = {}
        self._initials = {
            k: tuple(dict.fromkeys(w for _, w in sorted(v))) for k, v in ranked.items()
        }
        self._initial_lengths = sorted({len(k) for k in self._initials}, reverse=True)
        self._initials_cache: dict[str, tuple[str, ...]] = {}
        self._dead: set[str] = set()  # runs read in no context (English words, codes)

    def _syllables(self, key: str, w: str) -> tuple[int, ...]:
        """The letters of ``key`` each hanzi of ``w`` stands for: those of the first reading
        combination (main readings first) that spells ``key``, the one the table was built
        from."""
        choices = [self._readings[ch] for ch in w]
        for combo in islice(product(*choices), VOCAB_MAX_READINGS):
            if "".join(combo) == key:
                return tuple(map(len, combo))
        raise AssertionError((key, w))  # pragma: no cover - every key came from a combination

    def __bool__(self) -> bool:
        return bool(self._vocab)

    def read(self, run: str, touches: bool) -> tuple[tuple[str, int], ...] | None:
        """(hanzi, letters it stands for) for each syllable of ``run``, in order, or None when
        the run is not read (``touches``: a hanzi or digit stands next to it)."""
        if not self._built:
            self._build()
        key = (run, touches)
        if key in self._cache:
            return self._cache[key]
        out = self._read(run, touches)
        if len(self._cache) < READ_CACHE:
            self._cache[key] = out
        return out

    def _read(self, run: str, touches: bool) -> tuple[tuple[str, int], ...] | None:
        n = len(run)
        if n > MAX_RUN_LETTERS:
            return None
        words, syll = self._words, self._syll
        # best[i]: ((letters in words of 2+ hanzi, letters in 1-hanzi words, -pieces), pieces
        # as (hanzi, start, end) of ``run``)
        best: list[tuple[tuple[int, int, int], tuple] | None] = [None] * (n + 1)
        best[0] = ((0, 0, 0), ())
        for i in range(n):
            cur = best[i]
            if cur is None:
                continue
            (multi, single, neg), pieces = cur
            for ln in self._lengths:
                j = i + ln
                w = words.get(run[i:j]) if j <= n else None
                if w is None:
                    continue
                if len(w) > 1:
                    score = (multi + ln, single, neg - 1)
                else:
                    score = (multi, single + ln, neg - 1)
                nxt = best[j]
                if nxt is None or score > nxt[0]:
                    best[j] = (score, (*pieces, (w, i, j)))
            for ln in range(1, min(self._max_syll, n - i) + 1):
                ch = syll.get(run[i : i + ln])
                if ch is None:
                    continue
                j = i + ln
                score = (multi, single, neg - 1)
                nxt = best[j]
                if nxt is None or score > nxt[0]:
                    best[j] = (score, (*pieces, (ch, i, j)))
        end = best[n]
        if end is None:
            return None
        (multi, single, _), pieces = end
        if not multi and not (single and touches):
            return None
        out: list[tuple[str, int]] = []
        for w, i, j in pieces:
            if len(w) == 1:
                out.append((w, j - i))
            else:
                out.extend(zip(w, self._syllables(run[i:j], w), strict=True))
        return tuple(out)

    def initials(self, run: str) -> tuple[str, ...]:
        """The hanzi strings a run of pinyin initials may stand for (zlgxy: 治疗高血压 …), from
        the lexicon's words; none for a run that is pinyin, a common English word or acronym
        (``chardata.latin_words``), or shorter than MIN_INITIALS."""
        if not self._built:
            self._build()
        got = self._initials_cache.get(run)
        if got is None:
            got = self._initials_of(run)
            if len(self._initials_cache) < READ_CACHE:
                self._initials_cache[run] = got
        return got

    def _initials_of(self, run: str) -> tuple[str, ...]:
        n = len(run)
        # no syllable begins with i, u or v
        if not MIN_INITIALS <= n <= MAX_INITIALS_RUN or run in self._latin or _NOT_INITIAL(run):
            return ()
        keys = self._initials
        # best[i]: ((letters in words of 2+ hanzi, -pieces), pieces as candidate tuples)
        best: list[tuple[tuple[int, int], tuple] | None] = [None] * (n + 1)
        best[0] = ((0, 0), ())
        for i in range(n):
            cur = best[i]
            if cur is None:
                continue
            (multi, neg), pieces = cur
            for ln in self._initial_lengths:
                j = i + ln
                ws = keys.get(run[i:j]) if j <= n else None
                if ws is None:
                    continue
                score = (multi + ln if ln > 1 else multi, neg - 1)
                nxt = best[j]
                if nxt is None or score > nxt[0]:
                    best[j] = (score, (*pieces, ws))
        end = best[n]
        # words of two hanzi or more, with at most one 1-hanzi word (jxy: 降血压), in at most
        # MAX_INITIALS_PIECES words: a Latin token is not read as a string of single characters
        if end is None or n - end[0][0] > 1 or -end[0][1] > MAX_INITIALS_PIECES:
            return ()
        if self.read(run, True) is not None:  # pinyin, read as such
            return ()
        out = []
        for combo in product(*end[1]):
            out.append("".join(combo))
            if len(out) >= MAX_INITIALS_CANDIDATES:
                break
        return tuple(out)

    def restore(self, t: str, accept: Callable[[str], bool] | None = None):
        """(read-back text, start, end) or None: ``start[j]``/``end[j]`` the span of ``t`` that
        character ``j`` of the read-back text stands for. A run of initials (not next to a digit
        nor part of a code, ``in_code``) is read as the first of its candidate strings
        (``initials``) that ``accept`` takes (the scanner: one that the rules, reading it alone,
        find claims in that together cover all of it; a short one only in a text with a seller's
        cue)."""
        if not self._built:
            self._build()
        out: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        last = 0
        n = len(t)
        dead = self._dead
        for m in _LATIN_RUN.finditer(t):
            run = m.group()
            if run in dead:
                continue
            s, e = m.span()
            touches = (s > 0 and _touch(t[s - 1])) or (e < n and _touch(t[e]))
            pieces = self.read(run, touches)
            if (
                pieces is None
                and accept is not None
                and not (s > 0 and t[s - 1].isdigit())
                and not (e < n and t[e].isdigit())
                and not in_code(t, s, e)
            ):
                for cand in self.initials(run):
                    if accept(cand):
                        pieces = tuple((ch, 1) for ch in cand)
                        break
            if pieces is None:
                # read neither as pinyin (next to hanzi or not) nor as initials: never will be
                if (
                    len(dead) < READ_CACHE
                    and self.read(run, True) is None
                    and not self.initials(run)
                ):
                    dead.add(run)
                continue
            out.append(t[last:s])
            starts.extend(range(last, s))
            ends.extend(range(last + 1, s + 1))
            at = s
            for ch, k in pieces:
                out.append(ch)
                starts.append(at)
                at += k
                ends.append(at)
            last = e
        if not out:
            return None
        out.append(t[last:])
        starts.extend(range(last, n))
        ends.extend(range(last + 1, n + 1))
        return "".join(out), starts, ends


def _touch(ch: str) -> bool:
    return _is_han(ch) or (ch.isascii() and ch.isdigit())
