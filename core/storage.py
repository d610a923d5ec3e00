"""File storage that leaves nothing behind when a write fails, and helpers that keep files and
rows in step.

Django's ``FileSystemStorage`` creates the file before it writes the content, so a full disk
(``ENOSPC``) or any other error during the write leaves an empty or truncated file that no row
references. ``CleanFileSystemStorage`` removes it and re-raises. ``save_for_row`` writes a file
for a row that is inserted afterwards and removes the file again when the insert (or its commit)
fails. What still slips through (a process killed between the two steps) is found by
``manage.py scrub_orphan_files``.

Called inside a transaction that the caller may still roll back (the row's own transaction is
then a savepoint), ``save_for_row`` also registers ``remove_unless_committed``: an on-commit
callback that marks the file kept. Django drops such a callback unrun when the transaction or
savepoint is rolled back; the callback object is then garbage-collected and its finaliser
removes the file.
"""

import logging
import os
import threading
import weakref
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


class _Kept:
    """The on-commit callback of ``remove_unless_committed``."""

    def __init__(self, state: dict):
        self.state = state

    def __call__(self) -> None:
        self.state["committed"] = True


def _remove_if_dropped(state: dict, name: str, storage) -> None:
    if not state["committed"]:
        log.info("removing %s: the transaction that referenced it was rolled back", name)
        discard(name, storage)


def remove_unless_committed(name: str, storage: Storage | None = None) -> None:
    """Remove the stored file ``name`` if the current transaction does not commit."""
    state = {"committed": False}
    callback = _Kept(state)
    weakref.finalize(callback, _remove_if_dropped, state, name, storage or default_storage)
    transaction.on_commit(callback)


def save_for_row(
    field_file, name: str, content, write_row: Callable[[], T], *, storage: Storage | None = None
) -> T:
    """Store ``content`` in ``field_file`` (without saving its instance), then call
    ``write_row`` in a transaction of its own. If the row cannot be written or committed, the
    file is removed again, so no file is left that no row references."""
    storage = storage or field_file.storage
    field_file.save(name, content, save=False)
    try:
        with transaction.atomic():
            result = write_row()
    except BaseException:
        discard(field_file.name, storage)
        raise
    if transaction.get_connection().in_atomic_block:  # the caller's transaction may roll back
        remove_unless_committed(field_file.name, storage)
    return result
