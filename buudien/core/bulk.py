"""Many new rows of one model at once: PostgreSQL's COPY, SQLite's prepared INSERT
(``executemany``). For the services that write thousands of rows at once (a day's press
deliveries), where ``bulk_create`` spends most of its time building model instances and
compiling SQL rather than in the database.

The values are adapted by the fields themselves (``get_db_prep_save``), as the ORM would;
a column not given takes the field's default. No signal is sent and no primary key comes
back: the callers read what they need afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection, models

CHUNK = 2_000
_TEXT = frozenset({"CharField", "TextField", "SlugField", "EmailField"})
_WHOLE = frozenset(
    {
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveBigIntegerField",
        "PositiveSmallIntegerField",
        "AutoField",
        "BigAutoField",
    }
)


def _plain(field: Any) -> type | None:
    """The Python type whose values ``field`` stores unchanged (``str`` for text, ``int`` for
    whole numbers and the keys that point at them), None when its values are adapted."""
    target = field.target_field if field.is_relation else field
    kind = target.get_internal_type()
    if kind in _TEXT and not field.is_relation:
        return str
    if kind in _WHOLE:
        return int
    return None


def insert_rows(model: type[models.Model], rows: Iterable[Mapping[str, Any]]) -> int:
    """INSERT ``rows`` (values by the fields' attribute names, ``point_id`` for a foreign
    key) into ``model``'s table. The rows written."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
    defaults = {f.attname: f.get_default() for f in fields}
    preps = [(f.attname, f.get_db_prep_save, _plain(f)) for f in fields]

    def prepare(row: Mapping[str, Any]) -> list[Any]:
        given = {**defaults, **row}
        values = []
        for name, prep, plain in preps:
            value = given[name]
            # A text or a whole number the database takes as it is: no adapting needed.
            if value is None or (plain is not None and type(value) is plain):
                values.append(value)
            else:
                values.append(prep(value, connection))
        return values

    prepared = (prepare(row) for row in rows)
    if connection.vendor == "postgresql":
        # COPY: a constraint that fails stops it whole, like the INSERT would.
        written = 0
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for values in prepared:
                copy.write_row(values)
                written += 1
        return written
    written = 0
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for values in prepared:
            batch.append(values)
            if len(batch) >= CHUNK:
                cursor.executemany(sql, batch)
                written += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written
