"""Named counters taken atomically: S10 serials per office, receipt numbers.

A block of values is taken with one statement (``INSERT ... ON CONFLICT DO UPDATE SET value =
value + count RETURNING value``, which creates the counter on first use). It serialises the
takers: on PostgreSQL the second waits on the row lock of the first until it commits, then
adds to the committed value; on SQLite the transaction begins IMMEDIATE (see settings), so
writers queue on the database lock. Either way two calls never get overlapping blocks. A
taker inside a longer transaction keeps the row locked until that transaction ends, so take
numbers late in a service, not early.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import connection, transaction

from buudien.core.models import Sequence


def _upsert_sql(extra: str = "") -> str:
    """Add to a counter, creating it at the amount added: one statement, which locks the
    counter's row until the transaction ends. ``extra`` is more to return with the value."""
    table = connection.ops.quote_name(Sequence._meta.db_table)
    return (
        f"INSERT INTO {table} (name, value) VALUES (%s, %s) ON CONFLICT (name) "
        f"DO UPDATE SET value = {table}.value + excluded.value RETURNING value{extra}"
    )


def sequence_next(name: str, count: int = 1) -> int:
    """Take ``count`` new values of the counter ``name`` and return the LAST of them.

    The block is ``last - count + 1 .. last``. A counter that does not exist yet starts at 0,
    so its first value is 1. Values taken by a transaction that rolls back are given back.
    One statement (``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``), no savepoint: a
    concurrent creator of the same row is waited for and added to, on both databases.
    """
    if count < 1:
        raise ValueError("count must be 1 or more")
    if not name:
        raise ValueError("a sequence needs a name")
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(), [name, count])
        return int(cursor.fetchone()[0])


def sequence_next_with(name: str, other: str) -> tuple[int, int | None]:
    """``sequence_next(name)`` and, read by the same statement, the value of the counter
    ``other`` (None when it does not exist): the S10 serials' office count and its block."""
    table = connection.ops.quote_name(Sequence._meta.db_table)
    # On PostgreSQL the subquery reads with the statement's snapshot, taken before it waited
    # for the row of ``name``: locking ``other`` (FOR SHARE) reads its latest committed value,
    # as another taker of ``name`` may have changed it while this one waited.
    lock = " FOR SHARE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            _upsert_sql(f", (SELECT s.value FROM {table} s WHERE s.name = %s{lock})"),
            [name, 1, other],
        )
        value, found = cursor.fetchone()
    return int(value), None if found is None else int(found)


_CHUNK = 400


def sequence_next_many(counts: Mapping[str, int]) -> dict[str, int]:
    """``sequence_next`` of many counters at once (``count`` new values of each), the LAST
    value of each by its name: one upsert per few hundred names (``INSERT ... ON CONFLICT
    DO UPDATE ... RETURNING``), the names in order, so that two takers lock them in the same
    order. For a list of operations at many points (each point's numbers its own)."""
    wanted = sorted(counts.items())
    if any(count < 1 for _name, count in wanted):
        raise ValueError("count must be 1 or more")
    if any(not name for name, _count in wanted):
        raise ValueError("a sequence needs a name")
    table = connection.ops.quote_name(Sequence._meta.db_table)
    found: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            marks = ", ".join(["(%s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} (name, value) VALUES {marks} ON CONFLICT (name) "
                f"DO UPDATE SET value = {table}.value + excluded.value RETURNING name, value",
                [value for pair in chunk for value in pair],
            )
            found.update((name, int(value)) for name, value in cursor.fetchall())
    return found
