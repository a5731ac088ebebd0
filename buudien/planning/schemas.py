from __future__ import annotations

from ninja import Schema


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
    year: int
    metric: str
    service: str = "total"
    amount: int | None = None


class UpliftIn(Schema):
    province: str
    year: int
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
