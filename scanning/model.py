"""The sentence model: how likely a passage is a seller's counterfeit offer or unlawful ad copy.

The rules find *where* a claim is and *which law* it breaks; they cannot weigh a whole sentence.
A word such as 最, 高仿 or 修复 is a claim in a seller's pitch and nothing in a film review, and a
pitch can make its claim in words no list holds (效果叠加, 法令纹-21%). This model reads the
passage around a finding the way a reviewer would glance at it:

* a logistic regression over the binary character 2- and 3-grams of the normalised passage,
  one weight vector per category (``counterfeit``, ``false_ad``);
* trained offline with scikit-learn by ``python -m tests.scanning.train_model`` on the corpus's
  *tuning* split and the tuning half of the ordinary clean Chinese (the frozen split is never
  read), and shipped as ``model/sentence.tsv``: nothing is fetched or trained at run time;
* no numpy when scanning: one pass of an automaton of the weighted n-grams over the passage
  (daachorse, the engine's own dependency) and one sum.

The scanner uses it twice (``docs/scanning.md``): a rule finding whose passage the model finds
very unlikely for its category is suppressed with the stance ``unlikely`` (the cue names the
probability), and a passage that the model finds very likely but no rule matched gets a finding
of the rule ``<category>.model`` whose span is the passage's strongest run of evidence and whose
explanation names the n-grams that decided it.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from operator import itemgetter
from pathlib import Path

import daachorse

MODEL_FILE = Path(__file__).with_name("model") / "sentence.tsv"
CATEGORIES = ("counterfeit", "false_ad")
_THIRD = itemgetter(2)
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def ngrams(t: str) -> set[str]:
    """The distinct character 2- and 3-grams of ``t`` (the model's features). Single characters
    are left out: 最 or 效 alone says nothing (最近, 效率), and a model that weighed them would
    flag every sentence that holds them."""
    n = len(t)
    out = {t[i : i + 2] for i in range(n - 1)}
    out.update(t[i : i + 3] for i in range(n - 2))
    return out


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


class SentenceModel:
    """Immutable and thread-safe; ``load`` once per process."""

    __slots__ = (
        "_bias",
        "_bias_z",
        "_digest",
        "_grams",
        "_positive",
        "_positive_z",
        "_strong",
        "_weights_z",
        "meta",
        "strong_ids",
    )

    def __init__(
        self,
        bias: tuple[float, ...],
        weights: dict[str, tuple[float, ...]],
        meta: dict[str, str] | None = None,
        strong: float = 1.0,
        digest: str | None = None,
    ):
        if digest is None:
            blob = json.dumps(
                [list(bias), strong, sorted(weights.items())],
                ensure_ascii=False,
                separators=(",", ":"),
            )
            digest = hashlib.sha256(blob.encode("utf-8")).hexdigest()
        keys = [g for g in weights if g in ngrams(g)]
        self._setup(bias, keys, [complex(*weights[g]) for g in keys], meta, strong, digest)

    def _setup(self, bias, keys: list[str], pairs: list[complex], meta, strong, digest) -> None:
        """``keys``: every weighted feature (a key of a size ngrams() yields), ``pairs`` its
        weights (two categories: a weight pair is one complex number, its real part
        counterfeit's)."""
        if len(bias) != len(CATEGORIES):
            raise ValueError(f"one bias per category {CATEGORIES}, got {len(bias)}")
        self._bias = tuple(bias)
        # the features in one automaton and their weights by key index: probabilities() runs
        # in C. The n-gram strings themselves are not kept (the automaton holds them; a match's
        # text is the n-gram), which keeps the shipped model to a few MB.
        self._grams = daachorse.CharwiseDoubleArrayAhoCorasick(keys) if keys else None
        self._weights_z = pairs
        self._bias_z = complex(*self._bias)
        self.meta = dict(meta or {})
        self._digest = digest
        # n-grams whose weight alone is large: a passage holding none of them cannot reach a
        # detection threshold, so the scanner scores only passages that hold one
        strong_keys = [g for g, z in zip(keys, pairs, strict=True) if max(z.real, z.imag) >= strong]
        # the n-grams with a positive weight in a category, and those weights (the negative
        # ones as 0): the sum over a text's distinct ones bounds every sentence's score from
        # above (``max_probabilities``)
        positive = [(g, z) for g, z in zip(keys, pairs, strict=True) if z.real > 0 or z.imag > 0]
        self._positive = (
            daachorse.CharwiseDoubleArrayAhoCorasick([g for g, _ in positive]) if positive else None
        )
        self._positive_z = [complex(max(z.real, 0.0), max(z.imag, 0.0)) for _, z in positive]
        self._strong = (
            daachorse.CharwiseDoubleArrayAhoCorasick(strong_keys) if strong_keys else None
        )

    @classmethod
    def load(cls, path: str | Path = MODEL_FILE) -> SentenceModel:
        """Read a model file: ``#`` lines are ``key<TAB>value`` metadata (``bias`` holds one
        value per category), every other line ``n-gram<TAB>weight per category`` (a later line
        of the same n-gram replaces an earlier one). Read line by line into the compact form,
        without a table of every n-gram and its weights."""
        meta: dict[str, str] = {}
        at: dict[str, int] = {}  # n-gram → its index in keys
        keys: list[str] = []
        pairs: list[complex] = []
        data = Path(path).read_bytes()
        # one read and one decode (a newline byte is never inside a UTF-8 sequence); the lines
        # as reading the file line by line gives them
        for n, line in enumerate(data.decode("utf-8").split("\n"), 1):
            line = line.rstrip("\r")
            if not line:
                continue
            if line.startswith("#"):
                key, _, value = line[1:].partition("\t")
                meta[key.strip()] = value
                continue
            gram, *ws = line.split("\t")
            if len(ws) != len(CATEGORIES):
                raise ValueError(f"{path}:{n}: expected {len(CATEGORIES)} weights")
            gram = gram.replace("\\t", "\t").replace("\\n", "\n")
            if not 2 <= len(gram) <= 3:
                continue  # not a feature (ngrams() yields 2- and 3-grams only): never counts
            z = complex(float(ws[0]), float(ws[1]))
            k = at.get(gram)
            if k is None:
                at[gram] = len(keys)
                keys.append(gram)
                pairs.append(z)
            else:
                pairs[k] = z
        bias = tuple(float(x) for x in meta.get("bias", "").split(",") if x)
        model = cls.__new__(cls)
        strong = float(meta.get("strong", "1.0"))
        model._setup(bias, keys, pairs, meta, strong, hashlib.sha256(data).hexdigest())
        return model

    @property
    def digest(self) -> str:
        """sha256 of the model: of its file's bytes when loaded from one, else of its bias,
        strong-n-gram bound and weights (a model built in memory, e.g. by the training
        script)."""
        return self._digest

    def may_detect(self, t: str) -> bool:
        """Does ``t`` hold an n-gram strong enough that a detection is possible?"""
        if self._strong is None:
            return False
        try:
            return bool(self._strong.find(t))
        except UnicodeEncodeError:  # lone surrogates
            return bool(self._strong.find(_SURROGATE_RE.sub("\x00", t)))

    def probabilities(self, t: str) -> tuple[float, ...]:
        """P(category | passage) for each of CATEGORIES; ``t`` is normalised text."""
        return self.probabilities_of(set(map(_THIRD, self.grams(t))))

    def grams(self, t: str) -> list[tuple[int, int, int]]:
        """The weighted n-grams of ``t`` (``ngrams(t) & weights``, with repeats) by one
        automaton pass: (start, end, key index), by end, longest first among equal ends."""
        return self._grams.find_overlapping(t) if self._grams is not None else []

    def probabilities_of(self, present: set[int]) -> tuple[float, ...]:
        """P(category | passage) from the key indexes of its weighted n-grams (a set of ints
        iterates in the same order in every process, unlike a set of strings): the two
        categories' sums at once, as one complex sum, in C."""
        z = self._bias_z
        if len(present) > 1:
            z = sum(itemgetter(*present)(self._weights_z), z)
        elif present:
            z += self._weights_z[next(iter(present))]
        return _sigmoid(z.real), _sigmoid(z.imag)

    def evidence(self, t: str, category: int, most: int = 3) -> list[str]:
        """The n-grams of ``t`` that speak most for ``category`` (longest first among equals)."""
        weights = self._weights_z
        part = _PART[category]
        found = {}
        for s, e, k in self.grams(t):
            w = part(weights[k])
            if w > 0:
                found[t[s:e]] = w
        scored = sorted((-w, -len(g), g) for g, w in found.items())
        out: list[str] = []
        for _, _, g in scored:
            if not any(g in o for o in out):
                out.append(g)
            if len(out) == most:
                break
        return out

    def max_probabilities(self, t: str) -> tuple[float, ...]:
        """For each category, a bound no passage inside ``t`` (normalised) reaches: the
        probability of the bias plus every positive weight of ``t``'s distinct n-grams."""
        z = self._bias_z
        if self._positive is not None:
            present = set(map(_THIRD, self._positive.find_overlapping(t)))
            if present:
                z = sum(map(self._positive_z.__getitem__, present), z)
        return _sigmoid(z.real), _sigmoid(z.imag)

    def strongest_span(self, t: str, category: int, limit: int = 24) -> tuple[int, int]:
        """The run of ``t`` (at most ``limit`` characters) whose characters carry the most
        positive weight for ``category``: each character gets the weights of the n-grams that
        cover it; the span is the best-scoring contiguous run (Kadane), or the whole of ``t``."""
        n = len(t)
        if n == 0:
            return 0, 0
        weights = self._weights_z
        part = _PART[category]
        per = [0.0] * n
        # every occurrence of a weighted n-gram, the 2-grams before the 3-grams, by position
        for s, e, k in sorted(self.grams(t), key=_size_start):
            share = part(weights[k]) / (e - s)
            for j in range(s, e):
                per[j] += share
        best, best_s, best_e = -math.inf, 0, n
        run, run_s = 0.0, 0
        for i, x in enumerate(per):
            if run <= 0:
                run, run_s = x, i
            else:
                run += x
            if i - run_s >= limit:  # keep the window short: drop its weakest start
                run -= per[run_s]
                run_s += 1
            if run > best:
                best, best_s, best_e = run, run_s, i + 1
        return best_s, best_e


def _size_start(m: tuple[int, int, int]) -> tuple[int, int]:
    return m[1] - m[0], m[0]


# a category's weight from a key's complex weight pair
_PART = (lambda z: z.real, lambda z: z.imag)


_SHARED: SentenceModel | None = None


def shared_model() -> SentenceModel | None:
    """The shipped model, loaded once per process (None when the file is missing)."""
    global _SHARED
    if _SHARED is None and MODEL_FILE.exists():
        _SHARED = SentenceModel.load()
    return _SHARED
