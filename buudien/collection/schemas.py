"""Schemas of /api/collection/. Money is an integer number of đồng; every input is bounded."""

import datetime as dt

from ninja import Field, Schema
from pydantic import StrictInt

from buudien.collection.choices import BillStatus, PartnerKind, PaymentMethod

SLUG = r"^[a-z0-9][a-z0-9_-]{0,31}$"
POINT_CODE = r"^[A-Za-z0-9_.-]{1,16}$"
PROVINCE_CODE = r"^\d{2}$"
MAX_FEE = 10**9


class PartnerOut(Schema):
    code: str
    province_code: str
    name: str
    kind: PartnerKind
    bank: str
    payee_account: str
    commission_fixed: int
    commission_bp: int
    commission_min: int
    customer_fee: int
    fee_vat_rate_bp: int
    active: bool


class PartnerIn(Schema):
    code: str = Field(
        ..., pattern=SLUG, description="Names the payable account 3388.partner.<code>."
    )
    province_code: str | None = Field(None, pattern=PROVINCE_CODE)
    name: str = Field(..., min_length=1, max_length=200)
    kind: PartnerKind = PartnerKind.OTHER
    bank: str = Field(..., pattern=SLUG, description="The post's bank account 1121.<bank>.")
    payee_account: str = Field("", max_length=200)
    commission_fixed: StrictInt = Field(0, ge=0, le=MAX_FEE)
    commission_bp: StrictInt = Field(0, ge=0, le=10_000)
    commission_min: StrictInt = Field(0, ge=0, le=MAX_FEE)
    customer_fee: StrictInt = Field(0, ge=0, le=MAX_FEE)
    fee_vat_rate_bp: StrictInt = Field(1_000, ge=0, le=10_000)
    active: bool = True


class PartnerPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: PartnerKind | None = None
    bank: str | None = Field(None, pattern=SLUG)
    payee_account: str | None = Field(None, max_length=200)
    commission_fixed: StrictInt | None = Field(None, ge=0, le=MAX_FEE)
    commission_bp: StrictInt | None = Field(None, ge=0, le=10_000)
    commission_min: StrictInt | None = Field(None, ge=0, le=MAX_FEE)
    customer_fee: StrictInt | None = Field(None, ge=0, le=MAX_FEE)
    fee_vat_rate_bp: StrictInt | None = Field(None, ge=0, le=10_000)
    active: bool | None = None


class BillIn(Schema):
    partner: str = Field(..., pattern=SLUG, description="The partner's code.")
    customer_code: str = Field(..., min_length=1, max_length=40)
    customer_name: str = Field(..., min_length=1, max_length=200)
    period: str = Field("", max_length=20, description='e.g. "10/2026"')
    amount: StrictInt = Field(..., description="Whole đồng, more than zero.")
    method: PaymentMethod = PaymentMethod.CASH
    point_code: str | None = Field(
        None, pattern=POINT_CODE, description="Administrators only; clerks use their point."
    )
    idempotency_key: str | None = Field(None, max_length=128, description="Or the header.")


class BillOut(Schema):
    reference: str
    province_code: str
    partner: str = Field(..., alias="partner.code")
    partner_name: str = Field(..., alias="partner.name")
    point_code: str = Field(..., alias="point.code")
    clerk: str | None = Field(None, alias="collected_by.username")
    customer_code: str
    customer_name: str
    period: str
    amount: int
    commission: int
    fee: int
    fee_vat: int
    total: int
    net: int
    method: PaymentMethod
    status: BillStatus
    business_date: dt.date | None
    created_at: dt.datetime
    collected_at: dt.datetime | None
    entry_id: int | None
    cancelled_at: dt.datetime | None
    cancel_reason: str
    cancel_entry_id: int | None
    settlement: str | None = Field(None, alias="settlement.reference")


class SettlementIn(Schema):
    partner: str = Field(..., pattern=SLUG)
    province_code: str | None = Field(None, pattern=PROVINCE_CODE)
    date_from: dt.date
    date_to: dt.date
    memo: str = Field("", max_length=500)
    idempotency_key: str | None = Field(None, max_length=128)


class SettlementOut(Schema):
    id: int
    reference: str
    province_code: str
    partner: str = Field(..., alias="partner.code")
    date_from: dt.date
    date_to: dt.date
    bill_count: int
    gross: int
    commission: int
    net: int
    bank: str
    entry_id: int | None
    memo: str
    created_by: str | None = Field(None, alias="created_by.username")
    created_at: dt.datetime


class ReconRowOut(Schema):
    day: dt.date
    partner: str
    count: int
    gross: int
    commission: int
    net: int
    fees: int
    cancelled: int
    settled_count: int
    settled_net: int
    unsettled_net: int
    settled: bool
    ledger_gross: int
    ledger_commission: int
    ledger_net: int
    difference: int
    matches: bool


class ReconciliationOut(Schema):
    province_code: str
    date_from: dt.date
    date_to: dt.date
    partner: str | None
    unit: str | None
    differences: int
    rows: list[ReconRowOut]
    totals: ReconRowOut | None
