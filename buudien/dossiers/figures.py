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
import functools
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet, Sum

from buudien.core.catalogue import Service
from buudien.core.tally import Summable
from buudien.dossiers.models import DossierRollup, FeeSettlement
from buudien.network.figures import SubtreeFigures
from buudien.network.models import Unit


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
    month: dt.date | None = None  # of history; records are of the whole period


class DossierFigures(SubtreeFigures[Tally, Group]):
    """The figures of the dossiers of ``unit``'s subtree (the whole province when None) from
    ``date_from`` to ``date_to`` (inclusive)."""

    tally = Tally
    history_service = Service.DOSSIER

    def _rollup(self) -> QuerySet[Any]:
        rows = DossierRollup.objects.filter(province_code=self.province_code)
        if self.unit is not None:
            rows = rows.filter(point_id__in=sorted(self.points))
        return rows

    def _records(self, rows: QuerySet[Any]) -> Iterable[tuple[int, Group]]:
        grouped = (
            rows.values_list("part", "point_id", "agency_id", "procedure_id")
            .annotate(
                received=Sum("received"),
                fees=Sum("agency_fees"),
                charges=Sum("charges"),
                returned=Sum("returned"),
                on_time=Sum("returned_on_time"),
            )
            .order_by()
        )
        for part, point_id, agency_id, procedure_id, *sums in grouped:
            received, fees, charges, returned, on_time = sums
            # A side with nothing in the period stays "no data", as a count of the
            # dossiers themselves would have it.
            tally = Tally()
            if received:
                tally.received, tally.agency_fees = int(received), int(fees)
                tally.charges = int(charges)
            if returned:
                tally.returned, tally.returned_on_time = int(returned), int(on_time)
            yield part, Group(point_id, self._path(point_id), agency_id, procedure_id, tally)

    def _history_group(
        self, point_id: int | None, path: str, month: dt.date, volume: int | None, amount: int
    ) -> Group:
        tally = Tally(received=volume, charges=amount)
        return Group(point_id, path, None, None, tally, month)

    def fees_passed_on(self) -> int | None:
        """The agencies' fees passed on in the period (settlements by the business day of
        their transfer; province-wide: a settlement is per agency, not per point). None
        when the period has none."""
        return fees_passed_on([self])[0]

    def by_agency(self) -> dict[int, Tally]:
        """Per agency id (records only)."""
        return self._by(lambda group: group.agency_id)

    def by_procedure(self) -> dict[int, Tally]:
        """Per procedure id (records only)."""
        return self._by(lambda group: group.procedure_id)


def fees_passed_on(figures: Sequence[DossierFigures]) -> list[int | None]:
    """``DossierFigures.fees_passed_on`` of each of ``figures`` (of the same scope), in one
    aggregate query."""
    if not figures or figures[0].unit is not None:
        return [None for _one in figures]
    spans = [
        Q(entry__business_date__gte=one.date_from, entry__business_date__lte=one.date_to)
        for one in figures
    ]
    found = FeeSettlement.objects.filter(
        functools.reduce(operator.or_, spans), province_code=figures[0].province_code
    ).aggregate(**{f"total_{i}": Sum("total", filter=span) for i, span in enumerate(spans)})
    return [
        int(total) if (total := found[f"total_{i}"]) is not None else None
        for i in range(len(spans))
    ]


def year_figures(*, province_code: str, year: int, unit: Unit | None = None) -> DossierFigures:
    """The figures of the dossiers of ``year`` in ``unit``'s subtree (the province when
    None)."""
    return DossierFigures(
        province_code=province_code,
        date_from=dt.date(year, 1, 1),
        date_to=dt.date(year, 12, 31),
        unit=unit,
    )
