"""Hot reads written once: the SQL text and the ORM's value converters, per database vendor.

Building a query through the ORM costs a few hundred microseconds of Python, more than
PostgreSQL spends answering a look-up by a unique index; an API request making three such reads
paid more for building them than for running them. A ``HotSelect`` keeps its SQL (quoted for the
vendor) and, per selected column, the converters the ORM would apply (aware datetimes and
booleans on SQLite, JSON), so its rows hold the same Python values a queryset gives.

Only for a few reads on the request path; everything else uses the ORM.
"""

from collections.abc import Callable, Sequence

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field, Model


def columns(model: type[Model], alias: str = "") -> Callable[[Callable[[str], str]], str]:
    """``quote → "col1", "col2", …``: every concrete column of ``model`` in field order (the
    order ``Model.from_db`` takes), optionally prefixed by a table alias."""

    def build(quote: Callable[[str], str]) -> str:
        prefix = f"{alias}." if alias else ""
        return ", ".join(prefix + quote(f.column) for f in model._meta.concrete_fields)

    return build


class HotSelect:
    """A read on the request path. ``build(quote)`` returns the SQL; ``{}`` in it marks an
    ``IN`` list whose length varies (give the lengths to ``rows``). ``fields`` are the model
    fields of the selected columns, in order, for the converters."""

    def __init__(self, build: Callable[[Callable[[str], str]], str], fields: Sequence[Field]):
        self._build = build
        self._fields = list(fields)
        self._prepared: dict[str, tuple[str, list]] = {}

    def _for(self, connection) -> tuple[str, list]:
        prepared = self._prepared.get(connection.vendor)
        if prepared is None:
            converters = []
            for field in self._fields:
                col = field.get_col(field.model._meta.db_table)
                found = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
                converters.append([(convert, col) for convert in found])
            prepared = self._build(connection.ops.quote_name), converters
            self._prepared[connection.vendor] = prepared
        return prepared

    def rows(
        self,
        params: Sequence,
        *,
        lists: Sequence[int] = (),
        for_update: bool = False,
        using: str = DEFAULT_DB_ALIAS,
    ) -> list[list]:
        connection = connections[using]
        sql, converters = self._for(connection)
        if lists:
            sql = sql.format(*("(" + ", ".join(["%s"] * n) + ")" for n in lists))
        if for_update and connection.features.has_select_for_update:
            sql += " FOR UPDATE"
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = [list(row) for row in cursor.fetchall()]
        for i, pairs in enumerate(converters):
            for convert, col in pairs:
                for row in rows:
                    row[i] = convert(row[i], col, connection)
        return rows
