from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import StrictBool, StrictInt


class PlanOut(Schema):
    id: int
    province_code: str
    year: int
    unit_code: str
    unit_name: str
    metric: str
    service: str
    amount: int


class PlanIn(Schema):
    unit_code: str
    year: StrictInt
    metric: str
    service: str = "total"
    amount: StrictInt | None = None


class UpliftIn(Schema):
    province: str
    year: StrictInt
    pct: float
    basis: str = "plan"
    unit: str | None = None


class UpliftOut(Schema):
    year: int
    rows: int


class ImportOut(Schema):
    created: int
    updated: int
    unchanged: int


class ReportFileIn(Schema):
    fmt: Literal["docx", "xlsx"]
    year: StrictInt
    province: str | None = None
    unit: str | None = None
    period: str | None = None
    estimate: StrictBool = True
    basis: str = "previous_year"
    issued_on: dt.date | None = None
