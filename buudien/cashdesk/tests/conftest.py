"""Cash desk fixtures: an accountant of the province, ``fund`` to put money in an account
with an opening-balance entry, and ``cod_item`` for an item whose COD was collected."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest

from buudien.core.bizdays import local_today
from buudien.finance import banks, ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import Account, Entry
from buudien.mail.ledger import cod_collected_post
from buudien.mail.models import PostalItem
from buudien.mail.tests.ops_factories import ops_item

PROVINCE = "20"
_keys = itertools.count(1)


@pytest.fixture
def accountant(world: Any) -> Any:
    from buudien.people.tests.factories import UserFactory

    return UserFactory(username="accountant", role="accountant", unit=world.province)


@pytest.fixture
def accountant_b(world: Any) -> Any:
    """An accountant of unit B only: point A lies outside their subtree."""
    from buudien.people.tests.factories import UserFactory

    return UserFactory(username="accountant_b", role="accountant", unit=world.unit_b)


@pytest.fixture
def fund(world: Any) -> Callable[..., Entry]:
    """``fund(account, amount, day=None)``: an opening balance, debit ``account``."""

    def put(account: Account, amount: int, day: dt.date | None = None) -> Entry:
        return ledger.entry_post(
            actor=None,
            idempotency_key=f"test-fund:{next(_keys)}",
            kind=EntryKind.OPENING_BALANCE,
            reference="opening",
            legs=[ledger.Leg(account, ledger.account_owner_capital(PROVINCE), amount)],
            province_code=account.province_code,
            business_date=day,
        )

    return put


@pytest.fixture
def banks_open(world: Any) -> list[Account]:
    """The province's bank accounts at VietinBank and BIDV, opened by an administrator: the
    only ones cash may be handed to or transfers paid from."""
    return [
        banks.bank_open(actor=None, province_code=PROVINCE, bank=bank, name=name)
        for bank, name in (
            ("vietinbank", "VietinBank - Chi nhánh Lạng Sơn 113000246810"),
            ("bidv", "BIDV - Chi nhánh Lạng Sơn 8600123456"),
        )
    ]


@pytest.fixture
def limit(settings: Any) -> int:
    """Deposits at the bank above 1.000.000 ₫ wait for an accountant's approval."""
    settings.BUUDIEN_HANDOVER_APPROVAL_ABOVE = 1_000_000
    return 1_000_000


@pytest.fixture
def drawer_a(world: Any) -> Account:
    return ledger.account_for_drawer(world.point_a)


@pytest.fixture
def cod_item(world: Any) -> Callable[..., PostalItem]:
    """``cod_item(amount, sender_name=..., collected=True)``: an item posted at A, delivered
    by B with its COD collected (posted on the ledger by mail's own function)."""

    def make(
        amount: int,
        *,
        sender_name: str = "Shop Hoa Mai",
        sender_phone: str = "0912345678",
        collected: bool = True,
        service: str = "parcel",
        point: Any = None,
    ) -> PostalItem:
        item = ops_item(
            point=point or world.point_a,
            delivery_point=world.point_b,
            service=service,
            sender_name=sender_name,
            sender_phone=sender_phone,
            cod_amount=amount,
        )
        if collected:
            cod_collected_post(
                actor=None, item=item, point=world.point_b, amount=amount, day=local_today()
            )
            PostalItem.objects.filter(pk=item.pk).update(delivered_at=item.accepted_at)
            item.refresh_from_db()
        return item

    return make


def balance(code: str) -> int:
    return Account.objects.get(province_code=PROVINCE, code=code).balance
