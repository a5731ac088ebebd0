"""Many new rows of one model in one prepared INSERT (``executemany``): for the services that
write thousands of rows at once (a day's press deliveries), where ``bulk_create`` spends most
of its time building model instances and compiling SQL rather than in the database.

The values are adapted by the fields themselves (``get_db_prep_save``), as the ORM would;
a column not given takes the field's default. No signal is sent and no primary key comes
back: the callers read what they need afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection, models

CHUNK = 2_000


def insert_rows(model: type[models.Model], rows: Iterable[Mapping[str, Any]]) -> int:
    """INSERT ``rows`` (values by the fields' attribute names, ``point_id`` for a foreign
    key) into ``model``'s table. The rows written."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
    defaults = {f.attname: f.get_default() for f in fields}
    preps = [(f.attname, f.get_db_prep_save) for f in fields]
    written = 0
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            given = {**defaults, **row}
            batch.append([prep(given[name], connection) for name, prep in preps])
            if len(batch) >= CHUNK:
                cursor.executemany(sql, batch)
                written += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written
