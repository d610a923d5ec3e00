"""Aggregate rows kept by many writers at once (``merchants.risk``,
``merchants.near_duplicate_risk``): create-and-lock in one statement, in the order given (two
writers never deadlock), then write the new values in one statement."""

import datetime

from django.db import connection


def lock_rows(model, key_fields, keys, defaults: dict, read: tuple) -> dict[tuple, tuple]:
    """Create the rows of ``keys`` that are missing and lock all of them, in the order given,
    in one ``INSERT … ON CONFLICT DO UPDATE`` (an update to the same value: it takes the row
    lock); returns the ``read`` columns of each row as it is now."""
    quote = connection.ops.quote_name
    meta = model._meta
    table = quote(meta.db_table)
    columns = [*key_fields, *defaults]
    names = ", ".join(quote(meta.get_field(c).column) for c in columns)
    first = quote(meta.get_field(read[0]).column)
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    target = ", ".join(quote(meta.get_field(c).column) for c in key_fields)
    returned = ", ".join(quote(meta.get_field(c).column) for c in (*key_fields, *read))
    found: dict[tuple, tuple] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            params = [
                v
                for key in chunk
                for v in (*key, *(db_value(model, c, x) for c, x in defaults.items()))
            ]
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {', '.join([row] * len(chunk))} "  # noqa: S608 - names from the model, values are parameters
                f"ON CONFLICT ({target}) DO UPDATE SET {first} = {table}.{first} "
                f"RETURNING {returned}",
                params,
            )
            for values in cursor.fetchall():
                key = tuple(py_value(model, f, v) for f, v in zip(key_fields, values, strict=False))
                found[key] = tuple(
                    py_value(model, c, v)
                    for c, v in zip(read, values[len(key_fields) :], strict=True)
                )
    return found


def update_rows(model, key_fields, fields, rows) -> None:
    """Write ``fields`` of the rows named by ``key_fields`` (each row: keys, then fields): one
    ``UPDATE … FROM (VALUES …)`` on PostgreSQL."""
    quote = connection.ops.quote_name
    meta = model._meta
    table = quote(meta.db_table)
    if connection.vendor != "postgresql":
        sets = ", ".join(f"{quote(meta.get_field(f).column)} = %s" for f in fields)
        where = " AND ".join(f"{quote(meta.get_field(f).column)} = %s" for f in key_fields)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET {sets} WHERE {where}",  # noqa: S608 - names from the model, values are parameters
                [
                    [
                        *(db_value(model, f, v) for f, v in zip(fields, row[len(key_fields) :])),  # noqa: B905
                        *(db_value(model, f, v) for f, v in zip(key_fields, row)),  # noqa: B905
                    ]
                    for row in rows
                ],
            )
        return
    names = [*key_fields, *fields]
    columns = [quote(meta.get_field(f).column) for f in names]
    row = "(" + ", ".join(f"%s::{meta.get_field(f).db_type(connection)}" for f in names) + ")"
    sets = ", ".join(f"{c} = v.{c}" for c in columns[len(key_fields) :])
    where = " AND ".join(f"t.{c} = v.{c}" for c in columns[: len(key_fields)])
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            cursor.execute(
                f"UPDATE {table} AS t SET {sets} FROM (VALUES {', '.join([row] * len(chunk))}) "  # noqa: S608 - names from the model, values are parameters
                f"AS v({', '.join(columns)}) WHERE {where}",
                [db_value(model, f, v) for r in chunk for f, v in zip(names, r)],  # noqa: B905
            )


def db_value(model, field: str, value):
    return model._meta.get_field(field).get_db_prep_save(value, connection)


def py_value(model, field: str, value):
    if isinstance(value, str) and model._meta.get_field(field).get_internal_type() == "DateField":
        return datetime.date.fromisoformat(value)  # SQLite gives dates as text to a raw cursor
    return value


def add_rows(model, key_fields, field: str, rows) -> None:
    """Add to ``field`` of the rows named by ``key_fields`` (each row: keys, then a positive
    amount; numbers and dates), creating missing rows, in the order given: on PostgreSQL one
    ``INSERT … SELECT FROM unnest(…) ON CONFLICT DO UPDATE`` over one array per column,
    elsewhere one multi-row statement per 500 rows."""
    quote = connection.ops.quote_name
    meta = model._meta
    table = quote(meta.db_table)
    names = [*key_fields, field]
    columns = ", ".join(quote(meta.get_field(f).column) for f in names)
    target = ", ".join(quote(meta.get_field(f).column) for f in key_fields)
    column = quote(meta.get_field(field).column)
    upsert = f"ON CONFLICT ({target}) DO UPDATE SET {column} = {table}.{column} + excluded.{column}"
    if not rows:
        return
    if connection.vendor == "postgresql":
        arrays = ", ".join(f"%s::{meta.get_field(f).db_type(connection)}[]" for f in names)
        picked = ", ".join(f"v.c{i}" for i in range(len(names)))
        aliases = ", ".join(f"c{i}" for i in range(len(names)))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {picked} FROM unnest({arrays}) "  # noqa: S608 - names from the model, values are parameters
                f"WITH ORDINALITY AS v({aliases}, n) ORDER BY v.n {upsert}",
                [pg_array(values) for values in zip(*rows, strict=True)],
            )
        return
    row = "(" + ", ".join(["%s"] * len(names)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(chunk))} "  # noqa: S608 - names from the model, values are parameters
                f"{upsert}",
                [db_value(model, f, v) for r in chunk for f, v in zip(names, r)],  # noqa: B905
            )


def pg_array(values) -> str:
    """A PostgreSQL array literal of ``values`` (numbers, dates, strings; None is NULL), for
    one ``%s::type[]`` parameter: the server reads one value instead of one per element."""
    values = list(values)
    if all(type(v) in (int, float) for v in values):  # the usual case: ids, counts, scores
        return "{" + ",".join(map(str, values)) + "}"
    out = []
    for v in values:
        if v is None:
            out.append("NULL")
        elif isinstance(v, str):
            out.append('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"')
        elif isinstance(v, datetime.date):
            out.append(v.isoformat())
        else:
            out.append(str(v))
    return "{" + ",".join(out) + "}"
