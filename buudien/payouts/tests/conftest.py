"""Payouts' own fixtures: an accountant of the province, the payer BHXH Lạng Sơn (commission
2,000 đ a line plus 0.50 %), points A and B paying pensions, and a list to pay."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from buudien.core.bizdays import local_today
from buudien.network.models import PointService
from buudien.payouts import services
from buudien.payouts.services import ListRow

ID_AN = "020123456789"
ID_BINH = "020198765432"
ID_CHI = "001080001234"


def this_month() -> dt.date:
    return local_today().replace(day=1)


def rows(*specs: tuple[str, str, int, str]) -> list[ListRow]:
    return [
        ListRow(row=index, beneficiary_name=name, citizen_id=cid, amount=amount, point_code=code)
        for index, (name, cid, amount, code) in enumerate(specs, start=2)
    ]


@pytest.fixture
def accountant(world: Any) -> Any:
    from buudien.people.tests.factories import UserFactory

    return UserFactory(username="ketoan", role="accountant", unit=world.province)


@pytest.fixture
def payer(world: Any) -> Any:
    for point in (world.point_a, world.point_b):
        PointService.objects.create(point=point, service="pension")
    return services.payer_save(
        actor=None,
        province_code="20",
        code="bhxh",
        name="Bảo hiểm xã hội tỉnh Lạng Sơn",
        service="pension",
        commission_per_line=2_000,
        commission_rate_bp=50,
    )


@pytest.fixture
def payout_list(payer: Any, accountant: Any) -> Any:
    """This month's list: two lines at point A, one at point B."""
    return services.list_import(
        actor=accountant,
        payer=payer,
        period=this_month(),
        rows=rows(
            ("Hoàng Văn An", ID_AN, 4_500_000, "240001"),
            ("Nông Thị Bình", ID_BINH, 3_200_000, "240001"),
            ("Lương Văn Chí", ID_CHI, 2_800_000, "240002"),
        ),
    )


def line_of(payout_list: Any, citizen_id: str) -> Any:
    return payout_list.lines.get(citizen_id=citizen_id)
