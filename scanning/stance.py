"""Stance and genre per finding: who is speaking, and does the sentence make the claim?

A term found in a text is a violation only when the text *makes* the claim: a seller offering or
advertising, or plain ad copy. The same words in a police report, a court record, a regulator's
explainer that lists banned words, a consumer complaint, a denial (不是高仿), a program or an
unrelated sense (第一、二产业) are not. Each finding gets a stance and the cue that decided it.

A cue governs only the findings in its own sentence (warnings and negations: their own clause);
it never hides a finding in another sentence. Sentences are split at 。！？； and line breaks
outside quotation marks, so quoted ad copy inside a reporter's sentence belongs to that sentence.

Stances (``COUNTED`` ones make the finding count):

* ``offer`` — a seller cue in the sentence: call to action (加微信, 私聊, 下单, 包邮, 扫码, 现货,
  有需要的联系), first-person shop (本店, 我家), or a price;
* ``claim`` — no cue either way: plain ad copy, a product title, a quoted slogan;
* ``report`` — news, police, court or regulator narrative, reported speech (宣称, 声称, X称，);
  also a sentence that opens with an anaphor (其, 该, 上述) right after a report sentence;
  for counterfeit rules also a trade word explained as a word (原单就是…, 对于原单货);
* ``law`` — quotation of the law, an explainer or a list of banned words (不得, 禁止, 广告法,
  极限词, 等字样);
* ``mention`` — the term is named, not used: alone in quotation marks inside a list (“最佳”、“第一”)
  or between ``|`` separators;
* ``negated`` — a denial just before the term in its clause (不是高仿, 非A货, 绝不卖…);
* ``complaint`` — a consumer complaint (买到, 被骗, 卖家说) with no seller cue in the sentence;
* ``warning`` — a consumer warning (谨防, 提醒) in the term's clause with no seller cue there;
  for counterfeit rules also a clause that dissuades from the fake or tells how to spot it
  (避免购买, 请勿发布, 怎么区分);
* ``code`` — program text (two or more code tokens in the sentence);
* ``ordinary`` — an absolute term or a weak counterfeit word in a longer text whose sentence says
  nothing about goods, prices or a seller (最大的挑战, 盗版 in a film review), or an ordinal
  (第一、二产业, 第一章): Advertising Law 第九条 applies to claims about what is sold;
* ``unlikely`` — set after this layer, by the sentence model's gate (``passages.py``): the
  passage around the finding reads very unlike its category (a film review's 盗版).
"""

from __future__ import annotations

import csv
import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate, count
from operator import add
from pathlib import Path

import daachorse

STANCE_FILE = Path(__file__).with_name("lexicon") / "stance.tsv"
KINDS = (
    "offer",
    "price",
    "commerce",
    "opinion",
    "software",
    "report",
    "fake",
    "law",
    "warning",
    "complaint",
    "negation",
    "impossible",
    "third",
    "disparage",
    "dissuade",
    "anaphor",
    "code",
    "debunk",
    "word",
)
COUNTED = frozenset({"offer", "claim"})
STANCES = (
    "offer",
    "claim",
    "report",
    "law",
    "mention",
    "negated",
    "complaint",
    "warning",
    "code",
    "ordinary",
    "unlikely",
)
# a text this short is read as a slogan fragment: no commercial context is required for an
# absolute term in it
SHORT_TEXT = 12
NEGATION_GAP = 3  # characters allowed between a denial and the term (不是什么高仿)
_SENT_END = "。!?！？\n\r"
_CLAUSE_END = ",，:：、;；"
_OPEN = "“「『‘《"
_CLOSE = "”」』’》"
_PAREN_OPEN = "(（"
_PAREN_CLOSE = ")）"
# a quoted term named in a list that ends with 等 (“最佳”、“第一”等), or introduced as an example
_LIST_AFTER_RE = re.compile(
    r"(?:[、,，和与或及]?[“「『‘\"][^”」』’\"]{1,12}[”」』’\"])*[、,，]?(?:等|之类|这类|这样的|一词|字)"
)
# a sentence this short without narrative markers reads as ad copy (当下认知度最高的整形手术)
SHORT_SENTENCE = 25
_NARRATIVE_RE = re.compile(
    r"了|啊|吧|呢|嘛|[他她]|我(?![们家店司厂])|因为|所以|但是|然而|却|曾经|之一"
)
_EXAMPLE_BEFORE = ("如", "像", "比如", "例如", "诸如", "用", "使用", "以")
_PRICE_RE = re.compile(
    r"(?:[¥￥]|rmb|人民币)\s*\d|\d(?:\.\d+)?\s*(?:元|块|rmb)"
    r"|\d+\s*(?:元|块)?\s*/\s*(?:条|瓶|盒|件|只|双|个|包)"
    r"|(?<![a-z0-9])p\d{2,6}(?![a-z0-9])|💰\s*\d|\d\s*💰"
)
_ORDINAL_RE = re.compile(
    r"第一(?=[、,]?(?:第?[二两三四五六七八九十])|[章节条款项季期届批轮天年月日步部集卷次名位个只种类段阶层代排号场组])"
)
# an absolute term or a weak counterfeit word needs commercial context in a longer text
_ANCHORED_RULES = frozenset({"false_ad.absolute"})
_WEAK_COUNTERFEIT = 3  # counterfeit rules of this severity or less need it too (盗版, 对版, 同厂)
# an absolute term that itself names a price, sales or a shop is a commercial claim on its own
# (全网最低价, 销量第一, 第一品牌, 全国首家)
_COMMERCIAL_MORPHEMES = (
    "价",
    "销",
    "品牌",
    "网",
    "店",
    "首发",
    "首家",
    "产品",
    "楼王",
    "铺",
    "墅",
    "行业",
    "业界",
    # a claim over a whole market is about what is sold (全台唯一, 全港首创, 全球首款)
    "全台",
    "全港",
    "全澳",
    "全球",
)


@dataclass(frozen=True, slots=True)
class Cue:
    cue: str
    kind: str
    note: str = ""
    source: str = ""


def load_cues(path: Path = STANCE_FILE) -> tuple[Cue, ...]:
    with path.open(encoding="utf-8", newline="") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.startswith("#")]
    rows = list(csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    header, body = rows[0], rows[1:]
    cues = []
    for row in body:
        rec = dict(zip(header, row, strict=False))
        if rec.get("kind") not in KINDS:
            raise ValueError(f"{path.name}: unknown stance kind {rec.get('kind')!r}")
        cues.append(Cue(rec["cue"], rec["kind"], rec.get("note", ""), rec.get("source", "")))
    return tuple(cues)


_QUOTE_OR_PAREN_RE = re.compile(
    "[" + re.escape(_OPEN + _CLOSE + _PAREN_OPEN + _PAREN_CLOSE + '"') + "]"
)
_SENT_RE = re.compile("[" + re.escape(_SENT_END) + "]")
_CLAUSE_RE = re.compile("[" + re.escape(_SENT_END + _CLAUSE_END) + "]")


def _ends(mark_re: re.Pattern, t: str) -> list[int]:
    """0 and the position after each character ``mark_re`` matches: the running lengths of the
    pieces between them plus one per mark, in C (no match object per mark)."""
    pieces = mark_re.split(t)
    return [0, *map(add, accumulate(map(len, pieces[:-1])), count(1))]


class _Layout:
    """Sentence and clause boundaries of one converted text, and its quotation and parenthesis
    spans. Sentences do not end inside quotation marks."""

    __slots__ = ("clauses", "n", "parens", "quotes", "sentences")

    def __init__(self, t: str):
        n = self.n = len(t)
        # sentence and clause ends: one C pass each (the positions after each boundary mark)
        sentences = _ends(_SENT_RE, t)
        clauses = _ends(_CLAUSE_RE, t)
        if not _QUOTE_OR_PAREN_RE.search(t):
            # the common case: no quotation marks
            sentences.append(n + 1)
            clauses.append(n + 1)
            self.sentences = sentences
            self.clauses = clauses
            self.quotes = self.parens = ()
            return
        quotes: list[tuple[int, int]] = []
        parens: list[tuple[int, int]] = []
        paren_stack: list[int] = []
        stack: list[int] = []
        ascii_open = -1
        for m in _QUOTE_OR_PAREN_RE.finditer(t):  # the marks besides sentence and clause ends
            i = m.start()
            ch = t[i]
            if ch in _PAREN_OPEN:
                paren_stack.append(i)
            elif ch in _PAREN_CLOSE:
                if paren_stack:
                    parens.append((paren_stack.pop(), i + 1))
            elif ch in _OPEN:
                stack.append(i)
                clauses.append(i + 1)
            elif ch in _CLOSE:
                if stack:
                    quotes.append((stack.pop() + 1, i))
                clauses.append(i)
                clauses.append(i + 1)
            elif ch == '"':
                if ascii_open < 0:
                    ascii_open = i
                    clauses.append(i + 1)
                else:
                    quotes.append((ascii_open + 1, i))
                    ascii_open = -1
                    clauses.append(i)
                    clauses.append(i + 1)
        if quotes:
            # a sentence does not end inside a closed quotation (an opening mark that is never
            # closed quotes nothing)
            sentences = [b for b in sentences if not any(qa < b <= qb for qa, qb in quotes)]
        sentences.append(n + 1)
        clauses.append(n + 1)
        self.sentences = sentences
        self.clauses = sorted(set(clauses))
        self.quotes = quotes
        self.parens = parens

    def sentence(self, s: int) -> tuple[int, int, int]:
        """(index, start, end) of the sentence holding position ``s``."""
        sentences = self.sentences
        k = bisect_right(sentences, s) - 1
        e = sentences[k + 1]
        return k, sentences[k], e if e < self.n else self.n

    def clause(self, s: int) -> tuple[int, int]:
        clauses = self.clauses
        k = bisect_right(clauses, s) - 1
        e = clauses[k + 1]
        return clauses[k], e if e < self.n else self.n

    def aside(self, a: int, b: int, s: int, e: int) -> bool:
        """Is the cue [a, b) inside a parenthetical aside that does not hold the finding?"""
        for p, q in self.parens:
            if p <= a and b <= q and not (p <= s and e <= q):
                return True
        return False

    def quote(self, s: int, e: int) -> tuple[int, int] | None:
        best = None
        for a, b in self.quotes:
            if a <= s and e <= b and (best is None or b - a < best[1] - best[0]):
                best = (a, b)
        return best


def sentence_spans(st: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of the converted text ``st``, in order, covering it: the
    sentences of ``_Layout`` (ended by 。！？!? and line breaks outside quotation marks; ； and ，
    end clauses), a run of end marks closing one sentence. The sentence model's passages
    (``passages.py``) are these sentences."""
    n = len(st)
    out = []
    a = 0
    for b in _Layout(st).sentences[1:-1]:
        if b >= n:
            break
        if st[b] in _SENT_END:
            continue  # the run of end marks goes on
        out.append((a, b))
        a = b
    out.append((a, n))
    return out


_CLAIM = ("claim", "")
# cue kinds that can decide a stance by their mere presence in the sentence (beside the
# finding): the decision order below
_FRAME_KINDS = ("law", "report", "fake", "software", "offer", "price", "complaint", "opinion")


class StanceJudge:
    """Cue automaton plus the decision rules; immutable and thread-safe, built once."""

    def __init__(self, cues: tuple[Cue, ...], normalize_term):
        keys: dict[str, tuple[str, str]] = {}
        for c in cues:
            key = normalize_term(c.cue) if c.kind != "code" else c.cue.lower()
            if key and key not in keys:  # the first row of a word decides its kind
                keys[key] = (c.kind, c.cue)
        self._keys = list(keys)
        self._key_cue = [keys[k] for k in self._keys]
        negs = sorted((k for k, (kind, _w) in keys.items() if kind == "negation"), key=len)
        # the length of the denial a longer cue opens with (不是假 opens with 不是): a talk-about-
        # fakes cue after it is denied as after the denial itself
        self._neg_prefix = [
            next((len(n) for n in reversed(negs) if k.startswith(n) and len(k) > len(n)), 0)
            for k in self._keys
        ]
        self._ac = daachorse.CharwiseDoubleArrayAhoCorasick(self._keys)
        self._find = self._ac.find_overlapping

    def cues_in(self, t: str, to_original=None) -> list[tuple[int, int, str, str]]:
        """Every cue in ``t`` that is not inside a longer cue (假货 inside 假货包退 is the seller's
        promise, not talk about fakes): (start, end, kind, word), by end; mapped to original
        offsets by ``to_original`` when given."""
        matches = self._find(t)
        if not matches:
            return []
        key_cue = self._key_cue
        neg_prefix = self._neg_prefix
        out: list[tuple[int, int, str, str]] = []
        last_neg = -10
        if len(matches) > 1 and _overlapping(matches):
            # drop a match inside a longer one (the automaton reports them by end, so the
            # longer one may come before or after it)
            matches = [
                m
                for m in matches
                if not any(
                    o[0] <= m[0] and m[1] <= o[1] and o[1] - o[0] > m[1] - m[0] for o in matches
                )
            ]
        for s, e, pid in matches:
            kind, word = key_cue[pid]
            if kind == "negation":
                last_neg = e
            elif (kind == "fake" or kind == "debunk") and _denied(t, last_neg, s):
                # 不是假表, 早已不是粗糙的仿冒: the seller denies selling fakes, no talk about
                # fakes; 绝不是传说: the seller denies that the effect is a myth
                continue
            elif kind == "debunk" and s > 0 and t[s - 1] in "不没非未":
                continue  # 一点不夸大其词, 不骗人的: the seller vouches for the claim
            elif neg_prefix[pid]:
                last_neg = s + neg_prefix[pid]
            if to_original is not None:
                s, e = to_original(s, e)
            out.append((s, e, kind, word))
        return out

    def judge(
        self,
        st: str,
        t: str,
        to_original,
        spans: list[tuple[int, int, str, int]],
        read: list[str | None] | None = None,
    ) -> list[tuple[str, str]]:
        """(stance, cue) for each (start, end, rule id, severity) span of the original text.

        ``st`` is the converted text aligned with the original (punctuation and quotation marks
        kept), ``t`` the normalised text the cues are matched on and ``to_original`` its offset
        map (None: the same offsets). ``read``: for a span matched on letters (a pinyin or
        initials spelling, a run read back as hanzi), the words it was read as, else None: what
        the term itself says (全网最低价 names a price, so does qwzdj) is read in them, not in
        the letters of ``st``."""
        verdicts = self._judge(st, t, to_original, spans, read)
        if "、" in st and len(spans) >= _LIST_MIN:
            listed = _bare_list(st, spans, read)
            if listed:
                verdicts = [
                    ("mention", "并列的绝对化用语") if k in listed and v[0] in COUNTED else v
                    for k, v in enumerate(verdicts)
                ]
        return verdicts

    def _judge(self, st, t, to_original, spans, read=None):
        cues = self.cues_in(t, to_original)
        if read is not None:
            # the cues in the words a span was read as stand where the span stands, as they
            # would in hanzi (专柜 in 专柜品质 makes the sentence one about goods, for zgpz too)
            inner = [
                (s, e, kind, word)
                for (s, e, _r, _sev), w in zip(spans, read, strict=True)
                if w is not None
                for _a, _b, kind, word in self.cues_in(w)
            ]
            if inner:
                cues = sorted([*cues, *inner], key=lambda c: c[1])
        # no quotation mark or | next to a finding and no cue that can suppress: most texts need
        # no layout (see _quick)
        n = len(st)
        speech = _maybe_speech(st)
        for s, e, _r, _sev in spans:
            if (s > 0 and st[s - 1] in _MENTION_MARKS) or (e < n and st[e] in _MENTION_MARKS):
                break
        else:
            quick = self._quick(st, cues, spans, speech, read)
            if quick is not None:
                return quick
        layout = _Layout(st)
        price = _may_have_price(st)
        decide = self._decide
        ends = [c[1] for c in cues]
        if read is None:
            return [
                decide(st, layout, cues, ends, s, e, rid, sev, speech, price)
                for s, e, rid, sev in spans
            ]
        return [
            decide(st, layout, cues, ends, s, e, rid, sev, speech, price, term)
            for (s, e, rid, sev), term in zip(spans, read, strict=True)
        ]

    def _quick(self, st, cues, spans, speech, read=None):
        """The verdicts without a layout when no cue can suppress anything (no report, law,
        complaint, warning or code cue, no denial right before a finding): ``offer`` where an
        offer cue shares the finding's sentence, the anchoring rules of _decide for absolute and
        weak counterfeit terms, else ``claim`` — the same verdicts _decide gives such a text.
        None: judge in full."""
        offers = None
        for _a, b, kind, word in cues:
            if kind in _QUICK_KINDS:
                if kind == "offer" or kind == "price":
                    if offers is None:
                        offers = []
                    offers.append((_a, b, word))
                continue
            if kind == "negation":
                for s, _e, _r, _sev in spans:
                    if 0 <= s - b <= NEGATION_GAP:
                        return None
                continue
            if kind == "impossible":
                # it can only deny an advertising claim after it (or at it: 哪能|治癌症)
                if any(r.startswith("false_ad.") and _a < s for s, _e, r, _sev in spans):
                    return None
                continue
            if kind == "debunk":
                # it can only debunk an advertising claim before it
                if any(r.startswith("false_ad.") and e <= _a for _s, e, r, _sev in spans):
                    return None
                continue
            if kind == "third" or kind == "disparage" or kind == "dissuade":
                if any(r.startswith("counterfeit.") for _s, _e, r, _sev in spans):
                    return None
                continue
            return None
        if speech and _SPEECH_RE.search(st):
            return None
        for s, e, r, _sev in spans:
            if r.startswith("counterfeit.") and _defined(st, 0, s, e, len(st)) is not None:
                return None  # a trade word explained as a word: judge in full
        if _may_have_price(st) and _PRICE_RE.search(st) is not None:
            return None  # a price is an offer cue of its own sentence: judge in full
        if "?" in st or "？" in st:
            for _s, e, _r, _sev in spans:
                m = _SENT_RE.search(st, e)
                if m is not None and st[m.start()] in "?？":
                    return None  # the clause asks about or doubts the claim: judge in full
        anchored = [_needs_layout(r, sev) for _, _, r, sev in spans]
        if any(anchored) and _QUOTE_OR_PAREN_RE.search(st):
            return None
        out = []
        search = _SENT_RE.search
        for k, ((s, e, r, sev), anchor) in enumerate(zip(spans, anchored, strict=True)):
            verdict = None
            if anchor and r == "false_ad.absolute" and _ORDINAL_RE.match(st, s):
                out.append(("ordinary", "序数词"))
                continue
            for a, b, word in offers or ():
                if b <= s or a >= e:
                    lo, hi = (b, s) if b <= s else (e, a)
                    if search(st, lo, hi) is None:
                        verdict = ("offer", word)
                        break
            if verdict is None:
                term = None if read is None else read[k]
                verdict = _anchored(st, cues, s, e, r, sev, term) if anchor else _CLAIM
            out.append(verdict)
        return out

    # -- the rules ---------------------------------------------------------------------------
    def _decide(self, t, layout, cues, ends, s, e, rule_id, severity, speech, price, term=None):
        """``speech``: _maybe_speech(t); ``price``: _may_have_price(t) (both per text);
        ``ends``: the cues' ends (they come by end); ``term``: the words the span was read as
        (``judge``'s ``read``), else None: ``t[s:e]``."""
        k, ss, se = layout.sentence(s)
        cs, ce = layout.clause(s)
        first: dict[str, str] = {}
        neg = imp = None
        commerce = commerce_clause = None
        codes = None
        anaphor = None
        offer_in_clause = False
        warning = disparage = dissuade = None
        parens = layout.parens
        # the cues inside the sentence: those that end in it (bisected), less any starting before
        for a, b, kind, word in cues[bisect_right(ends, ss) : bisect_right(ends, se)]:
            if a < ss:
                continue
            if kind == "negation":
                if a >= cs and b <= s and s - b <= (0 if word == "非" else NEGATION_GAP):
                    if not (word == "非" and t[a : a + 2] in ("非常", "非凡", "是非")):
                        neg = neg or word
                continue
            if kind == "impossible" or kind == "debunk":
                # impossible: 尚未有一种能够完全治愈…, 无法根治 — the clause denies the effect
                # before the claim (advertising rules only: 无法分辨真假 is a seller's boast
                # about a fake); the denial may share its last character with the claim (哪能 +
                # 能治癌症). debunk: 抗癌等其他功效也都是传说而已 — the clause calls the claim
                # before it a myth. A contrast between them takes the claim back up.
                if kind == "impossible":
                    lo = layout.clause(s - 1)[0] if s > 0 and t[s - 1] in _OPEN else cs
                    inside, gap = lo <= a < s and b <= e, t[b:s]
                else:
                    inside, gap = a >= e and b <= ce, t[e:a]
                if (
                    imp is None
                    and inside
                    and rule_id.startswith("false_ad.")
                    and not any(c in gap for c in _CONTRAST)
                ):
                    imp = word
                continue
            if kind == "word":
                continue
            if kind == "commerce":
                commerce = commerce or word
                if commerce_clause is None and a >= cs and b <= ce:
                    commerce_clause = word
                continue
            if kind == "anaphor":
                if a <= ss + 2 and anaphor is None:
                    anaphor = word
                continue
            if kind == "code":
                if codes is None:
                    codes = set()
                codes.add(word)
                continue
            if not (b <= s or a >= e):
                continue  # a cue overlapping the finding does not judge it
            if parens and layout.aside(a, b, s, e):
                continue
            if kind == "warning":
                if warning is None and a >= cs and b <= ce:
                    warning = word
                continue
            if kind == "disparage":
                if disparage is None and a >= cs and b <= ce:
                    disparage = word
                continue
            if kind == "dissuade":
                if dissuade is None and a >= cs and b <= ce:
                    dissuade = word
                continue
            if (kind == "offer" or kind == "price") and a >= cs and b <= ce:
                offer_in_clause = True
            if kind not in first:
                first[kind] = word

        if "law" in first:
            return "law", first["law"]
        if speech:
            m = _SPEECH_RE.search(t, ss, se)
            if m is not None and (m.end() <= s or m.start() >= e):
                return "report", m.group(0)
        if "report" in first:
            return "report", first["report"]
        if "fake" in first:
            return "report", first["fake"]
        if "third" in first and rule_id.startswith("counterfeit."):
            # 他们只卖300元: a narrator telling what third parties sell (a seller pitches in the
            # first person)
            return "report", first["third"]
        quote = layout.quote(s, e) if layout.quotes else None
        if quote is not None and (quote[1] - quote[0]) - (e - s) <= 2:
            before = t[max(0, quote[0] - 3) : quote[0] - 1]
            if _LIST_AFTER_RE.match(t, quote[1] + 1) or before.endswith(_EXAMPLE_BEFORE):
                return "mention", t[quote[0] - 1 : quote[1] + 1]
        if (
            quote is not None
            and rule_id.startswith("counterfeit.")
            and (quote[1] - quote[0]) - (e - s) <= 2
        ):
            # “真标”“高端”“1:1”: quoted trade words side by side are named, not used (quoted
            # ad claims side by side are the ad's own words, and count)
            if (
                t[quote[1] : quote[1] + 2][-1:] in _OPEN
                or t[max(0, quote[0] - 2) : quote[0] - 1] in _CLOSE_SET
            ):
                return "mention", t[quote[0] - 1 : quote[1] + 1]
        if (s > 0 and t[s - 1] == "|") or (e < len(t) and t[e] == "|"):
            return "mention", "|"
        if neg is not None:
            return "negated", neg
        if imp is not None:
            return "negated", imp
        if rule_id == "false_ad.absolute" and _ORDINAL_RE.match(t, s):
            return "ordinary", "序数词"
        if codes is not None and len(codes) >= 2:
            return "code", next(iter(codes))
        if "software" in first and rule_id.startswith("counterfeit."):
            return "code", first["software"]  # 一比一复刻 a program: a clone, not a fake good
        offer = first.get("offer")
        if "complaint" in first and offer is None:
            return "complaint", first["complaint"]
        if offer is None:
            offer = first.get("price")
            if offer is None:
                m = _PRICE_RE.search(t, ss, se) if price else None
                if m is not None:
                    offer = m.group(0)
                    offer_in_clause = offer_in_clause or (m.start() >= cs and m.end() <= ce)
        if warning is not None and not offer_in_clause:
            return "warning", warning
        if dissuade is not None and not offer_in_clause and rule_id.startswith("counterfeit."):
            # 避免购买精仿产品, 请勿发布精仿手机类信息, 免税烟怎么区分: the clause tells the reader
            # not to buy, sell or post the fake, or how to tell it apart; no seller does
            return "warning", dissuade
        if disparage is not None and not offer_in_clause and rule_id.startswith("counterfeit."):
            # a仿品做不到, a货…劣质皮料: the clause runs the fake down; no seller does
            return "report", disparage
        if offer is None and k > 0 and anaphor is not None:
            opening = t[ss : ss + 3].lstrip(' “「"')
            if opening.startswith(anaphor):
                frame = self._frame(layout, cues, k - 1)
                if frame:
                    return "report", f"{anaphor}（承上句：{frame}）"
        if offer is not None:
            return "offer", offer
        if rule_id.startswith("counterfeit."):
            m = _defined(t, ss, s, e, se)
            if m is not None:
                # 原单就是另外一个厂家出的, 所谓高仿, 对于原单货: the trade word is explained as a
                # word, not offered (a seller's 原单就是… carries its call to action or price)
                return "report", f"释义（{m}）"
        q = _SENT_RE.search(t, e, se + 1)
        if q is not None and t[q.start()] in "?？":
            if rule_id.startswith("counterfeit."):
                if _QUESTION_RE.search(t, cs, q.start()) is not None:
                    # 这是高仿掘金？ 哪弄的高仿？ asking about a fake, not offering one
                    return "ordinary", "疑问句"
            else:
                # the doubt governs a 、-list of claims after it (居然能“当天见效”、“彻底治愈”…？)
                lo = max(ss, *(t.rfind(c, ss, s) + 1 for c in _PHRASE_END))
                m = _DOUBT_RE.search(t, min(cs, lo), q.start())
                if m is not None and not (s < m.end() and m.start() < e):
                    # 泡脚就能降血糖？ a headline doubting the claim, not making it
                    return "ordinary", f"质疑句（{m.group(0)}）"
        if rule_id in _ANCHORED_RULES:
            if term is None:
                term = t[s:e]
            for m in _COMMERCIAL_MORPHEMES:
                if m in term:
                    return _CLAIM
            if "opinion" in first:
                return "ordinary", first["opinion"]
            if quote is not None and quote[0] > 0 and t[quote[0] - 1] == "《":
                return "mention", "《》书名"
            if se > ss and t[se - 1] in "?？" and quote is None:
                return "ordinary", "疑问句"
            if layout.n <= SHORT_TEXT or quote is not None:
                return _CLAIM
            if se - ss <= SHORT_SENTENCE and not _NARRATIVE_RE.search(t, ss, se):
                return "claim", "短句广告语"
            if commerce_clause is not None:
                return "claim", commerce_clause
            m = _self_promotion(t, cs, s, e)
            if m is not None:
                return "claim", m
            return "ordinary", "分句中无商品、价格或卖家语境"
        if rule_id.startswith("counterfeit.") and severity <= _WEAK_COUNTERFEIT:
            if layout.n > SHORT_TEXT * 3 and quote is None and commerce is None:
                return "ordinary", "句中无商品、价格或卖家语境"
        return _CLAIM

    def _frame(self, layout, cues, k):
        """The first report or law cue of sentence ``k`` (for an anaphor opening the next)."""
        ss, se = layout.sentences[k], layout.sentences[k + 1]
        for a, b, kind, word in cues:
            if a >= ss and b <= se and kind in ("report", "fake", "law"):
                return word
        return None


# a trade word explained as a word: a definition right after it (原单就是…, A货是指…, 高仿的
# 意思是…) or a topic frame right before it (所谓高仿, 对于原单货, 什么是A货, 关于尾单)
_DEFINED_AFTER_RE = re.compile(
    r"(?:货|版|品|包|鞋|表)?(?:其实|实际上)?"
    r"(?:就是|是指|指的是|即是|的意思是|的定义|的性质|是一种)"
)
_DEFINED_BEFORE_RE = re.compile(
    r"(?:所谓的?|对于|对於|关于|关於|什么是|什么叫|何谓|何为)[“「『‘\"]?\Z"
)


def _defined(t: str, ss: int, s: int, e: int, se: int) -> str | None:
    """The definition or topic frame around a counterfeit trade word, or None."""
    m = _DEFINED_AFTER_RE.match(t, e, se)
    if m is not None:
        return t[s : m.end()]
    m = _DEFINED_BEFORE_RE.search(t, max(ss, s - 5), s)
    if m is not None:
        return t[m.start() : e]
    return None


_CLOSE_SET = frozenset(_CLOSE + '"')
# a question that asks about a thing (这是…？ 哪弄的…？ …吗？), not a seller's rhetorical one
_QUESTION_RE = re.compile(r"这是|那是|是不是|是否|哪|吗|么|谁|难道|真的")
# a question that doubts a claim (泡脚就能降血糖？ 真能根治吗？)
_PHRASE_END = ",，:：;；"
_DOUBT_RE = re.compile(
    r"就能|真能|真的能|竟能|竟然|居然|怎么可能|难道|能否|靠谱|可信|真的吗|是真的|真有"
)
# a contrast after a denial takes the claim back up (不是药，而是能根治…)
_CONTRAST = ("而是", "但是", "却", "只要", "就能")
_MENTION_MARKS = frozenset(_OPEN + _CLOSE + '"|')
# cue kinds that cannot suppress a finding on their own (an anaphor needs a report cue in the
# previous sentence; commerce and opinion words only matter to anchored rules)
_QUICK_KINDS = frozenset({"offer", "price", "commerce", "opinion", "anaphor", "word"})


# reported speech: a name or title of two to four characters and a speech verb before a comma
# or colon (王业武称，… 记者介绍：…); 名称 简称 堪称 号称 传说 小说 学说 are not speech
_SPEECH_RE = re.compile(
    r"[\u4e00-\u9fff]{2,4}(?<![名简堪号俗统总爱声宣自谎传小学])(?:称|表示|介绍|透露|指出|说)[,，:：]"
)
# the verb and its punctuation alone: a cheap first search before _SPEECH_RE
_SPEECH_VERB_RE = re.compile(r"(?:称|表示|介绍|透露|指出|说)[,，:：]")


# a bare absolute adjective (最佳, 第一, 唯一) that fills a whole item of a list of at least this
# many such items (国家级、最高级、最佳、最大) is a word named in a list of banned words: an
# absolute term claims something only of the noun it qualifies (terms that name a price, sales or
# a shop are claims on their own and stay: 全网最低价、销量第一、全国首家)
_LIST_MIN = 3
_ITEM_START = frozenset("、,，:：;；(（ \n")
_ITEM_END = frozenset("、,，。;；!！?？)） \n")


def _bare_list(st: str, spans, read=None) -> set[int]:
    """Indexes of the absolute-term spans that are whole items of a 、-list of _LIST_MIN or more
    such items (``read``: as for ``StanceJudge.judge``)."""
    n = len(st)
    bare: dict[int, tuple[int, list[int]]] = {}  # start -> (end, span indexes)
    for k, (s, e, rid, _sev) in enumerate(spans):
        term = st[s:e] if read is None or read[k] is None else read[k]
        if rid != "false_ad.absolute" or any(m in term for m in _COMMERCIAL_MORPHEMES):
            continue  # 全网最低价、销量第一、… are claims on their own
        if (s == 0 or st[s - 1] in _ITEM_START) and (e == n or st[e] in _ITEM_END):
            if "、" not in (st[s - 1 : s] + st[e : e + 1]):
                continue
            end, ks = bare.get(s, (e, []))
            if e == end:
                ks.append(k)
                bare[s] = (e, ks)
            elif e > end:
                bare[s] = (e, [k])
    out: set[int] = set()
    chain: list[int] = []
    prev_end = -2
    for s in sorted(bare):
        e, ks = bare[s]
        if not (s == prev_end + 1 and st[prev_end] == "、"):
            if len(chain) >= _LIST_MIN:
                out.update(k for c in chain for k in bare[c][1])
            chain = []
        chain.append(s)
        prev_end = e
    if len(chain) >= _LIST_MIN:
        out.update(k for c in chain for k in bare[c][1])
    return out


def _overlapping(matches) -> bool:
    """Do any two automaton matches (by end) overlap? Two do if and only if two neighbours do:
    a match that starts before the end of an earlier one starts before the end of the one just
    before it, which ends no earlier."""
    prev_e = -1
    for s, e, _ in matches:
        if s < prev_e:
            return True
        prev_e = e
    return False


_DENIED_GAP_RE = re.compile(r"[\u4e00-\u9fff]{1,4}的\Z")


def _denied(t: str, neg_end: int, s: int) -> bool:
    """Does a denial ending at ``neg_end`` govern a cue starting at ``s``: right before it (不是
    假表), or with a modifier in between (不是粗糙的仿冒)?"""
    gap = s - neg_end
    if gap <= 1:
        return True
    return gap <= 5 and _DENIED_GAP_RE.search(t, neg_end, s) is not None


def _maybe_speech(t: str) -> bool:
    """Can ``t`` hold reported speech? C-level substring tests first: a regular expression
    with alternatives has no fast prefilter in ``re``."""
    return (
        "称" in t or "说" in t or "表示" in t or "介绍" in t or "透露" in t or "指出" in t
    ) and _SPEECH_VERB_RE.search(t) is not None


_P_PRICE_RE = re.compile(r"(?<![a-z0-9])p\d{2,6}(?![a-z0-9])")


def _bounds(t: str, s: int, e: int, ends: str) -> tuple[int, int]:
    """The span around [s, e) between the nearest characters of ``ends`` (the end character
    belongs to the span it ends)."""
    lo = 0
    for ch in ends:
        k = t.rfind(ch, 0, s)
        if k >= lo:
            lo = k + 1
    hi = len(t)
    for ch in ends:
        k = t.find(ch, e, hi)
        if k >= 0:
            hi = k + 1
    return lo, hi


def _anchored(
    t: str, cues, s: int, e: int, rule_id: str, severity: int, term: str | None = None
) -> tuple[str, str]:
    """_decide's verdict for an absolute or weak counterfeit term in a text without quotation
    marks, report, law, complaint, warning or offer cues in its sentence (``term``: as for
    _decide)."""
    ss, se = _bounds(t, s, e, _SENT_END)
    n = len(t)
    if rule_id in _ANCHORED_RULES:
        if term is None:
            term = t[s:e]
        for m in _COMMERCIAL_MORPHEMES:
            if m in term:
                return _CLAIM
        for a, b, kind, word in cues:
            if kind == "opinion" and a >= ss and b <= se:
                return "ordinary", word
        if n <= SHORT_TEXT:
            return _CLAIM
        if se > ss and t[se - 1] in "?？":
            return "ordinary", "疑问句"
        if se - ss <= SHORT_SENTENCE and not _NARRATIVE_RE.search(t, ss, se):
            return "claim", "短句广告语"
        cs, ce = _bounds(t, s, e, _SENT_END + _CLAUSE_END)
        for a, b, kind, word in cues:
            if kind == "commerce" and a >= cs and b <= ce and (b <= s or a >= e):
                return "claim", word
        m = _self_promotion(t, cs, s, e)
        if m is not None:
            return "claim", m
        return "ordinary", "分句中无商品、价格或卖家语境"
    if n > SHORT_TEXT * 3:
        for a, b, kind, _word in cues:
            if kind == "commerce" and a >= ss and b <= se:
                return _CLAIM
        return "ordinary", "句中无商品、价格或卖家语境"
    return _CLAIM


# a business placing itself or what it offers at the top (做南通最专业的生日派对, 打造全国最大的
# …基地, 致力于成为行业最好的…): the verb of self-positioning opens the clause and the absolute
# term qualifies a noun after it (最…的 + noun); 做最好的自己 is a motto, not an offer, 成为
# 我国最大的…基地 reports a fact, 做好工作最重要的前提 and 专注力最好的方法 are not the frame
_SELF_PROMO_RE = re.compile(
    r"(?<![叫看当称])(做(?![好了成过得出到点才完起])|打造|争做|争当|只做|专做|致力于|立志"
    r"|专注(?![力度])于?)"
    r"[\u4e00-\u9fffa-z0-9]{0,8}\Z"
)
_SELF_PROMO_AFTER_RE = re.compile(
    r"[\u4e00-\u9fff]{0,4}的(?!自己|人|我|你|他|她|事|梦|一)[\u4e00-\u9fffa-z]"
)


def _self_promotion(t: str, cs: int, s: int, e: int) -> str | None:
    """The self-positioning verb (做, 打造, 致力于 …) of an absolute term's clause, or None."""
    m = _SELF_PROMO_RE.search(t, cs, s)
    if m is None or _SELF_PROMO_AFTER_RE.match(t, e) is None:
        return None
    return m.group(1)


def _may_have_price(t: str) -> bool:
    """A cheap test before _PRICE_RE (a regular expression with alternatives has no fast
    prefilter in ``re``)."""
    return (
        "元" in t or "块" in t or "¥" in t or "￥" in t or "/" in t or "rmb" in t or "💰" in t
    ) or ("p" in t and _P_PRICE_RE.search(t) is not None)


def _needs_layout(rule_id: str, severity: int) -> bool:
    return rule_id in _ANCHORED_RULES or (
        rule_id.startswith("counterfeit.") and severity <= _WEAK_COUNTERFEIT
    )


_SHARED: StanceJudge | None = None


def shared_judge() -> StanceJudge:
    """The stance judge over the shipped cue list, built once per process (a few ms)."""
    global _SHARED
    if _SHARED is None:
        from .normalize import Normalizer

        _SHARED = StanceJudge(load_cues(), Normalizer().normalize_term)
    return _SHARED
