"""Many sales at once (``services.sales_make_many``): the same records, stock, ledger and
rollup as the same sales made one by one, and every problem refused with nothing written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Sum

from buudien.core.errors import DomainError
from buudien.core.models import AuditEntry
from buudien.finance.models import Account, DailyFigure, Entry, Transfer
from buudien.goods import figures, services, stock
from buudien.goods.models import GoodsRollup, Sale, SaleLine, StockLevel, StockMovement
from buudien.goods.tests.conftest import MILK, MONDAY, NO_PRICE, TEA, YOGHURT

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

BASKETS = [[(MILK, 2), (TEA, 1)], [(YOGHURT, 3)], [(MILK, 1), (YOGHURT, 1), (MILK, 2)]]


def _state() -> dict[str, Any]:
    """What the sales leave behind, without ids and times."""
    return {
        "sales": sorted(
            Sale.objects.values_list(
                "reference", "point_id", "business_date", "total", "vat", "revenue",
                "supplier_share", "cost", "payment_method", "created_by_id", "fingerprint",
            )
        ),
        "lines": sorted(
            SaleLine.objects.values_list(
                "sale__reference", "product_id", "quantity", "unit_price", "line_total", "vat",
                "commission", "supplier_share", "cost", "consignment",
            )
        ),
        "moves": sorted(
            StockMovement.objects.filter(kind="sale").values_list(
                "reference", "product_id", "quantity", "unit_cost", "value", "business_date"
            )
        ),
        "levels": sorted(
            StockLevel.objects.values_list("point_id", "product_id", "quantity", "value")
        ),
        "balances": sorted(Account.objects.exclude(balance=0).values_list("code", "balance")),
        "transfers": sorted(
            Transfer.objects.filter(entry__kind="goods_sale").values_list(
                "entry__reference", "debit__code", "credit__code", "amount", "service", "point_id"
            )
        ),
        "entries": sorted(
            Entry.objects.filter(kind="goods_sale").values_list(
                "reference", "idempotency_key", "created_by_id", "point_id", "business_date"
            )
        ),
        "rollup": sorted(
            GoodsRollup.objects.values_list(
                "day", "point_id", "group", "mode", "sales", "units", "amount", "revenue", "vat",
                "cost", "sales_once",
            )
        ),
        "figures": sorted(
            DailyFigure.objects.filter(service="consumer_goods").values_list(
                "date", "point_id", "revenue", "volume", "turnover", "expense"
            )
        ),
        "audits": AuditEntry.objects.filter(action="goods.sale").count(),
    }  # fmt: skip


def _codes(catalogue: dict[str, Any]) -> dict[str, Any]:
    return {product.barcode: product for product in catalogue.values()}


def test_many_sales_at_once_leave_what_the_same_sales_one_by_one_leave(stocked, clerk_a, catalogue):
    at = [MONDAY + dt.timedelta(hours=n) for n in range(len(BASKETS))]
    with transaction.atomic():
        for n, basket in enumerate(BASKETS):
            services.sale_make(
                actor=clerk_a,
                point=stocked,
                idempotency_key=f"k{n}",
                lines=[{"code": code, "quantity": q} for code, q in basket],
                at=at[n],
            )
        one_by_one = _state()
        transaction.set_rollback(True)
    assert one_by_one["sales"] and one_by_one["audits"] == 3
    by_code = _codes(catalogue)
    made = services.sales_make_many(
        province_code="20",
        sales=[
            services.BulkSale(
                actor=clerk_a,
                point=stocked,
                at=at[n],
                idempotency_key=f"k{n}",
                lines=[(by_code[code], q) for code, q in basket],
            )
            for n, basket in enumerate(BASKETS)
        ],
    )
    assert [sale.total for sale in made] == [sale[3] for sale in one_by_one["sales"]]
    assert _state() == one_by_one
    assert stock.stock_verify(province_code="20") == []
    # The figures of goods read them as the sales they are.
    year = figures.year_figures(province_code="20", year=2026)
    assert year.total().sales == 3
    # A sale made one by one afterwards takes the next number.
    after = services.sale_make(
        actor=clerk_a,
        point=stocked,
        idempotency_key="k9",
        lines=[{"code": MILK, "quantity": 1}],
        at=MONDAY + dt.timedelta(hours=5),
    )
    assert after.reference > max(
        Sale.objects.exclude(pk=after.pk).values_list("reference", flat=True)
    )


def test_every_problem_of_a_list_is_refused_at_once_and_nothing_is_written(
    stocked, clerk_a, clerk_b, catalogue
):
    by_code = _codes(catalogue)
    before = (Entry.objects.count(), Sale.objects.count(), StockMovement.objects.count())
    sales = [
        services.BulkSale(clerk_a, stocked, MONDAY, "ok", [(by_code[MILK], 1)]),
        services.BulkSale(clerk_a, stocked, MONDAY, "short", [(by_code[YOGHURT], 50)]),
        services.BulkSale(clerk_a, stocked, MONDAY, "price", [(by_code[NO_PRICE], 1)]),
        services.BulkSale(clerk_b, stocked, MONDAY, "elsewhere", [(by_code[MILK], 1)]),
        services.BulkSale(clerk_a, stocked, MONDAY, "none", []),
        services.BulkSale(clerk_a, stocked, MONDAY, "zero", [(by_code[MILK], 0)]),
    ]
    with pytest.raises(DomainError) as raised:
        services.sales_make_many(province_code="20", sales=sales)
    fields = {field for field, _messages in raised.value.errors.items()}
    assert {"sales.1.lines", "sales.2.lines", "sales.4.lines", "sales.5.lines"} <= fields
    assert any(field.startswith("sales.3.") for field in fields)
    assert "sales.0.lines" not in fields
    assert (Entry.objects.count(), Sale.objects.count(), StockMovement.objects.count()) == before


def test_a_list_cannot_record_a_sale_twice(stocked, clerk_a, catalogue):
    by_code = _codes(catalogue)
    sale = services.BulkSale(clerk_a, stocked, MONDAY, "once", [(by_code[MILK], 1)])
    services.sales_make_many(province_code="20", sales=[sale])
    with pytest.raises(DomainError):
        services.sales_make_many(province_code="20", sales=[sale])
    with pytest.raises(DomainError):
        services.sales_make_many(province_code="20", sales=[sale, sale])
    assert Sale.objects.count() == 1
    assert StockLevel.objects.filter(point=stocked).aggregate(q=Sum("quantity"))["q"] == 18
