"""Schemas of /api/people/. Dates are ISO 8601; no whole number is asked in a body."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from buudien.people.choices import ContractType, Role


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    role: Role
    unit_code: str | None = Field(None, alias="unit.code")
    point_code: str | None = Field(None, alias="point.code")
    position: str
    is_active: bool


class Headcount(Schema):
    indefinite: int
    fixed_term: int
    seasonal: int
    service: int
    unspecified: int = Field(description="Staff whose contract is not recorded.")
    total: int


class HeadcountRow(Schema):
    code: str
    name: str
    counts: Headcount


class WorkforceOut(Schema):
    unit: str
    date: dt.date
    total: Headcount
    own: Headcount = Field(description="The staff of the unit itself (not of a child unit).")
    units: list[HeadcountRow]
    points: list[HeadcountRow]


class IncomeFigures(Schema):
    headcount: int | None = Field(description="The average number of workers in the year.")
    average_income: int | None = Field(description="đồng per person per month")
    imported: bool = Field(description="The unit's own row (else its children's average).")
    previous_headcount: int | None
    previous_average_income: int | None
    growth_pct: float | None


class IncomeRow(IncomeFigures):
    code: str
    name: str


class IncomeOut(IncomeFigures):
    unit: str
    year: int
    units: list[IncomeRow]


class StaffIn(Schema):
    full_name: str = Field(max_length=150)
    unit: str = Field(max_length=32, description="The code of the person's unit.")
    point: str = Field("", max_length=16, description="The code of their service point, if any.")
    role: Role = Role.POSTMAN
    position: str = Field("", max_length=120)
    phone: str = Field("", max_length=20)
    staff_code: str = Field("", max_length=20)
    contract_type: ContractType | None = None
    employed_from: dt.date | None = None


class StaffOut(UserOut):
    staff_code: str
    contract_type: str
    employed_from: dt.date | None
    employed_until: dt.date | None
    has_login: bool


class ImportOut(Schema):
    created: int
    updated: int
    unchanged: int
