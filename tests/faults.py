"""Faults to inject: a disk that fills up mid-write, a database that fails on one statement or
on commit. Each behaves as the real failure does at the point where the project meets it."""

import errno
import os
import re
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections

from core.storage import CleanFileSystemStorage


class FullDiskStorage(CleanFileSystemStorage):
    """The project's storage on a disk that fills up: the file is created, a few bytes are
    written, then ``OSError(ENOSPC)``, as ``FileSystemStorage`` meets a full tmpfs.

    ``fail`` decides per name: a path prefix (``"complaints/evidence/"``), ``True`` for every
    write, or a number ``n`` to let the first ``n`` matching writes through."""

    fail: object = True
    prefix = ""
    writes = 0

    def _save(self, name, content):
        if not name.startswith(type(self).prefix):
            return super()._save(name, content)
        type(self).writes += 1
        allowed = type(self).fail
        if allowed is not True and type(self).writes <= allowed:
            return super()._save(name, content)
        return super()._save(name, _FillsUp(content))


class _FillsUp:
    def __init__(self, content):
        self.content = content

    def chunks(self, chunk_size=None):
        for chunk in self.content.chunks():
            yield chunk[:16]
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@contextmanager
def full_disk(settings, *, prefix: str = "", let_through: int | None = None):
    """Point the default storage at a ``FullDiskStorage`` under the test's MEDIA_ROOT."""
    FullDiskStorage.prefix = prefix
    FullDiskStorage.fail = True if let_through is None else let_through
    FullDiskStorage.writes = 0
    old = settings.STORAGES
    settings.STORAGES = {**old, "default": {"BACKEND": "tests.faults.FullDiskStorage"}}
    try:
        yield FullDiskStorage
    finally:
        settings.STORAGES = old


@contextmanager
def failing_statement(pattern: str, *, times: int = 1):
    """The database fails (OperationalError) on the next ``times`` statements matching
    ``pattern`` (a regular expression, case-insensitive), as on a restart mid-request."""
    left = [times]
    regex = re.compile(pattern, re.IGNORECASE)

    def wrapper(execute, sql, params, many, context):
        if left[0] > 0 and regex.search(sql):
            left[0] -= 1
            raise OperationalError("server closed the connection unexpectedly (injected)")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield left


@contextmanager
def failing_commit(monkeypatch, *, times: int = 1):
    """The next ``times`` COMMITs fail (OperationalError); the transaction is rolled back."""
    left = [times]
    wrapper_class = type(connections[DEFAULT_DB_ALIAS])
    real = wrapper_class._commit

    def commit(self):
        if left[0] > 0:
            left[0] -= 1
            self._rollback()
            raise OperationalError("could not commit: connection lost (injected)")
        return real(self)

    with monkeypatch.context() as patch:
        patch.setattr(wrapper_class, "_commit", commit)
        yield left


def stored_files(root) -> list[str]:
    """Every file under ``root`` (MEDIA_ROOT), relative, sorted."""
    out = []
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            out.append(os.path.relpath(os.path.join(dirpath, name), root))
    return sorted(out)
