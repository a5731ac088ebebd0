from __future__ import annotations

from typing import Any

import pytest

from buudien.dossiers.choices import AgencyKind
from buudien.dossiers.models import Agency, Procedure


@pytest.fixture
def agency(world: Any) -> Agency:
    return Agency.objects.create(
        province_code="20",
        code="so-tnmt",
        name="Sở Nông nghiệp và Môi trường",
        kind=AgencyKind.DEPARTMENT,
        handover_point=world.point_a,
    )


@pytest.fixture
def procedure(agency: Agency) -> Procedure:
    return Procedure.objects.create(
        province_code="20",
        agency=agency,
        code="1.004227",
        name="Đăng ký biến động quyền sử dụng đất",
        documents=[
            {"name": "Đơn đăng ký biến động", "original": True, "copies": 1},
            {"name": "Giấy chứng nhận quyền sử dụng đất", "original": True, "copies": 1},
            {"name": "Hợp đồng chuyển nhượng", "original": False, "copies": 2},
        ],
        agency_fee=30_000,
        charge_receive=20_000,
        charge_return=15_000,
        processing_days=5,
    )


@pytest.fixture
def clerk_hcc(world: Any) -> Any:
    from buudien.people.tests.factories import UserFactory

    return UserFactory(username="hcc_a", role="hcc_officer", unit=world.unit_a, point=world.point_a)


def fund_bank(amount: int, bank: str = "vietinbank") -> str:
    """Put ``amount`` in the province's account at ``bank`` (an opening balance)."""
    from buudien.finance import ledger
    from buudien.finance.choices import EntryKind

    ledger.entry_post(
        actor=None,
        idempotency_key=f"test-fund-bank:{bank}:{amount}",
        kind=EntryKind.OPENING_BALANCE,
        reference="fund",
        legs=[
            ledger.Leg(
                ledger.account_for_bank("20", bank),
                ledger.account_owner_capital("20"),
                amount,
            )
        ],
        province_code="20",
    )
    return bank


@pytest.fixture
def bank(world: Any) -> str:
    return fund_bank(10_000_000)
