"""Schemas of /api/insurance/. Money is an integer number of đồng; dates are ISO."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema
from pydantic import StrictInt


class ProductOut(Schema):
    code: str
    name: str
    insurer: str = Field(description="The insurer's code.")
    insurer_name: str
    kind: str
    term_months: int
    premium: int | None = Field(description="The fixed premium; null: entered per policy.")
    premium_min: int
    premium_max: int | None = Field(description="Null: no upper bound.")
    commission_bp: int
    plate_required: bool


class PolicyIn(Schema):
    point: str | None = Field(
        None, description="Code of the point; a clerk's own point when left out.", max_length=16
    )
    product: str = Field(max_length=32, description="The product's code.")
    insured_name: str = Field(max_length=300)
    citizen_id: str = Field("", max_length=40, description="Required for a health policy.")
    phone: str = Field("", max_length=40)
    address: str = Field("", max_length=600)
    plate: str = Field("", max_length=40, description="Required for a vehicle policy.")
    starts_on: dt.date | None = Field(None, description="Today when left out; up to 60 days on.")
    premium: StrictInt | None = Field(
        None, description="Only for a product without a fixed premium."
    )
    policy_number: str = Field("", max_length=40, description="The certificate's own number.")


class PolicyOut(Schema):
    reference: str
    policy_number: str
    status: str
    point: str
    business_date: dt.date
    product: str
    insurer: str
    kind: str
    insured_name: str
    phone: str
    plate: str
    starts_on: dt.date
    ends_on: dt.date
    premium: int
    commission: int
    owed: int = Field(description="Owed to the insurer: the premium less the commission.")
    entry_id: int | None
    cancel_entry_id: int | None


class StatementLineOut(Schema):
    business_date: dt.date
    point: str
    policy_number: str
    reference: str
    product: str
    insured_name: str
    premium: int
    commission: int
    owed: int


class StatementOut(Schema):
    insurer: str
    insurer_name: str
    year: int
    month: int
    policies: int
    premium: int
    commission: int
    owed: int = Field(description="What the post pays the insurer for the month.")
    lines: list[StatementLineOut]


class TallyOut(Schema):
    policies: int | None
    cancelled: int | None
    premium: int | None
    commission: int | None
    owed: int | None


class NamedTallyOut(TallyOut):
    code: str
    name: str


class PointTallyOut(NamedTallyOut):
    kind: str


class MonthTallyOut(TallyOut):
    month: int


class UnitRefOut(Schema):
    code: str
    name: str
    kind: str


class FiguresOut(Schema):
    year: int
    province: str
    unit: UnitRefOut
    total: TallyOut
    previous: TallyOut = Field(description="The year before.")
    bdvhx: TallyOut = Field(description="Policies issued at commune cultural points (BĐVHX).")
    per_insurer: list[NamedTallyOut]
    per_kind: list[NamedTallyOut]
    per_month: list[MonthTallyOut]
    per_unit: list[NamedTallyOut]
    per_point: list[PointTallyOut]
