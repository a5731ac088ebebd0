"""The figures of telecom over a period: sales, top-ups or codes, face value sold and the post's
commission (its revenue), in total, per operator, kind (top-up or e-PIN), point, unit of a
subtree and month, and at the commune cultural points (BĐVHX) with their share.

Read from the rollup (``TelecomRollup``, kept by the services as each sale is made and each
top-up cancelled), in one GROUP BY per point, operator, kind and month; never a scan of the
sales. A figure with nothing in the period is None ("no data"), never 0. The months before
go-live come from the imported history (``planning.RevenueHistory``, service ``telecom``):
its amount is the commission and its volume the sales; it has no operator, kind, units or
face value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from django.db.models import QuerySet, Sum
from django.db.models.functions import TruncMonth

from buudien.core.catalogue import Service
from buudien.core.tally import Summable
from buudien.network.figures import SubtreeFigures, month_of, unit_year
from buudien.network.models import Unit
from buudien.telecom.choices import TelecomKind
from buudien.telecom.models import Operator, TelecomRollup


@dataclass
class Tally(Summable):
    sales: int | None = None
    units: int | None = None  # top-ups, or codes sold
    amount: int | None = None  # face value taken
    commission: int | None = None  # the post's revenue


@dataclass(frozen=True)
class Group:
    point_id: int | None
    unit_path: str
    operator_id: int | None
    kind: str | None
    month: dt.date
    tally: Tally


class TelecomFigures(SubtreeFigures[Tally, Group]):
    """The telecom sales in ``unit``'s subtree (the province when None) from ``date_from``
    to ``date_to`` (inclusive)."""

    tally = Tally
    history_service = Service.TELECOM

    def _rollup(self) -> QuerySet[Any]:
        rows = TelecomRollup.objects.filter(province_code=self.province_code)
        if self.unit is not None:
            rows = rows.filter(point_id__in=sorted(self.points))
        return rows

    def _records(self, rows: QuerySet[Any]) -> Iterable[tuple[int, Group]]:
        for part, point_id, operator_id, kind, month, *values in (
            rows.annotate(month=TruncMonth("day"))
            .values_list("part", "point_id", "operator_id", "kind", "month")
            .annotate(s=Sum("sales"), u=Sum("units"), a=Sum("amount"), c=Sum("commission"))
            .order_by()
        ):
            tally = Tally(*(int(value or 0) for value in values))
            yield (
                part,
                Group(point_id, self._path(point_id), operator_id, kind, month_of(month), tally),
            )

    def _history_group(
        self, point_id: int | None, path: str, month: dt.date, volume: int | None, amount: int
    ) -> Group:
        tally = Tally(sales=volume, commission=amount)
        return Group(point_id, path, None, None, month, tally)

    def by_operator(self) -> dict[int, Tally]:
        return self._by(lambda group: group.operator_id)

    def by_kind(self) -> dict[str, Tally]:
        return self._by(lambda group: group.kind)


def share_pct(part: int | None, whole: int | None) -> float | None:
    """``part`` in % of ``whole``, one decimal (None without data)."""
    if part is None or not whole:
        return None
    return round(100 * part / whole, 1)


def year_figures(*, province_code: str, year: int, unit: Unit | None = None) -> TelecomFigures:
    return TelecomFigures(
        province_code=province_code,
        date_from=dt.date(year, 1, 1),
        date_to=dt.date(year, 12, 31),
        unit=unit,
    )


def tally_out(tally: Tally) -> dict[str, Any]:
    return {f.name: getattr(tally, f.name) for f in fields(tally)}


def year_summary(
    *, user: Any, province_code: str, year: int, unit_code: str | None = None
) -> dict[str, Any]:
    """The telecom figures of ``year`` for a unit of ``user``'s scope: the total against last
    year, per operator, kind, month, child unit and point, and the BĐVHX with their share of
    the sales and of the commission."""
    found = unit_year(
        TelecomFigures, user=user, province_code=province_code, year=year, unit_code=unit_code
    )
    now = found.now
    operators = {op.pk: op for op in Operator.objects.filter(province_code=province_code)}
    total, bdvhx = now.total(), now.bdvhx()
    kinds = now.by_kind()
    return {
        **found.common(tally_out),
        "bdvhx_share_pct": share_pct(bdvhx.sales, total.sales),
        "bdvhx_commission_share_pct": share_pct(bdvhx.commission, total.commission),
        "per_operator": [
            {"code": operators[pk].code, "name": operators[pk].name, **tally_out(tally)}
            for pk, tally in sorted(
                now.by_operator().items(), key=lambda item: operators[item[0]].name
            )
        ],
        "per_kind": [
            {"code": code, "name": str(label), **tally_out(kinds[code])}
            for code, label in TelecomKind.choices
            if code in kinds
        ],
    }
