"""No orphan files: a failed write removes what it created, a preview that loses a race or
whose row update fails is removed, and ``scrub_orphan_files`` finds (and on request removes)
files no row references and rows whose file is missing, for every FileField."""

import errno
import io
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError

from core.models import AuditEntry
from tests.complaints.conftest import png_bytes
from tests.faults import failing_statement, full_disk, stored_files

pytestmark = pytest.mark.django_db


class _DiskFillsUp(ContentFile):
    """Content whose second chunk meets a full disk."""

    def chunks(self, chunk_size=None):
        yield b"\xff\xd8\xff" + b"x" * 1000
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_the_configured_storage_leaves_nothing_when_the_disk_fills_up(settings):
    with pytest.raises(OSError):
        default_storage.save("complaints/evidence/2026/12/abc", _DiskFillsUp(b"x" * 2000))
    assert stored_files(settings.MEDIA_ROOT) == []


def _evidence_with_image(submit):
    from complaints.evidence import check_upload

    upload = io.BytesIO(png_bytes((40, 30)))
    upload.name = "截图.png"
    case, _code = submit(files=[check_upload(upload)])
    return case.evidence.get()


def test_a_file_whose_row_a_caller_rolls_back_later_is_removed(submit, settings):
    from django.db import transaction

    from complaints.evidence import check_upload
    from complaints.evidence_store import evidence_store

    case, _code = submit()
    upload = io.BytesIO("聊天记录".encode())
    upload.name = "chat.txt"
    checked = check_upload(upload)
    with pytest.raises(RuntimeError), transaction.atomic():  # e.g. a channel's own transaction
        name = evidence_store(case, checked).file.name
        assert default_storage.exists(name)
        raise RuntimeError("the caller fails after the evidence was stored")
    assert not case.evidence.exists()
    assert not default_storage.exists(name)
    with transaction.atomic():  # …and one that goes through keeps its file
        kept = evidence_store(case, checked).file.name
    assert default_storage.exists(kept)
    assert stored_files(settings.MEDIA_ROOT) == [kept]


def test_a_preview_the_disk_refuses_leaves_no_file(submit, settings):
    from complaints.services import evidence_preview_make

    evidence = _evidence_with_image(submit)
    default_storage.delete(evidence.preview.name)  # made after intake: make it again
    type(evidence).objects.filter(pk=evidence.pk).update(preview="")
    evidence.refresh_from_db()
    with full_disk(settings, prefix="complaints/previews/"), pytest.raises(OSError):
        evidence_preview_make(evidence=evidence)
    assert stored_files(settings.MEDIA_ROOT) == [evidence.file.name]


def test_a_preview_that_loses_the_race_or_its_update_is_removed(submit, settings):
    from complaints.models import Evidence
    from complaints.services import evidence_preview_make

    evidence = _evidence_with_image(submit)
    made = evidence.preview.name
    assert made  # made after intake
    stale = Evidence.objects.get(pk=evidence.pk)
    stale.preview.name = ""  # a second run that loaded the row before the first finished
    evidence_preview_make(evidence=stale)
    assert Evidence.objects.get(pk=evidence.pk).preview.name == made
    assert stored_files(settings.MEDIA_ROOT) == sorted([evidence.file.name, made])

    Evidence.objects.filter(pk=evidence.pk).update(preview="")
    default_storage.delete(made)
    evidence.refresh_from_db()
    with failing_statement(r'UPDATE "complaints_evidence"'), pytest.raises(OperationalError):
        evidence_preview_make(evidence=evidence)
    assert stored_files(settings.MEDIA_ROOT) == [evidence.file.name]


def _age(name: str, seconds: int = 2 * 3600) -> None:
    path = default_storage.path(name)
    old = time.time() - seconds
    os.utime(path, (old, old))


def test_the_scrub_reports_by_default_and_removes_only_when_asked(submit, settings, capsys):
    from complaints.models import Evidence

    kept = _evidence_with_image(submit)
    lost = _evidence_with_image(submit)
    for e in Evidence.objects.all():
        _age(e.file.name)
        _age(e.preview.name)
    orphan = default_storage.save("complaints/evidence/2026/11/orphan", ContentFile(b"x"))
    _age(orphan)
    fresh = default_storage.save("complaints/evidence/2026/12/in-flight", ContentFile(b"x"))
    staged = default_storage.save("complaints/staging/tok", ContentFile(b"x"))
    _age(staged)
    default_storage.delete(lost.file.name)  # a row whose original is gone
    default_storage.delete(lost.preview.name)  # … and its preview
    before = stored_files(settings.MEDIA_ROOT)

    call_command("scrub_orphan_files")
    out = capsys.readouterr().out
    assert "仅报告" in out
    assert "孤立文件（没有记录引用）：1 个" in out and orphan in out
    assert fresh not in out and staged not in out
    assert "文件已丢失的记录：2 条" in out and lost.file.name in out
    assert stored_files(settings.MEDIA_ROOT) == before  # nothing removed
    assert AuditEntry.objects.get(action="storage.scrubbed").data["delete"] is False

    call_command("scrub_orphan_files", "--delete")
    out = capsys.readouterr().out
    assert "已删除 1 个" in out
    assert "必填字段，记录保留" in out  # the original's row is part of the case record
    assert not default_storage.exists(orphan)
    assert default_storage.exists(fresh) and default_storage.exists(staged)
    lost.refresh_from_db()
    assert lost.preview.name == "" and lost.file.name  # preview cleared, original kept
    assert default_storage.exists(kept.file.name) and default_storage.exists(kept.preview.name)
    assert AuditEntry.objects.filter(action="storage.scrubbed").count() == 2


def test_the_scrub_covers_every_file_field():
    from core.storage_scrub import file_fields

    fields = {f"{model._meta.label}.{f.name}" for model, f in file_fields()}
    assert {
        "complaints.Evidence.file",
        "complaints.Evidence.preview",
        "campaigns.Snapshot.image",
        "merchants.ExportJob.file",
    } <= fields


def test_the_scrub_refuses_a_negative_age():
    with pytest.raises(CommandError):
        call_command("scrub_orphan_files", "--min-age-minutes", "-5")
