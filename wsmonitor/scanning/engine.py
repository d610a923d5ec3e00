"""The scanner: normalise → candidate match → context check → classify → explain."""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from re import _parser as sre_parse  # type: ignore[attr-defined]

import ahocorasick_rs

from .lexicon import Lexicon, LexiconError, Rule
from .normalize import Normalizer
from .segment import WordChecker
from .urls import extract_host, host_is_official, registrable_domain

CONTEXT_CHARS = 15
NEGATORS = frozenset("不没無无非未勿别禁莫")
NEGATION_WINDOW = 6
PRICE_WINDOW = 30
BATCH_POSTS = 256
BATCH_CHARS = 1 << 18
SEPARATOR = "\uffff"  # a non-character: neither word nor noise, so nothing matches across it
_SEPARATOR_RE = re.compile(SEPARATOR)
_PRICE_RE = re.compile(
    r"(?:[¥￥]|rmb|人民币)\s*(\d+(?:\.\d+)?)(万)?"
    r"|(\d+(?:\.\d+)?)(万)?\s*(?:元|块|rmb|米(?![a-z\u4e00-\u9fff]))"
)


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule matched in one text. ``start``/``end`` index the original text."""

    category: str
    rule: str
    term: str
    matched: str
    start: int
    end: int
    severity: int
    context: str
    legal_basis: str

    def to_dict(self) -> dict:
        return {
            "category": self.category,
            "rule": self.rule,
            "term": self.term,
            "matched": self.matched,
            "start": self.start,
            "end": self.end,
            "severity": self.severity,
            "context": self.context,
            "legal_basis": self.legal_basis,
        }


@dataclass(frozen=True, slots=True)
class ScanResult:
    """Findings of one text. ``suppressed`` holds findings in a text that reports or explains
    the practice (see context rules of kind ``report``); they do not count in categories or
    score. ``report_cues`` lists the cue words that caused the suppression."""

    categories: tuple[str, ...] = ()
    score: float = 0.0
    findings: tuple[Finding, ...] = ()
    suppressed: tuple[Finding, ...] = ()
    report_cues: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict:
        out = {
            "categories": list(self.categories),
            "score": self.score,
            "findings": [f.to_dict() for f in self.findings],
        }
        if self.suppressed:
            out["suppressed"] = [f.to_dict() for f in self.suppressed]
            out["report_cues"] = list(self.report_cues)
        return out


EMPTY_RESULT = ScanResult()


def score_of(findings: Iterable[Finding]) -> float:
    """Saturating combination: 1 − ∏(1 − severity/10) over distinct (rule, term) pairs.

    One severity-5 finding scores 0.5, two score 0.75; repeats of the same term do not add up;
    the score stays below 1.
    """
    seen: dict[tuple[str, str], int] = {}
    for f in findings:
        key = (f.rule, f.term)
        seen[key] = max(seen.get(key, 0), f.severity)
    keep = 1.0
    for sev in seen.values():
        keep *= 1.0 - sev / 10.0
    return round(1.0 - keep, 4)


_ANCHOR_COMMENT = re.compile(r"\(\?#anchor=([^)]*)\)")


def _anchors_of(pattern: str) -> tuple[str, ...]:
    """Literals the automaton looks for before a pattern is tried.

    Either given in the pattern as a comment ``(?#anchor=瘦|掉)``, or the longest run of literal
    characters at the top level of the expression (at least two characters).
    """
    m = _ANCHOR_COMMENT.search(pattern)
    if m:
        return tuple(a for a in m.group(1).split("|") if a)
    try:
        parsed = sre_parse.parse(pattern)
    except re.error as exc:  # pragma: no cover - validated in Rule
        raise LexiconError(f"bad pattern {pattern!r}: {exc}") from exc
    best = ""
    run: list[str] = []
    for op, av in [*list(parsed), (None, None)]:
        if op is sre_parse.LITERAL:
            run.append(chr(av))
            continue
        if len("".join(run)) > len(best):
            best = "".join(run)
        run = []
    if len(best) < 2:
        raise LexiconError(f"pattern {pattern!r} needs a literal run of 2+ characters")
    return (best,)


def _is_alnum_ascii(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


@dataclass(frozen=True, slots=True)
class _Deny:
    rule: int  # index into Scanner._rules
    term: str  # canonical term reported
    latin_start: bool
    latin_end: bool


@dataclass(frozen=True, slots=True)
class _Action:
    allow: bool = False
    excepts: frozenset[int] = frozenset()
    denies: tuple[_Deny, ...] = ()
    anchors: tuple[int, ...] = ()  # pattern / host rules
    brands: tuple[int, ...] = ()
    cue: str | None = None


@dataclass(frozen=True, slots=True)
class _Context:
    kind: str
    window: int
    words: tuple[str, ...]


class Scanner:
    """Compiled lexicon. Immutable after ``__init__``; ``scan`` is thread-safe."""

    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon
        self.fingerprint = lexicon.fingerprint
        glyphs = [(v.variant, v.canonical) for v in lexicon.variants if v.kind == "glyph"]
        self._norm = Normalizer(glyphs)
        nt = self._norm.normalize_term
        rules = tuple(r for r in lexicon.rules if r.enabled)
        self._rules: tuple[Rule, ...] = rules
        self._patterns: dict[int, re.Pattern[str]] = {}
        self._brand_rule: int | None = None
        self._brands = lexicon.brands

        actions: dict[str, dict] = {}

        def slot(key: str) -> dict:
            if not key:
                raise LexiconError("a term normalises to the empty string")
            return actions.setdefault(
                key,
                {
                    "allow": False,
                    "excepts": set(),
                    "denies": [],
                    "anchors": [],
                    "brands": [],
                    "cue": None,
                },
            )

        by_term: dict[str, list[int]] = {}
        for i, r in enumerate(rules):
            if r.mode == "pattern":
                self._patterns[i] = re.compile(r.term)
                for anchor in _anchors_of(r.term):
                    slot(nt(anchor))["anchors"].append(i)
            elif r.mode == "host":
                slot(nt(r.term))["anchors"].append(i)
            elif r.mode == "brand":
                self._brand_rule = i
            else:
                key = nt(r.term)
                slot(key)["denies"].append(
                    _Deny(i, r.term, _is_alnum_ascii(key[0]), _is_alnum_ascii(key[-1]))
                )
                by_term.setdefault(r.term, []).append(i)
            for ex in r.exceptions:
                slot(nt(ex))["excepts"].add(i)
        for v in lexicon.variants:
            if v.kind == "glyph":
                continue
            key = nt(v.variant)
            for i in by_term.get(v.canonical, ()):
                slot(key)["denies"].append(
                    _Deny(i, v.canonical, _is_alnum_ascii(key[0]), _is_alnum_ascii(key[-1]))
                )
        for a in lexicon.allow:
            slot(nt(a.phrase))["allow"] = True
        if self._brand_rule is not None:
            for bi, b in enumerate(lexicon.brands):
                for name in (b.brand, *b.aliases):
                    slot(nt(name))["brands"].append(bi)

        self._contexts: dict[tuple[str, str], list[_Context]] = {}
        for c in lexicon.contexts:
            if c.kind == "report":
                for w in c.words:
                    slot(nt(w))["cue"] = w
                continue
            ctx = _Context(c.kind, c.window, tuple(nt(w) for w in c.words))
            self._contexts.setdefault((c.term, c.rule_id), []).append(ctx)

        keys = list(actions)
        self._keys = keys
        self._actions: tuple[_Action, ...] = tuple(
            _Action(
                allow=a["allow"],
                excepts=frozenset(a["excepts"]),
                denies=tuple(a["denies"]),
                anchors=tuple(a["anchors"]),
                brands=tuple(a["brands"]),
                cue=a["cue"],
            )
            for a in (actions[k] for k in keys)
        )
        self._ac = ahocorasick_rs.AhoCorasick(keys) if keys else None
        self._official = frozenset(h.domain.lower() for h in lexicon.hosts if h.kind == "official")
        self._lures = tuple(h.brand for h in lexicon.hosts)
        words = [nt(r.term) for r in rules if r.mode in ("word", "claim")]
        # only deny terms: exceptions and allow-phrases are handled by span containment, and as
        # jieba words they would swallow the terms they contain (顶级的复刻 → 复刻 not a word).
        self._words = WordChecker(w for w in words if not w.isascii())

    # -- construction helpers -------------------------------------------------------------
    @classmethod
    def from_lexicon(cls, path: str | Path | None = None) -> Scanner:
        return cls(Lexicon.load(path))

    # -- scanning ---------------------------------------------------------------------------
    def scan(self, text: str) -> ScanResult:
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        if not text or self._ac is None:
            return EMPTY_RESULT
        norm = self._norm.normalize(text)
        t = norm.text
        matches = self._ac.find_matches_as_indexes(t, overlapping=True)
        if not matches:
            return EMPTY_RESULT
        return self._resolve(text, t, norm.offsets.to_original, matches)

    def scan_many(self, texts: Iterable[str]) -> list[ScanResult]:
        """Scan many texts; same results as ``[scan(t) for t in texts]``, but normalisation and
        the automaton run once per batch of texts instead of once per text."""
        texts = list(texts)
        for x in texts:
            if not isinstance(x, str):
                raise TypeError(f"text must be str, not {type(x).__name__}")
        out: list[ScanResult] = []
        i = 0
        while i < len(texts):
            j = i
            size = 0
            while j < len(texts) and j - i < BATCH_POSTS and size < BATCH_CHARS:
                size += len(texts[j]) + 1
                j += 1
            out.extend(self._scan_batch(texts[i:j]))
            i = j
        return out

    def _scan_batch(self, chunk: list[str]) -> list[ScanResult]:
        if self._ac is None:
            return [EMPTY_RESULT] * len(chunk)
        if len(chunk) == 1 or any(SEPARATOR in x for x in chunk):
            return [self.scan(x) for x in chunk]
        norm = self._norm.normalize(SEPARATOR.join(chunk))
        bt = norm.text
        seps = [m.start() for m in _SEPARATOR_RE.finditer(bt)]
        if len(seps) != len(chunk) - 1:  # pragma: no cover - defensive
            return [self.scan(x) for x in chunk]
        starts = [0, *(p + 1 for p in seps)]
        ends = [*seps, len(bt)]
        buckets: list[list[tuple[int, int, int]]] = [[] for _ in chunk]
        for pid, s, e in self._ac.find_matches_as_indexes(bt, overlapping=True):
            k = bisect_right(seps, s)
            base = starts[k]
            buckets[k].append((pid, s - base, e - base))
        results: list[ScanResult] = []
        ostart = 0
        big_to_orig = norm.offsets.to_original
        for k, x in enumerate(chunk):
            if buckets[k]:
                base_n, base_o = starts[k], ostart

                def to_orig(s, e, base_n=base_n, base_o=base_o):
                    a, b = big_to_orig(s + base_n, e + base_n)
                    return a - base_o, b - base_o

                results.append(self._resolve(x, bt[starts[k] : ends[k]], to_orig, buckets[k]))
            else:
                results.append(EMPTY_RESULT)
            ostart += len(x) + 1
        return results

    def _resolve(self, text: str, t: str, to_orig, matches) -> ScanResult:
        actions = self._actions
        allow: list[tuple[int, int]] = []
        excepts: list[tuple[int, int, frozenset[int]]] = []
        cands: list[tuple[int, int, _Deny]] = []
        anchors: list[tuple[int, int, int]] = []
        brands: list[tuple[int, int, int]] = []
        cues: list[str] = []
        for pid, s, e in matches:
            a = actions[pid]
            if a.denies:
                for d in a.denies:
                    cands.append((s, e, d))
            if a.allow:
                allow.append((s, e))
            if a.excepts:
                excepts.append((s, e, a.excepts))
            if a.anchors:
                for r in a.anchors:
                    anchors.append((s, e, r))
            if a.brands:
                for b in a.brands:
                    brands.append((s, e, b))
            if a.cue is not None:
                cues.append(a.cue)

        hits: list[tuple[int, int, int, str]] = []  # (s, e, rule index, term)
        rules = self._rules
        n = len(t)
        in_allow = _SpanIndex(allow) if allow else None
        exc_by_rule: dict[int, list[tuple[int, int]]] = {}
        for a0, a1, rs in excepts:
            for r in rs:
                exc_by_rule.setdefault(r, []).append((a0, a1))
        exc_index: dict[int, _SpanIndex] = {}
        for s, e, d in cands:
            if in_allow is not None and in_allow.covers(s, e):
                continue
            if d.rule in exc_by_rule:
                idx = exc_index.get(d.rule)
                if idx is None:
                    idx = exc_index[d.rule] = _SpanIndex(exc_by_rule[d.rule])
                if idx.covers(s, e):
                    continue
            if d.latin_start and s > 0 and _is_alnum_ascii(t[s - 1]):
                continue
            if d.latin_end and e < n and _is_alnum_ascii(t[e]):
                continue
            rule = rules[d.rule]
            mode = rule.mode
            if mode != "substring":
                if mode == "claim" and any(
                    c in NEGATORS for c in t[max(0, s - NEGATION_WINDOW) : s]
                ):
                    continue
                if not (d.latin_start and d.latin_end) and not self._words.is_word(t, s, e):
                    continue
            if self._contexts and not self._context_ok(t, s, e, rule):
                continue
            hits.append((s, e, d.rule, d.term))

        for s, e, ri in anchors:
            rule = rules[ri]
            if rule.mode == "host":
                hits.extend(self._host_hits(text, to_orig, s, e, ri))
                continue
            pat = self._patterns[ri]
            lo = max(0, s - 40)
            for m in pat.finditer(t, lo, min(n, e + 40)):
                ms, me = m.span()
                if ms < e and me > s and me > ms:
                    if rule.category == "false_ad" and any(
                        c in NEGATORS for c in t[max(0, ms - NEGATION_WINDOW) : ms]
                    ):
                        continue
                    if in_allow is not None and in_allow.covers(ms, me):
                        continue
                    if self._contexts and not self._context_ok(t, ms, me, rule):
                        continue
                    hits.append((ms, me, ri, rule.term))
        if brands:
            hits.extend(self._brand_hits(t, brands))
        if not hits:
            return EMPTY_RESULT

        findings = self._explain(text, to_orig, hits)
        if cues:
            return ScanResult((), 0.0, (), findings, tuple(dict.fromkeys(cues)))
        cats = tuple(sorted({f.category for f in findings}))
        return ScanResult(cats, score_of(findings), findings)

    # -- helpers ----------------------------------------------------------------------------
    def _context_ok(self, t: str, s: int, e: int, rule: Rule) -> bool:
        ctxs = self._contexts.get((rule.term, rule.rule_id)) or self._contexts.get(
            ("*", rule.rule_id)
        )
        if not ctxs:
            return True
        for c in ctxs:
            window = t[max(0, s - c.window) : e + c.window]
            present = any(w in window for w in c.words)
            if c.kind == "require" and not present:
                return False
            if c.kind == "unless" and present:
                return False
        return True

    def _brand_hits(self, t: str, brands: list[tuple[int, int, int]]):
        ri = self._brand_rule
        assert ri is not None
        seen: set[tuple[int, int]] = set()
        for s, e, bi in brands:
            if (_is_alnum_ascii(t[s]) and s > 0 and _is_alnum_ascii(t[s - 1])) or (
                _is_alnum_ascii(t[e - 1]) and e < len(t) and _is_alnum_ascii(t[e])
            ):
                continue
            floor = self._brands[bi].price_floor
            lo = max(0, s - PRICE_WINDOW)
            for m in _PRICE_RE.finditer(t, lo, min(len(t), e + PRICE_WINDOW)):
                num, wan = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
                price = float(num) * (10000 if wan else 1)
                if 0 < price < floor:
                    ps, pe = m.span()
                    span = (min(s, ps), max(e, pe))
                    if span not in seen:
                        seen.add(span)
                        yield (span[0], span[1], ri, self._brands[bi].brand)

    def _host_hits(self, text: str, to_orig, s: int, e: int, ri: int):
        os_, oe = to_orig(s, e)
        found = extract_host(text, os_, oe)
        if found is None:
            return
        hs, he, host = found
        if host_is_official(host, self._official):
            return
        dom = registrable_domain(host)
        label = self._rules[ri].term
        yield (-hs - 1, -he - 1, ri, f"{label}@{dom}")  # negative: already original offsets

    def _explain(self, text: str, to_orig, hits) -> tuple[Finding, ...]:
        rules = self._rules
        mapped = []
        for s, e, ri, term in hits:
            os_, oe = (-s - 1, -e - 1) if s < 0 else to_orig(s, e)  # host hits: original offsets
            mapped.append((os_, -oe, ri, term))
        # within one category, drop a hit contained in an earlier, longer (or equal) one
        mapped.sort()
        out: list[Finding] = []
        max_end: dict[str, int] = {}
        n = len(text)
        for os_, neg_oe, ri, term in mapped:
            oe = -neg_oe
            rule = rules[ri]
            cat = rule.category
            if oe <= max_end.get(cat, -1):
                continue
            max_end[cat] = oe
            lo = max(0, os_ - CONTEXT_CHARS)
            hi = min(n, oe + CONTEXT_CHARS)
            ctx = text[lo:hi].replace("\n", " ")
            out.append(
                Finding(
                    category=cat,
                    rule=rule.rule_id,
                    term=term,
                    matched=text[os_:oe],
                    start=os_,
                    end=oe,
                    severity=rule.severity,
                    context=("…" if lo else "") + ctx + ("…" if hi < n else ""),
                    legal_basis=rule.legal_basis,
                )
            )
        out.sort(key=lambda f: (f.start, f.end, f.rule))
        return tuple(out)


class _SpanIndex:
    """Answers "is [s, e) inside one of these spans?" in O(log n)."""

    __slots__ = ("_ends", "_starts")

    def __init__(self, spans: list[tuple[int, int]]):
        spans = sorted(spans)
        self._starts = [a for a, _ in spans]
        ends = []
        best = -1
        for _, b in spans:
            best = max(best, b)
            ends.append(best)
        self._ends = ends

    def covers(self, s: int, e: int) -> bool:
        k = bisect_right(self._starts, s)
        return k > 0 and self._ends[k - 1] >= e


_DEFAULT: Scanner | None = None
_DEFAULT_LOCK = threading.Lock()


def default_scanner() -> Scanner:
    """A cached scanner over the shipped lexicon (built on first use)."""
    global _DEFAULT
    if _DEFAULT is None:
        with _DEFAULT_LOCK:
            if _DEFAULT is None:
                _DEFAULT = Scanner(Lexicon.load())
    return _DEFAULT
