"""Goods through the services: received at the warehouse, sent to a point, sold, returned,
written off and counted; every leg on the ledger; and every refusal changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Sum

from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.models import AuditEntry
from buudien.finance.models import Account, Entry
from buudien.goods import adjustments, services, stock
from buudien.goods.models import (
    GoodsReceipt,
    Sale,
    SaleReturn,
    StockLevel,
    StockMovement,
    Transfer,
)
from buudien.goods.tests.conftest import (
    MILK,
    MONDAY,
    NO_PRICE,
    TEA,
    YOGHURT,
    receive_goods,
    send_goods,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def balances_of(prefix: str) -> int:
    """The sum of the balances of the accounts whose code begins with ``prefix``."""
    found = Account.objects.filter(province_code="20", code__startswith=prefix)
    return sum(found.values_list("balance", flat=True))


def balance(code: str) -> int:
    account = Account.objects.filter(province_code="20", code=code).first()
    return account.balance if account else 0


def held(point: Any, code: str) -> tuple[int, int]:
    level = StockLevel.objects.filter(point=point, product__code=code).first()
    return (level.quantity, level.value) if level else (0, 0)


def sell(actor: Any, point: Any, lines: list[dict[str, Any]], key: str = "s1", **more: Any) -> Sale:
    return services.sale_make(
        actor=actor, point=point, idempotency_key=key, lines=lines, at=MONDAY, **more
    )


def snapshot() -> tuple[int, ...]:
    return (
        StockMovement.objects.count(),
        Entry.objects.count(),
        Sale.objects.count(),
        SaleReturn.objects.count(),
        Transfer.objects.count(),
        GoodsReceipt.objects.count(),
        int(StockLevel.objects.aggregate(q=Sum("quantity"))["q"] or 0),
    )


# --- receipts --------------------------------------------------------------------------------


def test_bought_goods_come_into_the_warehouse_owing_the_supplier(keeper, warehouse, catalogue):
    receipt = receive_goods(keeper, warehouse)

    assert receipt.reference == "NK240000000002"  # the consigned tea came first
    assert receipt.total == 100 * 6_000 + 50 * 4_500
    assert receipt.entry.kind == "goods_receipt"
    assert held(warehouse, "SUA180") == (100, 600_000)
    assert held(warehouse, "SUACHUA") == (50, 225_000)
    assert held(warehouse, "CHE-TN") == (20, 0)  # consigned: held, not owned
    assert balance("156.240000") == 825_000
    assert balance("331.vinamilk") == 825_000
    assert GoodsReceipt.objects.get(reference="NK240000000001").entry is None
    assert AuditEntry.objects.filter(action="goods.receipt").count() == 2


def test_a_receipt_sent_again_is_the_same_receipt(keeper, warehouse, catalogue):
    first = receive_goods(keeper, warehouse)
    again = receive_goods(keeper, warehouse)
    assert again.pk == first.pk
    assert held(warehouse, "SUA180") == (100, 600_000)
    with pytest.raises(DomainError, match="reused with a different request"):
        services.receipt_make(
            actor=keeper,
            point=warehouse,
            idempotency_key="r1",
            supplier="vinamilk",
            lines=[{"code": MILK, "quantity": 1, "unit_cost": 6_000}],
            at=MONDAY,
        )


def test_a_receipt_refuses_every_problem_at_once(keeper, warehouse, catalogue):
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        services.receipt_make(
            actor=keeper,
            point=warehouse,
            idempotency_key="bad",
            supplier="vinamilk",
            lines=[
                {"code": MILK, "quantity": 5},  # no unit cost
                {"code": TEA, "quantity": 5, "unit_cost": 1},  # another supplier's
                {"code": "8934600000012", "quantity": 1, "unit_cost": 1},  # bad check digit
                {"code": YOGHURT, "quantity": 0, "unit_cost": 1},
            ],
            at=MONDAY,
        )
    errors = refused.value.errors
    assert set(errors) == {
        "lines.0.unit_cost",
        "lines.1.code",
        "lines.2.code",
        "lines.3.quantity",
    }
    assert "check digit should be 1" in errors["lines.2.code"][0]
    assert snapshot() == before


def test_only_warehouse_staff_receive_goods_and_only_at_the_warehouse(
    keeper, warehouse, catalogue, clerk_a, accountant, world, outsider, director
):
    lines = [{"code": MILK, "quantity": 1, "unit_cost": 6_000}]
    asked = {"idempotency_key": "x", "supplier": "vinamilk", "lines": lines, "at": MONDAY}
    with pytest.raises(AccessDenied, match="warehouse's own staff"):
        services.receipt_make(actor=director, point=warehouse, **asked)
    for stranger in (clerk_a, outsider):  # the warehouse is outside what they may see
        with pytest.raises(NotFound):
            services.receipt_make(actor=stranger, point=warehouse, **asked)
    with pytest.raises(DomainError, match="not the provincial warehouse"):
        services.receipt_make(actor=keeper, point=world.point_a, **asked)
    # An accountant of the province may.
    assert services.receipt_make(actor=accountant, point=warehouse, **asked).total == 6_000


def test_consigned_goods_are_received_without_a_cost(keeper, warehouse, catalogue):
    with pytest.raises(DomainError, match="not bought"):
        services.receipt_make(
            actor=keeper,
            point=warehouse,
            idempotency_key="c",
            supplier="htx-che-lang-son",
            lines=[{"code": TEA, "quantity": 1, "unit_cost": 30_000}],
            at=MONDAY,
        )


# --- transfers -------------------------------------------------------------------------------


def test_a_transfer_leaves_the_warehouse_and_reaches_the_point_at_cost(
    keeper, warehouse, catalogue, clerk_a, world
):
    receive_goods(keeper, warehouse)
    transfer = send_goods(keeper, warehouse, world.point_a, [{"code": MILK, "quantity": 10}])

    assert transfer.reference == "DC240000000001"
    assert (transfer.status, transfer.total) == ("sent", 60_000)
    assert held(warehouse, "SUA180") == (90, 540_000)
    assert held(world.point_a, "SUA180") == (0, 0)
    assert balance("151") == 60_000

    received = services.transfer_receive(actor=clerk_a, transfer=transfer.reference, at=MONDAY)
    assert received.status == "received"
    assert received.received_entry is not None
    assert held(world.point_a, "SUA180") == (10, 60_000)
    assert balance("151") == 0
    assert balance("156.240001") == 60_000
    assert balance("156.240000") == 765_000


def test_a_transfer_is_received_once_and_by_the_points_own_clerk(
    keeper, warehouse, catalogue, clerk_a, clerk_b, world
):
    receive_goods(keeper, warehouse)
    transfer = send_goods(keeper, warehouse, world.point_a, [{"code": MILK, "quantity": 10}])
    with pytest.raises(NotFound):
        services.transfer_receive(actor=clerk_b, transfer=transfer.reference, at=MONDAY)
    services.transfer_receive(actor=clerk_a, transfer=transfer.reference.lower(), at=MONDAY)
    before = snapshot()
    with pytest.raises(DomainError, match="received already"):
        services.transfer_receive(actor=clerk_a, transfer=transfer.reference, at=MONDAY)
    assert snapshot() == before
    assert held(world.point_a, "SUA180") == (10, 60_000)


def test_a_transfer_beyond_the_warehouses_stock_is_refused(keeper, warehouse, catalogue, world):
    receive_goods(keeper, warehouse)
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        send_goods(
            keeper,
            warehouse,
            world.point_a,
            [{"code": MILK, "quantity": 101}, {"code": "NOPE", "quantity": 1}],
        )
    assert set(refused.value.errors) == {"lines.0.quantity", "lines.1.code"}
    assert "101 wanted, 100 in stock" in refused.value.errors["lines.0.quantity"][0]
    assert snapshot() == before
    with pytest.raises(DomainError, match="101 wanted, 100 in stock"):
        send_goods(keeper, warehouse, world.point_a, [{"code": MILK, "quantity": 101}])
    with pytest.raises(DomainError, match="another point"):
        send_goods(keeper, warehouse, warehouse, [{"code": MILK, "quantity": 1}])
    assert snapshot() == before


# --- sales -----------------------------------------------------------------------------------


def test_a_sale_posts_money_vat_the_consignors_share_and_the_cost_in_one_entry(stocked, clerk_a):
    sale = sell(
        clerk_a,
        stocked,
        [
            {"code": MILK, "quantity": 3},
            {"code": "che-tn", "quantity": 1},
            {"code": TEA, "quantity": 1},
        ],
    )

    assert sale.reference == "BH240001000001"
    # Milk: 3 × 8,640 = 25,920 of which VAT 8% 1,920; cost 3/10 of 60,000.
    # Tea (consigned, given twice): 2 × 50,000, 15% commission = 15,000, 85,000 owed.
    assert (sale.total, sale.vat, sale.revenue) == (125_920, 1_920, 39_000)
    assert (sale.supplier_share, sale.cost) == (85_000, 18_000)
    assert Entry.objects.filter(kind="goods_sale").count() == 1
    assert balance("1111.240001") == 125_920
    assert balance("5113.consumer_goods") == 39_000
    assert balance("3331") == 1_920
    assert balance("3388.partner.ncc-htx-che-lang-son") == 85_000
    assert balance("632.240001") == 18_000  # the point's own cost of goods sold
    assert balance("156.240001") == 60_000 + 18_000 - 18_000
    assert held(stocked, "SUA180") == (7, 42_000)
    assert held(stocked, "CHE-TN") == (3, 0)
    lines = {line.product.code: line for line in sale.lines.all()}
    assert (lines["CHE-TN"].quantity, lines["CHE-TN"].vat_rate) == (2, 0)
    assert (lines["SUA180"].unit_price, lines["SUA180"].vat) == (8_640, 1_920)
    assert sale.entry.transfers.filter(service="consumer_goods").count() == 4


def test_a_sale_refuses_every_problem_at_once_and_writes_nothing(stocked, clerk_a):
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        sell(
            clerk_a,
            stocked,
            [
                {"code": MILK, "quantity": 11},  # beyond stock
                {"code": "8934600000097", "quantity": 1},  # unknown barcode
                {"code": NO_PRICE, "quantity": 1},  # no price
                {"code": YOGHURT, "quantity": "2"},
            ],
            buyer_tax_code="12345",
        )
    errors = refused.value.errors
    assert set(errors) == {
        "buyer_tax_code",
        "buyer_name",
        "buyer_address",
        "lines.0.quantity",
        "lines.1.code",
        "lines.2.code",
        "lines.2.quantity",  # and none in stock either
        "lines.3.quantity",
    }
    assert errors["lines.0.quantity"] == ["Sữa tươi Vinamilk 180ml: 11 wanted, 10 in stock."]
    assert errors["lines.1.code"] == ["No product with the code 8934600000097."]
    assert errors["lines.2.code"] == ["Mắm tôm Đồng Đăng has no price on 02/11/2026."]
    assert snapshot() == before


def test_a_sale_beyond_stock_alone_is_refused_under_the_lock(stocked, clerk_a):
    before = snapshot()
    with pytest.raises(DomainError, match="11 wanted, 10 in stock") as refused:
        sell(clerk_a, stocked, [{"code": MILK, "quantity": 11}])
    assert refused.value.field == "lines.0.quantity"
    assert snapshot() == before
    # The refused sale gave its number back; the next one is the first.
    sale = sell(clerk_a, stocked, [{"code": MILK, "quantity": 10}], key="s2")
    assert sale.reference == "BH240001000001"
    assert AuditEntry.objects.filter(action="goods.sale").count() == 1
    assert held(stocked, "SUA180") == (0, 0)


def test_a_price_counts_from_its_day(stocked, clerk_a, catalogue):
    from buudien.goods.models import Price

    Price.objects.create(
        province_code="20", product=catalogue["SUA180"], valid_from=MONDAY.date(), price=9_000
    )
    Price.objects.create(
        province_code="20",
        product=catalogue["SUA180"],
        valid_from=MONDAY.date() + dt.timedelta(days=1),
        price=9_500,
    )
    assert sell(clerk_a, stocked, [{"code": MILK, "quantity": 1}]).total == 9_000


def test_a_sale_sent_again_is_the_same_sale(stocked, clerk_a):
    first = sell(clerk_a, stocked, [{"code": MILK, "quantity": 10}])
    # The retry finds the sale, even though the stock it took is gone.
    again = sell(clerk_a, stocked, [{"code": MILK, "quantity": 10}])
    assert again.pk == first.pk
    assert Entry.objects.filter(kind="goods_sale").count() == 1
    with pytest.raises(DomainError, match="reused with a different request"):
        sell(clerk_a, stocked, [{"code": MILK, "quantity": 1}])


def test_a_clerk_sells_at_their_own_point_only(stocked, clerk_b, outsider, auditor):
    before = snapshot()
    with pytest.raises(NotFound):
        sell(clerk_b, stocked, [{"code": MILK, "quantity": 1}])
    with pytest.raises(AccessDenied):  # a director sells nothing, anywhere
        sell(outsider, stocked, [{"code": MILK, "quantity": 1}])
    with pytest.raises(AccessDenied):
        sell(auditor, stocked, [{"code": MILK, "quantity": 1}])
    assert snapshot() == before


def test_vietqr_only_where_transfers_are_taken_and_the_invoice_needs_the_buyer(stocked, clerk_a):
    with pytest.raises(DomainError, match="does not take payment by transfer") as refused:
        sell(clerk_a, stocked, [{"code": MILK, "quantity": 1}], payment_method="vietqr")
    assert refused.value.field == "payment_method"
    sale = sell(
        clerk_a,
        stocked,
        [{"code": MILK, "quantity": 1}],
        buyer_tax_code="0101234567-001",
        buyer_name="Công ty TNHH Hoa Mai",
        buyer_address="12 Lê Lợi, Lạng Sơn",
    )
    assert (sale.buyer_tax_code, sale.buyer_name) == ("0101234567-001", "Công ty TNHH Hoa Mai")


# --- returns ---------------------------------------------------------------------------------


def give_back(
    actor: Any,
    point: Any,
    sale: Any,
    lines: list[dict[str, Any]],
    key: str = "b1",
    at: Any = MONDAY,
) -> SaleReturn:
    return services.sale_return(
        actor=actor,
        point=point,
        idempotency_key=key,
        sale=sale.reference,
        lines=lines,
        reason="Hộp bị móp",
        at=at,
    )


def test_returns_reverse_the_sale_in_proportion_and_add_up_to_it(stocked, clerk_a):
    sale = sell(clerk_a, stocked, [{"code": MILK, "quantity": 3}, {"code": TEA, "quantity": 3}])
    # Milk 25,920 (VAT 1,920, cost 18,000); tea 150,000 (commission 22,500, share 127,500).
    first = give_back(
        clerk_a, stocked, sale, [{"code": MILK, "quantity": 1}, {"code": TEA, "quantity": 1}]
    )
    assert first.reference == "HT240001000001"
    assert (first.total, first.vat, first.cost) == (8_640 + 50_000, 640, 6_000)
    assert held(stocked, "SUA180") == (8, 48_000)
    second = give_back(
        clerk_a,
        stocked,
        sale,
        [{"code": MILK, "quantity": 2}, {"code": TEA, "quantity": 2}],
        key="b2",
    )
    assert second.total == 2 * 8_640 + 100_000
    # Everything back: the sale's legs are undone to the đồng.
    for code in (
        "5113.consumer_goods",
        "3331",
        "3388.partner.ncc-htx-che-lang-son",
        "632.240001",
        "1111.240001",
    ):
        assert balance(code) == 0, code
    assert balance("156.240001") == 60_000 + 18_000
    assert held(stocked, "SUA180") == (10, 60_000)
    assert stock.stock_verify() == []


def test_a_return_beyond_what_was_sold_is_refused(stocked, clerk_a):
    sale = sell(clerk_a, stocked, [{"code": MILK, "quantity": 3}])
    give_back(clerk_a, stocked, sale, [{"code": MILK, "quantity": 2}])
    before = snapshot()
    with pytest.raises(DomainError, match="3 sold, 2 returned already, so at most 1"):
        give_back(clerk_a, stocked, sale, [{"code": MILK, "quantity": 2}], key="b2")
    with pytest.raises(DomainError, match="is not on sale") as refused:
        give_back(clerk_a, stocked, sale, [{"code": YOGHURT, "quantity": 1}], key="b3")
    assert refused.value.field == "lines.0.code"
    with pytest.raises(NotFound):
        services.sale_return(
            actor=clerk_a,
            point=stocked,
            idempotency_key="b4",
            sale="BH0",
            lines=[{"code": MILK, "quantity": 1}],
            reason="x",
            at=MONDAY,
        )
    with pytest.raises(DomainError, match="within 30 days"):
        give_back(
            clerk_a,
            stocked,
            sale,
            [{"code": MILK, "quantity": 1}],
            key="b5",
            at=MONDAY + dt.timedelta(days=31),
        )
    assert snapshot() == before


def test_goods_go_back_to_the_point_that_sold_them(stocked, clerk_a, admin_user, world):
    sale = sell(clerk_a, stocked, [{"code": MILK, "quantity": 1}])
    with pytest.raises(DomainError, match="another point"):
        give_back(admin_user, world.point_b, sale, [{"code": MILK, "quantity": 1}])


# --- write-offs and stocktakes ---------------------------------------------------------------


def test_a_write_off_is_booked_when_an_accountant_approves_it(stocked, clerk_a, accountant):
    asked = adjustments.write_off_request(
        actor=clerk_a,
        point=stocked,
        idempotency_key="w1",
        lines=[{"code": MILK, "quantity": 2}],
        reason="Hết hạn sử dụng",
        at=MONDAY,
    )
    assert (asked.reference, asked.status, asked.entry) == ("XH240001000001", "requested", None)
    assert held(stocked, "SUA180") == (10, 60_000)

    with pytest.raises(AccessDenied):
        adjustments.write_off_approve(actor=clerk_a, write_off=asked.reference, at=MONDAY)
    done = adjustments.write_off_approve(actor=accountant, write_off=asked.reference, at=MONDAY)
    assert (done.status, done.total, done.approved_by) == ("approved", 12_000, accountant)
    assert held(stocked, "SUA180") == (8, 48_000)
    assert balance("632.loss.240001") == 12_000
    assert balance("156.240001") == 48_000 + 18_000
    before = snapshot()
    with pytest.raises(DomainError, match="approved already"):
        adjustments.write_off_approve(actor=accountant, write_off=asked.reference, at=MONDAY)
    assert snapshot() == before


def test_no_one_approves_what_they_asked_for(keeper, warehouse, catalogue, accountant):
    receive_goods(keeper, warehouse)
    asked = adjustments.write_off_request(
        actor=accountant,
        point=warehouse,
        idempotency_key="w1",
        lines=[{"code": MILK, "quantity": 1}],
        reason="Vỡ",
        at=MONDAY,
    )
    with pytest.raises(AccessDenied, match="someone other"):
        adjustments.write_off_approve(actor=accountant, write_off=asked, at=MONDAY)


def test_a_write_off_beyond_stock_is_refused(stocked, clerk_a):
    before = snapshot()
    with pytest.raises(DomainError, match="11 wanted, 10 in stock"):
        adjustments.write_off_request(
            actor=clerk_a,
            point=stocked,
            idempotency_key="w1",
            lines=[{"code": MILK, "quantity": 11}],
            reason="Vỡ",
            at=MONDAY,
        )
    with pytest.raises(DomainError, match="reason"):
        adjustments.write_off_request(
            actor=clerk_a,
            point=stocked,
            idempotency_key="w2",
            lines=[{"code": MILK, "quantity": 1}],
            reason=" ",
            at=MONDAY,
        )
    assert snapshot() == before


def test_a_stocktake_books_its_differences_on_approval(stocked, clerk_a, accountant):
    counted = adjustments.stocktake_submit(
        actor=clerk_a,
        point=stocked,
        idempotency_key="k1",
        lines=[
            {"code": MILK, "counted": 8},  # 2 missing
            {"code": YOGHURT, "counted": 5},  # 1 found
            {"code": TEA, "counted": 5},  # right
        ],
        at=MONDAY,
    )
    assert counted.reference == "KK240001000001"
    assert [(line.expected, line.counted) for line in counted.lines.all()] == [
        (10, 8),
        (4, 5),
        (5, 5),
    ]
    assert held(stocked, "SUA180") == (10, 60_000)

    done = adjustments.stocktake_approve(actor=accountant, stocktake=counted.reference, at=MONDAY)
    assert done.status == "approved"
    assert held(stocked, "SUA180") == (8, 48_000)
    assert held(stocked, "SUACHUA") == (5, 22_500)
    assert balance("1381") == 12_000
    assert balance("3381") == 4_500
    assert done.total == 4_500 - 12_000
    assert done.entry.kind == "goods_stocktake"
    assert stock.stock_verify() == []
    with pytest.raises(DomainError, match="approved already"):
        adjustments.stocktake_approve(actor=accountant, stocktake=counted.reference, at=MONDAY)


# --- the sums --------------------------------------------------------------------------------


def test_the_ledger_reconciles_to_the_movements(
    stocked, clerk_a, accountant, keeper, warehouse, world, clerk_b
):
    sale = sell(clerk_a, stocked, [{"code": MILK, "quantity": 7}, {"code": YOGHURT, "quantity": 3}])
    give_back(clerk_a, stocked, sale, [{"code": MILK, "quantity": 2}])
    sell(clerk_a, stocked, [{"code": MILK, "quantity": 1}, {"code": TEA, "quantity": 2}], key="s2")
    write_off = adjustments.write_off_request(
        actor=clerk_a,
        point=stocked,
        idempotency_key="w1",
        lines=[{"code": YOGHURT, "quantity": 1}],
        reason="Vỡ",
        at=MONDAY,
    )
    adjustments.write_off_approve(actor=accountant, write_off=write_off, at=MONDAY)
    transfer = send_goods(
        keeper, warehouse, world.point_b, [{"code": MILK, "quantity": 7}], key="t2"
    )
    services.transfer_receive(actor=clerk_b, transfer=transfer, at=MONDAY)
    sell(clerk_b, world.point_b, [{"code": MILK, "quantity": 7}], key="s3")

    assert stock.stock_verify() == []
    for point in (warehouse, world.point_a, world.point_b):
        moved = StockMovement.objects.filter(point=point).aggregate(v=Sum("value"))["v"]
        assert balance(f"156.{point.code}") == moved, point.code
    sold = StockMovement.objects.filter(kind__in=["sale", "customer_return"])
    assert balances_of("632.24") == -sold.aggregate(v=Sum("value"))["v"]
    written = StockMovement.objects.filter(kind="write_off")
    assert balances_of("632.loss.") == -written.aggregate(v=Sum("value"))["v"]
    assert balance("151") == 0


def test_the_check_finds_a_level_that_is_not_the_sum_of_its_movements(stocked):
    assert stock.stock_verify() == []
    StockLevel.objects.filter(point=stocked, product__code="SUA180").update(quantity=9)
    [mismatch] = stock.stock_verify()
    assert (mismatch.level, mismatch.movements) == ((9, 60_000), (10, 60_000))


def test_movements_are_never_edited(stocked):
    movement = StockMovement.objects.first()
    with pytest.raises(TypeError):
        movement.save()
    with pytest.raises(TypeError):
        StockMovement.objects.all().update(quantity=1)
    with pytest.raises(TypeError):
        StockMovement.objects.all().delete()


def test_the_database_refuses_stock_below_zero_whatever_the_path(stocked):
    from django.db import IntegrityError, transaction
    from django.db.models import F

    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.filter(point=stocked, product__code="SUA180").update(
            quantity=F("quantity") - 11
        )
    assert held(stocked, "SUA180") == (10, 60_000)


def test_the_figures_count_the_sale_its_revenue_and_its_cost_not_the_stock_moves(stocked, clerk_a):
    from buudien.finance.models import DailyFigure

    sell(clerk_a, stocked, [{"code": MILK, "quantity": 3}, {"code": TEA, "quantity": 2}])

    rows = DailyFigure.objects.filter(service="consumer_goods")
    [row] = rows
    assert (row.point_id, row.revenue, row.expense, row.volume) == (stocked.pk, 39_000, 18_000, 1)
    assert not DailyFigure.objects.filter(service="consumer_goods").exclude(point=stocked).exists()
