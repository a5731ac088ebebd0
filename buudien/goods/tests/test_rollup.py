"""The goods rollup: kept by each sale and return in its transaction, equal to the rollup
rebuilt from the sales and returns whatever happens."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from buudien.core.errors import DomainError
from buudien.goods import rollup, services
from buudien.goods.models import GoodsRollup, Sale
from buudien.goods.tests.conftest import MILK, MONDAY, TEA, YOGHURT

pytestmark = [pytest.mark.django_db]

COLUMNS = ("province_code", "day", "point_id", "group", "mode", *rollup.COUNTERS)


def kept() -> list[tuple[object, ...]]:
    return sorted(GoodsRollup.objects.values_list(*COLUMNS))


def test_a_sale_and_a_return_are_counted_per_group_and_mode(stocked, clerk_a):
    sale = services.sale_make(
        actor=clerk_a,
        point=stocked,
        idempotency_key="s1",
        lines=[{"code": MILK, "quantity": 2}, {"code": TEA, "quantity": 1}],
        at=MONDAY,
    )
    services.sale_make(
        actor=clerk_a,
        point=stocked,
        idempotency_key="s2",
        lines=[{"code": YOGHURT, "quantity": 1}],
        at=MONDAY,
    )
    tuesday = MONDAY + dt.timedelta(days=1)
    services.sale_return(
        actor=clerk_a,
        point=stocked,
        idempotency_key="r1",
        sale=sale.reference,
        lines=[{"code": MILK, "quantity": 1}],
        reason="Hỏng bao bì",
        at=tuesday,
    )

    monday, next_day = MONDAY.date(), tuesday.date()
    point = stocked.pk
    # milk 2 × 8.640 (VAT 640 each, cost 6.000 each) + yoghurt 6.480 (VAT 480, cost 4.500);
    # tea 50.000 consigned: the 15% commission is the revenue, no VAT, no cost.
    # The last two: each sale and return once, under its first group and mode.
    assert kept() == [
        ("20", monday, point, "consumer", "purchase", 2, 3, 23_760, 22_000, 1_760, 16_500,
         0, 0, 0, 0, 0, 0, 2, 0),
        ("20", monday, point, "local", "consignment", 1, 1, 50_000, 7_500, 0, 0,
         0, 0, 0, 0, 0, 0, 0, 0),
        ("20", next_day, point, "consumer", "purchase", 0, 0, 0, 0, 0, 0,
         1, 1, 8_640, 8_000, 640, 6_000, 0, 1),
    ]  # fmt: skip


def test_a_refused_sale_and_a_replay_count_nothing(stocked, clerk_a):
    services.sale_make(
        actor=clerk_a,
        point=stocked,
        idempotency_key="s1",
        lines=[{"code": MILK, "quantity": 1}],
        at=MONDAY,
    )
    before = kept()
    services.sale_make(
        actor=clerk_a,
        point=stocked,
        idempotency_key="s1",
        lines=[{"code": MILK, "quantity": 1}],
        at=MONDAY,
    )
    with pytest.raises(DomainError):
        services.sale_make(
            actor=clerk_a,
            point=stocked,
            idempotency_key="s2",
            lines=[{"code": MILK, "quantity": 1}, {"code": YOGHURT, "quantity": 99}],
            at=MONDAY,
        )
    assert kept() == before


@pytest.mark.parametrize("seed", range(2))
def test_the_kept_rollup_is_the_rollup_rebuilt_from_the_sales(seed, stocked, clerk_a):
    pick = random.Random(seed)
    codes = [MILK, YOGHURT, TEA]
    for step in range(30):
        at = MONDAY + dt.timedelta(days=pick.randint(0, 3), hours=pick.randint(0, 6))
        try:
            if pick.random() < 0.7 or not Sale.objects.exists():
                lines = [
                    {"code": code, "quantity": pick.randint(1, 2)}
                    for code in pick.sample(codes, pick.randint(1, 3))
                ]
                services.sale_make(
                    actor=clerk_a, point=stocked, idempotency_key=f"s{step}", lines=lines, at=at
                )
            else:
                sale = pick.choice(list(Sale.objects.order_by("pk")))
                line = pick.choice(list(sale.lines.select_related("product")))
                services.sale_return(
                    actor=clerk_a,
                    point=stocked,
                    idempotency_key=f"r{step}",
                    sale=sale.reference,
                    lines=[{"code": line.product.code, "quantity": 1}],
                    reason="Khách đổi ý",
                    at=max(at, sale.created_at),
                )
        except DomainError:
            pass
    before = kept()
    assert before and any(row[11] for row in before)  # some returns

    assert rollup.goods_rollup_rebuild(province_code="20") == len(before)

    assert kept() == before


def test_the_console_rebuilds_the_rollup_and_verifies_the_stock(stocked, clerk_a):
    from io import StringIO

    from django.core.management import call_command

    services.sale_make(
        actor=clerk_a,
        point=stocked,
        idempotency_key="s1",
        lines=[{"code": MILK, "quantity": 1}, {"code": TEA, "quantity": 1}],
        at=MONDAY,
    )
    before = kept()
    out = StringIO()

    call_command("goods", "rebuild-rollup", "--province", "20", stdout=out)
    call_command("goods", "verify-stock", stdout=out)

    assert kept() == before
    assert out.getvalue().splitlines() == [
        "Đã ghi 2 dòng tổng hợp bán hàng",
        "Tồn kho khớp với tổng các biến động kho.",
    ]
