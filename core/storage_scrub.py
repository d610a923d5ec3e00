"""Files and rows out of step, for every ``FileField`` of every installed model.

* an orphan file: stored, but no row references it (a process killed between writing a file
  and committing its row, or a row deleted without its file);
* a missing file: a row references a file that is not in storage.

``scrub`` only reports unless ``delete`` is set. Then orphan files are removed, and a missing
file's reference is cleared where the field may be empty (a preview, an export, a campaign
image: made again or simply absent). Where the field is required (an evidence original) the row
is kept and reported: it is part of the case record, with its SHA-256, and only a person can
decide about it. Files younger than ``min_age`` are left alone (a request may be between writing
a file and committing its row), as are the prefixes in ``SKIP_PREFIXES`` (files that no row is
meant to reference). Every run is audited.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

from core.audit import audit_log

log = logging.getLogger(__name__)

# Kept by signed form tokens, not rows; removed after a day by the complaints SLA sweep.
SKIP_PREFIXES = ("complaints/staging/",)


@dataclass
class MissingFile:
    model: str  # app_label.ModelName
    field: str
    pk: object
    name: str
    cleared: bool = False


@dataclass
class ScrubReport:
    files_seen: int = 0
    rows_seen: int = 0
    orphans: list[str] = field(default_factory=list)
    missing: list[MissingFile] = field(default_factory=list)
    removed: int = 0
    skipped_young: int = 0


def file_fields() -> list[tuple[type[models.Model], models.FileField]]:
    """Every concrete ``FileField`` (``ImageField`` too) stored in the default storage."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FileField) and f.storage is default_storage:
                found.append((model, f))
    return found


def _walk(storage, path: str = ""):
    dirs, files = storage.listdir(path)
    for name in files:
        yield f"{path}{name}"
    for name in dirs:
        yield from _walk(storage, f"{path}{name}/")


def scrub(
    *, delete: bool = False, min_age: datetime.timedelta = datetime.timedelta(hours=1)
) -> ScrubReport:
    storage = default_storage
    report = ScrubReport()
    referenced: set[str] = set()
    for model, f in file_fields():
        rows = model._default_manager.exclude(**{f.name: ""}).exclude(**{f"{f.name}__isnull": True})
        for pk, name in rows.values_list("pk", f.name).iterator(chunk_size=2000):
            report.rows_seen += 1
            referenced.add(name)
            if storage.exists(name):
                continue
            missing = MissingFile(model._meta.label, f.name, pk, name)
            if delete and f.blank:
                missing.cleared = bool(
                    model._default_manager.filter(pk=pk, **{f.name: name}).update(**{f.name: ""})
                )
            report.missing.append(missing)
    cutoff = timezone.now() - min_age
    try:
        names = list(_walk(storage))
    except FileNotFoundError:  # nothing stored yet
        names = []
    for name in names:
        report.files_seen += 1
        if name in referenced or name.startswith(SKIP_PREFIXES):
            continue
        try:
            if storage.get_modified_time(name) > cutoff:
                report.skipped_young += 1
                continue
        except FileNotFoundError:
            continue
        report.orphans.append(name)
        if delete:
            storage.delete(name)
            report.removed += 1
    audit_log(
        "storage.scrubbed",
        actor_label="command",
        data={
            "delete": delete,
            "files_seen": report.files_seen,
            "rows_seen": report.rows_seen,
            "orphans": len(report.orphans),
            "removed": report.removed,
            "missing": [
                {"model": m.model, "field": m.field, "pk": str(m.pk), "cleared": m.cleared}
                for m in report.missing[:200]
            ],
            "missing_count": len(report.missing),
        },
    )
    return report
