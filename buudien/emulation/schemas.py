"""Schemas of /api/emulation/. Dates are ISO 8601; whole numbers in a body are strict
(``"2025"`` is not a year); figures of targets are decimals (a string or a number). A unit is
named by its code, a person by their user id."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema
from pydantic import StrictInt

from buudien.emulation.evidence import Row
from buudien.emulation.measures import Value
from buudien.emulation.models import Award, Initiative, Movement, Pledge

Short = Field("", max_length=200)
Long = Field("", max_length=5_000)


class MovementIn(Schema):
    province: str = Field("", max_length=32, description="The province post's code; empty: yours.")
    theme: str = Field(max_length=500)
    description: str = Long
    launched_by: str = Short
    launched_on: dt.date | None = None
    year_from: StrictInt
    year_to: StrictInt | None = None
    units: list[str] = Field([], max_length=500, description="Codes; none: every unit.")
    criteria: dict[str, StrictInt] = Field({}, description="Criterion code -> weight 1 to 10.")


class CriterionOut(Schema):
    code: str
    weight: int


class MovementOut(Schema):
    id: int
    province: str = Field(alias="province.code")
    theme: str
    description: str
    launched_by: str
    launched_on: dt.date
    year_from: int
    year_to: int
    units: list[str]
    criteria: list[CriterionOut]

    @staticmethod
    def resolve_units(obj: Movement) -> list[str]:
        return [unit.code for unit in obj.units.order_by("path")]

    @staticmethod
    def resolve_criteria(obj: Movement) -> list[Any]:
        return list(obj.criteria.order_by("-weight", "id"))


class TargetIn(Schema):
    code: str = Field(max_length=40)
    target: Decimal


class PledgeIn(Schema):
    unit: str = Field(max_length=32)
    year: StrictInt
    signed_on: dt.date | None = None
    management_signatory: str = Short
    union_signatory: str = Short
    note: str = Long
    movement: StrictInt | None = None
    targets: list[TargetIn] = Field([], max_length=50)


class PledgeResultsIn(Schema):
    year: StrictInt = Field(description="A year that has ended.")
    province: str = Field("", max_length=32, description="The province post's code; empty: yours.")


class PledgeResultsOut(Schema):
    year: int
    recorded: int = Field(description="The pledges whose results were recorded.")


class TargetOut(Schema):
    code: str
    target: Decimal
    result: Decimal | None
    met: bool | None


class PledgeOut(Schema):
    id: int
    unit: str = Field(alias="unit.code")
    year: int
    signed_on: dt.date
    management_signatory: str
    union_signatory: str
    note: str
    movement: int | None = Field(None, alias="movement_id")
    results_at: dt.datetime | None
    targets: list[TargetOut]

    @staticmethod
    def resolve_targets(obj: Pledge) -> list[Any]:
        return list(obj.targets.order_by("id"))


class AwardProposeIn(Schema):
    kind: str = Field(max_length=24)
    person: StrictInt | None = Field(None, description="The user id of the person.")
    unit: str = Field("", max_length=32, description="Or the code of the unit.")
    year_from: StrictInt
    year_to: StrictInt | None = None
    level: str = Field("", max_length=16, description="unit | corporation | ministry | state")
    name: str = Short
    citation: str = Long
    movement: StrictInt | None = None


class AwardRecordIn(AwardProposeIn):
    issuer: str = Short
    decision_number: str = Field("", max_length=80)
    decision_date: dt.date | None = None


class DecideIn(Schema):
    outcome: str = Field(max_length=16, description="awarded | rejected")
    decision_number: str = Field("", max_length=80)
    decision_date: dt.date | None = None
    issuer: str = Short
    note: str = Long


class AwardOut(Schema):
    id: int
    kind: str
    title: str
    name: str
    level: str
    issuer: str
    decision_number: str
    decision_date: dt.date | None
    person: int | None = Field(None, alias="person_id")
    person_name: str | None
    unit: str | None
    year_from: int
    year_to: int
    status: str
    citation: str
    note: str
    movement: int | None = Field(None, alias="movement_id")

    @staticmethod
    def resolve_person_name(obj: Award) -> str | None:
        return str(obj.person) if obj.person_id else None

    @staticmethod
    def resolve_unit(obj: Award) -> str | None:
        return obj.unit.code if obj.unit_id and obj.unit else None


class InitiativeIn(Schema):
    title: str = Field(max_length=400)
    unit: str = Field(max_length=32)
    authors: list[StrictInt] = Field([], max_length=50, description="User ids.")
    level: str = Field(
        "unit", max_length=16, description="unit | corporation | ministry | national"
    )
    year: StrictInt
    summary: str = Long
    benefit: str = Long
    benefit_amount: StrictInt | None = Field(None, description="Đồng a year.")
    decision_number: str = Field(
        "", max_length=80, description="An emulation officer's, for one recognised already."
    )
    decision_date: dt.date | None = None


class RecogniseIn(Schema):
    decision_number: str = Field(max_length=80)
    decision_date: dt.date | None = None
    note: str = Long


class RejectIn(Schema):
    note: str = Long


class InitiativeOut(Schema):
    id: int
    title: str
    summary: str
    unit: str = Field(alias="unit.code")
    authors: list[int]
    level: str
    year: int
    status: str
    decision_number: str
    decision_date: dt.date | None
    benefit: str
    benefit_amount: int | None

    @staticmethod
    def resolve_authors(obj: Initiative) -> list[int]:
        return sorted(author.pk for author in obj.authors.all())


class CheckOut(Schema):
    kind: str
    label: str
    ok: bool
    reasons: list[str]


class EligibilityOut(Schema):
    person: int | None
    unit: str | None
    year: int
    checks: list[CheckOut]


class RankedCriterionOut(Schema):
    code: str
    label: str
    weight: int
    higher_is_better: bool


class RankedOut(Schema):
    position: int = Field(description="1 + the candidates with a better (lower) score.")
    id: int = Field(alias="subject_id", description="The unit's or the person's id.")
    name: str
    unit: str = Field(description="A person's unit; empty for a unit.")
    score: float | None = Field(description="The weighted mean of the ranks: lower is better.")
    values: dict[str, Value] = Field(description="Criterion code -> the figure (none: no data).")
    ranks: dict[str, int | None] = Field(description="Criterion code -> the rank, 1 the best.")

    @staticmethod
    def resolve_values(obj: Row) -> dict[str, Value]:
        return {cell.code: cell.value for cell in obj.cells}

    @staticmethod
    def resolve_ranks(obj: Row) -> dict[str, int | None]:
        return {cell.code: cell.rank for cell in obj.cells}


class RankingTableOut(Schema):
    criteria: list[RankedCriterionOut]
    rows: list[RankedOut]
    ranked: int = Field(description="The candidates ranked.")
    outside: int = Field(description="Of them, outside your units: not shown.")
    more: int = Field(description="Of yours, beyond the first 30 people: not shown.")


class RankingOut(Schema):
    movement: int = Field(alias="movement_id")
    year: int | None = Field(description="None: no year of the movement has begun.")
    years: list[int]
    date_from: dt.date | None
    date_to: dt.date | None
    units: RankingTableOut | None
    people: RankingTableOut | None
