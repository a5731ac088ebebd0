"""Goods sold at the counters, their stock per point and its cost (phân phối hàng hóa).

- A ``Supplier`` sells the post its goods (``purchase``: the stock is the post's, at its
  cost) or leaves them on consignment (``consignment``: sold on its behalf, the post earning a
  commission in basis points). A ``Product`` has its code, its barcode (EAN-13 or the post's
  own), its VAT rate and one supplier; its ``Price`` (VAT included) is effective-dated per
  province.
- Stock is a list of ``StockMovement`` rows, never edited: what one point received, sent,
  sold, took back, wrote off or found at a stocktake, with the value (at average cost) that
  moved. ``StockLevel`` is the running sum per (point, product), updated in the same
  transaction as its movements with ``quantity = quantity + delta``; the database refuses a
  negative quantity (a CHECK constraint), so no sale takes stock below zero even when two
  clerks sell the last unit at once. ``stock.stock_verify`` proves the levels equal the sums.
- The provincial warehouse is a service point like the others (usually the provincial post's
  own point, or a centre without a counter); ``Warehouse`` names it, one per province. Goods
  come in there (``GoodsReceipt``) and go to the points in a ``Transfer`` (sent, then
  received by the point's clerk).
- The documents are counter operations (``counter.models.CounterOperation``): a reference
  printed on them, the idempotency key they were asked under, the point, the business day,
  who and the ledger entry. A ``Sale`` and a ``SaleReturn`` are made at a counter; a
  ``WriteOff`` and a ``Stocktake`` are asked for at a point and booked (their entry and
  movements written) when an accountant approves them.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from buudien.core.text import fold
from buudien.counter.models import CounterOperation, entry_link, person_link, point_link
from buudien.goods.choices import (
    VAT_RATES,
    ApprovalStatus,
    MovementKind,
    OrderChannel,
    OrderStatus,
    PaymentMethod,
    ProductGroup,
    SupplierMode,
    TransferStatus,
)

BASIS_POINTS = 10_000  # 100 %

supplier_code = RegexValidator(
    r"^[a-z0-9][a-z0-9_-]{0,31}$",
    _("Lowercase letters, digits, '-' and '_', at most 32 (it names the supplier's account)."),
)
tax_code_format = RegexValidator(
    r"^\d{10}(-\d{3})?$", _("A tax code is 10 digits, or 10-3 digits.")
)


class _AppendOnlyQuerySet(models.QuerySet[Any]):
    """Stock movements are never changed or deleted in bulk either."""

    def update(self, **kwargs: Any) -> int:
        raise TypeError("Stock movements are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("Stock movements are append-only.")


class Warehouse(models.Model):
    """The provincial warehouse: the service point goods are received at from suppliers and
    sent to the points from. One per province."""

    province_code = models.CharField(_("province code"), max_length=2)
    point = models.ForeignKey(
        "network.ServicePoint",
        verbose_name=_("service point"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("provincial warehouse")
        verbose_name_plural = _("provincial warehouses")
        constraints = [
            models.UniqueConstraint(fields=["province_code"], name="goods_warehouse_province")
        ]

    def __str__(self) -> str:
        return str(self.point)


class Supplier(models.Model):
    province_code = models.CharField(_("province code"), max_length=2)
    code = models.CharField(_("code"), max_length=32, validators=[supplier_code])
    name = models.CharField(_("name"), max_length=200)
    name_folded = models.CharField(max_length=200, editable=False, db_index=True)
    tax_code = models.CharField(
        _("tax code"), max_length=14, blank=True, validators=[tax_code_format]
    )
    mode = models.CharField(_("mode"), max_length=16, choices=SupplierMode)
    commission_bp = models.PositiveIntegerField(
        _("commission (basis points)"),
        default=0,
        help_text=_("For consignment: the post's share of the price, 100 = 1%."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["province_code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["province_code", "code"], name="goods_supplier_code"),
            models.CheckConstraint(
                condition=Q(commission_bp__lte=BASIS_POINTS)
                & (Q(mode=SupplierMode.CONSIGNMENT) | Q(commission_bp=0)),
                name="goods_supplier_commission",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_folded = fold(self.name)[:200]
        super().save(*args, **kwargs)

    @property
    def is_consignment(self) -> bool:
        return self.mode == SupplierMode.CONSIGNMENT


class Product(models.Model):
    province_code = models.CharField(_("province code"), max_length=2)
    code = models.CharField(_("code"), max_length=32)
    barcode = models.CharField(_("barcode"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    name_folded = models.CharField(max_length=240, editable=False, db_index=True)
    group = models.CharField(_("group"), max_length=16, choices=ProductGroup)
    unit = models.CharField(_("unit"), max_length=16, help_text=_("e.g. gói, chai, hộp, cuốn"))
    vat_rate = models.PositiveSmallIntegerField(
        _("VAT rate (%)"), choices=[(rate, f"{rate}%") for rate in VAT_RATES]
    )
    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="products"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["province_code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["province_code", "code"], name="goods_product_code"),
            models.UniqueConstraint(
                fields=["province_code", "barcode"], name="goods_product_barcode"
            ),
            models.CheckConstraint(
                condition=Q(vat_rate__in=VAT_RATES), name="goods_product_vat_rate"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_folded = fold(f"{self.name} {self.code}")[:240]
        super().save(*args, **kwargs)


class Price(models.Model):
    """The price of a product (đồng, VAT included) from ``valid_from`` until the next one."""

    province_code = models.CharField(_("province code"), max_length=2)
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="prices"
    )
    valid_from = models.DateField(_("valid from"))
    price = models.BigIntegerField(_("price incl. VAT (đồng)"))

    class Meta:
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        ordering = ["province_code", "product", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "product", "valid_from"], name="goods_price_day"
            ),
            models.CheckConstraint(condition=Q(price__gt=0), name="goods_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.product} · {self.valid_from:%d/%m/%Y}: {self.price}"


class StockLevel(models.Model):
    """What a point holds of a product: the sum of its movements, kept in step with them."""

    province_code = models.CharField(_("province code"), max_length=2)
    point = point_link(_("service point"))
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.IntegerField(_("quantity"), default=0)
    value = models.BigIntegerField(_("value at cost (đồng)"), default=0)

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        ordering = ["province_code", "point", "product"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "point", "product"], name="goods_stocklevel_key"
            ),
            # The database itself refuses stock below zero, whatever the path.
            models.CheckConstraint(
                condition=Q(quantity__gte=0) & Q(value__gte=0), name="goods_stocklevel_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.point_id} · {self.product_id}: {self.quantity}"


class StockMovement(models.Model):
    """One change of a point's stock of a product: signed quantity and value (đồng at cost),
    the document it belongs to (``reference``). Never edited."""

    province_code = models.CharField(_("province code"), max_length=2)
    point = point_link(_("service point"))
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MovementKind)
    quantity = models.IntegerField(_("quantity"))
    unit_cost = models.BigIntegerField(_("unit cost (đồng)"), default=0)
    value = models.BigIntegerField(_("value at cost (đồng)"), default=0)
    reference = models.CharField(_("document"), max_length=24)
    business_date = models.DateField(_("business day"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = person_link(_("by"))

    objects = _AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["province_code", "point", "product"]),
            models.Index(fields=["province_code", "reference"]),
            models.Index(fields=["province_code", "business_date"]),
            # The last sale per (point, product) for slow-moving stock: an index-only
            # GROUP BY (``figures.slow_moving``).
            models.Index(
                fields=["province_code", "kind", "point", "product", "business_date"],
                name="goods_movement_last_sale",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="goods_movement_not_zero")
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.product_id}: {self.quantity:+d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("Stock movements are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("Stock movements are append-only.")


class _Line(models.Model):
    province_code = models.CharField(_("province code"), max_length=2)
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        abstract = True
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.product_id} × {self.quantity}"


class GoodsReceipt(CounterOperation):
    """Goods received from a supplier at the provincial warehouse (phiếu nhập kho). Bought
    goods owe the supplier their cost (``331.<supplier>``); consigned ones move no money."""

    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="receipts"
    )
    supplier_document = models.CharField(_("supplier's invoice"), max_length=40, blank=True)
    total = models.BigIntegerField(_("value at cost (đồng)"), default=0)

    class Meta(CounterOperation.Meta):
        verbose_name = _("goods receipt")
        verbose_name_plural = _("goods receipts")


class GoodsReceiptLine(_Line):
    receipt = models.ForeignKey(GoodsReceipt, on_delete=models.CASCADE, related_name="lines")
    unit_cost = models.BigIntegerField(_("unit cost (đồng)"))
    value = models.BigIntegerField(_("value (đồng)"))

    class Meta(_Line.Meta):
        verbose_name = _("goods receipt line")
        verbose_name_plural = _("goods receipt lines")


class Transfer(CounterOperation):
    """Goods sent from the warehouse (``point``) to a point (``to_point``), with a delivery
    note (phiếu xuất kho kiêm vận chuyển nội bộ); received once, by the point's clerk."""

    to_point = point_link(_("to the point"))
    status = models.CharField(_("status"), max_length=16, choices=TransferStatus)
    total = models.BigIntegerField(_("value at cost (đồng)"), default=0)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = person_link(_("received by"))
    received_entry = entry_link(_("ledger entry of the receipt"))

    class Meta(CounterOperation.Meta):
        verbose_name = pgettext_lazy("goods", "transfer")
        verbose_name_plural = pgettext_lazy("goods", "transfers")


class TransferLine(_Line):
    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="lines")
    unit_cost = models.BigIntegerField(_("unit cost (đồng)"))
    value = models.BigIntegerField(_("value (đồng)"))

    class Meta(_Line.Meta):
        verbose_name = _("transfer line")
        verbose_name_plural = _("transfer lines")


class Sale(CounterOperation):
    """Goods sold at a counter: one ledger entry for the money, the VAT, the supplier's share
    of consigned goods and the cost of the goods sold; the buyer's data when a VAT invoice is
    asked for."""

    payment_method = models.CharField(_("payment"), max_length=8, choices=PaymentMethod)
    total = models.BigIntegerField(_("total incl. VAT (đồng)"))
    vat = models.BigIntegerField(_("VAT (đồng)"), default=0)
    revenue = models.BigIntegerField(_("revenue (đồng)"), default=0)
    supplier_share = models.BigIntegerField(_("owed to consignors (đồng)"), default=0)
    cost = models.BigIntegerField(_("cost of the goods (đồng)"), default=0)
    buyer_tax_code = models.CharField(_("buyer's tax code"), max_length=14, blank=True)
    buyer_name = models.CharField(_("buyer's name"), max_length=200, blank=True)
    buyer_address = models.CharField(_("buyer's address"), max_length=300, blank=True)

    class Meta(CounterOperation.Meta):
        verbose_name = _("sale")
        verbose_name_plural = _("sales")
        indexes = [models.Index(fields=["province_code", "business_date"])]


class SaleLine(_Line):
    """One product of a sale. ``returned`` counts the units brought back since (claimed with
    a conditional UPDATE, never above ``quantity``)."""

    sale = models.ForeignKey(Sale, on_delete=models.CASCADE, related_name="lines")
    unit_price = models.BigIntegerField(_("unit price incl. VAT (đồng)"))
    vat_rate = models.PositiveSmallIntegerField(_("VAT rate (%)"))
    line_total = models.BigIntegerField(_("line total (đồng)"))
    vat = models.BigIntegerField(_("VAT (đồng)"), default=0)
    commission = models.BigIntegerField(_("commission (đồng)"), default=0)
    supplier_share = models.BigIntegerField(_("owed to the consignor (đồng)"), default=0)
    cost = models.BigIntegerField(_("cost (đồng)"), default=0)
    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="+"
    )
    consignment = models.BooleanField(_("consigned"), default=False)
    returned = models.PositiveIntegerField(_("returned"), default=0)

    class Meta(_Line.Meta):
        verbose_name = _("sale line")
        verbose_name_plural = _("sale lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(returned__lte=models.F("quantity")), name="goods_saleline_returned"
            )
        ]


class GoodsOrder(models.Model):
    """Goods ordered at the counter or by phone and sent to the buyer by parcel, cash on
    delivery: the sale (paid into what the buyer owes, ``131.orders``), the parcel accepted
    through mail with the goods and the carriage as its COD, and what became of it. The
    order's number is its sale's."""

    province_code = models.CharField(_("province code"), max_length=2)
    sale = models.OneToOneField(
        Sale, verbose_name=_("sale"), on_delete=models.PROTECT, related_name="order"
    )
    item = models.OneToOneField(
        "mail.PostalItem",
        verbose_name=_("parcel"),
        on_delete=models.PROTECT,
        related_name="goods_order",
    )
    channel = models.CharField(
        pgettext_lazy("goods order", "ordered"), max_length=8, choices=OrderChannel
    )
    buyer_name = models.CharField(_("buyer's name"), max_length=200)
    buyer_phone = models.CharField(_("buyer's phone"), max_length=20)
    buyer_address = models.CharField(_("buyer's address"), max_length=300)
    buyer_commune = models.ForeignKey(
        "network.AdminArea",
        verbose_name=_("buyer's commune"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    carriage = models.BigIntegerField(_("carriage incl. VAT (đồng)"))
    cod_amount = models.BigIntegerField(_("to collect on delivery (đồng)"))
    status = models.CharField(
        _("status"), max_length=8, choices=OrderStatus, default=OrderStatus.SENT
    )
    paid_at = models.DateTimeField(_("paid on delivery at"), null=True, blank=True)
    sale_return = models.OneToOneField(
        "SaleReturn",
        verbose_name=_("checked back in"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("goods order")
        verbose_name_plural = _("goods orders")
        ordering = ["-sale_id"]
        indexes = [models.Index(fields=["province_code", "status"])]

    def __str__(self) -> str:
        return f"{self.sale.reference} → {self.buyer_name}"


class SaleReturn(CounterOperation):
    """Goods a customer brings back, by the sale's number: the money back, the revenue, VAT
    and the consignor's share reversed in proportion, the goods back in stock at the sale's
    cost."""

    sale = models.ForeignKey(
        Sale, verbose_name=_("sale"), on_delete=models.PROTECT, related_name="returns"
    )
    reason = models.CharField(_("reason"), max_length=300)
    total = models.BigIntegerField(_("paid back (đồng)"))
    vat = models.BigIntegerField(_("VAT (đồng)"), default=0)
    cost = models.BigIntegerField(_("cost of the goods (đồng)"), default=0)

    class Meta(CounterOperation.Meta):
        verbose_name = _("sale return")
        verbose_name_plural = _("sale returns")


class SaleReturnLine(models.Model):
    province_code = models.CharField(_("province code"), max_length=2)
    sale_return = models.ForeignKey(SaleReturn, on_delete=models.CASCADE, related_name="lines")
    sale_line = models.ForeignKey(
        SaleLine, verbose_name=_("sale line"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    amount = models.BigIntegerField(_("paid back (đồng)"))
    vat = models.BigIntegerField(_("VAT (đồng)"), default=0)
    commission = models.BigIntegerField(_("commission (đồng)"), default=0)
    supplier_share = models.BigIntegerField(_("owed to the consignor (đồng)"), default=0)
    cost = models.BigIntegerField(_("cost (đồng)"), default=0)

    class Meta:
        verbose_name = _("sale return line")
        verbose_name_plural = _("sale return lines")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.sale_line_id} × {self.quantity}"


class _Approved(CounterOperation):
    """Asked for at a point, booked when an accountant approves (``entry`` then)."""

    status = models.CharField(_("status"), max_length=16, choices=ApprovalStatus)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = person_link(_("approved by"))
    total = models.BigIntegerField(_("value at cost (đồng)"), default=0)

    class Meta(CounterOperation.Meta):
        abstract = True


class WriteOff(_Approved):
    """Goods written off (damaged, expired, lost) with the reason (biên bản hủy hàng)."""

    reason = models.CharField(_("reason"), max_length=300)

    class Meta(_Approved.Meta):
        verbose_name = _("write-off")
        verbose_name_plural = _("write-offs")


class WriteOffLine(_Line):
    write_off = models.ForeignKey(WriteOff, on_delete=models.CASCADE, related_name="lines")
    value = models.BigIntegerField(_("value at cost (đồng)"), default=0)

    class Meta(_Line.Meta):
        verbose_name = _("write-off line")
        verbose_name_plural = _("write-off lines")


class Stocktake(_Approved):
    """The goods counted at a point (biên bản kiểm kê): each product's count against the
    stock the point held when it was submitted; the differences are booked on approval."""

    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta(_Approved.Meta):
        verbose_name = _("stocktake")
        verbose_name_plural = _("stocktakes")


class StocktakeLine(models.Model):
    province_code = models.CharField(_("province code"), max_length=2)
    stocktake = models.ForeignKey(Stocktake, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    expected = models.IntegerField(_("in stock"))
    counted = models.PositiveIntegerField(_("counted"))
    value = models.BigIntegerField(_("value of the difference (đồng)"), default=0)

    class Meta:
        verbose_name = _("stocktake line")
        verbose_name_plural = _("stocktake lines")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.counted} / {self.expected}"

    @property
    def difference(self) -> int:
        return self.counted - self.expected


class GoodsRollup(models.Model):
    """One (province, business day, point, product group, supplier mode): the sales made
    that day at the point and the returns taken back, each with its units, the money taken
    (VAT included), the revenue net of VAT (of consigned goods: the commission), the VAT
    and the cost of the goods (0 for consigned goods). A sale (a return) counts in
    ``sales`` (``returns``) once in every group and mode it has lines of, and in
    ``sales_once`` (``returns_once``) once in all, under its first group and mode: the
    totals add those. Kept by ``services.sale_make`` and
    ``services.sale_return`` in their transaction (``goods.rollup``); the figures read it,
    never the sales."""

    province_code = models.CharField(_("province code"), max_length=2)
    day = models.DateField(_("day"))
    point = point_link(_("service point"))
    group = models.CharField(_("group"), max_length=16, choices=ProductGroup)
    mode = models.CharField(_("mode"), max_length=16, choices=SupplierMode)
    sales = models.PositiveIntegerField(_("sales"), default=0)
    units = models.BigIntegerField(_("units sold"), default=0)
    amount = models.BigIntegerField(_("taken incl. VAT (đồng)"), default=0)
    revenue = models.BigIntegerField(_("revenue (đồng)"), default=0)
    vat = models.BigIntegerField(_("VAT (đồng)"), default=0)
    cost = models.BigIntegerField(_("cost of the goods (đồng)"), default=0)
    returns = models.PositiveIntegerField(_("returns"), default=0)
    units_returned = models.BigIntegerField(_("units returned"), default=0)
    amount_returned = models.BigIntegerField(_("paid back (đồng)"), default=0)
    revenue_returned = models.BigIntegerField(_("revenue returned (đồng)"), default=0)
    vat_returned = models.BigIntegerField(_("VAT returned (đồng)"), default=0)
    cost_returned = models.BigIntegerField(_("cost returned (đồng)"), default=0)
    sales_once = models.PositiveIntegerField(_("sales, each once"), default=0)
    returns_once = models.PositiveIntegerField(_("returns, each once"), default=0)

    class Meta:
        verbose_name = _("goods rollup")
        verbose_name_plural = _("goods rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "day", "point", "group", "mode"],
                name="goods_rollup_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.province_code} {self.day:%d/%m/%Y} {self.point_id} {self.group}"
