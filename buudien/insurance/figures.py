"""The figures of insurance over a period: policies issued (net of those cancelled),
premiums taken and the post's commission (its revenue), the premiums owed to the insurers;
in total, per insurer, product kind, point, unit of a subtree and month, and at the commune
cultural points (BĐVHX).

Read from the rollup (``InsuranceRollup``, kept by the services as each policy is issued and
cancelled), in one GROUP BY per point, insurer, kind and month. A figure with nothing in the
period is None ("no data"), never 0. The months before go-live come from the imported history
(``planning.RevenueHistory``, service ``insurance``): its amount is the commission and its
volume the policies; history has no insurer, kind or premium.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from django.db.models import F, QuerySet, Sum
from django.db.models.functions import TruncMonth

from buudien.core.catalogue import Service
from buudien.core.tally import Summable
from buudien.insurance.choices import ProductKind
from buudien.insurance.models import InsuranceRollup, Insurer
from buudien.network.figures import SubtreeFigures, month_of, unit_year
from buudien.network.models import Unit


@dataclass
class Tally(Summable):
    """The figures of one group, net of the policies cancelled; None where nothing has data."""

    policies: int | None = None
    cancelled: int | None = None
    premium: int | None = None
    commission: int | None = None

    @property
    def owed(self) -> int | None:
        """What the insurers are owed: the premiums less the commission."""
        if self.premium is None or self.commission is None:
            return None
        return self.premium - self.commission


@dataclass(frozen=True)
class Group:
    point_id: int | None
    unit_path: str
    insurer_id: int | None
    kind: str | None
    month: dt.date
    tally: Tally


class InsuranceFigures(SubtreeFigures[Tally, Group]):
    """The figures of the policies issued in ``unit``'s subtree (the whole province when
    None) from ``date_from`` to ``date_to`` (inclusive)."""

    tally = Tally
    history_service = Service.INSURANCE

    def _rollup(self) -> QuerySet[Any]:
        rows = InsuranceRollup.objects.filter(province_code=self.province_code)
        if self.unit is not None:
            rows = rows.filter(point_id__in=sorted(self.points))
        return rows

    def _records(self, rows: QuerySet[Any]) -> Iterable[tuple[int, Group]]:
        grouped = (
            rows.annotate(month=TruncMonth("day"))
            .values_list("part", "point_id", "insurer_id", "kind", "month")
            .annotate(
                n=Sum(F("policies") - F("cancelled")),
                gone=Sum("cancelled"),
                premium_=Sum(F("premium") - F("premium_cancelled")),
                commission_=Sum(F("commission") - F("commission_cancelled")),
            )
            .order_by()
        )
        for part, point_id, insurer_id, kind, month, *values in grouped:
            tally = Tally(*(int(value or 0) for value in values))
            yield (
                part,
                Group(point_id, self._path(point_id), insurer_id, kind, month_of(month), tally),
            )

    def _history_group(
        self, point_id: int | None, path: str, month: dt.date, volume: int | None, amount: int
    ) -> Group:
        tally = Tally(policies=volume, commission=amount)
        return Group(point_id, path, None, None, month, tally)

    def by_insurer(self) -> dict[int, Tally]:
        """Per insurer id (records only)."""
        return self._by(lambda group: group.insurer_id)

    def by_kind(self) -> dict[str, Tally]:
        """Per product kind (records only)."""
        return self._by(lambda group: group.kind)


def year_figures(*, province_code: str, year: int, unit: Unit | None = None) -> InsuranceFigures:
    return InsuranceFigures(
        province_code=province_code,
        date_from=dt.date(year, 1, 1),
        date_to=dt.date(year, 12, 31),
        unit=unit,
    )


def tally_out(tally: Tally) -> dict[str, Any]:
    return {**{f.name: getattr(tally, f.name) for f in fields(tally)}, "owed": tally.owed}


def year_summary(
    *, user: Any, province_code: str, year: int, unit_code: str | None = None
) -> dict[str, Any]:
    """The insurance figures of ``year`` for a unit of ``user``'s scope: the total against
    last year, per insurer, product kind, month, child unit and point, and the BĐVHX."""
    found = unit_year(
        InsuranceFigures, user=user, province_code=province_code, year=year, unit_code=unit_code
    )
    now = found.now
    insurers = {i.pk: i for i in Insurer.objects.filter(province_code=province_code)}
    by_insurer, kinds = now.by_insurer(), now.by_kind()
    return {
        **found.common(tally_out),
        "per_insurer": [
            {"code": insurers[pk].code, "name": insurers[pk].name, **tally_out(tally)}
            for pk, tally in sorted(by_insurer.items(), key=lambda item: insurers[item[0]].code)
        ],
        "per_kind": [
            {"code": code, "name": str(label), **tally_out(kinds[code])}
            for code, label in ProductKind.choices
            if code in kinds
        ],
    }
