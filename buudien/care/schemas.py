"""Schemas of /api/care/. Dates are ISO 8601; no whole number is asked in a body."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from buudien.care.models import CareRequest

Text = Field(max_length=5_000)


class LodgeIn(Schema):
    channel: str = Field("hotline", max_length=16, description="hotline | counter | partner")
    kind: str = Field(max_length=16, description="enquiry | complaint | suggestion")
    ground: str = Field(
        "", max_length=16, description="A complaint's: loss | delay | damage | contents | "
        "amount | conduct | other",
    )  # fmt: skip
    subject: str = Field(
        "none", max_length=16, description="item | bill | payout | dossier | sale | none"
    )
    s10: str = Field("", max_length=20, description="The mail item's number (subject item).")
    subject_ref: str = Field("", max_length=80, description="The reference of the rest.")
    international: bool = False
    customer_name: str = Field(max_length=200)
    customer_phone: str = Field("", max_length=20)
    customer_email: str = Field("", max_length=300)
    description: str = Text


class AssignIn(Schema):
    unit: str = Field(max_length=32, description="The code of the unit in charge.")
    owner: str = Field("", max_length=150, description="The username of the handler, if any.")


class TextIn(Schema):
    text: str = Text


class CloseIn(Schema):
    outcome: str = Field("", max_length=16, description="A complaint's: upheld | partly | rejected")
    cause: str = Field("", max_length=400)


class RequestFilters(Schema):
    q: str = Field("", max_length=60, description="A code, a phone or a name without diacritics.")
    status: str = Field("", max_length=16)
    kind: str = Field("", max_length=16)
    channel: str = Field("", max_length=16)
    due: str = Field("", max_length=16, description="soon (within 7 days) | overdue")


class StepOut(Schema):
    kind: str
    label: str
    at: dt.datetime
    by: str | None = Field(None, alias="by.username")
    text: str
    public: bool

    @staticmethod
    def resolve_label(obj: Any) -> str:
        return str(obj.get_kind_display())


class RequestOut(Schema):
    code: str
    channel: str
    kind: str
    ground: str
    subject: str
    subject_ref: str
    service: str
    international: bool
    customer_name: str
    customer_phone: str
    customer_email: str
    description: str
    unit: str = Field(alias="unit.code")
    owner: str | None = Field(None, alias="owner.username")
    received_at: dt.datetime
    admissible_until: dt.date | None
    resolve_by: dt.date
    status: str
    status_label: str
    answer: str
    answered_at: dt.datetime | None
    outcome: str
    cause: str
    closed_at: dt.datetime | None
    escalated_at: dt.datetime | None

    @staticmethod
    def resolve_status_label(obj: CareRequest) -> str:
        return str(obj.get_status_display())


class RequestDetailOut(RequestOut):
    steps: list[StepOut]

    @staticmethod
    def resolve_steps(obj: CareRequest) -> list[Any]:
        return list(obj.steps.select_related("by").order_by("at", "id"))


class PublicStepOut(Schema):
    kind: str
    label: str
    at: dt.datetime


class PublicOut(Schema):
    code: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    received_on: dt.date
    resolve_by: dt.date
    answer: str
    answered_at: dt.datetime | None
    outcome: str
    outcome_label: str
    steps: list[PublicStepOut]
