"""Adding to a rollup row: ONE ``INSERT ... ON CONFLICT (keys) DO UPDATE SET c = c + excluded.c``
in the caller's transaction, on PostgreSQL and SQLite alike.

A rollup is a table of counters under a unique key (a day or a month, a point, a title…):
the services add to it as they write, the figures read it and never the operations. ``add``
is the one statement that does it; ``add_many`` sends many rows in one statement per chunk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import connection, models

CHUNK = 400


def _value(value: Any) -> Any:
    # SQLite's adapter for dates is deprecated: send them as ISO text there.
    if isinstance(value, dt.date) and connection.vendor != "postgresql":
        return value.isoformat()
    return value


def add_many(
    model: type[models.Model],
    keys: Sequence[str],
    counters: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> int:
    """Add each row's counters (the values after the keys, in ``counters``' order) to the
    row of ``model`` under its keys, creating it when missing. The rows given."""
    table = model._meta.db_table
    columns = [*keys, *counters]
    added = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in counters)
    given = 0
    batch: list[Sequence[Any]] = []

    def flush() -> None:
        if not batch:
            return
        marks = ", ".join("(" + ", ".join(["%s"] * len(columns)) + ")" for _row in batch)
        params = [_value(value) for row in batch for value in row]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES {marks} "
                f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {added}",
                params,
            )
        batch.clear()

    for row in rows:
        if len(row) != len(columns):
            raise ValueError(f"a rollup row of {table} has {len(columns)} values")
        batch.append(row)
        given += 1
        if len(batch) >= CHUNK:
            flush()
    flush()
    return given


def add(model: type[models.Model], keys: Mapping[str, Any], counters: Mapping[str, int]) -> None:
    """Add ``counters`` to the row of ``model`` under ``keys`` (column names)."""
    add_many(model, list(keys), list(counters), [[*keys.values(), *counters.values()]])
