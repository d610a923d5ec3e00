"""Multi-row inserts for the hot paths (findings, risk components).

Django's ``bulk_create`` builds a model instance per row and prepares every value of every field
one by one; for thousands of small rows that costs more than the database's own work. On
PostgreSQL, ``bulk_insert`` sends the rows with psycopg2's ``execute_values`` (one statement per
1,000 rows) and writes values shared by every row (a version id, a timestamp, a flag) once into
the row template instead of adapting them for every row. Other databases get ``bulk_create``.
"""

from collections.abc import Iterable, Mapping, Sequence

from django.db import connection
from django.db.models import JSONField, Model


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
    from psycopg2.extras import execute_values

    meta = model._meta
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
                row[i] = fields[i].get_db_prep_save(row[i], connection)
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
        template = "(" + ", ".join(["%s"] * len(fields) + [v.replace("%", "%%") for v in literals])
        found = execute_values(
            raw, sql, rows, template=template + ")", page_size=1000, fetch=returning_ids
        )
    return [row[0] for row in found] if returning_ids else None


def meta_field_name(model: type[Model], attname: str) -> str:
    """``post_id`` → ``post``: ``bulk_create`` wants field names."""
    return model._meta.get_field(attname).name
