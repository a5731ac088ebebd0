"""The demo's year of goods, at a small scale and on a fixed day: the warehouse, the
catalogue with valid barcodes, sales at every kind of point, returns, write-offs and a
stocktake through the services; the stock, the ledger and the rollup agreeing with the rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.db.models import F, Sum

from buudien.core.bizdays import VIETNAM
from buudien.core.demo import demo_steps
from buudien.finance import banks
from buudien.finance.models import Account
from buudien.goods import demo, demo_pace, rollup, stock
from buudien.goods.barcodes import is_ean13
from buudien.goods.choices import ApprovalStatus, OrderStatus, TransferStatus
from buudien.goods.models import (
    GoodsOrder,
    GoodsRollup,
    Price,
    Product,
    Sale,
    SaleReturn,
    StockLevel,
    Stocktake,
    Supplier,
    Transfer,
    Warehouse,
    WriteOff,
)
from buudien.network.geography import geography_load
from buudien.network.management.commands.demo import demo_build
from buudien.network.tests.demo_checks import assert_the_money_holds

pytestmark = pytest.mark.django_db

# A Thursday: the demo's "today", whatever day the suite runs.
NOW = dt.datetime(2026, 10, 15, 14, 0, tzinfo=VIETNAM)


@pytest.fixture
def built() -> Iterator[str]:
    """The network and a small year of goods on the demo's "today" (one build for all the
    checks: it is the slow part)."""
    with time_machine.travel(NOW, tick=True):
        geography_load(province_codes=["20"])
        demo_build()
        tariffs = next(step for step in demo_steps() if step.name == "mail.tariffs")
        tariffs.build(seed=2023, report=lambda _text: None)
        yield demo.build(seed=2023, report=lambda _text: None, sales=150, now=NOW)


def balance(code: str) -> int:
    account = Account.objects.filter(province_code="20", code=code).first()
    return account.balance if account else 0


def test_the_step_is_registered_after_dossiers_and_before_the_closings():
    orders = {step.name: step.order for step in demo_steps()}
    assert orders["mail.year"] < orders["dossiers.year"] < orders["goods.year"]
    assert orders["goods.year"] < orders["cashdesk.closings"]


def test_a_small_year_of_goods_through_the_services(built, monkeypatch):
    # the catalogue: real-looking products with valid barcodes
    assert built.startswith(("Hàng hóa", "Goods"))
    warehouse = Warehouse.objects.select_related("point").get(province_code="20")
    assert warehouse.point.kind == "bc1"
    assert Supplier.objects.filter(province_code="20").count() == len(demo.SUPPLIERS)
    assert Supplier.objects.filter(mode="consignment").count() == 7
    products = Product.objects.filter(province_code="20")
    assert products.count() == sum(len(line.variants) for line in demo.LINES) > 200
    assert all(
        is_ean13(code) and code.startswith("893")
        for code in products.values_list("barcode", flat=True)
    )
    assert Price.objects.filter(province_code="20").count() > products.count()  # some rises
    assert set(products.values_list("group", flat=True)) == {
        "consumer", "local", "stationery", "books", "other"
    }  # fmt: skip

    # sales at every kind of point, returns, write-offs, a stocktake
    sales = Sale.objects.filter(province_code="20")
    assert 100 < sales.count() < 220
    assert {"bc1", "bc2"} <= set(sales.values_list("point__kind", flat=True))
    assert sales.values("point").distinct().count() >= 10
    assert not sales.filter(created_at__gte=NOW).exists()
    assert sales.filter(lines__consignment=True).exists()
    assert Transfer.objects.exclude(status=TransferStatus.RECEIVED).count() == 0
    assert Transfer.objects.count() > 10
    assert SaleReturn.objects.exists()
    assert WriteOff.objects.filter(status=ApprovalStatus.APPROVED).count() == demo.WRITE_OFFS
    stocktake = Stocktake.objects.get()
    assert stocktake.status == ApprovalStatus.APPROVED
    assert sorted(line.difference for line in stocktake.lines.all() if line.difference) == [-1, 1]
    # Goods stay on the shelves: the warehouse's buffer, and some that hardly ever sell.
    assert StockLevel.objects.filter(quantity__gt=0).values("point").distinct().count() > 10

    # orders sent by parcel, paid by the COD their delivering office collected
    taken = GoodsOrder.objects.all()
    assert taken.count() == 150 // demo.ORDER_EVERY
    assert taken.filter(status=OrderStatus.PAID).exists()
    owed = taken.filter(status=OrderStatus.SENT).aggregate(v=Sum("cod_amount"))["v"] or 0
    assert balance("131.orders") == owed

    # the stock, the ledger and the rollup agree with the rows
    assert stock.stock_verify(province_code="20") == []
    held = StockLevel.objects.filter(province_code="20").aggregate(v=Sum("value"))["v"]
    inventory = Account.objects.filter(province_code="20", code__startswith="156.")
    assert sum(inventory.values_list("balance", flat=True)) == held
    sold = Sale.objects.aggregate(revenue=Sum("revenue"), cost=Sum("cost"))
    kept = GoodsRollup.objects.aggregate(
        revenue=Sum(F("revenue") - F("revenue_returned")), cost=Sum(F("cost") - F("cost_returned"))
    )
    assert balance("5113.consumer_goods") == kept["revenue"] < sold["revenue"]
    costs = Account.objects.filter(province_code="20", code__startswith="632.")
    assert sum(costs.values_list("balance", flat=True)) >= kept["cost"]  # and the losses
    columns = ("day", "point_id", "group", "mode", *rollup.COUNTERS)
    before = sorted(GoodsRollup.objects.values_list(*columns))
    assert rollup.goods_rollup_rebuild(province_code="20") == len(before)
    assert sorted(GoodsRollup.objects.values_list(*columns)) == before
    assert "Hàng hóa" in built or "Goods" in built
    assert_the_money_holds()

    # At a province's pace (a small one here): the rest of the year's sales through the bulk
    # path, stocked by receipts and transfers ahead of them, their takings deposited.
    monkeypatch.setenv("BUUDIEN_DEMO_PACE", "0.002")
    banks.bank_open(actor=None, province_code="20", bank="vietinbank", name="VietinBank Lạng Sơn")
    drawers = Account.objects.filter(province_code="20", code__startswith="1111.")
    cash_before = sum(drawers.values_list("balance", flat=True))
    paced = demo_pace.build(seed=2023, report=lambda _text: None)
    assert "(" in paced and paced != ""
    more = Sale.objects.filter(idempotency_key__contains=":pace-")
    assert 100 < more.count() < 400
    assert more.values("point").distinct().count() >= 10
    assert more.exclude(buyer_tax_code="").filter(lines__quantity__gte=24).exists()  # the shops
    assert not more.filter(created_at__gte=NOW).exists()
    assert Transfer.objects.exclude(status=TransferStatus.RECEIVED).count() == 0
    assert stock.stock_verify(province_code="20") == []
    held = StockLevel.objects.filter(province_code="20").aggregate(v=Sum("value"))["v"]
    assert sum(inventory.values_list("balance", flat=True)) == held
    kept = GoodsRollup.objects.aggregate(revenue=Sum(F("revenue") - F("revenue_returned")))
    assert balance("5113.consumer_goods") == kept["revenue"]
    before = sorted(GoodsRollup.objects.values_list(*columns))
    assert rollup.goods_rollup_rebuild(province_code="20") == len(before)
    assert sorted(GoodsRollup.objects.values_list(*columns)) == before
    # every sale's cash went to the bank by the last evening
    assert sum(drawers.values_list("balance", flat=True)) == cash_before
    assert_the_money_holds()

    # a second build changes nothing
    count = Sale.objects.count()

    again = demo.build(seed=2023, report=lambda _text: None, sales=150, now=NOW)

    assert "already" in again or "đã có" in again
    assert Sale.objects.count() == count
