"""Writes of the agency services: savings deposits and withdrawals, loan repayments and
referrals, payment accounts opened, remittances sent and paid.

Each function is one transaction: it checks the actor (a counter clerk at their own point,
or an administrator at a point of their scope; auditors and directors never act), writes the
operation's row and posts its one ledger entry, every leg carrying the service's code, under
the same idempotency key. A refusal raises a DomainError and changes nothing. A retry under
the same key returns the operation already recorded; a different request under a used key is
refused.

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
import json
import re
import secrets
from collections.abc import Callable, Sequence
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
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
from buudien.core.bizdays import VIETNAM
from buudien.core.catalogue import Service
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.money import format_vnd
from buudien.core.sequences import sequence_next
from buudien.core.text import fold
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import Account, Entry
from buudien.network.choices import PointKind
from buudien.network.models import ServicePoint
from buudien.people import access
from buudien.people.choices import Role

COUNTER_ROLES = frozenset({Role.CLERK, Role.ADMIN})
MAX_AMOUNT = 10**12  # a thousand billion đồng: no counter operation is larger
MAX_KEY = 64

# Prefixes of the references printed on receipts: <prefix><point code><serial of 6 digits>.
PREFIX_SAVINGS = "TK"  # tiết kiệm
PREFIX_LOAN = "TD"  # tín dụng
PREFIX_REFERRAL = "HS"  # hồ sơ vay
PREFIX_ACCOUNT = "TT"  # tài khoản thanh toán
PREFIX_REMITTANCE = "CT"  # chuyển tiền
PREFIX_PAYOUT = "TC"  # trả chuyển tiền

_CITIZEN_ID = re.compile(r"^\d{12}$")
_PHONE = re.compile(r"^0\d{8,10}$")
_BOOK = re.compile(r"^[A-Z0-9]{6,20}$")
_CONTRACT = re.compile(r"^[A-Z0-9][A-Z0-9/.\-]{3,39}$")
_ACCOUNT = re.compile(r"^\d{6,20}$")
_CODE = re.compile(r"^\d{6}$")


# --- checks ----------------------------------------------------------------------------------


def counter_point_of(actor: Any) -> ServicePoint | None:
    """The point where ``actor`` works at the counter, if any."""
    point = getattr(actor, "point", None)
    return point if isinstance(point, ServicePoint) else None


def can_act(actor: Any) -> bool:
    return access.has_role(actor, COUNTER_ROLES)


def check_counter(actor: Any, point: ServicePoint, day: dt.date) -> None:
    """``actor`` may take operations at ``point``'s counter on ``day``: a clerk at their own
    point, an administrator at a point of their scope. Another point is "not found"."""
    if not can_act(actor):
        raise AccessDenied(
            _("Only a counter clerk or an administrator may take operations at the counter.")
        )
    if actor.role == Role.CLERK and not actor.is_superuser:
        if actor.point_id is None:
            raise AccessDenied(_("You do not work at a service point's counter."))
        if actor.point_id != point.pk:
            raise NotFound(_("No such service point."), field="point")
    elif not access.in_scope(actor, point.unit_path):
        raise NotFound(_("No such service point."), field="point")
    if point.kind not in PointKind.with_counter() or not point.is_active_on(day):
        raise DomainError(
            _("%(point)s does not serve at a counter on %(day)s.")
            % {"point": point, "day": f"{day:%d/%m/%Y}"},
            field="point",
        )


def _text(value: Any, *, field: str, label: str, required: bool = True, limit: int = 150) -> str:
    text = " ".join(str(value or "").split())
    if "\x00" in text:
        raise DomainError(_("%(label)s contains a null character.") % {"label": label}, field=field)
    if required and not text:
        raise DomainError(_("%(label)s is required.") % {"label": label}, field=field)
    if len(text) > limit:
        raise DomainError(
            _("%(label)s is longer than %(limit)s characters.") % {"label": label, "limit": limit},
            field=field,
        )
    return text


def _citizen_id(value: Any, *, field: str = "citizen_id", required: bool = True) -> str:
    text = str(value or "").strip().replace(" ", "")
    if not text and not required:
        return ""
    if not _CITIZEN_ID.match(text):
        raise DomainError(_("A citizen ID is 12 digits."), field=field)
    return text


def _phone(value: Any, *, field: str = "phone", required: bool = True) -> str:
    text = re.sub(r"[\s.\-]", "", str(value or ""))
    if text.startswith("+84"):
        text = "0" + text[3:]
    if not text and not required:
        return ""
    if not _PHONE.match(text):
        raise DomainError(
            _("A phone number is 9 to 11 digits starting with 0, e.g. 0912345678."), field=field
        )
    return text


def _pattern(value: Any, pattern: re.Pattern[str], *, field: str, message: str) -> str:
    text = str(value or "").strip().replace(" ", "").upper()
    if not pattern.match(text):
        raise DomainError(message, field=field)
    return text


def _amount(value: Any, *, field: str = "amount") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(
            _("An amount is a whole number of đồng, not %(value)r.") % {"value": value},
            field=field,
        )
    if value <= 0:
        raise DomainError(_("The amount must be more than zero."), field=field)
    if value > MAX_AMOUNT:
        raise DomainError(
            _("The amount cannot be more than %(max)s.") % {"max": format_vnd(MAX_AMOUNT)},
            field=field,
        )
    return value


def _partner(value: Any, *, field: str = "partner") -> str:
    partner = str(value or "")
    if partner not in Partner.values:
        raise DomainError(_("Unknown partner %(partner)s.") % {"partner": partner}, field=field)
    return partner


def _moment(at: dt.datetime | None) -> tuple[dt.datetime, dt.date]:
    moment = at or timezone.now()
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=VIETNAM)
    return moment, moment.astimezone(VIETNAM).date()


def _key(operation: str, point: ServicePoint, key: Any) -> str:
    text = str(key or "").strip()
    if not text or len(text) > MAX_KEY or any(ch.isspace() or not ch.isprintable() for ch in text):
        raise DomainError(
            _("An idempotency key of 1 to %(max)s characters (no spaces) is required.")
            % {"max": MAX_KEY},
            field="idempotency_key",
        )
    return f"agency:{operation}:{point.code}:{text}"


def _fingerprint(**fields: Any) -> str:
    canonical = json.dumps(fields, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _reused(key: str) -> DomainError:
    return DomainError(
        _("Idempotency key reused with a different request: %(key)s.") % {"key": key},
        field="idempotency_key",
    )


def _once[M: models.Model](
    model: type[M], *, province_code: str, key: str, fingerprint: str, work: Callable[[], M]
) -> M:
    """The operation recorded under ``key`` already, or ``work()`` in one transaction. Two
    requests racing with one key: the loser's insert clashes and it returns the winner's."""

    def existing() -> M | None:
        rows = model._default_manager.filter(province_code=province_code, idempotency_key=key)
        row = next(iter(rows.order_by()[:1]), None)
        if row is not None and getattr(row, "fingerprint", "") != fingerprint:
            raise _reused(key)
        return row

    row = existing()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return work()
    except IntegrityError:
        row = existing()
        if row is None:
            raise DomainError(
                _("Another operation took the same number at the same moment: try again.")
            ) from None
        return row


def _reference(prefix: str, point: ServicePoint) -> str:
    """The next reference of ``point`` for ``prefix``: per point, so no province-wide row
    is a hot spot."""
    serial = sequence_next(f"agency:{prefix}:{point.code}")
    return f"{prefix}{point.code}{serial:06d}"


def _post(
    *,
    actor: Any,
    key: str,
    kind: str,
    reference: str,
    legs: Sequence[ledger.Leg],
    point: ServicePoint,
    day: dt.date,
) -> Entry:
    return ledger.entry_post(
        actor=actor,
        idempotency_key=key,
        kind=kind,
        reference=f"agency:{reference}",
        legs=legs,
        province_code=point.province_code,
        business_date=day,
        point=point,
        late=True,
    )


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


def _actor_id(actor: Any) -> int | None:
    return actor.pk if getattr(actor, "is_authenticated", False) else None


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
    return _pattern(
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
    moment, day = _moment(at)
    check_counter(actor, point, day)
    number = _book_number(book_number)
    name = _text(customer_name, field="customer_name", label=_("Customer's name"))
    cid = _citizen_id(citizen_id)
    amount = _amount(amount)
    partner = _partner(partner)
    if term_months is not None and term_months not in SavingsTerm.values:
        raise DomainError(_("Choose a term of the list."), field="term_months")
    key = _key("savings", point, idempotency_key)
    fingerprint = _fingerprint(
        op="deposit", point=point.pk, book=number, cid=cid, amount=amount, name=fold(name)
    )

    def work() -> SavingsTransaction:
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
                opened_on=day,
            )
        else:
            _check_holder(book, cid)
        SavingsBook.objects.filter(pk=book.pk).update(balance=F("balance") + amount)
        book.refresh_from_db(fields=["balance"])
        rate = rates.rate_in_force(
            province_code=point.province_code,
            service=RateService.SAVINGS,
            partner=book.partner,
            day=day,
        )
        commission = rate.of(amount)
        province = point.province_code
        legs = [
            ledger.Leg(
                accounts.drawer(point),
                accounts.partner_payable(province, book.partner),
                amount,
                Service.SAVINGS,
            )
        ]
        if commission > 0:
            legs.append(
                ledger.Leg(
                    accounts.account_partner_receivable(province, book.partner),
                    accounts.revenue(province, Service.SAVINGS),
                    commission,
                    Service.SAVINGS,
                )
            )
        reference = _reference(PREFIX_SAVINGS, point)
        entry = _post(
            actor=actor,
            key=key,
            kind=EntryKind.SAVINGS_DEPOSIT,
            reference=reference,
            legs=legs,
            point=point,
            day=day,
        )
        return SavingsTransaction.objects.create(
            province_code=province,
            reference=reference,
            idempotency_key=key,
            fingerprint=fingerprint,
            point=point,
            business_date=entry.business_date,
            created_at=moment,
            created_by_id=_actor_id(actor),
            entry=entry,
            book=book,
            kind=SavingsKind.DEPOSIT,
            amount=amount,
            commission=commission,
            balance_after=book.balance,
        )

    return _once(
        SavingsTransaction,
        province_code=point.province_code,
        key=key,
        fingerprint=fingerprint,
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
    moment, day = _moment(at)
    check_counter(actor, point, day)
    number = _book_number(book_number)
    cid = _citizen_id(citizen_id)
    amount = _amount(amount)
    key = _key("savings", point, idempotency_key)
    fingerprint = _fingerprint(op="withdrawal", point=point.pk, book=number, cid=cid, amount=amount)

    def work() -> SavingsTransaction:
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
        province = point.province_code
        leg = ledger.Leg(
            accounts.partner_payable(province, book.partner), drawer, amount, Service.SAVINGS
        )
        reference = _reference(PREFIX_SAVINGS, point)
        entry = _post(
            actor=actor,
            key=key,
            kind=EntryKind.SAVINGS_WITHDRAWAL,
            reference=reference,
            legs=[leg],
            point=point,
            day=day,
        )
        return SavingsTransaction.objects.create(
            province_code=province,
            reference=reference,
            idempotency_key=key,
            fingerprint=fingerprint,
            point=point,
            business_date=entry.business_date,
            created_at=moment,
            created_by_id=_actor_id(actor),
            entry=entry,
            book=book,
            kind=SavingsKind.WITHDRAWAL,
            amount=amount,
            commission=0,
            balance_after=book.balance,
        )

    return _once(
        SavingsTransaction,
        province_code=point.province_code,
        key=key,
        fingerprint=fingerprint,
        work=work,
    )


# --- credit ----------------------------------------------------------------------------------


def _contract(value: Any) -> str:
    return _pattern(
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
    moment, day = _moment(at)
    check_counter(actor, point, day)
    contract = _contract(contract_number)
    borrower = _text(borrower_name, field="borrower_name", label=_("Borrower's name"))
    cid = _citizen_id(citizen_id, required=False)
    amount = _amount(amount)
    partner = _partner(partner)
    key = _key("loan", point, idempotency_key)
    fingerprint = _fingerprint(
        op="loan", point=point.pk, contract=contract, amount=amount, partner=partner
    )

    def work() -> LoanRepayment:
        province = point.province_code
        rate = rates.rate_in_force(
            province_code=province, service=RateService.CREDIT, partner=partner, day=day
        )
        commission = rate.of(amount)
        legs = [
            ledger.Leg(
                accounts.drawer(point),
                accounts.partner_payable(province, partner),
                amount,
                Service.CREDIT,
            )
        ]
        if commission > 0:
            legs.append(
                ledger.Leg(
                    accounts.account_partner_receivable(province, partner),
                    accounts.revenue(province, Service.CREDIT),
                    commission,
                    Service.CREDIT,
                )
            )
        reference = _reference(PREFIX_LOAN, point)
        entry = _post(
            actor=actor,
            key=key,
            kind=EntryKind.LOAN_REPAYMENT,
            reference=reference,
            legs=legs,
            point=point,
            day=day,
        )
        return LoanRepayment.objects.create(
            province_code=province,
            reference=reference,
            idempotency_key=key,
            fingerprint=fingerprint,
            point=point,
            business_date=entry.business_date,
            created_at=moment,
            created_by_id=_actor_id(actor),
            entry=entry,
            partner=partner,
            contract_number=contract,
            borrower_name=borrower,
            citizen_id=cid,
            amount=amount,
            commission=commission,
        )

    return _once(
        LoanRepayment,
        province_code=point.province_code,
        key=key,
        fingerprint=fingerprint,
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
    moment, day = _moment(at)
    check_counter(actor, point, day)
    name = _text(applicant_name, field="applicant_name", label=_("Applicant's name"))
    cid = _citizen_id(citizen_id)
    phone = _phone(phone)
    amount = _amount(amount_requested, field="amount_requested")
    purpose = _text(purpose, field="purpose", label=_("Purpose"), required=False, limit=200)
    partner = _partner(partner)
    key = _key("referral", point, idempotency_key)
    fingerprint = _fingerprint(op="referral", point=point.pk, cid=cid, amount=amount)

    def work() -> LoanReferral:
        return LoanReferral.objects.create(
            province_code=point.province_code,
            reference=_reference(PREFIX_REFERRAL, point),
            idempotency_key=key,
            fingerprint=fingerprint,
            point=point,
            business_date=day,
            created_at=moment,
            created_by_id=_actor_id(actor),
            partner=partner,
            applicant_name=name,
            citizen_id=cid,
            phone=phone,
            amount_requested=amount,
            purpose=purpose,
        )

    return _once(
        LoanReferral,
        province_code=point.province_code,
        key=key,
        fingerprint=fingerprint,
        work=work,
    )


# --- payment accounts ------------------------------------------------------------------------


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
    moment, day = _moment(at)
    check_counter(actor, point, day)
    name = _text(customer_name, field="customer_name", label=_("Customer's name"))
    cid = _citizen_id(citizen_id)
    phone = _phone(phone)
    partner = _partner(partner)
    number = _pattern(
        account_number,
        _ACCOUNT,
        field="account_number",
        message=_("An account number is 6 to 20 digits."),
    )
    if channel not in OpeningChannel.values:
        raise DomainError(_("Say whether it was opened online or at the counter."), field="channel")
    key = _key("account", point, idempotency_key)
    fingerprint = _fingerprint(
        op="account", point=point.pk, partner=partner, number=number, cid=cid
    )

    def work() -> PaymentAccount:
        province = point.province_code
        if PaymentAccount.objects.filter(
            province_code=province, partner=partner, account_number=number
        ).exists():
            raise DomainError(
                _("Account %(number)s of %(partner)s was already recorded as opened.")
                % {"number": number, "partner": Partner(partner).label},
                field="account_number",
            )
        rate = rates.rate_in_force(
            province_code=province, service=RateService.PAYMENT_ACCOUNT, partner=partner, day=day
        )
        commission = rate.of(0)
        reference = _reference(PREFIX_ACCOUNT, point)
        entry = None
        business_date = day
        if commission > 0:
            leg = ledger.Leg(
                accounts.account_partner_receivable(province, partner),
                accounts.revenue(province, Service.PAYMENT_ACCOUNT),
                commission,
                Service.PAYMENT_ACCOUNT,
            )
            entry = _post(
                actor=actor,
                key=key,
                kind=EntryKind.PAYMENT_ACCOUNT_FEE,
                reference=reference,
                legs=[leg],
                point=point,
                day=day,
            )
            business_date = entry.business_date
        return PaymentAccount.objects.create(
            province_code=province,
            reference=reference,
            idempotency_key=key,
            fingerprint=fingerprint,
            point=point,
            business_date=business_date,
            created_at=moment,
            created_by_id=_actor_id(actor),
            entry=entry,
            partner=partner,
            customer_name=name,
            citizen_id=cid,
            phone=phone,
            account_number=number,
            channel=channel,
            commission=commission,
        )

    return _once(
        PaymentAccount,
        province_code=point.province_code,
        key=key,
        fingerprint=fingerprint,
        work=work,
    )


# --- remittances -----------------------------------------------------------------------------


def remittance_fee(*, province_code: str, amount: int, day: dt.date) -> tuple[int, int]:
    """The fee before VAT and the VAT the sender pays on ``amount``."""
    rate = rates.rate_in_force(
        province_code=province_code, service=RateService.REMITTANCE, partner="", day=day
    )
    fee = rate.of(amount)
    return fee, rate.vat_of(fee)


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
    moment, day = _moment(at)
    check_counter(actor, point, day)
    sender = _text(sender_name, field="sender_name", label=_("Sender's name"))
    sender_cid = _citizen_id(sender_citizen_id, field="sender_citizen_id")
    sender_phone = _phone(sender_phone, field="sender_phone", required=False)
    recipient = _text(recipient_name, field="recipient_name", label=_("Recipient's name"))
    recipient_phone = _phone(recipient_phone, field="recipient_phone", required=False)
    amount = _amount(amount)
    province = point.province_code
    if destination_point is not None and (recipient_bank or recipient_account):
        raise DomainError(
            _("Send either to a post office or to a bank account, not both."),
            field="destination_point",
        )
    if destination_point is not None:
        destination = RemittanceDestination.POINT
        recipient_cid = _citizen_id(recipient_citizen_id, field="recipient_citizen_id")
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
        bank, account_number = "", ""
    elif recipient_bank or recipient_account:
        destination = RemittanceDestination.ACCOUNT
        recipient_cid = _citizen_id(
            recipient_citizen_id, field="recipient_citizen_id", required=False
        )
        bank = _partner(recipient_bank, field="recipient_bank")
        account_number = _pattern(
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
    key = _key("remittance", point, idempotency_key)
    fingerprint = _fingerprint(
        op="remittance",
        point=point.pk,
        sender=sender_cid,
        recipient=fold(recipient),
        amount=amount,
        to=destination_point.pk if destination_point else f"{bank}:{account_number}",
    )

    def work() -> Remittance:
        fee, vat = remittance_fee(province_code=province, amount=amount, day=day)
        drawer = accounts.drawer(point)
        owed = (
            accounts.account_remittance_payable(province)
            if destination == RemittanceDestination.POINT
            else accounts.partner_payable(province, bank)
        )
        legs = [ledger.Leg(drawer, owed, amount, Service.REMITTANCE)]
        if fee > 0:
            revenue = accounts.revenue(province, Service.REMITTANCE)
            legs.append(ledger.Leg(drawer, revenue, fee, Service.REMITTANCE))
        if vat > 0:
            vat_payable = accounts.vat_payable(province)
            legs.append(ledger.Leg(drawer, vat_payable, vat, Service.REMITTANCE))
        reference = _reference(PREFIX_REMITTANCE, point)
        entry = _post(
            actor=actor,
            key=key,
            kind=EntryKind.REMITTANCE,
            reference=reference,
            legs=legs,
            point=point,
            day=day,
        )
        return Remittance.objects.create(
            province_code=province,
            reference=reference,
            idempotency_key=key,
            fingerprint=fingerprint,
            point=point,
            business_date=entry.business_date,
            created_at=moment,
            created_by_id=_actor_id(actor),
            entry=entry,
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
            secret_code=(
                f"{secrets.randbelow(10**6):06d}"
                if destination == RemittanceDestination.POINT
                else ""
            ),
            status=(
                RemittanceStatus.SENT
                if destination == RemittanceDestination.POINT
                else RemittanceStatus.CREDITED
            ),
        )

    return _once(Remittance, province_code=province, key=key, fingerprint=fingerprint, work=work)


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
    moment, day = _moment(at)
    check_counter(actor, point, day)
    reference = str(number or "").strip().upper()
    code = str(secret_code or "").strip()
    cid = _citizen_id(recipient_citizen_id, field="recipient_citizen_id")
    key = _key("payout", point, idempotency_key)
    province = point.province_code

    done = Remittance.objects.filter(province_code=province, paid_key=key).first()
    if done is not None:
        if done.reference != reference:
            raise _reused(key)
        return done

    def work() -> Remittance:
        remittance = Remittance.objects.filter(
            province_code=province,
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
        if not (
            _CODE.match(code)
            and hmac.compare_digest(remittance.secret_code, code)
            and hmac.compare_digest(remittance.recipient_citizen_id, cid)
        ):
            raise DomainError(
                _(
                    "The code or the recipient's citizen ID does not match remittance "
                    "%(number)s: nothing was paid."
                )
                % {"number": reference},
                field="secret_code",
            )
        drawer = _check_drawer(point, remittance.amount)
        claimed = Remittance.objects.filter(pk=remittance.pk, status=RemittanceStatus.SENT).update(
            status=RemittanceStatus.PAID,
            paid_key=key,
            paid_at=moment,
            paid_point=point,
            paid_by_id=_actor_id(actor),
        )
        if not claimed:
            raise DomainError(
                _("Remittance %(number)s was already paid.") % {"number": reference},
                field="number",
            )
        paid_reference = _reference(PREFIX_PAYOUT, point)
        leg = ledger.Leg(
            accounts.account_remittance_payable(province),
            drawer,
            remittance.amount,
            Service.REMITTANCE,
        )
        entry = _post(
            actor=actor,
            key=key,
            kind=EntryKind.REMITTANCE,
            reference=paid_reference,
            legs=[leg],
            point=point,
            day=day,
        )
        Remittance.objects.filter(pk=remittance.pk).update(
            paid_reference=paid_reference, paid_entry=entry, paid_date=entry.business_date
        )
        remittance.refresh_from_db()
        return remittance

    try:
        with transaction.atomic():
            return work()
    except IntegrityError:
        done = Remittance.objects.filter(province_code=province, paid_key=key).first()
        if done is None or done.reference != reference:
            raise
        return done
