"""The lexicon: rules and the data around them, loaded from human-editable TSV files.

Every file has a header row; lines starting with ``#`` are comments; list cells are
``|``-separated. ``Lexicon.dump(path)`` writes the same format back, so a lexicon edited in the
database can be exported and re-loaded, and ``fingerprint`` identifies its content.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import asdict, dataclass, field, fields, replace
from functools import cached_property
from pathlib import Path

DEFAULT_DIR = Path(__file__).with_name("lexicon")

CATEGORIES = ("counterfeit", "false_ad", "three_no", "phishing")
MODES = ("substring", "word", "claim", "pattern", "host", "brand")
CONTEXT_KINDS = ("require", "unless", "report")


class LexiconError(ValueError):
    """A lexicon file is malformed; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One deny term or pattern.

    mode: ``substring`` (anywhere), ``word`` (must start and end on jieba word boundaries, and
    Latin/digit terms need non-alphanumeric neighbours), ``claim`` (word + not negated just
    before, e.g. 不买最便宜的), ``pattern`` (``term`` is a regular expression over the normalised
    text; it is looked for only around its longest literal run, found by the automaton),
    ``host`` (a payment brand label; flags URLs whose registrable domain is not official).
    """

    term: str
    category: str
    rule_id: str
    severity: int
    mode: str = "substring"
    exceptions: tuple[str, ...] = ()
    legal_basis: str = ""
    source: str = ""
    enabled: bool = True

    def __post_init__(self) -> None:
        if not self.term:
            raise LexiconError("rule with an empty term")
        if self.category not in CATEGORIES:
            raise LexiconError(f"{self.term}: unknown category {self.category!r}")
        if not self.rule_id.startswith(self.category + "."):
            raise LexiconError(f"{self.term}: rule id {self.rule_id!r} not in {self.category}")
        if not 1 <= self.severity <= 5:
            raise LexiconError(f"{self.term}: severity must be 1-5")
        if self.mode not in MODES:
            raise LexiconError(f"{self.term}: unknown mode {self.mode!r}")
        if self.mode == "pattern":
            try:
                re.compile(self.term)
            except re.error as exc:
                raise LexiconError(f"{self.term}: bad pattern: {exc}") from exc


@dataclass(frozen=True, slots=True)
class AllowPhrase:
    """A phrase that wins over every deny term it contains (最近, 高仿真, 莆田市)."""

    phrase: str
    note: str = ""
    source: str = ""


@dataclass(frozen=True, slots=True)
class Variant:
    """An evasion spelling (pinyin, initialism, homophone, glyph) of a canonical lexicon term.

    kind ``glyph`` maps one character to one character and is applied during normalisation
    (倣→仿); the other kinds are matched as extra spellings of ``canonical``.
    """

    variant: str
    canonical: str
    kind: str = "pinyin"
    source: str = ""


@dataclass(frozen=True, slots=True)
class Brand:
    """A brand with a price floor (CNY) under which an offer is implausible.

    ``unit`` is what the floor is per (瓶, 条; empty: per item); ``reference_price`` is the public
    reference price the floor was derived from (0: none found, the floor is an estimate), and
    ``source`` says where it comes from.
    """

    brand: str
    aliases: tuple[str, ...] = ()
    goods: str = ""
    price_floor: int = 0
    source: str = ""
    unit: str = ""
    reference_price: int = 0


@dataclass(frozen=True, slots=True)
class ContextRule:
    """Context for terms that are only suspicious together.

    kind ``require``: a hit of ``term`` counts only if one of ``words`` occurs within ``window``
    characters of it; ``unless``: the hit is dropped if one of ``words`` occurs within
    ``window``; ``report`` (``term`` is ``*``): ``words`` are cues that the text reports, warns
    about or explains a practice (police, courts, regulators, consumer complaints) rather than
    making the claim — findings in such texts are kept but marked suppressed.
    """

    term: str
    rule_id: str
    kind: str
    window: int
    words: tuple[str, ...]
    note: str = ""
    source: str = ""


@dataclass(frozen=True, slots=True)
class Host:
    """An official payment domain (kind ``official``)."""

    domain: str
    brand: str
    kind: str = "official"
    source: str = ""


_FILES: dict[str, tuple[type, tuple[str, ...]]] = {
    "rules": (
        Rule,
        (
            "term",
            "category",
            "rule_id",
            "severity",
            "mode",
            "exceptions",
            "legal_basis",
            "source",
            "enabled",
        ),
    ),
    "allow": (AllowPhrase, ("phrase", "note", "source")),
    "variants": (Variant, ("variant", "canonical", "kind", "source")),
    "brands": (
        Brand,
        ("brand", "aliases", "goods", "price_floor", "unit", "reference_price", "source"),
    ),
    "contexts": (ContextRule, ("term", "rule_id", "kind", "window", "words", "note", "source")),
    "hosts": (Host, ("domain", "brand", "kind", "source")),
}
_FILE_NAMES = {
    "rules": "rules.tsv",
    "allow": "allow.tsv",
    "variants": "variants.tsv",
    "brands": "brands.tsv",
    "contexts": "context.tsv",
    "hosts": "hosts.tsv",
}


# --- word families of the claim patterns --------------------------------------------------------

SLOTS_FILE = "slots.tsv"
# ``{@disease}`` in a pattern rule stands for the alternation of the slot's words
_SLOT_RE = re.compile(r"\{@([a-z_]+)\}")


def read_slots(path: Path) -> dict[str, tuple[str, ...]]:
    """``slots.tsv`` (``slot, words, source``): the word families that pattern rules combine
    (claim verbs, disease names, guarantee words …). A slot may list another slot's name as a
    word (``{@disease}``): its words are included."""
    if not path.exists():
        return {}
    raw: dict[str, list[str]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.startswith("#")]
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    header = [h.strip() for h in next(reader, [])]
    if header[:2] != ["slot", "words"]:
        raise LexiconError(f"{path.name}: header must start with slot, words")
    for lineno, row in enumerate(reader, start=2):
        if len(row) < 2 or not _SLOT_RE.fullmatch("{@" + row[0].strip() + "}"):
            raise LexiconError(f"{path.name}:{lineno}: a slot name of a-z and _ and its words")
        words = [w.strip() for w in row[1].split("|") if w.strip()]
        raw.setdefault(row[0].strip(), []).extend(words)

    def words_of(name: str, seen: tuple[str, ...] = ()) -> list[str]:
        if name not in raw:
            raise LexiconError(f"{path.name}: unknown slot {name!r}")
        if name in seen:
            raise LexiconError(f"{path.name}: slot {name!r} includes itself")
        out: list[str] = []
        for w in raw[name]:
            m = _SLOT_RE.fullmatch(w)
            out.extend(words_of(m.group(1), (*seen, name)) if m else [w])
        return out

    # longest first, so that an alternation prefers 高血压 to 血压
    return {
        name: tuple(sorted(dict.fromkeys(words_of(name)), key=lambda w: (-len(w), w)))
        for name in raw
    }


def expand_slots(rule: Rule, slots: dict[str, tuple[str, ...]]) -> Rule:
    """A pattern rule with ``{@slot}`` placeholders, each replaced by the alternation of the
    slot's words (escaped; the anchor comment gets the same words, unescaped)."""
    if rule.mode != "pattern" or "{@" not in rule.term:
        return rule

    def sub(m: re.Match, escape: bool) -> str:
        words = slots.get(m.group(1))
        if words is None:
            raise LexiconError(f"{rule.term[:40]}: unknown slot {m.group(1)!r}")
        return "|".join(map(re.escape, words)) if escape else "|".join(words)

    term = re.sub(
        r"\(\?#anchor=[^)]*\)",
        lambda c: _SLOT_RE.sub(lambda m: sub(m, False), c.group(0)),
        rule.term,
    )
    term = _SLOT_RE.sub(lambda m: sub(m, True), term)
    return replace(rule, term=term)


def _parse_cell(cls: type, name: str, raw: str):
    typ = {f.name: f.type for f in fields(cls)}[name]
    raw = raw.strip()
    if "tuple" in str(typ):
        return tuple(x.strip() for x in raw.split("|") if x.strip())
    if typ in ("int", int):
        return int(raw) if raw else 0
    if typ in ("bool", bool):
        return raw.lower() not in ("0", "false", "no", "n", "off")
    return raw


def _format_cell(value) -> str:
    if isinstance(value, tuple):
        return "|".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _read_tsv(path: Path, cls: type, columns: tuple[str, ...]) -> tuple:
    if not path.exists():
        return ()
    items = []
    with path.open(encoding="utf-8", newline="") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.startswith("#")]
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if header is None:
        return ()
    header = [h.strip() for h in header]
    required = [c for c in columns if c in ("term", "phrase", "variant", "brand", "domain")]
    missing = [c for c in required if c not in header]
    if missing:
        raise LexiconError(f"{path.name}: header lacks {missing}")
    unknown = [h for h in header if h not in columns]
    if unknown:
        raise LexiconError(f"{path.name}: unknown columns {unknown}")
    for lineno, row in enumerate(reader, start=2):
        if len(row) > len(header):
            raise LexiconError(f"{path.name}:{lineno}: {len(row)} cells, header has {len(header)}")
        kwargs = {}
        try:
            for name, raw in zip(header, row, strict=False):
                if raw.strip() == "" and name in ("mode", "enabled", "kind"):
                    continue
                kwargs[name] = _parse_cell(cls, name, raw)
            items.append(cls(**kwargs))
        except (TypeError, ValueError) as exc:
            raise LexiconError(f"{path.name}:{lineno}: {exc}") from exc
    return tuple(items)


def _write_tsv(items: tuple, columns: tuple[str, ...]) -> str:
    buf = io.StringIO()
    buf.write("\t".join(columns) + "\n")
    for item in items:
        cells = [_format_cell(getattr(item, c)) for c in columns]
        for c in cells:
            if "\t" in c or "\n" in c:
                raise LexiconError(f"tab or newline in a cell: {c!r}")
        buf.write("\t".join(cells) + "\n")
    return buf.getvalue()


@dataclass(frozen=True)
class Lexicon:
    """An immutable lexicon. Build variants with ``dataclasses.replace(lex, rules=...)``."""

    rules: tuple[Rule, ...] = ()
    allow: tuple[AllowPhrase, ...] = ()
    variants: tuple[Variant, ...] = ()
    brands: tuple[Brand, ...] = ()
    contexts: tuple[ContextRule, ...] = ()
    hosts: tuple[Host, ...] = field(default=())

    @classmethod
    def load(cls, path: str | Path | None = None) -> Lexicon:
        """Load a lexicon directory (default: the shipped one)."""
        base = Path(path) if path is not None else DEFAULT_DIR
        if not base.is_dir():
            raise LexiconError(f"lexicon directory not found: {base}")
        if not (base / _FILE_NAMES["rules"]).exists():
            raise LexiconError(f"{base} has no {_FILE_NAMES['rules']}")
        data = {
            key: _read_tsv(base / _FILE_NAMES[key], cls_, cols)
            for key, (cls_, cols) in _FILES.items()
        }
        slots = read_slots(base / SLOTS_FILE)
        if slots:
            data["rules"] = tuple(expand_slots(r, slots) for r in data["rules"])
        return cls(**data)

    def dump(self, path: str | Path) -> None:
        """Write the lexicon as TSV files into ``path`` (created if needed)."""
        base = Path(path)
        base.mkdir(parents=True, exist_ok=True)
        for key, (_, cols) in _FILES.items():
            text = _write_tsv(getattr(self, key), cols)
            (base / _FILE_NAMES[key]).write_text(text, encoding="utf-8")

    @cached_property
    def fingerprint(self) -> str:
        """sha256 of the content (order-sensitive, format-independent)."""
        payload = {key: [_as_dict(x) for x in getattr(self, key)] for key in _FILES}
        blob = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _as_dict(x) -> dict:
    """``asdict(x)`` for the lexicon's flat records, without its deep copies (the same JSON:
    the fields are strings, numbers, booleans and tuples of strings)."""
    names = _FIELD_NAMES.get(type(x))
    if names is None:
        names = _FIELD_NAMES[type(x)] = tuple(f.name for f in fields(x))
    out = {}
    for n in names:
        v = getattr(x, n)
        if v.__class__ not in _FLAT and not (
            v.__class__ is tuple and all(i.__class__ is str for i in v)
        ):
            return asdict(x)
        out[n] = v
    return out


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
_FLAT = frozenset({str, int, bool, float})
