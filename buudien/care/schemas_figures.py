"""The schemas of the care figures (``GET /api/care/figures``)."""

from __future__ import annotations

from ninja import Field, Schema


class CareTallyOut(Schema):
    received: int | None = Field(description="Requests received (enquiries, complaints…).")
    complaints: int | None
    closed: int | None = Field(description="Of those received, closed.")
    closed_on_time: int | None = Field(description="Of those closed, within the legal time.")
    complaints_closed: int | None
    complaints_on_time: int | None
    upheld: int | None = Field(description="Complaints upheld, fully or partly.")
    compensations: int | None = Field(description="Compensations paid in the period.")
    compensation_paid: int | None = Field(description="Their amount (đồng).")
    on_time_pct: float | None = Field(description="% of the requests closed, closed in time.")
    complaints_on_time_pct: float | None = Field(
        description="% of the complaints closed, resolved within the legal time."
    )


class NamedCareTallyOut(CareTallyOut):
    code: str
    name: str


class MonthCareTallyOut(CareTallyOut):
    month: int


class CareUnitOut(Schema):
    code: str
    name: str
    kind: str


class ServiceRateOut(Schema):
    code: str
    name: str
    items: int | None = Field(description="Items accepted.")
    complaints: int | None
    per_10000: float | None = Field(description="Complaints per 10,000 items accepted.")
    items_previous: int | None
    complaints_previous: int | None
    per_10000_previous: float | None


class CareFiguresOut(Schema):
    year: int
    province: str
    unit: CareUnitOut
    total: CareTallyOut
    previous: CareTallyOut = Field(description="The year before.")
    items: int | None = Field(description="Postal items accepted in the year.")
    items_previous: int | None
    per_10000: float | None = Field(description="Complaints per 10,000 items accepted.")
    per_10000_previous: float | None
    per_service: list[ServiceRateOut]
    per_channel: list[NamedCareTallyOut]
    per_kind: list[NamedCareTallyOut]
    per_ground: list[NamedCareTallyOut]
    per_month: list[MonthCareTallyOut]
    per_unit: list[NamedCareTallyOut]
