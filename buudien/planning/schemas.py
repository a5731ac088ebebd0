from __future__ import annotations

from ninja import Schema
from pydantic import StrictInt


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
