"""Ledger fixtures: an accountant of the province, the accounts of point A and the province,
and ``fund`` to put money in a drawer with an opening-balance entry."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import Account, Entry

PROVINCE = "20"


@pytest.fixture
def accountant(world: Any) -> Any:
    from buudien.people.tests.factories import UserFactory

    return UserFactory(username="accountant", role="accountant", unit=world.province)


@pytest.fixture
def drawer_a(world: Any) -> Account:
    return ledger.account_for_drawer(world.point_a)


@pytest.fixture
def drawer_b(world: Any) -> Account:
    return ledger.account_for_drawer(world.point_b)


@pytest.fixture
def revenue(world: Any) -> Account:
    return ledger.account_for_revenue(PROVINCE, "registered")


@pytest.fixture
def vat(world: Any) -> Account:
    return ledger.account_vat_payable(PROVINCE)


@pytest.fixture
def capital(world: Any) -> Account:
    return ledger.account_owner_capital(PROVINCE)


_keys = itertools.count(1)


@pytest.fixture
def fund(capital: Account) -> Callable[..., Entry]:
    """``fund(account, amount)``: an opening balance, debit ``account``, credit capital."""

    def put(account: Account, amount: int) -> Entry:
        return ledger.entry_post(
            actor=None,
            idempotency_key=f"fund:{next(_keys)}",
            kind=EntryKind.OPENING_BALANCE,
            reference="opening",
            legs=[ledger.Leg(debit=account, credit=capital, amount=amount)],
            province_code=account.province_code,
        )

    return put


def balances() -> dict[str, int]:
    return dict(Account.objects.values_list("code", "balance"))


@pytest.fixture(autouse=True)
def _messages_in_english(english: Any) -> None:
    """The ledger tests assert messages in the source language (English)."""
