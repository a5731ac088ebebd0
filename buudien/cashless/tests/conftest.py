from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from buudien.cashless.models import BankAccount
from buudien.finance import ledger
from buudien.finance.choices import EntryKind


@pytest.fixture
def accountant(world: Any) -> Any:
    from buudien.people.tests.factories import UserFactory

    return UserFactory(username="ketoan", role="accountant", unit=world.province)


@pytest.fixture
def bank(world: Any) -> BankAccount:
    return BankAccount.objects.create(
        province_code="20",
        bank_bin="970415",
        bank_name="VietinBank",
        account_number="113000123456",
        account_name="BUU DIEN TINH LANG SON",
        ledger_slug="vtb",
    )


@pytest.fixture
def fund(world: Any) -> Any:
    """``fund(point, amount)``: the drawer of ``point`` takes ``amount`` of fees in cash
    (today, or on ``day``)."""
    counter = {"n": 0}

    def post(point: Any, amount: int, day: dt.date | None = None) -> None:
        counter["n"] += 1
        ledger.entry_post(
            actor=None,
            idempotency_key=f"test-fee:{point.code}:{counter['n']}",
            kind=EntryKind.FEE,
            reference="test",
            legs=[
                ledger.Leg(
                    ledger.account_for_drawer(point),
                    ledger.account_for_revenue(point.province_code, "other"),
                    amount,
                    "other",
                )
            ],
            province_code=point.province_code,
            point=point,
            business_date=day,
        )

    return post


@pytest.fixture
def make_request(world: Any, clerk_a: Any, bank: BankAccount) -> Any:
    from buudien.cashless import services

    counter = {"n": 0}

    def make(amount: int = 150_000, purpose: str = "Cước EMS", **kwargs: Any) -> Any:
        counter["n"] += 1
        options: dict[str, Any] = {
            "actor": clerk_a,
            "point": world.point_a,
            "kind": "counter_payment",
            "reference": f"ref-{counter['n']}",
            "amount": amount,
            "purpose": purpose,
            "idempotency_key": f"key-{counter['n']}",
        }
        options.update(kwargs)
        return services.payment_request_create(**options)

    return make
