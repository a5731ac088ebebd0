"""Whatever happens at a point, in whatever order (sales, refused sales, returns, transfers,
write-offs, stocktakes), its stock is the sum of its movements, never below zero, and the
ledger's inventory, cost of goods and goods in transit equal the movements' values."""

from __future__ import annotations

import random

import pytest
from django.db.models import Min, Sum

from buudien.core.errors import DomainError
from buudien.finance.models import Account
from buudien.goods import adjustments, services, stock
from buudien.goods.models import Sale, StockLevel, StockMovement
from buudien.goods.tests.conftest import MILK, MONDAY, TEA, YOGHURT

pytestmark = [pytest.mark.django_db]

CODES = [MILK, YOGHURT, TEA]


def balance(code: str) -> int:
    account = Account.objects.filter(province_code="20", code=code).first()
    return account.balance if account else 0


@pytest.mark.parametrize("seed", range(4))
def test_stock_and_ledger_agree_with_the_movements_whatever_happens(
    seed, stocked, clerk_a, keeper, warehouse, accountant
):
    pick = random.Random(seed)
    refused = done = 0
    for step in range(40):
        what = pick.choice(["sell", "sell", "sell", "return", "restock", "write_off", "count"])
        code = pick.choice(CODES)
        quantity = pick.randint(1, 4)
        before = (StockMovement.objects.count(), Sale.objects.count())
        try:
            if what == "sell":
                services.sale_make(
                    actor=clerk_a,
                    point=stocked,
                    idempotency_key=f"s{step}",
                    lines=[{"code": code, "quantity": quantity}],
                    at=MONDAY,
                )
            elif what == "return":
                sale = Sale.objects.order_by("?").first()
                if sale is None:
                    continue
                line = sale.lines.select_related("product").first()
                services.sale_return(
                    actor=clerk_a,
                    point=stocked,
                    idempotency_key=f"r{step}",
                    sale=sale.reference,
                    lines=[{"code": line.product.code, "quantity": quantity}],
                    reason="Đổi ý",
                    at=MONDAY,
                )
            elif what == "restock":
                transfer = services.transfer_send(
                    actor=keeper,
                    point=warehouse,
                    idempotency_key=f"t{step}",
                    to_point=stocked,
                    lines=[{"code": code, "quantity": quantity}],
                    at=MONDAY,
                )
                if pick.random() < 0.7:  # some stay in transit
                    services.transfer_receive(actor=clerk_a, transfer=transfer, at=MONDAY)
            elif what == "write_off":
                asked = adjustments.write_off_request(
                    actor=clerk_a,
                    point=stocked,
                    idempotency_key=f"w{step}",
                    lines=[{"code": code, "quantity": quantity}],
                    reason="Hỏng",
                    at=MONDAY,
                )
                adjustments.write_off_approve(actor=accountant, write_off=asked, at=MONDAY)
            else:
                counted = adjustments.stocktake_submit(
                    actor=clerk_a,
                    point=stocked,
                    idempotency_key=f"k{step}",
                    lines=[{"code": code, "counted": pick.randint(0, 12)}],
                    at=MONDAY,
                )
                adjustments.stocktake_approve(actor=accountant, stocktake=counted, at=MONDAY)
            done += 1
        except DomainError:
            refused += 1
            assert (StockMovement.objects.count(), Sale.objects.count()) == before
        lowest = StockLevel.objects.aggregate(q=Min("quantity"), v=Min("value"))
        assert lowest["q"] >= 0 and lowest["v"] >= 0

    assert done and refused  # both paths were walked
    assert stock.stock_verify() == []
    for point in (warehouse, stocked):
        moved = StockMovement.objects.filter(point=point).aggregate(v=Sum("value"))["v"] or 0
        assert balance(f"156.{point.code}") == moved
    sold = StockMovement.objects.filter(kind__in=["sale", "customer_return"])
    costs = Account.objects.filter(province_code="20", code__regex=r"^632\.[0-9]")
    assert sum(costs.values_list("balance", flat=True)) == -(
        sold.aggregate(v=Sum("value"))["v"] or 0
    )
    sent = StockMovement.objects.filter(kind="transfer_out").aggregate(v=Sum("value"))["v"] or 0
    arrived = StockMovement.objects.filter(kind="transfer_in").aggregate(v=Sum("value"))["v"] or 0
    assert balance("151") == -sent - arrived
