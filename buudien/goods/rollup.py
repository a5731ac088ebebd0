"""Keeping the goods rollup (``GoodsRollup``) up to date, and rebuilding it.

``rollup_sale`` counts a sale just made (``services.sale_make``) and ``rollup_return`` a
return just taken back (``services.sale_return``), on their business day and point, per
product group and supplier mode: each is ONE ``INSERT ... ON CONFLICT DO UPDATE`` that adds
the figures, in the caller's transaction, on both databases.

``goods_rollup_rebuild`` recomputes the rows from the sales and returns (two GROUP BY
queries): after an import, or to check that the incremental path agrees (the tests do).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Sum

from buudien.goods.choices import SupplierMode
from buudien.goods.models import GoodsRollup, Sale, SaleLine, SaleReturn, SaleReturnLine

TABLE = GoodsRollup._meta.db_table
_CHUNK = 500
SOLD = ("sales", "units", "amount", "revenue", "vat", "cost")
RETURNED = (
    "returns",
    "units_returned",
    "amount_returned",
    "revenue_returned",
    "vat_returned",
    "cost_returned",
)
ONCE = ("sales_once", "returns_once")
COUNTERS = (*SOLD, *RETURNED, *ONCE)
SALES_ONCE, RETURNS_ONCE = COUNTERS.index("sales_once"), COUNTERS.index("returns_once")
# (province_code, day, point_id, group, mode) -> the fourteen counters
Key = tuple[str, dt.date, int, str, str]
Counts = dict[Key, list[int]]


def _counts() -> Counts:
    return defaultdict(lambda: [0] * len(COUNTERS))


def mode_of(consignment: bool) -> str:
    return SupplierMode.CONSIGNMENT if consignment else SupplierMode.PURCHASE


def rollup_sale(sale: Sale, lines: Iterable[SaleLine]) -> None:
    """Count ``sale``, just made, with its ``lines`` (their products loaded)."""
    rollup_sales([(sale, lines)])


def rollup_sales(sales: Iterable[tuple[Sale, Iterable[SaleLine]]]) -> None:
    """Count the sales of a list, just made, each with its lines: one upsert for them all."""
    counts = _counts()
    for sale, lines in sales:
        _count_sale(counts, sale, lines)
    _upsert(counts)


def _count_sale(into: Counts, sale: Sale, lines: Iterable[SaleLine]) -> None:
    counts = _counts()
    for line in lines:
        key = (
            sale.province_code,
            sale.business_date,
            sale.point_id,
            line.product.group,
            mode_of(line.consignment),
        )
        entry = counts[key]
        entry[0] = 1  # the sale counts once per group and mode
        entry[1] += line.quantity
        entry[2] += line.line_total
        entry[3] += line.line_total - line.vat - line.supplier_share
        entry[4] += line.vat
        entry[5] += line.cost
    if counts:
        counts[min(counts)][SALES_ONCE] = 1  # the whole sale, once, under its first key
    for key, values in counts.items():
        into[key] = [a + b for a, b in zip(into[key], values, strict=True)]


def rollup_return(back: SaleReturn, lines: Iterable[tuple[SaleReturnLine, str, bool]]) -> None:
    """Count ``back``, a return just taken, with its lines, each with the product's group
    and whether it was consigned."""
    counts = _counts()
    for line, group, consignment in lines:
        key = (back.province_code, back.business_date, back.point_id, group, mode_of(consignment))
        entry = counts[key]
        entry[6] = 1
        entry[7] += line.quantity
        entry[8] += line.amount
        entry[9] += line.amount - line.vat - line.supplier_share
        entry[10] += line.vat
        entry[11] += line.cost
    if counts:
        counts[min(counts)][RETURNS_ONCE] = 1
    _upsert(counts)


def _upsert(counts: Counts) -> None:
    """Add the counts to the rollup: one INSERT ... ON CONFLICT DO UPDATE."""
    if not counts:
        return
    sqlite = connection.vendor != "postgresql"
    rows = sorted(counts.items())
    keys = 'province_code, day, point_id, "group", mode'
    added = ", ".join(f"{name} = {TABLE}.{name} + excluded.{name}" for name in COUNTERS)
    marks = "(" + ", ".join(["%s"] * (5 + len(COUNTERS))) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start : start + _CHUNK]
            params: list[Any] = []
            for (province, day, point, group, mode), values in chunk:
                params += [province, day.isoformat() if sqlite else day, point, group, mode]
                params += values
            cursor.execute(
                f"INSERT INTO {TABLE} ({keys}, {', '.join(COUNTERS)}) "
                f"VALUES {', '.join([marks] * len(chunk))} "
                f"ON CONFLICT ({keys}) DO UPDATE SET {added}",
                params,
            )


@transaction.atomic
def goods_rollup_rebuild(*, province_code: str | None = None) -> int:
    """Recompute the rollup (of one province, or all) from the sales and the returns. The
    rows written."""
    sold = SaleLine.objects.all()
    back = SaleReturnLine.objects.all()
    rollups = GoodsRollup.objects.all()
    if province_code:
        sold = sold.filter(province_code=province_code)
        back = back.filter(province_code=province_code)
        rollups = rollups.filter(province_code=province_code)
    rollups.delete()
    counts = _counts()
    for province, day, point, group, consigned, *values in (
        sold.values_list(
            "province_code",
            "sale__business_date",
            "sale__point_id",
            "product__group",
            "consignment",
        )
        .annotate(
            n=Count("sale_id", distinct=True),
            units=Sum("quantity"),
            amount=Sum("line_total"),
            revenue=Sum(F("line_total") - F("vat") - F("supplier_share")),
            vat_=Sum("vat"),
            cost_=Sum("cost"),
        )
        .order_by()
    ):
        entry = counts[(province, day, point, group, mode_of(consigned))]
        for index, value in enumerate(values):
            entry[index] += int(value or 0)
    for province, day, point, group, consigned, *values in (
        back.values_list(
            "province_code",
            "sale_return__business_date",
            "sale_return__point_id",
            "sale_line__product__group",
            "sale_line__consignment",
        )
        .annotate(
            n=Count("sale_return_id", distinct=True),
            units=Sum("quantity"),
            amount_=Sum("amount"),
            revenue=Sum(F("amount") - F("vat") - F("supplier_share")),
            vat_=Sum("vat"),
            cost_=Sum("cost"),
        )
        .order_by()
    ):
        entry = counts[(province, day, point, group, mode_of(consigned))]
        for index, value in enumerate(values):
            entry[6 + index] += int(value or 0)
    _count_once(counts, sold, "sale_id", "sale__", "product__group", SALES_ONCE)
    _count_once(
        counts, back, "sale_return_id", "sale_return__", "sale_line__product__group", RETURNS_ONCE
    )
    GoodsRollup.objects.bulk_create(
        [
            GoodsRollup(
                province_code=province,
                day=day,
                point_id=point,
                group=group,
                mode=mode,
                **dict(zip(COUNTERS, values, strict=True)),
            )
            for (province, day, point, group, mode), values in sorted(counts.items())
        ],
        batch_size=1000,
    )
    return len(counts)


def _count_once(
    counts: Counts, lines: Any, document: str, via: str, group_field: str, index: int
) -> None:
    """Each document (a sale, a return) of ``lines`` counted once, under the first of its
    keys, as ``rollup_sale`` and ``rollup_return`` count it. One pass over the lines."""
    consigned = "consignment" if document == "sale_id" else "sale_line__consignment"
    firsts: dict[int, Key] = {}
    for pk, province, day, point, group, consignment in (
        lines.values_list(
            document,
            "province_code",
            f"{via}business_date",
            f"{via}point_id",
            group_field,
            consigned,
        )
        .order_by()
        .iterator(chunk_size=5_000)
    ):
        key = (province, day, point, group, mode_of(consignment))
        if pk not in firsts or key < firsts[pk]:
            firsts[pk] = key
    for key in firsts.values():
        counts[key][index] += 1
