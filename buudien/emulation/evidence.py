"""The emulation council's evidence from the system's own figures (``emulation.measures``):
reads, for the movement's and the initiative's pages and the API.

- ``movement_ranking``: a movement's candidates ranked by its criteria (``measures.rank``,
  weighted by the movement's weights) over one of its years that has begun, cut at today:
  the participating units (the movement's ``units``, the outermost of them when one holds
  another; none named: the province's children in force in the period) on its unit criteria,
  and the people of those units whose role does the work of its person criteria on those
  (the first ``PEOPLE_SHOWN``). A table only for a subject the movement has criteria of.
- ``initiative_impact``: for a recognised initiative, each unit where it is applied, on
  every unit criterion (an initiative may move any figure, not only those a movement in
  force judges, and one applied where no movement runs still has its before and after),
  over the ``months`` before its application's date and the ``months`` from it
  (``measures.impact``).

Scope: the ranking is the council's, the same for every reader: every candidate is ranked
and a ``position`` is among them all. A reader is shown only the rows of the units and the
people of their own subtree (a unit or a person's unit under their unit), with those
positions; the figures of the others are not shown, only how many they are (``outside``).
A rank on a criterion does tell a reader how many candidates did better, never their
figures. The impact is shown for the units of the reader's subtree only, and only those are
measured.

Queries: a fixed number per ranking (the participants, the people, then ``measures``' own
bounded reads), whatever the number of units and people; the impact measures once per
application date (and per level of units nested in one another on that date).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from buudien.core.bizdays import local_today
from buudien.core.errors import DomainError
from buudien.core.money import format_number, format_percent
from buudien.emulation import measures
from buudien.emulation.choices import InitiativeStatus
from buudien.emulation.criteria import CRITERIA, PERSON, UNIT
from buudien.emulation.models import Initiative, InitiativeApplication, Movement
from buudien.emulation.rules import province_of
from buudien.emulation.selectors import CriterionRow, movement_criteria
from buudien.network.models import Unit
from buudien.people import access
from buudien.people.models import User

PEOPLE_SHOWN = 30
IMPACT_MONTHS = 6


# --- the candidates' ranking -------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    code: str
    value: measures.Value
    text: str  # ``measures.describe``
    rank: int | None


@dataclass(frozen=True)
class Row:
    position: int
    subject_id: int
    name: str
    unit: str  # a person's unit; "" for a unit
    score: float | None
    score_text: str
    cells: list[Cell]


@dataclass(frozen=True)
class Table:
    subject: str  # criteria.UNIT or criteria.PERSON
    criteria: list[CriterionRow]
    rows: list[Row]  # those the reader is shown, best first
    ranked: int  # the candidates ranked, the reader's or not
    outside: int  # of them, outside the reader's subtree: not shown
    more: int  # the reader's beyond the first ``PEOPLE_SHOWN``: not shown


@dataclass(frozen=True)
class MovementRanking:
    movement_id: int
    year: int | None  # None: no year of the movement has begun
    years: list[int]  # the movement's years that have begun
    date_from: dt.date | None
    date_to: dt.date | None
    units: Table | None
    people: Table | None

    @property
    def tables(self) -> list[Table]:
        return [table for table in (self.units, self.people) if table is not None]


def ranking_years(movement: Movement, today: dt.date) -> list[int]:
    """The movement's years that have begun on ``today``."""
    return list(range(movement.year_from, min(movement.year_to, today.year) + 1))


def participants(movement: Movement, date_from: dt.date, date_to: dt.date) -> list[Unit]:
    """The units a movement ranks: its own (the outermost, when one holds another), else the
    province's children in force in the period."""
    named = list(movement.units.all())
    if not named:
        return measures.units_of(province=movement.province, date_from=date_from, date_to=date_to)
    return measures.layers(named)[0]


def _people(codes: Sequence[str], units: Sequence[Unit]) -> list[User]:
    """The active people of ``units`` (by their unit or their point) whose role does the work
    of one of ``codes``, with their unit."""
    roles = set().union(*(measures.PERSON_ROLES.get(code, frozenset()) for code in codes))
    if not units or not roles:
        return []
    where = Q()
    for unit in units:
        where |= Q(unit__path__startswith=unit.path) | Q(point__unit_path__startswith=unit.path)
    rows = User.objects.filter(where, is_active=True, role__in=sorted(roles))
    return list(rows.select_related("unit").order_by("username"))


def _score(score: float | None) -> str:
    return measures.DASH if score is None else format_number(score, 2)


def _table(
    subject: str,
    criteria: list[CriterionRow],
    ranked: list[measures.Ranked],
    *,
    homes: dict[int, Unit | None],
    user: Any,
) -> Table:
    """The rows of ``ranked`` whose home (a unit itself, a person's unit) is in ``user``'s
    subtree; the first ``PEOPLE_SHOWN`` of them for people."""
    mine = [
        row
        for row in ranked
        if (home := homes.get(row.subject_id)) is not None and access.in_scope(user, home.path)
    ]
    kept = mine[:PEOPLE_SHOWN] if subject == PERSON else mine
    rows = [
        Row(
            position=row.position,
            subject_id=row.subject_id,
            name=row.name,
            unit=str(getattr(homes[row.subject_id], "name", "")) if subject == PERSON else "",
            score=row.score,
            score_text=_score(row.score),
            cells=[
                Cell(
                    c.code,
                    row.values[c.code],
                    measures.describe(c.code, row.values[c.code]),
                    row.ranks[c.code],
                )
                for c in criteria
            ],
        )
        for row in kept
    ]
    return Table(
        subject, criteria, rows, len(ranked), len(ranked) - len(mine), len(mine) - len(kept)
    )


def _ranked(
    *,
    user: Any,
    movement: Movement,
    criteria: list[CriterionRow],
    units: list[Unit],
    date_from: dt.date,
    date_to: dt.date,
) -> Table:
    """The table of ``criteria`` (of one subject): ``units`` or their people ranked."""
    subject = criteria[0].subject
    weights = [(c.code, c.weight) for c in criteria]
    given: dict[str, Any]
    if subject == UNIT:
        homes: dict[int, Unit | None] = {int(unit.pk): unit for unit in units}
        given = {"units": units}
    else:
        people = _people([code for code, _weight in weights], units)
        homes = {int(person.pk): person.unit for person in people}
        given = {"people": people}
    ranked = []
    if homes:
        ranked = measures.rank(
            weights, province=movement.province, date_from=date_from, date_to=date_to, **given
        )
    return _table(subject, criteria, ranked, homes=homes, user=user)


def movement_ranking(
    *, user: Any, movement: Movement, year: int | None = None, today: dt.date | None = None
) -> MovementRanking | None:
    """The candidates' ranking of ``movement`` in ``year`` (by default its last year that has
    begun) as ``user`` is shown it (see the module docstring); None when the movement has no
    criteria. A ``year`` of the movement that has not begun, or not of it, is refused."""
    criteria = [c for c in movement_criteria(movement) if c.subject in (UNIT, PERSON)]
    if not criteria:
        return None
    today = today or local_today()
    years = ranking_years(movement, today)
    if year is not None and year not in years:
        raise DomainError(
            _("The movement's ranking is of one of its years that has begun: %(years)s.")
            % {"years": ", ".join(map(str, years)) or "—"},
            field="year",
        )
    if not years:
        return MovementRanking(movement.pk, None, [], None, None, None, None)
    year = year or years[-1]
    start, end = dt.date(year, 1, 1), min(dt.date(year, 12, 31), today)
    units = participants(movement, start, end)
    tables: dict[str, Table | None] = {UNIT: None, PERSON: None}
    for subject in tables:
        chosen = [c for c in criteria if c.subject == subject]
        if chosen:
            tables[subject] = _ranked(
                user=user, movement=movement, criteria=chosen, units=units, date_from=start,
                date_to=end,
            )  # fmt: skip
    return MovementRanking(movement.pk, year, years, start, end, tables[UNIT], tables[PERSON])


# --- an initiative's impact --------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    code: str
    label: str
    before: measures.Value
    after: measures.Value
    change: float | None
    before_text: str
    after_text: str
    change_text: str
    better: bool | None  # the change is an improvement (None: no change or no figure)


@dataclass(frozen=True)
class Impact:
    unit_id: int
    unit: str
    applied_on: dt.date
    rows: list[Change]


def _change_text(code: str, change: float | None) -> str:
    """A change as ``measures.impact`` computes it: in points for a % ("+5,0 points"), as is
    for a rate, as a % for a count or money."""
    if change is None:
        return measures.DASH
    sign = "+" if change > 0 else ""
    kind = CRITERIA[code].kind
    if kind == "pct":
        return _("%(n)s points") % {"n": sign + format_number(change, 1)}
    if kind == "rate":
        return sign + format_number(change, 2)
    return sign + format_percent(change)


def _better(code: str, change: float | None) -> bool | None:
    if not change:
        return None
    return (change > 0) == CRITERIA[code].higher_is_better


def initiative_impact(
    *,
    user: Any,
    initiative: Initiative,
    applications: Sequence[InitiativeApplication] | None = None,
    months: int = IMPACT_MONTHS,
) -> list[Impact]:
    """The impact of a recognised ``initiative`` in each unit of ``user``'s subtree where it
    is applied (``applications``, with their units; by default read), by date then unit; []
    when not recognised or applied nowhere the reader sees."""
    if initiative.status != InitiativeStatus.RECOGNISED:
        return []
    if applications is None:
        applications = list(initiative.applications.select_related("unit"))
    mine = [a for a in applications if access.in_scope(user, a.unit.path)]
    province = province_of(initiative.unit) if mine else None
    if province is None:
        return []
    codes = [code for code, criterion in CRITERIA.items() if criterion.subject == UNIT]
    days: dict[dt.date, list[Unit]] = {}
    for application in mine:
        days.setdefault(application.applied_on, []).append(application.unit)
    out = []
    for day, units in sorted(days.items()):
        for batch in measures.layers(units):
            rows = measures.impact(
                codes, province=province, units=batch, applied_on=day, months=months
            )
            for unit in batch:
                changes = [
                    Change(
                        row["code"],
                        row["label"],
                        row["before"],
                        row["after"],
                        row["change"],
                        measures.describe(row["code"], row["before"]),
                        measures.describe(row["code"], row["after"]),
                        _change_text(row["code"], row["change"]),
                        _better(row["code"], row["change"]),
                    )
                    for row in rows
                    if row["unit_id"] == unit.pk
                ]
                out.append(Impact(int(unit.pk), unit.name, day, changes))
    out.sort(key=lambda impact: (impact.applied_on, impact.unit))
    return out
