"""What every build of the demo must hold, whatever the day it is built on."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Sum

from buudien.finance.choices import DEBIT_NORMAL
from buudien.finance.models import Account, DailyBalance, Transfer


def drawer_days_below_zero() -> list[tuple[str, dt.date, int]]:
    """Every (drawer, day) whose balance at the end of the day was below zero: a step spent
    cash that no earlier operation had put in the drawer by then."""
    running: dict[str, int] = defaultdict(int)
    below = []
    rows = (
        DailyBalance.objects.filter(account__code__startswith="1111.")
        .order_by("account__code", "date")
        .values_list("account__code", "date", "debit_total", "credit_total")
    )
    for code, day, debits, credits in rows:
        running[code] += debits - credits
        if running[code] < 0:
            below.append((code, day, running[code]))
    return below


def assert_the_money_holds() -> None:
    """The ledger balances (rollups and transfers agree), no account that may not go below
    zero is below zero, and no drawer ended a day below zero."""
    transfers = Transfer.objects.aggregate(total=Sum("amount"))["total"] or 0
    rollups = DailyBalance.objects.aggregate(d=Sum("debit_total"), c=Sum("credit_total"))
    assert rollups["d"] == rollups["c"] == transfers
    signed = sum(
        balance if kind in DEBIT_NORMAL else -balance
        for kind, balance in Account.objects.values_list("kind", "balance")
    )
    assert signed == 0
    assert not Account.objects.filter(allow_negative=False, balance__lt=0).exists()
    assert drawer_days_below_zero() == []
