"""The figures of a service over a period at the points of a unit's subtree, read from its
rollup as groups (one per point, month and whatever else the service keys them by) and
summed per key (``core.tally``): in total, per point, month and child unit, and at the
commune cultural points (BĐVHX). A service subclasses ``SubtreeFigures`` with the query of
its rollup (``_load_records``) and of its imported history (``_load_history``). Shared by
goods and insurance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable
from typing import Any, Protocol

from buudien.core.tally import Summable, tally_by, tally_by_unit, total_of
from buudien.network.choices import PointKind
from buudien.network.models import ServicePoint, Unit


class PointGroup(Protocol):
    """One group of figures: its point (None for history kept per unit only), its unit's
    path, the first day of its month, its figures."""

    @property
    def point_id(self) -> int | None: ...

    @property
    def unit_path(self) -> str: ...

    @property
    def month(self) -> dt.date: ...

    @property
    def tally(self) -> Any: ...


def month_of(value: dt.date | dt.datetime) -> dt.date:
    """A truncated month as the database gives it (a datetime on some backends)."""
    return value.date() if isinstance(value, dt.datetime) else value


class SubtreeFigures[T: Summable, G: PointGroup]:
    """The figures of ``unit``'s subtree (the whole province when None) from ``date_from``
    to ``date_to`` (inclusive); ``points`` maps each point of the subtree to its unit's path
    and kind."""

    tally: Callable[[], T]

    def __init__(
        self,
        *,
        province_code: str,
        date_from: dt.date,
        date_to: dt.date,
        unit: Unit | None = None,
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
        self.groups: list[G] = []
        if unit is None or self.points:
            self._load_records()
        self._load_history()

    def _load_records(self) -> None:
        raise NotImplementedError

    def _load_history(self) -> None:
        """The imported history of the months before go-live (none by default)."""

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
        return self._by(lambda group: group.month.month)

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
