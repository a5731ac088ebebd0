import datetime as dt

from ninja import Field, Schema
from pydantic import StrictInt


class RequestIn(Schema):
    point_code: str | None = Field(
        None, max_length=16, description="The point (a clerk: their own, by default)."
    )
    kind: str = Field("counter_payment", max_length=32, description="A registered kind.")
    reference: str = Field("", max_length=100)
    amount: StrictInt = Field(..., description="Whole đồng, more than zero.")
    purpose: str = Field("", max_length=200)
    idempotency_key: str | None = Field(
        None, max_length=128, description="Or the Idempotency-Key header."
    )


class ConfirmIn(Schema):
    bank_reference: str = Field(..., min_length=1, max_length=64)
    paid_on: dt.date | None = Field(None, description="The day the money arrived; today.")
    note: str = Field("", max_length=300)


class CancelIn(Schema):
    note: str = Field("", max_length=300)


class RequestOut(Schema):
    id: int
    code: str
    province_code: str
    point: str = Field(..., alias="point.code")
    kind: str
    reference: str
    amount: int
    purpose: str
    payload: str
    status: str = Field(..., alias="shown_status")
    bank_bin: str = Field(..., alias="bank_account.bank_bin")
    account_number: str = Field(..., alias="bank_account.account_number")
    created_by: str | None = Field(None, alias="created_by.username")
    created_at: dt.datetime
    expires_at: dt.datetime
    confirmed_by: str | None = Field(None, alias="confirmed_by.username")
    confirmed_at: dt.datetime | None
    paid_on: dt.date | None
    bank_reference: str
    entry: int | None = Field(None, alias="entry_id")


class DecodeIn(Schema):
    payload: str = Field(..., max_length=512)


class DecodeOut(Schema):
    valid: bool
    crc: str
    bank_bin: str
    account: str
    amount: int | None
    purpose: str
    dynamic: bool
    currency: str
    country: str


class LineOut(Schema):
    id: int
    date: dt.date
    amount: int = Field(..., description="Credited; negative when the money went out.")
    description: str
    bank_reference: str
    status: str
    reason: str
    request: str | None = Field(None, alias="request.code")


class SkippedOut(Schema):
    row: int
    bank_reference: str


class StatementOut(Schema):
    matched: list[LineOut]
    unmatched: list[LineOut]
    not_related: list[LineOut]
    skipped: list[SkippedOut]


class MatchIn(Schema):
    request_id: StrictInt | None = Field(None, description="A payment request, e.g. a candidate.")
    code: str = Field("", max_length=16, description="Or its payment code.")


class PointOut(Schema):
    code: str
    name: str
    kind: str
    since: dt.date | None
    payments: int
    amount: int


class PointsOut(Schema):
    province_code: str
    as_of: dt.date
    count: int
    points: list[PointOut]
