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
    year: int
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
