"""Word-boundary checks with jieba, on small windows only.

jieba's own dictionary is loaded once per process into a private ``jieba.Tokenizer`` (never
the global ``jieba.dt``), with its logging silenced. Each scanner adds its lexicon's words in
an overlay (``_Overlay``, read like a ``ChainMap``) instead of copying or mutating the
~350k-entry base dictionary, so a new lexicon builds in milliseconds and scanners built from
different lexicons do not disturb each other.

jieba is imported and its dictionary loaded on the first word-boundary check (a ``word`` or
``claim`` candidate in a text), not when a scanner is built: a process that never meets such a
candidate (a web worker that only validates lexicons, say) does not pay ~0.6 s and ~80 MB for it.
``WordChecker.load()`` does it ahead of time.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import jieba

_LOCK = threading.Lock()
_BASE: jieba.Tokenizer | None = None


def base_tokenizer() -> jieba.Tokenizer:
    """The process-wide private tokenizer with jieba's default dictionary (loaded lazily)."""
    global _BASE
    if _BASE is None:
        with _LOCK:
            if _BASE is None:
                import jieba

                logger = logging.getLogger("jieba")
                level = logger.level
                logger.setLevel(logging.WARNING)
                try:
                    tk = jieba.Tokenizer()
                    tk.initialize()
                finally:
                    logger.setLevel(level)
                _BASE = tk
    return _BASE


class _Overlay(dict):
    """A lexicon's words over jieba's base dictionary, read as ``ChainMap(overlay, base)`` is
    for what jieba does with ``FREQ`` (``in``, ``[]``, ``get``), but with the overlay's lookups
    done by dict itself: ChainMap's generator per ``in`` test cost more than jieba's own work."""

    __slots__ = ("_base",)

    def __init__(self, overlay: dict[str, int], base: dict[str, int]):
        super().__init__(overlay)
        self._base = base

    def __missing__(self, key: str) -> int:
        return self._base[key]

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or key in self._base

    def get(self, key: str, default=None):
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        return self._base.get(key, default)


class WordChecker:
    """Is a span of a short window made of whole jieba words? Immutable after construction
    (the tokenizer is built once, on first use, under a lock)."""

    def __init__(self, words: Iterable[str], freq: int = 200, window: int = 6, cache: int = 8192):
        self._words = tuple(w for w in words if w)
        self._freq = freq
        self._tk: jieba.Tokenizer | None = None
        self._lock = threading.Lock()
        self.window = window
        self._bounds = lru_cache(maxsize=cache)(self._compute_bounds)

    def load(self) -> WordChecker:
        """Load jieba and build the tokenizer now (otherwise done by the first check)."""
        if self._tk is None:
            with self._lock:
                if self._tk is None:
                    self._tk = self._build()
        return self

    def _build(self) -> jieba.Tokenizer:
        import jieba

        base = base_tokenizer()
        freq = self._freq
        overlay: dict[str, int] = {}
        for w in self._words:
            if base.FREQ.get(w):
                continue
            overlay[w] = freq
            for i in range(1, len(w)):
                p = w[:i]
                if p not in base.FREQ and p not in overlay:
                    overlay[p] = 0
        tk = jieba.Tokenizer()
        tk.FREQ = _Overlay(overlay, base.FREQ)
        tk.total = base.total + freq * sum(1 for v in overlay.values() if v)
        tk.initialized = True
        return tk

    def _compute_bounds(self, fragment: str) -> frozenset[int]:
        tk = self._tk if self._tk is not None else self.load()._tk
        pos = 0
        out = {0}
        for tok in tk.cut(fragment, HMM=False):  # type: ignore[union-attr]
            pos += len(tok)
            out.add(pos)
        return frozenset(out)

    def is_word(self, text: str, start: int, end: int) -> bool:
        lo = max(0, start - self.window)
        hi = min(len(text), end + self.window)
        bounds = self._bounds(text[lo:hi])
        return (start - lo) in bounds and (end - lo) in bounds

    def cut(self, text: str) -> list[str]:
        self.load()
        return list(self._tk.cut(text, HMM=False))  # type: ignore[union-attr]

    def is_spelling(self, text: str, start: int, end: int) -> bool:
        """``is_word``, and the span is not itself a word of jieba's dictionary: a generated
        homophone or look-alike spelling of a lexicon term (搞仿 for 高仿) counts, an ordinary
        word that happens to sound like one (复课 for 复刻) does not."""
        tk = self._tk if self._tk is not None else self.load()._tk
        # the dictionary look-up first: it is one dict read, and most spellings met in ordinary
        # text are words (由于 for 优于, 清楚 for 清除)
        if tk.FREQ.get(text[start:end]):  # type: ignore[union-attr]
            return False
        return self.is_word(text, start, end)
