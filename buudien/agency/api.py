"""/api/agency/: savings, loan repayments and referrals, payment accounts, remittances.

Every operation needs an ``Idempotency-Key`` header: a retry under the same key returns the
operation already recorded (and posts nothing twice). A clerk acts at their own point; an
administrator names the point (``point``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status

from buudien.agency import receipts, selectors, services
from buudien.agency.models import (
    LoanReferral,
    LoanRepayment,
    PaymentAccount,
    Remittance,
    SavingsTransaction,
)
from buudien.agency.schemas import (
    BookOut,
    DepositIn,
    FeeOut,
    LoanRepaymentIn,
    LoanRepaymentOut,
    MobilisedOut,
    MonthlyOut,
    PayIn,
    PaymentAccountIn,
    PaymentAccountOut,
    ReferralIn,
    ReferralOut,
    RemittanceIn,
    RemittanceOut,
    RemittanceSentOut,
    SavingsOut,
    WithdrawalIn,
)
from buudien.core.bizdays import local_today
from buudien.core.errors import DomainError, NotFound
from buudien.counter.api import counter_arguments
from buudien.counter.views import pdf_response
from buudien.network.models import ServicePoint

router = Router(tags=["agency"])


def _savings_out(tx: SavingsTransaction) -> dict[str, Any]:
    return {
        "reference": tx.reference,
        "kind": tx.kind,
        "book_number": tx.book.number,
        "holder_name": tx.book.holder_name,
        "term_months": tx.book.term_months,
        "point": tx.point.code,
        "business_date": tx.business_date,
        "amount": tx.amount,
        "commission": tx.commission,
        "balance_after": tx.balance_after,
        "entry_id": tx.entry_id,
    }


def _remittance_out(rem: Remittance, *, with_code: bool = False) -> dict[str, Any]:
    out = {
        "reference": rem.reference,
        "status": rem.status,
        "point": rem.point.code,
        "destination": rem.destination,
        "destination_point": rem.destination_point.code if rem.destination_point else None,
        "sender_name": rem.sender_name,
        "recipient_name": rem.recipient_name,
        "amount": rem.amount,
        "fee": rem.fee,
        "vat": rem.vat,
        "total": rem.total_paid_by_sender,
        "business_date": rem.business_date,
        "entry_id": rem.entry_id,
        "paid_reference": rem.paid_reference,
        "paid_date": rem.paid_date,
        "paid_entry_id": rem.paid_entry_id,
    }
    if with_code:
        out["secret_code"] = rem.secret_code
    return out


# --- savings ---------------------------------------------------------------------------------


@router.post("/savings/deposits", response={201: SavingsOut}, summary="Take a savings deposit")
def savings_deposit(request: HttpRequest, payload: DepositIn) -> Any:
    tx = services.savings_deposit(**counter_arguments(request, payload))
    return Status(201, _savings_out(tx))


@router.post("/savings/withdrawals", response={201: SavingsOut}, summary="Pay a savings withdrawal")
def savings_withdraw(request: HttpRequest, payload: WithdrawalIn) -> Any:
    tx = services.savings_withdraw(**counter_arguments(request, payload))
    return Status(201, _savings_out(tx))


@router.get("/savings/books/{number}", response=BookOut, summary="A savings book")
def savings_book(request: HttpRequest, number: str) -> Any:
    book = selectors.book_get(user=request.user, number=number)
    return {
        "number": book.number,
        "partner": book.partner,
        "holder_name": book.holder_name,
        "term_months": book.term_months,
        "point": book.point.code,
        "opened_on": book.opened_on,
        "balance": book.balance,
    }


@router.get(
    "/savings/mobilised",
    response=MobilisedOut,
    summary="Balance mobilised per point as at a day",
)
def savings_mobilised(
    request: HttpRequest, on: dt.date | None = None, unit: str | None = None
) -> Any:
    """Deposits minus withdrawals taken through the post up to the end of ``on`` (today by
    default), per point of ``unit``'s subtree (everything you may see by default)."""
    scope = selectors.unit_for(user=request.user, code=unit)
    report = selectors.savings_mobilised(user=request.user, on=on or local_today(), unit=scope)
    return {
        "on": report.on,
        "unit": scope.code if scope else None,
        "deposits": report.deposits,
        "withdrawals": report.withdrawals,
        "balance": report.balance,
        "books": report.books,
        "rows": [
            {
                "point": r.point.code,
                "point_name": r.point.name,
                "deposits": r.deposits,
                "withdrawals": r.withdrawals,
                "balance": r.balance,
                "books": r.books,
            }
            for r in report.rows
        ],
    }


# --- credit ----------------------------------------------------------------------------------


@router.post(
    "/credit/repayments", response={201: LoanRepaymentOut}, summary="Collect a loan repayment"
)
def loan_repayment(request: HttpRequest, payload: LoanRepaymentIn) -> Any:
    loan: LoanRepayment = services.loan_repayment_collect(**counter_arguments(request, payload))
    return Status(
        201,
        {
            "reference": loan.reference,
            "partner": loan.partner,
            "contract_number": loan.contract_number,
            "borrower_name": loan.borrower_name,
            "point": loan.point.code,
            "business_date": loan.business_date,
            "amount": loan.amount,
            "commission": loan.commission,
            "entry_id": loan.entry_id,
        },
    )


@router.post("/credit/referrals", response={201: ReferralOut}, summary="Refer a loan application")
def loan_referral(request: HttpRequest, payload: ReferralIn) -> Any:
    ref: LoanReferral = services.loan_referral_record(**counter_arguments(request, payload))
    return Status(
        201,
        {
            "reference": ref.reference,
            "partner": ref.partner,
            "applicant_name": ref.applicant_name,
            "point": ref.point.code,
            "business_date": ref.business_date,
            "amount_requested": ref.amount_requested,
        },
    )


def _monthly(report: selectors.MonthlyCounts) -> dict[str, Any]:
    return {
        "year": report.year,
        "unit": report.unit.code if report.unit else None,
        "months": report.months,
        "total": report.total,
        "rows": [
            {
                "point": r.point.code,
                "point_name": r.point.name,
                "months": r.months,
                "total": r.total,
            }
            for r in report.rows
        ],
    }


@router.get(
    "/credit/referrals/counts",
    response=MonthlyOut,
    summary="Loan applications referred per point and month",
)
def referral_counts(request: HttpRequest, year: int | None = None, unit: str | None = None) -> Any:
    scope = selectors.unit_for(user=request.user, code=unit)
    report = selectors.monthly_counts(
        user=request.user, model=LoanReferral, year=year or local_today().year, unit=scope
    )
    return _monthly(report)


# --- payment accounts ------------------------------------------------------------------------


@router.post(
    "/payment-accounts", response={201: PaymentAccountOut}, summary="Record an account opened"
)
def payment_account_open(request: HttpRequest, payload: PaymentAccountIn) -> Any:
    acc: PaymentAccount = services.payment_account_open(**counter_arguments(request, payload))
    return Status(
        201,
        {
            "reference": acc.reference,
            "partner": acc.partner,
            "account_number": acc.account_number,
            "customer_name": acc.customer_name,
            "channel": acc.channel,
            "point": acc.point.code,
            "business_date": acc.business_date,
            "commission": acc.commission,
            "entry_id": acc.entry_id,
        },
    )


@router.get(
    "/payment-accounts/opened",
    response=MonthlyOut,
    summary="Payment accounts opened per point and month",
)
def accounts_opened(
    request: HttpRequest,
    year: int | None = None,
    unit: str | None = None,
    partner: str | None = None,
) -> Any:
    scope = selectors.unit_for(user=request.user, code=unit)
    report = selectors.monthly_counts(
        user=request.user,
        model=PaymentAccount,
        year=year or local_today().year,
        unit=scope,
        partner=partner or "",
    )
    return _monthly(report)


# --- remittances -----------------------------------------------------------------------------


@router.get("/remittances/fee", response=FeeOut, summary="The fee of a remittance")
def remittance_fee(request: HttpRequest, amount: int, province: str | None = None) -> Any:
    own = services.counter_point_of(request.user)
    unit = getattr(request.user, "unit", None)
    code = province or (own.province_code if own else "") or (unit.province_code if unit else "")
    if not 0 < amount <= services.MAX_AMOUNT:
        raise DomainError(_("The amount must be more than zero."), field="amount")
    fee, vat = services.remittance_fee(province_code=code, amount=amount, day=local_today())
    return {"amount": amount, "fee": fee, "vat": vat, "total": amount + fee + vat}


@router.post("/remittances", response={201: RemittanceSentOut}, summary="Send a remittance")
def remittance_send(request: HttpRequest, payload: RemittanceIn) -> Any:
    destination = None
    if payload.destination_point:
        destination = ServicePoint.objects.filter(code=payload.destination_point).first()
        if destination is None:
            raise NotFound(_("No such service point."), field="destination_point")
    rem = services.remittance_send(
        **counter_arguments(
            request, payload, exclude=frozenset({"destination_point", "recipient_bank"})
        ),
        destination_point=destination,
        recipient_bank=payload.recipient_bank or "",
    )
    return Status(201, _remittance_out(rem, with_code=True))


@router.post("/remittances/{number}/pay", response=RemittanceOut, summary="Pay a remittance out")
def remittance_pay(request: HttpRequest, number: str, payload: PayIn) -> Any:
    rem = services.remittance_pay(**counter_arguments(request, payload), number=number)
    return _remittance_out(rem)


@router.get("/remittances/{number}", response=RemittanceOut, summary="A remittance")
def remittance_get(request: HttpRequest, number: str) -> Any:
    rem = (
        selectors.remittances_visible(request.user)
        .select_related("point", "destination_point")
        .filter(reference=number.strip().upper()[:24])
        .first()
    )
    if rem is None:
        raise NotFound(_("No such operation."))
    return _remittance_out(rem)


# --- receipts --------------------------------------------------------------------------------


@router.get(
    "/operations/{reference}/receipt.pdf",
    summary="The A6 receipt of an operation",
    response={200: None},
)
def receipt(request: HttpRequest, reference: str) -> HttpResponse:
    operation = selectors.operation_get(user=request.user, reference=reference)
    return pdf_response(receipts.receipt_pdf(operation, reference), f"{reference.upper()}.pdf")
