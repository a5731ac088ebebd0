"""Keeping the telecom rollup (``TelecomRollup``) up to date, and rebuilding it.

``rollup_add`` counts a sale just made (or, with negative figures, a top-up cancelled) on its
business day and point, per operator and kind: ONE ``INSERT ... ON CONFLICT DO UPDATE`` in
the caller's transaction, on both databases; ``rollup_add_many`` the sales of a list
(``services.topups_sell_many``, ``pins_sell_many``), summed per row.
``telecom_rollup_rebuild`` recomputes the rows from the top-ups and the code sales (the tests
check that both paths agree).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Sum

from buudien.core import rollup
from buudien.telecom.choices import TelecomKind
from buudien.telecom.models import PinSale, TelecomRollup, Topup

TABLE = TelecomRollup._meta.db_table
COUNTERS = ("sales", "units", "amount", "commission")
KEYS = ("province_code", "day", "point_id", "operator_id", "kind")


def rollup_add(
    *,
    province_code: str,
    day: dt.date,
    point_id: int,
    operator_id: int,
    kind: str,
    sales: int,
    units: int,
    amount: int,
    commission: int,
) -> None:
    """Add one sale's figures (negative ones for a cancellation) to its rollup row."""
    sqlite = connection.vendor != "postgresql"
    added = ", ".join(f"{name} = {TABLE}.{name} + excluded.{name}" for name in COUNTERS)
    keys = ", ".join(KEYS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} ({keys}, {', '.join(COUNTERS)}) "
            f"VALUES ({', '.join(['%s'] * (len(KEYS) + len(COUNTERS)))}) "
            f"ON CONFLICT ({keys}) DO UPDATE SET {added}",
            [
                province_code,
                day.isoformat() if sqlite else day,
                point_id,
                operator_id,
                kind,
                sales,
                units,
                amount,
                commission,
            ],
        )


def rollup_add_many(sales: Iterable[tuple[Any, ...]]) -> None:
    """Add many sales' figures, each ``(province, day, point id, operator id, kind, sales,
    units, amount, commission)``: summed per rollup row first, then one upsert per chunk
    of rows (``core.rollup.add_many``)."""
    sums: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0] * len(COUNTERS))
    for sale in sales:
        into = sums[tuple(sale[: len(KEYS)])]
        for index, value in enumerate(sale[len(KEYS) :]):
            into[index] += value
    rollup.add_many(
        TelecomRollup, KEYS, COUNTERS, [[*key, *values] for key, values in sorted(sums.items())]
    )


@transaction.atomic
def telecom_rollup_rebuild(*, province_code: str | None = None) -> int:
    """Recompute the rollup (of one province, or all) from the sales. The rows written."""
    rollups = TelecomRollup.objects.all()
    topups = Topup.objects.filter(cancelled_at__isnull=True)
    pins = PinSale.objects.all()
    if province_code:
        rollups = rollups.filter(province_code=province_code)
        topups = topups.filter(province_code=province_code)
        pins = pins.filter(province_code=province_code)
    rollups.delete()
    counts: dict[tuple[str, dt.date, int, int, str], list[int]] = defaultdict(lambda: [0] * 4)
    for kind, rows, units in (
        (TelecomKind.TOPUP, topups, Count("id")),
        (TelecomKind.PIN, pins, Sum("quantity")),
    ):
        for province, day, point, operator, *values in (
            rows.values_list("province_code", "business_date", "point_id", "operator_id")
            .annotate(n=Count("id"), u=units, a=Sum("amount"), c=Sum("commission"))
            .order_by()
        ):
            entry = counts[(province, day, point, operator, str(kind))]
            for index, value in enumerate(values):
                entry[index] += int(value or 0)
    TelecomRollup.objects.bulk_create(
        [
            TelecomRollup(
                province_code=province,
                day=day,
                point_id=point,
                operator_id=operator,
                kind=kind,
                **dict(zip(COUNTERS, values, strict=True)),
            )
            for (province, day, point, operator, kind), values in sorted(counts.items())
        ],
        batch_size=1000,
    )
    return len(counts)
