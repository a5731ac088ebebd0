"""The lines editor of the goods pages: the lines of a document as the page holds them
(parallel lists ``code``, ``quantity``, ``unit_cost``), what each product is, costs and holds,
a scanned code added (its quantity raised when it is there already), and the refusals of a
service put back next to the line they name (``lines.<n>.<field>``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from buudien.core.errors import DomainError
from buudien.core.money import vnd_parse
from buudien.goods.catalogue import MAX_LINES, code_clean, prices_on, products_by_code
from buudien.goods.models import Product, StockLevel
from buudien.network.models import ServicePoint

SALE, RECEIPT, TRANSFER, WRITE_OFF, STOCKTAKE = (
    "sale",
    "receipt",
    "transfer",
    "write_off",
    "stocktake",
)
KINDS = (SALE, RECEIPT, TRANSFER, WRITE_OFF, STOCKTAKE)


@dataclass
class Row:
    """One line as the page holds it: the code and the numbers as typed."""

    index: int
    code: str
    quantity: str = ""
    unit_cost: str = ""
    product: Product | None = None
    price: int | None = None
    held: int | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def count(self) -> int | None:
        return whole(self.quantity)

    @property
    def cost(self) -> int | None:
        try:
            return vnd_parse(self.unit_cost) if self.unit_cost.strip() else None
        except ValueError:
            return None

    @property
    def total(self) -> int | None:
        """The line's money: price × quantity (a sale), unit cost × quantity (a receipt)."""
        count = self.count
        unit = self.price if self.price is not None else self.cost
        return unit * count if unit is not None and count is not None else None

    @property
    def difference(self) -> int | None:
        count = self.count
        return count - (self.held or 0) if count is not None else None

    @property
    def short(self) -> bool:
        count = self.count
        return self.held is not None and count is not None and count > self.held


def whole(text: str) -> int | None:
    """A whole number as typed (``12``, ``1.000``), or None."""
    digits = "".join(str(text or "").split()).replace(".", "")
    return int(digits) if digits.isascii() and digits.isdigit() and len(digits) <= 9 else None


def rows_from(data: Any) -> list[Row]:
    """The lines the page sent (a QueryDict): at most one more than a document takes, so
    that the service says how many it takes."""
    codes = data.getlist("code")[: MAX_LINES + 1]
    quantities = data.getlist("quantity")
    costs = data.getlist("unit_cost")

    def at(values: list[str], index: int, limit: int) -> str:
        return str(values[index])[:limit] if index < len(values) else ""

    return [
        Row(index, code_clean(code), at(quantities, index, 12), at(costs, index, 24))
        for index, code in enumerate(codes)
    ]


def rows_fill(
    rows: list[Row], *, province: str, point: ServicePoint | None, day: dt.date, kind: str
) -> list[Row]:
    """Each row's product, its price on ``day`` (a sale) and what ``point`` holds of it."""
    products = products_by_code(province, [row.code for row in rows])
    for row in rows:
        row.product = products.get(row.code)
    found = [row.product for row in rows if row.product is not None]
    prices = prices_on(province, found, day) if kind == SALE else {}
    held: dict[int, int] = {}
    if point is not None and found:
        held = dict(
            StockLevel.objects.filter(
                province_code=province, point=point, product_id__in=[p.pk for p in found]
            ).values_list("product_id", "quantity")
        )
    for row in rows:
        if row.product is not None:
            row.price = prices.get(row.product.pk)
            if point is not None and kind != RECEIPT:
                row.held = held.get(row.product.pk, 0)
    return rows


def row_add(rows: list[Row], product: Product, kind: str) -> None:
    """``product`` scanned once more: one unit more on its line, else a new line."""
    for row in rows:
        if row.product is not None and row.product.pk == product.pk:
            row.quantity = str((row.count or 0) + 1)
            return
    rows.append(Row(len(rows), product.barcode or product.code, "1"))


def rows_drop(rows: list[Row], index: Any) -> list[Row]:
    kept = [row for row in rows if str(row.index) != str(index)]
    for number, row in enumerate(kept):
        row.index = number
    return kept


def service_lines(rows: list[Row], kind: str) -> list[dict[str, Any]]:
    """The lines as the service takes them. A number that is none goes as typed, so that
    the service names the line (its words replaced by ``errors_place``)."""
    name = "counted" if kind == STOCKTAKE else "quantity"
    lines = []
    for row in rows:
        count = row.count
        line: dict[str, Any] = {"code": row.code, name: count if count is not None else None}
        if kind == RECEIPT:
            line["unit_cost"] = row.cost if row.cost is not None else (row.unit_cost or None)
        lines.append(line)
    return lines


def errors_place(form: forms.Form, rows: list[Row], exc: DomainError) -> list[str]:
    """Put a service's refusal on the page: a line's problem on its line, a field's next to
    it; returns the problems of the lines as a whole."""
    found = exc.errors if isinstance(exc.errors, dict) else {exc.field or "": [str(exc.message)]}
    general: list[str] = []
    for key, problems in found.items():
        parts = str(key).split(".")
        if parts[0] == "lines" and len(parts) >= 2 and parts[1].isdigit():
            index = int(parts[1])
            if index < len(rows):
                row = rows[index]
                if len(parts) > 2 and parts[2] in ("quantity", "counted") and row.count is None:
                    problems = [
                        _("Give the quantity.")
                        if not row.quantity.strip()
                        else _("Write a whole number, e.g. 12.")
                    ]
                elif len(parts) > 2 and parts[2] == "unit_cost" and row.cost is None:
                    problems = [_("Write an amount in đồng, e.g. 1.500.000.")]
                row.errors.extend(str(p) for p in problems)
                continue
        if parts[0] == "lines":
            general.extend(str(p) for p in problems)
        elif key in form.fields:
            for problem in problems:
                form.add_error(str(key), str(problem))
        else:
            for problem in problems:
                form.add_error(None, str(problem))
    return general
