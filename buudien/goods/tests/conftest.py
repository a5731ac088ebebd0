"""Goods in the small test province: the provincial warehouse (a point of the provincial
post, with its keeper), an accountant, a supplier that sells to the post (Vinamilk) and a
cooperative whose OCOP products are sold on consignment for a 15% commission."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from buudien.core.bizdays import VIETNAM
from buudien.goods import services
from buudien.goods.choices import ProductGroup, SupplierMode
from buudien.goods.models import Price, Product, Supplier, Warehouse

MONDAY = dt.datetime(2026, 11, 2, 9, 0, tzinfo=VIETNAM)
MILK = "8934600000011"  # Sữa tươi Vinamilk 180ml, 8% VAT, 8,640 đ
YOGHURT = "8934600000028"  # Sữa chua Vinamilk, 8% VAT, 6,480 đ
TEA = "8934600000035"  # Chè Thái Nguyên (consigned), 50,000 đ
NO_PRICE = "8934600000042"  # Mắm tôm: no price yet


@pytest.fixture
def warehouse(world: Any) -> Any:
    from buudien.network.choices import PointKind
    from buudien.network.tests.factories import AdminAreaFactory, PointFactory

    point = PointFactory(
        code="240000",
        name="Kho hàng Bưu điện tỉnh",
        kind=PointKind.BC1,
        unit=world.province,
        commune=AdminAreaFactory(code="06000", name="Phường Lương Văn Tri"),
        opened_on=dt.date(2010, 1, 1),
    )
    Warehouse.objects.create(province_code="20", point=point)
    return point


@pytest.fixture
def keeper(world: Any, warehouse: Any) -> Any:
    """The warehouse keeper: a clerk whose point is the warehouse."""
    from buudien.people.tests.factories import UserFactory

    return UserFactory(username="thukho", role="clerk", unit=world.province, point=warehouse)


@pytest.fixture
def accountant(world: Any) -> Any:
    from buudien.people.tests.factories import UserFactory

    return UserFactory(username="ketoan", role="accountant", unit=world.province)


@pytest.fixture
def catalogue(world: Any) -> dict[str, Product]:
    vinamilk = Supplier.objects.create(
        province_code="20",
        code="vinamilk",
        name="Công ty CP Sữa Việt Nam",
        tax_code="0300588569",
        mode=SupplierMode.PURCHASE,
    )
    coop = Supplier.objects.create(
        province_code="20",
        code="htx-che-lang-son",
        name="HTX Chè Lạng Sơn",
        mode=SupplierMode.CONSIGNMENT,
        commission_bp=1500,
    )
    made = {}
    for code, barcode, name, group, vat, supplier, price in [
        ("SUA180", MILK, "Sữa tươi Vinamilk 180ml", ProductGroup.CONSUMER, 8, vinamilk, 8_640),
        ("SUACHUA", YOGHURT, "Sữa chua Vinamilk", ProductGroup.CONSUMER, 8, vinamilk, 6_480),
        ("CHE-TN", TEA, "Chè Thái Nguyên đặc biệt", ProductGroup.LOCAL, 5, coop, 50_000),
        ("MAMTOM", NO_PRICE, "Mắm tôm Đồng Đăng", ProductGroup.LOCAL, 5, coop, None),
    ]:
        product = Product.objects.create(
            province_code="20",
            code=code,
            barcode=barcode,
            name=name,
            group=group,
            unit="hộp",
            vat_rate=vat,
            supplier=supplier,
        )
        if price:
            Price.objects.create(
                province_code="20", product=product, valid_from=dt.date(2020, 1, 1), price=price
            )
        made[code] = product
    return made


def receive_goods(keeper: Any, warehouse: Any, *, key: str = "r1", at: Any = MONDAY) -> Any:
    """100 milk at 6,000 đ and 50 yoghurt at 4,500 đ bought; 20 tea consigned."""
    services.receipt_make(
        actor=keeper,
        point=warehouse,
        idempotency_key=f"{key}-coop",
        supplier="htx-che-lang-son",
        lines=[{"code": TEA, "quantity": 20}],
        at=at,
    )
    return services.receipt_make(
        actor=keeper,
        point=warehouse,
        idempotency_key=key,
        supplier="vinamilk",
        supplier_document="HD0001234",
        lines=[
            {"code": MILK, "quantity": 100, "unit_cost": 6_000},
            {"code": YOGHURT, "quantity": 50, "unit_cost": 4_500},
        ],
        at=at,
    )


def send_goods(
    keeper: Any, warehouse: Any, to: Any, lines: list[dict[str, Any]], *, key: str = "t1"
) -> Any:
    return services.transfer_send(
        actor=keeper, point=warehouse, idempotency_key=key, to_point=to, lines=lines, at=MONDAY
    )


@pytest.fixture
def stocked(world: Any, keeper: Any, warehouse: Any, clerk_a: Any, catalogue: Any) -> Any:
    """Point A holds 10 milk (60,000 đ), 4 yoghurt (18,000 đ) and 5 tea (consigned)."""
    receive_goods(keeper, warehouse)
    transfer = send_goods(
        keeper,
        warehouse,
        world.point_a,
        [
            {"code": MILK, "quantity": 10},
            {"code": YOGHURT, "quantity": 4},
            {"code": TEA, "quantity": 5},
        ],
    )
    services.transfer_receive(actor=clerk_a, transfer=transfer.reference, at=MONDAY)
    return world.point_a
