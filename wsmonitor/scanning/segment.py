"""Word-boundary checks with jieba, on small windows only.

jieba's own dictionary is loaded once per process into a private ``jieba.Tokenizer`` (never
the global ``jieba.dt``), with its logging silenced. Each scanner adds its lexicon's words in
an overlay (``ChainMap``) instead of copying or mutating the ~350k-entry base dictionary, so a
new lexicon builds in milliseconds and scanners built from different lexicons do not disturb
each other.
"""

from __future__ import annotations

import logging
import threading
from collections import ChainMap
from collections.abc import Iterable
from functools import lru_cache

import jieba

_LOCK = threading.Lock()
_BASE: jieba.Tokenizer | None = None


def base_tokenizer() -> jieba.Tokenizer:
    """The process-wide private tokenizer with jieba's default dictionary (loaded lazily)."""
    global _BASE
    if _BASE is None:
        with _LOCK:
            if _BASE is None:
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


class WordChecker:
    """Is a span of a short window made of whole jieba words? Immutable after construction."""

    def __init__(self, words: Iterable[str], freq: int = 200, window: int = 6, cache: int = 8192):
        base = base_tokenizer()
        overlay: dict[str, int] = {}
        for w in words:
            if not w or base.FREQ.get(w):
                continue
            overlay[w] = freq
            for i in range(1, len(w)):
                p = w[:i]
                if p not in base.FREQ and p not in overlay:
                    overlay[p] = 0
        tk = jieba.Tokenizer()
        tk.FREQ = ChainMap(overlay, base.FREQ)
        tk.total = base.total + freq * sum(1 for v in overlay.values() if v)
        tk.initialized = True
        self._tk = tk
        self.window = window
        self._bounds = lru_cache(maxsize=cache)(self._compute_bounds)

    def _compute_bounds(self, fragment: str) -> frozenset[int]:
        pos = 0
        out = {0}
        for tok in self._tk.cut(fragment, HMM=False):
            pos += len(tok)
            out.add(pos)
        return frozenset(out)

    def is_word(self, text: str, start: int, end: int) -> bool:
        lo = max(0, start - self.window)
        hi = min(len(text), end + self.window)
        bounds = self._bounds(text[lo:hi])
        return (start - lo) in bounds and (end - lo) in bounds

    def cut(self, text: str) -> list[str]:
        return list(self._tk.cut(text, HMM=False))
