from __future__ import annotations

import itertools
from typing import Any

import pytest

from buudien.finance import ledger
from buudien.finance.choices import EntryKind

_funds = itertools.count(1)


@pytest.fixture
def fund() -> Any:
    """``fund(point, amount)`` puts cash in a point's drawer (an opening balance)."""

    def put(point: Any, amount: int) -> None:
        ledger.entry_post(
            actor=None,
            idempotency_key=f"test-fund:{point.code}:{next(_funds)}",
            kind=EntryKind.OPENING_BALANCE,
            reference="fund",
            legs=[
                ledger.Leg(
                    ledger.account_for_drawer(point),
                    ledger.account_owner_capital(point.province_code),
                    amount,
                )
            ],
            province_code=point.province_code,
            point=point,
        )

    return put
