"""Collection fixtures: an accountant of the province, partners (EVN with a commission of
1,500 đ a bill and 0.1 %, at least 2,000 đ; the water company with a customer fee),
``collect`` to take a bill at point A's counter, ``fund_bank`` to put money in the bank."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from buudien.collection import services
from buudien.collection.models import Bill, Partner
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import Account

PROVINCE = "20"
BANK = "vietinbank"


@pytest.fixture
def accountant(world: Any) -> Any:
    from buudien.people.tests.factories import UserFactory

    return UserFactory(username="accountant", role="accountant", unit=world.province)


@pytest.fixture
def evn(admin_user: Any) -> Partner:
    return services.partner_create(
        actor=admin_user,
        province_code=PROVINCE,
        code="evn",
        name="Công ty Điện lực Lạng Sơn",
        kind="electricity",
        bank=BANK,
        commission_fixed=1_500,
        commission_bp=10,
        commission_min=2_000,
    )


@pytest.fixture
def water(admin_user: Any) -> Partner:
    return services.partner_create(
        actor=admin_user,
        province_code=PROVINCE,
        code="water",
        name="Công ty Cấp nước Lạng Sơn",
        kind="water",
        bank=BANK,
        commission_fixed=1_000,
        customer_fee=2_000,
        fee_vat_rate_bp=1_000,
    )


_keys = itertools.count(1)


@pytest.fixture
def collect(clerk_a: Any, evn: Partner) -> Callable[..., Bill]:
    """``collect(amount=..., **more)``: a cash bill of EVN at point A, by clerk A."""

    def take(**more: Any) -> Bill:
        n = next(_keys)
        values: dict[str, Any] = {
            "actor": clerk_a,
            "idempotency_key": f"test-{n}",
            "partner": evn,
            "customer_code": f"PA0{n:05d}",
            "customer_name": "Nguyễn Văn An",
            "period": "10/2026",
            "amount": 350_000,
        }
        values.update(more)
        return services.bill_collect(**values)

    return take


@pytest.fixture
def fund_bank(world: Any) -> Callable[[int], Account]:
    def put(amount: int) -> Account:
        bank = ledger.account_for_bank(PROVINCE, BANK)
        ledger.entry_post(
            actor=None,
            idempotency_key=f"fund-bank-{next(_keys)}",
            kind=EntryKind.OPENING_BALANCE,
            reference="",
            legs=[ledger.Leg(bank, ledger.account_owner_capital(PROVINCE), amount)],
            province_code=PROVINCE,
        )
        bank.refresh_from_db()
        return bank

    return put


@dataclass
class Payment:
    """A stand-in for the cashless app's PaymentRequest: the attributes the handler reads."""

    pk: int
    province_code: str
    point: Any
    amount: int
    kind: str
    reference: str


@pytest.fixture
def cashless_point(world: Any) -> Any:
    world.point_a.cashless = True
    world.point_a.save()
    return world.point_a


def balance(province: str, code: str) -> int:
    return Account.objects.get(province_code=province, code=code).balance
