"""The stock engine: movements written and levels kept in step, in the caller's transaction.

``stock_apply`` takes the moves of one document at one point. It locks the point's levels of
the products in primary-key order (``SELECT ... FOR UPDATE``: two documents over the same
products wait for each other instead of deadlocking; SQLite's IMMEDIATE transactions are
serialised already), values the outgoing units at the average cost (the level's value over its
quantity; the last unit takes what is left, so a level at zero is worth zero), refuses every
shortage at once, then writes the movements and ``quantity = quantity + delta`` on the levels.
The CHECK constraint on the levels is the last word: a quantity that would go below zero
anyway is refused by the database and reported as a shortage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from buudien.core.errors import DomainError
from buudien.counter.desk import actor_id
from buudien.goods.models import Product, StockLevel, StockMovement
from buudien.network.models import ServicePoint


@dataclass(frozen=True, slots=True)
class Move:
    """``quantity`` units of ``product`` in (> 0) or out (< 0). An incoming move carries its
    ``value`` (đồng at cost); an outgoing one is valued at the average cost unless given."""

    product: Product
    quantity: int
    value: int | None = None


@dataclass(frozen=True, slots=True)
class Moved:
    product: Product
    quantity: int
    value: int  # signed, as on the movement

    @property
    def cost(self) -> int:
        """The value of the units, as a positive number."""
        return abs(self.value)


class Held(Protocol):
    """What a level holds: a ``StockLevel``, or a lighter row of one read for a list."""

    quantity: int
    value: int


@dataclass(slots=True)
class HeldRow:
    """A stock level read as plain values (a list of many sales reads thousands)."""

    pk: int
    quantity: int
    value: int


def average_cost(level: Held | None, quantity: int) -> int:
    """The cost of ``quantity`` units taken out of ``level``: their share of its value,
    rounded down; the last units take the whole of what is left."""
    if level is None or level.quantity <= 0:
        return 0
    if quantity >= level.quantity:
        return level.value
    return level.value * quantity // level.quantity


def unit_cost_of(level: StockLevel | None) -> int:
    """A level's average cost of one unit (0 when it holds nothing)."""
    if level is None or level.quantity <= 0:
        return 0
    return round(level.value / level.quantity)


def levels_locked(
    point: ServicePoint, products: Sequence[Product], *, create: bool = True
) -> dict[int, StockLevel]:
    """The point's levels of ``products`` (made at zero when missing, unless only goods
    going out are asked for: ``create=False``), locked in primary-key order; by product id."""
    ids = sorted({product.pk for product in products})
    province = point.province_code
    missing: list[int] = []
    if create:
        have = set(
            StockLevel.objects.filter(
                province_code=province, point=point, product_id__in=ids
            ).values_list("product_id", flat=True)
        )
        missing = [pk for pk in ids if pk not in have]
    if missing:
        StockLevel.objects.bulk_create(
            [StockLevel(province_code=province, point=point, product_id=pk) for pk in missing],
            ignore_conflicts=True,
        )
    rows = (
        StockLevel.objects.select_for_update()
        .filter(province_code=province, point=point, product_id__in=ids)
        .order_by("pk")
    )
    return {row.product_id: row for row in rows}


def shortage_message(product: Product, wanted: int, held: int) -> str:
    return _("%(product)s: %(wanted)s wanted, %(held)s in stock.") % {
        "product": product.name,
        "wanted": wanted,
        "held": held,
    }


def shortages(levels: dict[int, StockLevel], wanted: dict[int, tuple[Product, int]]) -> list[str]:
    """A message per product of which more is wanted than the level holds."""
    found = []
    for pk, (product, quantity) in wanted.items():
        held = levels[pk].quantity if pk in levels else 0
        if quantity > held:
            found.append(shortage_message(product, quantity, held))
    return found


def stock_apply(
    *,
    point: ServicePoint,
    moves: Sequence[Move],
    kind: str,
    reference: str,
    day: dt.date,
    at: dt.datetime,
    actor: Any,
    levels: dict[int, StockLevel] | None = None,
    field: str = "lines",
) -> list[Moved]:
    """Write the movements of one document at ``point`` and keep the levels in step (see
    the module). Refused, naming every product short of stock, with nothing written."""
    if levels is None:
        levels = levels_locked(point, [move.product for move in moves])
    missing = [move.product for move in moves if move.product.pk not in levels]
    if missing:  # only goods going out may lack a level: they are short
        levels = {**levels, **levels_locked(point, missing)}
    out: dict[int, tuple[Product, int]] = {}
    for move in moves:
        if move.quantity < 0:
            product, sofar = out.get(move.product.pk, (move.product, 0))
            out[move.product.pk] = (product, sofar - move.quantity)
    short = shortages(levels, out)
    if short:
        raise DomainError(_("Not enough stock: %(list)s") % {"list": " ".join(short)}, field=field)
    moved: list[Moved] = []
    rows: list[StockMovement] = []
    deltas: dict[int, list[int]] = {}
    for move in moves:
        level = levels[move.product.pk]
        if move.quantity < 0:
            value = move.value if move.value is not None else average_cost(level, -move.quantity)
            signed = -abs(value)
        else:
            signed = abs(move.value or 0)
        # Later moves of the same product see the earlier ones.
        level.quantity += move.quantity
        level.value += signed
        delta = deltas.setdefault(level.pk, [0, 0])
        delta[0] += move.quantity
        delta[1] += signed
        rows.append(
            StockMovement(
                province_code=point.province_code,
                point=point,
                product=move.product,
                kind=kind,
                quantity=move.quantity,
                unit_cost=abs(signed) // abs(move.quantity),
                value=signed,
                reference=reference,
                business_date=day,
                at=at,
                actor_id=actor_id(actor),
            )
        )
        moved.append(Moved(move.product, move.quantity, signed))
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if deltas:
                cursor.execute(*levels_sql(deltas))
    except IntegrityError:
        raise DomainError(
            _("Not enough stock: another sale took it meanwhile. Try again."), field=field
        ) from None
    StockMovement.objects.bulk_create(rows)
    return moved


def levels_sql(deltas: dict[int, list[int]]) -> tuple[str, list[Any]]:
    """``quantity = quantity + delta, value = value + delta`` on every level touched, in one
    UPDATE (the rows are locked already, in primary-key order)."""
    table = connection.ops.quote_name(StockLevel._meta.db_table)
    ids = sorted(deltas)
    cases = " ".join(["WHEN %s THEN %s"] * len(ids))
    quantities = [v for pk in ids for v in (pk, deltas[pk][0])]
    values = [v for pk in ids for v in (pk, deltas[pk][1])]
    marks = ", ".join(["%s"] * len(ids))
    return (
        f"UPDATE {table} SET quantity = quantity + CASE id {cases} END, "
        f"value = value + CASE id {cases} END WHERE id IN ({marks})",
        [*quantities, *values, *ids],
    )


@dataclass(frozen=True, slots=True)
class Mismatch:
    point_id: int
    product_id: int
    level: tuple[int, int]
    movements: tuple[int, int]


def stock_verify(*, province_code: str | None = None) -> list[Mismatch]:
    """Every (point, product) whose level is not the sum of its movements (quantity and
    value); none, always. Reads the two in one statement's snapshot per table; run it when
    no document is being written (a nightly check, the tests)."""
    movements = StockMovement.objects.all()
    levels = StockLevel.objects.all()
    if province_code:
        movements = movements.filter(province_code=province_code)
        levels = levels.filter(province_code=province_code)
    sums = {
        (row["point_id"], row["product_id"]): (row["q"], row["v"])
        for row in movements.values("point_id", "product_id")
        .annotate(q=Sum("quantity"), v=Sum("value"))
        .order_by()
    }
    held = {
        (row["point_id"], row["product_id"]): (row["quantity"], row["value"])
        for row in levels.values("point_id", "product_id", "quantity", "value")
    }
    found = []
    for key in sorted(set(sums) | set(held)):
        level = held.get(key, (0, 0))
        summed = sums.get(key, (0, 0))
        if level != summed:
            found.append(Mismatch(key[0], key[1], level, summed))
    return found
