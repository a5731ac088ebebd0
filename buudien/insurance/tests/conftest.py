"""Insurance in the small test province: two partner insurers (PTI, the post's own, and
BIC) and their products sold at the counter: the motorbike compulsory liability at a fixed
66.000 đ, the car's at a premium entered per policy, a health policy (the citizen ID
required) and a home policy."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from buudien.core.bizdays import VIETNAM
from buudien.insurance import services
from buudien.insurance.choices import ProductKind
from buudien.insurance.models import Insurer, Product

MONDAY = dt.datetime(2026, 11, 2, 9, 0, tzinfo=VIETNAM)
MOTORBIKE = "PTI-XM"  # TNDS xe máy, 66.000 đ fixed, 20 % commission
CAR = "BIC-OTO"  # TNDS ô tô, entered from 400.000 to 5.000.000 đ, 10 %
HEALTH = "PTI-SK"  # sức khỏe, entered from 300.000 to 20.000.000 đ, 25 %
HOME = "BIC-NHA"  # nhà tư nhân, entered, 15 %


@pytest.fixture
def accountant(world: Any) -> Any:
    from buudien.people.tests.factories import UserFactory

    return UserFactory(username="ketoan", role="accountant", unit=world.province)


@pytest.fixture
def products(world: Any) -> dict[str, Product]:
    pti = Insurer.objects.create(province_code="20", code="pti", name="Bảo hiểm Bưu điện (PTI)")
    bic = Insurer.objects.create(province_code="20", code="bic", name="Bảo hiểm BIDV (BIC)")
    made = {}
    for insurer, code, name, kind, premium, low, high, bp, plate in [
        (pti, MOTORBIKE, "TNDS xe máy", ProductKind.MOTORBIKE_LIABILITY, 66_000, 0, 0, 2000, True),
        (bic, CAR, "TNDS ô tô", ProductKind.CAR_LIABILITY, 0, 400_000, 5_000_000, 1000, True),
        (
            pti,
            HEALTH,
            "Sức khỏe toàn diện",
            ProductKind.HEALTH,
            0,
            300_000,
            20_000_000,
            2500,
            False,
        ),
        (bic, HOME, "Bảo hiểm nhà tư nhân", ProductKind.HOME, 0, 100_000, 0, 1500, False),
    ]:
        made[code] = Product.objects.create(
            province_code="20",
            insurer=insurer,
            code=code,
            name=name,
            kind=kind,
            premium=premium,
            premium_min=low,
            premium_max=high,
            commission_bp=bp,
            plate_required=plate,
        )
    return made


def issue(clerk: Any, point: Any, *, key: str = "p1", at: Any = MONDAY, **given: Any) -> Any:
    """A motorbike policy unless said otherwise."""
    data: dict[str, Any] = {
        "product": MOTORBIKE,
        "insured_name": "Nguyễn Văn Hùng",
        "phone": "0912345678",
        "plate": "12-B1 234.56",
    }
    data.update(given)
    return services.policy_issue(actor=clerk, point=point, idempotency_key=key, at=at, **data)
