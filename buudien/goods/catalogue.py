"""What the goods services share: the warehouse, who may act where, the lines of a document
as a person gives them (a barcode or a product code and a quantity), prices in force, and the
gathering of every problem of a request into one refusal.

Who may act (there is no warehouse role; none is added):

- at the provincial warehouse (receipts from suppliers, transfers out, its write-offs and
  stocktakes): a clerk whose own point is the warehouse (the warehouse keeper), or an
  accountant or an administrator whose scope holds it;
- at a point (sales, returns, receiving a transfer, its write-offs and stocktakes): its own
  clerk, or an administrator of its scope (the counter's rule, ``counter.desk``);
- approving a write-off or a stocktake: an accountant whose scope holds the point, never the
  person who asked for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.counter.desk import Desk, moment_of
from buudien.counter.problems import Problems
from buudien.goods.barcodes import barcode_clean
from buudien.goods.models import Price, Product, Supplier, Warehouse
from buudien.network.models import ServicePoint
from buudien.people import access
from buudien.people.choices import Role

APP = "goods"
MAX_LINES = 100
MAX_QUANTITY = 100_000
MAX_UNIT_COST = 10**9
WAREHOUSE_ROLES = frozenset({Role.ACCOUNTANT, Role.ADMIN})
APPROVER_ROLES = frozenset({Role.ACCOUNTANT})


def supplier_partner(supplier: Supplier) -> str:
    """The ledger partner of a consignor: its share is owed on ``3388.partner.ncc-<code>``."""
    return f"ncc-{supplier.code}"[:32]


# --- the warehouse and who may act where -----------------------------------------------------


def warehouse_of(province_code: str) -> ServicePoint:
    found = Warehouse.objects.select_related("point").filter(province_code=province_code).first()
    if found is None:
        raise DomainError(
            _("Province %(province)s has no provincial warehouse set up.")
            % {"province": province_code},
            field="point",
        )
    return found.point


def is_warehouse(point: ServicePoint) -> bool:
    return Warehouse.objects.filter(province_code=point.province_code, point=point).exists()


def check_warehouse_staff(actor: Any, point: ServicePoint) -> None:
    """``actor`` may move stock at the warehouse ``point`` (see the module)."""
    if not access.in_scope(actor, point.unit_path):
        raise NotFound(_("No such service point."), field="point")
    if access.has_role(actor, WAREHOUSE_ROLES):
        return
    if access.has_role(actor, frozenset({Role.CLERK})) and actor.point_id == point.pk:
        return
    raise AccessDenied(
        _("Only the warehouse's own staff, an accountant or an administrator move its stock.")
    )


def warehouse_desk(actor: Any, point: ServicePoint, at: dt.datetime | None) -> Desk:
    """The desk at the provincial warehouse ``point``, once ``actor`` may work there."""
    if not is_warehouse(point):
        raise DomainError(
            _("%(point)s is not the provincial warehouse.") % {"point": point}, field="point"
        )
    check_warehouse_staff(actor, point)
    return Desk.at_point(actor=actor, point=point, app=APP, at=at)


def point_desk(actor: Any, point: ServicePoint, at: dt.datetime | None) -> Desk:
    """The desk at ``point``: the warehouse's rules there, the counter's elsewhere."""
    if is_warehouse(point):
        return warehouse_desk(actor, point, at)
    return counter_desk(actor, point, at)


def counter_desk(actor: Any, point: ServicePoint, at: dt.datetime | None) -> Desk:
    """The desk of a sale or a return: a clerk at their own point."""
    return Desk.open(
        actor=actor,
        point=point,
        app=APP,
        at=at,
        elsewhere=_("You handle goods at your own service point only."),
    )


def check_approver(actor: Any, point: ServicePoint, asked_by: int | None) -> None:
    """``actor`` may approve what was asked for at ``point`` by the user ``asked_by``."""
    if not access.in_scope(actor, point.unit_path):
        raise NotFound(_("No such document."))
    if not access.has_role(actor, APPROVER_ROLES):
        raise AccessDenied(_("Only an accountant approves write-offs and stocktakes."))
    if asked_by is not None and actor.pk == asked_by:
        raise AccessDenied(_("It must be approved by someone other than the person who asked."))


def day_of(at: dt.datetime | None) -> dt.date:
    return moment_of(at)[1]


# --- lines -----------------------------------------------------------------------------------


@dataclass(slots=True)
class Line:
    """One product of a document as asked: where it was in the request, how many."""

    index: int
    product: Product
    quantity: int
    given: Mapping[str, Any]


def whole_number(
    value: Any, *, field: str, label: str, low: int = 1, high: int = MAX_QUANTITY
) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(
            _("%(label)s is a whole number, not %(value)r.") % {"label": label, "value": value},
            field=field,
        )
    if not low <= value <= high:
        raise DomainError(
            _("%(label)s must be between %(low)s and %(high)s.")
            % {"label": label, "low": low, "high": high},
            field=field,
        )
    return value


def code_clean(value: Any, limit: int = 32) -> str:
    """A code as typed or scanned: no spaces and nothing unprintable (a NUL never reaches the
    database), at most ``limit`` characters."""
    return "".join(ch for ch in str(value or "") if ch.isprintable() and not ch.isspace())[:limit]


def _code_of(given: Any) -> str:
    return code_clean(given)


def products_by_code(province_code: str, codes: Sequence[str]) -> dict[str, Product]:
    """The province's products found by barcode (as scanned) or by product code."""
    wanted = [code for code in dict.fromkeys(codes) if code]
    if not wanted:
        return {}
    rows = Product.objects.select_related("supplier").filter(
        Q(barcode__in=[code.upper() for code in wanted]) | Q(code__in=wanted),
        province_code=province_code,
    )
    found: dict[str, Product] = {}
    for product in rows:
        found.setdefault(product.barcode, product)
        found.setdefault(product.code, product)
    out = {}
    for code in wanted:
        match = found.get(code) or found.get(code.upper())
        if match is not None:
            out[code] = match
    return out


def lines_clean(
    problems: Problems,
    province_code: str,
    lines: Any,
    *,
    quantity_field: str = "quantity",
    low: int = 1,
) -> list[Line]:
    """The lines of a request, each a product found by ``code`` (barcode or product code)
    and an active one, with a whole ``quantity_field``; one line per product (a product
    given twice has its quantities added). Every problem is added to ``problems``."""
    if (
        not isinstance(lines, Sequence)
        or isinstance(lines, str)
        or not 1 <= len(lines) <= MAX_LINES
    ):
        problems.add("lines", _("Give 1 to %(max)s lines.") % {"max": MAX_LINES})
        return []
    codes = [_code_of(line.get("code")) if isinstance(line, Mapping) else "" for line in lines]
    products = products_by_code(province_code, codes)
    merged: dict[int, Line] = {}
    for index, line in enumerate(lines):
        if not isinstance(line, Mapping):
            problems.add(f"lines.{index}", _('A line is {"code": ..., "quantity": ...}.'))
            continue
        code = codes[index]
        quantity = problems.check(
            whole_number,
            line.get(quantity_field),
            field=f"lines.{index}.{quantity_field}",
            label=_("The quantity"),
            low=low,
        )
        product = products.get(code)
        if not code:
            problems.add(f"lines.{index}.code", _("Give a barcode or a product code."))
            continue
        if product is None:
            field = f"lines.{index}.code"
            if code.isascii() and code.isdigit():  # a misread EAN-13 says so
                problems.check(barcode_clean, code, field=field)
            if field not in problems.found:
                problems.add(field, _("No product with the code %(code)s.") % {"code": code})
            continue
        if not product.is_active:
            problems.add(
                f"lines.{index}.code",
                _("%(product)s is no longer sold.") % {"product": product.name},
            )
            continue
        if quantity is None:
            continue
        if product.pk in merged:
            merged[product.pk].quantity += quantity
        else:
            merged[product.pk] = Line(index, product, quantity, line)
    return list(merged.values())


# --- prices ----------------------------------------------------------------------------------


def prices_on(province_code: str, products: Sequence[Product], day: dt.date) -> dict[int, int]:
    """The price in force on ``day`` of each product that has one (the latest from that day
    or before), by product id."""
    rows = (
        Price.objects.filter(
            province_code=province_code,
            product_id__in=[product.pk for product in products],
            valid_from__lte=day,
        )
        .order_by("product_id", "-valid_from")
        .values_list("product_id", "price")
    )
    found: dict[int, int] = {}
    for product_id, price in rows:
        found.setdefault(product_id, price)
    return found


def price_on(product: Product, day: dt.date) -> int:
    """The price of ``product`` on ``day``; refused when it has none for the day."""
    found = prices_on(product.province_code, [product], day).get(product.pk)
    if found is None:
        raise DomainError(no_price(product, day), field="code")
    return found


def no_price(product: Product, day: dt.date) -> str:
    return _("%(product)s has no price on %(day)s.") % {
        "product": product.name,
        "day": f"{day:%d/%m/%Y}",
    }
