"""The figures an emulation movement judges units and people by (``criteria.CRITERIA``), read
from what the system already keeps, and the ranking an emulation council sees as evidence.

``measure(codes, province=, date_from=, date_to=)`` gives, per criterion code, its value per
unit id (unit criteria) or per person id (person criteria) over the period, both days
included. A unit's figure is that of its subtree (its points, by unit ``path`` prefix). The
units are by default the province's children in force at some time in the period; the
people, its active staff of the roles a criterion concerns (postmen for deliveries, counter
clerks for the counter). Units measured together must not contain one another.

Where each figure comes from (never the raw ledger where a rollup has it):

- ``revenue_plan_pct``: the revenue of the period (the year-end report's actuals:
  ``planning.selectors.Figures``, i.e. the ledger's monthly and daily rollups and the imported
  history) against the unit's revenue plan resolved as the report resolves it (its own row,
  else its lines', else its children's: ``PlanBook``) **pro rata of the days**: the plan of
  each year the period touches × the period's days in that year / the days of that year. So
  100 % means "on track for the year's plan", whatever the length of the period, and a whole
  year is compared with the whole year's plan exactly as in the year-end report. Seasonality
  is not weighed. None without revenue or without a plan for a year the period touches.
- ``revenue_growth_pct``: the same revenue against the same period a year before (the
  report's ``growth_pct``). None without revenue a year before.
- ``on_time_rate``: the % of the items the unit's offices delivered in the period within
  their service's full-course time, from mail's delivery rollup (``DeliveryRollup``), as the
  report's ``quality.on_time_rate``, grouped per office in one query. None when the unit
  delivered nothing.
- ``complaints_per_10000``: the complaints first put in charge of the unit's subtree (care's
  rollup, ``care.figures.CareFigures``, by month of receipt) per 10,000 postal items accepted
  at its points (the report's postal volumes). 0 complaints when customer care has requests
  in the period but none about the unit; None when it has none at all or no item was
  accepted.
- ``cash_differences``: the closings of the drawers of the unit's points (``cashdesk``) in the
  period whose count differs from the ledger (whatever their status), counted.
- ``dossiers_on_time_pct``: the % of the results of administrative dossiers the unit's points
  returned in the period by their promised date (``dossiers.figures.DossierFigures``). None
  when nothing was returned.
- ``accounts_opened``: the payment accounts opened at the unit's points in the period (the
  accounts themselves, ``agency.PaymentAccount``, which are counted even when the partner
  pays no commission and so no entry is posted), plus the imported history of the service
  ``payment_account`` (its volume) for the months before go-live.
- ``deliveries``: the items a postman delivered in the period (days in Vietnam), from the
  delivery rounds: the attempts recorded as delivered on rounds of which they were the
  postman (``DeliveryRound.postman``), items returned to their sender included.
- ``deliveries_on_time_pct``: of those, the items on their way to the recipient (not
  returning to the sender), the % delivered within their service's full-course time: mail's
  rule (the day delivered not after ``add_business_days(accepted_on, full_course_days)``),
  with the business days read once for all the deliveries. None without such a delivery.
- ``counter_transactions``: the customer operations a clerk posted to the ledger in the period
  (entries of the kinds in ``COUNTER_KINDS`` with ``created_by`` the clerk, by business day),
  those reversed since left out.
- ``counter_revenue``: the post's revenue of those same entries (credits to revenue accounts
  less debits to them, in đồng), as the ledger's figures count revenue.

Emulation reads the year-end report's own figures (``planning.selectors``: ``Figures``,
``PlanBook``), so that a council sees the numbers of the report; ``Figures`` is given the
units measured in place of the province's children, one year at a time (it compares a period
within one year with the year before).

One GROUP BY (or a fixed few) per criterion, whatever the number of units or people; the
revenue and the plans are read once for both revenue criteria and the items accepted.
A value without data is None; a count of nothing is 0 (for a person, 0 when their role does
that work, else None). Percentages have one decimal, rates two, money is an int of đồng.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, When
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from buudien.agency.models import PaymentAccount
from buudien.care.figures import CareFigures, per_items
from buudien.cashdesk.models import CashClosing
from buudien.core.bizdays import VIETNAM, business_days_in, local_today, months_later
from buudien.core.catalogue import Line, Service, services_of
from buudien.core.errors import DomainError
from buudien.core.money import format_number, format_percent, format_vnd
from buudien.core.tally import plus
from buudien.core.text import fold
from buudien.dossiers.figures import DossierFigures
from buudien.emulation.criteria import CRITERIA, PERSON, UNIT, Criterion
from buudien.finance.choices import AccountKind, EntryKind
from buudien.finance.models import Entry, Transfer
from buudien.mail.models import DeliveryAttempt, DeliveryRollup
from buudien.mail.operations.choices import AttemptOutcome
from buudien.network.models import ServicePoint, Unit
from buudien.people.choices import Role
from buudien.people.models import User
from buudien.planning.choices import PlanMetric
from buudien.planning.models import RevenueHistory
from buudien.planning.selectors import CURRENT, PREVIOUS, Figures, PlanBook, growth, pct

Value = int | float | None
DASH = "—"  # a value without data, on a page
POSTAL_SERVICES = services_of(Line.POSTAL)
# The digits a value of each kind is rounded to.
DIGITS = {"pct": 1, "rate": 2, "count": 0, "money": 0}
# Who does the work a person criterion counts.
PERSON_ROLES: dict[str, frozenset[str]] = {
    "deliveries": frozenset({Role.POSTMAN.value}),
    "deliveries_on_time_pct": frozenset({Role.POSTMAN.value}),
    "counter_transactions": frozenset({Role.CLERK.value}),
    "counter_revenue": frozenset({Role.CLERK.value}),
}
# The ledger entries of an operation a customer comes to the counter for (not the cash desk's
# own moves, stock work, settlements with partners or the accountants' postings, nor a COD
# amount a postman collects at the door).
COUNTER_KINDS = frozenset(
    {
        EntryKind.FEE.value,
        EntryKind.COD_PAID.value,
        EntryKind.COLLECTION.value,
        EntryKind.DISBURSEMENT.value,
        EntryKind.PENSION.value,
        EntryKind.SAVINGS_DEPOSIT.value,
        EntryKind.SAVINGS_WITHDRAWAL.value,
        EntryKind.LOAN_REPAYMENT.value,
        EntryKind.REMITTANCE.value,
        EntryKind.PAYMENT_ACCOUNT_FEE.value,
        EntryKind.DOSSIER_FEE.value,
        EntryKind.GOODS_SALE.value,
        EntryKind.GOODS_RETURN.value,
        EntryKind.GOODS_ORDER.value,
        EntryKind.TELECOM_SALE.value,
        EntryKind.INSURANCE_PREMIUM.value,
        EntryKind.COMPENSATION.value,
    }
)
MONTHS_MAX = 24


# --- criteria and subjects -------------------------------------------------------------------


def criterion_get(code: str) -> Criterion:
    criterion = CRITERIA.get(code)
    if criterion is None:
        raise DomainError(_("Unknown criterion %(code)s.") % {"code": code}, field="criteria")
    return criterion


def _subject(codes: Sequence[str]) -> str:
    """The subject all ``codes`` judge (unit or person)."""
    subjects = {criterion_get(code).subject for code in codes}
    if len(subjects) != 1:
        raise DomainError(
            _("The criteria ranked together must all judge units or all judge people."),
            field="criteria",
        )
    return subjects.pop()


def _period_check(date_from: dt.date, date_to: dt.date) -> None:
    if date_to < date_from:
        raise DomainError(_("The period must end after it starts."), field="date_to")


def units_of(
    *,
    province: Unit,
    date_from: dt.date,
    date_to: dt.date,
    units: Sequence[Unit] | None = None,
) -> list[Unit]:
    """``units`` after checking them (in the province, none inside another), or by default
    the province's children in force at some time in the period, by code."""
    if units is None:
        return list(
            Unit.objects.filter(parent=province)
            .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=date_to))
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=date_from))
            .order_by("code")
        )
    chosen = list(units)
    for unit in chosen:
        if not unit.path.startswith(province.path):
            raise DomainError(
                _("%(unit)s is not a unit of %(province)s.")
                % {"unit": unit.name, "province": province.name},
                field="units",
            )
        for other in chosen:
            if other.pk != unit.pk and unit.path.startswith(other.path):
                raise DomainError(
                    _(
                        "%(inner)s lies within %(outer)s: choose units that do not contain "
                        "one another."
                    )
                    % {"inner": unit.name, "outer": other.name},
                    field="units",
                )
    return chosen


def layers(units: Iterable[Unit]) -> list[list[Unit]]:
    """``units`` (each once) in batches that can be measured together: none of a batch holds
    another. The first batch is of the outermost units, the next of those inside exactly one
    of them, and so on; each batch in tree order."""
    out: list[list[Unit]] = []
    outer: list[str] = []  # the paths of the units holding the current one
    for unit in sorted({int(unit.pk): unit for unit in units}.values(), key=lambda u: u.path):
        while outer and not unit.path.startswith(outer[-1]):
            outer.pop()
        if len(outer) == len(out):
            out.append([])
        out[len(outer)].append(unit)
        outer.append(unit.path)
    return out


def people_of(
    codes: Iterable[str], *, province: Unit, people: Sequence[User] | None = None
) -> list[User]:
    """``people``, or by default the active staff of the province's subtree whose role does
    the work of one of ``codes``, by username."""
    if people is not None:
        return list(people)
    roles = set().union(*(PERSON_ROLES.get(code, frozenset()) for code in codes))
    return list(
        User.objects.filter(is_active=True, role__in=sorted(roles))
        .filter(
            Q(unit__path__startswith=province.path) | Q(point__unit_path__startswith=province.path)
        )
        .order_by("username")
    )


def _rounded(code: str, value: float | None) -> float | None:
    return None if value is None else round(value, DIGITS[CRITERIA[code].kind])


# --- unit criteria ---------------------------------------------------------------------------


def _year_parts(date_from: dt.date, date_to: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The period cut at the ends of the years it spans (the report's figures are of a
    period within one year, against the same period a year before)."""
    return [
        (max(date_from, dt.date(year, 1, 1)), min(date_to, dt.date(year, 12, 31)))
        for year in range(date_from.year, date_to.year + 1)
    ]


def _days(start: dt.date, end: dt.date) -> int:
    return (end - start).days + 1


class _UnitFigures(Figures):
    """The report's actuals per unit of ``units`` (its children, for the report)."""

    def __init__(self, *, units: list[Unit], **period: Any) -> None:
        self._units = units
        super().__init__(**period)

    def _load(self) -> None:
        self.children = self._units
        super()._load()

    @cached_property
    def postal_items(self) -> dict[tuple[int, int], int]:
        """The postal items accepted per (period, unit id): the postal services' volume;
        a unit without data left out."""
        out: dict[tuple[int, int], int] = {}
        for (period, _month, child, service), cell in self.cells.items():
            if service in POSTAL_SERVICES and cell.volume_n:
                out[(period, child)] = out.get((period, child), 0) + cell.volume
        return out


class _UnitMeasures:
    """The unit criteria of ``units`` over a period; what several criteria share is read
    once."""

    def __init__(
        self, *, province: Unit, units: list[Unit], date_from: dt.date, date_to: dt.date
    ) -> None:
        self.province, self.units = province, units
        self.code = province.province_code
        self.date_from, self.date_to = date_from, date_to
        self.ids = [int(unit.pk) for unit in units]
        self._by_path = {unit.path: int(unit.pk) for unit in units}

    def unit_of(self, path: str) -> int | None:
        """The unit measured whose subtree holds ``path`` (one of them at most)."""
        end = path.find("/")
        while end != -1:
            found = self._by_path.get(path[: end + 1])
            if found is not None:
                return found
            end = path.find("/", end + 1)
        return None

    @cached_property
    def points(self) -> dict[int, tuple[str, int]]:
        """The points of the measured units: id -> (code, unit id)."""
        rows = ServicePoint.objects.filter(
            province_code=self.code, unit_path__startswith=self.province.path
        ).values_list("pk", "code", "unit_path")
        out = {}
        for pk, code, path in rows:
            unit_id = self.unit_of(path)
            if unit_id is not None:
                out[pk] = (code, unit_id)
        return out

    def _counts(self, rows: Iterable[tuple[Any, Any]], *, by_point: bool) -> dict[int, int]:
        """Per unit: the sum of ``rows`` (point id, or a unit's path, and a number); 0 for
        none."""
        out = dict.fromkeys(self.ids, 0)
        for where, number in rows:
            unit_id: int | None
            if by_point:
                point = self.points.get(where)
                unit_id = point[1] if point is not None else None
            else:
                unit_id = self.unit_of(where)
            if unit_id is not None and number:
                out[unit_id] += int(number)
        return out

    # the report's revenue, volumes and plans

    @cached_property
    def figures(self) -> list[_UnitFigures]:
        return [
            _UnitFigures(
                units=self.units,
                province=self.province,
                unit=self.province,
                date_from=start,
                date_to=end,
            )
            for start, end in _year_parts(self.date_from, self.date_to)
        ]

    def revenue(self, unit_id: int, period: int) -> int | None:
        found: int | None = None
        for figures in self.figures:
            found = plus(found, figures.total("revenue", period, child=unit_id))
        return found

    @cached_property
    def plans(self) -> dict[int, PlanBook]:
        return {year: PlanBook(self.province, year) for year in self._years}

    @property
    def _years(self) -> range:
        return range(self.date_from.year, self.date_to.year + 1)

    def plan_pro_rata(self, unit_id: int) -> Fraction | None:
        """The revenue planned for the period: each year's plan × its days in the period /
        its days (see the module docstring); None when a year has no plan."""
        planned = Fraction(0)
        for start, end in _year_parts(self.date_from, self.date_to):
            year = self.plans[start.year].get(unit_id, PlanMetric.REVENUE)
            if year is None:
                return None
            whole = _days(dt.date(start.year, 1, 1), dt.date(start.year, 12, 31))
            planned += Fraction(year * _days(start, end), whole)
        return planned or None

    def revenue_plan_pct(self) -> dict[int, Value]:
        out: dict[int, Value] = {}
        for unit_id in self.ids:
            actual, planned = self.revenue(unit_id, CURRENT), self.plan_pro_rata(unit_id)
            out[unit_id] = None
            if actual is not None and planned is not None:
                out[unit_id] = round(float(100 * actual / planned), 1)
        return out

    def revenue_growth_pct(self) -> dict[int, Value]:
        return {
            unit_id: growth(self.revenue(unit_id, CURRENT), self.revenue(unit_id, PREVIOUS))
            for unit_id in self.ids
        }

    def items_accepted(self, unit_id: int) -> int | None:
        found: int | None = None
        for figures in self.figures:
            found = plus(found, figures.postal_items.get((CURRENT, unit_id)))
        return found

    # the other services' rollups

    def on_time_rate(self) -> dict[int, Value]:
        office = {code: unit_id for code, unit_id in self.points.values()}
        delivered: dict[int, int] = {}
        on_time: dict[int, int] = {}
        rows = (
            DeliveryRollup.objects.filter(
                province_code=self.code, day__gte=self.date_from, day__lte=self.date_to
            )
            .values_list("office_code")
            .annotate(delivered=Sum("delivered"), on_time=Sum("on_time"))
            .order_by()
        )
        for code, count, in_time in rows:
            unit_id = office.get(code)
            if unit_id is not None:
                delivered[unit_id] = delivered.get(unit_id, 0) + int(count)
                on_time[unit_id] = on_time.get(unit_id, 0) + int(in_time)
        return {unit_id: pct(on_time.get(unit_id), delivered.get(unit_id)) for unit_id in self.ids}

    def complaints_per_10000(self) -> dict[int, Value]:
        care = CareFigures(province_code=self.code, date_from=self.date_from, date_to=self.date_to)
        tallies = care.by_unit(self.units)
        care_in_use = care.total().received is not None
        out: dict[int, Value] = {}
        for unit_id in self.ids:
            complaints = tallies[unit_id].complaints
            if complaints is None and care_in_use:
                complaints = 0
            out[unit_id] = per_items(complaints, self.items_accepted(unit_id))
        return out

    def _per_point(self, rows: QuerySet[Any]) -> dict[int, int]:
        """Per unit: ``rows`` of the period (by business day) at its points, counted."""
        counted = (
            rows.filter(
                province_code=self.code,
                business_date__gte=self.date_from,
                business_date__lte=self.date_to,
            )
            .values_list("point_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        return self._counts(counted, by_point=True)

    def cash_differences(self) -> dict[int, Value]:
        return dict(self._per_point(CashClosing.objects.exclude(difference=0)))

    def dossiers_on_time_pct(self) -> dict[int, Value]:
        dossiers = DossierFigures(
            province_code=self.code, date_from=self.date_from, date_to=self.date_to
        )
        return {
            unit_id: tally.on_time_pct for unit_id, tally in dossiers.by_unit(self.units).items()
        }

    def accounts_opened(self) -> dict[int, Value]:
        history = RevenueHistory.objects.filter(
            province_code=self.code,
            service=Service.PAYMENT_ACCOUNT,
            month__gte=self.date_from.replace(day=1),
            month__lte=self.date_to,
            volume__isnull=False,
        ).values_list("unit__path", "volume")
        out = self._per_point(PaymentAccount.objects.all())
        for unit_id, number in self._counts(history, by_point=False).items():
            out[unit_id] += number
        return dict(out)


# --- person criteria -------------------------------------------------------------------------


def _due_dates(keys: Iterable[tuple[dt.date, int]]) -> dict[tuple[dt.date, int], dt.date]:
    """Per (business day of acceptance, full-course days): the last day on time, as
    ``add_business_days`` gives it, from one read of the calendar for them all."""
    wanted = set(keys)
    if not wanted:
        return {}
    first = min(day for day, _n in wanted)
    longest = max(n for _day, n in wanted)
    last = max(day for day, _n in wanted) + dt.timedelta(days=longest * 7 // 5 + 21)
    open_days = business_days_in(first, last)
    out = {}
    for day, n in wanted:
        index = bisect_left(open_days, day) if n == 0 else bisect_right(open_days, day) + n - 1
        out[(day, n)] = open_days[index]
    return out


@dataclass(frozen=True)
class _Delivered:
    postman_id: int
    returning: bool
    accepted_on: dt.date
    course_days: int
    day: dt.date
    items: int


class _PersonMeasures:
    def __init__(
        self, *, province: Unit, people: list[User], date_from: dt.date, date_to: dt.date
    ) -> None:
        self.code = province.province_code
        self.people = people
        self.ids = [int(person.pk) for person in people]
        self.roles = {int(person.pk): person.role for person in people}
        self.date_from, self.date_to = date_from, date_to

    def _count_or_none(self, code: str, found: dict[int, int]) -> dict[int, Value]:
        """A count per person: 0 for nothing when their role does the work, else None."""
        roles = PERSON_ROLES[code]
        return {
            pk: found[pk] if pk in found else (0 if self.roles[pk] in roles else None)
            for pk in self.ids
        }

    @cached_property
    def delivered(self) -> list[_Delivered]:
        """The items delivered by the people on rounds in the period (days in Vietnam), in
        groups of the same postman, direction, acceptance day, full-course time and day."""
        start = dt.datetime.combine(self.date_from, dt.time.min, tzinfo=VIETNAM)
        end = dt.datetime.combine(self.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=VIETNAM)
        rows = (
            DeliveryAttempt.objects.filter(
                province_code=self.code,
                outcome=AttemptOutcome.DELIVERED,
                round__postman_id__in=self.ids,
                delivered_at__gte=start,
                delivered_at__lt=end,
            )
            .annotate(day=TruncDate("delivered_at", tzinfo=VIETNAM))
            .values_list(
                "round__postman_id",
                "item__returning",
                "item__accepted_on",
                "item__tariff__full_course_days",
                "day",
            )
            .annotate(n=Count("pk"))
            .order_by()
        )
        return [_Delivered(*row) for row in rows]

    def deliveries(self) -> dict[int, Value]:
        found: dict[int, int] = {}
        for group in self.delivered:
            found[group.postman_id] = found.get(group.postman_id, 0) + group.items
        return self._count_or_none("deliveries", found)

    def deliveries_on_time_pct(self) -> dict[int, Value]:
        onward = [group for group in self.delivered if not group.returning]
        due = _due_dates((group.accepted_on, group.course_days) for group in onward)
        delivered: dict[int, int] = {}
        on_time: dict[int, int] = {}
        for group in onward:
            pk = group.postman_id
            delivered[pk] = delivered.get(pk, 0) + group.items
            if group.day <= due[(group.accepted_on, group.course_days)]:
                on_time[pk] = on_time.get(pk, 0) + group.items
        return {pk: pct(on_time.get(pk, 0), delivered.get(pk)) for pk in self.ids}

    def _entries(self, prefix: str) -> Q:
        """The people's counter entries of the period, not reversed (fields under
        ``prefix``)."""
        return Q(
            **{
                f"{prefix}province_code": self.code,
                f"{prefix}created_by_id__in": self.ids,
                f"{prefix}business_date__gte": self.date_from,
                f"{prefix}business_date__lte": self.date_to,
                f"{prefix}kind__in": sorted(COUNTER_KINDS),
                f"{prefix}reversals__isnull": True,
            }
        )

    def counter_transactions(self) -> dict[int, Value]:
        rows = (
            Entry.objects.filter(self._entries(""))
            .values_list("created_by_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        return self._count_or_none("counter_transactions", dict(rows))

    def counter_revenue(self) -> dict[int, Value]:
        earned = Case(
            When(credit__kind=AccountKind.REVENUE, then=F("amount")),
            When(debit__kind=AccountKind.REVENUE, then=-F("amount")),
            default=0,
            output_field=IntegerField(),
        )
        rows = (
            Transfer.objects.filter(self._entries("entry__"))
            .values_list("entry__created_by_id")
            .annotate(revenue=Sum(earned))
            .order_by()
        )
        return self._count_or_none("counter_revenue", {pk: int(n) for pk, n in rows})


# --- measure ---------------------------------------------------------------------------------

_UNIT_READERS: dict[str, Callable[[_UnitMeasures], dict[int, Value]]] = {
    "revenue_plan_pct": _UnitMeasures.revenue_plan_pct,
    "revenue_growth_pct": _UnitMeasures.revenue_growth_pct,
    "on_time_rate": _UnitMeasures.on_time_rate,
    "complaints_per_10000": _UnitMeasures.complaints_per_10000,
    "cash_differences": _UnitMeasures.cash_differences,
    "dossiers_on_time_pct": _UnitMeasures.dossiers_on_time_pct,
    "accounts_opened": _UnitMeasures.accounts_opened,
}
_PERSON_READERS: dict[str, Callable[[_PersonMeasures], dict[int, Value]]] = {
    "deliveries": _PersonMeasures.deliveries,
    "deliveries_on_time_pct": _PersonMeasures.deliveries_on_time_pct,
    "counter_transactions": _PersonMeasures.counter_transactions,
    "counter_revenue": _PersonMeasures.counter_revenue,
}


def measure(
    codes: Sequence[str],
    *,
    province: Unit,
    date_from: dt.date,
    date_to: dt.date,
    units: Sequence[Unit] | None = None,
    people: Sequence[User] | None = None,
) -> dict[str, dict[int, Value]]:
    """Per criterion code, its value per unit id (unit criteria) or per person id (person
    criteria) from ``date_from`` to ``date_to`` (both included); see the module docstring
    for each figure, the default units and people, and what None means."""
    _period_check(date_from, date_to)
    criteria = [criterion_get(code) for code in codes]
    out: dict[str, dict[int, Value]] = {}
    unit_codes = [c.code for c in criteria if c.subject == UNIT]
    person_codes = [c.code for c in criteria if c.subject == PERSON]
    if unit_codes:
        units_measured = _UnitMeasures(
            province=province,
            units=units_of(province=province, date_from=date_from, date_to=date_to, units=units),
            date_from=date_from,
            date_to=date_to,
        )
        for code in unit_codes:
            out[code] = _UNIT_READERS[code](units_measured)
    if person_codes:
        people_measured = _PersonMeasures(
            province=province,
            people=people_of(person_codes, province=province, people=people),
            date_from=date_from,
            date_to=date_to,
        )
        for code in person_codes:
            out[code] = _PERSON_READERS[code](people_measured)
    return {code: out[code] for code in codes}


# --- rank ------------------------------------------------------------------------------------


@dataclass
class Ranked:
    subject_id: int
    name: str
    values: dict[str, Value]
    ranks: dict[str, int | None]
    score: float | None
    position: int


def _ranks(values: dict[int, Value], higher_is_better: bool) -> dict[int, int | None]:
    """Competition ranks (1 = best; equal values share a rank, the next rank skips: 1, 2,
    2, 4); no rank for no value."""
    known = [value for value in values.values() if value is not None]
    out: dict[int, int | None] = {}
    for pk, value in values.items():
        if value is None:
            out[pk] = None
        elif higher_is_better:
            out[pk] = 1 + sum(1 for other in known if other > value)
        else:
            out[pk] = 1 + sum(1 for other in known if other < value)
    return out


def _weights_check(weights: Sequence[tuple[str, int]]) -> list[str]:
    codes = [code for code, _weight in weights]
    for code, weight in weights:
        criterion_get(code)
        if type(weight) is not int or weight < 1:
            raise DomainError(
                _("Give %(criterion)s a weight of 1 or more.")
                % {"criterion": CRITERIA[code].label},
                field="weights",
            )
        if codes.count(code) > 1:
            raise DomainError(
                _("%(criterion)s is named twice.") % {"criterion": CRITERIA[code].label},
                field="weights",
            )
    if not codes:
        raise DomainError(_("Choose at least one criterion."), field="weights")
    return codes


def rank(
    weights: Sequence[tuple[str, int]],
    *,
    province: Unit,
    date_from: dt.date,
    date_to: dt.date,
    units: Sequence[Unit] | None = None,
    people: Sequence[User] | None = None,
) -> list[Ranked]:
    """The units (or people) ranked by weighted criteria over a period: the evidence an
    emulation council sees.

    ``weights`` are (criterion code, weight ≥ 1) pairs; all criteria judge the same subject
    (units or people; by default those ``measure`` takes). The method:

    1. Each criterion's value is measured (``measure``: the module docstring says where each
       comes from) for every subject.
    2. Each criterion ranks the subjects with a value, best first (the highest value, or the
       lowest where less is better: complaints, cash differences): 1 for the best; subjects
       with equal values share a rank and the next rank skips (1, 2, 2, 4). A subject
       without a value for a criterion is not ranked on it.
    3. A subject's score is the mean of its ranks weighted by the criteria's weights, over
       the criteria it is ranked on (a criterion without its value neither helps nor harms
       it), to two decimals: lower is better. No score without any rank.
    4. Subjects are listed by score (those without one last), then by name; ``position``
       is 1 + the number of subjects with a better score, so equal scores share a position
       (and those without a score share the last one).
    """
    _period_check(date_from, date_to)
    codes = _weights_check(weights)
    subjects: list[tuple[int, str]]
    if _subject(codes) == UNIT:
        chosen = units_of(province=province, date_from=date_from, date_to=date_to, units=units)
        found = measure(
            codes, province=province, date_from=date_from, date_to=date_to, units=chosen
        )
        subjects = [(int(unit.pk), unit.name) for unit in chosen]
    else:
        staff = people_of(codes, province=province, people=people)
        found = measure(
            codes, province=province, date_from=date_from, date_to=date_to, people=staff
        )
        subjects = [(int(person.pk), str(person)) for person in staff]
    ranks = {code: _ranks(found[code], CRITERIA[code].higher_is_better) for code in codes}
    weight = dict(weights)
    rows = []
    for pk, name in subjects:
        mine = {code: ranks[code][pk] for code in codes}
        weighed = [(weight[code], r) for code, r in mine.items() if r is not None]
        score = None
        if weighed:
            total = sum(w for w, _r in weighed)
            score = round(sum(w * r for w, r in weighed) / total, 2)
        values = {code: found[code][pk] for code in codes}
        rows.append(Ranked(pk, name, values, mine, score, 0))
    rows.sort(key=lambda row: (row.score is None, row.score or 0.0, fold(row.name), row.subject_id))
    scores = [row.score for row in rows if row.score is not None]
    for row in rows:
        better = (
            len(scores) if row.score is None else sum(1 for other in scores if other < row.score)
        )
        row.position = better + 1
    return rows


# --- impact ----------------------------------------------------------------------------------


def _change(code: str, before: Value, after: Value) -> float | None:
    """After against before: the difference in points for a % or a rate, the % change for
    a count or money."""
    if before is None or after is None:
        return None
    if CRITERIA[code].kind in ("pct", "rate"):
        return _rounded(code, after - before)
    return growth(int(after), int(before))


def impact(
    codes: Sequence[str],
    *,
    province: Unit,
    units: Sequence[Unit],
    applied_on: dt.date,
    months: int = 6,
) -> list[dict[str, Any]]:
    """An initiative's impact on units: for each unit (in the order given) and unit
    criterion (in the order of ``codes``), its value over the ``months`` before
    ``applied_on`` and over the ``months`` from it (cut at today; None throughout when it
    has not started), and the change (``_change``)::

        {"unit_id", "unit", "code", "label", "before", "after", "change"}
    """
    if type(months) is not int or not 1 <= months <= MONTHS_MAX:
        raise DomainError(
            _("Measure the impact over 1 to %(most)s months.") % {"most": MONTHS_MAX},
            field="months",
        )
    if codes and _subject(codes) != UNIT:
        raise DomainError(
            _("An initiative's impact is measured on the criteria of units."), field="criteria"
        )
    chosen = units_of(province=province, date_from=applied_on, date_to=applied_on, units=units)
    before = measure(
        codes,
        province=province,
        units=chosen,
        date_from=months_later(applied_on, -months),
        date_to=applied_on - dt.timedelta(days=1),
    )
    today = local_today()
    after: dict[str, dict[int, Value]] = {code: {} for code in codes}
    if applied_on <= today:
        after = measure(
            codes,
            province=province,
            units=chosen,
            date_from=applied_on,
            date_to=min(months_later(applied_on, months) - dt.timedelta(days=1), today),
        )
    return [
        {
            "unit_id": int(unit.pk),
            "unit": unit.name,
            "code": code,
            "label": str(CRITERIA[code].label),
            "before": before[code][unit.pk],
            "after": after[code].get(unit.pk),
            "change": _change(code, before[code][unit.pk], after[code].get(unit.pk)),
        }
        for unit in chosen
        for code in codes
    ]


# --- display ---------------------------------------------------------------------------------


def describe(code: str, value: Value) -> str:
    """A value as a page shows it: "96,5%", "1,25", "1.234", "138.500.000 ₫"; "—" for no
    data."""
    kind = criterion_get(code).kind
    if value is None:
        return DASH
    if kind == "pct":
        return format_percent(value)
    if kind == "rate":
        return format_number(value, 2)
    if kind == "money":
        return format_vnd(int(value))
    return format_number(value)
