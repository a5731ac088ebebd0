"""The figures of the partners' financial services for the year-end report, read from the
records the counters keep (on their (province, point, business day) indexes, bounded by the
period and the subtree):

- payment accounts opened, counted from the accounts themselves: those opened at a zero
  commission post no ledger entry and are counted all the same; split by how they were opened
  (online with the clerk's help, or at the counter: "mở online hơn 2.600 tài khoản");
- the savings balance mobilised as at a day: the deposits taken minus the withdrawals paid
  through the post up to that day, with the passbooks opened by then.

A figure with nothing behind it is None ("no data"), never 0.
"""

from __future__ import annotations

import datetime as dt
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
    counted = dict(
        PaymentAccount.objects.filter(
            province_code=province_code,
            point__unit_path__startswith=unit_path,
            business_date__gte=date_from,
            business_date__lte=date_to,
        )
        .values_list("channel")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("channel", "n")
    )
    if not counted:
        return None
    return AccountsOpened(
        online=counted.get(OpeningChannel.ONLINE.value, 0),
        counter=counted.get(OpeningChannel.COUNTER.value, 0),
    )


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
    where = Q(province_code=province_code, point__unit_path__startswith=unit_path)
    sums = SavingsTransaction.objects.filter(where, business_date__lte=on).aggregate(
        deposits=Sum("amount", filter=Q(kind=SavingsKind.DEPOSIT)),
        withdrawals=Sum("amount", filter=Q(kind=SavingsKind.WITHDRAWAL)),
    )
    books = SavingsBook.objects.filter(where, opened_on__lte=on).count()
    if not books and sums["deposits"] is None:
        return None
    return SavingsBalance(
        deposits=sums["deposits"] or 0, withdrawals=sums["withdrawals"] or 0, books=books
    )
