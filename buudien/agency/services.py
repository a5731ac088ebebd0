"""Writes of the agency services: savings deposits and withdrawals, loan repayments and
referrals, payment accounts opened, remittances sent and paid.

Each function is one counter operation (``buudien.counter.desk``): the desk checks the actor
(a counter clerk at their own point, or an administrator at a point of their scope; auditors
and directors never act); the work writes the operation's row and posts its one ledger entry,
every leg carrying the service's code, under the same idempotency key. A refusal raises a
DomainError and changes nothing. A retry under the same key returns the operation already
recorded; a different request under a used key is refused.

Ledger entries (``D`` debit, ``C`` credit):

- savings deposit: D drawer / C partner payable (the deposit), D partner receivable /
  C revenue ``savings`` (the commission);
- savings withdrawal: D partner payable / C drawer;
- loan repayment: D drawer / C partner payable, D partner receivable / C revenue ``credit``;
- payment account opened: D partner receivable / C revenue ``payment_account``;
- remittance sent: D drawer / C remittances to pay out (or the recipient's bank, for a
  remittance to an account), D drawer / C revenue ``remittance`` (the fee), D drawer /
  C VAT payable;
- remittance paid: D remittances to pay out / C drawer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from buudien.agency import accounts, rates
from buudien.agency.choices import (
    OpeningChannel,
    Partner,
    RateService,
    RemittanceDestination,
    RemittanceStatus,
    SavingsKind,
    SavingsTerm,
)
from buudien.agency.models import (
    LoanReferral,
    LoanRepayment,
    PaymentAccount,
    Remittance,
    SavingsBook,
    SavingsTransaction,
)
from buudien.core.catalogue import Service
from buudien.core.errors import DomainError, NotFound
from buudien.core.money import format_vnd
from buudien.core.text import fold
from buudien.counter import fields, many
from buudien.counter.desk import (
    COUNTER_ROLES,
    Desk,
    Op,
    actor_id,
    can_act,
    check_counter,
    counter_point_of,
    fingerprint_of,
    key_reused,
    moment_of,
)
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import Account
from buudien.network.choices import PointKind
from buudien.network.models import ServicePoint

__all__ = ["COUNTER_ROLES", "can_act", "check_counter", "counter_point_of"]

APP = "agency"
MAX_AMOUNT = fields.MAX_AMOUNT

# Prefixes of the references printed on receipts: <prefix><point code><serial of 6 digits>.
PREFIX_SAVINGS = "TK"  # tiết kiệm
PREFIX_LOAN = "TD"  # tín dụng
PREFIX_REFERRAL = "HS"  # hồ sơ vay
PREFIX_ACCOUNT = "TT"  # tài khoản thanh toán
PREFIX_REMITTANCE = "CT"  # chuyển tiền
PREFIX_PAYOUT = "TC"  # trả chuyển tiền

_BOOK = re.compile(r"^[A-Z0-9]{6,20}$")
_CONTRACT = re.compile(r"^[A-Z0-9][A-Z0-9/.\-]{3,39}$")
_ACCOUNT = re.compile(r"^\d{6,20}$")
_CODE = re.compile(r"^\d{6}$")
# Wrong codes (or IDs) tried before a remittance is locked at the counter.
MAX_CODE_TRIES = 5


def code_hash(reference: str, code: str) -> str:
    """The keyed hash of a remittance's payment code: what is kept (a database read alone
    cannot try the million codes), compared in constant time when the code is given."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"remittance:{reference}:{code}".encode(), hashlib.sha256
    )
    return digest.hexdigest()


def _desk(actor: Any, point: ServicePoint, at: dt.datetime | None) -> Desk:
    return Desk.open(actor=actor, point=point, at=at, app=APP)


def _partner(value: Any, *, field: str = "partner") -> str:
    partner = str(value or "")
    if partner not in Partner.values:
        raise DomainError(_("Unknown partner %(partner)s.") % {"partner": partner}, field=field)
    return partner


def _check_drawer(point: ServicePoint, amount: int) -> Account:
    """The point's drawer, refused when it holds less than ``amount`` (the ledger checks it
    again under its lock)."""
    drawer = accounts.drawer(point)
    drawer.refresh_from_db(fields=["balance"])
    if drawer.balance < amount:
        raise DomainError(
            _("The cash drawer of %(point)s holds only %(balance)s: it cannot pay %(amount)s.")
            % {
                "point": point.code,
                "balance": format_vnd(drawer.balance),
                "amount": format_vnd(amount),
            },
            field="amount",
        )
    return drawer


def _agent_legs(
    point: ServicePoint, partner: str, service: str, amount: int, commission: int
) -> list[ledger.Leg]:
    """Cash taken for ``partner`` (D drawer / C partner payable) and, when there is one, the
    commission it owes the post (D partner receivable / C revenue of ``service``)."""
    province = point.province_code
    legs = [
        ledger.Leg(
            accounts.drawer(point), accounts.partner_payable(province, partner), amount, service
        )
    ]
    if commission > 0:
        legs.append(
            ledger.Leg(
                accounts.account_partner_receivable(province, partner),
                accounts.revenue(province, service),
                commission,
                service,
            )
        )
    return legs


# --- savings ---------------------------------------------------------------------------------


def _book_at(point: ServicePoint, number: str) -> SavingsBook | None:
    book = SavingsBook.objects.filter(province_code=point.province_code, number=number).first()
    if book is not None and book.point_id != point.pk:
        raise NotFound(
            _("Savings book %(number)s is not kept at this point.") % {"number": number},
            field="book_number",
        )
    return book


def _check_holder(book: SavingsBook, citizen_id: str) -> None:
    if not hmac.compare_digest(book.citizen_id, citizen_id):
        raise DomainError(
            _("The citizen ID does not match the holder of book %(number)s.")
            % {"number": book.number},
            field="citizen_id",
        )


def _book_number(value: Any) -> str:
    return fields.pattern(
        value,
        _BOOK,
        field="book_number",
        message=_("A book number is 6 to 20 letters or digits."),
    )


def savings_deposit(
    *,
    actor: Any,
    point: ServicePoint,
    idempotency_key: str,
    book_number: str,
    customer_name: str,
    citizen_id: str,
    amount: int,
    term_months: int | None = None,
    partner: str = Partner.LPBANK,
    at: dt.datetime | None = None,
) -> SavingsTransaction:
    """Take a deposit to a passbook of the partner bank, opening the book (with its term)
    when its number is new at the point. The partner owes the post its commission on the
    deposit, booked as revenue of ``savings`` in the same entry."""
    desk = _desk(actor, point, at)
    number = _book_number(book_number)
    name = fields.text(customer_name, field="customer_name", label=_("Customer's name"))
    cid = fields.citizen_id(citizen_id)
    amount = fields.amount(amount)
    partner = _partner(partner)
    if term_months is not None and term_months not in SavingsTerm.values:
        raise DomainError(_("Choose a term of the list."), field="term_months")

    def work(op: Op) -> SavingsTransaction:
        book = _book_at(point, number)
        if book is None:
            if term_months is None:
                raise DomainError(
                    _("Book %(number)s is new: choose its term to open it.") % {"number": number},
                    field="term_months",
                )
            book = SavingsBook.objects.create(
                province_code=point.province_code,
                number=number,
                partner=partner,
                holder_name=name,
                holder_folded=fold(name),
                citizen_id=cid,
                term_months=term_months,
                point=point,
                opened_on=desk.day,
            )
        else:
            _check_holder(book, cid)
        SavingsBook.objects.filter(pk=book.pk).update(balance=F("balance") + amount)
        book.refresh_from_db(fields=["balance"])
        rate = rates.rate_in_force(
            province_code=point.province_code,
            service=RateService.SAVINGS,
            partner=book.partner,
            day=desk.day,
        )
        commission = rate.of(amount)
        legs = _agent_legs(point, book.partner, Service.SAVINGS, amount, commission)
        entry = op.post(kind=EntryKind.SAVINGS_DEPOSIT, legs=legs)
        return SavingsTransaction.objects.create(
            **op.record(entry),
            book=book,
            kind=SavingsKind.DEPOSIT,
            amount=amount,
            commission=commission,
            balance_after=book.balance,
        )

    return desk.once(
        SavingsTransaction,
        operation="savings",
        key=idempotency_key,
        prefix=PREFIX_SAVINGS,
        fingerprint={
            "op": "deposit",
            "point": point.pk,
            "book": number,
            "cid": cid,
            "amount": amount,
            "name": fold(name),
        },
        work=work,
    )


def savings_withdraw(
    *,
    actor: Any,
    point: ServicePoint,
    idempotency_key: str,
    book_number: str,
    citizen_id: str,
    amount: int,
    at: dt.datetime | None = None,
) -> SavingsTransaction:
    """Pay a withdrawal from a passbook kept at the point, to its holder (their citizen ID).
    Refused when the book holds less than asked or the drawer has not the cash."""
    desk = _desk(actor, point, at)
    number = _book_number(book_number)
    cid = fields.citizen_id(citizen_id)
    amount = fields.amount(amount)

    def work(op: Op) -> SavingsTransaction:
        book = _book_at(point, number)
        if book is None:
            raise NotFound(
                _("No savings book %(number)s at this point.") % {"number": number},
                field="book_number",
            )
        _check_holder(book, cid)
        taken = SavingsBook.objects.filter(pk=book.pk, balance__gte=amount).update(
            balance=F("balance") - amount
        )
        if not taken:
            book.refresh_from_db(fields=["balance"])
            raise DomainError(
                _("Book %(number)s holds %(balance)s: less than the %(amount)s asked.")
                % {
                    "number": number,
                    "balance": format_vnd(book.balance),
                    "amount": format_vnd(amount),
                },
                field="amount",
            )
        book.refresh_from_db(fields=["balance"])
        drawer = _check_drawer(point, amount)
        payable = accounts.partner_payable(point.province_code, book.partner)
        entry = op.post(
            kind=EntryKind.SAVINGS_WITHDRAWAL,
            legs=[ledger.Leg(payable, drawer, amount, Service.SAVINGS)],
        )
        return SavingsTransaction.objects.create(
            **op.record(entry),
            book=book,
            kind=SavingsKind.WITHDRAWAL,
            amount=amount,
            commission=0,
            balance_after=book.balance,
        )

    return desk.once(
        SavingsTransaction,
        operation="savings",
        key=idempotency_key,
        prefix=PREFIX_SAVINGS,
        fingerprint={
            "op": "withdrawal",
            "point": point.pk,
            "book": number,
            "cid": cid,
            "amount": amount,
        },
        work=work,
    )


# --- credit ----------------------------------------------------------------------------------


def _contract(value: Any) -> str:
    return fields.pattern(
        value,
        _CONTRACT,
        field="contract_number",
        message=_("A loan contract number is 4 to 40 letters, digits, '/', '.' or '-'."),
    )


def loan_repayment_collect(
    *,
    actor: Any,
    point: ServicePoint,
    idempotency_key: str,
    contract_number: str,
    borrower_name: str,
    amount: int,
    citizen_id: str = "",
    partner: str = Partner.LPBANK,
    at: dt.datetime | None = None,
) -> LoanRepayment:
    """Collect a loan repayment for the partner bank; the partner owes the post its
    commission, booked as revenue of ``credit`` in the same entry."""
    desk = _desk(actor, point, at)
    contract = _contract(contract_number)
    borrower = fields.text(borrower_name, field="borrower_name", label=_("Borrower's name"))
    cid = fields.citizen_id(citizen_id, required=False)
    amount = fields.amount(amount)
    partner = _partner(partner)

    def work(op: Op) -> LoanRepayment:
        rate = rates.rate_in_force(
            province_code=desk.province, service=RateService.CREDIT, partner=partner, day=desk.day
        )
        commission = rate.of(amount)
        legs = _agent_legs(point, partner, Service.CREDIT, amount, commission)
        entry = op.post(kind=EntryKind.LOAN_REPAYMENT, legs=legs)
        return LoanRepayment.objects.create(
            **op.record(entry),
            partner=partner,
            contract_number=contract,
            borrower_name=borrower,
            citizen_id=cid,
            amount=amount,
            commission=commission,
        )

    return desk.once(
        LoanRepayment,
        operation="loan",
        key=idempotency_key,
        prefix=PREFIX_LOAN,
        fingerprint={
            "op": "loan",
            "point": point.pk,
            "contract": contract,
            "amount": amount,
            "partner": partner,
        },
        work=work,
    )


def loan_referral_record(
    *,
    actor: Any,
    point: ServicePoint,
    idempotency_key: str,
    applicant_name: str,
    citizen_id: str,
    phone: str,
    amount_requested: int,
    purpose: str = "",
    partner: str = Partner.LPBANK,
    at: dt.datetime | None = None,
) -> LoanReferral:
    """Record a loan application taken at the counter and referred to the partner. No money
    moves: it is counted, not posted."""
    desk = _desk(actor, point, at)
    name = fields.text(applicant_name, field="applicant_name", label=_("Applicant's name"))
    cid = fields.citizen_id(citizen_id)
    phone = fields.phone(phone)
    amount = fields.amount(amount_requested, field="amount_requested")
    purpose = fields.text(purpose, field="purpose", label=_("Purpose"), required=False, limit=200)
    partner = _partner(partner)

    def work(op: Op) -> LoanReferral:
        return LoanReferral.objects.create(
            **op.record(None),
            partner=partner,
            applicant_name=name,
            citizen_id=cid,
            phone=phone,
            amount_requested=amount,
            purpose=purpose,
        )

    return desk.once(
        LoanReferral,
        operation="referral",
        key=idempotency_key,
        prefix=PREFIX_REFERRAL,
        fingerprint={"op": "referral", "point": point.pk, "cid": cid, "amount": amount},
        work=work,
    )


# --- payment accounts ------------------------------------------------------------------------


@dataclass(frozen=True)
class Opening:
    """A payment account opened by ``actor`` at ``point``, as ``payment_account_open`` is
    asked (a row of ``payment_accounts_open_many``)."""

    actor: Any
    point: ServicePoint
    key: str
    customer_name: str
    citizen_id: str
    phone: str
    partner: str
    account_number: str
    channel: str = OpeningChannel.COUNTER
    at: dt.datetime | None = None


def _opening_checked(row: Opening, day: dt.date) -> tuple[dict[str, Any], dict[str, Any]]:
    """The row's fields (its commission at the rate in force on ``day``) and the fingerprint
    of its request, or its refusal."""
    name = fields.text(row.customer_name, field="customer_name", label=_("Customer's name"))
    cid = fields.citizen_id(row.citizen_id)
    phone = fields.phone(row.phone)
    partner = _partner(row.partner)
    number = fields.pattern(
        row.account_number,
        _ACCOUNT,
        field="account_number",
        message=_("An account number is 6 to 20 digits."),
    )
    if row.channel not in OpeningChannel.values:
        raise DomainError(_("Say whether it was opened online or at the counter."), field="channel")
    rate = rates.rate_in_force(
        province_code=row.point.province_code,
        service=RateService.PAYMENT_ACCOUNT,
        partner=partner,
        day=day,
    )
    found = {
        "partner": partner,
        "customer_name": name,
        "citizen_id": cid,
        "phone": phone,
        "account_number": number,
        "channel": row.channel,
        "commission": rate.of(0),
    }
    asked = {"op": "account", "point": row.point.pk, "partner": partner, "number": number}
    return found, {**asked, "cid": cid}


def _opened_already(partner: str, number: str) -> DomainError:
    return DomainError(
        _("Account %(number)s of %(partner)s was already recorded as opened.")
        % {"number": number, "partner": Partner(partner).label},
        field="account_number",
    )


def _commission_legs(province: str, partner: str, commission: int) -> list[ledger.Leg]:
    """What the partner owes the post for an account opened: D partner receivable / C
    revenue ``payment_account``; nothing at a zero commission."""
    if commission <= 0:
        return []
    return [
        ledger.Leg(
            accounts.account_partner_receivable(province, partner),
            accounts.revenue(province, Service.PAYMENT_ACCOUNT),
            commission,
            Service.PAYMENT_ACCOUNT,
        )
    ]


def payment_account_open(
    *,
    actor: Any,
    point: ServicePoint,
    idempotency_key: str,
    customer_name: str,
    citizen_id: str,
    phone: str,
    partner: str,
    account_number: str,
    channel: str = OpeningChannel.COUNTER,
    at: dt.datetime | None = None,
) -> PaymentAccount:
    """Record a payment account opened for a customer with a partner. The partner owes the
    post a commission per account: one entry, D partner receivable / C revenue
    ``payment_account``, so the ledger counts the accounts opened."""
    desk = _desk(actor, point, at)
    row = Opening(
        actor, point, idempotency_key, customer_name, citizen_id, phone, partner,
        account_number, channel, at,
    )  # fmt: skip
    found, fingerprint = _opening_checked(row, desk.day)

    def work(op: Op) -> PaymentAccount:
        province = desk.province
        partner, number = found["partner"], found["account_number"]
        if PaymentAccount.objects.filter(
            province_code=province, partner=partner, account_number=number
        ).exists():
            raise _opened_already(partner, number)
        op.reference()
        legs = _commission_legs(province, partner, found["commission"])
        entry = op.post(kind=EntryKind.PAYMENT_ACCOUNT_FEE, legs=legs) if legs else None
        return PaymentAccount.objects.create(**op.record(entry), **found)

    return desk.once(
        PaymentAccount,
        operation="account",
        key=idempotency_key,
        prefix=PREFIX_ACCOUNT,
        fingerprint=fingerprint,
        work=work,
    )


@transaction.atomic
def payment_accounts_open_many(*, rows: Sequence[Opening]) -> list[str]:
    """The payment accounts of ``rows`` (each opened by its actor at its point and moment;
    one province's, of one business day), each recorded as ``payment_account_open`` records
    it: its reference from its point's serials, the commission's ledger entry, its row and
    its audit line, but in a few statements for the whole list (``counter.many``). All or
    nothing: a problem (an account recorded already, or twice in the list) refuses the list,
    naming its row. A row whose key was used for the same request is the account recorded
    already. The accounts' references, in the order of ``rows``."""
    if not rows:
        return []
    province = str(rows[0].point.province_code)
    many.list_checked(rows, province, moment_of(rows[0].at)[1])
    desks = many.Desks(app=APP)
    planned: list[many.Planned] = []
    numbers: dict[tuple[str, str], int] = {}
    with accounts.cached():
        for index, row in enumerate(rows):
            try:
                desk = desks.open(row.actor, row.point, row.at or many.noon(moment_of(None)[1]))
                found, fingerprint = _opening_checked(row, desk.day)
                key = desk.key("account", row.key)
            except DomainError as exc:
                raise many.refused(index, exc) from None
            planned.append(many.Planned(index, desk, key, fingerprint_of(fingerprint), [], found))
        todo, references = many.operations_done(PaymentAccount, province, planned)
        for plan in todo:
            opened = (plan.fields["partner"], plan.fields["account_number"])
            if opened in numbers:
                raise many.refused(plan.index, _opened_already(*opened))
            numbers[opened] = plan.index
        before = _opened_before(province, list(numbers))
        if before:
            raise many.refused(numbers[before[0]], _opened_already(*before[0]))
        for plan in todo:
            plan.legs = _commission_legs(
                province, plan.fields["partner"], plan.fields["commission"]
            )
        many.operations_write(
            PaymentAccount,
            todo,
            province=province,
            kind=EntryKind.PAYMENT_ACCOUNT_FEE,
            operation="account",
            prefix=PREFIX_ACCOUNT,
        )
    references.update((plan.key, plan.reference) for plan in todo)
    return [references[plan.key] for plan in planned]


def _opened_before(province: str, numbers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Which of ``numbers`` (partner, account number) are recorded already, in list order."""
    found: set[tuple[str, str]] = set()
    for chunk in many.chunks([number for _partner, number in numbers]):
        found.update(
            PaymentAccount.objects.filter(
                province_code=province, account_number__in=chunk
            ).values_list("partner", "account_number")
        )
    return [pair for pair in numbers if pair in found]


# --- remittances -----------------------------------------------------------------------------


def remittance_fee(*, province_code: str, amount: int, day: dt.date) -> tuple[int, int]:
    """The fee before VAT and the VAT the sender pays on ``amount``."""
    rate = rates.rate_in_force(
        province_code=province_code, service=RateService.REMITTANCE, partner="", day=day
    )
    fee = rate.of(amount)
    return fee, rate.vat_of(fee)


def _destination_check(destination_point: ServicePoint, province: str, day: dt.date) -> None:
    if (
        destination_point.province_code != province
        or destination_point.kind not in PointKind.with_counter()
        or not destination_point.is_active_on(day)
    ):
        raise DomainError(
            _("%(point)s cannot pay remittances: choose a post office of the province.")
            % {"point": destination_point},
            field="destination_point",
        )


def remittance_send(
    *,
    actor: Any,
    point: ServicePoint,
    idempotency_key: str,
    sender_name: str,
    sender_citizen_id: str,
    amount: int,
    recipient_name: str,
    recipient_citizen_id: str = "",
    sender_phone: str = "",
    recipient_phone: str = "",
    destination_point: ServicePoint | None = None,
    recipient_bank: str = "",
    recipient_account: str = "",
    at: dt.datetime | None = None,
) -> Remittance:
    """Send money: paid in cash at ``destination_point`` (a point of the same province) to
    the recipient with their citizen ID and the six-digit code given to the sender, or
    credited to ``recipient_account`` at ``recipient_bank``. The sender pays the amount, the
    fee and its VAT."""
    desk = _desk(actor, point, at)
    sender = fields.text(sender_name, field="sender_name", label=_("Sender's name"))
    sender_cid = fields.citizen_id(sender_citizen_id, field="sender_citizen_id")
    sender_phone = fields.phone(sender_phone, field="sender_phone", required=False)
    recipient = fields.text(recipient_name, field="recipient_name", label=_("Recipient's name"))
    recipient_phone = fields.phone(recipient_phone, field="recipient_phone", required=False)
    amount = fields.amount(amount)
    province = desk.province
    if destination_point is not None and (recipient_bank or recipient_account):
        raise DomainError(
            _("Send either to a post office or to a bank account, not both."),
            field="destination_point",
        )
    if destination_point is not None:
        destination = RemittanceDestination.POINT
        recipient_cid = fields.citizen_id(recipient_citizen_id, field="recipient_citizen_id")
        _destination_check(destination_point, province, desk.day)
        bank, account_number = "", ""
    elif recipient_bank or recipient_account:
        destination = RemittanceDestination.ACCOUNT
        recipient_cid = fields.citizen_id(
            recipient_citizen_id, field="recipient_citizen_id", required=False
        )
        bank = _partner(recipient_bank, field="recipient_bank")
        account_number = fields.pattern(
            recipient_account,
            _ACCOUNT,
            field="recipient_account",
            message=_("An account number is 6 to 20 digits."),
        )
    else:
        raise DomainError(
            _("Say where the money goes: a post office or a bank account."),
            field="destination_point",
        )
    to_point = destination == RemittanceDestination.POINT
    code = f"{secrets.randbelow(10**6):06d}"  # shown to the sender once, then only its hash

    def work(op: Op) -> Remittance:
        fee, vat = remittance_fee(province_code=province, amount=amount, day=desk.day)
        drawer = accounts.drawer(point)
        owed = (
            accounts.account_remittance_payable(province)
            if to_point
            else accounts.partner_payable(province, bank)
        )
        legs = [ledger.Leg(drawer, owed, amount, Service.REMITTANCE)]
        if fee > 0:
            revenue = accounts.revenue(province, Service.REMITTANCE)
            legs.append(ledger.Leg(drawer, revenue, fee, Service.REMITTANCE))
        if vat > 0:
            vat_payable = accounts.vat_payable(province)
            legs.append(ledger.Leg(drawer, vat_payable, vat, Service.REMITTANCE))
        entry = op.post(kind=EntryKind.REMITTANCE, legs=legs)
        made = Remittance.objects.create(
            **op.record(entry),
            sender_name=sender,
            sender_citizen_id=sender_cid,
            sender_phone=sender_phone,
            recipient_name=recipient,
            recipient_citizen_id=recipient_cid,
            recipient_phone=recipient_phone,
            destination=destination,
            destination_point=destination_point,
            recipient_bank=bank,
            recipient_account=account_number,
            amount=amount,
            fee=fee,
            vat=vat,
            status=RemittanceStatus.SENT if to_point else RemittanceStatus.CREDITED,
        )
        if to_point:
            made.secret_hash = code_hash(made.reference, code)
            made.save(update_fields=["secret_hash"])
        return made

    sent = desk.once(
        Remittance,
        operation="remittance",
        key=idempotency_key,
        prefix=PREFIX_REMITTANCE,
        fingerprint={
            "op": "remittance",
            "point": point.pk,
            "sender": sender_cid,
            "recipient": fold(recipient),
            "amount": amount,
            "to": destination_point.pk if destination_point else f"{bank}:{account_number}",
        },
        work=work,
    )
    # The code goes back with the remittance just made (not with one sent before under the
    # same key: its code was given then and is kept nowhere).
    sent.secret_code = code if sent.secret_hash == code_hash(sent.reference, code) else ""
    return sent


def _remittance_to_pay(point: ServicePoint, reference: str) -> Remittance:
    remittance = Remittance.objects.filter(
        province_code=point.province_code,
        reference=reference,
        destination=RemittanceDestination.POINT,
        destination_point=point,
    ).first()
    if remittance is None:
        raise NotFound(
            _("No remittance %(number)s to pay at this point.") % {"number": reference or "-"},
            field="number",
        )
    if remittance.status != RemittanceStatus.SENT:
        raise DomainError(
            _("Remittance %(number)s was already paid on %(day)s.")
            % {
                "number": reference,
                "day": f"{remittance.paid_date:%d/%m/%Y}" if remittance.paid_date else "-",
            },
            field="number",
        )
    return remittance


class _WrongCode(Exception):
    def __init__(self, pk: int) -> None:
        self.pk = pk


def remittance_pay(
    *,
    actor: Any,
    point: ServicePoint,
    idempotency_key: str,
    number: str,
    secret_code: str,
    recipient_citizen_id: str,
    at: dt.datetime | None = None,
) -> Remittance:
    """Pay a remittance out in cash at its destination point, to the recipient who gives
    their citizen ID and the code. Paid once: a second payment is refused."""
    desk = _desk(actor, point, at)
    reference = str(number or "").strip().upper()
    code = str(secret_code or "").strip()
    cid = fields.citizen_id(recipient_citizen_id, field="recipient_citizen_id")
    key = desk.key("payout", idempotency_key)
    province = desk.province

    def paid() -> Remittance | None:
        done = Remittance.objects.filter(province_code=province, paid_key=key).first()
        if done is not None and done.reference != reference:
            raise key_reused(key)
        return done

    def work() -> Remittance:
        remittance = _remittance_to_pay(point, reference)
        if remittance.wrong_tries >= MAX_CODE_TRIES:
            raise DomainError(
                _(
                    "Remittance %(number)s is locked after %(n)d wrong codes: the sender must "
                    "ask the sending office to release it."
                )
                % {"number": reference, "n": MAX_CODE_TRIES},
                field="secret_code",
            )
        if not (
            _CODE.match(code)
            and hmac.compare_digest(remittance.secret_hash, code_hash(remittance.reference, code))
            and hmac.compare_digest(remittance.recipient_citizen_id, cid)
        ):
            raise _WrongCode(remittance.pk)
        drawer = _check_drawer(point, remittance.amount)
        claimed = Remittance.objects.filter(pk=remittance.pk, status=RemittanceStatus.SENT).update(
            status=RemittanceStatus.PAID,
            paid_key=key,
            paid_at=desk.moment,
            paid_point=point,
            paid_by_id=actor_id(actor),
        )
        if not claimed:
            raise DomainError(
                _("Remittance %(number)s was already paid.") % {"number": reference},
                field="number",
            )
        paid_reference = desk.reference(PREFIX_PAYOUT)
        leg = ledger.Leg(
            accounts.account_remittance_payable(province),
            drawer,
            remittance.amount,
            Service.REMITTANCE,
        )
        entry = desk.post(
            kind=EntryKind.REMITTANCE, legs=[leg], reference=f"{APP}:{paid_reference}", key=key
        )
        Remittance.objects.filter(pk=remittance.pk).update(
            paid_reference=paid_reference, paid_entry=entry, paid_date=entry.business_date
        )
        remittance.refresh_from_db()
        return remittance

    done = paid()
    if done is not None:
        return done
    try:
        with transaction.atomic():
            return work()
    except IntegrityError:
        done = paid()
        if done is None:
            raise
        return done
    except _WrongCode as wrong:
        # Counted outside the refused transaction: the count stays.
        Remittance.objects.filter(pk=wrong.pk).update(wrong_tries=F("wrong_tries") + 1)
        left = MAX_CODE_TRIES - Remittance.objects.get(pk=wrong.pk).wrong_tries
        raise DomainError(
            _(
                "The code or the recipient's citizen ID does not match remittance %(number)s: "
                "nothing was paid (%(left)d tries left)."
            )
            % {"number": reference, "left": max(0, left)},
            field="secret_code",
        ) from None
