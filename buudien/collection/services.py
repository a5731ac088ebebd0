"""Writes of bill collection (thu hộ). Each function is one transaction: it checks the
actor's role and scope, writes its rows and its ledger entry together, and changes nothing
when it refuses.

How the money is booked (one ledger entry per bill, kind ``collection``, every leg with
``service=collection``, so the year-end report counts one operation per bill and its revenue
as the credits to ``5113.collection``):

- cash at the counter: debit the point's drawer, credit the partner's payable
  (``3388.partner.<code>``) with the bill's amount; in the same entry, debit the partner's
  payable and credit the revenue of collection with the post's commission. The payable is
  then what the partner is owed, net of the commission, bill by bill: the commission is kept
  back from the money collected, the way the contracts with EVN, the water company or BHXH
  work, instead of being invoiced to the partner later. A customer fee, if the partner's rule
  has one, is a further debit of the drawer, credited to the revenue (before VAT) and to VAT
  payable (``3331``);
- by transfer (VietQR): the bill is recorded ``pending`` with nothing posted; when the
  cashless app confirms the payment it calls ``bill_paid_by_transfer`` (registered with
  ``buudien.cashless.registry.settles("collection")``), which posts the same entry with the
  province's bank account in place of the drawer;
- a cancellation (the same business day, by a clerk of the point, for a reason; above the
  amount of ``settings.BUUDIEN_CANCEL_APPROVAL_ABOVE`` once a director or an accountant
  approves it: ``counter.cancellations``) reverses the entry with ``entry_reverse``: a
  cancelled bill nets to zero on its day;
- a settlement pays the partner by bank transfer what it is owed for a range of business
  days: one entry (kind ``collection_settlement``) debiting the partner's payable and
  crediting the post's bank account (``1121.<bank>``), the bills pointing at it. The ledger
  refuses it when the bank account does not hold the money. Its leg carries no service: it
  moves money the post owed, it is no operation of the service, so the year-end report does
  not count it as a collection (the bills were counted, each once).

Idempotency: a bill carries the key its request came with (the ``Idempotency-Key`` header,
or the token of the counter form); the ledger keys are derived from the rows
(``collection:bill:<id>``, ``collection:cancel:<id>``, ``collection:settlement:<id>``,
``cashless:<payment id>``), so a retry posts nothing twice. A bill at the counter goes through
the counter's ``Desk.once`` (``buudien.counter.desk``), which writes ``collection.bill`` to
the audit log; a list's entries are posted together (``Desk.post_list``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buudien.cashless.registry import settles
from buudien.collection.choices import BillStatus, PartnerKind, PaymentMethod
from buudien.collection.models import BASIS_POINTS, Bill, Partner, Settlement
from buudien.core.audit import audit_record
from buudien.core.bizdays import VIETNAM, local_today
from buudien.core.catalogue import Service
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.money import format_vnd
from buudien.core.sequences import sequence_next
from buudien.core.text import fold
from buudien.counter import cancellations, fields
from buudien.counter.desk import COUNTER_ROLES, Desk, Op, key_clean
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import Account, Entry
from buudien.network.models import ServicePoint
from buudien.people import access
from buudien.people.choices import Role

SERVICE = Service.COLLECTION.value
# The namespace of the counter's keys and audit records (``collection.bill``).
APP = "collection"
PARTNER_MANAGERS = frozenset({Role.ACCOUNTANT, Role.ADMIN})
SETTLEMENT_ROLES = frozenset({Role.ACCOUNTANT, Role.ADMIN})
# No bill is larger than this (a thousand billion đồng); the ledger's own limit is higher.
MAX_BILL = 10**12
MAX_FEE = 10**9
MAX_KEY = 128
# The short codes of partners and banks, as the ledger names their accounts.
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}\Z")


# --- checks ------------------------------------------------------------------------------


def _active(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can_collect(user: Any) -> bool:
    """Counter clerks and administrators (and superusers) collect bills."""
    return access.has_role(user, COUNTER_ROLES)


def can_manage_partners(user: Any) -> bool:
    return access.has_role(user, PARTNER_MANAGERS)


def can_settle(user: Any) -> bool:
    return access.has_role(user, SETTLEMENT_ROLES)


def _province_in_scope(actor: Any, province_code: str) -> None:
    """NotFound unless ``actor``'s scope holds the provincial post of ``province_code``."""
    try:
        unit = ledger.province_unit(province_code)
    except DomainError:
        raise NotFound(_("No such province."), field="province_code") from None
    if not access.in_scope(actor, unit.path):
        raise NotFound(_("No such province."), field="province_code")


def slug_check(value: Any, *, field: str) -> str:
    text = str(value or "").strip()
    if not SLUG.match(text):
        raise DomainError(
            _(
                "“%(value)s” is not a valid short code: lowercase letters, digits, '-' and '_', "
                "at most 32."
            )
            % {"value": text},
            field=field,
        )
    return text


# --- partners ----------------------------------------------------------------------------

PARTNER_FIELDS = (
    "name",
    "kind",
    "bank",
    "payee_account",
    "commission_fixed",
    "commission_bp",
    "commission_min",
    "customer_fee",
    "fee_vat_rate_bp",
    "active",
)


def partner_values_clean(values: dict[str, Any]) -> dict[str, Any]:
    """The validated values of a partner's editable fields (those given)."""
    clean: dict[str, Any] = {}
    if "name" in values:
        clean["name"] = fields.text(
            values["name"], field="name", label=_("The name"), limit=200, required=True
        )
    if "kind" in values:
        if values["kind"] not in PartnerKind.values:
            raise DomainError(
                _("Unknown kind of partner %(kind)s.") % {"kind": values["kind"]}, field="kind"
            )
        clean["kind"] = values["kind"]
    if "bank" in values:
        clean["bank"] = slug_check(values["bank"], field="bank")
    if "payee_account" in values:
        clean["payee_account"] = fields.text(
            values["payee_account"],
            field="payee_account",
            label=_("The partner's bank account"),
            limit=200,
            required=False,
        )
    for name, label, high in (
        ("commission_fixed", _("The commission per bill"), MAX_FEE),
        ("commission_min", _("The minimum commission"), MAX_FEE),
        ("customer_fee", _("The customer fee"), MAX_FEE),
        ("commission_bp", _("The commission rate"), BASIS_POINTS),
        ("fee_vat_rate_bp", _("The VAT rate"), BASIS_POINTS),
    ):
        if name in values:
            clean[name] = fields.whole(values[name], field=name, label=label, low=0, high=high)
    if "active" in values:
        clean["active"] = bool(values["active"])
    return clean


@transaction.atomic
def partner_create(*, actor: Any, province_code: str, code: str, **values: Any) -> Partner:
    """A new partner of a province, by an accountant or an administrator whose scope holds
    the provincial post. Its payable account (``3388.partner.<code>``) and its settlement
    bank account are made in the same transaction."""
    if not can_manage_partners(actor):
        raise AccessDenied(_("Only an accountant or an administrator may manage partners."))
    _province_in_scope(actor, province_code)
    unknown = set(values) - set(PARTNER_FIELDS)
    if unknown:
        raise DomainError(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    if "name" not in values or "bank" not in values:
        raise DomainError(_("A partner needs a name and a bank account."), field="name")
    code = slug_check(code, field="code")
    clean = partner_values_clean(values)
    if Partner.objects.filter(province_code=province_code, code=code).exists():
        raise DomainError(
            _("There is a partner %(code)s in this province already.") % {"code": code},
            field="code",
        )
    partner = Partner(province_code=province_code, code=code, **clean)
    try:
        with transaction.atomic():
            partner.save()
    except IntegrityError:
        raise DomainError(
            _("There is a partner %(code)s in this province already.") % {"code": code},
            field="code",
        ) from None
    ledger.account_for_partner(province_code, code)
    ledger.account_for_bank(province_code, partner.bank)
    audit_record(
        actor=actor,
        action="collection.partner_create",
        obj=partner,
        after={"code": code, **clean},
    )
    return partner


@transaction.atomic
def partner_update(*, actor: Any, partner: Partner, **values: Any) -> Partner:
    """Change a partner's name, rule or bank; its code and province never change (they name
    its payable account). Bills already collected keep the commission they were charged."""
    if not can_manage_partners(actor):
        raise AccessDenied(_("Only an accountant or an administrator may manage partners."))
    _province_in_scope(actor, partner.province_code)
    unknown = set(values) - set(PARTNER_FIELDS)
    if unknown:
        raise DomainError(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    clean = partner_values_clean(values)
    before = {name: getattr(partner, name) for name in clean}
    for name, value in clean.items():
        setattr(partner, name, value)
    partner.save()
    if "bank" in clean:
        ledger.account_for_bank(partner.province_code, partner.bank)
    audit_record(
        actor=actor, action="collection.partner_update", obj=partner, before=before, after=clean
    )
    return partner


# --- bills -------------------------------------------------------------------------------


def bill_reference(bill: Bill) -> str:
    """The reference of a bill's ledger entries."""
    return f"bill:{bill.reference}"


def bill_key(bill: Bill) -> str:
    """The ledger key of a bill's entry: its reference, unique in the province."""
    return f"collection:bill:{bill.reference}"


def _desk(actor: Any, point: ServicePoint | None, at: dt.datetime | None) -> Desk:
    """The counter of ``point`` for a bill collected at ``at`` (now by default), once
    ``check_counter`` lets ``actor`` collect there that day."""
    if point is None:
        raise DomainError(_("Say at which service point the bill is collected."), field="point")
    elsewhere = _("You collect bills at your own service point only.")
    return Desk.open(actor=actor, point=point, app=APP, at=at, elsewhere=elsewhere)


def _key(value: Any) -> str:
    return key_clean(value, limit=MAX_KEY)


def _partner_for(partner: Partner | str, province_code: str) -> Partner:
    if isinstance(partner, Partner):
        found: Partner | None = partner
    else:
        found = Partner.objects.filter(province_code=province_code, code=str(partner)).first()
    if found is None or found.province_code != province_code:
        raise DomainError(_("No such partner in this province."), field="partner")
    if not found.active:
        raise DomainError(
            _("%(partner)s is no longer collected for.") % {"partner": found.name},
            field="partner",
        )
    return found


@dataclass(frozen=True)
class _Accounts:
    """The accounts a bill's entry touches, read in one query (made when missing)."""

    payable: Account
    revenue: Account
    vat: Account
    drawer: Account | None


def _accounts(province: str, partner: Partner, point: ServicePoint | None) -> _Accounts:
    codes = {
        "payable": f"{ledger.PARTNER_PREFIX}{partner.code}",
        "revenue": f"{ledger.REVENUE_PREFIX}{SERVICE}",
        "vat": ledger.VAT_PAYABLE,
    }
    if point is not None:
        codes["drawer"] = f"{ledger.DRAWER_PREFIX}{point.code}"
    found = {
        a.code: a
        for a in Account.objects.filter(province_code=province, code__in=list(codes.values()))
    }
    payable = found.get(codes["payable"]) or ledger.account_for_partner(province, partner.code)
    revenue = found.get(codes["revenue"]) or ledger.account_for_revenue(province, SERVICE)
    vat = found.get(codes["vat"]) or ledger.account_vat_payable(province)
    drawer = None
    if point is not None:
        drawer = found.get(codes["drawer"]) or ledger.account_for_drawer(point)
    return _Accounts(payable, revenue, vat, drawer)


def _accounts_known(province: str, partner: Partner, point: ServicePoint | None) -> _Accounts:
    """``_accounts`` as this process knows them (``ledger.account_known``): no query once
    read; the posting checks them as it locks them."""
    drawer = None
    if point is not None:
        drawer = ledger.account_known(
            province, ledger.drawer_code(point), lambda: ledger.account_for_drawer(point)
        )
    return _Accounts(
        ledger.account_known(
            province,
            f"{ledger.PARTNER_PREFIX}{partner.code}",
            lambda: ledger.account_for_partner(province, partner.code),
        ),
        ledger.account_known(
            province,
            ledger.revenue_code(SERVICE),
            lambda: ledger.account_for_revenue(province, SERVICE),
        ),
        ledger.account_known(
            province, ledger.VAT_PAYABLE, lambda: ledger.account_vat_payable(province)
        ),
        drawer,
    )


def _legs(bill: Bill, money_in: Account, accounts: _Accounts) -> list[ledger.Leg]:
    """The legs of a bill's entry: the money in (drawer or bank) to the partner's payable,
    the commission from the payable to the revenue, the fee and its VAT."""
    legs = [ledger.Leg(money_in, accounts.payable, bill.amount, SERVICE)]
    if bill.commission:
        legs.append(ledger.Leg(accounts.payable, accounts.revenue, bill.commission, SERVICE))
    if bill.fee:
        legs.append(ledger.Leg(money_in, accounts.revenue, bill.fee, SERVICE))
    if bill.fee_vat:
        legs.append(ledger.Leg(money_in, accounts.vat, bill.fee_vat, SERVICE))
    return legs


def _refuse_reused(key: str, bill: Bill) -> DomainError:
    return DomainError(
        _(
            "Idempotency key reused with a different request: %(key)s was already used "
            "for bill %(bill)s."
        )
        % {"key": key, "bill": bill.reference},
        field="idempotency_key",
    )


@dataclass(frozen=True)
class BillRow:
    """One bill as the counter (or a list) gives it."""

    partner: Partner | str
    customer_code: str
    customer_name: str
    amount: int
    period: str = ""
    method: str = PaymentMethod.CASH
    at: dt.datetime | None = None


def _bill_from(row: BillRow, *, desk: Desk, key: str) -> Bill:
    """A new bill (not saved) collected at ``desk``, from a row, every field checked; refused
    with the field."""
    province = desk.province
    code = fields.text(
        row.customer_code,
        field="customer_code",
        label=_("The customer code"),
        limit=40,
        required=True,
    )
    name = fields.text(
        row.customer_name,
        field="customer_name",
        label=_("The customer's name"),
        limit=200,
        required=True,
    )
    period = fields.text(
        row.period, field="period", label=_("The period"), limit=20, required=False
    )
    amount = fields.whole(row.amount, field="amount", label=_("The amount"), low=1, high=MAX_BILL)
    if row.method not in PaymentMethod.values:
        raise DomainError(_("Unknown payment method %(m)s.") % {"m": row.method}, field="method")
    partner = _partner_for(row.partner, province)
    cash = row.method == PaymentMethod.CASH
    moment = desk.moment
    return Bill(
        province_code=province,
        partner=partner,
        point=desk.point,
        collected_by=desk.actor if _active(desk.actor) else None,
        customer_code=code,
        customer_name=name,
        period=period,
        amount=amount,
        commission=partner.commission_for(amount),
        fee=partner.customer_fee,
        fee_vat=partner.fee_vat,
        method=row.method,
        status=BillStatus.COLLECTED if cash else BillStatus.PENDING,
        created_at=moment,
        collected_at=moment if cash else None,
        idempotency_key=key,
    )


# What makes two requests the same bill (for idempotent retries).
_SAME_BILL = ("partner_id", "point_id", "customer_code", "period", "amount", "method")


def _asked(bill: Bill) -> tuple[Any, ...]:
    return tuple(getattr(bill, name) for name in _SAME_BILL)


def _check_transfer(bill: Bill, point: ServicePoint) -> None:
    if bill.method == PaymentMethod.TRANSFER and not point.cashless:
        raise DomainError(
            _("%(point)s does not take payment by transfer.") % {"point": point}, field="method"
        )


def _refuse_twice(bill: Bill, reference: str | None) -> DomainError:
    if reference:
        message = _(
            "The bill of customer %(code)s for %(period)s was already collected: %(reference)s."
        ) % {"code": bill.customer_code, "period": bill.period, "reference": reference}
    else:
        message = _("The bill of customer %(code)s for %(period)s was already collected.") % {
            "code": bill.customer_code,
            "period": bill.period,
        }
    return DomainError(message, field="customer_code")


def _cash_legs(bill: Bill, accounts: _Accounts) -> list[ledger.Leg]:
    """The legs of a cash bill: the money comes into the point's drawer."""
    assert accounts.drawer is not None
    return _legs(bill, accounts.drawer, accounts)


def _reference(point: ServicePoint, serial: int) -> str:
    return f"TH-{point.code}-{serial:06d}"


def bill_collect(
    *,
    actor: Any,
    idempotency_key: str,
    partner: Partner | str,
    customer_code: str,
    customer_name: str,
    amount: int,
    period: str = "",
    method: str = PaymentMethod.CASH,
    point: ServicePoint | None = None,
    at: dt.datetime | None = None,
) -> Bill:
    """Collect one bill at a counter (the actor's own point unless ``point`` is given, for an
    administrator). Cash is posted at once (drawer to the partner's payable, the commission to
    the revenue); a transfer leaves the bill ``pending`` until the cashless app confirms it.
    The same key with the same request returns the bill already collected. ``at`` is when it
    was collected (now by default)."""
    if not can_collect(actor):
        raise AccessDenied(_("Only a counter clerk or an administrator may collect bills."))
    key = _key(idempotency_key)
    desk = _desk(actor, point if point is not None else actor.point, at)
    province = desk.province
    row = BillRow(partner, customer_code, customer_name, amount, period, method, at)
    bill = _bill_from(row, desk=desk, key=key)

    def twice() -> DomainError:
        """The refusal of a bill whose insert clashed with one collected already."""
        taken = (
            Bill.objects.filter(
                province_code=province,
                partner=bill.partner,
                customer_code=bill.customer_code,
                period=bill.period,
            )
            .exclude(status=BillStatus.CANCELLED)
            .values_list("reference", flat=True)
            .first()
        )
        return _refuse_twice(bill, taken)

    def work(op: Op) -> Bill:
        _check_transfer(bill, desk.point)
        # The number is taken first: the point's counter row stays locked until the end.
        bill.reference = op.reference()
        if bill.method == PaymentMethod.CASH:
            # The ledger reference is the bill's own (``bill:<reference>``), as the transfer's.
            entry = desk.post(
                kind=EntryKind.COLLECTION,
                legs=_cash_legs(bill, _accounts_known(province, bill.partner, desk.point)),
                reference=bill_reference(bill),
                key=bill_key(bill),
                savepoint=False,
            )
            bill.entry = entry
            bill.business_date = entry.business_date
        # Inserted last, with its entry: a bill collected twice (the constraint on partner,
        # customer and period) or a retry racing this one clashes here, and ``once`` rolls
        # the whole operation back, then answers (``twice``, or the retried bill).
        bill.save()
        return bill

    return desk.once(
        Bill,
        operation="bill",
        key=key,
        stored=key,
        same=lambda found: _asked(found) == _asked(bill),
        reused=lambda found: _refuse_reused(key, found),
        number=lambda: _reference(desk.point, sequence_next(f"collection:{desk.point.code}")),
        work=work,
        optimistic=True,
        clash=twice,
    )


MAX_BATCH = 2_000


@transaction.atomic
def bills_collect_batch(
    *, actor: Any, idempotency_key: str, point: ServicePoint, rows: Sequence[BillRow]
) -> list[Bill]:
    """Collect a list of bills at ``point``'s counter at once (a business customer's list, a
    day's bills brought in from elsewhere): all of them or none. Every row is checked as
    ``bill_collect`` checks a bill; a problem is refused naming the row (``rows.<i>.<field>``).
    Each bill is its own ledger entry, as at the counter, on the day it was collected; the
    entries of the list are posted together. Sent again under the same key, the list returns
    the bills already collected."""
    if not can_collect(actor):
        raise AccessDenied(_("Only a counter clerk or an administrator may collect bills."))
    key = _key(idempotency_key)
    if not rows or len(rows) > MAX_BATCH:
        raise DomainError(_("A list holds 1 to %(max)s bills.") % {"max": MAX_BATCH}, field="rows")
    if len(key) > MAX_KEY - 6:
        raise DomainError(_("The idempotency key is too long."), field="idempotency_key")
    province = point.province_code
    bills: list[Bill] = []
    for index, row in enumerate(rows):
        try:
            bill = _bill_from(row, desk=_desk(actor, point, row.at), key=f"{key}:{index}")
            _check_transfer(bill, point)
        except DomainError as exc:
            raise DomainError(
                _("Row %(row)s: %(problem)s") % {"row": index + 1, "problem": exc.message},
                field=f"rows.{index}.{exc.field or ''}".rstrip("."),
            ) from None
        bills.append(bill)
    done = {
        b.idempotency_key: b
        for b in Bill.objects.filter(
            province_code=province, idempotency_key__in=[b.idempotency_key for b in bills]
        )
    }
    if done:
        for bill in bills:
            existing = done.get(bill.idempotency_key)
            if existing is None or _asked(existing) != _asked(bill):
                raise _refuse_reused(key, existing or next(iter(done.values())))
        return [done[b.idempotency_key] for b in bills]
    periods = {(b.partner_id, b.customer_code, b.period) for b in bills if b.period}
    if len(periods) < sum(1 for b in bills if b.period):
        raise DomainError(_("The list holds the same bill twice."), field="rows")
    if periods:
        taken = (
            Bill.objects.filter(
                province_code=province,
                partner_id__in={p for p, _c, _p in periods},
                customer_code__in={c for _p, c, _q in periods},
            )
            .exclude(status=BillStatus.CANCELLED)
            .exclude(period="")
            .values_list("partner_id", "customer_code", "period", "reference")
        )
        for partner_id, code, period, reference in taken:
            if (partner_id, code, period) in periods:
                bill = next(
                    b
                    for b in bills
                    if (b.partner_id, b.customer_code, b.period) == (partner_id, code, period)
                )
                raise _refuse_twice(bill, reference)
    last = sequence_next(f"collection:{point.code}", len(bills))
    desk = Desk.at_point(actor=actor, point=point, app=APP)  # every row was checked above
    accounts: dict[int, _Accounts] = {}
    cash: list[Bill] = []
    postings: list[ledger.Posting] = []
    for offset, bill in enumerate(bills):
        bill.reference = _reference(point, last - len(bills) + 1 + offset)
        bill.customer_folded = fold(f"{bill.customer_code} {bill.customer_name}")[:250]
        if bill.method == PaymentMethod.CASH:
            if bill.partner_id not in accounts:
                accounts[bill.partner_id] = _accounts(province, bill.partner, point)
            cash.append(bill)
            postings.append(
                desk.posting(
                    kind=EntryKind.COLLECTION,
                    legs=_cash_legs(bill, accounts[bill.partner_id]),
                    reference=bill_reference(bill),
                    key=bill_key(bill),
                    day=bill.created_at.astimezone(VIETNAM).date(),
                )
            )
    # Posted first, so each bill is inserted once, with its entry.
    for bill, entry in zip(cash, desk.post_list(postings), strict=True):
        bill.entry = entry
        bill.business_date = entry.business_date
    try:
        with transaction.atomic():
            Bill.objects.bulk_create(bills)
    except IntegrityError:
        raise DomainError(
            _("Some of these bills were collected meanwhile; look at the list again."),
            field="rows",
        ) from None
    return bills


def _bill_cancellable(bill: Bill) -> None:
    """Refused unless ``bill`` can be cancelled now: not cancelled, not settled, collected
    today (the business day open), or awaiting its transfer."""
    if bill.status == BillStatus.CANCELLED:
        raise DomainError(
            _("Bill %(reference)s is cancelled already.") % {"reference": bill.reference}
        )
    if bill.settlement_id is not None:
        raise DomainError(
            _("Bill %(reference)s has been settled with the partner: it cannot be cancelled.")
            % {"reference": bill.reference}
        )
    if bill.status == BillStatus.COLLECTED:
        open_day = ledger.business_day_open_date(bill.province_code)
        if bill.business_date != open_day:
            raise DomainError(
                _(
                    "Bill %(reference)s was collected on %(day)s: a bill is cancelled only "
                    "the business day it was collected."
                )
                % {
                    "reference": bill.reference,
                    "day": f"{bill.business_date:%d/%m/%Y}" if bill.business_date else "—",
                }
            )


def _bill_cancel_check(*, actor: Any, record: Bill, params: Any, at: Any, reason: Any) -> None:
    """A counter clerk of the bill's point or an administrator of its scope, a bill that can
    be cancelled now."""
    if not can_collect(actor):
        raise AccessDenied(_("Only a counter clerk or an administrator may cancel a bill."))
    if not access.in_scope(actor, record.point.unit_path) and actor.point_id != record.point_id:
        raise NotFound(_("No such bill."))
    if actor.point_id is not None and actor.point_id != record.point_id and not actor.is_superuser:
        raise NotFound(_("No such bill."))
    _bill_cancellable(record)


@transaction.atomic
def _bill_cancel_perform(*, actor: Any, record: Bill, reason: str, params: Any, at: Any) -> Bill:
    """The cancellation itself: the bill claimed, its entry reversed, the audit record."""
    bill = Bill.objects.select_related("point").get(pk=record.pk)
    _bill_cancellable(bill)
    now = timezone.now()
    # Claim the bill: a concurrent cancel, settlement or confirmation makes this match nothing.
    claimed = Bill.objects.filter(pk=bill.pk, status=bill.status, settlement__isnull=True).update(
        status=BillStatus.CANCELLED,
        cancelled_at=now,
        cancelled_by=actor if _active(actor) else None,
        cancel_reason=reason,
    )
    if claimed != 1:
        raise DomainError(
            _("Bill %(reference)s changed meanwhile; look at it again.")
            % {"reference": bill.reference}
        )
    status_before = bill.status
    bill.refresh_from_db()
    if bill.entry_id is not None:
        entry = Entry.objects.get(pk=bill.entry_id)
        reversal = ledger.entry_reverse(
            actor=actor,
            entry=entry,
            idempotency_key=f"collection:cancel:{bill.pk}",
            memo=reason,
        )
        bill.cancel_entry = reversal
        bill.save(update_fields=["cancel_entry"])
    audit_record(
        actor=actor,
        action="collection.bill_cancel",
        obj=bill,
        before={"status": status_before},
        after={"status": BillStatus.CANCELLED, "reason": reason},
    )
    return bill


BILL_CANCEL = cancellations.register(
    cancellations.record_kind(
        "collection.bill",
        Bill,
        noun=gettext_lazy("bill"),
        amount=lambda bill: bill.total,
        check=_bill_cancel_check,
        perform=_bill_cancel_perform,
        url_name="collection:bill",
    )
)


def bill_cancel(*, actor: Any, bill: Bill, reason: str) -> cancellations.Cancellation:
    """Cancel a bill the business day it was collected (a bill awaiting its transfer, any
    time), for a reason: its entry is reversed, the bill stays, marked cancelled. By a counter
    clerk of the bill's point or an administrator; never a settled bill; never twice. Above
    ``settings.BUUDIEN_CANCEL_APPROVAL_ABOVE`` (the bill's total) it is asked, and done when a
    director or an accountant approves it (``counter.cancellations``)."""
    return cancellations.cancel(kind=BILL_CANCEL, actor=actor, record=bill, reason=reason)


@settles("collection", label=gettext_lazy("Bill collection"))
def bill_paid_by_transfer(payment: Any, *, actor: Any, bank: Account) -> Entry:
    """What confirming a cashless payment of kind ``collection`` posts: the bill whose
    reference the payment carries, paid by transfer into ``bank``. Called by the cashless app
    inside its confirmation's transaction (``buudien.cashless.registry``); a confirmation
    retried returns the entry already posted. Refused (the payment stays unconfirmed) when no
    bill of that reference awaits a transfer, or the amounts differ."""
    with transaction.atomic():
        province = str(payment.province_code)
        reference = str(payment.reference or "").strip()
        bill = (
            Bill.objects.select_related("partner", "point")
            .filter(province_code=province, reference=reference)
            .first()
        )
        if bill is None:
            raise DomainError(
                _("No bill %(reference)s awaits a transfer.") % {"reference": reference},
                field="reference",
            )
        payment_ref = str(payment.pk)
        if bill.payment_ref == payment_ref and bill.entry_id is not None:
            return Entry.objects.get(pk=bill.entry_id)  # a retried confirmation
        if bill.status != BillStatus.PENDING or bill.method != PaymentMethod.TRANSFER:
            raise DomainError(
                _("Bill %(reference)s does not await a transfer (it is %(status)s).")
                % {"reference": bill.reference, "status": bill.get_status_display()},
                field="reference",
            )
        if payment.amount != bill.total:
            raise DomainError(
                _("The transfer of %(paid)s does not match bill %(reference)s of %(total)s.")
                % {
                    "paid": format_vnd(payment.amount),
                    "reference": bill.reference,
                    "total": format_vnd(bill.total),
                },
                field="amount",
            )
        point = getattr(payment, "point", None)
        if point is not None and point.pk != bill.point_id:
            raise DomainError(
                _("Bill %(reference)s was presented at another point.")
                % {"reference": bill.reference},
                field="point",
            )
        now = timezone.now()
        claimed = Bill.objects.filter(pk=bill.pk, status=BillStatus.PENDING).update(
            status=BillStatus.COLLECTED, payment_ref=payment_ref, collected_at=now
        )
        if claimed != 1:
            raise DomainError(
                _("Bill %(reference)s changed meanwhile.") % {"reference": bill.reference},
                field="reference",
            )
        entry = ledger.entry_post(
            actor=actor,
            idempotency_key=f"cashless:{payment.pk}",
            kind=EntryKind.COLLECTION,
            reference=bill_reference(bill),
            legs=_legs(bill, bank, _accounts(province, bill.partner, None)),
            province_code=province,
            point=bill.point,
            late=True,
        )
        Bill.objects.filter(pk=bill.pk).update(entry=entry, business_date=entry.business_date)
        return entry


# --- settlements -------------------------------------------------------------------------


def settlement_key(settlement: Settlement) -> str:
    return f"collection:settlement:{settlement.pk}"


def unsettled_bills(partner: Partner, date_from: dt.date, date_to: dt.date) -> Any:
    """The bills of ``partner`` collected in the range and not settled yet."""
    return Bill.objects.filter(
        partner=partner,
        status=BillStatus.COLLECTED,
        settlement__isnull=True,
        business_date__gte=date_from,
        business_date__lte=date_to,
    )


@transaction.atomic
def settlement_create(
    *,
    actor: Any,
    idempotency_key: str,
    partner: Partner,
    date_from: dt.date,
    date_to: dt.date,
    memo: str = "",
    on: dt.date | None = None,
) -> Settlement:
    """Pay ``partner`` what it is owed for the bills collected from ``date_from`` to
    ``date_to`` and not settled yet: one entry, debit its payable, credit the post's bank
    account, for the bills' amounts less the commission; the bills are marked with the
    settlement. By an accountant or an administrator whose scope holds the provincial post.
    Refused when there is nothing to settle or the bank account does not hold the money.
    ``on`` is the business day of the transfer (today by default)."""
    if not can_settle(actor):
        raise AccessDenied(_("Only an accountant or an administrator may settle with partners."))
    key = _key(idempotency_key)
    province = partner.province_code
    _province_in_scope(actor, province)
    existing = Settlement.objects.filter(province_code=province, idempotency_key=key).first()
    if existing is not None:
        if (existing.partner_id, existing.date_from, existing.date_to) != (
            partner.pk,
            date_from,
            date_to,
        ):
            raise DomainError(
                _(
                    "Idempotency key reused with a different request: %(key)s was already "
                    "used for settlement %(reference)s."
                )
                % {"key": key, "reference": existing.reference},
                field="idempotency_key",
            )
        return existing
    if date_to < date_from:
        raise DomainError(_("The range ends before it starts."), field="date_to")
    today = local_today()
    if date_to > today:
        raise DomainError(
            _("Bills of %(day)s have not been collected yet.") % {"day": f"{date_to:%d/%m/%Y}"},
            field="date_to",
        )
    note = fields.text(memo, field="memo", label=_("The memo"), limit=500, required=False)
    serial = sequence_next(f"collection:settlement:{province}")
    settlement = Settlement(
        province_code=province,
        reference=f"QT-{partner.code.upper()}-{serial:05d}",
        partner=partner,
        date_from=date_from,
        date_to=date_to,
        bank=partner.bank,
        idempotency_key=key,
        memo=note,
        created_by=actor if _active(actor) else None,
    )
    try:
        with transaction.atomic():
            settlement.save()
    except IntegrityError:
        existing = Settlement.objects.filter(province_code=province, idempotency_key=key).first()
        if existing is not None and existing.partner_id == partner.pk:
            return existing
        raise DomainError(_("This settlement was made already."), field="idempotency_key") from None
    # Claim the bills: one conditional UPDATE, so a bill cancelled or settled meanwhile is
    # not taken; the amounts are those of the bills actually claimed.
    unsettled_bills(partner, date_from, date_to).update(settlement=settlement)
    totals = Bill.objects.filter(settlement=settlement).aggregate(
        count=Count("id"), gross=Sum("amount"), commission=Sum("commission")
    )
    if not totals["count"]:
        raise DomainError(
            _("Nothing to settle with %(partner)s from %(start)s to %(end)s.")
            % {
                "partner": partner.name,
                "start": f"{date_from:%d/%m/%Y}",
                "end": f"{date_to:%d/%m/%Y}",
            },
            field="partner",
        )
    settlement.bill_count = totals["count"]
    settlement.gross = totals["gross"] or 0
    settlement.commission = totals["commission"] or 0
    settlement.net = settlement.gross - settlement.commission
    if settlement.net > 0:
        settlement.entry = ledger.entry_post(
            actor=actor,
            idempotency_key=settlement_key(settlement),
            kind=EntryKind.COLLECTION_SETTLEMENT,
            reference=f"settlement:{settlement.reference}",
            legs=[
                ledger.Leg(
                    ledger.account_for_partner(province, partner.code),
                    ledger.account_for_bank(province, partner.bank),
                    settlement.net,
                )
            ],
            province_code=province,
            business_date=on,
            late=on is not None,
            memo=(note or settlement.reference)[:500],
        )
    settlement.save(update_fields=["bill_count", "gross", "commission", "net", "entry"])
    return settlement
