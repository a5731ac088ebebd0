"""Schemas of /api/goods/. Money is an integer number of đồng; dates are ISO 8601.

A line names its product by ``code``: the barcode a scanner read, or the product's code.
The quantities and costs are checked by the services, which name the line of each problem
(``lines.<n>.<field>``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import StrictInt

Code = Field(max_length=40, description="The barcode (EAN-13 or the post's own) or product code.")
PointCode = Field(
    None, max_length=16, description="Code of the point; a clerk's own point when left out."
)
LINES = 100


class LineIn(Schema):
    code: str = Code
    quantity: StrictInt


class ReceiptLineIn(LineIn):
    unit_cost: StrictInt | None = Field(
        None, description="Cost of one unit on the supplier's invoice (đồng); none if consigned."
    )


class CountIn(Schema):
    code: str = Code
    counted: StrictInt = Field(description="Units counted (0 when none were found).")


class SaleIn(Schema):
    point: str | None = PointCode
    lines: list[LineIn] = Field(max_length=LINES)
    payment_method: str = Field(
        "cash", max_length=16, description="cash, or vietqr at a point that takes transfers."
    )
    buyer_tax_code: str = Field("", max_length=40, description="For a VAT invoice.")
    buyer_name: str = Field("", max_length=400)
    buyer_address: str = Field("", max_length=600)


class OrderIn(Schema):
    point: str | None = PointCode
    lines: list[LineIn] = Field(max_length=LINES)
    channel: str = Field("phone", max_length=16, description="phone or counter.")
    buyer_name: str = Field(max_length=400)
    buyer_phone: str = Field(max_length=40)
    buyer_address: str = Field(max_length=600)
    buyer_commune_code: str = Field(
        max_length=16, description="The buyer's commune (its 2025 code), where it is sent."
    )
    weight_g: StrictInt = Field(description="The parcel's weight in grams.")


class ReturnIn(Schema):
    point: str | None = PointCode
    lines: list[LineIn] = Field(max_length=LINES)
    reason: str = Field(max_length=600)


class ReceiptIn(Schema):
    point: str | None = Field(
        None, max_length=16, description="The warehouse's code; the province's when left out."
    )
    supplier: str = Field(max_length=40, description="The supplier's code.")
    supplier_document: str = Field("", max_length=80, description="The supplier's invoice.")
    lines: list[ReceiptLineIn] = Field(max_length=LINES)


class TransferIn(Schema):
    point: str | None = Field(
        None, max_length=16, description="The warehouse's code; the province's when left out."
    )
    to_point: str = Field(max_length=16)
    lines: list[LineIn] = Field(max_length=LINES)


class WriteOffIn(Schema):
    point: str | None = PointCode
    lines: list[LineIn] = Field(max_length=LINES)
    reason: str = Field(max_length=600)


class StocktakeIn(Schema):
    point: str | None = PointCode
    lines: list[CountIn] = Field(max_length=LINES)
    note: str = Field("", max_length=600)


# --- out -------------------------------------------------------------------------------------


class ProductOut(Schema):
    code: str
    barcode: str
    name: str
    group: str
    unit: str
    vat_rate: int
    supplier: str
    consignment: bool
    price: int | None = Field(description="Price incl. VAT today; null when it has none.")

    @staticmethod
    def resolve_code(obj: Any) -> str:
        return str(obj.product.code)

    @staticmethod
    def resolve_barcode(obj: Any) -> str:
        return str(obj.product.barcode)

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.product.name)

    @staticmethod
    def resolve_group(obj: Any) -> str:
        return str(obj.product.group)

    @staticmethod
    def resolve_unit(obj: Any) -> str:
        return str(obj.product.unit)

    @staticmethod
    def resolve_vat_rate(obj: Any) -> int:
        return int(obj.product.vat_rate)

    @staticmethod
    def resolve_supplier(obj: Any) -> str:
        return str(obj.product.supplier.code)

    @staticmethod
    def resolve_consignment(obj: Any) -> bool:
        return bool(obj.product.supplier.is_consignment)


class StockLineOut(Schema):
    code: str = Field(alias="product.code")
    barcode: str = Field(alias="product.barcode")
    name: str = Field(alias="product.name")
    unit: str = Field(alias="product.unit")
    quantity: int
    value: int = Field(description="At average cost (đồng).")


class StockOut(Schema):
    point: str
    quantity: int
    value: int
    lines: list[StockLineOut]


class SaleLineOut(Schema):
    code: str = Field(alias="product.code")
    name: str = Field(alias="product.name")
    quantity: int
    unit_price: int
    vat_rate: int
    line_total: int
    vat: int
    consignment: bool
    returned: int


class SaleOut(Schema):
    number: str = Field(alias="reference")
    point: str = Field(alias="point.code")
    business_date: dt.date
    created_at: dt.datetime
    clerk: str | None = Field(None, alias="created_by.username")
    payment_method: str
    total: int
    vat: int
    revenue: int
    supplier_share: int
    buyer_tax_code: str
    buyer_name: str
    buyer_address: str
    lines: list[SaleLineOut]


class ReturnLineOut(Schema):
    code: str = Field(alias="sale_line.product.code")
    quantity: int
    amount: int
    vat: int


class ReturnOut(Schema):
    number: str = Field(alias="reference")
    sale: str = Field(alias="sale.reference")
    point: str = Field(alias="point.code")
    business_date: dt.date
    total: int = Field(description="Paid back to the customer (đồng).")
    vat: int
    reason: str
    lines: list[ReturnLineOut]


class DocumentLineOut(Schema):
    code: str = Field(alias="product.code")
    name: str = Field(alias="product.name")
    quantity: int
    value: int


class ReceiptOut(Schema):
    number: str = Field(alias="reference")
    point: str = Field(alias="point.code")
    supplier: str = Field(alias="supplier.code")
    supplier_document: str
    business_date: dt.date
    total: int
    lines: list[DocumentLineOut]


class TransferOut(Schema):
    number: str = Field(alias="reference")
    point: str = Field(alias="point.code")
    to_point: str = Field(alias="to_point.code")
    status: str
    business_date: dt.date
    created_at: dt.datetime
    received_at: dt.datetime | None
    total: int
    lines: list[DocumentLineOut]


class WriteOffOut(Schema):
    number: str = Field(alias="reference")
    point: str = Field(alias="point.code")
    status: str
    reason: str
    created_at: dt.datetime
    approved_at: dt.datetime | None
    total: int
    lines: list[DocumentLineOut]


class StocktakeLineOut(Schema):
    code: str = Field(alias="product.code")
    name: str = Field(alias="product.name")
    expected: int
    counted: int
    difference: int
    value: int


class StocktakeOut(Schema):
    number: str = Field(alias="reference")
    point: str = Field(alias="point.code")
    status: str
    note: str
    created_at: dt.datetime
    approved_at: dt.datetime | None
    total: int
    lines: list[StocktakeLineOut]


# --- figures ---------------------------------------------------------------------------------


class TallyOut(Schema):
    """Figures net of returns; null where nothing has data (never 0)."""

    sales: int | None
    returns: int | None
    units: int | None = Field(description="Units sold less the units returned.")
    amount: int | None = Field(description="Money taken, VAT included (đồng).")
    revenue: int | None = Field(description="Net of VAT; of consigned goods the commission.")
    vat: int | None
    cost: int | None = Field(description="Cost of the goods sold, at average cost (đồng).")
    margin: int | None = Field(description="Gross margin: revenue less cost.")
    margin_pct: float | None = Field(description="Gross margin in % of the revenue.")


class NamedTallyOut(TallyOut):
    code: str
    name: str


class PointTallyOut(NamedTallyOut):
    kind: str


class MonthTallyOut(TallyOut):
    month: int


class UnitRefOut(Schema):
    code: str
    name: str
    kind: str


class HeldOut(Schema):
    code: str
    name: str
    quantity: int
    value: int


class StockFiguresOut(Schema):
    as_of: dt.date = Field(description="The end of the year, or today for this year.")
    quantity: int
    value: int = Field(description="At average cost (đồng).")
    per_point: list[HeldOut]


class SlowLineOut(Schema):
    point: str
    product: str
    name: str
    quantity: int
    value: int
    last_sale: dt.date | None = Field(description="Null: never sold at the point.")


class SlowOut(Schema):
    days: int
    lines: list[SlowLineOut]


class FiguresOut(Schema):
    year: int
    province: str
    unit: UnitRefOut
    total: TallyOut
    previous: TallyOut = Field(description="The year before.")
    bdvhx: TallyOut = Field(description="Sales at commune cultural points (BĐVHX).")
    per_group: list[NamedTallyOut]
    per_mode: list[NamedTallyOut]
    per_month: list[MonthTallyOut]
    per_unit: list[NamedTallyOut]
    per_point: list[PointTallyOut]
    stock: StockFiguresOut
    slow_moving: SlowOut


class OrderOut(Schema):
    number: str = Field(alias="sale.reference")
    status: str
    channel: str
    buyer_name: str
    buyer_phone: str
    buyer_address: str
    buyer_commune: str = Field(alias="buyer_commune.name")
    parcel: str = Field(alias="item.s10")
    parcel_status: str = Field(alias="item.status")
    goods: int = Field(alias="sale.total")
    carriage: int
    cod_amount: int
    paid_at: dt.datetime | None
    sale: SaleOut
