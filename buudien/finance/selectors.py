"""Reads of the ledger: trial balance, account statement, a point's daily journal.

All of them are scoped by the user: the accounts of points and units in their subtree, and
the province-wide accounts (owned by the provincial post) only for users whose scope holds
the provincial post. Reports read the daily rollups (``DailyBalance``), never a full scan of
the transfers; a statement and a journal read the transfers of one account or one point over
the dates asked for.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from buudien.core.errors import DomainError, NotFound
from buudien.finance.chart import main_account, main_account_name
from buudien.finance.choices import DEBIT_NORMAL
from buudien.finance.models import Account, DailyBalance, Entry, Transfer
from buudien.network import selectors as network_selectors
from buudien.network.choices import UnitKind
from buudien.network.models import ServicePoint, Unit
from buudien.people import access
from buudien.people.choices import Role

# A KT1 item's number (KT000000014VN): the references and memos of entries posted before KT1
# fees were referenced by the item's id carry it.
_KT1_NUMBER = re.compile(r"KT\d{9}[A-Z]{2}")


def kt1_visible(user: Any) -> bool:
    """KT1 operators (and superusers) may read KT1 items' numbers; nobody else."""
    return user is None or bool(
        getattr(user, "is_superuser", False) or getattr(user, "role", "") == Role.KT1_OPERATOR
    )


def kt1_hidden(text: str) -> str:
    return _KT1_NUMBER.sub("KT1", text) if text and "KT" in text else text


def kt1_masked(entry: Entry, user: Any) -> Entry:
    """``entry`` as ``user`` may read it: outside the KT1 role, a KT1 item's number in its
    reference or memo reads "KT1" (in memory only; the ledger is never edited)."""
    if not kt1_visible(user):
        entry.reference, entry.memo = kt1_hidden(entry.reference), kt1_hidden(entry.memo)
    return entry


# A statement page shows at most this many transfers; its totals and closing balance come
# from the rollups and are right whatever the number of lines.
STATEMENT_MAX_LINES = 5_000
# No report covers more than this many days at once.
MAX_RANGE_DAYS = 3_660


def account_scope_q(user: Any, prefix: str = "") -> Q:
    """Accounts ``user`` may see: of points and units in their subtree; province-wide
    accounts (owned by the provincial post) only when their scope holds the provincial post."""
    return access.scope_q(user, f"{prefix}point__unit_path") | (
        Q(**{f"{prefix}point__isnull": True}) & access.scope_q(user, f"{prefix}unit__path")
    )


def user_province_code(user: Any) -> str:
    """The province a user works in, for a default ("" for the corporation and superusers)."""
    unit = getattr(user, "unit", None)
    return (unit.province_code if unit is not None else "") or ""


def province_choices(user: Any) -> list[tuple[str, str]]:
    """The provinces whose ledger ``user`` may read some of, as (code, the provincial post's
    name), by code: those whose provincial post lies in their scope, and the one they work in
    (a clerk reads their own point's accounts there)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    own = access.user_province(user)
    within = access.scope_q(user, "path") | (Q(province_code=own) if own else Q(pk__in=[]))
    provinces = (
        Unit.objects.filter(kind=UnitKind.PROVINCE)
        .exclude(province_code="")
        .filter(within)
        .order_by("province_code")
        .values_list("province_code", "name")
    )
    return list(dict(provinces).items())


def check_range(date_from: dt.date, date_to: dt.date) -> None:
    if date_to < date_from:
        raise DomainError(_("The range ends before it starts."), field="date_to")
    if (date_to - date_from).days > MAX_RANGE_DAYS:
        raise DomainError(
            _("A report covers at most %(days)s days.") % {"days": MAX_RANGE_DAYS},
            field="date_from",
        )


def account_list(*, user: Any, province_code: str) -> QuerySet[Account]:
    return (
        Account.objects.filter(province_code=province_code)
        .filter(account_scope_q(user))
        .select_related("point", "unit")
        .order_by("code")
    )


def account_get(*, user: Any, province_code: str, code: str) -> Account:
    account = account_list(user=user, province_code=province_code).filter(code=code).first()
    if account is None:
        raise NotFound(
            _("No account %(code)s in province %(province)s.")
            % {"code": code, "province": province_code or "-"}
        )
    return account


def _signed(account: Account, debits: int, credits: int) -> int:
    """The movement on the account's normal side."""
    return debits - credits if account.kind in DEBIT_NORMAL else credits - debits


# --- trial balance ---------------------------------------------------------------------------


@dataclass
class TrialBalanceRow:
    """One account's line, in the six columns of a trial balance: a debit balance is shown in
    the debit column, a credit balance in the credit column."""

    account: Account | None
    opening_debit: int = 0
    opening_credit: int = 0
    debit: int = 0
    credit: int = 0
    closing_debit: int = 0
    closing_credit: int = 0
    transfers: int = 0

    @property
    def account_code(self) -> str:
        return self.account.code if self.account is not None else ""

    def add(self, other: TrialBalanceRow) -> None:
        self.opening_debit += other.opening_debit
        self.opening_credit += other.opening_credit
        self.debit += other.debit
        self.credit += other.credit
        self.closing_debit += other.closing_debit
        self.closing_credit += other.closing_credit
        self.transfers += other.transfers

    @property
    def amounts(self) -> list[int]:
        """The six columns, in their order on the page and in the workbook."""
        return [
            self.opening_debit,
            self.opening_credit,
            self.debit,
            self.credit,
            self.closing_debit,
            self.closing_credit,
        ]


@dataclass
class TrialBalanceGroup:
    """The accounts of one main account of the chart (``111``: every drawer's ``1111.…``) and
    their subtotal: each column summed, a debit balance and a credit balance side by side
    (131 may owe on one partner and be owed on another)."""

    code: str
    name: str
    rows: list[TrialBalanceRow]
    subtotal: TrialBalanceRow

    @property
    def detailed(self) -> bool:
        """Whether the group has detail to show below its subtotal: not when its one
        account is the main account itself (``411``), whose line the subtotal already is."""
        return not (len(self.rows) == 1 and self.rows[0].account_code == self.code)


@dataclass
class TrialBalance:
    province_code: str
    date_from: dt.date
    date_to: dt.date
    rows: list[TrialBalanceRow]
    totals: TrialBalanceRow
    complete: bool = field(default=True)
    province_name: str = ""
    groups: list[TrialBalanceGroup] = field(default_factory=list)

    @property
    def place(self) -> str:
        """Where the report is signed: "Bưu điện tỉnh Lạng Sơn" is signed in "Lạng Sơn"."""
        name = self.province_name.strip()
        for prefix in ("bưu điện tỉnh ", "bưu điện thành phố "):
            if name.lower().startswith(prefix):
                return name[len(prefix) :].strip()
        return name

    @property
    def balanced(self) -> bool:
        """Debits equal credits in each pair of columns: the ledger sums to zero."""
        t = self.totals
        return (
            t.opening_debit == t.opening_credit
            and t.debit == t.credit
            and t.closing_debit == t.closing_credit
        )


def _split(net: int) -> tuple[int, int]:
    """A debit-minus-credit figure as (debit column, credit column)."""
    return (net, 0) if net >= 0 else (0, -net)


def trial_balance(
    *, user: Any, province_code: str, date_from: dt.date, date_to: dt.date
) -> TrialBalance:
    """Opening balance, debits and credits of the range, closing balance, per account the
    user may see. ``complete`` says whether the user sees the whole province (then the
    totals balance); a user who sees a part sees that part's figures only."""
    check_range(date_from, date_to)
    accounts = {a.pk: a for a in account_list(user=user, province_code=province_code)}
    rollups = DailyBalance.objects.filter(
        province_code=province_code, account_id__in=list(accounts)
    )
    opening = {
        row["account_id"]: row["net"]
        for row in rollups.filter(date__lt=date_from)
        .values("account_id")
        .annotate(net=Sum("debit_total") - Sum("credit_total"))
        .order_by()
    }
    period = {
        row["account_id"]: (row["d"], row["c"], row["n"])
        for row in rollups.filter(date__gte=date_from, date__lte=date_to)
        .values("account_id")
        .annotate(d=Sum("debit_total"), c=Sum("credit_total"), n=Sum("transfer_count"))
        .order_by()
    }
    rows: list[TrialBalanceRow] = []
    totals = TrialBalanceRow(account=None)
    for pk, account in accounts.items():  # ordered by code
        before = opening.get(pk, 0) or 0
        debit, credit, count = period.get(pk, (0, 0, 0))
        if not before and not count:
            continue
        opening_debit, opening_credit = _split(before)
        closing_debit, closing_credit = _split(before + debit - credit)
        row = TrialBalanceRow(
            account=account,
            opening_debit=opening_debit,
            opening_credit=opening_credit,
            debit=debit,
            credit=credit,
            closing_debit=closing_debit,
            closing_credit=closing_credit,
            transfers=count,
        )
        rows.append(row)
        totals.add(row)
    path, name = (
        Unit.objects.filter(kind=UnitKind.PROVINCE, province_code=province_code)
        .values_list("path", "name")
        .first()
    ) or (None, "")
    complete = path is not None and access.in_scope(user, path)
    return TrialBalance(
        province_code,
        date_from,
        date_to,
        rows,
        totals,
        complete,
        province_name=name,
        groups=trial_balance_groups(rows),
    )


def trial_balance_groups(rows: list[TrialBalanceRow]) -> list[TrialBalanceGroup]:
    """``rows`` under their main accounts, in the order of the chart, each with its subtotal:
    the subtotals add up to the totals of ``rows``."""
    groups: dict[str, TrialBalanceGroup] = {}
    for row in rows:
        code = main_account(row.account_code)
        group = groups.get(code)
        if group is None:
            name = main_account_name(code)
            group = groups[code] = TrialBalanceGroup(code, name, [], TrialBalanceRow(None))
        group.rows.append(row)
        group.subtotal.add(row)
    return [groups[code] for code in sorted(groups)]


# --- account statement -----------------------------------------------------------------------


@dataclass
class StatementLine:
    transfer_id: int
    business_date: dt.date
    entry: Entry
    other: Account
    debit: int
    credit: int
    balance: int
    service: str


@dataclass
class Statement:
    """An account's movements over a range, on its normal side (see ``Account.balance``)."""

    account: Account
    date_from: dt.date
    date_to: dt.date
    opening: int
    lines: list[StatementLine]
    debit_total: int
    credit_total: int
    closing: int
    truncated: bool


def _rollup_sums(account: Account, **dates: Any) -> tuple[int, int]:
    sums = DailyBalance.objects.filter(
        province_code=account.province_code, account=account, **dates
    ).aggregate(d=Sum("debit_total"), c=Sum("credit_total"))
    return sums["d"] or 0, sums["c"] or 0


def account_statement(
    *, user: Any, province_code: str, code: str, date_from: dt.date, date_to: dt.date
) -> Statement:
    """Opening balance, the transfers of the range with the running balance, closing."""
    check_range(date_from, date_to)
    account = account_get(user=user, province_code=province_code, code=code)
    opening = _signed(account, *_rollup_sums(account, date__lt=date_from))
    debit_total, credit_total = _rollup_sums(account, date__gte=date_from, date__lte=date_to)
    transfers = (
        Transfer.objects.filter(province_code=province_code, business_date__gte=date_from)
        .filter(business_date__lte=date_to)
        .filter(Q(debit=account) | Q(credit=account))
        .select_related("entry", "debit", "credit")
        .order_by("business_date", "entry_id", "id")[: STATEMENT_MAX_LINES + 1]
    )
    lines: list[StatementLine] = []
    balance = opening
    for transfer in transfers:
        if len(lines) == STATEMENT_MAX_LINES:
            break
        is_debit = transfer.debit_id == account.pk
        debit, credit = (transfer.amount, 0) if is_debit else (0, transfer.amount)
        balance += _signed(account, debit, credit)
        lines.append(
            StatementLine(
                transfer_id=transfer.pk,
                business_date=transfer.business_date,
                entry=kt1_masked(transfer.entry, user),
                other=transfer.credit if is_debit else transfer.debit,
                debit=debit,
                credit=credit,
                balance=balance,
                service=transfer.service,
            )
        )
    return Statement(
        account=account,
        date_from=date_from,
        date_to=date_to,
        opening=opening,
        lines=lines,
        debit_total=debit_total,
        credit_total=credit_total,
        closing=opening + _signed(account, debit_total, credit_total),
        truncated=len(transfers) > STATEMENT_MAX_LINES,
    )


# --- a point's daily journal -----------------------------------------------------------------


@dataclass
class JournalEntry:
    entry: Entry
    transfers: list[Transfer]

    @property
    def total(self) -> int:
        return sum(t.amount for t in self.transfers)


@dataclass
class Journal:
    point: ServicePoint
    day: dt.date
    entries: list[JournalEntry]
    drawer: Account | None
    drawer_opening: int
    drawer_in: int
    drawer_out: int

    @property
    def drawer_closing(self) -> int:
        return self.drawer_opening + self.drawer_in - self.drawer_out


def point_journal(*, user: Any, point_code: str, day: dt.date) -> Journal:
    """Every entry of ``day`` that touches the accounts of a point (its drawer ...) or was
    made at it, with its transfers, and what went into and out of the point's drawer."""
    point = network_selectors.point_get(user=user, code=point_code)
    own = list(Account.objects.filter(point=point).order_by("code"))
    ids = [a.pk for a in own]
    transfers = (
        Transfer.objects.filter(province_code=point.province_code, business_date=day)
        .filter(Q(point=point) | Q(debit_id__in=ids) | Q(credit_id__in=ids))
        .select_related("entry", "entry__created_by", "debit", "credit")
        .order_by("entry_id", "id")
    )
    grouped: dict[int, JournalEntry] = {}
    for transfer in transfers:
        item = grouped.get(transfer.entry_id)
        if item is None:
            entry = kt1_masked(transfer.entry, user)
            item = grouped[transfer.entry_id] = JournalEntry(entry, [])
        item.transfers.append(transfer)
    drawer = next((a for a in own if a.code.startswith("1111.")), None)
    opening = drawer_in = drawer_out = 0
    if drawer is not None:
        opening = _signed(drawer, *_rollup_sums(drawer, date__lt=day))
        drawer_in, drawer_out = _rollup_sums(drawer, date=day)
    return Journal(point, day, list(grouped.values()), drawer, opening, drawer_in, drawer_out)


# --- a drawer's cash day by day ------------------------------------------------------------


@dataclass
class DrawerDays:
    """What a point's drawer gained or lost on each day it moved (by business date), from the
    ledger's daily rollups.

    The ledger refuses a posting that would take a drawer below zero *now*; a posting dated in
    the past (a late one) also changes every day after its date, and none of those may end
    below zero either. ``spendable(day)`` is what can leave the drawer on ``day`` so that no
    day from then on ends below zero; ``take``/``put`` keep the calendar in step with
    postings planned but not yet made."""

    net: dict[dt.date, int] = field(default_factory=dict)

    def spendable(self, day: dt.date) -> int:
        running = sum(amount for on, amount in self.net.items() if on < day)
        lowest = running + self.net.get(day, 0)
        for on in sorted(on for on in self.net if on >= day):
            running += self.net[on]
            lowest = min(lowest, running)
        return max(0, lowest)

    def take(self, day: dt.date, amount: int) -> None:
        self.net[day] = self.net.get(day, 0) - amount

    def put(self, day: dt.date, amount: int) -> None:
        self.net[day] = self.net.get(day, 0) + amount


def drawer_days(*, point: ServicePoint) -> DrawerDays:
    """The drawer of ``point`` day by day, as posted so far (empty for a point without one)."""
    rows = DailyBalance.objects.filter(
        province_code=point.province_code, account__point=point, account__code__startswith="1111."
    ).values_list("date", "debit_total", "credit_total")
    return DrawerDays({on: debits - credits for on, debits, credits in rows})


def drawer_spendable(*, point: ServicePoint, day: dt.date) -> int:
    """What the drawer of ``point`` can pay out on ``day`` without that day, or any day after
    it, ending below zero."""
    return drawer_days(point=point).spendable(day)
