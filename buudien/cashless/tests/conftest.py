from __future__ import annotations

import datetime as dt
from pathlib import Path
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


SAMPLES = Path(__file__).resolve().parent / "statements"
SAMPLE_CODE = "BD20K7QM3X"  # the payment code in the samples' customer transfers
SAMPLE_ACCOUNTS = {
    "vietcombank.xlsx": ("970436", "Vietcombank", "1012345678"),
    "vietinbank.xlsx": ("970415", "VietinBank", "113000123456"),
    "bidv.xlsx": ("970418", "BIDV", "21510001234567"),
    "agribank.xlsx": ("970405", "Agribank", "8000201234567"),
    "lpbank.csv": ("970449", "LPBank", "020100001234"),
}


@pytest.fixture
def sample_accounts(bank: BankAccount) -> None:
    """The accounts of the sample statements, the province's besides its active one."""
    for bin_, name, number in SAMPLE_ACCOUNTS.values():
        BankAccount.objects.get_or_create(
            province_code="20",
            bank_bin=bin_,
            account_number=number,
            defaults={
                "bank_name": name,
                "account_name": "BUU DIEN TINH LANG SON",
                "ledger_slug": "vtb",
                "active": False,
            },
        )


@pytest.fixture
def made_on() -> Any:
    """``made_on(request, day, code=None)``: the request as if made at 10:00 that day (before
    the samples' transfers), with the code a customer typed."""
    from django.utils import timezone

    from buudien.cashless.models import PaymentRequest

    def change(request: Any, day: dt.date, code: str | None = None) -> Any:
        moment = dt.datetime.combine(day, dt.time(10), timezone.get_current_timezone())
        fields: dict[str, Any] = {"created_at": moment, "expires_at": moment + dt.timedelta(1)}
        if code:
            fields["code"] = code
        PaymentRequest.objects.filter(pk=request.pk).update(**fields)
        request.refresh_from_db()
        return request

    return change
