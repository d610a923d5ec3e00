"""The editable lexicon: versions, the scanner of a version, rescans.

A version is a frozen copy of the whole lexicon (``LexiconVersion.content``): the rule rows
regulators edit plus the parts that are edited as files (allow phrases, variants, brands,
context rules, payment hosts), carried over from the previous version. Every publish makes a
new version; findings record the version that produced them, so any finding can be explained
and reproduced later.
"""

import dataclasses
import threading
from pathlib import Path

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

import scanning as scanning
from core.audit import audit_log
from core.errors import ValidationFailed
from lexicon.models import LexiconRule, LexiconVersion
from scanning import Lexicon, LexiconError, Rule, Scanner

_PARTS = ("rules", "allow", "variants", "brands", "contexts", "hosts")


# --- content <-> engine objects -------------------------------------------------------------


def lexicon_to_content(lexicon: Lexicon) -> dict:
    return {
        part: [_jsonable(dataclasses.asdict(item)) for item in getattr(lexicon, part)]
        for part in _PARTS
    }


def lexicon_from_content(content: dict) -> Lexicon:
    kwargs = {}
    for f in dataclasses.fields(Lexicon):
        if f.name not in content:
            continue
        item_cls = _item_class(f.name)
        kwargs[f.name] = tuple(_build(item_cls, row) for row in content[f.name])
    return Lexicon(**kwargs)


def _item_class(part: str) -> type:
    names = {
        "rules": "Rule",
        "allow": "AllowPhrase",
        "variants": "Variant",
        "brands": "Brand",
        "contexts": "ContextRule",
        "hosts": "Host",
    }
    return getattr(scanning, names[part])


def _build(cls: type, row: dict):
    values = {}
    for f in dataclasses.fields(cls):
        if f.name in row:
            value = row[f.name]
            values[f.name] = tuple(value) if isinstance(value, list) else value
    return cls(**values)


def _jsonable(value):
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def rule_from_row(row: LexiconRule) -> Rule:
    return Rule(
        term=row.term,
        category=row.category,
        rule_id=row.rule_id,
        severity=row.severity,
        mode=row.mode,
        exceptions=tuple(row.exception_list),
        legal_basis=row.legal_basis,
        source=row.source,
        enabled=row.enabled,
    )


def rule_validate(row: LexiconRule) -> None:
    """Raise ``ValidationFailed`` (in Chinese, naming the engine's reason) when the engine could
    not use a rule row: the row must make a ``Rule`` and the engine's compiler must build it
    (a pattern needs a literal run of two characters, …). Checked enabled, so a rule saved
    disabled can be enabled later without breaking the next publish. A few milliseconds."""
    try:
        rule = dataclasses.replace(rule_from_row(row), enabled=True)
        Scanner(Lexicon(rules=(rule,)))
    except LexiconError as exc:
        message = _("The scanning engine cannot use this rule: %(reason)s") % {"reason": exc}
        raise ValidationFailed(message, fields={"term": [str(exc)]}) from None


def rule_save(*, row: LexiconRule, actor, note: str = "") -> LexiconVersion:
    """Save a rule row and publish the lexicon with it, in one transaction: a rule the engine
    cannot build, alone or with the others, is refused (``ValidationFailed``) and nothing is
    saved, so a broken row can never block later publishes."""
    rule_validate(row)
    adding = row.pk is None
    try:
        with transaction.atomic():
            row.save()
            return lexicon_publish(
                actor=actor, note=note or f"{'added' if adding else 'changed'} rule {row}"
            )
    except LexiconError as exc:
        if adding:
            row.pk = None
        message = _("The scanning engine cannot use this rule: %(reason)s") % {"reason": exc}
        raise ValidationFailed(message, fields={"term": [str(exc)]}) from None


def rules_change(*, rules, actor, enabled: bool | None = None, delete: bool = False):
    """Enable, disable or delete the rule rows ``rules`` (a queryset) and publish the lexicon
    with the change, in one transaction: when the engine cannot build the result (a row stored
    before rules were checked, enabled now), ``ValidationFailed`` names the reason and nothing
    changes. Returns the active version and the number of rows changed."""
    try:
        with transaction.atomic():
            if delete:
                count = rules.count()
                rules.delete()
                note = f"deleted {count} rules"
            else:
                count = rules.update(enabled=enabled)
                note = f"{'enabled' if enabled else 'disabled'} {count} rules"
            return lexicon_publish(actor=actor, note=note), count
    except LexiconError as exc:
        message = _("The scanning engine cannot use this rule: %(reason)s") % {"reason": exc}
        raise ValidationFailed(message, fields={"term": [str(exc)]}) from None


# --- versions ---------------------------------------------------------------------------------


def lexicon_publish(*, actor, note: str = "") -> LexiconVersion:
    """Freeze the current rule rows (plus the file-edited parts of the active version) into a
    new version. Returns the active version unchanged when nothing differs."""
    with transaction.atomic():
        active = lexicon_active_version(lock=True)
        base = lexicon_from_content(active.content) if active else Lexicon.load()
        rules = tuple(rule_from_row(row) for row in LexiconRule.objects.order_by("id"))
        lexicon = dataclasses.replace(base, rules=rules)
        if active is not None and active.fingerprint == lexicon.fingerprint:
            return active
        Scanner(lexicon)  # refuse to publish a lexicon the engine cannot build
        return _new_version(lexicon, actor=actor, note=note)


def lexicon_import(*, path: str | Path, actor, note: str = "") -> LexiconVersion:
    """Replace the whole lexicon with the files in ``path`` (the shipped format)."""
    try:
        lexicon = Lexicon.load(path)
        Scanner(lexicon)
    except LexiconError as exc:
        raise ValidationFailed(f"lexicon files rejected: {exc}") from None
    with transaction.atomic():
        LexiconRule.objects.all().delete()
        LexiconRule.objects.bulk_create(_rule_rows(lexicon))
        lexicon_active_version(lock=True)
        return _new_version(lexicon, actor=actor, note=note or f"imported from {Path(path).name}")


def _rule_rows(lexicon: Lexicon) -> list[LexiconRule]:
    return [
        LexiconRule(
            term=r.term,
            category=r.category,
            rule_id=r.rule_id,
            severity=r.severity,
            mode=r.mode,
            exceptions="\n".join(r.exceptions),
            legal_basis=r.legal_basis,
            source=r.source,
            enabled=r.enabled,
        )
        for r in lexicon.rules
    ]


def lexicon_export(*, path: str | Path, version: LexiconVersion | None = None) -> Path:
    version = version or lexicon_current()
    lexicon_from_content(version.content).dump(path)
    return Path(path)


def _new_version(lexicon: Lexicon, *, actor, note: str) -> LexiconVersion:
    number = (LexiconVersion.objects.aggregate(m=Max("number"))["m"] or 0) + 1
    version = LexiconVersion.objects.create(
        number=number,
        created_by=actor,
        note=note[:300],
        fingerprint=lexicon.fingerprint,
        content=lexicon_to_content(lexicon),
        rule_count=len(lexicon.rules),
    )
    audit_log(
        "lexicon.published",
        actor=actor,
        actor_label="" if actor else "system",
        target=version,
        data={"number": number, "rules": len(lexicon.rules), "note": note},
    )
    return version


def lexicon_active_version(*, lock: bool = False) -> LexiconVersion | None:
    qs = LexiconVersion.objects.order_by("-number")
    if lock:
        qs = qs.select_for_update()
    return qs.first()


# --- scanners, one per version per process ------------------------------------------------------

_scanners: dict[tuple[int, str], Scanner] = {}
_scanners_lock = threading.Lock()


def scanner_for(version: LexiconVersion) -> Scanner:
    """The engine for ``version``, built once per process and then reused (thread-safe)."""
    key = (version.pk, version.fingerprint)
    scanner = _scanners.get(key)
    if scanner is not None:
        return scanner
    with _scanners_lock:
        scanner = _scanners.get(key)
        if scanner is None:
            scanner = Scanner(lexicon_from_content(version.content))
            # Keep the newest few; a new dict is swapped in so readers never see it half-built.
            kept = dict(sorted(_scanners.items())[-2:])
            kept[key] = scanner
            globals()["_scanners"] = kept
    return scanner


def active_scanner() -> tuple[LexiconVersion, Scanner]:
    version = lexicon_current()
    return version, scanner_for(version)


def lexicon_current() -> LexiconVersion:
    return lexicon_active_version() or lexicon_ensure_version()


def lexicon_ensure_version() -> LexiconVersion:
    """The active version; when the tables were emptied (a restore gone wrong, a flushed test
    database), the shipped lexicon is loaded again rather than scanning with nothing."""
    with transaction.atomic():
        version = lexicon_active_version(lock=True)
        if version is not None:
            return version
        lexicon = Lexicon.load()
        if not LexiconRule.objects.exists():
            LexiconRule.objects.bulk_create(_rule_rows(lexicon))
        return _new_version(lexicon, actor=None, note="shipped lexicon (reloaded: none was active)")
