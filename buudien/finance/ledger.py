"""The ledger core: posting entries, reversing them, closing business days, the chart.

Every money movement of buudien is posted here with ``entry_post``: one transaction that
locks the accounts it touches (in primary-key order, so two postings over the same hot
accounts in opposite directions cannot deadlock), refuses what would take a cash drawer or a
bank account below zero, applies the balances with ``balance = balance + delta`` in SQL,
writes the transfers and adds them to the daily rollup. Nothing is posted unless all of it is.

Idempotency: each entry carries a key unique in its province. Posting the same request
again under the same key returns the entry already posted; a different request under a used
key is refused. Keys are chosen by the caller from the operation they record
(``mail-booking:42``, ``pension-line:2026-01:17``) or sent by a client (``Idempotency-Key``).

Business days: a posting is dated on the open business day (today in Vietnam) unless told
otherwise. A closed day takes no more postings; a caller that knows it is late passes
``late=True`` and the entry goes into the open day with ``late_for`` set to the closed one.

Concurrency on both databases:
- PostgreSQL: ``SELECT ... FOR UPDATE ORDER BY id`` on the accounts; a shared advisory lock on
  (province, day) that closing the day takes exclusively, so no posting lands in a day that
  closed under it; the whole transaction is retried on 40001/40P01 (and on a clash of
  idempotency keys, which then finds the entry posted by the other request).
- SQLite: the transaction begins IMMEDIATE (settings), so writers are serialised by the
  database lock and the balances read inside the transaction are the current ones.
Either way the database has the last word: a CHECK constraint refuses a negative balance on
an account that may not go negative.

The services here are the ledger's own and do not check roles: the operations built on them
(acceptance of mail, a pension payment, a manual entry) check their actor first. Manual
entries by accountants go through ``entry_post_manual`` and ``finance.reversals`` (a reversal
for a reason, above an amount once a supervisor approves: ``require_reverser``), which do.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import re
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import (
    Count,
    QuerySet,
    Sum,
)
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from buudien.core.audit import audit_record, audit_unsaved
from buudien.core.bizdays import local_today
from buudien.core.catalogue import Service
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.models import AuditEntry
from buudien.core.money import format_vnd
from buudien.finance.choices import AUDITED_KINDS, DEBIT_NORMAL, AccountKind, EntryKind
from buudien.finance.models import (
    Account,
    BusinessDay,
    DailyBalance,
    DailyFigure,
    Entry,
    MonthlyFigure,
    Transfer,
)
from buudien.finance.selectors import account_scope_q
from buudien.network.choices import UnitKind
from buudien.network.models import ServicePoint, Unit
from buudien.people import access
from buudien.people.choices import Role

log = logging.getLogger(__name__)

# Whole attempts of one posting when PostgreSQL reports a serialization failure or a deadlock.
MAX_ATTEMPTS = 5
RETRY_SQLSTATES = frozenset({"40001", "40P01"})
UNIQUE_VIOLATION = "23505"
# No single movement of money is larger than this (a million billion đồng).
MAX_AMOUNT = 10**15
MAX_LEGS = 100
# The advisory locks of business days: (namespace, crc32 of "province:date").
_DAY_LOCK_NAMESPACE = 0x1ED6

ENTRY_ROLES = frozenset({Role.ACCOUNTANT, Role.ADMIN})
CLOSE_ROLES = frozenset({Role.ACCOUNTANT, Role.DIRECTOR, Role.ADMIN})


@dataclass(frozen=True, slots=True)
class Leg:
    """One transfer of an entry: ``amount`` đồng debited to ``debit``, credited to ``credit``.
    ``service`` is the catalogue code whose revenue or volume this is (blank if none)."""

    debit: Account
    credit: Account
    amount: int
    service: str = ""


@dataclass(frozen=True, slots=True)
class _Request:
    actor: Any
    province_code: str
    idempotency_key: str
    kind: str
    reference: str
    legs: tuple[Leg, ...]
    business_date: dt.date | None
    late: bool
    point: ServicePoint | None
    memo: str
    reverses: Entry | None = None


# --- the chart of accounts -------------------------------------------------------------------

# Province-wide accounts of the chart (Vietnamese chart of accounts, Circular 200).
VAT_PAYABLE = "3331"
COD_PAYABLE = "3388.cod"
EXPENSES = "642"
CASH_SHORTAGE = "1381"
CASH_SURPLUS = "3381"
OWNER_CAPITAL = "411"
DRAWER_PREFIX = "1111."
BANK_PREFIX = "1121."
REVENUE_PREFIX = "5113."
PARTNER_PREFIX = "3388.partner."
RECEIVABLE_PREFIX = "131.partner."
REMITTANCE_PAYABLE = "3388.remittance"
# Goods (distribution): inventory per point, goods between two points, their cost.
GOODS_IN_TRANSIT = "151"
INVENTORY_PREFIX = "156."
COST_OF_GOODS_SOLD = "632"
INVENTORY_WRITTEN_OFF = "632.loss"
SUPPLIER_PREFIX = "331."
ORDERS_RECEIVABLE = "131.orders"
TRANSFERS_AWAITED = "113"
# Cash taken out of a drawer and not yet received (by another point, or on the bank account).
CASH_IN_TRANSIT = "113.cash"
CONSIGNORS_AWAITING_COD = "3388.orders"

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


def _fixed_chart() -> dict[str, tuple[str, str, bool]]:
    """code -> (kind, name, allow_negative) of the province-wide accounts with fixed codes."""
    return {
        VAT_PAYABLE: (AccountKind.LIABILITY, _("VAT payable"), True),
        COD_PAYABLE: (AccountKind.LIABILITY, _("COD owed to senders"), True),
        EXPENSES: (AccountKind.EXPENSE, _("Operating expenses"), True),
        CASH_SHORTAGE: (AccountKind.ASSET, _("Cash shortage awaiting settlement"), True),
        CASH_SURPLUS: (AccountKind.LIABILITY, _("Cash surplus awaiting settlement"), True),
        OWNER_CAPITAL: (AccountKind.EQUITY, _("Owner's capital"), True),
    }


def _in_default_language[T](build: Callable[[], T]) -> T:
    """Account names are stored data: written in the default language of the system, not
    in the language of whoever happened to make the account."""
    with translation.override(settings.LANGUAGE_CODE):
        return build()


def province_unit(province_code: str) -> Unit:
    """The provincial post of a province: the owner of its province-wide accounts."""
    units = Unit.objects.filter(kind=UnitKind.PROVINCE, province_code=province_code)
    unit = units.in_force_on(local_today()).order_by("path").first() or units.first()
    if unit is None:
        raise DomainError(
            _("There is no provincial post with province code %(code)s.") % {"code": province_code}
        )
    return unit


def _account_ensure(
    *,
    province_code: str,
    code: str,
    kind: str,
    name: Callable[[], str],
    allow_negative: bool = True,
    point: ServicePoint | None = None,
    unit: Unit | None = None,
    service: str = "",
    partner: str = "",
) -> Account:
    account = Account.objects.filter(province_code=province_code, code=code).first()
    if account is not None:
        return account
    if point is None and unit is None:
        unit = province_unit(province_code)
    # get_or_create takes a savepoint and reads again when a concurrent caller won the race.
    account, _created = Account.objects.get_or_create(
        province_code=province_code,
        code=code,
        defaults={
            "name": _in_default_language(name)[:200],
            "kind": kind,
            "allow_negative": allow_negative,
            "point": point,
            "unit": unit,
            "service": service,
            "partner": partner,
        },
    )
    return account


# Accounts this process has read, by (province, code), with how to read or make each again:
# a posting's legs may name them without a query. Accounts are never deleted, so an id keeps
# its account; the posting still checks, as it locks them, that each id is the row of its
# province and code (a test database rolled back and filled again reuses ids), and reads it
# again when not (``_lock_legs``).
_KNOWN: dict[tuple[str, str], tuple[Account, Callable[[], Account]]] = {}


def account_known(province_code: str, code: str, read: Callable[[], Account]) -> Account:
    """The account ``code`` of the province as this process knows it (``read()`` the first
    time, e.g. ``lambda: account_for_drawer(point)``), for a posting's legs only: its
    balance is not current."""
    known = _KNOWN.get((province_code, code))
    account = read() if known is None else known[0]
    # The latest way to read it again: the caller's rows (its point) are the current ones.
    _KNOWN[(province_code, code)] = (account, read)
    return account


def _account_again(side: Account) -> Account:
    """The account ``side`` named, read again (made, when it is known how and is missing)."""
    known = _KNOWN.pop((side.province_code, side.code), None)
    if known is not None:
        account = known[1]()
        _KNOWN[(side.province_code, side.code)] = (account, known[1])
        return account
    found = Account.objects.filter(province_code=side.province_code, code=side.code).first()
    if found is None:
        raise DomainError(_("Unknown account."), field="legs")
    return found


def drawer_code(point: ServicePoint) -> str:
    return f"{DRAWER_PREFIX}{point.code}"


def revenue_code(service: str) -> str:
    return f"{REVENUE_PREFIX}{service}"


def account_for_drawer(point: ServicePoint) -> Account:
    """``1111.<point code>``: the cash drawer of a point (asset; never below zero)."""
    return _account_ensure(
        province_code=point.province_code,
        code=drawer_code(point),
        kind=AccountKind.ASSET,
        name=lambda: _("Cash drawer of %(point)s") % {"point": point},
        allow_negative=False,
        point=point,
    )


def account_for_revenue(province_code: str, service: str) -> Account:
    """``5113.<service>``: revenue of one service of the catalogue."""
    if service not in _SERVICES:
        raise DomainError(_("Unknown service %(service)s.") % {"service": service}, field="service")
    return _account_ensure(
        province_code=province_code,
        code=revenue_code(service),
        kind=AccountKind.REVENUE,
        name=lambda: _("Revenue: %(service)s") % {"service": Service(service).label},
        service=service,
    )


def slug(value: str, field: str) -> str:
    if not _SLUG.match(value):
        raise DomainError(
            _(
                "%(value)r is not a valid short code: lowercase letters, digits, '-' and '_', "
                "at most 32."
            )
            % {"value": value},
            field=field,
        )
    return value


def account_for_partner(province_code: str, partner: str) -> Account:
    """``3388.partner.<partner>``: what the post owes a partner (EVN, BHXH, a bank) for the
    money it collected on the partner's behalf (liability)."""
    partner = slug(partner, "partner")
    return _account_ensure(
        province_code=province_code,
        code=f"{PARTNER_PREFIX}{partner}",
        kind=AccountKind.LIABILITY,
        name=lambda: _("Payable to partner %(partner)s") % {"partner": partner.upper()},
        partner=partner,
    )


def account_partner_receivable(province_code: str, partner: str) -> Account:
    """``131.partner.<partner>``: what a partner owes the post (its commissions) (asset)."""
    partner = slug(partner, "partner")
    return _account_ensure(
        province_code=province_code,
        code=f"{RECEIVABLE_PREFIX}{partner}",
        kind=AccountKind.ASSET,
        name=lambda: _("Receivable from partner %(partner)s") % {"partner": partner.upper()},
        partner=partner,
    )


def account_for_bank(province_code: str, bank: str) -> Account:
    """``1121.<bank>``: a bank account of the provincial post (asset; never below zero)."""
    bank = slug(bank, "bank")
    return _account_ensure(
        province_code=province_code,
        code=f"{BANK_PREFIX}{bank}",
        kind=AccountKind.ASSET,
        name=lambda: _("Bank account at %(bank)s") % {"bank": bank.upper()},
        allow_negative=False,
        partner=bank,
    )


def _fixed_account(province_code: str, code: str) -> Account:
    kind, _name, allow_negative = _fixed_chart()[code]
    return _account_ensure(
        province_code=province_code,
        code=code,
        kind=kind,
        name=lambda: _fixed_chart()[code][1],
        allow_negative=allow_negative,
    )


def account_vat_payable(province_code: str) -> Account:
    """``3331``: VAT collected, owed to the state (liability)."""
    return _fixed_account(province_code, VAT_PAYABLE)


def account_cod_payable(province_code: str) -> Account:
    """``3388.cod``: COD collected on delivery, owed to the senders (liability)."""
    return _fixed_account(province_code, COD_PAYABLE)


def account_expenses(province_code: str) -> Account:
    """``642``: operating expenses (expense)."""
    return _fixed_account(province_code, EXPENSES)


def account_cash_shortage(province_code: str) -> Account:
    """``1381``: cash found missing at a closing, awaiting a decision (asset)."""
    return _fixed_account(province_code, CASH_SHORTAGE)


def account_cash_surplus(province_code: str) -> Account:
    """``3381``: cash found in excess at a closing, awaiting a decision (liability)."""
    return _fixed_account(province_code, CASH_SURPLUS)


def account_remittance_payable(province_code: str) -> Account:
    """``3388.remittance``: remittances sent, owed to their recipients until paid out
    (liability). Made by the first remittance, not with the province's chart."""
    return _account_ensure(
        province_code=province_code,
        code=REMITTANCE_PAYABLE,
        kind=AccountKind.LIABILITY,
        name=lambda: _("Remittances to pay out"),
    )


def account_for_inventory(point: ServicePoint) -> Account:
    """``156.<point code>``: the goods a point (or the provincial warehouse) holds, at their
    average cost (asset; never below zero)."""
    return _account_ensure(
        province_code=point.province_code,
        code=f"{INVENTORY_PREFIX}{point.code}",
        kind=AccountKind.ASSET,
        name=lambda: _("Goods held at %(point)s") % {"point": point},
        allow_negative=False,
        point=point,
    )


def account_goods_in_transit(province_code: str) -> Account:
    """``151``: goods sent from one point and not yet received at the other (asset). The
    goods accounts are made by the first goods operation, not with the province's chart."""
    return _account_ensure(
        province_code=province_code,
        code=GOODS_IN_TRANSIT,
        kind=AccountKind.ASSET,
        name=lambda: _("Goods in transit between points"),
    )


def account_cost_of_goods_sold(point: ServicePoint) -> Account:
    """``632.<point code>``: the average cost of the goods a point sold, net of those
    returned (expense), the point's own so its costs stand beside its revenue."""
    return _account_ensure(
        province_code=point.province_code,
        code=f"{COST_OF_GOODS_SOLD}.{point.code}",
        kind=AccountKind.EXPENSE,
        name=lambda: _("Cost of goods sold at %(point)s") % {"point": point},
        point=point,
    )


def account_inventory_written_off(point: ServicePoint) -> Account:
    """``632.loss.<point code>``: goods a point wrote off (damaged, expired, lost) at their
    cost (expense)."""
    return _account_ensure(
        province_code=point.province_code,
        code=f"{INVENTORY_WRITTEN_OFF}.{point.code}",
        kind=AccountKind.EXPENSE,
        name=lambda: _("Goods written off at %(point)s") % {"point": point},
        point=point,
    )


def account_orders_receivable(province_code: str) -> Account:
    """``131.orders``: what the buyers of goods sent by parcel owe, goods and carriage, until
    the postman collects it on delivery (asset)."""
    return _account_ensure(
        province_code=province_code,
        code=ORDERS_RECEIVABLE,
        kind=AccountKind.ASSET,
        name=lambda: _("Receivable from buyers of goods sent cash on delivery"),
    )


def account_consignors_awaiting_cod(province_code: str) -> Account:
    """``3388.orders``: the consignors' share of their goods sent to buyers cash on delivery,
    owed to each consignor once the buyer has paid (liability)."""
    return _account_ensure(
        province_code=province_code,
        code=CONSIGNORS_AWAITING_COD,
        kind=AccountKind.LIABILITY,
        name=lambda: _("Owed to consignors once buyers pay on delivery"),
    )


def account_transfers_awaited(province_code: str) -> Account:
    """``113``: money in transit: what customers paid by VietQR at a counter for goods they
    took away, until the bank's statement confirms it reached the province's account
    (asset)."""
    return _account_ensure(
        province_code=province_code,
        code=TRANSFERS_AWAITED,
        kind=AccountKind.ASSET,
        name=lambda: _("Transfers awaited from the bank"),
    )


def account_cash_in_transit(province_code: str) -> Account:
    """``113.cash``: cash taken out of a drawer and not received yet: by another point's
    counter, until it confirms it, or on the bank account, until an accountant approves the
    deposit (asset; never below zero). Made by the first such hand-over, not with the
    province's chart."""
    return _account_ensure(
        province_code=province_code,
        code=CASH_IN_TRANSIT,
        kind=AccountKind.ASSET,
        name=lambda: _("Cash in transit from the drawers"),
        allow_negative=False,
    )


def account_for_supplier(province_code: str, supplier: str) -> Account:
    """``331.<supplier>``: what the post owes a supplier for goods it bought (liability)."""
    supplier = slug(supplier, "supplier")
    return _account_ensure(
        province_code=province_code,
        code=f"{SUPPLIER_PREFIX}{supplier}",
        kind=AccountKind.LIABILITY,
        name=lambda: _("Payable to supplier %(supplier)s") % {"supplier": supplier.upper()},
        partner=supplier,
    )


def account_owner_capital(province_code: str) -> Account:
    """``411``: the counterpart of opening balances (equity)."""
    return _fixed_account(province_code, OWNER_CAPITAL)


def account_resolve(province_code: str, code: str) -> Account | None:
    """The account ``code`` of a province; accounts of the scheme that do not exist yet are
    made (the fixed chart, a drawer of a point of the province, revenue of a catalogue
    service). Partner and bank accounts are made by their own services; None if unknown."""
    account = Account.objects.filter(province_code=province_code, code=code).first()
    if account is not None:
        return account
    if code in _fixed_chart():
        return _fixed_account(province_code, code)
    if code.startswith(DRAWER_PREFIX):
        point = ServicePoint.objects.filter(
            province_code=province_code, code=code.removeprefix(DRAWER_PREFIX)
        ).first()
        return account_for_drawer(point) if point is not None else None
    if code.startswith(REVENUE_PREFIX) and code.removeprefix(REVENUE_PREFIX) in Service.values:
        return account_for_revenue(province_code, code.removeprefix(REVENUE_PREFIX))
    return None


def chart_ensure(*, province_code: str) -> int:
    """Make the accounts of a province's chart that do not exist yet: the fixed ones, the
    revenue of every service, a drawer for every point with a counter. Returns how many
    accounts the province has."""
    with transaction.atomic():
        for code in _fixed_chart():
            _fixed_account(province_code, code)
        for service in Service.values:
            account_for_revenue(province_code, service)
        for point in ServicePoint.objects.filter(province_code=province_code).with_counter():
            account_for_drawer(point)
    return Account.objects.filter(province_code=province_code).count()


# --- business days ---------------------------------------------------------------------------


def _day_lock_key(province_code: str, day: dt.date) -> int:
    key = zlib.crc32(f"{province_code}:{day.isoformat()}".encode())
    return key - (1 << 32) if key >= (1 << 31) else key


def _day_lock(province_code: str, day: dt.date, *, exclusive: bool) -> None:
    """A transaction-scoped lock on (province, day): shared by postings, exclusive for closing
    the day and rebuilding its rollups. SQLite needs none: its IMMEDIATE transactions already
    hold the database's write lock."""
    if connection.vendor != "postgresql":
        return
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {function}(%s, %s)", [_DAY_LOCK_NAMESPACE, _day_lock_key(province_code, day)]
        )


def _is_closed(province_code: str, day: dt.date) -> bool:
    return BusinessDay.objects.filter(
        province_code=province_code, date=day, closed_at__isnull=False
    ).exists()


def business_day_open_date(province_code: str) -> dt.date:
    """The day postings go into by default: today in Vietnam, or the first day after it that
    is not closed (when today has been closed already)."""
    today = local_today()
    closed = set(
        BusinessDay.objects.filter(
            province_code=province_code, date__gte=today, closed_at__isnull=False
        ).values_list("date", flat=True)
    )
    day = today
    while day in closed:
        day += dt.timedelta(days=1)
    return day


def business_day_close(*, actor: Any, province_code: str, date: dt.date) -> BusinessDay:
    """Close a business day of a province: it takes no more postings. Closing a closed day
    changes nothing. An accountant, the director or an administrator whose scope holds the
    provincial post may close; not a day still to come."""
    if not access.has_role(actor, CLOSE_ROLES):
        raise AccessDenied(
            _("Only an accountant, a director or an administrator may close a business day.")
        )
    unit = Unit.objects.filter(kind=UnitKind.PROVINCE, province_code=province_code).first()
    if unit is None or not access.in_scope(actor, unit.path):
        raise NotFound(_("No such province."))
    if date > local_today():
        raise DomainError(
            _("The business day %(day)s has not come yet: it cannot be closed.")
            % {"day": f"{date:%d/%m/%Y}"},
            field="date",
        )
    with transaction.atomic():
        _day_lock(province_code, date, exclusive=True)
        day, created = BusinessDay.objects.get_or_create(
            province_code=province_code,
            date=date,
            defaults={"closed_at": timezone.now(), "closed_by": actor},
        )
        if not created:
            if day.closed_at is not None:
                return day
            day.closed_at = timezone.now()
            day.closed_by = actor
            day.save(update_fields=["closed_at", "closed_by"])
        audit_record(
            actor=actor,
            action="ledger.day_close",
            obj=day,
            after={"province_code": province_code, "date": date.isoformat()},
        )
        return day


# --- posting ---------------------------------------------------------------------------------


def _sqlstate(exc: BaseException) -> str | None:
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) if cause is not None else None


def _with_retries[T](work: Callable[[], T]) -> T:
    """Run ``work`` (one transaction) again when PostgreSQL reports a serialization failure
    or a deadlock, or a concurrent request took the same idempotency key first (the next
    attempt finds its entry). Inside a caller's transaction nothing can be retried here: the
    error goes up to whoever owns the transaction."""
    if connection.in_atomic_block:
        return work()
    attempt = 1
    while True:
        try:
            return work()
        except (OperationalError, IntegrityError) as exc:
            state = _sqlstate(exc)
            retryable = state in RETRY_SQLSTATES or (
                isinstance(exc, IntegrityError) and state == UNIQUE_VIOLATION
            )
            if not retryable or attempt >= MAX_ATTEMPTS:
                raise
            log.info("ledger: retrying a posting after %s (attempt %d)", state, attempt)
            time.sleep(random.uniform(0, 0.005 * attempt))
            attempt += 1


def _check_amount(amount: object, index: int) -> int:
    field = f"legs.{index}.amount"
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise DomainError(
            _("An amount is a whole number of đồng, not %(value)r.") % {"value": amount},
            field=field,
        )
    if amount <= 0:
        raise DomainError(
            _("An amount must be more than zero, not %(value)s.") % {"value": amount}, field=field
        )
    if amount > MAX_AMOUNT:
        raise DomainError(
            _("An amount cannot be more than %(max)s.") % {"max": format_vnd(MAX_AMOUNT)},
            field=field,
        )
    return amount


# The codes a posting may name, as sets: an enum's ``values`` is rebuilt on every read, which
# cost half the time of a bulk posting.
_KINDS = frozenset(EntryKind.values)
_SERVICES = frozenset(Service.values)


def _validate(request: _Request) -> None:
    key = request.idempotency_key
    if not isinstance(key, str) or not key.strip() or len(key) > 128:
        raise DomainError(
            _("An idempotency key of 1 to 128 characters is required."), field="idempotency_key"
        )
    if request.kind not in _KINDS:
        raise DomainError(_("Unknown entry kind %(kind)s.") % {"kind": request.kind}, field="kind")
    if len(request.reference) > 100:
        raise DomainError(_("The reference is longer than 100 characters."), field="reference")
    if len(request.memo) > 500:
        raise DomainError(_("The memo is longer than 500 characters."), field="memo")
    if not request.legs:
        raise DomainError(_("An entry needs at least one transfer."), field="legs")
    if len(request.legs) > MAX_LEGS:
        raise DomainError(
            _("An entry has at most %(max)s transfers.") % {"max": MAX_LEGS}, field="legs"
        )
    for index, leg in enumerate(request.legs):
        if not isinstance(leg, Leg):
            raise DomainError(_("A transfer must be a Leg."), field=f"legs.{index}")
        _check_amount(leg.amount, index)
        for side in (leg.debit, leg.credit):
            if not isinstance(side, Account) or side.pk is None:
                raise DomainError(_("Unknown account."), field=f"legs.{index}")
        if leg.debit.id == leg.credit.id and leg.debit.code == leg.credit.code:
            raise DomainError(
                _("A transfer moves money between two different accounts, not %(code)s to itself.")
                % {"code": leg.debit.code},
                field=f"legs.{index}",
            )
        if leg.service and leg.service not in _SERVICES:
            raise DomainError(
                _("Unknown service %(service)s.") % {"service": leg.service},
                field=f"legs.{index}.service",
            )
    if request.point is not None and request.point.province_code != request.province_code:
        raise DomainError(
            _("Point %(point)s is not in province %(province)s.")
            % {"point": request.point.code, "province": request.province_code},
            field="point",
        )


def _signature(legs: Iterable[tuple[int, int, int, str]]) -> Counter[tuple[int, int, int, str]]:
    return Counter(legs)


def _same_request_or_refuse(entry: Entry, request: _Request) -> Entry:
    """A retry returns the entry already posted; a different request under its key is
    refused."""
    asked = _signature(
        (leg.debit.id, leg.credit.id, leg.amount, leg.service) for leg in request.legs
    )
    posted = _signature(entry.transfers.values_list("debit_id", "credit_id", "amount", "service"))
    same = (
        entry.kind == request.kind
        and entry.reference == request.reference
        and (request.point is None or entry.point_id == request.point.pk)
        and entry.reverses_id == (request.reverses.pk if request.reverses else None)
        and asked == posted
    )
    if not same:
        raise DomainError(
            _(
                "Idempotency key reused with a different request: %(key)s was already used "
                "for entry #%(entry)s."
            )
            % {"key": request.idempotency_key, "entry": entry.pk},
            field="idempotency_key",
        )
    return entry


def _check_not_future(request: _Request) -> dt.date:
    """The day asked for (today by default), refused when it has not come yet."""
    today = local_today()
    wanted = request.business_date or today
    if wanted > today and wanted > business_day_open_date(request.province_code):
        raise DomainError(
            _("A posting cannot be dated %(day)s: that business day has not come yet.")
            % {"day": f"{wanted:%d/%m/%Y}"},
            field="business_date",
        )
    return wanted


def _refuse_closed_day(day: dt.date) -> DomainError:
    return DomainError(
        _(
            "The business day %(day)s is closed: it takes no more postings. Post it into "
            "the open day as a late entry."
        )
        % {"day": f"{day:%d/%m/%Y}"},
        field="business_date",
    )


@dataclass(slots=True)
class _Locked:
    """An account row as read (and, on PostgreSQL, locked) by a posting."""

    pk: int
    province_code: str
    code: str
    name: str
    kind: str
    allow_negative: bool
    balance: int
    closed_at: Any
    point_id: int | None
    unit_id: int | None


def _table(model: Any) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


def _marks(count: int) -> str:
    return ", ".join(["%s"] * count)


def _lock_accounts(
    cursor: Any, ids: list[int], day_lock: tuple[str, dt.date] | None = None
) -> dict[int, _Locked]:
    """The accounts, locked in primary-key order (PostgreSQL; SQLite's IMMEDIATE transaction
    already holds the database's write lock). With ``day_lock`` (province, day), on
    PostgreSQL the same statement takes the shared lock of that business day after each
    account's (one round trip; a lock taken again is the same lock)."""
    day = ""
    params: list[Any] = []
    if day_lock is not None and connection.vendor == "postgresql":
        day = ", pg_advisory_xact_lock_shared(%s, %s)"
        params = [_DAY_LOCK_NAMESPACE, _day_lock_key(*day_lock)]
    sql = (
        "SELECT id, province_code, code, name, kind, allow_negative, balance, closed_at, point_id, "
        f"unit_id{day} FROM {_table(Account)} WHERE id IN ({_marks(len(ids))}) ORDER BY id"
    )
    if connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    cursor.execute(sql, [*params, *ids])
    return {
        row[0]: _Locked(row[0], row[1], row[2], row[3], row[4], bool(row[5]), *row[6:10])
        for row in cursor.fetchall()
    }


def _find_entry(cursor: Any, province: str, key: str) -> int | None:
    """The id of the entry posted under ``key``, if any."""
    cursor.execute(
        f"SELECT id FROM {_table(Entry)} WHERE province_code = %s AND idempotency_key = %s",
        [province, key],
    )
    row = cursor.fetchone()
    return row[0] if row else None


_ENTRY_COLUMNS = (
    "province_code, idempotency_key, kind, business_date, reference, point_id, memo, "
    "created_by_id, created_at, reverses_id, late_for"
)


def _insert_entry(
    cursor: Any, values: list[Any], province: str, day: dt.date, *, keyed: bool = False
) -> int | None:
    """Insert the entry unless its business day is closed (None then). Run after the day's
    lock is held, so a close that committed meanwhile is seen. ``keyed``: nor when an entry
    holds its key already (None too; the caller looks for it then)."""
    ops = connection.ops
    clash = " ON CONFLICT (province_code, idempotency_key) DO NOTHING" if keyed else ""
    cursor.execute(
        f"INSERT INTO {_table(Entry)} ({_ENTRY_COLUMNS}) SELECT {_marks(len(values))} "
        f"WHERE NOT EXISTS (SELECT 1 FROM {_table(BusinessDay)} WHERE province_code = %s "
        f"AND date = %s AND closed_at IS NOT NULL){clash} RETURNING id",
        [*values, province, ops.adapt_datefield_value(day)],
    )
    row = cursor.fetchone()
    return row[0] if row else None


Sql = tuple[str, list[Any]]


def _balances_sql(deltas: dict[int, int]) -> Sql | None:
    """``balance = balance + delta`` on every account touched, in one UPDATE: the rows are
    locked already (in primary-key order), so the order it visits them in does not matter."""
    changed = {pk: delta for pk, delta in sorted(deltas.items()) if delta}
    if not changed:
        return None
    cases = " ".join(["WHEN %s THEN %s"] * len(changed))
    params: list[Any] = [value for item in changed.items() for value in item]
    return (
        f"UPDATE {_table(Account)} SET balance = balance + CASE id {cases} END "
        f"WHERE id IN ({_marks(len(changed))})",
        [*params, *changed],
    )


def _transfers_sql(rows: list[tuple[Any, ...]]) -> Sql:
    columns = (
        "province_code, entry_id, debit_id, credit_id, amount, service, point_id, business_date"
    )
    return (
        f"INSERT INTO {_table(Transfer)} ({columns}) VALUES "
        + ", ".join([f"({_marks(8)})"] * len(rows)),
        [value for row in rows for value in row],
    )


def _rollup_sql(province_code: str, day: dt.date, totals: dict[int, tuple[int, int, int]]) -> Sql:
    """Add (debits, credits, transfers) per account to the day's rollup: INSERT ... ON
    CONFLICT DO UPDATE, the same SQL on PostgreSQL and SQLite, so two postings creating the
    same row at once both count."""
    table = _table(DailyBalance)
    params: list[Any] = []
    date_value = connection.ops.adapt_datefield_value(day)
    for account_id in sorted(totals):
        debits, credits, count = totals[account_id]
        params += [province_code, date_value, account_id, debits, credits, count]
    return (
        f"INSERT INTO {table} (province_code, date, account_id, debit_total, credit_total, "
        "transfer_count) VALUES "
        + ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(totals))
        + " ON CONFLICT (province_code, date, account_id) DO UPDATE SET "
        f"debit_total = {table}.debit_total + excluded.debit_total, "
        f"credit_total = {table}.credit_total + excluded.credit_total, "
        f"transfer_count = {table}.transfer_count + excluded.transfer_count",
        params,
    )


# The measures of DailyFigure, in the order of its columns after the key.
_FIGURES = ("revenue", "volume", "turnover", "expense", "budget")


# The key of a DailyFigure row: (point, unit, service). ``unit`` only for the legs of an entry
# without a point that move an expense account: the unit that owns it (a cost of a unit).
_FigureKey = tuple[int | None, int | None, str]


def _cost_unit(debit: _Locked, credit: _Locked) -> int | None:
    """The unit a point-less leg's expense belongs to: the owner of its expense account."""
    expense = AccountKind.EXPENSE.value
    if debit.kind == expense:
        return debit.unit_id
    if credit.kind == expense:
        return credit.unit_id
    return None


def _figures(
    request: _Request, accounts: dict[int, _Locked], transfers: list[tuple[Any, ...]]
) -> dict[_FigureKey, list[int]]:
    """(point, unit, service) -> [revenue, volume, turnover, expense, budget] of one entry:
    what it adds to DailyFigure. A reversal's legs are mirrored already, so revenue and
    expenses net out by themselves; its volume, turnover and budget count negative."""
    sign = -1 if request.kind == EntryKind.REVERSAL else 1
    kind = request.reverses.kind if request.reverses is not None else request.kind
    budget = kind == EntryKind.BUDGET_CONTRIBUTION
    revenue, expense = AccountKind.REVENUE.value, AccountKind.EXPENSE.value
    out: dict[_FigureKey, list[int]] = {}
    for leg, row in zip(request.legs, transfers, strict=True):
        debit_account, credit_account = accounts[leg.debit.id], accounts[leg.credit.id]
        debit, credit = debit_account.kind, credit_account.kind
        amount = leg.amount
        unit = _cost_unit(debit_account, credit_account) if row[6] is None else None
        figures = out.setdefault((row[6], unit, leg.service), [0, sign, 0, 0, 0])
        figures[0] += (amount if credit == revenue else 0) - (amount if debit == revenue else 0)
        figures[2] += sign * amount
        figures[3] += (amount if debit == expense else 0) - (amount if credit == expense else 0)
        if budget:
            figures[4] += sign * amount
    return out


def _figures_sql(
    province_code: str,
    day: dt.date,
    figures: dict[_FigureKey, list[int]],
    *,
    monthly: bool = False,
) -> Sql:
    """Add an entry's figures to DailyFigure (or, ``monthly``, to MonthlyFigure under the
    first day of the month): INSERT ... ON CONFLICT DO UPDATE on the key (province, day,
    point or 0, unit or 0, service), the same SQL on PostgreSQL and SQLite."""
    table = _table(MonthlyFigure if monthly else DailyFigure)
    column = "month" if monthly else "date"
    params: list[Any] = []
    date_value = connection.ops.adapt_datefield_value(day.replace(day=1) if monthly else day)
    for (point_id, unit_id, service), values in sorted(
        figures.items(), key=lambda item: (item[0][0] or 0, item[0][1] or 0, item[0][2])
    ):
        params += [province_code, date_value, point_id, unit_id, service, *values]
    updates = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in _FIGURES)
    return (
        f"INSERT INTO {table} (province_code, {column}, point_id, unit_id, service, "
        f"{', '.join(_FIGURES)}) VALUES "
        + ", ".join([f"({_marks(5 + len(_FIGURES))})"] * len(figures))
        + f" ON CONFLICT (province_code, {column}, COALESCE(point_id, 0), COALESCE(unit_id, 0), "
        "service) DO UPDATE SET " + updates,
        params,
    )


def _write_postings(cursor: Any, statements: list[Sql]) -> None:
    """The balances, the transfers and the rollup. On PostgreSQL as one statement (the first
    ones as data-modifying WITH queries: they touch different tables, so that they share one
    snapshot does not matter): one round trip instead of three on the hot path."""
    if connection.vendor == "postgresql" and len(statements) > 1:
        *first, (last_sql, last_params) = statements
        ctes = ", ".join(f"w{i} AS ({sql} RETURNING 1)" for i, (sql, _p) in enumerate(first))
        params = [value for _sql, p in first for value in p]
        cursor.execute(f"WITH {ctes} {last_sql}", [*params, *last_params])
        return
    for sql, params in statements:
        cursor.execute(sql, params)


def _check_accounts(ids: list[int], accounts: dict[int, _Locked], province: str) -> None:
    for pk in ids:
        account = accounts.get(pk)
        if account is None:
            raise DomainError(_("Unknown account."), field="legs")
        if account.province_code != province:
            raise DomainError(
                _("Account %(code)s belongs to province %(other)s, not %(province)s.")
                % {"code": account.code, "other": account.province_code, "province": province},
                field="legs",
            )
        if account.closed_at is not None:
            raise DomainError(
                _("Account %(code)s %(name)s is closed.")
                % {"code": account.code, "name": account.name},
                field="legs",
            )


def _not_enough(account: _Locked, balance: int, needed: int) -> DomainError:
    return DomainError(
        _("Not enough money in %(name)s: balance %(balance)s, needed %(needed)s.")
        % {"name": account.name, "balance": format_vnd(balance), "needed": format_vnd(needed)},
        field="amount",
    )


def _add_figures(into: dict[_FigureKey, list[int]], more: dict[_FigureKey, list[int]]) -> None:
    """Add ``more`` figures (per point and service) to ``into``."""
    for key, values in more.items():
        total = into.setdefault(key, [0] * len(_FIGURES))
        for index, value in enumerate(values):
            total[index] += value


@dataclass(slots=True)
class _Made:
    """Where and when an entry of a request is written."""

    request: _Request
    day: dt.date
    late_for: dt.date | None
    point_id: int | None


def _point_of(request: _Request, accounts: dict[int, _Locked]) -> int | None:
    """The entry's point: the one asked for, else the only point its accounts belong to."""
    if request.point is not None:
        return request.point.pk
    points = {
        accounts[pk].point_id
        for leg in request.legs
        for pk in (leg.debit.id, leg.credit.id)
        if accounts[pk].point_id is not None
    }
    return next(iter(points)) if len(points) == 1 else None


def _actor_id(actor: Any) -> int | None:
    return actor.pk if getattr(actor, "is_authenticated", False) else None


def _entry_values(made: _Made, province: str, actor_id: int | None, now: Any) -> list[Any]:
    """The values of ``_ENTRY_COLUMNS`` for the entry of ``made``."""
    ops = connection.ops
    request = made.request
    return [
        province,
        request.idempotency_key,
        request.kind,
        ops.adapt_datefield_value(made.day),
        request.reference,
        made.point_id,
        request.memo,
        actor_id,
        ops.adapt_datetimefield_value(now),
        request.reverses.pk if request.reverses is not None else None,
        ops.adapt_datefield_value(made.late_for),
    ]


def _transfer_rows(
    made: _Made, province: str, entry_id: int, accounts: dict[int, _Locked]
) -> list[tuple[Any, ...]]:
    date_value = connection.ops.adapt_datefield_value(made.day)
    return [
        (
            province,
            entry_id,
            leg.debit.id,
            leg.credit.id,
            leg.amount,
            leg.service,
            made.point_id or accounts[leg.debit.id].point_id or accounts[leg.credit.id].point_id,
            date_value,
        )
        for leg in made.request.legs
    ]


def _entry_written(
    made: _Made,
    province: str,
    entry_id: int,
    actor_id: int | None,
    now: Any,
    accounts: dict[int, _Locked],
    audits: list[AuditEntry] | None = None,
) -> Entry:
    """The entry as written (no read back), audited when its kind is (the audit entry added
    to ``audits`` when given, for the caller to write with others in one statement)."""
    request = made.request
    entry = Entry(
        id=entry_id,
        province_code=province,
        idempotency_key=request.idempotency_key,
        kind=request.kind,
        business_date=made.day,
        reference=request.reference,
        point_id=made.point_id,
        memo=request.memo,
        created_by_id=actor_id,
        created_at=now,
        reverses=request.reverses,
        late_for=made.late_for,
    )
    entry._state.adding = False
    entry._state.db = connection.alias
    if request.kind in AUDITED_KINDS:
        (audit_record if audits is None else _audit_later(audits))(
            actor=request.actor,
            action=f"ledger.{request.kind}",
            obj=entry,
            after={
                "key": request.idempotency_key,
                "business_date": made.day.isoformat(),
                "late_for": made.late_for.isoformat() if made.late_for else None,
                "reverses": request.reverses.pk if request.reverses else None,
                "legs": [
                    [accounts[leg.debit.id].code, accounts[leg.credit.id].code, leg.amount]
                    for leg in request.legs
                ],
            },
        )
    return entry


def _audit_later(audits: list[AuditEntry]) -> Callable[..., None]:
    def add(**values: Any) -> None:
        audits.append(audit_unsaved(**values))

    return add


def _checked(
    request: _Request, ids: list[int], accounts: dict[int, _Locked], province: str
) -> tuple[dict[int, int], dict[int, tuple[int, int, int]]]:
    """The balance change and the (debits, credits, transfers) of each account the request
    moves, once it is seen to be allowed: its accounts open and of the province, an entry
    reversed once, no account that may not go negative below zero."""
    _check_accounts(ids, accounts, province)
    if request.reverses is not None:
        done = Entry.objects.filter(province_code=province, reverses=request.reverses).first()
        if done is not None:
            raise DomainError(
                _("Entry #%(entry)s was already reversed by entry #%(reversal)s.")
                % {"entry": request.reverses.pk, "reversal": done.pk}
            )
    deltas: dict[int, int] = dict.fromkeys(ids, 0)
    totals: dict[int, tuple[int, int, int]] = dict.fromkeys(ids, (0, 0, 0))
    for leg in request.legs:
        debit, credit = accounts[leg.debit.id], accounts[leg.credit.id]
        deltas[debit.pk] += leg.amount if debit.kind in DEBIT_NORMAL else -leg.amount
        deltas[credit.pk] += -leg.amount if credit.kind in DEBIT_NORMAL else leg.amount
        d, c, n = totals[debit.pk]
        totals[debit.pk] = (d + leg.amount, c, n + 1)
        d, c, n = totals[credit.pk]
        totals[credit.pk] = (d, c + leg.amount, n + 1)
    for pk in ids:
        account = accounts[pk]
        if not account.allow_negative and account.balance + deltas[pk] < 0:
            raise _not_enough(account, account.balance, -deltas[pk])
    return deltas, totals


def _leg_ids(request: _Request) -> list[int]:
    return sorted({leg.debit.id for leg in request.legs} | {leg.credit.id for leg in request.legs})


def _lock_legs(
    cursor: Any, request: _Request, day_lock: tuple[str, dt.date]
) -> tuple[_Request, list[int], dict[int, _Locked]]:
    """The request's accounts locked (and the day's lock, on PostgreSQL), with their ids.
    A leg may name an account this process knew (``account_known``): when its id is no
    longer the row of its province and code, the account is read (or made) again, its
    legs given the row, and the accounts locked again."""
    ids = _leg_ids(request)
    accounts = _lock_accounts(cursor, ids, day_lock)
    stale = {
        (side.pk, side.province_code, side.code): side
        for leg in request.legs
        for side in (leg.debit, leg.credit)
        if (found := accounts.get(side.pk)) is None
        or (found.province_code, found.code) != (side.province_code, side.code)
    }
    if not stale:
        return request, ids, accounts
    fresh = {named: _account_again(side) for named, side in stale.items()}

    def current(side: Account) -> Account:
        return fresh.get((side.pk, side.province_code, side.code), side)

    legs = tuple(
        Leg(current(leg.debit), current(leg.credit), leg.amount, leg.service)
        for leg in request.legs
    )
    request = replace(request, legs=legs)
    ids = _leg_ids(request)
    return request, ids, _lock_accounts(cursor, ids, day_lock)


def _post(request: _Request, *, savepoint: bool = True) -> Entry:
    """One posting, one transaction. The hot path of every counter in the province, so it is
    plain SQL rather than the ORM, which cost three to four times as much here
    (bench/ledger_posting, docs/adr/0002-ledger.md): three statements on PostgreSQL (lock the
    accounts and the day; insert the entry unless the day is closed or its key is taken; the
    balances, transfers and the three rollups in one), seven on SQLite. A key taken already
    is looked for after the insert found it, or when a check refuses the request (a retry is
    answered with its entry even when the request would be refused now). ``savepoint=False``
    inside a caller's transaction: a refusal goes up to the caller, which rolls back (its
    own savepoint or transaction), so none is needed here."""
    province = request.province_code
    wanted = _check_not_future(request)
    with transaction.atomic(savepoint=savepoint), connection.cursor() as cursor:
        # The accounts first, in primary-key order: two requests over the same accounts queue
        # here, so the second one sees the first one's entry and balances.
        request, ids, accounts = _lock_legs(cursor, request, (province, wanted))

        def posted_already() -> Entry | None:
            existing = _find_entry(cursor, province, request.idempotency_key)
            if existing is None:
                return None
            return _same_request_or_refuse(Entry.objects.get(pk=existing), request)

        try:
            deltas, totals = _checked(request, ids, accounts, province)
        except DomainError:
            entry = posted_already()
            if entry is not None:
                return entry
            raise

        actor = request.actor
        actor_id = _actor_id(actor)
        now = timezone.now()
        made = _Made(request, wanted, None, _point_of(request, accounts))
        while True:
            entry_id = _insert_entry(
                cursor,
                _entry_values(made, province, actor_id, now),
                province,
                made.day,
                keyed=True,
            )
            if entry_id is not None:
                break
            entry = posted_already()
            if entry is not None:
                return entry
            # The day is closed: refused, unless the caller knows it is late (or the day was
            # not chosen by the caller: the default day closed meanwhile).
            if request.business_date is not None and not request.late:
                raise _refuse_closed_day(made.day)
            made.late_for = request.business_date
            made.day = business_day_open_date(province)
            _day_lock(province, made.day, exclusive=False)

        transfers = _transfer_rows(made, province, entry_id, accounts)
        balances = _balances_sql(deltas)
        figures = _figures(request, accounts, transfers)
        _write_postings(
            cursor,
            [
                *([balances] if balances else []),
                _transfers_sql(transfers),
                _rollup_sql(province, made.day, totals),
                _figures_sql(province, made.day, figures),
                _figures_sql(province, made.day, figures, monthly=True),
            ],
        )
        return _entry_written(made, province, entry_id, actor_id, now, accounts)


def entry_post(
    *,
    actor: Any,
    idempotency_key: str,
    kind: str,
    reference: str,
    legs: Sequence[Leg],
    province_code: str,
    business_date: dt.date | None = None,
    point: ServicePoint | None = None,
    memo: str = "",
    late: bool = False,
    savepoint: bool = True,
) -> Entry:
    """Post an entry of ``legs`` atomically and return it (or the entry already posted under
    ``idempotency_key`` for the same request). Refused with a DomainError, nothing posted:
    an amount that is not a positive whole number of đồng, an account that is closed,
    unknown or of another province, a closed business day (unless ``late``: then the entry
    goes into the open day with ``late_for`` set), a balance that would go below zero where
    the account does not allow it, a used key with a different request."""
    if kind == EntryKind.REVERSAL:
        raise DomainError(_("A reversal is posted with entry_reverse."), field="kind")
    request = _Request(
        actor=actor,
        province_code=province_code,
        idempotency_key=idempotency_key,
        kind=kind,
        reference=reference,
        legs=tuple(legs),
        business_date=business_date,
        late=late,
        point=point,
        memo=memo,
    )
    _validate(request)
    return _with_retries(lambda: _post(request, savepoint=savepoint))


@dataclass(frozen=True, slots=True)
class Posting:
    """One entry of a list posted with ``entries_post``: the arguments of ``entry_post``
    that differ from one entry to the next."""

    idempotency_key: str
    kind: str
    reference: str
    legs: Sequence[Leg]
    business_date: dt.date | None = None
    point: ServicePoint | None = None
    memo: str = ""
    late: bool = False
    actor: Any = None  # who made it, when not the list's actor (a list of several clerks')


def posting_post(
    *, actor: Any, province_code: str, posting: Posting, savepoint: bool = True
) -> Entry:
    """``entry_post`` of one ``Posting`` (``savepoint``: see ``_post``)."""
    return entry_post(
        actor=actor,
        idempotency_key=posting.idempotency_key,
        kind=posting.kind,
        reference=posting.reference,
        legs=posting.legs,
        province_code=province_code,
        business_date=posting.business_date,
        point=posting.point,
        memo=posting.memo,
        late=posting.late,
        savepoint=savepoint,
    )


def entries_post(
    *, actor: Any, province_code: str, postings: Sequence[Posting], answer: bool = True
) -> list[Entry]:
    """Post a list of entries at once, all or nothing, and return them in order: each is the
    entry ``entry_post`` would make (its own key, transfers, business day, retry answer and
    refusals), but the accounts are locked once and the balances, transfers, rollups and
    audit entries of the whole list are written in a few statements. A posting list of
    2,000 items is one round trip per table, not one per item; and a long transaction does
    not update the same account and rollup rows thousands of times (each update a row
    version the next one must step over). ``answer=False`` returns nothing (a caller posting
    hundreds of thousands spares making their objects)."""
    requests = []
    for posting in postings:
        if posting.kind == EntryKind.REVERSAL:
            raise DomainError(_("A reversal is posted with entry_reverse."), field="kind")
        request = _Request(
            actor=posting.actor if posting.actor is not None else actor,
            province_code=province_code,
            idempotency_key=posting.idempotency_key,
            kind=posting.kind,
            reference=posting.reference,
            legs=tuple(posting.legs),
            business_date=posting.business_date,
            late=posting.late,
            point=posting.point,
            memo=posting.memo,
        )
        _validate(request)
        requests.append(request)
    keys = [request.idempotency_key for request in requests]
    if len(set(keys)) != len(keys):
        raise DomainError(
            _("Each entry of a list needs an idempotency key of its own."), field="idempotency_key"
        )
    if not requests:
        return []
    return _with_retries(lambda: _post_many(province_code, requests, answer=answer))


def _chunks[T](rows: list[T], per_row: int) -> Iterable[list[T]]:
    """``rows`` in runs that keep a statement under the database's limit of parameters."""
    limit = connection.features.max_query_params or 30_000
    size = max(1, limit // per_row)
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _post_many(province: str, requests: list[_Request], *, answer: bool = True) -> list[Entry]:
    ids = sorted(
        {leg.debit.id for r in requests for leg in r.legs}
        | {leg.credit.id for r in requests for leg in r.legs}
    )
    wanted = [_check_not_future(request) for request in requests]
    with transaction.atomic(), connection.cursor() as cursor:
        accounts = _lock_accounts(cursor, ids)
        _check_accounts(ids, accounts, province)
        for day in sorted(set(wanted)):
            _day_lock(province, day, exclusive=False)
        existing: dict[str, int] = {}
        for keys in _chunks([r.idempotency_key for r in requests], 1):
            existing.update(
                Entry.objects.filter(province_code=province, idempotency_key__in=keys).values_list(
                    "idempotency_key", "id"
                )
            )
        closed = set(
            BusinessDay.objects.filter(
                province_code=province, date__in=set(wanted), closed_at__isnull=False
            ).values_list("date", flat=True)
        )
        done: dict[str, Entry] = {}
        todo: list[tuple[_Request, dt.date, dt.date | None]] = []
        open_day: dt.date | None = None
        for request, day in zip(requests, wanted, strict=True):
            if request.idempotency_key in existing:
                entry = Entry.objects.get(pk=existing[request.idempotency_key])
                done[request.idempotency_key] = _same_request_or_refuse(entry, request)
                continue
            late_for = None
            if day in closed:
                if request.business_date is not None and not request.late:
                    raise _refuse_closed_day(day)
                if open_day is None:
                    open_day = business_day_open_date(province)
                    _day_lock(province, open_day, exclusive=False)
                late_for, day = request.business_date, open_day
            todo.append((request, day, late_for))

        # The money first: each entry in turn, as if posted one after the other.
        balance = {pk: accounts[pk].balance for pk in ids}
        deltas: dict[int, int] = dict.fromkeys(ids, 0)
        totals: dict[tuple[dt.date, int], list[int]] = {}
        for request, day, _late in todo:
            mine: dict[int, int] = defaultdict(int)
            for leg in request.legs:
                debit, credit = accounts[leg.debit.id], accounts[leg.credit.id]
                mine[debit.pk] += leg.amount if debit.kind in DEBIT_NORMAL else -leg.amount
                mine[credit.pk] += -leg.amount if credit.kind in DEBIT_NORMAL else leg.amount
                totals.setdefault((day, debit.pk), [0, 0, 0])
                totals.setdefault((day, credit.pk), [0, 0, 0])
                totals[(day, debit.pk)][0] += leg.amount
                totals[(day, debit.pk)][2] += 1
                totals[(day, credit.pk)][1] += leg.amount
                totals[(day, credit.pk)][2] += 1
            for pk, delta in mine.items():
                account = accounts[pk]
                if not account.allow_negative and balance[pk] + delta < 0:
                    raise _not_enough(account, balance[pk], -delta)
                balance[pk] += delta
                deltas[pk] += delta

        now = timezone.now()
        rows = [
            _Made(request, day, late_for, _point_of(request, accounts))
            for request, day, late_for in todo
        ]
        made_ids: dict[str, int] = {}
        width = len(_ENTRY_COLUMNS.split(","))
        for run in _chunks(rows, width):
            values = [
                value
                for one in run
                for value in _entry_values(one, province, _actor_id(one.request.actor), now)
            ]
            cursor.execute(
                f"INSERT INTO {_table(Entry)} ({_ENTRY_COLUMNS}) VALUES "
                + ", ".join([f"({_marks(width)})"] * len(run))
                + " RETURNING id, idempotency_key",
                values,
            )
            made_ids.update((key, pk) for pk, key in cursor.fetchall())

        transfers = []
        figures: dict[dt.date, dict[_FigureKey, list[int]]] = defaultdict(dict)
        for one in rows:
            mine_rows = _transfer_rows(
                one, province, made_ids[one.request.idempotency_key], accounts
            )
            transfers += mine_rows
            _add_figures(figures[one.day], _figures(one.request, accounts, mine_rows))
        statements: list[Sql] = []
        balances = _balances_sql(deltas)
        if balances:
            statements.append(balances)
        statements += [_transfers_sql(run) for run in _chunks(transfers, 8)]
        for day in sorted({day for day, _pk in totals}):
            day_totals = {pk: (t[0], t[1], t[2]) for (on, pk), t in totals.items() if on == day}
            statements += [
                _rollup_sql(province, day, dict(run))
                for run in _chunks(sorted(day_totals.items()), 6)
            ]
        months: dict[dt.date, dict[_FigureKey, list[int]]] = defaultdict(dict)
        for day, by_key in sorted(figures.items()):
            statements += [
                _figures_sql(province, day, dict(run))
                for run in _chunks(list(by_key.items()), 5 + len(_FIGURES))
            ]
            _add_figures(months[day.replace(day=1)], by_key)
        for month_day, by_key in sorted(months.items()):
            statements += [
                _figures_sql(province, month_day, dict(run), monthly=True)
                for run in _chunks(list(by_key.items()), 5 + len(_FIGURES))
            ]
        for sql, params in statements:
            cursor.execute(sql, params)

        audits: list[AuditEntry] = []
        for one in rows:
            if not answer and one.request.kind not in AUDITED_KINDS:
                continue
            made_key = one.request.idempotency_key
            done[made_key] = _entry_written(
                one,
                province,
                made_ids[made_key],
                _actor_id(one.request.actor),
                now,
                accounts,
                audits,
            )
        AuditEntry.objects.bulk_create(audits)
        return [done[request.idempotency_key] for request in requests] if answer else []


def entry_reverse(*, actor: Any, entry: Entry, idempotency_key: str, memo: str = "") -> Entry:
    """Post the mirror image of ``entry`` (each transfer's debit and credit swapped) into the
    open day, as a reversal of it. An entry is reversed once; a reversal is never reversed
    (post a new entry instead). Reversing takes money back out of a drawer, so it is refused
    when the drawer no longer holds it."""
    if entry.kind == EntryKind.REVERSAL or entry.reverses_id is not None:
        raise DomainError(_("A reversal cannot be reversed: post a new entry instead."))
    legs = tuple(
        Leg(debit=t.credit, credit=t.debit, amount=t.amount, service=t.service)
        for t in entry.transfers.select_related("debit", "credit").order_by("id")
    )
    request = _Request(
        actor=actor,
        province_code=entry.province_code,
        idempotency_key=idempotency_key,
        kind=EntryKind.REVERSAL,
        reference=entry.reference,
        legs=legs,
        business_date=None,
        late=False,
        point=entry.point,
        memo=memo,
        reverses=entry,
    )
    _validate(request)
    return _with_retries(lambda: _post(request))


# --- manual entries (accountants) ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ManualLeg:
    """A leg of a manual entry as a person gives it: account codes, not rows."""

    debit: str
    credit: str
    amount: int
    service: str = ""


def require_entry_role(actor: Any) -> None:
    if not access.has_role(actor, ENTRY_ROLES):
        raise AccessDenied(_("Only an accountant or an administrator may post entries by hand."))


def account_usable(*, actor: Any, province_code: str, code: str) -> Account:
    """An account ``actor`` may post to by hand: in their scope, and when they work at a
    point, no cash drawer but their own point's."""
    account = account_resolve(province_code, code)
    if account is not None:
        visible = Account.objects.filter(pk=account.pk).filter(account_scope_q(actor)).exists()
        if visible:
            if (
                account.code.startswith(DRAWER_PREFIX)
                and getattr(actor, "point_id", None) is not None
                and account.point_id != actor.point_id
            ):
                raise AccessDenied(
                    _("You may only use the cash drawer of your own point, not %(code)s.")
                    % {"code": account.code}
                )
            return account
    raise NotFound(
        _("No account %(code)s in province %(province)s that you may use.")
        % {"code": code, "province": province_code}
    )


def entry_post_manual(
    *,
    actor: Any,
    idempotency_key: str,
    kind: str,
    province_code: str,
    legs: Sequence[ManualLeg],
    reference: str = "",
    business_date: dt.date | None = None,
    late: bool = False,
    memo: str = "",
) -> Entry:
    """An entry posted by hand by an accountant or an administrator (an expense, a payment
    to the budget, a bank deposit, an opening balance ...), with account codes."""
    require_entry_role(actor)
    if kind not in EntryKind.manual():
        raise DomainError(
            _("Entries of kind %(kind)s are posted by their own service, not by hand.")
            % {"kind": kind},
            field="kind",
        )
    for index, leg in enumerate(legs):
        _check_amount(leg.amount, index)

    def work() -> Entry:
        # The accounts are resolved (and, for accounts of the chart, made) in the posting's
        # own transaction: a refused entry leaves no new account behind either.
        with transaction.atomic():
            resolved = tuple(
                Leg(
                    debit=account_usable(actor=actor, province_code=province_code, code=leg.debit),
                    credit=account_usable(
                        actor=actor, province_code=province_code, code=leg.credit
                    ),
                    amount=leg.amount,
                    service=leg.service,
                )
                for leg in legs
            )
            request = _Request(
                actor=actor,
                province_code=province_code,
                idempotency_key=idempotency_key,
                kind=kind,
                reference=reference,
                legs=resolved,
                business_date=business_date,
                late=late,
                point=None,
                memo=memo,
            )
            _validate(request)
            return _post(request)

    return _with_retries(work)


def entry_get(*, user: Any, entry_id: int) -> Entry:
    """An entry whose every account ``user`` may see."""
    entry = Entry.objects.filter(pk=entry_id).first()
    if entry is not None:
        ids = set(entry.transfers.values_list("debit_id", flat=True)) | set(
            entry.transfers.values_list("credit_id", flat=True)
        )
        seen = Account.objects.filter(pk__in=ids).filter(account_scope_q(user)).count()
        if ids and seen == len(ids):
            return entry
    raise NotFound(_("No such entry."))


def require_reverser(actor: Any, entry: Entry) -> None:
    """``actor`` may reverse ``entry`` by hand: an accountant or an administrator who may see
    it and use each of its accounts (``finance.reversals`` reverses it, for a reason)."""
    require_entry_role(actor)
    entry_get(user=actor, entry_id=entry.pk)
    touched = set(entry.transfers.values_list("debit_id", flat=True)) | set(
        entry.transfers.values_list("credit_id", flat=True)
    )
    for code in Account.objects.filter(pk__in=touched).values_list("code", flat=True):
        account_usable(actor=actor, province_code=entry.province_code, code=code)


# --- rollups ---------------------------------------------------------------------------------


def rollups_rebuild(
    *,
    province_code: str | None = None,
    date_from: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Recompute the daily rollups (DailyBalance and DailyFigure) from the transfers, one
    (province, day) per transaction,
    each under the day's exclusive lock so no posting of that day runs meanwhile. Idempotent.
    Returns the number of rollup rows written."""
    transfers = Transfer.objects.all()
    rollups = DailyBalance.objects.all()
    if province_code:
        transfers = transfers.filter(province_code=province_code)
        rollups = rollups.filter(province_code=province_code)
    if date_from:
        transfers = transfers.filter(business_date__gte=date_from)
        rollups = rollups.filter(date__gte=date_from)
    figures = DailyFigure.objects.all()
    if province_code:
        figures = figures.filter(province_code=province_code)
    if date_from:
        figures = figures.filter(date__gte=date_from)
    stray_months = MonthlyFigure.objects.all()
    if province_code:
        stray_months = stray_months.filter(province_code=province_code)
    if date_from:
        stray_months = stray_months.filter(month__gte=date_from.replace(day=1))
    days = sorted(
        set(stray_months.values_list("province_code", "month").distinct())
        | set(transfers.values_list("province_code", "business_date").distinct())
        | set(rollups.values_list("province_code", "date").distinct())
        | set(figures.values_list("province_code", "date").distinct())
    )
    written = 0
    for done, (province, day) in enumerate(days, start=1):
        with transaction.atomic():
            _day_lock(province, day, exclusive=True)
            DailyBalance.objects.filter(province_code=province, date=day).delete()
            totals: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
            of_day = Transfer.objects.filter(province_code=province, business_date=day)
            for account_id, amount, count in _sums(of_day, "debit_id"):
                totals[account_id][0] += amount
                totals[account_id][2] += count
            for account_id, amount, count in _sums(of_day, "credit_id"):
                totals[account_id][1] += amount
                totals[account_id][2] += count
            DailyBalance.objects.bulk_create(
                [
                    DailyBalance(
                        province_code=province,
                        date=day,
                        account_id=account_id,
                        debit_total=d,
                        credit_total=c,
                        transfer_count=n,
                    )
                    for account_id, (d, c, n) in sorted(totals.items())
                ]
            )
            written += len(totals)
            written += _figures_rebuild(province, day)
        if progress is not None:
            progress(done, len(days))
    months = sorted({(province, day.replace(day=1)) for province, day in days})
    for province, month in months:
        with transaction.atomic():
            written += _months_rebuild(province, month)
    return written


def _sums(transfers: QuerySet[Transfer], side: str) -> list[tuple[int, int, int]]:
    rows = transfers.values(side).annotate(total=Sum("amount"), count=Count("id")).order_by()
    return [(row[side], row["total"], row["count"]) for row in rows]


def _figures_rebuild(province_code: str, day: dt.date) -> int:
    """Replace a day's DailyFigure rows by what its transfers add up to: the same figures as
    ``_figures`` computes posting by posting, here in one INSERT ... SELECT."""
    table = _table(DailyFigure)
    measures = ", ".join(_FIGURES)
    revenue, expense = AccountKind.REVENUE.value, AccountKind.EXPENSE.value
    reversal, budget = EntryKind.REVERSAL.value, EntryKind.BUDGET_CONTRIBUTION.value
    date_value = connection.ops.adapt_datefield_value(day)
    # The unit of a point-less leg's expense: the owner of its expense account (_cost_unit).
    cost_unit = (
        "CASE WHEN t.point_id IS NOT NULL THEN NULL WHEN d.kind = %s THEN d.unit_id "
        "WHEN c.kind = %s THEN c.unit_id END"
    )
    sql = f"""
        INSERT INTO {table} (province_code, date, point_id, unit_id, service, {measures})
        SELECT %s, %s, point_id, unit_id, service, SUM(revenue), SUM(sign), SUM(turnover),
               SUM(expense), SUM(budget)
        FROM (
            SELECT t.entry_id, t.point_id, {cost_unit} AS unit_id, t.service,
                   SUM(CASE WHEN c.kind = %s THEN t.amount ELSE 0 END)
                   - SUM(CASE WHEN d.kind = %s THEN t.amount ELSE 0 END) AS revenue,
                   MAX(CASE WHEN e.kind = %s THEN -1 ELSE 1 END) AS sign,
                   SUM(CASE WHEN e.kind = %s THEN -t.amount ELSE t.amount END) AS turnover,
                   SUM(CASE WHEN d.kind = %s THEN t.amount ELSE 0 END)
                   - SUM(CASE WHEN c.kind = %s THEN t.amount ELSE 0 END) AS expense,
                   SUM(CASE WHEN COALESCE(o.kind, e.kind) <> %s THEN 0
                            WHEN e.kind = %s THEN -t.amount ELSE t.amount END) AS budget
            FROM {_table(Transfer)} t
            JOIN {_table(Entry)} e ON e.id = t.entry_id
            LEFT JOIN {_table(Entry)} o ON o.id = e.reverses_id
            JOIN {_table(Account)} d ON d.id = t.debit_id
            JOIN {_table(Account)} c ON c.id = t.credit_id
            WHERE t.province_code = %s AND t.business_date = %s
            GROUP BY t.entry_id, t.point_id, {cost_unit}, t.service
        ) per_entry
        GROUP BY point_id, unit_id, service
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE province_code = %s AND date = %s",
            [province_code, date_value],
        )
        cursor.execute(
            sql,
            [
                province_code,
                date_value,
                expense,
                expense,
                revenue,
                revenue,
                reversal,
                reversal,
                expense,
                expense,
                budget,
                reversal,
                province_code,
                date_value,
                expense,
                expense,
            ],
        )
        return int(cursor.rowcount)


def _months_rebuild(province_code: str, month: dt.date) -> int:
    """Replace a month's MonthlyFigure rows by the sum of its DailyFigure rows. Under the
    exclusive lock of every day of the month (PostgreSQL), so no posting adds to it meanwhile."""
    last = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    day = month
    while day <= last:
        _day_lock(province_code, day, exclusive=True)
        day += dt.timedelta(days=1)
    ops = connection.ops
    daily, monthly = _table(DailyFigure), _table(MonthlyFigure)
    measures = ", ".join(_FIGURES)
    sums = ", ".join(f"SUM({name})" for name in _FIGURES)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {monthly} WHERE province_code = %s AND month = %s",
            [province_code, ops.adapt_datefield_value(month)],
        )
        cursor.execute(
            f"INSERT INTO {monthly} (province_code, month, point_id, unit_id, service, "
            f"{measures}) SELECT province_code, %s, point_id, unit_id, service, {sums} "
            f"FROM {daily} WHERE province_code = %s AND date BETWEEN %s AND %s "
            "GROUP BY province_code, point_id, unit_id, service",
            [
                ops.adapt_datefield_value(month),
                province_code,
                ops.adapt_datefield_value(month),
                ops.adapt_datefield_value(last),
            ],
        )
        return int(cursor.rowcount)
