"""The API's shapes of a cancellation: the reason sent, the request that waits."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from buudien.counter.choices import CancelStatus


class CancelIn(Schema):
    """A cancellation's (or a refusal's) reason: required, at most 200 characters (the
    service says so in the user's language, under the field ``reason``)."""

    reason: str = Field("", max_length=2_000)


class CancelRequestOut(Schema):
    id: int
    kind: str
    reference: str
    amount: int
    province_code: str
    point_code: str | None = Field(None, alias="point.code")
    reason: str
    status: CancelStatus
    requested_by: str | None = Field(None, alias="requested_by.username")
    requested_at: dt.datetime
    decided_by: str | None = Field(None, alias="decided_by.username")
    decided_at: dt.datetime | None
    refusal: str
