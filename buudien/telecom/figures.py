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
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, fields
from typing import Any

from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from buudien.core.catalogue import Service
from buudien.core.errors import DomainError
from buudien.core.tally import Summable, tally_by, tally_by_unit, total_of
from buudien.goods.figures import figures_scope
from buudien.network.choices import PointKind, UnitKind
from buudien.network.models import ServicePoint, Unit
from buudien.planning.models import RevenueHistory
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


def _month(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


class TelecomFigures:
    """The telecom sales in ``unit``'s subtree (the province when None) from ``date_from``
    to ``date_to`` (inclusive)."""

    def __init__(
        self, *, province_code: str, date_from: dt.date, date_to: dt.date, unit: Unit | None = None
    ) -> None:
        self.province_code = province_code
        self.date_from, self.date_to = date_from, date_to
        self.unit = unit
        points = ServicePoint.objects.filter(province_code=province_code)
        if unit is not None:
            points = points.filter(unit_path__startswith=unit.path)
        self.points: dict[int, tuple[str, str]] = {
            pk: (path, kind) for pk, path, kind in points.values_list("pk", "unit_path", "kind")
        }
        self.groups: list[Group] = []
        if unit is None or self.points:
            self._load_records()
        self._load_history()

    def _load_records(self) -> None:
        rows = TelecomRollup.objects.filter(
            province_code=self.province_code, day__gte=self.date_from, day__lte=self.date_to
        )
        if self.unit is not None:
            rows = rows.filter(point_id__in=sorted(self.points))
        for point_id, operator_id, kind, month, *values in (
            rows.annotate(month=TruncMonth("day"))
            .values_list("point_id", "operator_id", "kind", "month")
            .annotate(s=Sum("sales"), u=Sum("units"), a=Sum("amount"), c=Sum("commission"))
            .order_by()
        ):
            tally = Tally(*(int(value or 0) for value in values))
            path = self.points.get(point_id, ("", ""))[0]
            self.groups.append(Group(point_id, path, operator_id, kind, _month(month), tally))

    def _load_history(self) -> None:
        rows = RevenueHistory.objects.filter(
            province_code=self.province_code,
            service=Service.TELECOM,
            month__gte=self.date_from.replace(day=1),
            month__lte=self.date_to,
        )
        if self.unit is not None:
            rows = rows.filter(unit__path__startswith=self.unit.path)
        for point_id, path, month, volume, amount in rows.values_list(
            "point_id", "unit__path", "month", "volume", "amount"
        ):
            tally = Tally(sales=volume, commission=amount)
            self.groups.append(Group(point_id, path, None, None, month, tally))

    def _by(self, key: Callable[[Group], Hashable | None]) -> dict[Any, Tally]:
        return tally_by(self.groups, key, Tally)

    def total(self) -> Tally:
        return total_of(self.groups, Tally)

    def by_operator(self) -> dict[int, Tally]:
        return self._by(lambda group: group.operator_id)

    def by_kind(self) -> dict[str, Tally]:
        return self._by(lambda group: group.kind)

    def by_point(self) -> dict[int, Tally]:
        return self._by(lambda group: group.point_id)

    def by_month(self) -> dict[int, Tally]:
        return self._by(lambda group: group.month.month)

    def by_unit(self, units: Iterable[Unit]) -> dict[int, Tally]:
        return tally_by_unit(self.groups, units, Tally)

    def bdvhx(self) -> Tally:
        """The sales at commune cultural points (BĐVHX), records only."""
        out = Tally()
        for group in self.groups:
            kind = self.points.get(group.point_id or 0, ("", ""))[1]
            if group.point_id is not None and kind == PointKind.BDVHX:
                out.add(group.tally)
        return out


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
    if not 2000 <= year <= 2100:
        raise DomainError(_("The year must be between 2000 and 2100."), field="year")
    unit = figures_scope(user=user, province_code=province_code, unit_code=unit_code)
    scope = None if unit.kind == UnitKind.PROVINCE else unit
    now = year_figures(province_code=province_code, year=year, unit=scope)
    before = year_figures(province_code=province_code, year=year - 1, unit=scope)
    children = list(Unit.objects.filter(parent=unit).order_by("code"))
    per_unit = now.by_unit(children)
    points = {
        point.pk: point
        for point in ServicePoint.objects.filter(
            province_code=province_code, unit_path__startswith=unit.path
        ).only("pk", "code", "name", "kind")
    }
    operators = {op.pk: op for op in Operator.objects.filter(province_code=province_code)}
    total, bdvhx = now.total(), now.bdvhx()
    kinds = now.by_kind()
    months = now.by_month()
    return {
        "year": year,
        "province": province_code,
        "unit": {"code": unit.code, "name": unit.name, "kind": unit.kind},
        "total": tally_out(total),
        "previous": tally_out(before.total()),
        "bdvhx": tally_out(bdvhx),
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
        "per_month": [{"month": month, **tally_out(months[month])} for month in sorted(months)],
        "per_unit": [
            {"code": child.code, "name": child.name, **tally_out(per_unit[child.pk])}
            for child in children
        ],
        "per_point": [
            {
                "code": points[pk].code,
                "name": points[pk].name,
                "kind": points[pk].kind,
                **tally_out(tally),
            }
            for pk, tally in sorted(now.by_point().items(), key=lambda item: points[item[0]].code)
            if pk in points
        ],
    }
