"""What the customer's receipt of an agency operation says, for the result page and the A6
PDF alike (``buudien.core.pdf.counter_receipt_pdf``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from buudien.agency.choices import Partner, RemittanceDestination
from buudien.agency.models import (
    LoanReferral,
    LoanRepayment,
    PaymentAccount,
    Remittance,
    SavingsTransaction,
)
from buudien.agency.services import PREFIX_PAYOUT
from buudien.core.money import format_vnd
from buudien.counter.receipts import Receipt
from buudien.counter.receipts import receipt_pdf as counter_receipt


def _masked(citizen_id: str) -> str:
    """A citizen ID on paper: its last four digits only."""
    return f"••••••••{citizen_id[-4:]}" if citizen_id else "—"


def _partner(slug: str) -> str:
    return str(Partner(slug).label) if slug in Partner.values else slug.upper()


def _savings(tx: SavingsTransaction) -> Receipt:
    book = tx.book
    deposit = tx.kind == "deposit"
    lines = [
        (_("Partner bank"), _partner(book.partner)),
        (_("Book number"), book.number),
        (_("Customer"), book.holder_name),
        (_("Citizen ID"), _masked(book.citizen_id)),
        (_("Term"), str(book.get_term_months_display())),
        (_("Balance after"), format_vnd(tx.balance_after)),
    ]
    return Receipt.of(
        tx,
        title=_("Savings deposit") if deposit else _("Savings withdrawal"),
        lines=lines,
        total=tx.amount,
        total_label=_("Amount deposited") if deposit else _("Amount paid"),
        notes=[_("The post office takes this deposit as the agent of the partner bank.")]
        if deposit
        else [],
        signatures=[_("Depositor") if deposit else _("Recipient"), _("Clerk")],
    )


def _loan(loan: LoanRepayment) -> Receipt:
    return Receipt.of(
        loan,
        title=_("Loan repayment"),
        lines=[
            (_("Partner bank"), _partner(loan.partner)),
            (_("Loan contract"), loan.contract_number),
            (_("Borrower"), loan.borrower_name),
            (_("Citizen ID"), _masked(loan.citizen_id)),
        ],
        total=loan.amount,
        total_label=_("Amount paid in"),
        signatures=[_("Payer"), _("Clerk")],
    )


def _referral(ref: LoanReferral) -> Receipt:
    return Receipt.of(
        ref,
        title=_("Loan application referred"),
        lines=[
            (_("Partner bank"), _partner(ref.partner)),
            (_("Applicant"), ref.applicant_name),
            (_("Citizen ID"), _masked(ref.citizen_id)),
            (_("Phone"), ref.phone),
            (_("Amount requested"), format_vnd(ref.amount_requested)),
            (_("Purpose"), ref.purpose or "—"),
        ],
        notes=[_("The partner bank will contact the applicant.")],
        signatures=[_("Applicant"), _("Clerk")],
    )


def _account(acc: PaymentAccount) -> Receipt:
    return Receipt.of(
        acc,
        title=_("Payment account opened"),
        lines=[
            (_("Partner"), _partner(acc.partner)),
            (_("Account number"), acc.account_number),
            (_("Customer"), acc.customer_name),
            (_("Citizen ID"), _masked(acc.citizen_id)),
            (_("Phone"), acc.phone),
            (_("How it was opened"), str(acc.get_channel_display())),
        ],
        notes=[_("Free of charge for the customer.")],
        signatures=[_("Customer"), _("Clerk")],
    )


def _destination(rem: Remittance) -> str:
    if rem.destination == RemittanceDestination.POINT and rem.destination_point is not None:
        return str(rem.destination_point)
    return f"{_partner(rem.recipient_bank)} · {rem.recipient_account}"


def _remittance_sent(rem: Remittance) -> Receipt:
    notes = []
    if rem.secret_code:
        notes.append(
            _("Payment code: %(code)s. Give it only to the recipient, who brings it with their ID.")
            % {"code": rem.secret_code}
        )
    return Receipt.of(
        rem,
        title=_("Remittance"),
        lines=[
            (_("Sender"), rem.sender_name),
            (_("Sender's citizen ID"), _masked(rem.sender_citizen_id)),
            (_("Recipient"), rem.recipient_name),
            (_("To be paid at"), _destination(rem)),
            (_("Amount sent"), format_vnd(rem.amount)),
            (_("Fee"), format_vnd(rem.fee)),
            (_("VAT"), format_vnd(rem.vat)),
        ],
        total=rem.total_paid_by_sender,
        total_label=_("Total paid by the sender"),
        notes=notes,
        signatures=[_("Sender"), _("Clerk")],
    )


def _remittance_paid(rem: Remittance) -> Receipt:
    assert rem.paid_point is not None
    return Receipt(
        title=_("Remittance paid out"),
        reference=rem.paid_reference,
        point=rem.paid_point,
        when=rem.paid_at or rem.created_at,
        clerk=rem.paid_by,
        lines=[
            (_("Remittance"), rem.reference),
            (_("Sent from"), str(rem.point)),
            (_("Sender"), rem.sender_name),
            (_("Recipient"), rem.recipient_name),
            (_("Recipient's citizen ID"), _masked(rem.recipient_citizen_id)),
        ],
        total=rem.amount,
        total_label=_("Amount paid"),
        signatures=[_("Recipient"), _("Clerk")],
    )


def document_for(operation: Any, reference: str) -> Receipt:
    """The receipt of ``operation`` as found by ``reference``."""
    if isinstance(operation, SavingsTransaction):
        return _savings(operation)
    if isinstance(operation, LoanRepayment):
        return _loan(operation)
    if isinstance(operation, LoanReferral):
        return _referral(operation)
    if isinstance(operation, PaymentAccount):
        return _account(operation)
    if isinstance(operation, Remittance):
        if reference.upper().startswith(PREFIX_PAYOUT):
            return _remittance_paid(operation)
        return _remittance_sent(operation)
    raise TypeError(f"not an agency operation: {operation!r}")


def receipt_pdf(operation: Any, reference: str) -> bytes:
    """The A6 receipt, in Vietnamese whatever the language of the page."""
    return counter_receipt(lambda: document_for(operation, reference))
