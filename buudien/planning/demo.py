"""The demo's plans and history (a step of ``buudien demo``, after the operations' years).

For the demo province: the revenue of the year before last and of last year's months that
came before the ledger's first posting, imported as history (``revenue`` and ``finance``
imports, the way a province going live brings its past), each service grown since at its
own rate (``GROWTH``); this year's plan per unit and business line, set near what the
units are heading for; and next year's plan drafted as this year's plan plus 2 % (``vượt mức
2%``), all through the services and imports a planner would use. Seeded and repeatable: a
second build replaces the rows of the first.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import random
from collections.abc import Callable

from django.db.models import Count, Min, Sum
from django.utils.translation import gettext as _

from buudien.core.bizdays import local_today
from buudien.core.catalogue import SERVICE_LINE, Line
from buudien.core.imports import import_file, write_csv
from buudien.finance import budget as finance_budget
from buudien.finance import costs, ledger
from buudien.finance.choices import BudgetLevel, Tax
from buudien.finance.models import Account, BudgetPayment, DailyBalance, DailyFigure
from buudien.network.choices import UnitKind
from buudien.network.models import ServicePoint, Unit, UnitSuccession
from buudien.people.choices import Role
from buudien.people.models import User
from buudien.planning import selectors, services
from buudien.planning.choices import TOTAL, PlanMetric, UpliftBasis
from buudien.planning.models import FinanceHistory, Plan, RevenueHistory

UPLIFT_PCT = 2
AIM_BASIS_POINTS = 200  # "hoàn thành vượt mức từ 2% các chỉ tiêu kế hoạch"
EARLY_DAYS = 60
# What a service grew by in a year, where it grew otherwise than most (7 %): the shape of the
# Lạng Sơn review, where savings, credit, consumer goods and registered mail grew fastest.
GROWTH = {
    "registered": 1.13,
    "savings": 1.5,
    "credit": 1.25,
    "consumer_goods": 1.22,
    "parcel": 1.1,
    "ems": 1.1,
    "ordinary": 0.95,
    "press": 0.97,
}  # before this day of the year, this year's plan is drawn from last year's


def build(*, seed: int, report: Callable[[str], None]) -> str:
    # The demo's province: the one with the most service points.
    busiest = (
        ServicePoint.objects.values("province_code")
        .annotate(n=Count("pk"))
        .order_by("-n", "province_code")
        .first()
    )
    province = (
        Unit.objects.filter(kind=UnitKind.PROVINCE, province_code=busiest["province_code"])
        .order_by("path")
        .first()
        if busiest
        else None
    )
    if province is None:
        return ""
    planner = (
        User.objects.filter(role__in=[Role.DIRECTOR, Role.ADMIN], unit=province).first()
        or User.objects.filter(is_superuser=True).first()
    )
    if planner is None:
        return ""
    report(_("Plans: history, this year's plan and next year's"))
    rng = random.Random(seed)
    code = province.province_code
    today = local_today()
    year = today.year
    Plan.objects.filter(province_code=code).delete()
    RevenueHistory.objects.filter(province_code=code).delete()
    FinanceHistory.objects.filter(province_code=code).delete()

    # Months of last year before the ledger's first day: imported history, scaled from the
    # same month of the ledger's first year so the trend chart has a last year to show.
    first = DailyFigure.objects.filter(province_code=code).aggregate(first=Min("date"))["first"]
    first = first or today
    children = list(Unit.objects.filter(parent=province).order_by("code"))
    units = children or [province]
    revenue_rows: list[list[object]] = []
    base = selectors.year_report(user=None, province_code=code, year=year)
    _share_by_business(base, planner)
    weight = _weights(base, units)
    # This year's pace: what it did per month so far.
    lived = max(1, (today - dt.date(year, 1, 1)).days + 1) * 12 / 365
    for back in (2, 1):
        for month in range(1, 13):
            day = dt.date(year - back, month, 1)
            if day >= first.replace(day=1):
                break
            # The units in force that month: the district posts before September 2025, the
            # commune posts after (the report carries the districts' to them by succession).
            serving = [unit for unit in units if _in_force(unit, day)] or [province]
            total = sum(weight.get(unit.pk, 0.0) for unit in serving)
            for unit in serving:
                # Each unit's part of the month: its part of this year's revenue (a district
                # post the part its successors have now), or an equal part without any.
                part = weight.get(unit.pk, 0.0) / total if total else 1 / len(serving)
                for service in base["services"]:
                    if service["actual"] is None:
                        continue
                    # What the service grew by each year since.
                    past = part / lived / GROWTH.get(service["code"], 1.07) ** back
                    revenue_rows.append(
                        [f"{day:%Y-%m}", unit.code, service["code"],
                         int(service["actual"] * past * rng.uniform(0.9, 1.05)),
                         int((service["volume"] or 0) * past * rng.uniform(0.9, 1.05))]
                    )  # fmt: skip
    if revenue_rows:
        _import(
            "revenue", ["month", "unit_code", "service", "amount", "volume"], revenue_rows, planner
        )
    # The costs draw from their own generator: the plans below stay those of the seed.
    booked = _book_costs(province, units, first, today, random.Random(seed * 31 + 7))
    paid = _pay_budget(province, first, today)
    # This year's plan per unit and line, near where the year is heading.
    # Early in the year there is too little of it to go by: the plan is then last year's
    # figures, grown a little, as a planner sets it in December.
    elapsed = max(1, (today - dt.date(year, 1, 1)).days + 1)
    basis_year, scale = (year, 365 / elapsed) if elapsed >= EARLY_DAYS else (year - 1, 1.0)
    plan_rows: list[list[object]] = []
    actuals = _line_actuals(province, units, basis_year)
    for unit in units:
        for line in Line:
            actual = actuals.get((unit.pk, line.value))
            if actual:
                target = actual * scale * rng.uniform(0.95, 1.04)
                plan_rows.append([year, unit.code, PlanMetric.REVENUE, line.value, int(target)])
    if plan_rows:
        _import("plans", ["year", "unit_code", "metric", "service", "amount"], plan_rows, planner)
    total = selectors.year_report(user=None, province_code=code, year=year)["revenue"]["plan"]
    if total:
        services.plan_set(
            actor=planner,
            unit_code=province.code,
            year=year,
            metric=PlanMetric.SURPLUS,
            subject=TOTAL,
            amount=int(total * 0.1),
        )
    written = services.plan_uplift(
        actor=planner, province_code=code, year=year, pct=UPLIFT_PCT, basis=UpliftBasis.PLAN
    )
    # The province aims beyond next year's plan, as the review's closing paragraph says.
    services.plan_set(
        actor=planner,
        unit_code=province.code,
        year=year + 1,
        metric=PlanMetric.UPLIFT,
        subject=TOTAL,
        amount=AIM_BASIS_POINTS,
    )
    said = _("%(rows)d plan rows for %(year)d, %(next)d drafted for %(after)d (+%(pct)d%%)") % {
        "rows": len(plan_rows) + 1,
        "year": year,
        "next": written + 1,
        "after": year + 1,
        "pct": UPLIFT_PCT,
    }
    return f"{said}; " + _("%(costs)d costs booked, %(paid)d payments to the budget") % {
        "costs": booked,
        "paid": paid,
    }


def _share_by_business(report: dict[str, object], actor: object) -> None:
    """The district posts' successions re-imported with each commune post's share as the part
    of the district's business it carries today (its revenue this year), as a planner sets
    them once the commune posts have a few months of their own; a share is at least 0.01 %."""
    earned = {
        row["code"]: max(0, row["actual"] or 0)
        for row in report["per_unit"]  # type: ignore[attr-defined]
    }
    rows: list[list[object]] = []
    successions = UnitSuccession.objects.values_list("predecessor__code", "successor__code")
    by_predecessor: dict[str, list[str]] = {}
    for before, after in successions.order_by("predecessor__code", "successor__code"):
        by_predecessor.setdefault(before, []).append(after)
    for before, afters in by_predecessor.items():
        total = sum(earned.get(after, 0) for after in afters)
        if not total:
            continue
        bps = [max(1, earned.get(after, 0) * 10_000 // total) for after in afters]
        bps[bps.index(max(bps))] += 10_000 - sum(bps)
        rows += [[before, after, f"{bp / 100:.2f}"] for after, bp in zip(afters, bps, strict=True)]
    if rows:
        _import("unit_successions", ["predecessor_code", "successor_code", "share_pct"], rows, None)


def _weights(report: dict[str, object], units: list[Unit]) -> dict[int, float]:
    """unit id -> its part of the year's revenue (the report's ``per_unit``); a unit replaced
    by others, the sum of its successors' by their shares."""
    earned = {
        row["code"]: float(row["actual"] or 0)
        for row in report["per_unit"]  # type: ignore[attr-defined]
    }
    out = {unit.pk: earned.get(unit.code, 0.0) for unit in units}
    for before, after, share in UnitSuccession.objects.filter(predecessor__in=units).values_list(
        "predecessor_id", "successor__code", "share_bp"
    ):
        out[before] = out.get(before, 0.0) + earned.get(after, 0.0) * share / 10_000
    return out


def _in_force(unit: Unit, month: dt.date) -> bool:
    """True when ``unit`` served on some day of the month beginning ``month``."""
    end = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    return (unit.valid_from is None or unit.valid_from <= end) and (
        unit.valid_to is None or unit.valid_to >= month
    )


def _line_actuals(province: Unit, units: list[Unit], year: int) -> dict[tuple[int, str], int]:
    """The revenue of ``year`` per unit and business line (the report's ``lines`` of each
    unit), from one read of the figures of the province instead of a report per unit."""
    figures = selectors.Figures(
        province=province,
        unit=province,
        date_from=dt.date(year, 1, 1),
        date_to=dt.date(year, 12, 31),
    )
    found: dict[tuple[int, str], int] = {}
    for (period, _month, child, service), cell in figures.cells.items():
        line = SERVICE_LINE.get(service)
        if period != selectors.CURRENT or line is None or not cell.revenue_n:
            continue
        key = (child if units[0] != province else province.pk, line)
        found[key] = found.get(key, 0) + cell.revenue
    return found


# How a unit's costs split over the accounts of the chart, and what pays each.
COST_SHARES = (
    ("6411", 0.44, "334"),  # counter and delivery staff
    ("6417", 0.24, "331"),  # mail transport, premises, electricity
    ("6421", 0.12, "334"),  # management staff
    ("6427", 0.07, "331"),  # the office's bought-in services
    ("6424", 0.06, "214"),  # depreciation
    ("6418", 0.04, "331"),  # other selling costs
    ("6425", 0.03, "331"),  # taxes, fees and charges
)


def _book_costs(
    province: Unit, units: list[Unit], first: dt.date, today: dt.date, rng: random.Random
) -> int:
    """The costs of every finished month, per unit, near 85-92 % of what the unit earned: the
    months before the ledger's first day as imported history (``finance``), the others from
    the accounting system's monthly file (``costs``), booked by the province's accountant.
    The provincial post's own office costs a little more on top."""
    accountant = (
        User.objects.filter(role__in=[Role.ACCOUNTANT, Role.ADMIN], unit=province).first()
        or User.objects.filter(is_superuser=True).first()
    )
    history: list[list[object]] = []
    books: list[list[object]] = []
    this_month = today.replace(day=1)
    office: dict[dt.date, float] = {}  # the provincial post's own office, per month end
    for year in (today.year - 1, today.year):
        figures = selectors.Figures(
            province=province,
            unit=province,
            date_from=dt.date(year, 1, 1),
            date_to=dt.date(year, 12, 31),
        )
        earned: dict[tuple[int, int], int] = {}
        spent: dict[tuple[int, int], int] = {}  # the costs the operations posted (goods)
        for (period, month, child, _service), cell in figures.cells.items():
            if period == selectors.CURRENT and cell.revenue_n:
                earned[(child, month)] = earned.get((child, month), 0) + cell.revenue
            if period == selectors.CURRENT and cell.expense_n:
                spent[(child, month)] = spent.get((child, month), 0) + cell.expense
        for unit in units:
            child = unit.pk if unit != province else 0
            for month in range(1, 13):
                start = dt.date(year, month, 1)
                revenue = earned.get((child, month), 0)
                if start >= this_month or revenue <= 0:
                    continue
                if start < first.replace(day=1):
                    continue  # a month of the imported history: its costs below
                # What the unit spent besides what its operations posted, at least a tenth.
                total = max(
                    revenue * rng.uniform(0.85, 0.92) - spent.get((child, month), 0),
                    revenue * 0.1,
                )
                end = dt.date(year, month, calendar.monthrange(year, month)[1])
                for account, share, paid_from in COST_SHARES:
                    amount = int(round(total * share * rng.uniform(0.9, 1.1), -3))
                    if amount <= 0:
                        continue
                    books.append(
                        [end.isoformat(), unit.code, account, amount, paid_from,
                         f"BK{year % 100:02d}{month:02d}", _("Costs of %(month)02d/%(year)d")
                         % {"month": month, "year": year}]
                    )  # fmt: skip
                if unit != province:
                    office[end] = office.get(end, 0) + revenue * 0.02
    for end, office_cost in sorted(office.items()):
        if round(office_cost, -3) <= 0:
            continue
        books.append(
            [end.isoformat(), province.code, "6421", int(round(office_cost, -3)), "334",
             f"BK{end.year % 100:02d}{end.month:02d}", _("Office of the provincial post")]
        )  # fmt: skip
    # The months before go-live: each unit's costs beside its imported revenue.
    earned_before = (
        RevenueHistory.objects.filter(province_code=province.province_code, month__lt=first)
        .values_list("month", "unit__code")
        .annotate(total=Sum("amount"))
        .order_by("month", "unit__code")
    )
    paid: dict[dt.date, int] = {}  # the VAT of those months, paid by the province
    for earned_month, code, revenue in earned_before:
        if revenue and revenue > 0:
            cost = int(revenue * rng.uniform(0.86, 0.93))
            history.append([f"{earned_month:%Y-%m}", code, "expense", cost])
            paid[earned_month] = paid.get(earned_month, 0) + int(revenue * 0.03)
    for paid_month, vat in sorted(paid.items()):
        history.append([f"{paid_month:%Y-%m}", province.code, "budget_contribution", vat])
    if history:
        _import("finance", ["month", "unit_code", "kind", "amount"], history, accountant)
    if books:
        _import(
            "costs",
            ["date", "owner_code", "account", "amount", "paid_from", "reference", "memo"],
            books,
            accountant,
        )
    return len(books)


LICENCE_FEE = 3_000_000  # lệ phí môn bài of a branch, a year


def _pay_budget(province: Unit, first: dt.date, today: dt.date) -> int:
    """The VAT the counters collected in each finished month, paid to the local budget on the
    20th of the next (the declaration's deadline), and the licence fee of each year, booked
    in January and paid by the 30th: from the province's best-funded bank account."""
    code = province.province_code
    accountant = (
        User.objects.filter(role__in=[Role.ACCOUNTANT, Role.ADMIN], unit=province).first()
        or User.objects.filter(is_superuser=True).first()
    )
    bank = (
        Account.objects.filter(province_code=code, code__startswith=ledger.BANK_PREFIX)
        .order_by("-balance")
        .first()
    )
    if bank is None or accountant is None:
        return 0
    vat = ledger.account_vat_payable(code)
    paid = 0
    month = first.replace(day=1)
    while True:
        due = (month + dt.timedelta(days=32)).replace(day=20)
        if due > today:
            break
        end = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        moved = DailyBalance.objects.filter(account=vat, date__gte=month, date__lte=end).aggregate(
            credit=Sum("credit_total"), debit=Sum("debit_total")
        )
        # The VAT the month collected (net of what was given back): its credits, less its
        # debits other than the payments to the budget made in it (last month's VAT).
        paid_in_month = BudgetPayment.objects.filter(
            province_code=code, tax=Tax.VAT, paid_on__gte=month, paid_on__lte=end
        ).aggregate(total=Sum("amount"))["total"]
        amount = (moved["credit"] or 0) - ((moved["debit"] or 0) - (paid_in_month or 0))
        if 0 < amount <= Account.objects.get(pk=bank.pk).balance:
            finance_budget.budget_pay(
                actor=accountant, province_code=code, idempotency_key=f"demo-vat:{month:%Y-%m}",
                tax=Tax.VAT, level=BudgetLevel.LOCAL, amount=amount, day=due,
                paid_from=bank.code, treasury_reference=f"GNT-{month:%y%m}-GTGT",
                memo=_("VAT of %(month)s") % {"month": f"{month:%m/%Y}"},
            )  # fmt: skip
            paid += 1
        if month.month == 1:
            fee_day = month.replace(day=30)
            costs.cost_book(
                actor=accountant, province_code=code, idempotency_key=f"demo-fee:{month.year}",
                category="6425", owner_code=province.code, amount=LICENCE_FEE,
                day=month.replace(day=2), paid_from=Tax.FEES, reference=f"MB{month.year}",
            )  # fmt: skip
            if fee_day <= today:
                finance_budget.budget_pay(
                    actor=accountant, province_code=code,
                    idempotency_key=f"demo-fee-paid:{month.year}", tax=Tax.FEES,
                    level=BudgetLevel.LOCAL, amount=LICENCE_FEE, day=fee_day,
                    paid_from=bank.code, treasury_reference=f"GNT-{month:%y}-MB",
                )  # fmt: skip
                paid += 1
        month = end + dt.timedelta(days=1)
    return paid


def _import(kind: str, header: list[str], rows: list[list[object]], actor: object) -> None:
    out = io.StringIO()
    write_csv(header, rows, out)
    import_file(kind, io.BytesIO(out.getvalue().encode()), actor=actor, name=f"demo-{kind}.csv")
