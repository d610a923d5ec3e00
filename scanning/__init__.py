"""Text-scanning engine for WeChat-commerce posts (pure Python, no Django).

    from scanning import Scanner, Lexicon
    scanner = Scanner.from_lexicon()          # shipped lexicon
    result = scanner.scan("高*仿LV包 私聊")
    result.categories, result.score, result.findings

See docs/scanning.md.
"""

from .engine import Finding, Scanner, ScanResult, default_scanner, score_of
from .lexicon import (
    AllowPhrase,
    Brand,
    ContextRule,
    Host,
    Lexicon,
    LexiconError,
    Rule,
    Variant,
)

__all__ = [
    "AllowPhrase",
    "Brand",
    "ContextRule",
    "Finding",
    "Host",
    "Lexicon",
    "LexiconError",
    "Rule",
    "ScanResult",
    "Scanner",
    "Variant",
    "default_scanner",
    "score_of",
]
