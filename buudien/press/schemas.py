"""Schemas of /api/press/. Money is an integer number of đồng; dates are ISO."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class PriceOut(Schema):
    period_kind: str
    price: int
    valid_from: dt.date


class TitleOut(Schema):
    code: str
    name: str
    publisher: str = Field(description="The publisher's code.")
    publisher_name: str
    periodicity: str
    weekdays: str = Field(description="ISO weekdays it appears on, 1 Monday to 7 Sunday.")
    month_days: str
    issue_price: int
    margin_bp: int
    prices: list[PriceOut]


class SubscriptionIn(Schema):
    point: str | None = Field(
        None, description="Code of the point; a clerk's own point when left out.", max_length=16
    )
    title: str = Field(max_length=32, description="The title's code.")
    subscriber_name: str = Field(max_length=300)
    subscriber_kind: str = Field("person", max_length=16)
    phone: str = Field("", max_length=40)
    address: str = Field(max_length=600)
    delivery_point: str | None = Field(
        None, max_length=16, description="The delivering point's code; the counter's point."
    )
    copies: int = Field(1, ge=1, le=1000)
    period_kind: str = Field("month", max_length=16)
    starts_on: dt.date | None = Field(
        None, description="The first day of a coming month; next month when left out."
    )


class SubscriptionOut(Schema):
    reference: str
    point: str
    business_date: dt.date
    title: str
    subscriber_name: str
    subscriber_kind: str
    phone: str
    address: str
    delivery_point: str
    copies: int
    period_kind: str
    starts_on: dt.date
    ends_on: dt.date
    price: int
    total: int
    publisher_share: int
    margin: int
    entry_id: int | None


class RecipientIn(Schema):
    commune: str = Field(max_length=8, description="The commune's code.")
    name: str = Field(max_length=400)
    kind: str = Field("commune", max_length=16)
    delivery_point: str = Field(max_length=16)
    copies: int = Field(1, ge=1, le=1000)


class RecipientOut(Schema):
    commune: str
    commune_name: str
    name: str
    kind: str
    delivery_point: str
    copies: int


class ProgrammeOut(Schema):
    code: str
    name: str
    ordering_agency: str
    funding_decision: str
    year: int
    titles: list[str]
    recipients: list[RecipientOut]


class AllocationOut(Schema):
    point: str
    point_name: str
    title: str
    title_name: str
    subscribed: int
    public: int
    copies: int


# --- the figures of a year (/api/press/figures) ----------------------------------------------


class TallyOut(Schema):
    subscriptions: int | None
    subscribed_copies: int | None
    sales: int | None = Field(description="What the subscriptions sold for (đồng).")
    margin: int | None = Field(description="The post's margin: the revenue of press (đồng).")
    press_due: int | None = Field(description="Copies due to subscribers.")
    press_delivered: int | None
    press_on_time: int | None
    press_missed: int | None = Field(description="Copies not delivered, with their reason.")
    public_due: int | None = Field(description="Copies due to public-press recipients.")
    public_delivered: int | None
    public_on_time: int | None
    public_missed: int | None
    press_on_time_pct: float | None = Field(
        description="Of the copies confirmed (delivered or not), % delivered on time."
    )
    public_on_time_pct: float | None


class NamedTallyOut(TallyOut):
    code: str
    name: str


class PointTallyOut(NamedTallyOut):
    kind: str


class MonthTallyOut(TallyOut):
    month: int


class QuarterTallyOut(TallyOut):
    quarter: int


class CommuneOut(Schema):
    code: str
    name: str
    public_due: int | None
    public_delivered: int | None
    public_missed: int | None
    public_on_time_pct: float | None


class UnitRefOut(Schema):
    code: str
    name: str
    kind: str


class NeverReachedOut(Schema):
    name: str
    public: bool
    point: str
    deliveries: int
    not_delivered: int = Field(description="Deliveries missed or past due.")


class RecipientsOut(Schema):
    press_reached: int
    press_never_reached: int
    public_reached: int
    public_never_reached: int
    never_reached: list[NeverReachedOut] = Field(description="The first 100, by point.")


class FiguresOut(Schema):
    year: int
    province: str
    unit: UnitRefOut
    total: TallyOut
    previous: TallyOut = Field(description="The year before.")
    bdvhx: TallyOut = Field(description="At commune cultural points (BĐVHX).")
    per_title: list[NamedTallyOut]
    per_quarter: list[QuarterTallyOut]
    per_month: list[MonthTallyOut]
    per_unit: list[NamedTallyOut]
    per_point: list[PointTallyOut]
    per_commune: list[CommuneOut] = Field(description="The public press, per commune.")
    communes_covered: int | None = Field(description="Communes where public press was delivered.")
    recipients: RecipientsOut
