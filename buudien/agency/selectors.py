"""Reads of the agency services, scoped by the user: what happened at the points of their
unit's subtree. Outside it an operation is "not found".

- ``savings_mobilised``: the balance mobilised per point (số dư huy động: deposits minus
  withdrawals made through the post up to a day), for the points of a unit's subtree;
- ``monthly_counts``: payment accounts opened (or loan applications referred) per point and
  month of a year.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth
from django.utils.translation import gettext as _

from buudien.agency.choices import RemittanceStatus, SavingsKind
from buudien.agency.models import (
    LoanReferral,
    LoanRepayment,
    PaymentAccount,
    Remittance,
    SavingsBook,
    SavingsTransaction,
)
from buudien.agency.services import (
    PREFIX_ACCOUNT,
    PREFIX_LOAN,
    PREFIX_PAYOUT,
    PREFIX_REFERRAL,
    PREFIX_REMITTANCE,
    PREFIX_SAVINGS,
)
from buudien.core.errors import DomainError, NotFound
from buudien.core.text import fold
from buudien.counter.models import CounterOperation
from buudien.network.models import ServicePoint, Unit
from buudien.people import access

MIN_YEAR, MAX_YEAR = 2000, 2100


def _point_scope(user: Any, prefix: str = "") -> Q:
    return access.scope_q(user, f"{prefix}point__unit_path")


def operations_visible[M: CounterOperation](user: Any, model: type[M]) -> QuerySet[M]:
    """Operations taken at points of ``user``'s scope."""
    return model._default_manager.filter(_point_scope(user)).select_related("point", "created_by")


def remittances_visible(user: Any) -> QuerySet[Remittance]:
    """Remittances sent from, or to be paid at, a point of ``user``'s scope."""
    sent = _point_scope(user)
    if not sent:  # a superuser: Q() | Q(x) would narrow it to x
        return Remittance.objects.all()
    return Remittance.objects.filter(sent | _point_scope(user, "destination_"))


# --- one operation ---------------------------------------------------------------------------


def operation_get(*, user: Any, reference: str) -> Any:
    """The operation of a receipt's reference, if ``user`` may see it: a savings deposit or
    withdrawal (TK…), a loan repayment (TD…), a loan referral (HS…), a payment account (TT…),
    a remittance as sent (CT…, only for its sending side: it carries the payment code) or
    as paid (TC…, for its paying side)."""
    text = str(reference or "").strip().upper()[:24]
    models: dict[str, Any] = {
        PREFIX_SAVINGS: SavingsTransaction,
        PREFIX_LOAN: LoanRepayment,
        PREFIX_REFERRAL: LoanReferral,
        PREFIX_ACCOUNT: PaymentAccount,
        PREFIX_REMITTANCE: Remittance,
    }
    found: Any = None
    if text[:2] in models:
        found = operations_visible(user, models[text[:2]]).filter(reference=text).first()
    elif text[:2] == PREFIX_PAYOUT:
        found = (
            Remittance.objects.filter(_point_scope(user, "paid_"), paid_reference=text)
            .select_related("point", "paid_point", "paid_by", "destination_point")
            .first()
        )
    if found is None:
        raise NotFound(_("No such operation."))
    return found


def book_get(*, user: Any, number: str) -> SavingsBook:
    book = (
        SavingsBook.objects.filter(_point_scope(user), number=str(number).strip().upper()[:20])
        .select_related("point")
        .first()
    )
    if book is None:
        raise NotFound(_("No such savings book."))
    return book


def book_transactions(book: SavingsBook) -> QuerySet[SavingsTransaction]:
    return book.transactions.select_related("point", "created_by").order_by("created_at", "id")


def books_search(*, user: Any, q: str, limit: int = 50) -> list[SavingsBook]:
    """Books of the user's scope by number, holder's name (diacritics ignored) or citizen ID."""
    text = (q or "").strip()[:60]
    books = SavingsBook.objects.filter(_point_scope(user)).select_related("point")
    if text:
        folded = fold(text)
        books = books.filter(
            Q(number__startswith=text.upper())
            | Q(citizen_id=text)
            | Q(holder_folded__contains=folded)
        )
    return list(books.order_by("-created_at", "-id")[:limit])


def remittances_to_pay(*, user: Any, point: ServicePoint | None) -> QuerySet[Remittance]:
    """Remittances waiting to be paid at ``point`` (one the user may see)."""
    if point is None or not access.in_scope(user, point.unit_path):
        return Remittance.objects.none()
    return (
        Remittance.objects.filter(destination_point=point, status=RemittanceStatus.SENT)
        .select_related("point")
        .order_by("created_at", "id")
    )


@dataclass
class DayOperation:
    reference: str
    kind: str
    party: str
    amount: int
    at: dt.datetime


def operations_of_day(*, user: Any, point: ServicePoint, day: dt.date) -> list[DayOperation]:
    """Everything taken at ``point`` on ``day``, newest first (for the counter's hub)."""
    if not access.in_scope(user, point.unit_path):
        return []
    rows: list[DayOperation] = []
    same = {"point": point, "business_date": day}
    for tx in SavingsTransaction.objects.filter(**same).select_related("book"):
        rows.append(
            DayOperation(
                tx.reference, tx.get_kind_display(), tx.book.holder_name, tx.amount, tx.created_at
            )
        )
    for loan in LoanRepayment.objects.filter(**same):
        rows.append(
            DayOperation(
                loan.reference,
                _("Loan repayment"),
                loan.borrower_name,
                loan.amount,
                loan.created_at,
            )
        )
    for ref in LoanReferral.objects.filter(**same):
        rows.append(
            DayOperation(
                ref.reference,
                _("Loan application referred"),
                ref.applicant_name,
                ref.amount_requested,
                ref.created_at,
            )
        )
    for acc in PaymentAccount.objects.filter(**same):
        rows.append(
            DayOperation(
                acc.reference,
                _("Payment account opened"),
                acc.customer_name,
                acc.commission,
                acc.created_at,
            )
        )
    for rem in Remittance.objects.filter(**same):
        rows.append(
            DayOperation(
                rem.reference, _("Remittance sent"), rem.sender_name, rem.amount, rem.created_at
            )
        )
    for rem in Remittance.objects.filter(paid_point=point, paid_date=day):
        rows.append(
            DayOperation(
                rem.paid_reference,
                _("Remittance paid"),
                rem.recipient_name,
                rem.amount,
                rem.paid_at or rem.created_at,
            )
        )
    rows.sort(key=lambda r: r.at, reverse=True)
    return rows


# --- figures ---------------------------------------------------------------------------------


def unit_for(*, user: Any, code: str | None) -> Unit | None:
    """The unit ``code`` if ``user`` may see it; None for "all I may see"."""
    if not code:
        return None
    unit = Unit.objects.filter(code=str(code)[:32]).first()
    if unit is None or not access.in_scope(user, unit.path):
        raise NotFound(_("No such unit."), field="unit")
    return unit


def _points_of(user: Any, unit: Unit | None) -> Q:
    q = _point_scope(user)
    if unit is not None:
        q &= Q(point__unit_path__startswith=unit.path)
    return q


@dataclass
class MobilisedRow:
    point: ServicePoint
    deposits: int = 0
    withdrawals: int = 0
    books: int = 0

    @property
    def balance(self) -> int:
        return self.deposits - self.withdrawals


@dataclass
class Mobilised:
    on: dt.date
    unit: Unit | None
    rows: list[MobilisedRow] = field(default_factory=list)

    @property
    def deposits(self) -> int:
        return sum(r.deposits for r in self.rows)

    @property
    def withdrawals(self) -> int:
        return sum(r.withdrawals for r in self.rows)

    @property
    def balance(self) -> int:
        return self.deposits - self.withdrawals

    @property
    def books(self) -> int:
        return sum(r.books for r in self.rows)


def savings_mobilised(*, user: Any, on: dt.date, unit: Unit | None = None) -> Mobilised:
    """The balance mobilised at each point of ``unit``'s subtree (of the user's scope) as at
    the end of ``on``: the deposits taken minus the withdrawals paid up to that day, with the
    books opened there by then. Points with none are left out."""
    where = _points_of(user, unit)
    sums = (
        SavingsTransaction.objects.filter(where, business_date__lte=on)
        .values("point_id")
        .annotate(
            deposits=Sum("amount", filter=Q(kind=SavingsKind.DEPOSIT)),
            withdrawals=Sum("amount", filter=Q(kind=SavingsKind.WITHDRAWAL)),
        )
        .order_by()
    )
    books = dict(
        SavingsBook.objects.filter(where, opened_on__lte=on)
        .values("point_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("point_id", "n")
    )
    totals: dict[int, tuple[int, int]] = {
        row["point_id"]: (row["deposits"] or 0, row["withdrawals"] or 0) for row in sums
    }
    ids = set(totals) | set(books)
    points = ServicePoint.objects.in_bulk(ids)
    rows = [
        MobilisedRow(
            point=points[pk],
            deposits=totals.get(pk, (0, 0))[0],
            withdrawals=totals.get(pk, (0, 0))[1],
            books=books.get(pk, 0),
        )
        for pk in ids
    ]
    rows.sort(key=lambda r: r.point.code)
    return Mobilised(on=on, unit=unit, rows=rows)


@dataclass
class MonthlyRow:
    point: ServicePoint
    months: list[int]

    @property
    def total(self) -> int:
        return sum(self.months)


@dataclass
class MonthlyCounts:
    year: int
    unit: Unit | None
    rows: list[MonthlyRow]

    @property
    def months(self) -> list[int]:
        return [sum(r.months[i] for r in self.rows) for i in range(12)]

    @property
    def total(self) -> int:
        return sum(r.total for r in self.rows)


def check_year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DomainError(
            _("Choose a year from %(a)s to %(b)s.") % {"a": MIN_YEAR, "b": MAX_YEAR}, field="year"
        )
    return year


def monthly_counts(
    *,
    user: Any,
    model: type[PaymentAccount] | type[LoanReferral],
    year: int,
    unit: Unit | None = None,
    partner: str = "",
) -> MonthlyCounts:
    """How many ``model`` rows (payment accounts opened, loan applications referred) each
    point of ``unit``'s subtree recorded in each month of ``year``."""
    check_year(year)
    queryset = model._default_manager.filter(
        _points_of(user, unit),
        business_date__gte=dt.date(year, 1, 1),
        business_date__lte=dt.date(year, 12, 31),
    )
    if partner:
        queryset = queryset.filter(partner=partner)
    counted = (
        queryset.annotate(month=ExtractMonth("business_date"))
        .values("point_id", "month")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_point: dict[int, list[int]] = defaultdict(lambda: [0] * 12)
    for row in counted:
        by_point[row["point_id"]][row["month"] - 1] = row["n"]
    points = ServicePoint.objects.in_bulk(list(by_point))
    rows = [MonthlyRow(points[pk], months) for pk, months in by_point.items()]
    rows.sort(key=lambda r: r.point.code)
    return MonthlyCounts(year=year, unit=unit, rows=rows)
