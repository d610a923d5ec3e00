"""File storage that leaves nothing behind when a write fails, and helpers that keep files and
rows in step.

Django's ``FileSystemStorage`` creates the file before it writes the content, so a full disk
(``ENOSPC``) or any other error during the write leaves an empty or truncated file that no row
references. ``CleanFileSystemStorage`` removes it and re-raises. ``save_for_row`` writes a file
for a row that is inserted afterwards and removes the file again when the insert (or its commit)
fails. What still slips through (a process killed between the two steps) is found by
``manage.py scrub_orphan_files``.
"""

import logging
import os
import threading
from collections.abc import Callable
from contextlib import suppress
from typing import TypeVar

from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.db import transaction

log = logging.getLogger(__name__)

T = TypeVar("T")


class CleanFileSystemStorage(FileSystemStorage):
    """``FileSystemStorage`` that removes the file a failed write created."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._writing = threading.local()

    def get_available_name(self, name, max_length=None):
        name = super().get_available_name(name, max_length=max_length)
        # ``_save`` asks again when another writer took the name first: remember the last one.
        if getattr(self._writing, "name", None) is not None:
            self._writing.name = name
        return name

    def _save(self, name, content):
        self._writing.name = name
        try:
            return super()._save(name, content)
        except BaseException:
            # The name was free just before (``get_available_name``): what is there now is ours.
            with suppress(FileNotFoundError):
                os.remove(self.path(self._writing.name))
                log.warning("removed %s after its write failed", self._writing.name)
            raise
        finally:
            self._writing.name = None


def discard(name: str, storage: Storage | None = None) -> None:
    """Remove a stored file, never raising (it may be gone already, or the disk may refuse)."""
    if not name:
        return
    try:
        (storage or default_storage).delete(name)
    except Exception:
        log.warning("could not remove %s; scrub_orphan_files will find it", name, exc_info=True)


def save_for_row(
    field_file, name: str, content, write_row: Callable[[], T], *, storage: Storage | None = None
) -> T:
    """Store ``content`` in ``field_file`` (without saving its instance), then call
    ``write_row`` in a transaction of its own. If the row cannot be written or committed, the
    file is removed again, so no file is left that no row references."""
    field_file.save(name, content, save=False)
    try:
        with transaction.atomic():
            return write_row()
    except BaseException:
        discard(field_file.name, storage or field_file.storage)
        raise
