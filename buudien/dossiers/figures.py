"""The figures of administrative dossiers over a period: received and returned, returned on
time, the agencies' fees collected and the post's charges; in total, per point, per unit of a
subtree, per agency and per procedure.

Read from the rollup (``DossierRollup``, kept by the services as each dossier is received
and each result returned), in one GROUP BY per point, agency and procedure: the dossiers
received in the period (by business day) with their fees and charges, the results returned
(by the day in Vietnam, by the point that returned them) and those returned by the promised
date. A province takes some tens of thousands of dossiers a year: ``bench/dossier_lookup.py``
measures the figures of a year on 50,000 against the GROUP BY of the dossiers themselves.

The months before go-live come from the imported history (``planning.RevenueHistory``, service
``dossier``): its volume is the dossiers the post handled that month, counted here as received,
and its amount the post's revenue, counted as charges. History has no returns, no on-time
count, no agencies' fees and no agency or procedure: those stay null (no data, never 0).
History must not overlap the months with records (as for the ledger, ADR 0003).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, Sum

from buudien.core.catalogue import Service
from buudien.core.tally import Summable, tally_by, tally_by_unit, total_of
from buudien.dossiers.models import DossierRollup, FeeSettlement
from buudien.network.models import ServicePoint, Unit
from buudien.planning.models import RevenueHistory


@dataclass
class Tally(Summable):
    """The figures of one group; None where nothing has data for it."""

    received: int | None = None
    returned: int | None = None
    returned_on_time: int | None = None
    agency_fees: int | None = None
    charges: int | None = None

    @property
    def on_time_pct(self) -> float | None:
        """The % of the results returned by their promised date, one decimal."""
        if self.returned_on_time is None or not self.returned:
            return None
        return round(100 * self.returned_on_time / self.returned, 1)


@dataclass(frozen=True)
class Group:
    """One row of the queries: where (point, or the unit's path for history), which agency
    and procedure (None for history), and its figures."""

    point_id: int | None
    unit_path: str
    agency_id: int | None
    procedure_id: int | None
    tally: Tally


class DossierFigures:
    """The figures of the dossiers of ``unit``'s subtree (the whole province when None) from
    ``date_from`` to ``date_to`` (inclusive)."""

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
        self.point_paths: dict[int, str] = dict(points.values_list("pk", "unit_path"))
        self.groups: list[Group] = []
        if unit is None or self.point_paths:
            self._load_records()
        self._load_history()

    def _in_scope(self, column: str) -> Q:
        if self.unit is None:
            return Q()
        return Q(**{f"{column}__in": sorted(self.point_paths)})

    def _path(self, point_id: int | None) -> str:
        return self.point_paths.get(point_id, "") if point_id is not None else ""

    def _load_records(self) -> None:
        rows = (
            DossierRollup.objects.filter(
                self._in_scope("point_id"),
                province_code=self.province_code,
                day__gte=self.date_from,
                day__lte=self.date_to,
            )
            .values_list("point_id", "agency_id", "procedure_id")
            .annotate(
                received=Sum("received"),
                fees=Sum("agency_fees"),
                charges=Sum("charges"),
                returned=Sum("returned"),
                on_time=Sum("returned_on_time"),
            )
            .order_by()
        )
        for point_id, agency_id, procedure_id, received, fees, charges, returned, on_time in rows:
            # A side with nothing in the period stays "no data", as a count of the
            # dossiers themselves would have it.
            tally = Tally()
            if received:
                tally.received, tally.agency_fees = int(received), int(fees)
                tally.charges = int(charges)
            if returned:
                tally.returned, tally.returned_on_time = int(returned), int(on_time)
            self.groups.append(
                Group(point_id, self._path(point_id), agency_id, procedure_id, tally)
            )

    def _load_history(self) -> None:
        rows = RevenueHistory.objects.filter(
            province_code=self.province_code,
            service=Service.DOSSIER,
            month__gte=self.date_from.replace(day=1),
            month__lte=self.date_to,
        )
        if self.unit is not None:
            rows = rows.filter(unit__path__startswith=self.unit.path)
        for point_id, path, volume, amount in rows.values_list(
            "point_id", "unit__path", "volume", "amount"
        ):
            tally = Tally(received=volume, charges=amount)
            self.groups.append(Group(point_id, path, None, None, tally))

    def _by(self, key: Callable[[Group], Hashable | None]) -> dict[Any, Tally]:
        return tally_by(self.groups, key, Tally)

    def total(self) -> Tally:
        return total_of(self.groups, Tally)

    def fees_passed_on(self) -> int | None:
        """The agencies' fees passed on in the period (settlements by the business day of
        their transfer; province-wide: a settlement is per agency, not per point). None
        when the period has none."""
        if self.unit is not None:
            return None
        total = FeeSettlement.objects.filter(
            province_code=self.province_code,
            entry__business_date__gte=self.date_from,
            entry__business_date__lte=self.date_to,
        ).aggregate(total=Sum("total"))["total"]
        return int(total) if total is not None else None

    def by_point(self) -> dict[int, Tally]:
        """Per point id (history imported per unit only is left out)."""
        return self._by(lambda group: group.point_id)

    def by_agency(self) -> dict[int, Tally]:
        """Per agency id (records only)."""
        return self._by(lambda group: group.agency_id)

    def by_procedure(self) -> dict[int, Tally]:
        """Per procedure id (records only)."""
        return self._by(lambda group: group.procedure_id)

    def by_unit(self, units: Iterable[Unit]) -> dict[int, Tally]:
        """Per unit id of ``units`` (e.g. the children of the unit): the figures of its
        subtree. A unit without data has an empty ``Tally``."""
        return tally_by_unit(self.groups, units, Tally)


def year_figures(*, province_code: str, year: int, unit: Unit | None = None) -> DossierFigures:
    """The figures of the dossiers of ``year`` in ``unit``'s subtree (the province when
    None)."""
    return DossierFigures(
        province_code=province_code,
        date_from=dt.date(year, 1, 1),
        date_to=dt.date(year, 12, 31),
        unit=unit,
    )
