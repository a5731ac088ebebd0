"""Emulation and commendation in the year-end report ("Công tác thi đua, khen thưởng").

``emulation_figures(province=..., unit=..., date_from=..., date_to=...)`` gives, for a unit
subtree (the province by default) and a period of one year, against the same period a year
before where a comparison means something:

- ``movements``: the movements in force in the period's year that concern the subtree
  (launched by its province post for all its units, or with a participating unit in or
  above it), launched first first;
- ``pledges``: the subtree's units that signed a pledge for the year, those whose results
  are recorded, and those that met every target;
- ``awards``: the titles and awards given in the period (awarded, by the date of their
  decision), to people and to units, per level (the State first) and per kind;
- ``notable``: those of the State and of a ministry, by name, as a review names them;
- ``initiatives``: the initiatives recognised in the period (by the decision's date), per
  level, the benefit claimed for them and the units where they are applied.

Counts of this period sit beside the same period's a year before (``*_previous``). The
records are few (hundreds a year at a province), read by their indexed year and
province; nothing is typed into the report.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q

from buudien.emulation.choices import (
    AwardKind,
    AwardLevel,
    AwardStatus,
    InitiativeLevel,
    InitiativeStatus,
)
from buudien.emulation.models import (
    Award,
    Initiative,
    InitiativeApplication,
    Movement,
    Pledge,
    PledgeTarget,
)
from buudien.emulation.selectors import ancestors
from buudien.network.models import Unit

# The levels, the highest first (the order a review names them in).
LEVELS_HIGH_FIRST = (
    AwardLevel.STATE,
    AwardLevel.MINISTRY,
    AwardLevel.CORPORATION,
    AwardLevel.UNIT,
)
NOTABLE_LEVELS = (AwardLevel.STATE, AwardLevel.MINISTRY)
NOTABLE_MAX = 12


def _movements(province: Unit, unit: Unit, year: int) -> list[dict[str, Any]]:
    rows = (
        Movement.objects.filter(
            province_code=province.province_code, year_from__lte=year, year_to__gte=year
        )
        .annotate(
            named=Count("units", distinct=True),
            inside=Count("units", filter=Q(units__path__startswith=unit.path), distinct=True),
            over=Count("units", filter=Q(units__path__in=ancestors(unit.path)), distinct=True),
        )
        .order_by("launched_on", "pk")
    )
    out = []
    for movement in rows:
        if movement.named and not (movement.inside or movement.over):
            continue
        out.append(
            {
                "theme": movement.theme,
                "launched_by": movement.launched_by,
                "launched_on": movement.launched_on.isoformat(),
                "years": movement.years,
                "units": movement.named or None,  # None: every unit of the province
            }
        )
    return out


def _pledges(province: Unit, unit: Unit, year: int) -> dict[str, Any]:
    """The units that signed a pledge for ``year``, whose results are recorded, and that met
    every target of a pledge with results: one read of the pledges, each with whether a
    target of it was missed (not met, or not stated)."""
    missed = PledgeTarget.objects.filter(pledge=OuterRef("pk")).exclude(met=True)
    rows = (
        Pledge.objects.filter(
            province_code=province.province_code, year=year, unit_path__startswith=unit.path
        )
        .annotate(missed=Exists(missed))
        .values_list("unit_id", "results_at", "missed")
        .order_by()
    )
    signed, recorded, met = set(), set(), set()
    for unit_id, results_at, has_missed in rows:
        signed.add(unit_id)
        if results_at is not None:
            recorded.add(unit_id)
            if not has_missed:
                met.add(unit_id)
    return {
        "signed": len(signed),
        "assessed": len(recorded),
        "met": len(met),
        "met_pct": round(len(met) * 100 / len(recorded), 1) if recorded else None,
    }


def _decided_in(periods: list[tuple[dt.date, dt.date]]) -> Q:
    """Records whose decision's date lies in one of ``periods``."""
    spans = Q()
    for start, end in periods:
        spans |= Q(decision_date__gte=start, decision_date__lte=end)
    return spans


@dataclass(frozen=True)
class _Award:
    """What the report shows of an award: its row and its recipient's names, read as values
    (a model instance with its person and unit costs ten times as much, on some thousands)."""

    pk: int
    kind: str
    name: str
    level: str
    person_id: int | None
    issuer: str
    decision_number: str
    decision_date: dt.date | None
    person_full_name: str | None
    person_username: str | None
    person_position: str | None
    unit_name: str | None

    @property
    def title(self) -> str:
        """As ``Award.title``: the kind, or the name of another title or award."""
        return self.name if self.kind == AwardKind.OTHER else str(AwardKind(self.kind).label)


_AWARD_COLUMNS = (
    "pk",
    "kind",
    "name",
    "level",
    "person_id",
    "issuer",
    "decision_number",
    "decision_date",
    "person__full_name",
    "person__username",
    "person__position",
    "unit__name",
)


def _awards_in(
    province: Unit, unit: Unit, periods: list[tuple[dt.date, dt.date]]
) -> list[list[_Award]]:
    """The awards given in each of ``periods`` (apart from each other) in one read, by the
    date of their decision."""
    spans = _decided_in(periods)
    found = [
        _Award(*row)
        for row in Award.objects.filter(
            spans,
            province_code=province.province_code,
            status=AwardStatus.AWARDED,
            unit_path__startswith=unit.path,
        )
        .order_by("decision_date", "pk")
        .values_list(*_AWARD_COLUMNS)
    ]
    return [
        [award for award in found if award.decision_date and start <= award.decision_date <= end]
        for start, end in periods
    ]


def _per(awards: list[_Award], key: Any) -> dict[Any, Counter[str]]:
    out: dict[Any, Counter[str]] = {}
    for award in awards:
        out.setdefault(key(award), Counter())["persons" if award.person_id else "units"] += 1
    return out


def _recipient(award: _Award) -> str:
    if award.person_id and award.person_username is not None:
        name = award.person_full_name or award.person_username
        return f"{name}, {award.person_position}" if award.person_position else name
    return award.unit_name if award.unit_name is not None else ""


def _awards(now: list[_Award], before: list[_Award]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    levels, levels_before = _per(now, lambda a: a.level), _per(before, lambda a: a.level)
    kinds, kinds_before = _per(now, lambda a: a.title), _per(before, lambda a: a.title)
    first_seen: dict[str, tuple[int, str]] = {}
    order: dict[str, int] = {str(level): index for index, level in enumerate(LEVELS_HIGH_FIRST)}
    for award in now:
        first_seen.setdefault(award.title, (order.get(award.level, 9), award.kind))
    per_level = [
        {
            "code": level.value,
            "name": str(level.label),
            "persons": levels.get(level, Counter())["persons"],
            "units": levels.get(level, Counter())["units"],
            "total": sum(levels.get(level, Counter()).values()),
            "previous": sum(levels_before.get(level, Counter()).values()),
        }
        for level in LEVELS_HIGH_FIRST
        if level in levels or level in levels_before
    ]
    kind_order = {kind: index for index, kind in enumerate(AwardKind.values)}
    per_kind = [
        {
            "code": first_seen[title][1],
            "name": title,
            "persons": counted["persons"],
            "units": counted["units"],
            "total": counted["persons"] + counted["units"],
            "previous": sum(kinds_before.get(title, Counter()).values()),
        }
        for title, counted in sorted(
            kinds.items(),
            key=lambda item: (
                first_seen[item[0]][0],
                kind_order.get(first_seen[item[0]][1], 99),
                item[0],
            ),
        )
    ]
    persons = sum(1 for award in now if award.person_id)
    summary = {
        "total": len(now),
        "total_previous": len(before),
        "persons": persons,
        "units": len(now) - persons,
        "per_level": per_level,
        "per_kind": per_kind,
    }
    notable = [
        {
            "title": award.title,
            "kind": award.kind,
            "level": award.level,
            "recipient": _recipient(award),
            "person": bool(award.person_id),
            "issuer": award.issuer,
            "decision_number": award.decision_number,
            "decision_date": award.decision_date.isoformat() if award.decision_date else None,
        }
        for award in sorted(
            (award for award in now if award.level in NOTABLE_LEVELS),
            key=lambda award: (order[award.level], kind_order.get(award.kind, 99), award.pk),
        )
    ][:NOTABLE_MAX]
    return summary, notable


def _initiatives(
    province: Unit, unit: Unit, periods: list[tuple[dt.date, dt.date]]
) -> list[dict[str, Any]]:
    """The initiatives recognised in each of ``periods`` (apart from each other), per level,
    their benefit, in one read; and the units where those of the first period are applied,
    in another."""
    spans = _decided_in(periods)
    rows = list(
        Initiative.objects.filter(
            spans,
            province_code=province.province_code,
            status=InitiativeStatus.RECOGNISED,
            unit_path__startswith=unit.path,
        ).values_list("pk", "decision_date", "level", "benefit_amount")
    )
    out = []
    for index, (start, end) in enumerate(periods):
        found = [row for row in rows if row[1] is not None and start <= row[1] <= end]
        benefits = [row[3] for row in found if row[3] is not None]
        applied = None
        if index == 0:
            applied = (
                InitiativeApplication.objects.filter(
                    initiative__in=[row[0] for row in found], unit__path__startswith=unit.path
                )
                .values("unit")
                .distinct()
                .count()
                if found
                else 0
            )
        out.append(
            {
                "recognised": len(found),
                "per_level": dict(Counter(row[2] for row in found)),
                "benefit_amount": sum(benefits) if benefits else None,
                "applied_units": applied,
            }
        )
    return out


def emulation_figures(
    *,
    province: Unit,
    unit: Unit,
    date_from: dt.date,
    date_to: dt.date,
    previous_from: dt.date,
    previous_to: dt.date,
) -> dict[str, Any]:
    """The report's section (see the module docstring); ``previous_*``: the same period a
    year before."""
    year = date_to.year
    periods = [(date_from, date_to), (previous_from, previous_to)]
    awards, notable = _awards(*_awards_in(province, unit, periods))
    now, before = _initiatives(province, unit, periods)
    per_level = [
        {
            "code": level.value,
            "name": str(level.label),
            "count": now["per_level"].get(level.value, 0),
            "previous": before["per_level"].get(level.value, 0),
        }
        for level in InitiativeLevel
        if level.value in now["per_level"] or level.value in before["per_level"]
    ]
    return {
        "movements": _movements(province, unit, year),
        "pledges": _pledges(province, unit, year),
        "awards": awards,
        "notable": notable,
        "initiatives": {
            "recognised": now["recognised"],
            "recognised_previous": before["recognised"],
            "per_level": per_level,
            "benefit_amount": now["benefit_amount"],
            "applied_units": now["applied_units"],
        },
    }
