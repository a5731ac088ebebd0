"""Schemas of /api/press/. Money is an integer number of đồng; dates are ISO."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, Schema
from pydantic import StrictBool, StrictInt


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
    copies: StrictInt = Field(1, ge=1, le=1000)
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
    copies: StrictInt = Field(1, ge=1, le=1000)


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


# --- the settlements and the attestation ----------------------------------------------------


class PublisherSettlementIn(Schema):
    publisher: str = Field(max_length=28, description="The publisher's code.")
    date_from: dt.date
    date_to: dt.date
    memo: str = Field("", max_length=500)


class PublisherSettlementOut(Schema):
    reference: str
    publisher: str = Field(alias="publisher.code")
    date_from: dt.date
    date_to: dt.date
    count: int = Field(description="The subscriptions settled.")
    amount: int = Field(description="Paid to the publisher, đồng.")
    bank: str
    entry_id: int | None
    created_at: dt.datetime


class ProgrammeSettlementIn(Schema):
    programme: str = Field(max_length=32, description="The programme's code.")
    year: StrictInt
    date_from: dt.date
    date_to: dt.date
    memo: str = Field("", max_length=500)


class ProgrammeSettlementOut(Schema):
    reference: str
    programme: str = Field(alias="programme.code")
    year: int = Field(alias="programme.year")
    date_from: dt.date
    date_to: dt.date
    count: int = Field(description="The deliveries billed.")
    copies: int
    fee_per_copy: int
    amount: int = Field(description="Billed to the ordering agency, đồng.")
    entry_id: int | None
    created_at: dt.datetime


class AttestationRowOut(Schema):
    commune: str
    commune_name: str
    title: str
    title_name: str
    recipients: int
    due: int
    delivered: int
    on_time: int
    late: int
    not_delivered: int


class AttestationOut(Schema):
    programme: str
    year: int
    date_from: dt.date
    date_to: dt.date
    rows: list[AttestationRowOut]
    totals: AttestationRowOut
    fee_per_copy: int
    amount: int


# --- the daily work: integers are JSON integers (StrictInt), every input bounded ------------

Count = Annotated[StrictInt, Field(ge=-(2**31), le=2**31)]
RecordId = Annotated[StrictInt, Field(ge=1, le=2**63 - 1)]


class IssueIn(Schema):
    title: str = Field(max_length=32, description="The title's code.")
    issue_date: dt.date
    received: Count = Field(description="The copies counted at the centre.")
    note: str = Field("", max_length=1000)


class IssueOut(Schema):
    id: int
    title: str
    title_name: str
    issue_date: dt.date
    expected: int
    received: int
    missing: int
    single_copies: int
    returned: int
    received_at: dt.datetime
    dispatched_at: dt.datetime | None
    note: str


class ReturnIn(Schema):
    copies: Count = Field(description="Unsold single copies returned to the publisher.")


class AllocationReceiveIn(Schema):
    received: Count = Field(description="The copies counted at the point.")


class AllocationLineOut(Schema):
    id: int
    issue: int
    point: str
    title: str
    issue_date: dt.date
    subscribed: int
    public: int
    copies: int
    received: int | None
    received_at: dt.datetime | None


class DeliveryOut(Schema):
    id: int
    issue: int
    issue_date: dt.date
    point: str
    title: str
    name: str
    address: str
    phone: str
    commune: str | None = Field(description="The commune's code (public press).")
    public: bool
    copies: int
    due_at: dt.datetime
    status: str
    reason: str
    note: str
    confirmed_at: dt.datetime | None
    on_time: bool | None


class ConfirmIn(Schema):
    delivered: StrictBool = True
    reason: str = Field("", max_length=32, description="Why not delivered (absent, refused…).")
    note: str = Field("", max_length=1000)


class ConfirmManyIn(Schema):
    ids: list[RecordId] = Field(min_length=1, max_length=5_000)
    point: str = Field(
        "", max_length=16, description="An administrator's point (code); a postman's own."
    )


class ConfirmManyOut(Schema):
    confirmed: int


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
