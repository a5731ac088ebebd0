"""Reads of bill collection, always through the reader's scope.

- Partners: seen by the staff of their province (a clerk chooses them at the counter) and by
  anyone whose scope holds the provincial post.
- Bills: by counter clerks (of their own point only), accountants, directors, auditors and
  administrators whose unit subtree holds the bill's point. Outside it a bill is not found.
- Settlements: by accountants, directors, auditors and administrators whose scope holds the
  provincial post.
- The reconciliation compares, per partner and business day, the bills with what the ledger
  holds on the partner's payable account (the entries of kind ``collection`` and their
  reversals), at the points the reader may see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from buudien.collection.choices import BillStatus
from buudien.collection.models import Bill, Partner, Settlement
from buudien.core.errors import DomainError, NotFound
from buudien.core.text import fold
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import Account, Transfer
from buudien.network.choices import UnitKind
from buudien.network.models import ServicePoint, Unit
from buudien.people import access
from buudien.people.choices import Role

READER_ROLES = frozenset({Role.CLERK, Role.ACCOUNTANT, Role.DIRECTOR, Role.AUDITOR, Role.ADMIN})
OFFICE_ROLES = frozenset({Role.ACCOUNTANT, Role.DIRECTOR, Role.AUDITOR, Role.ADMIN})
MAX_RANGE_DAYS = 400


def can_read(user: Any) -> bool:
    return access.has_role(user, READER_ROLES)


def can_read_office(user: Any) -> bool:
    """Settlements and partners' figures: the provincial office's readers."""
    return access.has_role(user, OFFICE_ROLES)


def user_province_code(user: Any) -> str:
    point = getattr(user, "point", None)
    if point is not None:
        return str(point.province_code)
    unit = getattr(user, "unit", None)
    return str(unit.province_code or "") if unit is not None else ""


def provinces_in_scope(user: Any) -> list[str]:
    """Province codes whose provincial post lies in ``user``'s scope."""
    if not getattr(user, "is_authenticated", False):
        return []
    return sorted(
        set(
            Unit.objects.filter(kind=UnitKind.PROVINCE)
            .filter(access.scope_q(user, "path"))
            .values_list("province_code", flat=True)
        )
    )


def _partner_provinces(user: Any) -> list[str]:
    if not access.has_role(user, READER_ROLES):
        return []
    provinces = set(provinces_in_scope(user))
    own = user_province_code(user)
    if own:
        provinces.add(own)
    return sorted(provinces)


# --- partners ----------------------------------------------------------------------------


def partner_list(
    *,
    user: Any,
    province_code: str = "",
    q: str = "",
    kind: str = "",
    active: bool | None = None,
) -> QuerySet[Partner]:
    partners = Partner.objects.filter(province_code__in=_partner_provinces(user))
    if province_code:
        partners = partners.filter(province_code=province_code)
    if q:
        partners = partners.filter(name_folded__contains=fold(q.replace("\x00", "")))
    if kind:
        partners = partners.filter(kind=kind)
    if active is not None:
        partners = partners.filter(active=active)
    return partners.order_by("province_code", "name")


def partner_get(
    *, user: Any, pk: int | None = None, code: str = "", province_code: str = ""
) -> Partner:
    partners = partner_list(user=user)
    if pk is not None:
        found = partners.filter(pk=pk).first()
    else:
        found = partners.filter(
            province_code=province_code or user_province_code(user), code=code
        ).first()
    if found is None:
        raise NotFound(_("No such partner."))
    return found


def partner_choices(*, user: Any, province_code: str) -> QuerySet[Partner]:
    """The active partners a clerk collects for."""
    return partner_list(user=user, province_code=province_code, active=True)


# --- bills -------------------------------------------------------------------------------


def bills_visible(user: Any) -> QuerySet[Bill]:
    if not can_read(user):
        return Bill.objects.none()
    bills = Bill.objects.filter(access.scope_q(user, "point__unit_path"))
    if getattr(user, "point_id", None) is not None and not user.is_superuser:
        bills = bills.filter(point_id=user.point_id)
    return bills


def bill_list(
    *,
    user: Any,
    point: ServicePoint | str | None = None,
    day: dt.date | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    partner: Partner | None = None,
    status: str = "",
    method: str = "",
    q: str = "",
) -> QuerySet[Bill]:
    """Bills in the user's scope, newest first. ``day`` and the range are of the day the bill
    was created at the counter (a bill awaiting its transfer has no business day yet)."""
    bills = bills_visible(user).select_related("partner", "point", "collected_by", "settlement")
    if isinstance(point, ServicePoint):
        bills = bills.filter(point=point)
    elif point:
        bills = bills.filter(point__code=point)
    if day is not None:
        bills = bills.filter(created_at__date=day)
    if date_from is not None:
        bills = bills.filter(created_at__date__gte=date_from)
    if date_to is not None:
        bills = bills.filter(created_at__date__lte=date_to)
    if partner is not None:
        bills = bills.filter(partner=partner)
    if status:
        bills = bills.filter(status=status)
    if method:
        bills = bills.filter(method=method)
    if q:
        text = q.strip().replace("\x00", "")
        bills = bills.filter(Q(reference=text.upper()) | Q(customer_folded__contains=fold(text)))
    return bills.order_by("-created_at", "-id")


def bill_get(*, user: Any, reference: str) -> Bill:
    text = str(reference or "").strip().upper()[:32]
    bill = (
        bills_visible(user)
        .select_related("partner", "point", "point__unit", "collected_by", "settlement")
        .filter(reference=text)
        .first()
    )
    if bill is None:
        raise NotFound(_("No such bill."), field="reference")
    return bill


@dataclass
class DayTotals:
    count: int = 0
    cash: int = 0
    transfer: int = 0
    pending: int = 0
    cancelled: int = 0
    commission: int = 0


def day_totals(bills: QuerySet[Bill]) -> DayTotals:
    """What a counter took: collected bills by payment, pending and cancelled ones."""
    totals = DayTotals()
    rows = (
        bills.order_by()
        .values("status", "method")
        .annotate(
            n=Count("id"),
            amounts=Sum("amount"),
            fee=Sum("fee"),
            vat=Sum("fee_vat"),
            c=Sum("commission"),
        )
    )
    for row in rows:
        money = (row["amounts"] or 0) + (row["fee"] or 0) + (row["vat"] or 0)
        if row["status"] == BillStatus.COLLECTED:
            totals.count += row["n"]
            totals.commission += row["c"] or 0
            if row["method"] == "cash":
                totals.cash += money
            else:
                totals.transfer += money
        elif row["status"] == BillStatus.PENDING:
            totals.pending += row["n"]
        else:
            totals.cancelled += row["n"]
    return totals


# --- settlements -------------------------------------------------------------------------


def settlements_visible(user: Any) -> QuerySet[Settlement]:
    if not can_read_office(user):
        return Settlement.objects.none()
    return Settlement.objects.filter(province_code__in=provinces_in_scope(user))


def settlement_list(
    *,
    user: Any,
    partner: Partner | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Settlement]:
    rows = settlements_visible(user).select_related("partner", "entry", "created_by")
    if partner is not None:
        rows = rows.filter(partner=partner)
    if date_from is not None:
        rows = rows.filter(date_to__gte=date_from)
    if date_to is not None:
        rows = rows.filter(date_from__lte=date_to)
    return rows.order_by("-date_to", "-id")


def settlement_get(*, user: Any, pk: int) -> Settlement:
    found = settlement_list(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such settlement."))
    return found


@dataclass
class Preview:
    count: int
    gross: int
    commission: int

    @property
    def net(self) -> int:
        return self.gross - self.commission


def settlement_preview(partner: Partner, date_from: dt.date, date_to: dt.date) -> Preview:
    """What settling ``partner`` for the range would pay, now."""
    totals = (
        Bill.objects.filter(
            partner=partner,
            status=BillStatus.COLLECTED,
            settlement__isnull=True,
            business_date__gte=date_from,
            business_date__lte=date_to,
        )
        .order_by()
        .aggregate(n=Count("id"), gross=Sum("amount"), commission=Sum("commission"))
    )
    return Preview(totals["n"] or 0, totals["gross"] or 0, totals["commission"] or 0)


def bank_balance(province_code: str, bank: str) -> int | None:
    """The balance of the post's bank account ``1121.<bank>`` (None if it does not exist)."""
    return (
        Account.objects.filter(province_code=province_code, code=f"{ledger.BANK_PREFIX}{bank}")
        .values_list("balance", flat=True)
        .first()
    )


# --- reconciliation ----------------------------------------------------------------------


@dataclass
class ReconRow:
    """One partner's day: the bills, and what the ledger holds on its payable account."""

    day: dt.date
    partner: Partner | None
    count: int = 0
    gross: int = 0
    commission: int = 0
    fees: int = 0
    cancelled: int = 0
    settled_count: int = 0
    settled_net: int = 0
    ledger_gross: int = 0
    ledger_commission: int = 0

    @property
    def net(self) -> int:
        return self.gross - self.commission

    @property
    def ledger_net(self) -> int:
        return self.ledger_gross - self.ledger_commission

    @property
    def difference(self) -> int:
        """Bills minus ledger, on what the partner is owed; zero when they agree."""
        return self.net - self.ledger_net

    @property
    def matches(self) -> bool:
        return self.gross == self.ledger_gross and self.commission == self.ledger_commission

    @property
    def unsettled_net(self) -> int:
        return self.net - self.settled_net

    @property
    def settled(self) -> bool:
        return self.count > 0 and self.settled_count == self.count

    def add(self, other: ReconRow) -> None:
        for name in (
            "count",
            "gross",
            "commission",
            "fees",
            "cancelled",
            "settled_count",
            "settled_net",
            "ledger_gross",
            "ledger_commission",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Reconciliation:
    province_code: str
    date_from: dt.date
    date_to: dt.date
    partner: Partner | None
    unit: Unit | None
    rows: list[ReconRow] = field(default_factory=list)
    totals: ReconRow | None = None

    @property
    def differences(self) -> int:
        return sum(1 for row in self.rows if not row.matches)


def _unit_for(user: Any, unit: Unit | str | None) -> Unit | None:
    if unit is None or unit == "":
        return None
    found = unit if isinstance(unit, Unit) else Unit.objects.filter(code=str(unit)).first()
    if found is None or not access.in_scope(user, found.path):
        raise NotFound(_("No such unit."), field="unit")
    return found


def check_range(date_from: dt.date, date_to: dt.date) -> None:
    if date_to < date_from:
        raise DomainError(_("The range ends before it starts."), field="date_to")
    if (date_to - date_from).days > MAX_RANGE_DAYS:
        raise DomainError(
            _("A reconciliation covers at most %(days)s days.") % {"days": MAX_RANGE_DAYS},
            field="date_from",
        )


def reconciliation(
    *,
    user: Any,
    province_code: str,
    date_from: dt.date,
    date_to: dt.date,
    partner: Partner | None = None,
    unit: Unit | str | None = None,
) -> Reconciliation:
    """Per partner and business day: the bills collected (count, amount, commission, fees,
    what the partner is owed, how much of it is settled), beside the same figures read from
    the ledger's transfers on the partners' payable accounts, at the points the reader may
    see (within ``unit`` when given)."""
    if not can_read(user):
        raise NotFound(_("No such province."))
    if not province_code:
        raise DomainError(_("Say which province: province=NN."), field="province")
    if not (len(province_code) == 2 and province_code.isascii() and province_code.isdigit()):
        raise NotFound(_("No such province."))
    check_range(date_from, date_to)
    within = _unit_for(user, unit)
    partners = {
        p.pk: p
        for p in Partner.objects.filter(province_code=province_code).filter(
            pk__in=partner_list(user=user).values("pk")
        )
        if partner is None or p.pk == partner.pk
    }
    report = Reconciliation(province_code, date_from, date_to, partner, within)
    if not partners:
        report.totals = ReconRow(date_from, partner)
        return report
    rows: dict[tuple[dt.date, int], ReconRow] = {}

    def row(day: dt.date, partner_id: int) -> ReconRow:
        key = (day, partner_id)
        if key not in rows:
            rows[key] = ReconRow(day, partners[partner_id])
        return rows[key]

    bills = bills_visible(user).filter(
        province_code=province_code,
        partner_id__in=list(partners),
        business_date__gte=date_from,
        business_date__lte=date_to,
        status__in=[BillStatus.COLLECTED, BillStatus.CANCELLED],
    )
    if within is not None:
        bills = bills.filter(point__unit_path__startswith=within.path)
    grouped = (
        bills.order_by()
        .values("business_date", "partner_id", "status")
        .annotate(
            settled=Count("settlement_id"),
            n=Count("id"),
            gross=Sum("amount"),
            commission=Sum("commission"),
            fee=Sum("fee"),
            vat=Sum("fee_vat"),
        )
    )
    for item in grouped:
        assert item["business_date"] is not None
        line = row(item["business_date"], item["partner_id"])
        if item["status"] == BillStatus.CANCELLED:
            line.cancelled += item["n"]
            continue
        line.count += item["n"]
        line.gross += item["gross"] or 0
        line.commission += item["commission"] or 0
        line.fees += (item["fee"] or 0) + (item["vat"] or 0)
        line.settled_count += item["settled"]
    settled = (
        bills.filter(status=BillStatus.COLLECTED, settlement__isnull=False)
        .order_by()
        .values("business_date", "partner_id")
        .annotate(gross=Sum("amount"), commission=Sum("commission"))
    )
    for paid in settled:
        assert paid["business_date"] is not None
        line = row(paid["business_date"], paid["partner_id"])
        line.settled_net += (paid["gross"] or 0) - (paid["commission"] or 0)

    # The ledger: transfers on the partners' payable accounts by collection entries and
    # their reversals, at the points in the reader's scope.
    by_code = {f"{ledger.PARTNER_PREFIX}{p.code}": p.pk for p in partners.values()}
    accounts = dict(
        Account.objects.filter(province_code=province_code, code__in=list(by_code)).values_list(
            "pk", "code"
        )
    )
    payable = {pk: by_code[code] for pk, code in accounts.items()}
    revenue = (
        Account.objects.filter(
            province_code=province_code, code=f"{ledger.REVENUE_PREFIX}collection"
        )
        .values_list("pk", flat=True)
        .first()
    )
    if payable:
        transfers = Transfer.objects.filter(
            province_code=province_code,
            business_date__gte=date_from,
            business_date__lte=date_to,
        ).filter(Q(debit_id__in=list(payable)) | Q(credit_id__in=list(payable)))
        transfers = transfers.filter(
            Q(entry__kind=EntryKind.COLLECTION)
            | Q(entry__kind=EntryKind.REVERSAL, entry__reverses__kind=EntryKind.COLLECTION)
        ).filter(access.scope_q(user, "point__unit_path"))
        if getattr(user, "point_id", None) is not None and not user.is_superuser:
            transfers = transfers.filter(point_id=user.point_id)
        if within is not None:
            transfers = transfers.filter(point__unit_path__startswith=within.path)
        sums = (
            transfers.order_by()
            .values("business_date", "debit_id", "credit_id")
            .annotate(total=Sum("amount"))
        )
        for item in sums:
            debit, credit, total = item["debit_id"], item["credit_id"], item["total"] or 0
            if credit in payable:
                line = row(item["business_date"], payable[credit])
                if debit == revenue:
                    line.ledger_commission -= total
                else:
                    line.ledger_gross += total
            if debit in payable:
                line = row(item["business_date"], payable[debit])
                if credit == revenue:
                    line.ledger_commission += total
                else:
                    line.ledger_gross -= total

    report.rows = sorted(
        rows.values(), key=lambda r: (r.day, r.partner.name_folded if r.partner else "")
    )
    totals = ReconRow(date_from, partner)
    for line in report.rows:
        totals.add(line)
    report.totals = totals
    return report


def units_for_filter(user: Any, province_code: str) -> QuerySet[Unit]:
    """Units of the province in the user's scope, for the reconciliation's unit filter."""
    return (
        Unit.objects.filter(province_code=province_code)
        .filter(access.scope_q(user, "path"))
        .exclude(kind=UnitKind.CORPORATION)
        .order_by("path")
    )
