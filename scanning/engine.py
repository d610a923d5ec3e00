"""The scanner: normalise → candidate match → context check → classify → explain."""

from __future__ import annotations

import copy
import functools
import hashlib
import re
import threading
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from re import _parser as sre_parse  # type: ignore[attr-defined]

import daachorse

from . import evasion
from .claims import CATEGORY_RULES as _CATEGORY_RULES
from .claims import (
    brand_price_explanation,
    floor_for,
    legal_basis_for,
    not_the_goods,
    prices_near,
    product_category,
)
from .lexicon import Lexicon, LexiconError, Rule
from .model import SentenceModel, shared_model
from .normalize import (
    _GAP_SPLIT_RE,
    _PINYIN_RE,
    Normalizer,
    _denoise_lazy,
    gap_lists,
    gap_offsets,
    has_markup,
)
from .passages import LEGAL_BASIS as _MODEL_LAW
from .passages import MODEL_SEVERITY, PassageJudge
from .segment import WordChecker
from .stance import COUNTED, shared_judge
from .urls import URL_ANCHORS, HostJudge, extract_host

CONTEXT_CHARS = 15
NEGATORS = frozenset("不没無无非未勿别禁莫")
_NEGATION_RE = re.compile("[" + "".join(sorted(NEGATORS)) + "]")
NEGATION_WINDOW = 6
_has_pinyin = _PINYIN_RE.search
_split_gaps = _GAP_SPLIT_RE.split


@dataclass(frozen=True, init=False)
class Finding:
    """One rule matched in one text. ``start``/``end`` index the original text (Unicode code
    points).

    ``stance`` says how the sentence holding the finding uses the term (see ``stance.py``:
    ``offer`` and ``claim`` count; ``report``, ``law``, ``mention``, ``negated``, ``complaint``,
    ``warning``, ``code``, ``ordinary`` do not) and ``cue`` the word that decided it;
    ``explanation`` is a sentence for the reviewer where the rule has more to say than its term
    (a brand's reference price, the product category an article depends on).

    A finding built by the scanner computes ``matched`` and ``context`` from the original text on
    first access (most consumers compare spans and rules and never read them); afterwards they
    are plain attributes. Equality, hashing, ``repr``, ``dataclasses.asdict``/``replace`` and
    pickling see the same values as for a finding built with every field given.
    """

    # the fields, plus the original text of a scanner-built finding (not a field)
    __slots__ = (
        "_text",
        "category",
        "context",
        "cue",
        "end",
        "explanation",
        "legal_basis",
        "matched",
        "rule",
        "severity",
        "stance",
        "start",
        "term",
    )

    category: str
    rule: str
    term: str
    matched: str
    start: int
    end: int
    severity: int
    context: str
    legal_basis: str
    stance: str
    cue: str
    explanation: str

    def __init__(
        self,
        category: str,
        rule: str,
        term: str,
        matched: str,
        start: int,
        end: int,
        severity: int,
        context: str,
        legal_basis: str,
        stance: str = "claim",
        cue: str = "",
        explanation: str = "",
    ):
        for name, value in zip(
            _FINDING_FIELDS,
            (category, rule, term, matched, start, end, severity, context, legal_basis, stance,
             cue, explanation),
            strict=True,
        ):  # fmt: skip
            _set(self, name, value)

    def __getattr__(self, name: str):
        # only reached for an unset slot: the lazy fields of a scanner-built finding
        if name == "matched" or name == "context":
            try:
                text = _get_text(self)
            except AttributeError:
                text = None
            if text is not None:
                s, e = self.start, self.end
                value = text[s:e] if name == "matched" else _context_of(text, s, e)
                _set(self, name, value)
                return value
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __getstate__(self) -> tuple:
        # the field values (lazy ones computed), never the whole text
        return tuple(getattr(self, name) for name in _FINDING_FIELDS)

    def __setstate__(self, state: tuple) -> None:
        for name, value in zip(_FINDING_FIELDS, state, strict=True):
            _set(self, name, value)

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
            "stance": self.stance,
            "cue": self.cue,
            "explanation": self.explanation,
        }


def _context_of(text: str, s: int, e: int) -> str:
    """The snippet of ``text`` around [s, e): CONTEXT_CHARS either side, newlines as spaces."""
    n = len(text)
    lo = s - CONTEXT_CHARS if s > CONTEXT_CHARS else 0
    hi = e + CONTEXT_CHARS
    if hi < n:
        ctx = text[lo:hi].replace("\n", " ") + "…"
    else:
        ctx = text[lo:].replace("\n", " ")
    return "…" + ctx if lo else ctx


_FINDING_FIELDS = tuple(f.name for f in fields(Finding))
_set = object.__setattr__
_get_text = Finding._text.__get__  # type: ignore[attr-defined]


class _FindingDraft:
    """A Finding under construction: the same slots, but plain attribute stores (a frozen
    dataclass allows them only through a descriptor call each, ~50 ns apiece). ``_finding``
    fills one and turns it into a Finding by assigning ``__class__``, which CPython allows
    between classes of the same layout."""

    __slots__ = Finding.__slots__


# (get, set) of every slot of a Finding, the original text's included, without __getattr__
_SLOT_COPY = tuple(
    (Finding.__dict__[n].__get__, _FindingDraft.__dict__[n].__set__) for n in Finding.__slots__
)


@dataclass(frozen=True, slots=True)
class ScanResult:
    """Findings of one text. ``findings`` are those whose stance counts (``offer``, ``claim``);
    ``suppressed`` holds the others (a report, a quotation of the law, a denial, a complaint …:
    see ``stance.py``), which do not count in categories or score but stay visible to a reviewer
    with their ``stance`` and ``cue``. ``report_cues`` lists the cues that suppressed them."""

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


class _ResultDraft:
    """A ScanResult under construction (see _FindingDraft)."""

    __slots__ = ScanResult.__slots__


def _result(categories, score, findings, suppressed, report_cues) -> ScanResult:
    """ScanResult(...) without the dataclass __init__ (the scanner's hot path)."""
    r = _ResultDraft()
    r.categories = categories
    r.score = score
    r.findings = findings
    r.suppressed = suppressed
    r.report_cues = report_cues
    _set(r, "__class__", ScanResult)
    return r


def _restanced(f: Finding, stance: str, cue: str) -> Finding:
    """``dataclasses.replace(f, stance=stance, cue=cue)`` by plain slot stores (every field set,
    as replace gives; its machinery cost ~6 % of a dense-lexicon scan with the sentence model)."""
    d = _FindingDraft()
    for get, put in _SLOT_COPY:
        try:
            put(d, get(f))
        except AttributeError:  # a lazy field not read yet (matched, context): stays lazy
            pass
    d.stance = stance
    d.cue = cue
    _set(d, "__class__", Finding)
    return d


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


# a contrast after a denial takes the claim back up: 不是喝的也不是洗头，而是针对偏头痛
_CONTRAST = ("而是", "就是", "只是", "但是", "却")


def _negated_before(t: str, ms: int) -> bool:
    """Does a negation stand within NEGATION_WINDOW characters before ``ms`` with no contrast
    word (而是, 但是 …) between it and ``ms``?"""
    lo = ms - NEGATION_WINDOW if ms > NEGATION_WINDOW else 0
    m = _NEGATION_RE.search(t, lo, ms)
    if m is None:
        return False
    last = m.start()
    while (m := _NEGATION_RE.search(t, last + 1, ms)) is not None:
        last = m.start()
    gap = t[last + 1 : ms]
    return not any(c in gap for c in _CONTRAST)


def _is_alnum_ascii(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


# A hit's "template": what a finding of it reports besides its span, as one tuple
# (rule index, term, category, rule id, severity, legal basis).
_RI, _TERM, _CAT, _RID, _SEV, _LAW = range(6)
# score_of() of a single finding, by severity (the same arithmetic)
_SCORE1 = tuple(round(1.0 - (1.0 - sev / 10.0), 4) for sev in range(6))


@dataclass(frozen=True, slots=True)
class _Deny:
    rule: int  # index into Scanner._rules
    term: str  # canonical term reported
    latin_start: bool
    latin_end: bool
    tmpl: tuple
    # a generated homophone / look-alike / split spelling (evasion.CHECKED_KINDS): must lie on
    # word boundaries and not be a dictionary word itself
    spelling: bool = False


@dataclass(frozen=True, slots=True)
class _Action:
    other: bool = False  # anything besides denies
    allow: bool = False
    excepts: frozenset[int] = frozenset()
    denies: tuple[_Deny, ...] = ()
    anchors: tuple[int, ...] = ()  # pattern / host rules
    brands: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class _Context:
    kind: str
    window: int
    words: tuple[str, ...]


_SHIPPED_MODEL = object()


class Scanner:
    """Compiled lexicon. Immutable after ``__init__``; ``scan`` is thread-safe.

    ``model``: the sentence model of the second look (``passages.py``); the shipped one by
    default, ``None`` for the rules alone."""

    def __init__(self, lexicon: Lexicon, model: SentenceModel | None = _SHIPPED_MODEL):  # type: ignore[assignment]
        self.lexicon = lexicon
        glyphs = [(v.variant, v.canonical) for v in lexicon.variants if v.kind == "glyph"]
        self._norm = Normalizer(glyphs)
        # each term is normalised once: the build reads the same terms several times over
        # (keys, reserved spellings, generated spellings, read-back vocabulary, word list)
        nt = functools.lru_cache(maxsize=None)(self._norm.normalize_term)
        rules = tuple(r for r in lexicon.rules if r.enabled)
        self._rules: tuple[Rule, ...] = rules
        self._patterns: dict[int, re.Pattern[str]] = {}
        self._brand_rule: int | None = None
        self._brands = lexicon.brands

        # automaton key → key id, in order of first use; what each key does is kept in sparse
        # maps (a dense lexicon has ~10k keys, nearly all plain deny terms)
        ids: dict[str, int] = {}

        def slot(key: str) -> int:
            if not key:
                raise LexiconError("a term normalises to the empty string")
            pid = ids.get(key)
            if pid is None:
                pid = ids[key] = len(ids)
            return pid

        denies: dict[int, list[_Deny]] = {}
        excepts: dict[int, set[int]] = {}
        anchors: dict[int, list[int]] = {}
        brands: dict[int, list[int]] = {}
        allow: set[int] = set()

        tmpl = [
            (i, r.term, r.category, r.rule_id, r.severity, r.legal_basis)
            for i, r in enumerate(rules)
        ]
        self._tmpl: tuple[tuple, ...] = tuple(tmpl)
        by_term: dict[str, list[int]] = {}
        for i, r in enumerate(rules):
            if r.mode == "pattern":
                self._patterns[i] = re.compile(r.term)
                for anchor in _anchors_of(r.term):
                    anchors.setdefault(slot(nt(anchor)), []).append(i)
            elif r.mode == "host":
                anchors.setdefault(slot(nt(r.term)), []).append(i)
            elif r.mode == "brand":
                self._brand_rule = i
            else:
                key = nt(r.term)
                denies.setdefault(slot(key), []).append(
                    _Deny(i, r.term, _is_alnum_ascii(key[0]), _is_alnum_ascii(key[-1]), tmpl[i])
                )
                by_term.setdefault(r.term, []).append(i)
            for ex in r.exceptions:
                excepts.setdefault(slot(nt(ex)), set()).add(i)
        # every dotted host is judged (urls.py), not only those with a brand label: the keys of
        # URL_ANCHORS go to the look-alike rule (the shortener rule reports shorteners only)
        host_rules = [i for i, r in enumerate(rules) if r.mode == "host"]
        self._lookalike_rule = next(
            (i for i in host_rules if rules[i].rule_id != "phishing.short_link"), None
        )
        if self._lookalike_rule is not None:
            for a in URL_ANCHORS:
                anchors.setdefault(slot(a), []).append(self._lookalike_rule)
        for v in lexicon.variants:
            if v.kind == "glyph":
                continue
            key = nt(v.variant)
            for i in by_term.get(v.canonical, ()):
                denies.setdefault(slot(key), []).append(
                    _Deny(
                        i,
                        v.canonical,
                        _is_alnum_ascii(key[0]),
                        _is_alnum_ascii(key[-1]),
                        (i, v.canonical, *tmpl[i][_CAT:]),
                    )
                )
        # generated evasion spellings (evasion.py) of the deny terms
        reserved = {nt(r.term) for r in rules if r.mode != "pattern"}
        reserved.update(nt(a.phrase) for a in lexicon.allow)
        reserved.update(nt(ex) for r in rules for ex in r.exceptions)
        modes = [(i, r.term, r.severity, r.mode) for i, r in enumerate(rules)]
        for i, key, kind, latin_start, latin_end in evasion.generate(
            modes, nt, frozenset(reserved)
        ):
            denies.setdefault(slot(key), []).append(
                _Deny(
                    i,
                    rules[i].term,
                    latin_start,
                    latin_end,
                    tmpl[i],
                    kind in evasion.CHECKED_KINDS,
                )
            )
        # homophone, look-alike and split spellings of the pattern rules' words (their slot
        # words included) read back as the word, and the read-back text scanned besides the
        # text (evasion.respellings; their automaton is built on the first scan)
        self._respell = evasion.Respelt(evasion.pattern_words(rules, nt), frozenset(reserved))
        # romanised pinyin read back as hanzi (evasion.Romanised), scanned besides the text
        self._romanised = evasion.Romanised(
            evasion.vocabulary(rules, (a.phrase for a in lexicon.allow), nt)
        )
        for a in lexicon.allow:
            allow.add(slot(nt(a.phrase)))
        if self._brand_rule is not None:
            for bi, b in enumerate(lexicon.brands):
                for name in (b.brand, *b.aliases):
                    brands.setdefault(slot(nt(name)), []).append(bi)

        self._contexts: dict[tuple[str, str], list[_Context]] = {}
        for c in lexicon.contexts:
            if c.kind == "report":
                # whole-text report cues are replaced by the per-sentence stance layer
                # (stance.tsv); rows of this kind in older lexicon versions are ignored
                continue
            ctx = _Context(
                c.kind, c.window, tuple(w if w == BRAND_WORD else nt(w) for w in c.words)
            )
            self._contexts.setdefault((c.term, c.rule_id), []).append(ctx)

        keys = list(ids)
        self._keys = keys
        # Per automaton key: the templates of its hits when it is only plain deny terms (mode
        # substring, no Latin boundary, no context rule), which then need no check but the
        # allow-phrase/exception one; None for every other key (see _resolve_slow).
        fast: list[tuple | None] = [None] * len(keys)
        slow: dict[int, _Action] = {}
        # equal checks and actions are one object each: the generated spellings of a term (a
        # few dozen keys) all carry the same check
        checks: dict[tuple, tuple] = {}
        shared: dict[_Action, _Action] = {}
        for pid in range(len(keys)):
            ds = denies.get(pid, ())
            other = pid in allow or pid in excepts or pid in anchors or pid in brands
            if ds and not other and all(self._plain(d) for d in ds):
                fast[pid] = tuple(d.tmpl for d in ds)
                continue
            checked = []
            for d in ds:
                c = self._checked(d)
                checked.append(checks.setdefault(c, c))
            a = _Action(
                other=other,
                allow=pid in allow,
                excepts=frozenset(excepts.get(pid, ())),
                denies=tuple(checked),
                anchors=tuple(anchors.get(pid, ())),
                brands=tuple(brands.get(pid, ())),
            )
            slow[pid] = shared.setdefault(a, a)
        self._fast = fast
        # the template of a key with exactly one plain deny term (nearly all keys), else None
        self._fast1 = [f[0] if f is not None and len(f) == 1 else None for f in fast]
        self._slow = slow
        self._anchored_words: dict[str, bool] = {}
        # daachorse's character-wise double-array automaton: the same matches, in the same order
        # (by end, longest first), as ahocorasick_rs's overlapping search, at twice its speed on
        # CJK text; matches are (start, end, key id) in characters
        self._ac = daachorse.CharwiseDoubleArrayAhoCorasick(keys) if keys else None
        self._find = self._ac.find_overlapping if self._ac is not None else None
        self._prepare = self._norm.prepare
        self._finish = self._norm.finish
        self._convert = self._norm._convert
        self._hosts = HostJudge(lexicon.hosts)
        self._short_rule = next(
            (i for i, r in enumerate(rules) if r.rule_id == "phishing.short_link"), None
        )
        words = [nt(r.term) for r in rules if r.mode in ("word", "claim")]
        # only deny terms: exceptions and allow-phrases are handled by span containment, and as
        # jieba words they would swallow the terms they contain (顶级的复刻 → 复刻 not a word).
        self._words = WordChecker(w for w in words if not w.isascii())
        # the stance layer: one cue automaton per process, shared by every scanner
        self._judge = shared_judge().judge
        self._cues_in = shared_judge().cues_in
        if model is _SHIPPED_MODEL:
            model = shared_model()
        self.model = model
        self._passages = self._passage_judge(model)
        self.fingerprint = _fingerprint(lexicon, self._passages)

    def with_model(
        self, model: SentenceModel | None, gate: tuple | None = None, detect: tuple | None = None
    ) -> Scanner:
        """The same compiled rules with another sentence model (or none), thresholds taken from
        the model file unless given: for training and evaluation."""
        other = copy.copy(self)
        other.model = model
        other._passages = self._passage_judge(model, gate, detect)
        other.fingerprint = _fingerprint(self.lexicon, other._passages)
        return other

    def _passage_judge(self, model, gate=None, detect=None) -> PassageJudge | None:
        if model is None:
            return None
        return PassageJudge(
            model,
            gate=gate or _thresholds(model.meta.get("gate"), 0.0),
            detect=detect or _thresholds(model.meta.get("detect"), 1.01),
        )

    def _normalized(self, text: str):
        t, offsets = self._prepare(text)
        return t, (offsets.to_original if offsets is not None else None)

    def _checked(self, d: _Deny) -> tuple:
        """What a deny hit of a slow key must pass: (rule index, Latin start, Latin end, jieba word
        check, negation check, context rules or None, template)."""
        rule = self._rules[d.rule]
        ctxs = self._contexts.get((rule.term, rule.rule_id)) or self._contexts.get(
            ("*", rule.rule_id)
        )
        word = rule.mode in ("word", "claim") and not (d.latin_start and d.latin_end)
        return (
            d.rule,
            d.latin_start,
            d.latin_end,
            2 if d.spelling else word,  # 2: word boundaries and not a dictionary word
            rule.mode == "claim",
            tuple(ctxs) if ctxs else None,
            d.tmpl,
        )

    def _plain(self, d: _Deny) -> bool:
        rule = self._rules[d.rule]
        return (
            rule.mode == "substring"
            and not d.spelling
            and not d.latin_start
            and not d.latin_end
            and (rule.term, rule.rule_id) not in self._contexts
            and ("*", rule.rule_id) not in self._contexts
        )

    # -- construction helpers -------------------------------------------------------------
    @classmethod
    def from_lexicon(cls, path: str | Path | None = None) -> Scanner:
        return cls(Lexicon.load(path))

    # -- scanning ---------------------------------------------------------------------------
    def scan(self, text: str) -> ScanResult:
        if self._passages is None:
            return self._scan_rules(text)
        norm = self._normal_forms(text)
        if norm is None:
            return EMPTY_RESULT
        return self._with_passages(text, self._rules_read(text, norm), norm)

    def _with_passages(self, text: str, r: ScanResult, norm=None) -> ScanResult:
        """The rules' result ``r`` of ``text`` after the sentence model's second look; ``norm``:
        ``_normal_forms(text)`` when the caller has it (the model reads the rules' normalised
        text, never a second normalisation)."""
        p = self._passages
        if p is None or not text:
            return r
        if not r.findings and not r.suppressed:
            if not p.detecting:
                return r
            if norm is not None and norm[1] is not text:
                c = norm[1]  # the converted text, aligned with ``text``
            else:
                try:
                    c = self._convert(text)
                except UnicodeEncodeError:  # lone surrogates
                    c = text
            if not p.model.may_detect(c):
                return r
            if norm is None:
                norm = self._normal_forms(text)
            if not p.may_detect(norm[0]):
                return r
        if norm is None:
            norm = self._normal_forms(text)
        return self._second_look(text, r, p, norm)

    def _second_look(self, text: str, r: ScanResult, p: PassageJudge, norm) -> ScanResult:
        """The sentence model's gate and detection (passages.py) applied to a rule result."""
        t, st, offsets = norm
        kept, gated, drafts = p.review(text, t, st, offsets, r.findings, r.suppressed)
        if not gated and not drafts:
            return r
        suppressed = list(r.suppressed)
        cues = list(r.report_cues)
        for f, q in gated:
            cue = f"模型概率 {q:.2f}"
            suppressed.append(_restanced(f, "unlikely", cue))
            cues.append(cue)
        findings = list(kept)
        if drafts:
            if offsets.__class__ is list:
                offsets = gap_offsets(offsets, len(text))
            to_original = offsets.to_original if offsets is not None else None
            spans = [(s, e, f"{cat}.model", MODEL_SEVERITY) for cat, s, e, _ in drafts]
            verdicts = self._judge(st, t, to_original, spans)
            for (cat, s, e, why), (stance, cue) in zip(drafts, verdicts, strict=True):
                f = Finding(
                    category=cat,
                    rule=f"{cat}.model",
                    term=text[s:e],
                    matched=text[s:e],
                    start=s,
                    end=e,
                    severity=MODEL_SEVERITY,
                    context=_context_of(text, s, e),
                    legal_basis=_MODEL_LAW[cat],
                    stance=stance,
                    cue=cue,
                    explanation=why,
                )
                if stance in COUNTED:
                    findings.append(f)
                else:
                    suppressed.append(f)
                    if cue:
                        cues.append(cue)
            findings.sort(key=lambda f: (f.start, f.end, f.rule))
        if not findings:
            return _result((), 0.0, (), tuple(suppressed), tuple(dict.fromkeys(cues)))
        return _result(
            tuple(sorted({f.category for f in findings})),
            score_of(findings),
            tuple(findings),
            tuple(suppressed),
            tuple(dict.fromkeys(cues)),
        )

    def _scan_rules(self, text: str) -> ScanResult:
        """The rules' result (no sentence model)."""
        norm = self._normal_forms(text)
        if norm is None:
            return EMPTY_RESULT
        return self._rules_read(text, norm)

    def _rules_read(self, text: str, norm) -> ScanResult:
        """The rules' result of ``text``, with that of its romanised runs read back as hanzi
        (``evasion.Romanised``) when it has any."""
        t, st, offsets = norm
        r = self._rules_on(text, t, st, offsets)
        if self._respell:
            found = self._respell.find(t)
            if found:
                r = self._respelt(text, t, st, offsets, r, found)
        if not self._romanised or not _has_latin(t):
            return r
        seller: list[bool] = []

        def accept(hanzi: str) -> bool:
            # initials read back as claims the rules find alone; short ones (xswl is slang
            # for 笑死我了, not 血栓稳了) only in a text with a seller's cue (a call to action,
            # a price, commerce words: stance.tsv)
            if len(hanzi) <= evasion.SHORT_INITIALS:
                if not seller:
                    seller.append(any(c[2] in _SELLER_CUES for c in self._cues_in(t)))
                if not seller[0]:
                    return False
            return self._claims_alone(hanzi)

        back = self._romanised.restore(t, accept)
        if back is None:
            return r
        t2, starts, ends = back
        if offsets.__class__ is list:
            offsets = gap_offsets(offsets, len(text))
        r2 = self._rules_on(text, t2, st, _ReadBack(starts, ends, len(t), offsets))
        if not r2.findings and not r2.suppressed:
            return r
        return _merged(r, r2)

    def _anchored(self, word: str) -> bool:
        """Does ``word`` hold a pattern or host anchor (memoised per word)?"""
        got = self._anchored_words.get(word)
        if got is None:
            slow = self._slow
            got = any(m[2] in slow and slow[m[2]].anchors for m in self._find(word))
            self._anchored_words[word] = got
        return got

    def _respelt(self, text: str, t: str, st: str, offsets, r: ScanResult, found):
        """``r`` with the result of the text in which the homophone, look-alike and split
        spellings of the pattern rules' words (``evasion.respellings``) are read back as the
        words (之疗高血压 → 治疗高血压), when it has any that lie on word boundaries and are no
        word of jieba's dictionary themselves (``WordChecker.is_spelling``)."""
        # a pattern is tried only around its anchor: a word read back far from every anchor
        # of the text, and holding none itself, cannot be part of a pattern's match
        slow = self._slow
        anchors = [m[0] for m in self._find(t) if m[2] in slow and slow[m[2]].anchors]
        found.sort(key=lambda m: (m[0], m[0] - m[1]))  # leftmost, then longest
        out: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        last = 0
        for s, e, word in found:
            if s < last:
                continue
            if not self._anchored(word) and not any(
                a - _RESPELT_REACH <= s and e <= a + _RESPELT_REACH for a in anchors
            ):
                continue
            if not self._words.is_spelling(t, s, e):
                continue
            out.append(t[last:s])
            starts.extend(range(last, s))
            ends.extend(range(last + 1, s + 1))
            out.append(word)
            for a, b in evasion.respelt_spans(t[s:e], word, s, e):
                starts.append(a)
                ends.append(b)
            last = e
        if not out:
            return r
        n = len(t)
        out.append(t[last:])
        starts.extend(range(last, n))
        ends.extend(range(last + 1, n + 1))
        if offsets.__class__ is list:
            offsets = gap_offsets(offsets, len(text))
        r2 = self._rules_on(text, "".join(out), st, _ReadBack(starts, ends, n, offsets))
        if not r2.findings and not r2.suppressed:
            return r
        return _merged(r, r2)

    def _claims_alone(self, hanzi: str) -> bool:
        """Do the rules, reading ``hanzi`` alone (a candidate reading of initials), find claims
        that together cover all of it: one claim (治疗高血压), or claims side by side or
        overlapping (提高免疫力 + 抗病毒, 顶级复刻 + 复刻版本), so that no word of the reading
        stands outside a claim? Only claims of MIN_INITIALS hanzi or more count, those whose
        initials would be read alone: two-letter pieces are too many readings (xxxx, a
        placeholder, is no 洗血 + 洗血)."""
        norm = self._normal_forms(hanzi)
        if norm is None:
            return False
        covered = [False] * len(hanzi)
        for f in self._rules_on(hanzi, *norm).findings:
            if f.end - f.start >= evasion.MIN_INITIALS:
                covered[f.start : f.end] = [True] * (f.end - f.start)
        return all(covered)

    def _normal_forms(self, text: str):
        """(t, st, offsets) of ``text``, or None when there is nothing to scan: ``t`` the
        normalised text, ``st`` the converted text before noise deletion aligned with ``text``
        (the stance layer reads quotation marks and punctuation, which noise deletion may
        remove), ``offsets`` None (unchanged offsets), the kept pieces and deleted gaps
        (``_denoise_lazy``) or an OffsetMap."""
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        if not text or self._ac is None:
            return None
        # Normalizer.prepare, with its common case inline: same length, noise gaps only
        try:
            t = st = self._convert(text)
        except UnicodeEncodeError:
            st = text
            t, offsets = self._prepare(text)
        else:
            if len(t) != len(text):
                st = text
                t, offsets = self._finish(text, t)
            elif (
                "\x00" in t
                or ("(" in t and _has_pinyin(t))
                or (("<" in t or "&" in t) and has_markup(t))
            ):
                t, offsets = _denoise_lazy(text, t)
            else:
                # offsets: None, or the kept pieces and deleted gaps (see _denoise_lazy, whose
                # common case this is); one C pass whether or not the text has noise
                parts = _split_gaps(t)
                if len(parts) == 1:
                    offsets = None
                    if t == text:  # search the caller's string: its UTF-8 form may be cached
                        t = st = text
                else:
                    t = "".join(parts[::2])
                    offsets = parts
        return t, st, offsets

    def _rules_on(self, text: str, t: str, st: str, offsets) -> ScanResult:
        """The rules' result of ``text`` from its normal forms (``_normal_forms``)."""
        matches = self._find(t)  # overlapping: (start, end, key id)
        if not matches:
            return EMPTY_RESULT
        if offsets is None and len(matches) == 1:
            # the most common hit: one plain deny term, nothing to map back (``_finding`` and
            # ``_result`` inlined: the calls cost as much as the rest of this branch)
            s, e, pid = matches[0]
            x = self._fast1[pid]
            if x is not None:
                stance, cue = self._judge(st, t, None, ((s, e, x[3], x[4]),))[0]
                f = _FindingDraft()
                f.category = x[2]
                f.rule = x[3]
                f.term = x[1]
                f.start = s
                f.end = e
                f.severity = x[4]
                f.legal_basis = x[5]
                f.stance = stance
                f.cue = cue
                f.explanation = ""
                f._text = text
                _set(f, "__class__", Finding)
                r = _ResultDraft()
                if stance in COUNTED:
                    r.categories = (x[2],)
                    r.score = _SCORE1[x[4]]
                    r.findings = (f,)
                    r.suppressed = ()
                    r.report_cues = ()
                else:
                    r.categories = ()
                    r.score = 0.0
                    r.findings = ()
                    r.suppressed = (f,)
                    r.report_cues = (cue,) if cue else ()
                _set(r, "__class__", ScanResult)
                return r
        return self._resolve(text, t, st, offsets, matches)

    def warm(self) -> Scanner:
        """Load what the first scan would otherwise load lazily (jieba's dictionary), e.g. in a
        worker's main process before it forks, so the children share it."""
        self._words.load()
        return self

    def scan_many(self, texts: Iterable[str]) -> list[ScanResult]:
        """Scan many texts: ``[scan(t) for t in texts]``, with every item type-checked first.

        (Joining texts into batches for one normalisation and automaton pass each was tried and
        removed: the Rust calls cost ~0.1 µs each, and mapping hits back to their texts cost more
        than it saved.)"""
        texts = list(texts)
        for x in texts:
            if not isinstance(x, str):
                raise TypeError(f"text must be str, not {type(x).__name__}")
        scan = self.scan
        return [scan(x) for x in texts]

    def _resolve(self, text: str, t: str, st: str, offsets, matches) -> ScanResult:
        """Turn automaton matches into a result. ``offsets`` maps normalised spans back to the
        original text (None: unchanged). Keys made only of plain deny terms become hits by a
        table lookup; every other key goes through _resolve_slow."""
        fast1 = self._fast1
        fast = self._fast
        hits: list[tuple[int, int, tuple]] = []  # (start, -end, template), normalised offsets
        slow = None
        append = hits.append
        for m in matches:
            x = fast1[m[2]]
            if x is not None:
                append((m[0], -m[1], x))
                continue
            f = fast[m[2]]
            if f is not None:
                e = -m[1]
                for x in f:
                    append((m[0], e, x))
            elif slow is None:
                slow = [m]
            else:
                slow.append(m)
        if slow is None:
            return self._explain(text, t, st, offsets, hits, None)
        return self._resolve_slow(text, t, st, offsets, slow, hits)

    def _resolve_slow(self, text, t, st, offsets, matches, plain) -> ScanResult:
        actions = self._slow
        cands: list[tuple[int, int, tuple]] = []
        allow: list[tuple[int, int]] | None = None
        excepts: list[tuple[int, int, frozenset[int]]] | None = None
        anchors: list[tuple[int, int, int]] | None = None
        brands: list[tuple[int, int, int]] | None = None
        for s, e, pid in matches:
            a = actions[pid]
            for d in a.denies:
                cands.append((s, e, d))
            if not a.other:
                continue
            if a.allow:
                if allow is None:
                    allow = []
                allow.append((s, e))
            if a.excepts:
                if excepts is None:
                    excepts = []
                excepts.append((s, e, a.excepts))
            if a.anchors:
                if anchors is None:
                    anchors = []
                for r in a.anchors:
                    anchors.append((s, e, r))
            if a.brands:
                if brands is None:
                    brands = []
                for b in a.brands:
                    brands.append((s, e, b))

        n = len(t)
        in_allow = _covers(allow) if allow else None
        exc_by_rule: dict[int, list[tuple[int, int]]] = {}
        if excepts:
            for a0, a1, rs in excepts:
                for r in rs:
                    exc_by_rule.setdefault(r, []).append((a0, a1))
        check_exc = in_allow is not None or bool(exc_by_rule)
        if check_exc:
            exc_index: dict[int, Callable[[int, int], bool]] = {}

            def excepted(s: int, e: int, ri: int) -> bool:
                if in_allow is not None and in_allow(s, e):
                    return True
                if ri in exc_by_rule:
                    covers = exc_index.get(ri)
                    if covers is None:
                        covers = exc_index[ri] = _covers(exc_by_rule[ri])
                    if covers(s, e):
                        return True
                return False

            hits = [h for h in plain if not excepted(h[0], -h[1], h[2][_RI])]
        else:
            hits = plain
        neg = _NEGATION_RE.search
        for s, e, (ri, latin_start, latin_end, word, claim, ctxs, tmpl) in cands:
            if check_exc and excepted(s, e, ri):
                continue
            if latin_start and s > 0 and _is_alnum_ascii(t[s - 1]):
                continue
            if latin_end and e < n and _is_alnum_ascii(t[e]):
                continue
            if latin_start == evasion.CODE and evasion.in_code(t, s, e):
                continue
            if claim and neg(t, s - NEGATION_WINDOW if s > NEGATION_WINDOW else 0, s):
                continue
            if word and not (
                self._words.is_word(t, s, e) if word is True else self._words.is_spelling(t, s, e)
            ):
                continue
            if ctxs is not None and not _context_ok(t, s, e, ctxs, brands):
                continue
            hits.append((s, -e, tmpl))

        orig = None  # host hits, already in original offsets
        for s, e, ri in anchors or ():
            rule = self._rules[ri]
            if rule.mode == "host":
                found = self._host_hit(text, st, offsets, s, e, ri)
                if found is not None:
                    if orig is None:
                        orig = []
                    orig.append(found)
                continue
            pat = self._patterns[ri]
            lo = max(0, s - 40)
            for m in pat.finditer(t, lo, min(n, e + 40)):
                ms, me = m.span()
                if ms < e and me > s and me > ms:
                    if rule.category == "false_ad" and _negated_before(t, ms):
                        continue
                    if in_allow is not None and in_allow(ms, me):
                        continue
                    if self._contexts and not self._context_ok(t, ms, me, rule, brands):
                        continue
                    # the term shown is the text the pattern matched, never the expression
                    hits.append((ms, -me, (ri, t[ms:me], *self._tmpl[ri][_CAT:])))
        if brands:
            hits.extend(self._brand_hits(t, brands))
        if not hits and not orig:
            return EMPTY_RESULT
        return self._explain(text, t, st, offsets, hits, orig)

    # -- helpers ----------------------------------------------------------------------------
    def _context_ok(self, t: str, s: int, e: int, rule: Rule, brands=None) -> bool:
        ctxs = self._contexts.get((rule.term, rule.rule_id)) or self._contexts.get(
            ("*", rule.rule_id)
        )
        return _context_ok(t, s, e, ctxs, brands) if ctxs else True

    def _brand_hits(self, t: str, brands: list[tuple[int, int, int]]):
        """Brand + implausible price (claims.py): a brand with a price within PRICE_WINDOW
        characters below its floor for the price's unit; the template carries the explanation
        ("<brand> <goods> ¥380，公开参考价 ¥1,499 起")."""
        ri = self._brand_rule
        assert ri is not None
        tmpl = self._tmpl[ri]
        seen: set[tuple[int, int]] = set()
        for s, e, bi in brands:
            if (_is_alnum_ascii(t[s]) and s > 0 and _is_alnum_ascii(t[s - 1])) or (
                _is_alnum_ascii(t[e - 1]) and e < len(t) and _is_alnum_ascii(t[e])
            ):
                continue
            brand = self._brands[bi]
            for ps, pe, price, unit in prices_near(t, s, e):
                if price < floor_for(brand, unit, price) and not not_the_goods(t, s, e, ps, pe):
                    span = (min(s, ps), max(e, pe))
                    if span not in seen:
                        seen.add(span)
                        note = brand_price_explanation(brand, price, unit)
                        yield (span[0], -span[1], (ri, brand.brand, *tmpl[_CAT:], note))

    def _host_hit(self, text: str, st: str, offsets, s: int, e: int, ri: int):
        """A look-alike or shortener host around [s, e) (urls.py), in original offsets; the
        host is read from ``st``, the case- and width-folded text aligned with ``text``."""
        if offsets.__class__ is list:
            offsets = gap_offsets(offsets, len(text))
        os_, oe = (s, e) if offsets is None else offsets.to_original(s, e)
        found = extract_host(st, os_, oe)
        if found is None:
            return None
        hs, he, host = found
        v = self._hosts.judge(host, self._rules[ri].term)
        if v is None:
            return None
        term = f"{v.token}@{v.domain}"
        if v.kind == "shortener":
            ri, term = self._short_rule, v.domain
        elif self._rules[ri].rule_id == "phishing.short_link":
            ri = self._lookalike_rule
        if ri is None:
            return None
        return (hs, -he, (ri, term, *self._tmpl[ri][_CAT:], v.explanation))

    def _explain(self, text: str, t: str, st: str, offsets, hits, orig) -> ScanResult:
        """``hits``: (start, -end, template) in normalised offsets; ``orig``: the same in
        original offsets (or None). ``st`` is the converted text aligned with ``text``. Each kept
        hit is judged by the stance layer; findings whose stance counts make the result, the
        others are ``suppressed``."""
        if offsets is not None:
            if offsets.__class__ is list:  # noise gaps only: OffsetMap.to_original, inline
                del_at, del_cum = gap_lists(offsets)
                mapped = []
                for s, neg_e, x in hits:
                    k = bisect_right(del_at, s)
                    if k:
                        s += del_cum[k - 1]
                    e = -neg_e - 1
                    k = bisect_right(del_at, e)
                    if k:
                        e += del_cum[k - 1]
                    mapped.append((s, -e - 1, x))
            else:
                to_original = offsets.to_original
                mapped = []
                for s, neg_e, x in hits:
                    a, b = to_original(s, -neg_e)
                    mapped.append((a, -b, x))
        else:
            mapped = hits
        if orig:
            mapped = [*mapped, *orig]
        if len(mapped) == 1:
            kept = mapped
        else:
            # within one category, drop a hit contained in an earlier, longer (or equal) one;
            # ties are ordered by the template (rule index, term, …). A brand-price hit spans
            # brand and price and hides nothing inside it (a 高仿 between them stays a finding).
            mapped.sort()
            kept = []
            max_end: dict[str, int] = {}
            get_end = max_end.get
            keep_hit = kept.append
            brand_rule = self._brand_rule
            for h in mapped:
                e = -h[1]
                cat = h[2][2]
                if e <= get_end(cat, -1):
                    continue
                keep_hit(h)
                if h[2][0] != brand_rule:
                    max_end[cat] = e
            # report by (start, end, rule id); ties keep the order above
            order = [(h[0], -h[1], h[2][_RID], i) for i, h in enumerate(kept)]
            order.sort()
            kept = [kept[o[3]] for o in order]
        if offsets is None:
            to_original = None
        elif offsets.__class__ is list:
            to_original = gap_offsets(offsets, len(text)).to_original
        else:
            to_original = offsets.to_original
        spans = [(h[0], -h[1], h[2][_RID], h[2][_SEV]) for h in kept]
        # a term matched on letters (qwzdj for 全网最低价, or a run read back from initials or
        # pinyin) is judged on its words, not on the letters (None: on the text itself)
        read = None
        if offsets.__class__ is _ReadBack or _has_latin(t):
            read = [h[2][_TERM] if _has_letter(st, h[0], -h[1]) else None for h in kept]
        verdicts = self._judge(st, t, to_original, spans, read)
        category_of = None
        findings = []
        suppressed = []
        cues = []
        for (s, neg_e, x), (stance, cue) in zip(kept, verdicts, strict=True):
            law = x[5]
            explanation = x[6] if len(x) > 6 else ""
            if x[3] in _CATEGORY_RULES:
                if category_of is None:
                    category_of = product_category(st)
                law, note = legal_basis_for(x[3], category_of, law)
                if note and not explanation:
                    explanation = note
            f = _FindingDraft()
            f.category = x[2]
            f.rule = x[3]
            f.term = x[1]
            f.start = s
            f.end = -neg_e
            f.severity = x[4]
            f.legal_basis = law
            f.stance = stance
            f.cue = cue
            f.explanation = explanation
            f._text = text
            _set(f, "__class__", Finding)
            if stance in COUNTED:
                findings.append(f)
            else:
                suppressed.append(f)
                if cue:
                    cues.append(cue)
        if not findings:
            return _result((), 0.0, (), tuple(suppressed), tuple(dict.fromkeys(cues)))
        cats = tuple(sorted({f.category for f in findings}))
        # score_of(findings)
        seen: dict[tuple[str, str], int] = {}
        for f in findings:
            key = (f.rule, f.term)
            if seen.get(key, 0) < f.severity:
                seen[key] = f.severity
        keep = 1.0
        for sev in seen.values():
            keep *= 1.0 - sev / 10.0
        return _result(
            cats,
            round(1.0 - keep, 4),
            tuple(findings),
            tuple(suppressed),
            tuple(dict.fromkeys(cues)),
        )


# how far from an anchor's start a read-back word may lie and still be in a pattern's match:
# the window a pattern is tried in (40 characters either side of the anchor) plus the anchor
# and the characters a split spelling adds
_RESPELT_REACH = 56
_has_latin = re.compile("[a-z][a-z]").search  # (as fast as [a-z] alone; [a-z]{2} is half as fast)
_has_letter = re.compile("[A-Za-z]").search
_SELLER_CUES = frozenset({"offer", "price", "commerce"})


class _ReadBack:
    """Offsets of a read-back text (``evasion.Romanised.restore``) to the original text: through
    the normalised text's spans, then its own offsets (None or an OffsetMap)."""

    __slots__ = ("base", "ends", "n", "starts")

    def __init__(self, starts: list[int], ends: list[int], n: int, base):
        self.starts, self.ends, self.n, self.base = starts, ends, n, base

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        if end > start:
            a, b = self.starts[start], self.ends[end - 1]
        else:
            a = b = self.starts[start] if start < len(self.starts) else self.n
        return (a, b) if self.base is None else self.base.to_original(a, b)


def _merged(r: ScanResult, r2: ScanResult) -> ScanResult:
    """The findings of both results, each (rule, span) once, the first result's first."""
    seen = {(f.rule, f.start, f.end) for f in (*r.findings, *r.suppressed)}
    findings = list(r.findings)
    suppressed = list(r.suppressed)
    for f in r2.findings:
        if (f.rule, f.start, f.end) not in seen:
            findings.append(f)
    for f in r2.suppressed:
        if (f.rule, f.start, f.end) not in seen:
            suppressed.append(f)
    findings.sort(key=lambda f: (f.start, f.end, f.rule))
    cues = tuple(dict.fromkeys((*r.report_cues, *r2.report_cues)))
    if not findings:
        return _result((), 0.0, (), tuple(suppressed), cues)
    return _result(
        tuple(sorted({f.category for f in findings})),
        score_of(findings),
        tuple(findings),
        tuple(suppressed),
        cues,
    )


def _fingerprint(lexicon: Lexicon, passages: PassageJudge | None) -> str:
    """What identifies a scanner's results, for versions and rescans: the lexicon's content
    and, when the sentence model is used, the model file's digest and its thresholds (a new
    model changes results as a lexicon change does). The rules alone: the lexicon's."""
    if passages is None:
        return lexicon.fingerprint
    blob = f"lexicon={lexicon.fingerprint};model={passages.fingerprint}"
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _thresholds(value: str | None, default: float) -> tuple[float, ...]:
    """Per-category thresholds recorded in the model file ("0.05,0.04"), or ``default``."""
    if not value:
        return (default, default)
    return tuple(float(x) for x in value.split(","))


BRAND_WORD = "<brand>"  # a context word that stands for any brand of brands.tsv


def _context_ok(t: str, s: int, e: int, ctxs, brands=None) -> bool:
    """Do the context rules hold around [s, e)? ``brands``: the brand hits of the text
    (start, end, brand index), for the context word ``<brand>``."""
    for c in ctxs:
        lo = max(0, s - c.window)
        hi = e + c.window
        window = t[lo:hi]
        present = any(w in window for w in c.words)
        if not present and BRAND_WORD in c.words and brands:
            present = any(lo <= bs and be <= hi for bs, be, _ in brands)
        if c.kind == "require" and not present:
            return False
        if c.kind == "unless" and present:
            return False
    return True


def _covers(spans: list[tuple[int, int]]) -> Callable[[int, int], bool]:
    """A function answering "is [s, e) inside one of these spans?": a loop over a few spans
    (the usual case: one or two allow-phrases or exceptions in a text), a _SpanIndex beyond."""
    if len(spans) > 8:
        return _SpanIndex(spans).covers

    def covers(s: int, e: int) -> bool:
        for a, b in spans:
            if a <= s and e <= b:
                return True
        return False

    return covers


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
