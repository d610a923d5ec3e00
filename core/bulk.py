"""Multi-row inserts for the hot paths (posts, findings, risk components).

Django's ``bulk_create`` builds a model instance per row and prepares every value of every field
one by one; for thousands of small rows that costs more than the database's own work. On
PostgreSQL, ``bulk_insert`` streams the rows with ``COPY`` into a temporary staging table and
moves them with one ``INSERT … SELECT`` (which can resolve conflicts); a multi-row ``VALUES``
statement was slower still, the server parsing and type-checking every value of it. Values
shared by every row (a version id, a timestamp, a flag) are written once into that statement.
When the new ids are wanted, the rows go through ``execute_values`` with ``RETURNING``. Other
databases get ``bulk_create``.
"""

import datetime
import io
import json
from collections.abc import Iterable, Mapping, Sequence

from django.db import connection, transaction
from django.db.models import JSONField, Model
from psycopg2.extras import execute_values

# COPY's text format: backslash, tab, newline and carriage return are escaped; \N is NULL.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)  # int, float (JSON columns arrive as text)


def bulk_insert(
    model: type[Model],
    columns: Sequence[str],
    rows: Iterable[Sequence],
    *,
    constants: Mapping[str, object] | None = None,
    ignore_conflicts: bool = False,
    update_conflicts: tuple[Sequence[str], Sequence[str]] | None = None,
    returning_ids: bool = False,
) -> list[int] | None:
    """Insert ``rows`` (tuples in the order of ``columns``, which are field attnames such as
    ``post_id``) with ``constants`` (attname → value) added to every row. With
    ``returning_ids``, the new primary keys in the order of the rows. ``update_conflicts`` is
    ``(unique fields, fields to update)``: a row that collides updates those fields of the
    stored one instead."""
    constants = dict(constants or {})
    rows = list(rows)
    if not rows:
        return [] if returning_ids else None
    if connection.vendor != "postgresql":
        objs = [model(**constants, **dict(zip(columns, row, strict=True))) for row in rows]
        upsert = {}
        if update_conflicts:
            upsert = {
                "update_conflicts": True,
                "unique_fields": [meta_field_name(model, f) for f in update_conflicts[0]],
                "update_fields": [meta_field_name(model, f) for f in update_conflicts[1]],
            }
        model.objects.bulk_create(objs, ignore_conflicts=ignore_conflicts, batch_size=500, **upsert)
        return [obj.pk for obj in objs] if returning_ids else None

    meta = model._meta
    # Fields left out get their model default, as bulk_create would give them.
    for f in meta.concrete_fields:
        if not (f.primary_key or f.attname in columns or f.attname in constants):
            constants[f.attname] = f.get_default()
    fields = [meta.get_field(name) for name in columns]
    shared = [meta.get_field(name) for name in constants]
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in [*fields, *shared])
    json_at = [i for i, f in enumerate(fields) if isinstance(f, JSONField)]
    if json_at:
        prepared = []
        for row in rows:
            row = list(row)
            for i in json_at:
                if returning_ids:  # through the driver's adapter
                    row[i] = fields[i].get_db_prep_save(row[i], connection)
                else:  # as text for COPY
                    row[i] = json.dumps(row[i], cls=fields[i].encoder, ensure_ascii=False)
            prepared.append(row)
        rows = prepared
    sql = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES %s"  # noqa: S608 - names from the model, values are parameters
    if ignore_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    elif update_conflicts:
        target = ", ".join(quote(meta.get_field(f).column) for f in update_conflicts[0])
        changes = ", ".join(
            f"{quote(meta.get_field(f).column)} = EXCLUDED.{quote(meta.get_field(f).column)}"
            for f in update_conflicts[1]
        )
        sql += f" ON CONFLICT ({target}) DO UPDATE SET {changes}"
    if returning_ids:
        sql += f" RETURNING {quote(meta.pk.column)}"
    # The raw cursor's errors become Django's (IntegrityError, DatabaseError) as usual.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        raw = cursor.cursor
        literals = [
            raw.mogrify("%s", [f.get_db_prep_save(value, connection)]).decode()
            for f, value in zip(shared, constants.values(), strict=True)
        ]
        if not returning_ids:
            _copy_then_insert(raw, meta, fields, literals, rows, sql)
            return None
        template = "(" + ", ".join(["%s"] * len(fields) + [v.replace("%", "%%") for v in literals])
        found = execute_values(
            raw, sql, rows, template=template + ")", page_size=1000, fetch=returning_ids
        )
    return [row[0] for row in found]


def _copy_then_insert(raw, meta, fields, literals, rows, insert_values_sql: str) -> None:
    """COPY the rows into a session-private staging table (emptied at commit), then one
    ``INSERT … SELECT`` with the shared values and the conflict clause of ``insert_values_sql``."""
    quote = connection.ops.quote_name
    stage = quote(f"stage_{meta.db_table}")
    columns = ", ".join(quote(f.column) for f in fields)
    head, _values, tail = insert_values_sql.partition(" VALUES %s")
    buffer = io.StringIO()
    write = buffer.write
    for row in rows:
        write("\t".join([_copy_text(v) for v in row]))
        write("\n")
    buffer.seek(0)
    with transaction.atomic(savepoint=False):  # the staged rows live until the commit
        raw.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} ON COMMIT DELETE ROWS AS "  # noqa: S608 - names from the model
            f"SELECT {columns} FROM {quote(meta.db_table)} WITH NO DATA"
        )
        raw.copy_expert(f"COPY {stage} ({columns}) FROM STDIN", buffer)
        selected = ", ".join([columns, *literals])
        raw.execute(f"{head} SELECT {selected} FROM {stage}{tail}")  # noqa: S608 - names from the model, values are literals made by the driver
        # A second batch in the same transaction starts empty (the commit empties the table
        # physically; DELETE here only hides these rows until then).
        raw.execute(f"DELETE FROM {stage}")  # noqa: S608 - name from the model


def meta_field_name(model: type[Model], attname: str) -> str:
    """``post_id`` → ``post``: ``bulk_create`` wants field names."""
    return model._meta.get_field(attname).name
