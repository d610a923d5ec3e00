"""The second look: the sentence model (``model.py``) weighs each passage a rule matched, and
each passage no rule matched but that reads like a seller's pitch.

A *passage* is a sentence with its neighbours (the sentence before and the one after): enough
context to tell a film review from a sales pitch, local enough that a report in one paragraph
hides nothing in another. The sentences are the stance layer's (``stance.sentence_spans``):
they end at 。！？!? and line breaks outside quotation marks (；and ， end clauses).

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

import hashlib
import json
from bisect import bisect_right
from operator import itemgetter

from .model import CATEGORIES, SentenceModel
from .normalize import gap_offsets
from .stance import sentence_spans

KEEP_SEVERITY = 5
MODEL_SEVERITY = 4
_THIRD = itemgetter(2)
_CATEGORY_INDEX = {c: i for i, c in enumerate(CATEGORIES)}
LEGAL_BASIS = {
    "counterfeit": "商标法 第五十七条（侵犯注册商标专用权）；产品质量法 第五条、第三十二条"
    "（以假充真）；电子商务法 第十三条",
    "false_ad": "广告法 第四条（广告不得含有虚假或者引人误解的内容）；第二十八条（虚假广告）",
}
_WHAT = {"counterfeit": "售假", "false_ad": "虚假或违法广告"}


class PassageJudge:
    """Built once per scanner."""

    def __init__(
        self,
        model: SentenceModel,
        gate: tuple[float, ...],
        detect: tuple[float, ...],
    ):
        self.model = model
        self.gate = gate
        self.detect = detect
        # the categories a detection is possible for (a threshold above 1 switches it off)
        self.detecting = tuple(ci for ci in range(len(CATEGORIES)) if detect[ci] <= 1.0)
        # what decides this second look's results: the model (its file's digest) and the
        # thresholds it is used with (``Scanner.fingerprint``)
        blob = json.dumps(
            {
                "model": model.digest,
                "gate": list(gate),
                "detect": list(detect),
                "keep_severity": KEEP_SEVERITY,
                "model_severity": MODEL_SEVERITY,
            },
            sort_keys=True,
        )
        self.fingerprint = hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def may_detect(self, t: str) -> bool:
        """Can a sentence of the normalised text ``t`` reach a detection threshold? (No when
        even all of ``t``'s positive evidence together stays below it: a text with no finding
        then needs no review.)"""
        bound = self.model.max_probabilities(t)
        return any(bound[ci] >= self.detect[ci] - 1e-9 for ci in self.detecting)  # rounding

    def review(self, text: str, t: str, st: str, offsets, findings, suppressed):
        """(kept, newly suppressed, detection drafts) for a scanned text. ``t`` is the text the
        rules read (normalised), ``st`` the converted text aligned with ``text`` (where the
        stance layer reads sentences) and ``offsets`` the way from ``t`` back to ``text``
        (None: the same; an OffsetMap, or the kept pieces and deleted gaps of
        ``normalize._denoise_lazy``): the model reads each sentence as the slice of ``t``
        between its bounds. A detection draft is (category, start, end, explanation) in
        original offsets; the scanner judges its stance."""
        spans = sentence_spans(st)
        if not spans:
            return list(findings), [], []
        if len(spans) == 1:
            # one sentence: its passage is itself, and its slice is the whole of t
            starts = None
            nb = [0, len(t)]
        else:
            starts = [s for s, _ in spans]
            bounds = [*starts, spans[-1][1]]  # the sentences cover the text
            if offsets.__class__ is list:
                offsets = gap_offsets(offsets, len(text))
            nb = bounds if offsets is None else offsets.to_normalized(bounds)
        last = len(spans) - 1
        scores = _Scores(self.model, t, nb)
        gates = self.gate
        kept, gated = [], []
        had: set[tuple[int, int]] = set()  # (sentence, category) holding any finding
        for f in suppressed:
            ci = _CATEGORY_INDEX.get(f.category)
            if ci is not None:
                had.add((0 if starts is None else max(0, bisect_right(starts, f.start) - 1), ci))
        for f in findings:
            ci = _CATEGORY_INDEX.get(f.category)
            if ci is None:
                kept.append(f)
                continue
            k = 0 if starts is None else max(0, bisect_right(starts, f.start) - 1)
            had.add((k, ci))
            gate = gates[ci]
            if f.severity < KEEP_SEVERITY and gate > 0.0:
                # a neighbour's words never make a sentence's own claim less likely: the
                # passage is read only when the sentence alone is below the gate
                q = scores.alone(k)[ci]
                if q < gate and last:
                    q = max(q, scores.around(k)[ci])
                if q < gate:
                    gated.append((f, q))
                    continue
            kept.append(f)
        detecting = self.detecting
        if not detecting or sum(ci in detecting for _, ci in had) == (last + 1) * len(detecting):
            return kept, gated, []
        if not self.may_detect(t):  # no sentence of t can reach a detection threshold
            return kept, gated, []
        return kept, gated, self._detect(text, t, offsets, spans, nb, had, scores)

    def _detect(self, text, t, offsets, spans, nb, had, scores) -> list[tuple]:
        """Detection drafts for the sentences without a finding of a detecting category."""
        model = self.model
        detecting = self.detecting
        drafts = []
        for k, (a, b) in enumerate(spans):
            if all((k, ci) in had for ci in detecting):
                continue
            na, nz = nb[k], nb[k + 1]
            # a strong n-gram inside the sentence's slice (see SentenceModel.may_detect)
            if not model.may_detect(t[na:nz]):
                continue
            alone = scores.alone(k)
            ts = None
            for ci in detecting:
                cat = CATEGORIES[ci]
                # the sentence alone: what its neighbours say neither adds nor hides a claim
                q = alone[ci]
                if (k, ci) in had or q < self.detect[ci]:
                    continue
                if ts is None:
                    ts = t[na:nz]
                s, e = model.strongest_span(ts, ci)
                if offsets.__class__ is list:
                    offsets = gap_offsets(offsets, len(text))
                if offsets is not None:
                    s, e = offsets.to_original(na + s, na + e)
                    s, e = s - a, e - a
                s, e = _trim(text[a:b], s, e)
                if s >= e:
                    continue
                words = "、".join(f"“{g}”" for g in model.evidence(ts, ci))
                explanation = (
                    f"模型判断该句像是{_WHAT[cat]}（概率 {q:.2f}；主要依据 {words}），"
                    "未匹配到具体规则，请人工核实"
                )
                drafts.append((cat, a + s, a + e, explanation))
        return drafts


class _Scores:
    """The model's probabilities for the sentences of one normalised text ``t`` (``bounds``:
    where each sentence starts in ``t``, and its end), alone and with their neighbours, each
    scored once: one automaton pass over a sentence's slice; a passage's n-grams are those of
    its sentences and the few that cross their boundaries (the model is a sum over the distinct
    n-grams present, so a passage is not the sum of its sentences' scores)."""

    __slots__ = ("_around", "_bounds", "_model", "_present", "_probs", "_t")

    def __init__(self, model: SentenceModel, t: str, bounds: list[int]):
        self._model = model
        self._t = t
        self._bounds = bounds
        self._present: dict[int, set[int]] = {}
        self._probs: dict[int, tuple[float, ...]] = {}
        self._around: dict[int, tuple[float, ...]] = {}

    def present(self, k: int) -> set[int]:
        """The key indexes of the weighted n-grams of sentence ``k``."""
        p = self._present.get(k)
        if p is None:
            b = self._bounds
            t = self._t
            piece = t if len(b) == 2 else t[b[k] : b[k + 1]]
            p = self._present[k] = set(map(_THIRD, self._model.grams(piece)))
        return p

    def alone(self, k: int) -> tuple[float, ...]:
        p = self._probs.get(k)
        if p is None:
            p = self._probs[k] = self._model.probabilities_of(self.present(k))
        return p

    def around(self, k: int) -> tuple[float, ...]:
        """Sentence ``k`` with the one before and the one after it."""
        p = self._around.get(k)
        if p is None:
            last = len(self._bounds) - 2
            lo, hi = max(0, k - 1), min(last, k + 1)
            if lo == hi:
                return self.alone(k)
            present = set(self.present(lo))
            t, b, grams = self._t, self._bounds, self._model.grams
            first, end = b[lo], b[hi + 1]
            for j in range(lo + 1, hi + 1):
                present |= self.present(j)
                # the 2- and 3-grams across the boundary at b[j], inside the passage
                x = b[j]
                w = max(first, x - 2)
                for s, e, g in grams(t[w : min(end, x + 2)]):
                    if s + w < x < e + w:
                        present.add(g)
            p = self._around[k] = self._model.probabilities_of(present)
        return p


def _trim(sentence: str, s: int, e: int) -> tuple[int, int]:
    """The span without surrounding spaces and punctuation."""
    while s < e and not sentence[s].isalnum():
        s += 1
    while e > s and not sentence[e - 1].isalnum():
        e -= 1
    return s, e
