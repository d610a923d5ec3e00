"""The second look: the sentence model (``model.py``) weighs each passage a rule matched, and
each passage no rule matched but that reads like a seller's pitch.

A *passage* is a sentence with its neighbours (the sentence before and the one after): enough
context to tell a film review from a sales pitch, local enough that a report in one paragraph
hides nothing in another. Sentences end at 。！？!?；; and line breaks.

* **Gate.** A counted finding whose sentence the model finds unlikely for its category, alone
  and with its neighbours (the larger of the two probabilities is below the category's ``gate``
  threshold: a neighbour never makes a sentence's own claim less likely), moves to
  ``suppressed`` with the stance ``unlikely``; its cue says ``模型概率 0.03``. Rules of
  severity ``KEEP_SEVERITY`` (the named counterfeit grades: 高仿, A货, 一比一复刻 …) are never
  gated.
* **Detection.** A sentence holding an n-gram strong enough to matter, in which no finding of
  the category exists (counted or suppressed: the stance layer's word on a report, a denial or a
  complaint stands), that reaches the category's ``detect`` threshold on its own (what its
  neighbours say neither adds a claim to it nor hides one), gets a finding
  of the rule ``<category>.model``. Its span is the sentence's strongest run of evidence (never a
  pattern), its explanation names the probability and the n-grams that decided it, and the
  stance layer judges it like any other finding.

Both thresholds are chosen by the training script on cross-validation over the tuning split and
recorded in the model file (``docs/scanning.md``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable

from .model import CATEGORIES, SentenceModel

KEEP_SEVERITY = 5
MODEL_SEVERITY = 4
_SENTENCE_RE = re.compile(r"[^。！？!?；;\n\r]+[。！？!?；;\n\r]*|[。！？!?；;\n\r]+")
_CATEGORY_INDEX = {c: i for i, c in enumerate(CATEGORIES)}
LEGAL_BASIS = {
    "counterfeit": "商标法 第五十七条（侵犯注册商标专用权）；产品质量法 第五条、第三十二条"
    "（以假充真）；电子商务法 第十三条",
    "false_ad": "广告法 第四条（广告不得含有虚假或者引人误解的内容）；第二十八条（虚假广告）",
}
_WHAT = {"counterfeit": "售假", "false_ad": "虚假或违法广告"}


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``, in order, covering it."""
    return [m.span() for m in _SENTENCE_RE.finditer(text)]


class PassageJudge:
    """Built once per scanner. ``normalize(text) -> (normalised, to_original or None)``."""

    def __init__(
        self,
        model: SentenceModel,
        normalize: Callable[[str], tuple[str, Callable | None]],
        gate: tuple[float, ...],
        detect: tuple[float, ...],
    ):
        self.model = model
        self._normalize = normalize
        self.gate = gate
        self.detect = detect
        # the categories a detection is possible for (a threshold above 1 switches it off)
        self.detecting = tuple(ci for ci in range(len(CATEGORIES)) if detect[ci] <= 1.0)

    def review(self, text: str, findings, suppressed):
        """(kept, newly suppressed, detection drafts) for a scanned text. A detection draft is
        (category, start, end, explanation) in original offsets; the scanner judges its stance."""
        model = self.model
        spans = sentences(text)
        if not spans:
            return list(findings), [], []
        starts = [s for s, _ in spans]
        normalize = self._normalize

        def sentence_of(pos: int) -> int:
            return max(0, bisect_right(starts, pos) - 1)

        normalized: dict[tuple[int, int], tuple] = {}  # (start, end) → normalize(text[start:end])
        scored: dict[tuple[int, int], tuple[float, ...]] = {}  # (start, end) → probabilities

        def norm(a: int, b: int) -> tuple:
            n = normalized.get((a, b))
            if n is None:
                n = normalized[a, b] = normalize(text[a:b])
            return n

        def scores(a: int, b: int) -> tuple[float, ...]:
            # a one-sentence text's passage is its sentence, two sentences share their passage
            p = scored.get((a, b))
            if p is None:
                p = scored[a, b] = model.probabilities(norm(a, b)[0])
            return p

        def alone_of(k: int) -> tuple[float, ...]:
            return scores(*spans[k])

        def around_of(k: int) -> tuple[float, ...]:
            a = spans[max(0, k - 1)][0]
            b = spans[min(len(spans) - 1, k + 1)][1]
            return scores(a, b)

        kept, gated = [], []
        had: set[tuple[int, int]] = set()  # (sentence, category) holding any finding
        for f in suppressed:
            ci = _CATEGORY_INDEX.get(f.category)
            if ci is not None:
                had.add((sentence_of(f.start), ci))
        for f in findings:
            ci = _CATEGORY_INDEX.get(f.category)
            if ci is None:
                kept.append(f)
                continue
            k = sentence_of(f.start)
            had.add((k, ci))
            gate = self.gate[ci]
            if f.severity < KEEP_SEVERITY and gate > 0.0:
                # a neighbour's words never make a sentence's own claim less likely: the
                # passage is read only when the sentence alone is below the gate
                q = alone_of(k)[ci]
                if q < gate:
                    q = max(q, around_of(k)[ci])
                    if q < gate:
                        gated.append((f, q))
                        continue
            kept.append(f)
        drafts = []
        detecting = self.detecting
        for k, (a, b) in enumerate(spans):
            if all((k, ci) in had for ci in detecting):
                continue
            sentence = text[a:b]
            t, to_original = norm(a, b)
            if not model.may_detect(t):
                continue
            alone = alone_of(k)
            for ci in detecting:
                cat = CATEGORIES[ci]
                # the sentence alone: what its neighbours say neither adds nor hides a claim
                q = alone[ci]
                if (k, ci) in had or q < self.detect[ci]:
                    continue
                s, e = model.strongest_span(t, ci)
                if to_original is not None:
                    s, e = to_original(s, e)
                s, e = _trim(sentence, s, e)
                if s >= e:
                    continue
                words = "、".join(f"“{g}”" for g in model.evidence(t, ci))
                explanation = (
                    f"模型判断该句像是{_WHAT[cat]}（概率 {q:.2f}；主要依据 {words}），"
                    "未匹配到具体规则，请人工核实"
                )
                drafts.append((cat, a + s, a + e, explanation))
        return kept, gated, drafts


def _trim(sentence: str, s: int, e: int) -> tuple[int, int]:
    """The span without surrounding spaces and punctuation."""
    while s < e and not sentence[s].isalnum():
        s += 1
    while e > s and not sentence[e - 1].isalnum():
        e -= 1
    return s, e
