"""Checking a bulk path (``counter.many``) against its one-by-one service: ``written``
runs some work from the current state, reads the tables it names and rolls everything back
(the numbers taken too), so that the same operations can be recorded the other way and
the two compared row by row."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import models, transaction

from buudien.core.models import AuditEntry, Sequence
from buudien.finance.models import (
    Account,
    DailyBalance,
    DailyFigure,
    Entry,
    MonthlyFigure,
    Transfer,
)

Read = Callable[[], Any]


class _RolledBack(Exception):
    pass


def written(work: Callable[[], object], reads: Mapping[str, Read]) -> dict[str, Any]:
    """What each of ``reads`` finds once ``work`` is done; nothing of it kept."""
    found: dict[str, Any] = {}
    try:
        with transaction.atomic():
            work()
            found.update((name, read()) for name, read in reads.items())
            raise _RolledBack
    except _RolledBack:
        pass
    return found


def table(
    model: type[models.Model], *, skip: Iterable[str] = (), via: Mapping[str, str] | None = None
) -> Read:
    """A read of every row of ``model``, sorted, without its id and the columns of ``skip``;
    a column of ``via`` read through its lookup (``entry_id`` as
    ``entry__idempotency_key``), so that rows with other ids compare alike."""
    left_out = {"id", *skip}
    names = [
        (via or {}).get(f.attname, f.attname)
        for f in model._meta.concrete_fields
        if f.attname not in left_out
    ]
    return lambda: sorted(model._default_manager.values_list(*names), key=repr)


def ledger_tables() -> dict[str, Read]:
    """The ledger (balances, entries, transfers, the daily and monthly rollups), the
    numbers taken and the audit log, without the moments of writing."""
    by_code = {"debit_id": "debit__code", "credit_id": "credit__code"}
    return {
        "accounts": table(Account, skip=["created_at"]),
        "entries": table(Entry, skip=["created_at"], via={"reverses_id": "reverses__reference"}),
        "transfers": table(Transfer, via={"entry_id": "entry__idempotency_key", **by_code}),
        "balances": table(DailyBalance, via={"account_id": "account__code"}),
        "days": table(DailyFigure),
        "months": table(MonthlyFigure),
        "sequences": table(Sequence),
        "audit": table(AuditEntry, skip=["at", "object_id"]),
    }
