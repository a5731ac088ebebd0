"""Schemas of /api/telecom/. Money is an integer number of đồng; dates are ISO 8601. A card's
secret code is in clear only in the answer to the sale that sold it (``code``); every other
answer gives it masked (``masked``) and ``code`` null."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema
from pydantic import StrictInt

PointCode = Field(
    None, max_length=16, description="Code of the point; a clerk's own point when left out."
)


class OperatorOut(Schema):
    code: str
    name: str
    prefixes: list[str]
    topup_commission_bp: int
    pin_commission_bp: int


class TopupIn(Schema):
    point: str | None = PointCode
    phone: str = Field(max_length=20, description="The subscriber's mobile number, 10 digits.")
    amount: StrictInt = Field(description="A denomination: 10000, 20000, 30000, 50000 ... 500000.")
    operator: str | None = Field(
        None, max_length=24, description="Left out: the operator owning the number's prefix."
    )


class TopupOut(Schema):
    reference: str
    point: str
    business_date: dt.date
    created_at: dt.datetime
    operator: str
    phone: str
    amount: int
    commission: int
    cancelled: bool
    cancel_reason: str


class PinSaleIn(Schema):
    point: str | None = PointCode
    operator: str = Field(max_length=24)
    face_value: StrictInt
    quantity: StrictInt = Field(1, description="1 to 20 codes.")


class PinOut(Schema):
    serial: str
    face_value: int
    masked: str
    code: str | None = Field(description="In clear once: in the answer to the sale only.")


class PinSaleOut(Schema):
    reference: str
    point: str
    business_date: dt.date
    created_at: dt.datetime
    operator: str
    face_value: int
    quantity: int
    amount: int
    commission: int
    shown: bool = Field(description="True when this answer shows the codes in clear.")
    pins: list[PinOut]


class StockOut(Schema):
    operator: str
    operator_name: str
    face_value: int
    available: int
    sold: int


class BatchOut(Schema):
    id: int
    operator: str
    count: int
    total: int
    face_value: int | None
    received_at: dt.datetime


class TallyOut(Schema):
    sales: int | None
    units: int | None
    amount: int | None
    commission: int | None


class NamedTallyOut(TallyOut):
    code: str
    name: str


class MonthTallyOut(TallyOut):
    month: int


class PointTallyOut(NamedTallyOut):
    kind: str


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
    bdvhx: TallyOut = Field(description="Sales at commune cultural points (BĐVHX).")
    bdvhx_share_pct: float | None
    bdvhx_commission_share_pct: float | None
    per_operator: list[NamedTallyOut]
    per_kind: list[NamedTallyOut]
    per_month: list[MonthTallyOut]
    per_unit: list[NamedTallyOut]
    per_point: list[PointTallyOut]
