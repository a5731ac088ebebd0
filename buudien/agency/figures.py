"""The figures of the partners' financial services for the year-end report, read from the
records the counters keep (on their (province, point, business day) indexes, bounded by the
period and the subtree):

- payment accounts opened, counted from the accounts themselves: those opened at a zero
  commission post no ledger entry and are counted all the same; split by how they were opened
  (online with the clerk's help, or at the counter: "mở online hơn 2.600 tài khoản");
- the savings balance mobilised as at a day: the deposits taken minus the withdrawals paid
  through the post up to that day, with the passbooks opened by then.

Each reads several periods (or days) at once: the report's and the same a year before.

A figure with nothing behind it is None ("no data"), never 0.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from buudien.agency.choices import OpeningChannel, SavingsKind
from buudien.agency.models import PaymentAccount, SavingsBook, SavingsTransaction


@dataclass(frozen=True)
class AccountsOpened:
    online: int
    counter: int

    @property
    def total(self) -> int:
        return self.online + self.counter


def accounts_opened(
    *, province_code: str, unit_path: str, date_from: dt.date, date_to: dt.date
) -> AccountsOpened | None:
    """The payment accounts opened at the points of the subtree ``unit_path`` from
    ``date_from`` to ``date_to`` (inclusive), by channel; None when none was."""
    periods = [(date_from, date_to)]
    return accounts_opened_in(province_code=province_code, unit_path=unit_path, periods=periods)[0]


def accounts_opened_in(
    *, province_code: str, unit_path: str, periods: Sequence[tuple[dt.date, dt.date]]
) -> list[AccountsOpened | None]:
    """The payment accounts opened at the points of the subtree ``unit_path`` in each of
    ``periods`` (from, to, inclusive), by channel, in one query; None for a period when
    none was."""
    spans = [Q(business_date__gte=start, business_date__lte=end) for start, end in periods]
    rows = (
        PaymentAccount.objects.filter(
            functools.reduce(operator.or_, spans),
            province_code=province_code,
            point__unit_path__startswith=unit_path,
        )
        .values_list("channel")
        .annotate(**{f"opened_{i}": Count("id", filter=span) for i, span in enumerate(spans)})
        .order_by()
    )
    counted: list[dict[str, int]] = [{} for _span in spans]
    for channel, *counts in rows:
        for index, n in enumerate(counts):
            if n:
                counted[index][channel] = n
    return [
        AccountsOpened(
            online=found.get(OpeningChannel.ONLINE.value, 0),
            counter=found.get(OpeningChannel.COUNTER.value, 0),
        )
        if found
        else None
        for found in counted
    ]


@dataclass(frozen=True)
class SavingsBalance:
    deposits: int
    withdrawals: int
    books: int

    @property
    def balance(self) -> int:
        return self.deposits - self.withdrawals


def savings_balance(*, province_code: str, unit_path: str, on: dt.date) -> SavingsBalance | None:
    """The savings mobilised at the points of the subtree ``unit_path`` as at the end of
    ``on``; None when no book was opened and nothing deposited there by then."""
    return savings_balances(province_code=province_code, unit_path=unit_path, days=[on])[0]


def savings_balances(
    *, province_code: str, unit_path: str, days: Sequence[dt.date]
) -> list[SavingsBalance | None]:
    """The savings mobilised at the points of the subtree ``unit_path`` as at the end of
    each of ``days``, in one query of the transactions and one of the books; None for a day
    when no book was opened and nothing deposited there by then."""
    where = Q(province_code=province_code, point__unit_path__startswith=unit_path)
    last = max(days)
    sums = SavingsTransaction.objects.filter(where, business_date__lte=last).aggregate(
        **{
            f"{kind}_{index}": Sum("amount", filter=Q(kind=value, business_date__lte=day))
            for index, day in enumerate(days)
            for kind, value in (
                ("deposits", SavingsKind.DEPOSIT),
                ("withdrawals", SavingsKind.WITHDRAWAL),
            )
        }
    )
    books = SavingsBook.objects.filter(where, opened_on__lte=last).aggregate(
        **{
            f"books_{index}": Count("pk", filter=Q(opened_on__lte=day))
            for index, day in enumerate(days)
        }
    )
    out: list[SavingsBalance | None] = []
    for index in range(len(days)):
        deposits, withdrawals = sums[f"deposits_{index}"], sums[f"withdrawals_{index}"]
        count = books[f"books_{index}"]
        if not count and deposits is None:
            out.append(None)
            continue
        out.append(
            SavingsBalance(deposits=deposits or 0, withdrawals=withdrawals or 0, books=count)
        )
    return out
