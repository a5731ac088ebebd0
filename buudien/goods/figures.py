"""The figures of goods over a period: sales, units, revenue (net of VAT; of consigned goods
the commission), cost of the goods and gross margin; in total, per product group, supplier
mode, point, unit of a subtree and month, and at the commune cultural points (BĐVHX). And
the stock: per point with its value (now, or at the end of a day), and the slow-moving goods
(held at a point, not sold there for some days).

Sales and returns are read from the rollup (``GoodsRollup``, kept by the services as each
sale is made and each return taken), in one GROUP BY per point, group, mode and month; the
figures are net of returns (units, money, revenue, VAT and cost), the sales and the returns
counted each. A figure with nothing in the period is None ("no data"), never 0.

The months before go-live come from the imported history (``planning.RevenueHistory``,
service ``consumer_goods``): its amount is the revenue and its volume the sales; history has
no group, no mode, no units and no cost, so those stay null (as for dossiers, ADR 0003).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Any

from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from buudien.core.bizdays import local_today
from buudien.core.catalogue import Service
from buudien.core.tally import Summable
from buudien.goods.choices import MovementKind, ProductGroup, SupplierMode
from buudien.goods.models import GoodsRollup, Product, StockLevel, StockMovement, Warehouse
from buudien.network.choices import UnitKind
from buudien.network.figures import SubtreeFigures, month_of, unit_year
from buudien.network.models import Unit

SLOW_DAYS = 90


@dataclass
class Tally(Summable):
    """The figures of one group, net of returns; None where nothing has data for it.

    ``sales`` and ``returns`` count documents: each once in a total (per point, month, unit,
    the BĐVHX); per product group or supplier mode, the documents with lines of it (a sale
    of milk and tea counts in both groups). Units and money add up exactly."""

    sales: int | None = None
    returns: int | None = None
    units: int | None = None
    amount: int | None = None  # money taken, VAT included
    revenue: int | None = None  # net of VAT; the commission of consigned goods
    vat: int | None = None
    cost: int | None = None

    @property
    def margin(self) -> int | None:
        """Gross margin: revenue less the cost of the goods (None without a cost)."""
        if self.revenue is None or self.cost is None:
            return None
        return self.revenue - self.cost

    @property
    def margin_pct(self) -> float | None:
        """The gross margin in % of the revenue, one decimal."""
        margin = self.margin
        if margin is None or not self.revenue:
            return None
        return round(100 * margin / self.revenue, 1)


@dataclass(frozen=True)
class Group:
    """One row of the queries: where (point, or the unit's path for history), which product
    group and supplier mode (None for history), the first day of its month, its figures."""

    point_id: int | None
    unit_path: str
    group: str | None
    mode: str | None
    month: dt.date
    tally: Tally
    keyed: tuple[int, int] = (0, 0)  # the sales and returns with lines of its group and mode


class GoodsFigures(SubtreeFigures[Tally, Group]):
    """The figures of the goods sold in ``unit``'s subtree (the whole province when None)
    from ``date_from`` to ``date_to`` (inclusive)."""

    tally = Tally
    history_service = Service.CONSUMER_GOODS

    def _rollup(self) -> QuerySet[Any]:
        rows = GoodsRollup.objects.filter(province_code=self.province_code)
        if self.unit is not None:
            rows = rows.filter(point_id__in=sorted(self.points))
        return rows

    def _records(self, rows: QuerySet[Any]) -> Iterable[tuple[int, Group]]:
        grouped = (
            rows.annotate(month=TruncMonth("day"))
            .values_list("part", "point_id", "group", "mode", "month")
            .annotate(
                sales_=Sum("sales_once"),
                returns_=Sum("returns_once"),
                units=Sum(F("units") - F("units_returned")),
                amount=Sum(F("amount") - F("amount_returned")),
                revenue_=Sum(F("revenue") - F("revenue_returned")),
                vat_=Sum(F("vat") - F("vat_returned")),
                cost_=Sum(F("cost") - F("cost_returned")),
                keyed_sales=Sum("sales"),
                keyed_returns=Sum("returns"),
            )
            .order_by()
        )
        for part, point_id, group, mode, month, *values in grouped:
            *counted, keyed_sales, keyed_returns = (int(value or 0) for value in values)
            yield (
                part,
                Group(
                    point_id,
                    self._path(point_id),
                    group,
                    mode,
                    month_of(month),
                    Tally(*counted),
                    (keyed_sales, keyed_returns),
                ),
            )

    def _history_group(
        self, point_id: int | None, path: str, month: dt.date, volume: int | None, amount: int
    ) -> Group:
        tally = Tally(sales=volume, revenue=amount)
        return Group(point_id, path, None, None, month, tally)

    def _keyed(self, key: Callable[[Group], str | None]) -> dict[str, Tally]:
        """Per ``key`` of the rollup (group or mode), its documents those with lines of it."""
        found: dict[str, Tally] = self._by(key)
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for group in self.groups:
            name = key(group)
            if name is not None:
                counts[name][0] += group.keyed[0]
                counts[name][1] += group.keyed[1]
        for name, tally in found.items():
            if name in counts:
                tally.sales, tally.returns = counts[name]
        return found

    def by_group(self) -> dict[str, Tally]:
        """Per product group (records only)."""
        return self._keyed(lambda group: group.group)

    def by_mode(self) -> dict[str, Tally]:
        """Per supplier mode, ``purchase`` or ``consignment`` (records only)."""
        return self._keyed(lambda group: group.mode)


def year_figures(*, province_code: str, year: int, unit: Unit | None = None) -> GoodsFigures:
    """The figures of the goods sold in ``year`` in ``unit``'s subtree (the province when
    None)."""
    return GoodsFigures(
        province_code=province_code,
        date_from=dt.date(year, 1, 1),
        date_to=dt.date(year, 12, 31),
        unit=unit,
    )


# --- stock -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Held:
    """What a point held: units and their value at cost."""

    point_id: int
    quantity: int
    value: int


def _scope(unit: Unit | None) -> Q:
    return Q() if unit is None else Q(point__unit_path__startswith=unit.path)


def stock_by_point(
    *, province_code: str, unit: Unit | None = None, as_of: dt.date | None = None
) -> dict[int, Held]:
    """The stock per point of ``unit``'s subtree (the province when None): now (the levels),
    or at the end of ``as_of`` (the sum of the movements up to that day) when it is before
    today. Points holding nothing are left out."""
    scope = _scope(unit)
    if as_of is None or as_of >= local_today():
        rows = (
            StockLevel.objects.filter(scope, province_code=province_code)
            .values_list("point_id")
            .annotate(q=Sum("quantity"), v=Sum("value"))
            .order_by()
        )
    else:
        rows = (
            StockMovement.objects.filter(
                scope, province_code=province_code, business_date__lte=as_of
            )
            .values_list("point_id")
            .annotate(q=Sum("quantity"), v=Sum("value"))
            .order_by()
        )
    return {
        point_id: Held(point_id, int(q), int(v))
        for point_id, q, v in rows
        if q or v  # a point that emptied its stock holds nothing
    }


def stock_value(
    *, province_code: str, unit: Unit | None = None, as_of: dt.date | None = None
) -> int | None:
    """The value at cost of the stock of ``unit``'s subtree (see ``stock_by_point``); None
    when no point has ever held goods by then."""
    return stock_values(province_code=province_code, unit=unit, days=[as_of])[0]


def stock_values(
    *, province_code: str, unit: Unit | None = None, days: Sequence[dt.date | None]
) -> list[int | None]:
    """``stock_value`` as at each of ``days`` (None: now): the stock of the days before today
    and whether any goods had moved by each of them in one GROUP BY of the movements, the
    stock now from the levels in another."""
    scope = _scope(unit)
    today = local_today()
    past = {index: day for index, day in enumerate(days) if day is not None and day < today}
    rows: list[dict[str, Any]] = []
    if past:
        sums: dict[str, Any] = {}
        for index, last in past.items():
            span = Q(business_date__lte=last)
            sums |= {
                f"q_{index}": Sum("quantity", filter=span),
                f"v_{index}": Sum("value", filter=span),
                f"n_{index}": Count("pk", filter=span),
            }
        rows = list(
            StockMovement.objects.filter(
                scope, province_code=province_code, business_date__lte=max(past.values())
            )
            .values("point_id")
            .annotate(**sums)
            .order_by()
        )
    levels: dict[int, Held] | None = None
    out: list[int | None] = []
    for index, day in enumerate(days):
        if index in past:
            held = [
                int(row[f"v_{index}"] or 0)
                for row in rows
                if row[f"q_{index}"] or row[f"v_{index}"]  # emptied: holds nothing
            ]
            moved = any(row[f"n_{index}"] for row in rows)
        else:
            if levels is None:
                levels = stock_by_point(province_code=province_code, unit=unit)
            held = [one.value for one in levels.values()]
            if not held:
                movements = StockMovement.objects.filter(scope, province_code=province_code)
                if day is not None:
                    movements = movements.filter(business_date__lte=day)
                moved = movements.exists()
        if held:
            out.append(sum(held))
        else:
            out.append(0 if moved else None)
    return out


@dataclass(frozen=True)
class Slow:
    """A product a point holds and has not sold since ``last_sale`` (None: never)."""

    point_id: int
    product_id: int
    quantity: int
    value: int
    last_sale: dt.date | None


def slow_moving(
    *,
    province_code: str,
    unit: Unit | None = None,
    days: int = SLOW_DAYS,
    today: dt.date | None = None,
) -> list[Slow]:
    """The products held at the selling points of ``unit``'s subtree that were not sold there in the
    last ``days`` days (or never), the most valuable first. The last sale per (point,
    product) is one GROUP BY over the sale movements (``goods_movement_last_sale`` covers
    it); the levels held are one query."""
    today = today or local_today()
    since = today - dt.timedelta(days=days)
    scope = _scope(unit)
    last = {
        (point_id, product_id): day
        for point_id, product_id, day in StockMovement.objects.filter(
            scope, province_code=province_code, kind=MovementKind.SALE
        )
        .values_list("point_id", "product_id")
        .annotate(last=Max("business_date"))
        .order_by()
    }
    found = []
    # The warehouse sells nothing: what it holds waits to be sent to the points, not to sell.
    warehouses = Warehouse.objects.filter(province_code=province_code).values("point_id")
    for point_id, product_id, quantity, value in (
        StockLevel.objects.filter(scope, province_code=province_code, quantity__gt=0)
        .exclude(point_id__in=warehouses)
        .values_list("point_id", "product_id", "quantity", "value")
    ):
        sold = last.get((point_id, product_id))
        if sold is None or sold < since:
            found.append(Slow(point_id, product_id, quantity, value, sold))
    found.sort(key=lambda slow: (-slow.value, slow.point_id, slow.product_id))
    return found


# --- the figures of a year, as the API gives them --------------------------------------------

SLOW_LISTED = 50


def tally_out(tally: Tally) -> dict[str, Any]:
    return {
        **{f.name: getattr(tally, f.name) for f in fields(tally)},
        "margin": tally.margin,
        "margin_pct": tally.margin_pct,
    }


def year_summary(
    *, user: Any, province_code: str, year: int, unit_code: str | None = None
) -> dict[str, Any]:
    """The goods figures of ``year`` for a unit of ``user``'s scope (``network.figures``):
    the total against last year, per product group, supplier mode, month, child unit and
    point, the BĐVHX, the stock per point at the end of the year (or now) and the
    slow-moving goods now."""
    found = unit_year(
        GoodsFigures, user=user, province_code=province_code, year=year, unit_code=unit_code
    )
    now, points = found.now, found.points
    scope = None if found.unit.kind == UnitKind.PROVINCE else found.unit
    end = dt.date(year, 12, 31)
    as_of = min(end, local_today())
    held = stock_by_point(province_code=province_code, unit=scope, as_of=as_of)
    slow = slow_moving(province_code=province_code, unit=scope)[:SLOW_LISTED]
    products = {
        product.pk: product
        for product in Product.objects.filter(pk__in={one.product_id for one in slow})
    }
    groups = now.by_group()
    modes = now.by_mode()
    return {
        **found.common(tally_out),
        "per_group": [
            {"code": code, "name": str(label), **tally_out(groups[code])}
            for code, label in ProductGroup.choices
            if code in groups
        ],
        "per_mode": [
            {"code": code, "name": str(label), **tally_out(modes[code])}
            for code, label in SupplierMode.choices
            if code in modes
        ],
        "stock": {
            "as_of": as_of,
            "quantity": sum(one.quantity for one in held.values()),
            "value": sum(one.value for one in held.values()),
            "per_point": [
                {
                    "code": points[pk].code,
                    "name": points[pk].name,
                    "quantity": one.quantity,
                    "value": one.value,
                }
                for pk, one in sorted(held.items(), key=lambda item: points[item[0]].code)
                if pk in points
            ],
        },
        "slow_moving": {
            "days": SLOW_DAYS,
            "lines": [
                {
                    "point": points[one.point_id].code,
                    "product": products[one.product_id].code,
                    "name": products[one.product_id].name,
                    "quantity": one.quantity,
                    "value": one.value,
                    "last_sale": one.last_sale,
                }
                for one in slow
                if one.point_id in points
            ],
        },
    }
