"""Schemas of /api/dossiers/. Money is an integer number of đồng; dates are ISO 8601."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Schema

from buudien.dossiers.choices import Direction
from buudien.dossiers.models import Dossier, Handover

DossierCode = Annotated[str, Field(max_length=40)]


class AtPoint(Schema):
    point: str | None = Field(
        None, description="Code of the point; a clerk's own point when left out.", max_length=16
    )


class DocumentOut(Schema):
    name: str
    original: bool = False
    copies: int = 1


class AgencyOut(Schema):
    code: str
    name: str
    kind: str
    handover_point: str = Field(alias="handover_point.code")
    address: str
    contact_name: str
    contact_phone: str


class ProcedureOut(Schema):
    code: str
    name: str
    agency: str = Field(alias="agency.code")
    agency_name: str = Field(alias="agency.name")
    documents: list[DocumentOut]
    agency_fee: int = Field(description="The agency's fee (lệ phí), collected for the agency.")
    charge_receive: int = Field(description="The post's charge to receive and send a dossier.")
    charge_return: int = Field(description="The post's charge to return its result.")
    processing_days: int = Field(description="Business days from intake to the promised date.")


class DossierFilters(Schema):
    q: str = Field("", description="A code, a citizen ID or a name without its diacritics.")
    status: str = ""
    agency: str = Field("", description="The agency's code.")
    point: str = Field("", description="The point's code.")
    due: str = Field("", description="today | overdue: open dossiers promised today, or before.")


class DossierIn(AtPoint):
    procedure: str = Field(max_length=40, description="The procedure's code.")
    mode: str = Field(
        max_length=16,
        description="receive | both (receive and return) | return (lodged at the agency: "
        "the post returns the result).",
    )
    applicant_name: str = Field(max_length=300)
    citizen_id: str = Field(max_length=40)
    phone: str = Field("", max_length=40)
    address: str = Field("", max_length=600)
    documents: list[Annotated[int, Field(ge=0, le=999)]] = Field(
        [],
        max_length=100,
        description="Indexes (from 0) of the procedure's documents received: all of them "
        "(none for mode return).",
    )
    agency_reference: str = Field(
        "", max_length=80, description="The number on the agency's receipt (mode return)."
    )
    return_by: str = Field(
        "", max_length=16, description="counter | address; with mode both or return."
    )
    commune_code: str = Field(
        "",
        max_length=16,
        description="The applicant's commune (its 2025 code): where the result is posted; "
        "required with return_by address.",
    )
    at_address: bool = Field(
        False, description="Picked up at the applicant's address (a postman's pickup)."
    )


class StepOut(Schema):
    kind: str
    label: str
    at: dt.datetime
    point: str | None = Field(None, alias="point.code")
    note: str

    @staticmethod
    def resolve_label(obj: Any) -> str:
        return str(obj.get_kind_display())


class DossierOut(Schema):
    code: str = Field(alias="reference")
    status: str
    status_label: str
    point: str = Field(alias="point.code")
    business_date: dt.date
    created_at: dt.datetime
    clerk: str | None = Field(None, alias="created_by.username")
    procedure: str = Field(alias="procedure.code")
    procedure_name: str = Field(alias="procedure.name")
    agency: str = Field(alias="agency.code")
    mode: str
    applicant_name: str
    citizen_id: str
    phone: str
    address: str
    documents: list[DocumentOut]
    agency_reference: str
    agency_fee: int
    charge: int
    total: int
    return_by: str
    commune_code: str | None = Field(None, alias="commune.code")
    result_item: str | None = Field(None, alias="result_item.s10")
    due_date: dt.date
    handover: str | None = Field(None, alias="handover.number")
    result_handover: str | None = Field(None, alias="result_handover.number")
    result_at: dt.datetime | None
    late_reason: str
    returned_at: dt.datetime | None
    returned_point: str | None = Field(None, alias="returned_point.code")
    receiver_name: str
    entry_id: int | None

    @staticmethod
    def resolve_status_label(obj: Dossier) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_total(obj: Dossier) -> int:
        return obj.agency_fee + obj.charge


class DossierDetailOut(DossierOut):
    steps: list[StepOut]


class HandoverIn(AtPoint):
    agency: str = Field(max_length=40, description="The agency's code.")
    dossiers: list[DossierCode] = Field(max_length=1000, description="Dossier codes.")


class ConfirmIn(Schema):
    receiver_name: str = Field(max_length=300, description="The agency's receiver who signed.")


class ResultsIn(HandoverIn):
    late_reason: str = Field(
        "", max_length=600, description="The agency's reason, needed for a late result."
    )
    receiver_name: str = Field(
        "", max_length=300, description="Who handed the results over for the agency."
    )


class ReturnIn(AtPoint):
    presented_id: str = Field(max_length=40, description="The citizen ID the applicant shows.")
    receiver_name: str = Field(
        "", max_length=300, description="Who takes the result: the applicant when left out."
    )


class HandoverOut(Schema):
    number: str
    direction: Direction
    agency: str = Field(alias="agency.code")
    agency_name: str = Field(alias="agency.name")
    point: str = Field(alias="point.code")
    created_at: dt.datetime
    created_by: str | None = Field(None, alias="created_by.username")
    count: int
    receiver_name: str
    confirmed_at: dt.datetime | None
    dossiers: list[str]

    @staticmethod
    def resolve_dossiers(obj: Handover) -> list[str]:
        rows = obj.dossiers_sent if obj.direction == Direction.TO_AGENCY else obj.dossiers_back
        return sorted(row.reference for row in rows.all())


class DeadlineOut(Schema):
    point: str
    point_name: str
    open: int
    due_today: int
    overdue: int


class PublicStepOut(Schema):
    label: str
    at: dt.datetime
    place: str


class PersonLookupIn(Schema):
    citizen_id: str = Field(max_length=40, description="The applicant's 12-digit citizen ID.")
    phone: str = Field(max_length=40, description="The phone given at intake.")


class LookupOut(Schema):
    code: str
    initials: str = Field(description="The applicant's initials: nothing more of the name.")
    procedure: str
    agency: str
    status: str
    received_on: dt.date
    due_date: dt.date
    returned_on: dt.date | None
    steps: list[PublicStepOut]


class SettlementIn(Schema):
    agency: str = Field(max_length=40, description="The agency's code.")
    date_from: dt.date
    date_to: dt.date
    bank: str = Field(max_length=32, description="The short code of the post's bank account.")
    memo: str = Field("", max_length=500)


class SettlementOut(Schema):
    reference: str
    agency: str = Field(alias="agency.code")
    date_from: dt.date
    date_to: dt.date
    count: int
    total: int
    bank: str
    created_at: dt.datetime


class ReconciledOut(Schema):
    agency: str
    collected: int
    passed_on: int
    owed: int
    ledger_owed: int
    difference: int
