"""Named counters taken atomically: S10 serials per office, receipt numbers.

A block of values is taken with one ``UPDATE core_sequence SET value = value + count``. The
UPDATE itself serialises the takers: on PostgreSQL the second waits on the row lock of the
first until it commits, then adds to the committed value; on SQLite the transaction begins
IMMEDIATE (see settings), so writers queue on the database lock. Either way two calls never
get overlapping blocks. A taker inside a longer transaction keeps the row locked until that
transaction ends, so take numbers late in a service, not early.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from buudien.core.models import Sequence


def _advance(name: str, count: int) -> bool:
    return Sequence.objects.filter(name=name).update(value=F("value") + count) == 1


def sequence_next(name: str, count: int = 1) -> int:
    """Take ``count`` new values of the counter ``name`` and return the LAST of them.

    The block is ``last - count + 1 .. last``. A counter that does not exist yet starts at 0,
    so its first value is 1. Values taken by a transaction that rolls back are given back.
    """
    if count < 1:
        raise ValueError("count must be 1 or more")
    if not name:
        raise ValueError("a sequence needs a name")
    with transaction.atomic():
        if not _advance(name, count):
            try:
                # The savepoint keeps the outer transaction usable if another taker created
                # the row first (PostgreSQL waits for that taker, then reports the clash).
                with transaction.atomic():
                    Sequence.objects.create(name=name, value=count)
                return count
            except IntegrityError:
                if not _advance(name, count):  # pragma: no cover - the row exists by now
                    raise
        return Sequence.objects.filter(name=name).values_list("value", flat=True).get()


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
