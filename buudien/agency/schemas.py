"""Schemas of /api/agency/. Money is an integer number of đồng."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema
from pydantic import StrictInt

from buudien.agency.choices import OpeningChannel, Partner


class AtPoint(Schema):
    point: str | None = Field(
        None, description="Code of the point; a clerk's own point when left out.", max_length=16
    )


class DepositIn(AtPoint):
    book_number: str = Field(max_length=40)
    customer_name: str = Field(max_length=300)
    citizen_id: str = Field(max_length=40)
    amount: StrictInt
    term_months: StrictInt | None = Field(None, description="Needed to open a new book.")
    partner: Partner = Partner.LPBANK


class WithdrawalIn(AtPoint):
    book_number: str = Field(max_length=40)
    citizen_id: str = Field(max_length=40)
    amount: StrictInt


class SavingsOut(Schema):
    reference: str
    kind: str
    book_number: str
    holder_name: str
    term_months: int
    point: str
    business_date: dt.date
    amount: int
    commission: int
    balance_after: int
    entry_id: int | None


class BookOut(Schema):
    number: str
    partner: str
    holder_name: str
    term_months: int
    point: str
    opened_on: dt.date
    balance: int


class LoanRepaymentIn(AtPoint):
    contract_number: str = Field(max_length=60)
    borrower_name: str = Field(max_length=300)
    citizen_id: str = Field("", max_length=40)
    amount: StrictInt
    partner: Partner = Partner.LPBANK


class LoanRepaymentOut(Schema):
    reference: str
    partner: str
    contract_number: str
    borrower_name: str
    point: str
    business_date: dt.date
    amount: int
    commission: int
    entry_id: int | None


class ReferralIn(AtPoint):
    applicant_name: str = Field(max_length=300)
    citizen_id: str = Field(max_length=40)
    phone: str = Field(max_length=40)
    amount_requested: StrictInt
    purpose: str = Field("", max_length=400)
    partner: Partner = Partner.LPBANK


class ReferralOut(Schema):
    reference: str
    partner: str
    applicant_name: str
    point: str
    business_date: dt.date
    amount_requested: int


class PaymentAccountIn(AtPoint):
    customer_name: str = Field(max_length=300)
    citizen_id: str = Field(max_length=40)
    phone: str = Field(max_length=40)
    partner: Partner
    account_number: str = Field(max_length=40)
    channel: OpeningChannel = OpeningChannel.COUNTER


class PaymentAccountOut(Schema):
    reference: str
    partner: str
    account_number: str
    customer_name: str
    channel: str
    point: str
    business_date: dt.date
    commission: int
    entry_id: int | None


class RemittanceIn(AtPoint):
    sender_name: str = Field(max_length=300)
    sender_citizen_id: str = Field(max_length=40)
    sender_phone: str = Field("", max_length=40)
    recipient_name: str = Field(max_length=300)
    recipient_citizen_id: str = Field("", max_length=40)
    recipient_phone: str = Field("", max_length=40)
    destination_point: str | None = Field(None, max_length=16, description="Paid in cash here.")
    recipient_bank: Partner | None = Field(None, description="Or credited to an account here.")
    recipient_account: str = Field("", max_length=40)
    amount: StrictInt


class RemittanceOut(Schema):
    reference: str
    status: str
    point: str
    destination: str
    destination_point: str | None
    sender_name: str
    recipient_name: str
    amount: int
    fee: int
    vat: int
    total: int
    business_date: dt.date
    entry_id: int | None
    paid_reference: str
    paid_date: dt.date | None
    paid_entry_id: int | None


class RemittanceSentOut(RemittanceOut):
    secret_code: str = Field(description="Given to the sender once, for the recipient.")


class PayIn(AtPoint):
    secret_code: str = Field(max_length=20)
    recipient_citizen_id: str = Field(max_length=40)


class FeeOut(Schema):
    amount: int
    fee: int
    vat: int
    total: int


class MobilisedRowOut(Schema):
    point: str
    point_name: str
    deposits: int
    withdrawals: int
    balance: int
    books: int


class MobilisedOut(Schema):
    on: dt.date
    unit: str | None
    deposits: int
    withdrawals: int
    balance: int
    books: int
    rows: list[MobilisedRowOut]


class MonthlyRowOut(Schema):
    point: str
    point_name: str
    months: list[int]
    total: int


class MonthlyOut(Schema):
    year: int
    unit: str | None
    months: list[int]
    total: int
    rows: list[MonthlyRowOut]
