"""Evidence files and their rows, kept in step: a file is stored only with its row.

Intake commits the case's text first; each file is then written and its row inserted in a
transaction of its own. A file the disk refuses (``ENOSPC``) or whose row the database refuses
is removed again (``core.storage``) and its name reported, so the consumer is told exactly
what was received, and the case's history says which files are still to come and how to add
them (the tracking page); the case is marked ``evidence_pending`` until the complainant adds
evidence there or a regulator marks it done. ``manage.py scrub_orphan_files`` finds what a
killed process left.
"""

import logging

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from complaints.evidence import CheckedFile
from complaints.models import Case, CaseEvent, Evidence
from core.audit import audit_log
from core.storage import discard, save_for_row

log = logging.getLogger(__name__)

# What a failed write or insert raises: the disk (ENOSPC, EIO …) or the database.
STORE_ERRORS = (OSError, DatabaseError)


def evidence_store(case: Case, checked: CheckedFile, *, added_later: bool = False) -> Evidence:
    """Write one file and insert its row; if the row is not committed the file is removed."""
    evidence = Evidence(
        case=case,
        sha256=checked.sha256,
        size=checked.size,
        kind=checked.kind,
        original_name=checked.name,
        width=checked.width,
        height=checked.height,
        added_later=added_later,
    )
    if checked.staged_path:
        with default_storage.open(checked.staged_path, "rb") as fh:
            content = ContentFile(fh.read())
    else:
        checked.content.seek(0)
        content = checked.content
        if hasattr(content, "temporary_file_path"):
            # An upload on disk (over FILE_UPLOAD_MAX_MEMORY_SIZE) is copied, never moved: a
            # 投诉+举报 stores it once for each case.
            content = File(content.file, name=content.name)

    def insert() -> Evidence:
        evidence.save()
        return evidence

    return save_for_row(evidence.file, "evidence", content, insert)


def evidence_store_each(
    case: Case, files: list[CheckedFile], *, added_later: bool = False
) -> tuple[list[Evidence], list[str]]:
    """Store every file that can be stored: (stored rows, names of the files not stored)."""
    stored: list[Evidence] = []
    missing: list[str] = []
    for checked in files:
        try:
            stored.append(evidence_store(case, checked, added_later=added_later))
        except STORE_ERRORS:
            log.warning("evidence %r of case %s not stored", checked.name, case.pk, exc_info=True)
            missing.append(checked.name)
    return stored, missing


def not_stored_note(case: Case, names: list[str], *, ip: str | None = None) -> None:
    """Mark the case "evidence pending" and say in its history (seen by the consumer and the
    office) which files are still missing and how to add them, in one transaction. Best
    effort: with the database down it is only logged (the receipt still names the files)."""
    if not names:
        return
    body = _(
        "These files could not be stored: %(names)s. Please add them again on this page "
        "(“Add evidence”), with your tracking number and access code."
    ) % {"names": "、".join(names)}
    try:
        with transaction.atomic():
            Case.objects.filter(pk=case.pk).update(evidence_pending=True)
            CaseEvent.objects.create(
                case=case, kind=CaseEvent.Kind.EVIDENCE, public=True, body=body
            )
            audit_log(
                "complaint.evidence_not_stored",
                target=case,
                actor_label="system",
                ip=ip,
                data={"files": names},
            )
    except DatabaseError:
        log.warning("case %s: note on %s files not stored failed", case.pk, len(names))
    else:
        case.evidence_pending = True


def evidence_pending_clear_row(case: Case) -> bool:
    """Clear the case's "evidence pending" mark in the caller's transaction; True if it was
    set."""
    return bool(
        Case.objects.filter(pk=case.pk, evidence_pending=True).update(evidence_pending=False)
    )


def evidence_pending_clear(*, case: Case, actor, ip: str | None = None) -> bool:
    """A regulator marks the missing evidence as dealt with (received another way, or not
    needed): the mark goes, the case's internal history and the audit log say who did it.
    False (nothing written) when the case was not marked."""
    with transaction.atomic():
        if not evidence_pending_clear_row(case):
            return False
        CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.NOTE,
            body=_("Evidence pending: marked as dealt with."),
            actor=actor,
        )
        audit_log("complaint.evidence_pending_cleared", actor=actor, target=case, ip=ip)
    case.evidence_pending = False
    return True


def preview_store(evidence: Evidence, data: bytes) -> bool:
    """Keep a preview for ``evidence`` unless another run made one first; the losing run's
    file (or one whose row update failed) is removed."""

    def attach() -> int:
        return Evidence.objects.filter(pk=evidence.pk, preview="").update(
            preview=evidence.preview.name
        )

    if save_for_row(evidence.preview, "preview.jpg", ContentFile(data), attach):
        return True
    discard(evidence.preview.name, evidence.preview.storage)
    evidence.preview.name = ""
    return False
