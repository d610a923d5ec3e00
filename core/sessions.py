"""Database sessions read and written with one plain statement each.

The same table, rows, signing and expiry as ``django.contrib.sessions.backends.db`` (whose
store this extends, so creating a session, ``exists``, ``delete`` and ``clear_expired`` are
Django's own): only loading a session and writing back an existing one skip the ORM's query
building, which cost more than the statements themselves on every page that has a session
(the complaint form's POST reads and writes one, its receipt page reads it).
"""

import datetime

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _run(self, alias: str, template: str, params: list) -> tuple[int, tuple | None]:
        """(rows affected, first row) of ``template`` with ``{table}`` filled in."""
        connection = connections[alias]
        table = connection.ops.quote_name(self.model._meta.db_table)
        adapt = connection.ops.adapt_datetimefield_value
        with connection.cursor() as cursor:
            cursor.execute(
                template.format(table=table),
                [adapt(p) if isinstance(p, datetime.datetime) else p for p in params],
            )
            return cursor.rowcount, cursor.fetchone() if template.startswith("SELECT") else None

    def load(self):
        _count, row = self._run(
            router.db_for_read(self.model),
            "SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s",
            [self.session_key, timezone.now()],
        )
        if row is None:  # unknown or expired: a new session is started when one is saved
            self._session_key = None
            return {}
        return self.decode(row[0])

    def save(self, must_create=False):
        """An existing session: one ``UPDATE`` of its data and expiry (``UpdateError`` when
        the row is gone, as Django's store); a new one is created by Django's store."""
        if self.session_key is None or must_create:
            return super().save(must_create=must_create)
        data = self._get_session(no_load=False)
        updated, _row = self._run(
            router.db_for_write(self.model),
            "UPDATE {table} SET session_data = %s, expire_date = %s WHERE session_key = %s",
            [self.encode(data), self.get_expiry_date(), self.session_key],
        )
        if updated != 1:
            raise UpdateError
        return None
