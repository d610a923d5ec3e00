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
* ``law`` — quotation of the law, an explainer or a list of banned words (不得, 禁止, 广告法,
  极限词, 等字样);
* ``mention`` — the term is named, not used: alone in quotation marks inside a list (“最佳”、“第一”)
  or between ``|`` separators;
* ``negated`` — a denial just before the term in its clause (不是高仿, 非A货, 绝不卖…);
* ``complaint`` — a consumer complaint (买到, 被骗, 卖家说) with no seller cue in the sentence;
* ``warning`` — a consumer warning (谨防, 提醒) in the term's clause with no seller cue there;
* ``code`` — program text (two or more code tokens in the sentence);
* ``ordinary`` — an absolute term or a weak counterfeit word in a longer text whose sentence says
  nothing about goods, prices or a seller (最大的挑战, 盗版 in a film review), or an ordinal
  (第一、二产业, 第一章): Advertising Law 第九条 applies to claims about what is sold.
"""

from __future__ import annotations

import csv
import re
from bisect import bisect_right
from dataclasses import dataclass
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
    "anaphor",
    "code",
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
)
# a text this short is read as a slogan fragment: no commercial context is required for an
# absolute term in it
SHORT_TEXT = 12
NEGATION_GAP = 3  # characters allowed between a denial and the term (不是什么高仿)
_SENT_END = "。.!?！？;；\n\r"
_CLAUSE_END = ",，:：、"
_OPEN = "“「『‘《"
_CLOSE = "”」』’》"
_PAREN_OPEN = "(（"
_PAREN_CLOSE = ")）"
_MARKS_RE = re.compile(
    "["
    + re.escape(_SENT_END + _CLAUSE_END + _OPEN + _CLOSE + _PAREN_OPEN + _PAREN_CLOSE + '"')
    + "]"
)
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
    r"(?:[¥￥]|rmb|人民币)\s*\d|\d(?:\.\d+)?\s*(?:元|块|rmb)|\d+\s*(?:元|块)?\s*/\s*(?:条|瓶|盒|件|只|双|个|包)"
)
_ORDINAL_RE = re.compile(
    r"第一(?=[、,]?(?:第?[二两三四五六七八九十])|[章节条款项季期届批轮天年月日步部集卷次名位个只种类段阶层代排号场组])"
)
# an absolute term or a weak counterfeit word needs commercial context in a longer text
_ANCHORED_RULES = frozenset({"false_ad.absolute"})
_WEAK_COUNTERFEIT = 3  # counterfeit rules of this severity or less need it too (盗版, 对版, 同厂)
# an absolute term that itself names a price, sales or a shop is a commercial claim on its own
# (全网最低价, 销量第一, 第一品牌, 全国首家)
_COMMERCIAL_MORPHEMES = ("价", "销", "品牌", "网", "店", "首发", "首家", "产品", "楼王", "铺", "墅")


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


class _Layout:
    """Sentence and clause boundaries of one normalised text, and its quotation spans."""

    __slots__ = ("clauses", "n", "parens", "quotes", "sentences")

    def __init__(self, t: str):
        n = self.n = len(t)
        sentences = [0]
        clauses = [0]
        quotes: list[tuple[int, int]] = []
        parens: list[tuple[int, int]] = []
        paren_stack: list[int] = []
        stack: list[int] = []
        ascii_open = -1
        for m in _MARKS_RE.finditer(t):
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
            elif ch in _SENT_END:
                if ch == "." and 0 < i < n - 1 and t[i - 1].isascii() and t[i + 1].isascii():
                    continue  # 3.5, www.x.com: not a full stop
                clauses.append(i + 1)
                if not stack and ascii_open < 0:
                    sentences.append(i + 1)
            else:
                clauses.append(i + 1)
        sentences.append(n + 1)
        clauses.append(n + 1)
        self.sentences = sentences
        self.clauses = sorted(set(clauses))
        self.quotes = quotes
        self.parens = parens

    def sentence(self, s: int) -> tuple[int, int, int]:
        """(index, start, end) of the sentence holding position ``s``."""
        k = bisect_right(self.sentences, s) - 1
        return k, self.sentences[k], min(self.sentences[k + 1], self.n)

    def sentence_at(self, k: int) -> tuple[int, int]:
        return self.sentences[k], min(self.sentences[k + 1], self.n)

    def clause(self, s: int) -> tuple[int, int]:
        k = bisect_right(self.clauses, s) - 1
        return self.clauses[k], min(self.clauses[k + 1], self.n)

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


class StanceJudge:
    """Cue automaton plus the decision rules; immutable and thread-safe, built once."""

    def __init__(self, cues: tuple[Cue, ...], normalize_term):
        keys: dict[str, list[int]] = {}
        words: list[str] = []
        kinds: list[str] = []
        for c in cues:
            key = normalize_term(c.cue) if c.kind != "code" else c.cue.lower()
            if not key:
                continue
            keys.setdefault(key, []).append(len(words))
            words.append(c.cue)
            kinds.append(c.kind)
        self._keys = list(keys)
        self._key_cues = [tuple(keys[k]) for k in self._keys]
        self._words = tuple(words)
        self._kinds = tuple(kinds)
        self._ac = daachorse.CharwiseDoubleArrayAhoCorasick(self._keys)
        self._find = self._ac.find_overlapping

    def cues_in(self, t: str, to_original=None) -> list[tuple[int, int, str, str]]:
        """Every cue in ``t`` that is not inside a longer cue (假货 inside 假货包退 is the seller's
        promise, not talk about fakes): (start, end, kind, word), by end; mapped to original
        offsets by ``to_original`` when given."""
        out: list[tuple[int, int, str, str]] = []
        kinds, words, key_cues = self._kinds, self._words, self._key_cues
        matches = self._find(t)
        if len(matches) > 1:
            # overlapping matches come by end, longest first: a match inside the previous
            # longer one ends at or before it and starts at or after it
            kept = []
            for m in matches:
                for p in kept[-4:]:
                    if p[0] <= m[0] and m[1] <= p[1]:
                        break
                else:
                    kept.append(m)
            matches = kept
        last_neg = -10
        for s, e, pid in matches:
            cis = key_cues[pid]
            kind = kinds[cis[0]]
            if kind == "negation":
                last_neg = e
            elif kind == "fake" and s - last_neg <= 1:
                continue  # 不是假表: the seller denies selling fakes, no talk about fakes
            if to_original is not None:
                s, e = to_original(s, e)
            for ci in cis:
                out.append((s, e, kinds[ci], words[ci]))
        return out

    def judge(
        self, st: str, t: str, to_original, spans: list[tuple[int, int, str, int]]
    ) -> list[tuple[str, str]]:
        """(stance, cue) for each (start, end, rule id, severity) span of the original text.

        ``st`` is the converted text aligned with the original (punctuation and quotation marks
        kept), ``t`` the normalised text the cues are matched on and ``to_original`` its offset
        map (None: the same offsets)."""
        cues = self.cues_in(t, to_original)
        layout = _Layout(st)
        memo: dict[int, dict] = {}
        return [
            self._decide(st, layout, cues, memo, s, e, rule_id, severity)
            for s, e, rule_id, severity in spans
        ]

    # -- the rules ---------------------------------------------------------------------------
    def _sentence_cues(self, t, layout, cues, memo, k):
        """The cues of sentence ``k`` by kind: {kind: [(start, end, word)]}, plus its price."""
        got = memo.get(k)
        if got is not None:
            return got
        ss, se = layout.sentence_at(k)
        by_kind: dict[str, list[tuple[int, int, str]]] = {}
        for cs, ce, kind, word in cues:
            if ss <= cs and ce <= se:
                by_kind.setdefault(kind, []).append((cs, ce, word))
        m = _PRICE_RE.search(t, ss, se)
        if m:
            by_kind.setdefault("price", []).append((m.start(), m.end(), m.group(0)))
        memo[k] = by_kind
        return by_kind

    def _decide(self, t, layout, cues, memo, s, e, rule_id, severity):
        k, ss, se = layout.sentence(s)
        by_kind = self._sentence_cues(t, layout, cues, memo, k)

        def outside(kind):
            # cues of ``kind`` in the sentence that neither overlap the finding nor sit in a
            # parenthetical aside of their own
            return [
                c
                for c in by_kind.get(kind, ())
                if (c[1] <= s or c[0] >= e) and not layout.aside(c[0], c[1], s, e)
            ]

        law = outside("law")
        if law:
            return "law", law[0][2]
        report = outside("report") or outside("fake")
        if report:
            return "report", report[0][2]
        quote = layout.quote(s, e)
        if quote is not None and (quote[1] - quote[0]) - (e - s) <= 2:
            before = t[max(0, quote[0] - 3) : quote[0] - 1]
            if _LIST_AFTER_RE.match(t, quote[1] + 1) or before.endswith(_EXAMPLE_BEFORE):
                return "mention", t[quote[0] - 1 : quote[1] + 1]
        if (s > 0 and t[s - 1] == "|") or (e < len(t) and t[e] == "|"):
            return "mention", "|"
        cs, ce = layout.clause(s)
        for a, b, word in by_kind.get("negation", ()):
            if a >= cs and b <= s and s - b <= (0 if word == "非" else NEGATION_GAP):
                if word == "非" and t[a : a + 2] in ("非常", "非凡", "是非"):
                    continue
                return "negated", word
        if rule_id == "false_ad.absolute" and _ORDINAL_RE.match(t, s):
            return "ordinary", "序数词"
        code = by_kind.get("code", ())
        if len({w for _, _, w in code}) >= 2:
            return "code", code[0][2]
        software = outside("software")
        if software and rule_id.startswith("counterfeit."):
            return "code", software[0][2]  # 一比一复刻 a program: a clone, not a fake good
        offer = outside("offer")
        price = by_kind.get("price", [])
        complaint = by_kind.get("complaint")
        if complaint and not offer:
            return "complaint", complaint[0][2]
        offer = offer + price
        warning = [c for c in by_kind.get("warning", ()) if c[0] >= cs and c[1] <= ce]
        if warning and not any(a >= cs and b <= ce for a, b, _ in offer):
            return "warning", warning[0][2]
        if not offer and k > 0:
            opening = t[ss : ss + 3].lstrip(' “「"')
            for a, _b, word in by_kind.get("anaphor", ()):
                if a <= ss + 2 and opening.startswith(word):
                    prev = self._sentence_cues(t, layout, cues, memo, k - 1)
                    frame = prev.get("report") or prev.get("law")
                    if frame:
                        return "report", f"{word}（承上句：{frame[0][2]}）"
        if offer:
            return "offer", offer[0][2]
        if rule_id in _ANCHORED_RULES:
            term = t[s:e]
            if any(m in term for m in _COMMERCIAL_MORPHEMES):
                return "claim", ""
            opinion = by_kind.get("opinion")
            if opinion:
                return "ordinary", opinion[0][2]
            if layout.n <= SHORT_TEXT or quote is not None:
                return "claim", ""
            if se - ss <= SHORT_SENTENCE and not _NARRATIVE_RE.search(t, ss, se):
                return "claim", "短句广告语"
            for a, b, word in by_kind.get("commerce", ()):
                if a >= cs and b <= ce:
                    return "claim", word
            return "ordinary", "分句中无商品、价格或卖家语境"
        if rule_id.startswith("counterfeit.") and severity <= _WEAK_COUNTERFEIT:
            if layout.n > SHORT_TEXT * 3 and quote is None and not by_kind.get("commerce"):
                return "ordinary", "句中无商品、价格或卖家语境"
        return "claim", ""


_SHARED: StanceJudge | None = None


def shared_judge() -> StanceJudge:
    """The stance judge over the shipped cue list, built once per process (a few ms)."""
    global _SHARED
    if _SHARED is None:
        from .normalize import Normalizer

        _SHARED = StanceJudge(load_cues(), Normalizer().normalize_term)
    return _SHARED
