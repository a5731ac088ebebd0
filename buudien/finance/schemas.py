import datetime as dt

from ninja import Field, Schema
from pydantic import StrictInt

from buudien.finance.choices import AccountKind, BudgetLevel, EntryKind, Tax

AccountCode = Field(..., min_length=1, max_length=64)


class LegIn(Schema):
    debit: str = AccountCode
    credit: str = AccountCode
    amount: StrictInt = Field(..., description="Whole đồng, more than zero.")
    service: str = Field("", max_length=32)


class EntryIn(Schema):
    idempotency_key: str | None = Field(
        None, max_length=128, description="Or the Idempotency-Key header."
    )
    kind: EntryKind
    province_code: str | None = Field(None, pattern=r"^\d{2}$")
    business_date: dt.date | None = None
    late: bool = Field(False, description="Post into the open day if the date is closed.")
    reference: str = Field("", max_length=100)
    memo: str = Field("", max_length=500)
    legs: list[LegIn] = Field(..., min_length=1, max_length=100)


class ReverseIn(Schema):
    idempotency_key: str | None = Field(None, max_length=128)
    reason: str = Field("", max_length=2_000, description="Required (or memo): at most 200.")
    memo: str = Field("", max_length=500, description="The reason, when reason is not given.")


class TransferOut(Schema):
    id: int
    debit: str = Field(..., alias="debit.code")
    credit: str = Field(..., alias="credit.code")
    amount: int
    service: str


class EntryOut(Schema):
    id: int
    province_code: str
    idempotency_key: str
    kind: EntryKind
    business_date: dt.date
    late_for: dt.date | None
    reference: str
    point: str | None = Field(None, alias="point.code")
    memo: str
    created_by: str | None = Field(None, alias="created_by.username")
    created_at: dt.datetime
    reverses: int | None = Field(None, alias="reverses_id")
    transfers: list[TransferOut]


class AccountOut(Schema):
    code: str
    name: str
    kind: AccountKind
    point: str | None = Field(None, alias="point.code")
    service: str
    partner: str
    allow_negative: bool
    balance: int
    closed_at: dt.datetime | None


class TrialBalanceRowOut(Schema):
    code: str | None
    name: str | None
    kind: AccountKind | None
    opening_debit: int
    opening_credit: int
    debit: int
    credit: int
    closing_debit: int
    closing_credit: int
    transfers: int


class TrialBalanceOut(Schema):
    province_code: str
    date_from: dt.date
    date_to: dt.date
    complete: bool
    balanced: bool
    rows: list[TrialBalanceRowOut]
    totals: TrialBalanceRowOut


class StatementLineOut(Schema):
    transfer_id: int
    business_date: dt.date
    entry_id: int
    kind: EntryKind
    reference: str
    memo: str
    other_account: str
    debit: int
    credit: int
    balance: int
    service: str


class StatementOut(Schema):
    account: AccountOut
    date_from: dt.date
    date_to: dt.date
    opening: int
    debit_total: int
    credit_total: int
    closing: int
    truncated: bool
    lines: list[StatementLineOut]


class BusinessDayOut(Schema):
    province_code: str
    date: dt.date
    closed_at: dt.datetime | None
    closed_by: str | None = Field(None, alias="closed_by.username")


class CostIn(Schema):
    idempotency_key: str | None = Field(
        None, max_length=128, description="Or the Idempotency-Key header."
    )
    province_code: str | None = Field(None, pattern=r"^\d{2}$")
    category: str = Field(..., max_length=8, description="632, 6411 … 6428, 635 or 811.")
    owner: str = Field(..., min_length=1, max_length=32, description="A unit or a point code.")
    amount: StrictInt = Field(..., description="Whole đồng, more than zero.")
    date: dt.date
    paid_from: str = Field(
        ...,
        min_length=1,
        max_length=64,
        description="331, 334, 335, 338, 214, 242, 1121.<bank>, 1111.<point>.",
    )
    reference: str = Field("", max_length=64)
    memo: str = Field("", max_length=200)


class CostCategoryOut(Schema):
    code: str
    group: str
    name: str


class CostOut(Schema):
    entry_id: int
    date: dt.date
    category: str
    category_name: str
    owner: str
    owner_name: str
    account: str
    paid_from: str
    amount: int
    reference: str
    memo: str


class BudgetPaymentIn(Schema):
    idempotency_key: str | None = Field(
        None, max_length=128, description="Or the Idempotency-Key header."
    )
    province_code: str | None = Field(None, pattern=r"^\d{2}$")
    tax: Tax
    level: BudgetLevel
    amount: StrictInt = Field(..., description="Whole đồng, more than zero.")
    date: dt.date
    paid_from: str = Field(..., min_length=1, max_length=64, description="1121.<bank>.")
    treasury_reference: str = Field("", max_length=64)
    memo: str = Field("", max_length=200)


class BudgetPaymentOut(Schema):
    id: int
    entry_id: int
    paid_on: dt.date
    tax: str
    level: str
    amount: int
    treasury_reference: str


class TaxOwedOut(Schema):
    tax: str
    name: str
    owed: int


class BankAccountOut(Schema):
    bank: str
    code: str
    name: str


class BankAccountIn(Schema):
    province: str = Field(..., pattern=r"^\d{2}$")
    bank: str = Field(..., min_length=1, max_length=32)
    name: str = Field(..., min_length=1, max_length=200)


class RollupsRebuildIn(Schema):
    province: str
    date_from: dt.date | None = None
