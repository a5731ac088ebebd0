"""The reads of goods: products found by barcode or by name without diacritics, the stock of
a point with its value, a sale or another document by its number. A user sees the documents
and the stock of the points in their scope; elsewhere "not found"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from buudien.core.errors import NotFound
from buudien.core.text import fold
from buudien.goods.barcodes import barcode_clean
from buudien.goods.catalogue import code_clean, is_warehouse, prices_on
from buudien.goods.choices import ApprovalStatus
from buudien.goods.models import (
    Product,
    Sale,
    StockLevel,
    Stocktake,
    Transfer,
    Warehouse,
    WriteOff,
)
from buudien.network.choices import PointKind
from buudien.network.models import ServicePoint
from buudien.people import access
from buudien.people.choices import Role

SEARCH_LIMIT = 50


@dataclass(frozen=True, slots=True)
class Found:
    product: Product
    price: int | None  # on the day asked; None when it has none


def product_search(
    *, province_code: str, q: str, day: dt.date, limit: int = SEARCH_LIMIT
) -> list[Found]:
    """Active products of the province whose barcode or code is ``q``, or whose name holds
    ``q`` typed with or without its diacritics; with their price on ``day``."""
    text = " ".join("".join(ch for ch in str(q or "") if ch.isprintable()).split())[:60]
    rows = Product.objects.select_related("supplier").filter(
        province_code=province_code, is_active=True
    )
    if text:
        exact = Q(barcode=text.upper()) | Q(code=text)
        rows = rows.filter(exact | Q(name_folded__contains=fold(text)))
    found = list(rows.order_by("name_folded", "pk")[: max(1, min(limit, SEARCH_LIMIT))])
    prices = prices_on(province_code, found, day)
    return [Found(product, prices.get(product.pk)) for product in found]


def product_by_barcode(*, province_code: str, barcode: str, day: dt.date) -> Found:
    """The product a scanner read (its barcode, or the product code); "not found" for a code
    unknown or misread (a wrong EAN-13 check digit says so)."""
    text = code_clean(barcode)
    product = (
        Product.objects.select_related("supplier")
        .filter(Q(barcode=text.upper()) | Q(code=text), province_code=province_code)
        .first()
    )
    if product is None:
        if text.isascii() and text.isdigit():
            barcode_clean(text)  # a misread EAN-13 is told as such
        raise NotFound(_("No product with the code %(code)s.") % {"code": text}, field="code")
    price = prices_on(province_code, [product], day).get(product.pk)
    return Found(product, price)


def point_visible(*, user: Any, code: str) -> ServicePoint:
    point = ServicePoint.objects.filter(code=code_clean(code, 16)).first()
    if point is None or not access.in_scope(user, point.unit_path):
        raise NotFound(_("No such service point."), field="point")
    return point


def stock_at(*, point: ServicePoint, with_empty: bool = False) -> QuerySet[StockLevel]:
    """What ``point`` holds, per product, with its value at cost."""
    rows = StockLevel.objects.select_related("product").filter(
        province_code=point.province_code, point=point
    )
    if not with_empty:
        rows = rows.filter(quantity__gt=0)
    return rows.order_by("product__name_folded", "product_id")


def _visible[M: (Sale, Transfer, WriteOff, Stocktake)](
    model: type[M], user: Any, number: str, *extra: str
) -> M:
    code = code_clean(number, 24).upper()
    row = model.objects.select_related("point", *extra).filter(reference=code).first()
    if row is None:
        raise NotFound(_("No such document."))
    paths = [row.point.unit_path]
    if isinstance(row, Transfer):
        paths.append(row.to_point.unit_path)
    if not any(access.in_scope(user, path) for path in paths):
        raise NotFound(_("No such document."))
    return row


def sale_get(*, user: Any, number: str) -> Sale:
    """A sale of a point in ``user``'s scope, by the number on its receipt."""
    return _visible(Sale, user, number, "created_by")


def transfer_get(*, user: Any, number: str) -> Transfer:
    """A transfer whose sending or receiving point is in ``user``'s scope."""
    return _visible(Transfer, user, number, "to_point")


def write_off_get(*, user: Any, number: str) -> WriteOff:
    return _visible(WriteOff, user, number)


def stocktake_get(*, user: Any, number: str) -> Stocktake:
    return _visible(Stocktake, user, number)


def stock_search(*, point: ServicePoint, q: str = "") -> QuerySet[StockLevel]:
    """What ``point`` holds, narrowed to the products whose barcode or code is ``q`` or whose
    name holds it typed with or without diacritics."""
    rows = stock_at(point=point)
    text = " ".join("".join(ch for ch in str(q or "") if ch.isprintable()).split())[:60]
    if text:
        rows = rows.filter(
            Q(product__barcode=text.upper())
            | Q(product__code=text)
            | Q(product__name_folded__contains=fold(text))
        )
    return rows


def transfers_visible(*, user: Any) -> QuerySet[Transfer]:
    """Transfers whose sending or receiving point is in ``user``'s scope, newest first."""
    return (
        Transfer.objects.select_related("point", "to_point", "created_by", "received_by")
        .filter(
            access.scope_q(user, "point__unit_path") | access.scope_q(user, "to_point__unit_path")
        )
        .order_by("-created_at", "-id")
    )


def pending_approval[M: (WriteOff, Stocktake)](*, user: Any, model: type[M]) -> QuerySet[M]:
    """Write-offs or stocktakes of the points in ``user``'s scope awaiting approval."""
    return (
        model.objects.select_related("point", "created_by")
        .filter(access.scope_q(user, "point__unit_path"), status=ApprovalStatus.REQUESTED)
        .order_by("created_at", "id")
    )


SELLERS = frozenset({Role.CLERK, Role.ADMIN})


def can_sell(user: Any) -> bool:
    """A clerk at a counter, or an administrator, sells and takes goods back; a clerk whose
    point has no counter (a provincial warehouse that is only a store) does not."""
    if not access.has_role(user, SELLERS):
        return False
    point = getattr(user, "point", None)
    if point is None or access.has_role(user, frozenset({Role.ADMIN})):
        return True
    return bool(point.kind in PointKind.with_counter())


READERS = frozenset({Role.CLERK, Role.ADMIN, Role.ACCOUNTANT, Role.DIRECTOR, Role.AUDITOR})


def can_read(user: Any) -> bool:
    """Who reads the stock, the sales and the figures of goods."""
    return access.has_role(user, READERS)


_province_of = access.user_province


def warehouse_for(*, user: Any) -> ServicePoint | None:
    """The provincial warehouse ``user`` may move stock at, or None."""
    point = getattr(user, "point", None)
    if point is not None and access.has_role(user, frozenset({Role.CLERK})):
        return point if is_warehouse(point) else None
    if not access.has_role(user, frozenset({Role.ACCOUNTANT, Role.ADMIN})):
        return None
    found = (
        Warehouse.objects.select_related("point").filter(province_code=_province_of(user)).first()
    )
    if found is None or not access.in_scope(user, found.point.unit_path):
        return None
    return found.point
