"""The figures of a service over a period at the points of a unit's subtree, read from its
rollup as groups (one per point, month and whatever else the service keys them by) and
summed per key (``core.tally``): in total, per point, month and child unit, and at the
commune cultural points (BĐVHX). A service subclasses ``SubtreeFigures`` with the query of
its rollup (``_rollup``, ``_records``) and its imported history's groups (``_history_group``);
``over`` reads several periods at once (a report's period and the same a year before) in one
query of each. Shared by dossiers, goods, telecom, insurance, press and care; ``unit_year``
starts their summaries of a year."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import operator
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, Self

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from buudien.core.bizdays import local_today
from buudien.core.errors import DomainError, NotFound
from buudien.core.tally import Summable, tally_by, tally_by_unit, total_of
from buudien.network.choices import PointKind, UnitKind
from buudien.network.models import ServicePoint, Unit
from buudien.people import access
from buudien.planning.models import RevenueHistory


class PointGroup(Protocol):
    """One group of figures: its point (None for history kept per unit only), its unit's
    path, the first day of its month (None: of the whole period), its figures."""

    @property
    def point_id(self) -> int | None: ...

    @property
    def unit_path(self) -> str: ...

    @property
    def month(self) -> dt.date | None: ...

    @property
    def tally(self) -> Any: ...


def month_of(value: dt.date | dt.datetime) -> dt.date:
    """A truncated month as the database gives it (a datetime on some backends)."""
    return value.date() if isinstance(value, dt.datetime) else value


# A row of the imported history: service, point, its unit's path, month, volume, amount.
type HistoryRow = tuple[str, int | None, str, dt.date, int | None, int]


class SubtreeFigures[T: Summable, G: PointGroup]:
    """The figures of ``unit``'s subtree (the whole province when None) from ``date_from``
    to ``date_to`` (inclusive); ``points`` maps each point of the subtree to its unit's path
    and kind (read here unless given: a report that reads several services' figures reads
    the points once). ``over`` reads the figures of several periods at once: one query of
    the rollup and one of the history for all of them."""

    tally: Callable[[], T]
    # The service whose imported history (``planning.RevenueHistory``) gives the months
    # before go-live; None: no history.
    history_service: str | None = None
    # The rollup's column of the date: "day" (a row per day: the days of the period), or
    # "month" (the first day of its month: the months that start in the period).
    date_column = "day"

    def __init__(
        self,
        *,
        province_code: str,
        date_from: dt.date,
        date_to: dt.date,
        unit: Unit | None = None,
        points: dict[int, tuple[str, str]] | None = None,
        load: bool = True,
    ) -> None:
        self.province_code = province_code
        self.date_from, self.date_to = date_from, date_to
        self.unit = unit
        if points is None:
            rows = ServicePoint.objects.filter(province_code=province_code)
            if unit is not None:
                rows = rows.filter(unit_path__startswith=unit.path)
            points = {
                pk: (path, kind) for pk, path, kind in rows.values_list("pk", "unit_path", "kind")
            }
        self.points: dict[int, tuple[str, str]] = points
        self.groups: list[G] = []
        # What the figures of several periods of the same points read once (``over``).
        self.shared: dict[str, Any] = {}
        if load:
            type(self)._load([self])

    @classmethod
    def over(
        cls,
        periods: Sequence[tuple[dt.date, dt.date]],
        *,
        province_code: str,
        unit: Unit | None = None,
        points: dict[int, tuple[str, str]] | None = None,
        history: Iterable[HistoryRow] | None = None,
    ) -> list[Self]:
        """The figures of each of ``periods`` (from, to), in their order: the points read
        once (unless given), the rollup's rows of all the periods in one query and their
        history in one (or taken from ``history``: rows of the province's imported history
        that hold at least the service's rows of the periods' months)."""
        out: list[Self] = []
        for start, end in periods:
            one = cls(
                province_code=province_code,
                date_from=start,
                date_to=end,
                unit=unit,
                points=points,
                load=False,
            )
            points = one.points
            if out:
                one.shared = out[0].shared
            out.append(one)
        cls._load(out, history)
        return out

    @classmethod
    def _load(
        cls, figures: Sequence[SubtreeFigures[T, G]], history: Iterable[HistoryRow] | None = None
    ) -> None:
        """Read the records and the history of ``figures`` (of one subtree, periods apart
        from each other; overlapping periods are read one by one)."""
        spans = sorted((f.date_from, f.date_to) for f in figures)
        if any(later[0] <= earlier[1] for earlier, later in itertools.pairwise(spans)):
            for one in figures:
                cls._load([one], history)
            return
        first = figures[0]
        if first.unit is None or first.points:
            rows = first._rollup().filter(
                functools.reduce(operator.or_, (f._span(cls.date_column) for f in figures))
            )
            part = Case(
                *(When(f._span(cls.date_column), then=Value(i)) for i, f in enumerate(figures)),
                output_field=IntegerField(),
            )
            for index, group in first._records(rows.annotate(part=part)):
                figures[index].groups.append(group)
        cls._load_history(figures, history)

    def _span(self, column: str) -> Q:
        """The rows of the period by ``column``: its days, or the months that start in it."""
        start = self.date_from if column == "day" else self.date_from.replace(day=1)
        return Q(**{f"{column}__gte": start, f"{column}__lte": self.date_to})

    def _rollup(self) -> QuerySet[Any]:
        """The rollup's rows of the province, of the subtree's points."""
        raise NotImplementedError

    def _records(self, rows: QuerySet[Any]) -> Iterable[tuple[int, G]]:
        """The groups of ``rows`` (annotated with ``part``, the index of their period), each
        with its period's index."""
        raise NotImplementedError

    @classmethod
    def _load_history(
        cls, figures: Sequence[SubtreeFigures[T, G]], history: Iterable[HistoryRow] | None
    ) -> None:
        """The imported history of ``history_service`` over the periods' months, in one
        query (unless given): a group per row (``_history_group``), of its unit's
        subtree."""
        if cls.history_service is None:
            return
        first = figures[0]
        if history is None:
            rows = RevenueHistory.objects.filter(
                functools.reduce(operator.or_, (f._span("month") for f in figures)),
                province_code=first.province_code,
                service=cls.history_service,
            )
            history = rows.values_list(
                "service", "point_id", "unit__path", "month", "volume", "amount"
            )
        for service, point_id, path, month, volume, amount in history:
            if service != cls.history_service:
                continue
            if first.unit is not None and not path.startswith(first.unit.path):
                continue
            for one in figures:
                if one.date_from.replace(day=1) <= month <= one.date_to:
                    one.groups.append(one._history_group(point_id, path, month, volume, amount))
                    break

    def _history_group(
        self, point_id: int | None, path: str, month: dt.date, volume: int | None, amount: int
    ) -> G:
        """The group of a row of history: its volume and amount as the service counts them."""
        raise NotImplementedError

    def _path(self, point_id: int | None) -> str:
        return self.points.get(point_id, ("", ""))[0] if point_id is not None else ""

    def _by(self, key: Callable[[G], Hashable | None]) -> dict[Any, T]:
        return tally_by(self.groups, key, type(self).tally)

    def total(self) -> T:
        return total_of(self.groups, type(self).tally)

    def by_point(self) -> dict[int, T]:
        """Per point id (history imported per unit only is left out)."""
        return self._by(lambda group: group.point_id)

    def by_month(self) -> dict[int, T]:
        """Per month number (1-12) of the period's months."""
        return self._by(lambda group: group.month.month if group.month else None)

    def by_unit(self, units: Iterable[Unit]) -> dict[int, T]:
        """Per unit id of ``units`` (e.g. the children of the unit): the figures of its
        subtree. A unit without data has empty figures."""
        return tally_by_unit(self.groups, units, type(self).tally)

    def bdvhx(self) -> T:
        """The figures of the commune cultural points (BĐVHX), records only."""
        out = type(self).tally()
        for group in self.groups:
            if group.point_id is not None:
                kind = self.points.get(group.point_id, ("", ""))[1]
                if kind == PointKind.BDVHX:
                    out.add(group.tally)
        return out


def figures_scope(*, user: Any, province_code: str, unit_code: str | None = None) -> Unit:
    """The unit whose figures ``user`` asks for: ``unit_code``, else the province, else (when
    they see only part of it) their own unit. Outside their scope: "not found"."""
    units = Unit.objects.filter(kind=UnitKind.PROVINCE, province_code=province_code)
    province = units.in_force_on(local_today()).order_by("path").first() or units.first()
    if province is None:
        raise NotFound(_("No such province."), field="province")
    unit = province
    if unit_code:
        found = Unit.objects.filter(code=unit_code, path__startswith=province.path).first()
        if found is None or not access.in_scope(user, found.path):
            raise NotFound(_("No such unit."), field="unit")
        return found
    if not access.in_scope(user, unit.path):
        own = getattr(user, "unit", None)
        if own is None or not own.path.startswith(province.path):
            raise NotFound(_("No such province in your scope."), field="province")
        if not access.in_scope(user, own.path):
            raise NotFound(_("No such province in your scope."), field="province")
        unit = own
    return unit


@dataclass(frozen=True)
class UnitYear[F: SubtreeFigures[Any, Any]]:
    """A year's figures of a unit of the user's scope against the year before, and the
    service points of its subtree by id: what every service's summary of a year starts
    from."""

    year: int
    unit: Unit
    now: F
    before: F
    points: dict[int, ServicePoint]

    def common(self, out: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
        """The parts every summary has, each figure written by ``out``: the unit, the total
        against last year, the BĐVHX, per month, per child unit and per point."""
        now, unit, points = self.now, self.unit, self.points
        children = list(Unit.objects.filter(parent=unit).order_by("code"))
        per_unit, months = now.by_unit(children), now.by_month()
        return {
            "year": self.year,
            "province": unit.province_code,
            "unit": {"code": unit.code, "name": unit.name, "kind": unit.kind},
            "total": out(now.total()),
            "previous": out(self.before.total()),
            "bdvhx": out(now.bdvhx()),
            "per_month": [{"month": month, **out(months[month])} for month in sorted(months)],
            "per_unit": [
                {"code": child.code, "name": child.name, **out(per_unit[child.pk])}
                for child in children
            ],
            "per_point": [
                {"code": points[pk].code, "name": points[pk].name, "kind": points[pk].kind}
                | out(tally)
                for pk, tally in sorted(now.by_point().items(), key=lambda i: points[i[0]].code)
                if pk in points
            ],
        }


def unit_year[F: SubtreeFigures[Any, Any]](
    figures: type[F], *, user: Any, province_code: str, year: int, unit_code: str | None
) -> UnitYear[F]:
    """``figures`` of ``year`` and the year before for the unit ``user`` asks for (see
    ``figures_scope``)."""
    if not 2000 <= year <= 2100:
        raise DomainError(_("The year must be between 2000 and 2100."), field="year")
    unit = figures_scope(user=user, province_code=province_code, unit_code=unit_code)
    scope = None if unit.kind == UnitKind.PROVINCE else unit
    now, before = (
        figures(
            province_code=province_code,
            date_from=dt.date(one, 1, 1),
            date_to=dt.date(one, 12, 31),
            unit=scope,
        )
        for one in (year, year - 1)
    )
    points = {
        point.pk: point
        for point in ServicePoint.objects.filter(
            province_code=province_code, unit_path__startswith=unit.path
        ).only("pk", "code", "name", "kind")
    }
    return UnitYear(year, unit, now, before, points)
