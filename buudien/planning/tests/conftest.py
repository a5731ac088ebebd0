"""Planning fixtures: the personas' province with ledger accounts, ``post`` to book a fee of
a service at a point on a day, and ``planner`` (an accountant of the province)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest

from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import Entry

PROVINCE = "20"
_keys = itertools.count(1)


@pytest.fixture
def accountant(world: Any) -> Any:
    from buudien.people.tests.factories import UserFactory

    return UserFactory(username="accountant", role="accountant", unit=world.province)


@pytest.fixture
def post(world: Any) -> Callable[..., Entry]:
    """``post(point, service, amount, day)``: a fee of ``amount`` (revenue) at ``point``."""

    def fee(
        point: Any, service: str, amount: int, day: dt.date, *, kind: str = EntryKind.FEE
    ) -> Entry:
        return ledger.entry_post(
            actor=None,
            idempotency_key=f"test:{next(_keys)}",
            kind=kind,
            reference=f"{service}:{day}",
            legs=[
                ledger.Leg(
                    ledger.account_for_drawer(point),
                    ledger.account_for_revenue(PROVINCE, service),
                    amount,
                    service,
                )
            ],
            province_code=PROVINCE,
            point=point,
            business_date=day,
        )

    return fee


@pytest.fixture
def book(world: Any) -> Callable[..., Entry]:
    """``book(kind, amount, day)``: an expense (642) or a budget payment (3331), no point."""

    def entry(kind: str, amount: int, day: dt.date) -> Entry:
        capital = ledger.account_owner_capital(PROVINCE)
        debit = (
            ledger.account_expenses(PROVINCE)
            if kind == EntryKind.EXPENSE
            else ledger.account_vat_payable(PROVINCE)
        )
        return ledger.entry_post(
            actor=None,
            idempotency_key=f"book:{next(_keys)}",
            kind=kind,
            reference=kind,
            legs=[ledger.Leg(debit, capital, amount)],
            province_code=PROVINCE,
            business_date=day,
        )

    return entry
