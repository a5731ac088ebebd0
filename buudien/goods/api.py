"""/api/goods/: goods, their stock per point, sales at the counter and the documents that
move stock.

Products of the user's province are found by barcode (what a scanner reads) or by name
without its diacritics, with their price today. Every call that moves money or stock takes an
``Idempotency-Key`` header (a retry returns what was recorded; the same key with another body
is refused), except receiving a transfer and approving a write-off or a stocktake, which
happen once by their own rule. A clerk acts at their own point; the warehouse's documents
default to the province's warehouse. Every problem of a refused request comes back at once
under ``errors`` by field (``lines.<n>.<field>``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from buudien.core.bizdays import local_today
from buudien.core.errors import AccessDenied, DomainError
from buudien.counter.api import commune_of_code, counter_arguments, idempotency_key, point_for
from buudien.counter.schemas import CancelRequestOut
from buudien.goods import adjustments, orders, selectors, services
from buudien.goods.catalogue import code_clean, warehouse_of
from buudien.goods.models import (
    GoodsOrder,
    GoodsReceipt,
    GoodsReceiptLine,
    Sale,
    SaleLine,
    SaleReturn,
    SaleReturnLine,
    Stocktake,
    StocktakeLine,
    Transfer,
    TransferLine,
    WriteOff,
    WriteOffLine,
)
from buudien.goods.schemas import (
    OrderIn,
    OrderOut,
    ProductOut,
    ReceiptIn,
    ReceiptOut,
    ReturnIn,
    ReturnOut,
    SaleIn,
    SaleOut,
    StockOut,
    StocktakeIn,
    StocktakeOut,
    TransferIn,
    TransferOut,
    WriteOffIn,
    WriteOffOut,
)
from buudien.network.models import ServicePoint

router = Router(tags=["goods"])


def _province(request: HttpRequest, given: str | None = None) -> str:
    """The province asked for, else the user's (their point's, else their unit's)."""
    if given:
        return code_clean(given, 2)
    point = getattr(request.user, "point", None)
    unit = getattr(request.user, "unit", None)
    code = point.province_code if point is not None else unit.province_code if unit else ""
    if not code:
        raise DomainError(_("Say which province: province=NN."), field="province")
    return str(code)


def _at(payload: Any) -> Any:
    """``payload`` with its point's code cleaned (nothing unprintable reaches the database)."""
    payload.point = code_clean(payload.point, 16) or None
    return payload


def _warehouse(request: HttpRequest, code: str | None) -> ServicePoint:
    code = code_clean(code, 16)
    if code:
        return point_for(request.user, code, scoped=True)
    return warehouse_of(_province(request))


def _lines(queryset: Any) -> Any:
    return Prefetch("lines", queryset=queryset.select_related("product").order_by("pk"))


def _sale(request: HttpRequest, number: str) -> Sale:
    found = selectors.sale_get(user=request.user, number=number)
    return (
        Sale.objects.select_related("point", "created_by")
        .prefetch_related(_lines(SaleLine.objects))
        .get(pk=found.pk)
    )


def _transfer(request: HttpRequest, number: str) -> Transfer:
    found = selectors.transfer_get(user=request.user, number=number)
    return (
        Transfer.objects.select_related("point", "to_point")
        .prefetch_related(_lines(TransferLine.objects))
        .get(pk=found.pk)
    )


# --- products and stock ----------------------------------------------------------------------


@router.get("/products", response=list[ProductOut], summary="Find products")
def products_search(request: HttpRequest, q: str = "", province: str | None = None) -> Any:
    """Active products of your province (or ``province``) whose barcode or code is ``q``, or
    whose name holds ``q`` typed with or without diacritics; with today's price."""
    return selectors.product_search(
        province_code=_province(request, province), q=q, day=local_today()
    )


@router.get("/products/{code}", response=ProductOut, summary="A product by its barcode")
def products_get(request: HttpRequest, code: str, province: str | None = None) -> Any:
    """What a scanner read (an EAN-13 or the post's own code), or a product code."""
    return selectors.product_by_barcode(
        province_code=_province(request, province), barcode=code, day=local_today()
    )


@router.get("/stock", response=StockOut, summary="Stock of a point, with its value")
def stock_of(request: HttpRequest, point: str | None = None) -> Any:
    """What a point of your scope holds (your own point when ``point`` is left out), per
    product, at average cost."""
    if code_clean(point, 16):
        found = selectors.point_visible(user=request.user, code=point or "")
    else:
        found = point_for(request.user, None)
    rows = list(selectors.stock_at(point=found))
    return {
        "point": found.code,
        "quantity": sum(row.quantity for row in rows),
        "value": sum(row.value for row in rows),
        "lines": rows,
    }


# --- sales and returns -----------------------------------------------------------------------


@router.post("/sales", response={201: SaleOut}, summary="Sell goods at the counter")
def sales_make(request: HttpRequest, payload: SaleIn) -> Any:
    """One ledger entry for the money, the VAT, the consignors' shares and the cost. The same
    Idempotency-Key and body return the sale already made."""
    sale = services.sale_make(**counter_arguments(request, _at(payload), scoped=True))
    return Status(201, _sale(request, sale.reference))


@router.get("/sales/{number}", response=SaleOut, summary="A sale by its receipt number")
def sales_get(request: HttpRequest, number: str) -> Any:
    return _sale(request, number)


@router.post(
    "/sales/{number}/returns",
    response={201: ReturnOut, 202: CancelRequestOut},
    summary="Take goods of a sale back, for a reason",
)
def sales_return(request: HttpRequest, number: str, payload: ReturnIn) -> Any:
    """At the point that sold them, within 30 days, never more than was sold less what came
    back already; the money goes back from the drawer. The reason is required (at most 200
    characters); when the money given back is above the amount a clerk gives back alone the
    return is asked (202, the request) and made when a director or an accountant approves it
    (/api/counter/cancellations)."""
    result = services.sale_return_ask(
        **counter_arguments(request, _at(payload), scoped=True), sale=number
    )
    if not result.done:
        return Status(202, result.request)
    back = result.record
    return Status(
        201,
        SaleReturn.objects.select_related("sale", "point")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=SaleReturnLine.objects.select_related("sale_line__product").order_by("pk"),
            )
        )
        .get(pk=back.pk),
    )


# --- orders sent by parcel, cash on delivery --------------------------------------------------


def _order(request: HttpRequest, number: str) -> GoodsOrder:
    found = orders.order_get(user=request.user, number=number)
    found.sale = _sale(request, found.sale.reference)
    return found


@router.post(
    "/orders", response={201: OrderOut}, summary="Take an order and post it cash on delivery"
)
def orders_take(request: HttpRequest, payload: OrderIn) -> Any:
    """The goods sold at the point and a parcel (CP) posted to the buyer, whose COD is the
    goods and the carriage. The same Idempotency-Key and body return the order already
    taken."""
    arguments = counter_arguments(
        request, _at(payload), scoped=True, exclude=frozenset({"buyer_commune_code"})
    )
    commune = commune_of_code(payload.buyer_commune_code, field="buyer_commune_code")
    taken = orders.order_take(**arguments, buyer_commune=commune)
    return Status(201, _order(request, taken.sale.reference))


@router.get("/orders/{number}", response=OrderOut, summary="An order with its parcel")
def orders_get(request: HttpRequest, number: str) -> Any:
    return _order(request, number)


@router.post(
    "/orders/{number}/return",
    response=OrderOut,
    summary="Put the goods of a parcel that came back in stock",
)
def orders_return(request: HttpRequest, number: str) -> Any:
    """Once mail says the parcel was returned to the point: the whole sale back in stock and
    the carriage reversed. The same Idempotency-Key again returns the order."""
    found = orders.order_get(user=request.user, number=number)
    orders.order_return(actor=request.user, order=found, idempotency_key=idempotency_key(request))
    return _order(request, number)


# --- the warehouse: receipts and transfers ---------------------------------------------------


@router.post("/receipts", response={201: ReceiptOut}, summary="Receive goods from a supplier")
def receipts_make(request: HttpRequest, payload: ReceiptIn) -> Any:
    """At the provincial warehouse; bought goods owe the supplier their cost."""
    receipt = services.receipt_make(
        actor=request.user,
        point=_warehouse(request, payload.point),
        idempotency_key=idempotency_key(request),
        **payload.dict(exclude={"point"}),
    )
    return Status(
        201,
        GoodsReceipt.objects.select_related("point", "supplier")
        .prefetch_related(_lines(GoodsReceiptLine.objects))
        .get(pk=receipt.pk),
    )


@router.post("/transfers", response={201: TransferOut}, summary="Send goods to a point")
def transfers_send(request: HttpRequest, payload: TransferIn) -> Any:
    transfer = services.transfer_send(
        actor=request.user,
        point=_warehouse(request, payload.point),
        idempotency_key=idempotency_key(request),
        to_point=payload.to_point,
        lines=[line.dict() for line in payload.lines],
    )
    return Status(201, _transfer(request, transfer.reference))


@router.get("/transfers/{number}", response=TransferOut, summary="A transfer")
def transfers_get(request: HttpRequest, number: str) -> Any:
    return _transfer(request, number)


@router.post(
    "/transfers/{number}/receive", response=TransferOut, summary="Receive a transfer at a point"
)
def transfers_receive(request: HttpRequest, number: str) -> Any:
    """By the clerk of the point it was sent to; never twice."""
    selectors.transfer_get(user=request.user, number=number)
    transfer = services.transfer_receive(actor=request.user, transfer=number)
    return _transfer(request, transfer.reference)


# --- write-offs and stocktakes ---------------------------------------------------------------


def _write_off(request: HttpRequest, number: str) -> WriteOff:
    found = selectors.write_off_get(user=request.user, number=number)
    return (
        WriteOff.objects.select_related("point")
        .prefetch_related(_lines(WriteOffLine.objects))
        .get(pk=found.pk)
    )


def _stocktake(request: HttpRequest, number: str) -> Stocktake:
    found = selectors.stocktake_get(user=request.user, number=number)
    return (
        Stocktake.objects.select_related("point")
        .prefetch_related(_lines(StocktakeLine.objects))
        .get(pk=found.pk)
    )


@router.post("/write-offs", response={201: WriteOffOut}, summary="Ask for goods to be written off")
def write_offs_request(request: HttpRequest, payload: WriteOffIn) -> Any:
    row = adjustments.write_off_request(**counter_arguments(request, _at(payload), scoped=True))
    return Status(201, _write_off(request, row.reference))


@router.get("/write-offs/{number}", response=WriteOffOut, summary="A write-off")
def write_offs_get(request: HttpRequest, number: str) -> Any:
    return _write_off(request, number)


@router.post(
    "/write-offs/{number}/approve", response=WriteOffOut, summary="Approve a write-off (books it)"
)
def write_offs_approve(request: HttpRequest, number: str) -> Any:
    """By an accountant other than the person who asked."""
    selectors.write_off_get(user=request.user, number=number)
    row = adjustments.write_off_approve(actor=request.user, write_off=number)
    return _write_off(request, row.reference)


@router.post("/stocktakes", response={201: StocktakeOut}, summary="Submit a stocktake's counts")
def stocktakes_submit(request: HttpRequest, payload: StocktakeIn) -> Any:
    row = adjustments.stocktake_submit(**counter_arguments(request, _at(payload), scoped=True))
    return Status(201, _stocktake(request, row.reference))


@router.get("/stocktakes/{number}", response=StocktakeOut, summary="A stocktake")
def stocktakes_get(request: HttpRequest, number: str) -> Any:
    return _stocktake(request, number)


@router.post(
    "/stocktakes/{number}/approve",
    response=StocktakeOut,
    summary="Approve a stocktake (books its differences)",
)
def stocktakes_approve(request: HttpRequest, number: str) -> Any:
    selectors.stocktake_get(user=request.user, number=number)
    row = adjustments.stocktake_approve(actor=request.user, stocktake=number)
    return _stocktake(request, row.reference)


# --- figures ---------------------------------------------------------------------------------

from buudien.goods.figures import year_summary  # noqa: E402
from buudien.goods.schemas import FiguresOut  # noqa: E402


@router.get("/figures", response=FiguresOut, summary="Revenue, cost and margin of a year")
def figures_of_year(
    request: HttpRequest, year: int, unit: str | None = None, province: str | None = None
) -> Any:
    """The goods figures of ``year`` for a unit of your scope (the province, or your own
    unit, when ``unit`` is left out): sales, units, revenue net of VAT, cost and gross
    margin, net of returns, in total against last year, per product group, supplier mode,
    month, child unit and point; the sales at BĐVHX; the stock per point at the end of the
    year (today for this year) and the goods not sold for 90 days."""
    if not selectors.can_read(request.user):
        raise AccessDenied(_("Your role does not handle goods."))
    return year_summary(
        user=request.user,
        province_code=_province(request, province),
        year=year,
        unit_code=code_clean(unit, 32) or None,
    )
