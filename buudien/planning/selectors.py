"""Reads of planning: plans, and the figures of a unit subtree over a period.

``year_report(user=..., province_code="20", year=2023)`` returns the figures of the year-end
report as a plain, JSON-ready dict (the contract the API, ``buudien report year``, the page
and the renderers in ``buudien.planning.render`` all share). Its shape, exactly::

    {
      "schema": 1,
      "province": {"code": "20", "name": "Bưu điện tỉnh Lạng Sơn"},
      "unit": {"code": "BDT20", "name": "Bưu điện tỉnh Lạng Sơn", "kind": "province"},
      "year": 2023,
      "period": {"from": "2023-01-01", "to": "2023-12-31"},   # ISO dates
      "previous_period": {"from": "2022-01-01", "to": "2022-12-31"},
      "estimate": null,                             # or, for a period not over yet:
        # {"actual_to": "2023-12-06", "basis": "previous_year"}: the figures are the actuals
        # to that day plus last year's for the days left ("ước thực hiện")
      "currency": "VND",
      "revenue": FIGURE,
      "lines": [                                    # the business lines, catalogue order
        {"code": "postal", "name": "Bưu chính chuyển phát", **FIGURE}, ...
      ],
      "services": [                                 # every catalogue service, catalogue order
        {"code": "registered", "name": "Bưu phẩm bảo đảm", "line": "postal",
         "actual": 12000000000, "plan": null, "plan_pct": null,
         "previous": 11000000000, "growth_pct": 9.1,
         "volume": 250000, "volume_previous": 240000, "volume_growth_pct": 4.2,
         "volume_plan": null, "volume_plan_pct": null}, ...
      ],
      "budget_contribution": {**FIGURE,             # payments to the state budget
        "by_tax": [{"code": "3331", "name": "Thuế GTGT", "actual": ..., "previous": ...,
                    "growth_pct": ...}, ...],       # the province's recorded payments
        "by_level": {"local": {"actual": ..., "previous": ..., "growth_pct": ...}},
        "not_classified": {"actual": ..., "previous": ...}},   # posted by hand, history
      "expenses": {"actual": ..., "previous": ..., "growth_pct": ...,
        "groups": [{"code": "641", "name": "Chi phí bán hàng", "actual": ..., "previous": ...,
                    "growth_pct": ..., "categories": [{"code": "6411", ...}, ...]}, ...],
        "not_classified": {"actual": ..., "previous": ...}},   # history, province accounts
      "surplus": FIGURE,                            # revenue minus expenses
      "network": {
        "as_of": "2023-12-31",
        "points_by_kind": {"bc1": 1, "bc2": 10, "bc3": 14, "bdvhx": 180, "agent": 15,
                           "kiosk": 5, "centre": 0},
        "points_total": 225,
        "bdvhx_multi_service": 120,
        "cashless_points": 225,
        "communes_total": 200, "communes_covered": 200, "coverage_pct": 100.0
      },
      "network_change": {                           # points opened and closed in the period
        "opened": 3, "closed": 1,                   # (its lived days), by kind
        "opened_by_kind": {"agent": 2, "kiosk": 1}, "closed_by_kind": {"bdvhx": 1}},
      "payment_accounts_opened": 5400,              # = payment_accounts.actual
      "payment_accounts": {                         # counted from the accounts themselves
        "actual": 5400, "previous": 4800, "growth_pct": 12.5,  # + history's volume
        "online": 2600, "counter": 2700},           # of the accounts recorded (null: none)
      "savings": {"as_at": "2023-12-31",            # savings mobilised through the post
        "actual": BALANCE, "previous": BALANCE, "growth_pct": 54.4, "books": 1200},
      "pensions_paid": 480000,                      # volume of service pension
      "items_by_service": {"registered": 250000, "ordinary": ..., "parcel": ..., "ems": ...,
                           "kt1": ..., "admin_delivery": ...},   # postal volumes
      "monthly": [                                  # 12 rows, revenue per month
        {"month": 1, "actual": 11000000000, "previous": 10500000000,
         "estimated": false}, ...                   # true: a month with days estimated
      ],
      "per_unit": [                                 # the unit's children, by code
        {"code": "LSN01", "name": "...", "kind": "district", **FIGURE,   # revenue
         "expenses": ..., "expenses_previous": ..., "surplus": FIGURE}, ...
      ],
      "successions": [                              # replaced units carried by share
        {"code": "BDH01", "to": [{"code": "BDX06187", "share_pct": 40.0}, ...]}, ...
      ],
      "next_year_plan": {"year": 2024, "revenue": 140000000000, "surplus": null,
                         "budget_contribution": null,
                         "uplift_pct": 2.0},         # the aim beyond the plan (%), or null
      "quality": {"on_time_rate": {"actual": 96.2, "plan": 95.0, "previous": 94.8}},
      "public_admin": {                             # administrative dossiers (hành chính công)
        "received": COUNT, "returned": COUNT,       # dossiers received, results returned
        "on_time_pct": {"actual": 98.5, "previous": 97.0},
        "agency_fees": COUNT,                       # agencies' fees collected (đồng)
        "fees_passed_on": COUNT,                    # ... passed on to them (province only)
        "charges": COUNT,                           # the post's charges (đồng)
        "per_unit": [                               # the unit's children, by code
          {"code": "LSN01", "name": "...", "kind": "district", "received": 1200,
           "received_previous": 1100, "returned": 900, "on_time_pct": 98.0,
           "agency_fees": 36000000, "charges": 24000000}, ...
        ]
      },
      "goods": {                                    # goods sold at the counters (phân phối)
        "revenue": COUNT,                           # net of VAT and of returns (đồng)
        "cost": COUNT,                              # cost of the goods sold (đồng)
        "gross_margin": COUNT,                      # revenue − cost (đồng)
        "margin_pct": {"actual": 32.5, "previous": 31.0},
        "units_sold": COUNT,                        # units, net of returns
        "bdvhx_revenue": COUNT,                     # revenue at the BĐVHX (đồng)
        "stock_value": COUNT,                       # stock at cost at the period's end
        "per_group": [                              # product groups with data, choice order
          {"code": "consumer", "name": "...", "revenue": 900000000,
           "revenue_previous": 800000000, "growth_pct": 12.5, "cost": 700000000,
           "gross_margin": 200000000, "margin_pct": 22.2, "units_sold": 54000}, ...
        ]
      },
      "telecom": {                                  # top-ups and e-PIN codes sold (viễn thông)
        "sales": COUNT,                             # sales, net of top-ups cancelled
        "face_value": COUNT,                        # face value sold (đồng)
        "commission": COUNT,                        # the post's commission: its revenue (đồng)
        "bdvhx_sales": COUNT,                       # sales at the BĐVHX
        "bdvhx_share_pct": {"actual": 12.5, "previous": 11.0},  # of the sales
        "per_kind": [{"code": "topup", "name": "...", "sales": 1, "face_value": 1,
                      "commission": 1, "commission_previous": 1, "growth_pct": 1.0}, ...],
        "per_operator": [... the same, per operator, by name]
      },
      "press": {                                    # press and public press (báo chí)
        "press_revenue": COUNT,                     # the services' revenue (as in "services")
        "public_press_revenue": COUNT,
        "subscriptions": COUNT,                     # subscriptions taken at the counters
        "subscribed_copies": COUNT,                 # their copies
        "sales": COUNT, "margin": COUNT,            # sold for; the post's margin (đồng)
        "press_delivered": COUNT,                   # copies delivered to subscribers
        "press_on_time_pct": {"actual": 97.5, "previous": 96.0},   # of those confirmed
        "public_delivered": COUNT,                  # public-press copies delivered
        "public_on_time_pct": {"actual": 98.0, "previous": null},
        "press_reached": COUNT, "public_reached": COUNT,   # recipients with copies delivered
        "public_never_reached": COUNT,              # recipients with none delivered
        "communes_covered": COUNT,                  # communes where public press was delivered
        "per_title": [{"name": "...", "subscriptions": 1, "subscribed_copies": 1, "sales": 1,
                       "sales_previous": 1, "growth_pct": 1.0, "press_on_time_pct": 1.0,
                       "public_delivered": 1, "public_on_time_pct": 1.0}, ...]   # by name
      },
      "care": {                                     # customer care (chăm sóc khách hàng)
        "received": COUNT, "complaints": COUNT,     # requests received; of them complaints
        "complaints_per_10000": {"actual": 1.25, "previous": 1.4},   # of the items accepted
        "closed": COUNT,                            # of those received, closed
        "on_time_pct": {"actual": 96.0, "previous": 92.5},   # complaints resolved in time
        "upheld": COUNT,                            # complaints upheld, fully or partly
        "compensations": COUNT, "compensation_paid": COUNT,  # paid in the period (đồng)
        "per_ground": [{"code": "delay", "name": "...", "complaints": 1,
                        "complaints_previous": 1, "upheld": 1, "on_time_pct": 1.0}, ...],
        "per_channel": [{"code": "hotline", "name": "...", "received": 1,
                         "received_previous": 1, "upheld": 1, "on_time_pct": 1.0}, ...]
      }                                             # both: the most first
    }

where FIGURE is ``{"actual", "plan", "plan_pct", "previous", "growth_pct"}``:
``actual`` in the period, ``plan`` for the year (the unit's own plan, else the sum of its
children's), ``plan_pct`` = actual / plan × 100, ``previous`` = the same period of the year
before, ``growth_pct`` = (actual / previous − 1) × 100; COUNT is ``{"actual", "previous",
"growth_pct"}``.

``quality.on_time_rate``: the share (%) of the items delivered in the period (in the same
period a year before) within their service's full-course time, read from mail's delivery
rollup (``buudien.mail.rollup_models.DeliveryRollup``) only; null when nothing was delivered.
Its ``plan`` is the unit's own ``on_time_rate`` plan row (basis points / 100); a rate is
never summed from the children, so it is null when the unit has no row of its own.

``public_admin``: the dossiers received in the period (by business day) and the results
returned in it (by the day in Vietnam, at the unit's points), the share returned by their
promised date, and the fees and charges taken at intake, from ``buudien.dossiers.figures``
(two GROUP BY queries on the dossiers per period); for the months before go-live, the imported
history of the service ``dossier`` gives the dossiers received (its volume) and the charges
(its amount), the rest null.

``goods``: the goods sold in the period at the unit's points, net of returns (revenue net of
VAT, of consigned goods only the commission; the cost of the goods at average cost, 0 for
consigned goods; units), in total and per product group, the revenue of the BĐVHX, and the
value at cost of the stock the unit's points held at the end of the period (today when the
period has not ended), from ``buudien.goods.figures`` (the goods rollup, one GROUP BY per
period; the stock from the levels, or the movements up to a past day). The months before
go-live take the imported history of ``consumer_goods`` as revenue, the rest null.

``telecom``: the top-ups and e-PIN codes sold in the period at the unit's points (net of the
top-ups cancelled), their face value and the post's commission (its revenue), in total, per
kind and per operator, and at the BĐVHX, from ``buudien.telecom.figures`` (the telecom
rollup, one GROUP BY per period); before go-live, the imported history of ``telecom`` gives
the sales (its volume) and the commission (its amount).

``insurance``: the policies issued in the period at the unit's points as the insurers' agent,
net of those cancelled, their premiums and the post's commission (its revenue, the same that
``services.insurance`` reads from the ledger), in total, per insurer and at the BĐVHX, from
``buudien.insurance.figures`` (the insurance rollup, one GROUP BY per period). The months
before go-live take the imported history of ``insurance`` (volume: policies, amount:
commission), the rest null.

``press``: the subscriptions taken in the period at the unit's points, their copies, price and
the post's margin, and the copies due, delivered and on time (of those confirmed, delivered
or not) to subscribers and to the recipients of the public-press programmes, in total and
per title, from ``buudien.press.figures`` (the press rollup, whole months, one query per
period); the recipients reached and never reached from one GROUP BY of the period's
deliveries (by the index of the rounds); the communes covered are those of the points that
delivered public press. Its revenue is the services' ``press`` and ``public_press`` above.

``care``: the requests of customers received in the period (by month of receipt: the months
that start in it) at the unit's subtree (where each was first put in charge), the complaints
among them, closed, the complaints resolved within the legal time (% of those closed), upheld,
and the compensations paid in the period, from ``buudien.care.figures`` (the care rollup, one
query per period); the complaints per 10,000 postal items accepted (``items_by_service``);
per ground of complaint and per channel, the most first.

``workforce``: the headcount of the subtree on 31 December of the year and of the year before
(people employed, with or without a login), per contract type, who joined and who left in
the year, and the average income per head a month imported from the payroll, from
``buudien.people.figures.workforce``::

      "workforce": {"headcount": COUNT, "joined": 12, "left": 5,
                    "by_contract": [{"code": "indefinite", "name": "...", "actual": 400,
                                     "previous": 390}, ...],
                    "average_income": COUNT}          # đồng per head a month

``emulation``: emulation and commendation, from ``buudien.emulation.figures`` (the records
themselves: a few hundred a year)::

      "emulation": {
        "movements": [{"theme": "...", "launched_by": "...", "launched_on": "2024-01-05",
                       "years": "2024", "units": null}, ...],   # in force in the year
        "pledges": {"signed": 12, "assessed": 12, "met": 10, "met_pct": 83.3},
        "awards": {"total": COUNT, "persons": 40, "units": 5,   # awarded in the period
                   "per_level": [{"code": "state", "name": "...", "persons": 1, "units": 0,
                                  "total": 1, "previous": 0}, ...],   # the State first
                   "per_kind": [{"code": "cstd_bo", "name": "...", "persons": 6, "units": 0,
                                 "total": 6, "previous": 4}, ...]},
        "notable": [{"title": "...", "kind": "huan_chuong_ld_2", "level": "state",
                     "recipient": "..., Giám đốc", "person": true, "issuer": "...",
                     "decision_number": "...", "decision_date": "2024-01-05"}, ...],
        "initiatives": {"recognised": COUNT, "benefit_amount": 350000000,
                        "applied_units": 9,
                        "per_level": [{"code": "unit", "name": "...", "count": 8,
                                       "previous": 6}, ...]}
      }

An award or an initiative counts in the period of its decision's date; a pledge in its year;
a movement in every year it runs. A person's award lies in the unit the person was in.

Rules: money is an int of đồng; percentages are floats with one decimal; a figure without
data is ``null`` (never 0): no plan, no history, a division by zero or by null. Dates are ISO
strings. Names are in the language active when the report is made (Vietnamese by default).

Actuals come from two sources added together, never the raw ledger rows: the rollups
``buudien.finance.models.MonthlyFigure`` / ``DailyFigure`` (kept by every posting; whole
months from the first, the days of a month cut by the period from the second) and the
imported monthly
history (``RevenueHistory``, ``FinanceHistory``) for the months before go-live. See
``docs/adr/0003-planning-figures.md``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import math
import operator
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, cast

from django.apps import apps
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    BooleanField,
    CharField,
    Count,
    ExpressionWrapper,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from buudien.agency import figures as agency_figures
from buudien.care import figures as care_figures
from buudien.care.choices import Channel, Ground
from buudien.core.catalogue import SERVICE_LINE, Line, Service, services_of
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.dossiers.figures import DossierFigures
from buudien.dossiers.figures import fees_passed_on as dossiers_fees_passed_on
from buudien.emulation.figures import emulation_figures
from buudien.finance import budget as finance_budget
from buudien.finance import costs as finance_costs
from buudien.finance import figures as finance_figures
from buudien.finance.choices import BudgetLevel, Tax
from buudien.finance.models import DailyFigure, MonthlyFigure
from buudien.goods import figures as goods_figures
from buudien.goods.choices import ProductGroup
from buudien.insurance import figures as insurance_figures
from buudien.insurance.models import Insurer
from buudien.mail.tracking.rollup_models import DeliveryRollup
from buudien.network import selectors as network_selectors
from buudien.network.choices import (
    AdminAreaLevel,
    AdminAreaStructure,
    PointKind,
    UnitKind,
)
from buudien.network.figures import HistoryRow, SubtreeFigures
from buudien.network.models import AdminArea, ServicePoint, Unit, UnitSuccession
from buudien.people import access
from buudien.people.choices import Role
from buudien.people.figures import workforce
from buudien.planning.choices import TOTAL, FinanceKind, PlanMetric
from buudien.planning.models import FinanceHistory, Plan, RevenueHistory
from buudien.press import figures as press_figures
from buudien.press.models import Title
from buudien.telecom import figures as telecom_figures
from buudien.telecom.choices import TelecomKind
from buudien.telecom.models import Operator

PLANNER_ROLES = frozenset({Role.DIRECTOR, Role.ADMIN, Role.ACCOUNTANT})
POSTAL_SERVICES = services_of(Line.POSTAL)
# Keys of the figures: the current period and the same period a year before.
CURRENT, PREVIOUS = 0, 1

# Who reads plans and the year-end report: the same roles on the pages and through the API.
READER_ROLES = frozenset({Role.DIRECTOR, Role.ACCOUNTANT, Role.AUDITOR, Role.ADMIN})


def can_read_reports(user: Any) -> bool:
    return access.has_role(user, READER_ROLES)


def require_reader(user: Any) -> None:
    """``user`` None is the console; anyone else reads plans and reports by role."""
    if user is not None and not can_read_reports(user):
        raise AccessDenied(_("Only directors, accountants and auditors read the reports."))


# The days of a period not lived yet, estimated from the same days a year before.
ESTIMATED = 2
# What the days left of an estimate rest on: last year's same days, or the plan.
ESTIMATE_BASES = ("previous_year", "plan")


# --- helpers ---------------------------------------------------------------------------------


def pct(numerator: int | None, denominator: int | None) -> float | None:
    """numerator / denominator × 100 with one decimal; None without data or for 0."""
    if numerator is None or not denominator:
        return None
    return round(100 * numerator / denominator, 1)


def growth(actual: int | None, previous: int | None) -> float | None:
    """(actual / previous − 1) × 100 with one decimal; None without data or for 0."""
    if actual is None or not previous:
        return None
    return round(100 * (actual - previous) / previous, 1)


# The catalogue's codes, read once (an enum's ``values`` is rebuilt on every read).
_LINES = tuple(Line.values)
_SUBJECTS = frozenset({TOTAL, *Line.values, *Service.values})
_LINE_PARTS = {
    # The line "other" has one service, also called "other": the same subject.
    line: tuple(service for service in services_of(line) if service != line)
    for line in _LINES
}


def subject_valid(subject: str) -> bool:
    return subject in _SUBJECTS


def subject_parts(subject: str) -> list[str]:
    """What a subject adds up from: total from the lines, a line from its services."""
    if subject == TOTAL:
        return list(_LINES)
    return list(_LINE_PARTS.get(subject, ()))


def subject_label(subject: str) -> str:
    if subject == TOTAL:
        return str(_("Total"))
    if subject in Line.values:
        return str(Line(subject).label)
    if subject in Service.values:
        return str(Service(subject).label)
    return subject


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


# The periods a report is made for: the year, its first 6 or 9 months, a quarter, a month.
PERIODS = (
    "year",
    "h1",
    "9m",
    *(f"q{q}" for q in range(1, 5)),
    *(f"m{m}" for m in range(1, 13)),
)
_ROMAN = ("I", "II", "III", "IV")


def period_bounds(year: int, period: str) -> tuple[dt.date, dt.date]:
    """The first and last day of ``period`` (one of PERIODS) of ``year``."""
    if period not in PERIODS:
        raise DomainError(
            _("Unknown period %(period)s: year, h1, 9m, q1-q4 or m1-m12.") % {"period": period},
            field="period",
        )
    if period == "year":
        return year_bounds(year)
    first_month, last_month = {"h1": (1, 6), "9m": (1, 9)}.get(period, (0, 0))
    if period.startswith("q"):
        quarter = int(period[1:])
        first_month, last_month = 3 * quarter - 2, 3 * quarter
    elif period.startswith("m"):
        first_month = last_month = int(period[1:])
    last_day = calendar.monthrange(year, last_month)[1]
    return dt.date(year, first_month, 1), dt.date(year, last_month, last_day)


def period_of(date_from: dt.date, date_to: dt.date) -> str:
    """The name (one of PERIODS) of the period [date_from, date_to] of a year, or "custom"."""
    for period in PERIODS:
        if period_bounds(date_from.year, period) == (date_from, date_to):
            return period
    return "custom"


def period_words(year: int, period: str, date_from: dt.date, date_to: dt.date) -> str:
    """The period as a report names it: "năm 2026", "6 tháng đầu năm 2026", "quý III năm
    2026", "tháng 7 năm 2026", "từ 01/03/2026 đến 15/05/2026"."""
    if period == "year":
        return f"năm {year}"
    if period == "h1":
        return f"6 tháng đầu năm {year}"
    if period == "9m":
        return f"9 tháng đầu năm {year}"
    if period.startswith("q"):
        return f"quý {_ROMAN[int(period[1:]) - 1]} năm {year}"
    if period.startswith("m"):
        return f"tháng {int(period[1:])} năm {year}"
    return f"từ {date_from:%d/%m/%Y} đến {date_to:%d/%m/%Y}"


def shift_year(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (28 February for a 29th in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def month_last_day(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def split_months(
    start: dt.date, end: dt.date
) -> tuple[tuple[dt.date, dt.date] | None, list[tuple[dt.date, dt.date]]]:
    """[start, end] as (the first days of its whole months, first to last, or None) and the
    day ranges left at either end."""
    first = start if start.day == 1 else month_last_day(start) + dt.timedelta(days=1)
    last_month = end.replace(day=1) if end == month_last_day(end) else None
    if last_month is None:
        last_month = end.replace(day=1) - dt.timedelta(days=1)
        last_month = last_month.replace(day=1)
    if first > last_month:  # no whole month inside
        return None, [(start, end)]
    edges = []
    if start < first:
        edges.append((start, first - dt.timedelta(days=1)))
    tail = month_last_day(last_month) + dt.timedelta(days=1)
    if tail <= end:
        edges.append((tail, end))
    return (first, last_month), edges


# --- scope -----------------------------------------------------------------------------------


def province_unit_get(province_code: str) -> Unit:
    units = Unit.objects.filter(kind=UnitKind.PROVINCE, province_code=province_code)
    unit = units.in_force_on(timezone.localdate()).order_by("path").first() or units.first()
    if unit is None:
        raise NotFound(_("No such province."))
    return unit


def report_scope(
    *, user: Any, province_code: str, unit_code: str | None = None
) -> tuple[Unit, Unit]:
    """(the provincial post, the unit reported on). ``user`` None is the console (everything).
    Without ``unit_code`` the province, or the user's own unit when they see only part of it.
    Outside the user's scope: NotFound."""
    province = province_unit_get(province_code)
    if unit_code:
        unit = Unit.objects.filter(code=unit_code, path__startswith=province.path).first()
        if unit is None:
            raise NotFound(_("No such unit."))
    else:
        unit = province
    if user is not None and not access.in_scope(user, unit.path):
        own = getattr(user, "unit", None)
        if unit_code or own is None or not access.in_scope(user, own.path):
            raise NotFound(_("No such province in your scope."))
        if not own.path.startswith(province.path):
            raise NotFound(_("No such province in your scope."))
        unit = own
    return province, unit


def can_plan(user: Any, unit: Unit) -> bool:
    return access.has_role(user, PLANNER_ROLES) and access.in_scope(user, unit.path)


# --- plans -----------------------------------------------------------------------------------


def plan_list(
    *, user: Any, province_code: str, year: int, unit_code: str | None = None
) -> QuerySet[Plan]:
    """The plan rows set directly, in the user's scope."""
    require_reader(user)
    plans = Plan.objects.select_related("unit").filter(province_code=province_code, year=year)
    if user is not None:
        plans = plans.filter(access.scope_q(user, "unit__path"))
    if unit_code:
        plans = plans.filter(unit__code=unit_code)
    return plans.order_by("unit__path", "metric", "subject")


class PlanBook:
    """The plan rows of a province and year, resolved for any unit and subject: a unit's own
    row, else the sum of its own rows of the subject's parts (a line from its services, the
    total from the lines), else the sum of its children's plans. None when nothing is set."""

    def __init__(
        self,
        province: Unit,
        year: int,
        *,
        units: Iterable[Unit] | None = None,
        direct: dict[tuple[int, str, str], int] | None = None,
    ) -> None:
        """``units``: the provincial post's subtree, and ``direct``: the plan rows of the
        year, when they have been read already (``of_years``)."""
        self.year = year
        if units is None:
            units = Unit.objects.filter(path__startswith=province.path).only(
                "pk", "parent_id", "path", "code"
            )
        self.units = {u.pk: u for u in units}
        self.children: dict[int, list[int]] = defaultdict(list)
        for unit in self.units.values():
            if unit.parent_id in self.units:
                self.children[unit.parent_id].append(unit.pk)
        if direct is None:
            direct = {
                (unit_id, metric, subject): amount
                for unit_id, metric, subject, amount in Plan.objects.filter(
                    province_code=province.province_code, year=year
                ).values_list("unit_id", "metric", "subject", "amount")
            }
        self.direct = direct
        self._cache: dict[tuple[int, str, str], int | None] = {}

    @classmethod
    def of_years(
        cls, province: Unit, years: Collection[int], *, units: Iterable[Unit]
    ) -> dict[int, PlanBook]:
        """The books of several years of the province whose subtree is ``units``, their plan
        rows read at once."""
        direct: dict[int, dict[tuple[int, str, str], int]] = {year: {} for year in years}
        for year, unit_id, metric, subject, amount in Plan.objects.filter(
            province_code=province.province_code, year__in=list(years)
        ).values_list("year", "unit_id", "metric", "subject", "amount"):
            direct[year][(unit_id, metric, subject)] = amount
        units = list(units)
        return {year: cls(province, year, units=units, direct=direct[year]) for year in years}

    def _local(self, unit_id: int, metric: str, subject: str) -> int | None:
        amount = self.direct.get((unit_id, metric, subject))
        if amount is not None:
            return amount
        parts = [self._local(unit_id, metric, part) for part in subject_parts(subject)]
        known = [part for part in parts if part is not None]
        return sum(known) if known else None

    def get(self, unit_id: int, metric: str, subject: str = TOTAL) -> int | None:
        key = (unit_id, metric, subject)
        if key not in self._cache:
            amount = self._local(unit_id, metric, subject)
            if amount is None:
                below = [self.get(child, metric, subject) for child in self.children[unit_id]]
                known = [value for value in below if value is not None]
                amount = sum(known) if known else None
            self._cache[key] = amount
        return self._cache[key]

    def is_direct(self, unit_id: int, metric: str, subject: str) -> bool:
        return (unit_id, metric, subject) in self.direct


# --- actuals ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Cell:
    revenue: int = 0
    revenue_n: int = 0
    volume: int = 0
    volume_n: int = 0
    expense: int = 0
    expense_n: int = 0
    budget: int = 0
    budget_n: int = 0

    def add(self, other: _Cell) -> None:
        self.revenue += other.revenue
        self.revenue_n += other.revenue_n
        self.volume += other.volume
        self.volume_n += other.volume_n
        self.expense += other.expense
        self.expense_n += other.expense_n
        self.budget += other.budget
        self.budget_n += other.budget_n


_MEASURES = ("revenue", "volume", "expense", "budget")
# (period, month 1-12, child unit id or 0 for the unit itself, service)
_Key = tuple[int, int, int, str]
# Where a unit's (or a point's) figures go in a report: (child or 0, weight), weights adding
# up to 1 (a unit replaced by several successors has several).
_Targets = tuple[tuple[int, Fraction], ...]
# The weight of figures that go whole to one child: targets with it are never split.
_WHOLE = Fraction(1)


def _split(amount: int, weights: list[Fraction]) -> list[int]:
    """``amount`` in parts by ``weights``, whole numbers that add up to it exactly when the
    weights add up to 1: each part rounded down, the đồng left given to the largest
    remainders."""
    if len(weights) == 1 and weights[0] == 1:
        return [amount]
    # In whole numbers over the weights' common denominator: a history of thousands of rows
    # split by Fraction arithmetic cost a third of the report's time.
    denominator, numerators = _over_common_denominator(tuple(weights))
    exact = [amount * numerator for numerator in numerators]
    parts = [value // denominator for value in exact]
    # Weights that add up to less than 1 (a successor's own report): its share, rounded.
    left = (2 * sum(exact) + denominator) // (2 * denominator) - sum(parts)
    for index in sorted(
        range(len(weights)), key=lambda i: exact[i] - parts[i] * denominator, reverse=True
    )[: max(0, left)]:
        parts[index] += 1
    return parts


@functools.cache
def _over_common_denominator(weights: tuple[Fraction, ...]) -> tuple[int, tuple[int, ...]]:
    denominator = math.lcm(*(weight.denominator for weight in weights))
    return denominator, tuple(
        weight.numerator * (denominator // weight.denominator) for weight in weights
    )


def _month_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"(EXTRACT(YEAR FROM {column})::int * 100 + EXTRACT(MONTH FROM {column})::int)"
    return f"CAST(strftime('%%Y%%m', {column}) AS INTEGER)"


class Figures:
    """The actuals of a unit subtree over a period and the same period a year before, from
    the ledger's daily rollup and the imported history, per month, child unit and service.

    With ``end`` (a period that runs on after ``date_to``, the last day lived): the period is
    estimated ("ước thực hiện"): the current figures are the actuals up to ``date_to`` plus
    the figures of the days from ``date_to`` to ``end`` a year before (``ESTIMATED``), and
    the previous figures are those of the whole period a year before, ``previous_end``.
    ``date_to`` and ``previous_to`` stay the lived days, which the services' own sections
    compare (this year to date against the same days a year before). The imported history
    (monthly) of the month of ``previous_to`` counts as lived."""

    def __init__(
        self,
        *,
        province: Unit,
        unit: Unit,
        date_from: dt.date,
        date_to: dt.date,
        end: dt.date | None = None,
    ) -> None:
        self.province, self.unit = province, unit
        self.date_from, self.date_to = date_from, date_to
        self.previous_from, self.previous_to = shift_year(date_from, -1), shift_year(date_to, -1)
        self.estimated = end is not None and end > date_to
        self.end = end if end is not None and self.estimated else date_to
        self.previous_end = shift_year(self.end, -1)
        code = province.province_code
        # The units of the province (whose figures count), the unit's children and the
        # provincial post's subtree (its plans, ``province_units``), in one read.
        units = list(
            Unit.objects.filter(
                Q(province_code=code) | Q(parent=unit) | Q(path__startswith=province.path)
            )
        )
        self.province_units = [u for u in units if u.path.startswith(province.path)]
        self.codes = {u.pk: u.code for u in units}
        self._successions(units)
        self.children = sorted(
            (u for u in units if u.parent_id == unit.pk and u.pk not in self.carried),
            key=lambda child: child.code,
        )
        # Every point of the province: its unit, its unit's path and its kind.
        self.points = {
            pk: (unit_id, path, kind)
            for pk, unit_id, path, kind in ServicePoint.objects.filter(
                province_code=code
            ).values_list("pk", "unit_id", "unit_path", "kind")
        }
        self.cells: dict[_Key, _Cell] = defaultdict(_Cell)
        self._load()

    @functools.cached_property
    def _names(self) -> dict[str, dict[int, str]]:
        """The names of the province's telecom operators, insurers and press titles by id:
        one read, the first time a section asks for one of them."""
        out: dict[str, dict[int, str]] = {"operator": {}, "insurer": {}, "title": {}}
        reads = [
            model.objects.filter(province_code=self.province.province_code)
            .annotate(of=Value(of, output_field=CharField()))
            .order_by()
            .values_list("of", "pk", "name")
            for model, of in ((Operator, "operator"), (Insurer, "insurer"), (Title, "title"))
        ]
        for of, pk, name in reads[0].union(*reads[1:], all=True).order_by():
            out[of][pk] = name
        return out

    def names(self, of: str) -> dict[int, str]:
        """The names of the province's ``operator``s, ``insurer``s or ``title``s by id."""
        return self._names[of]

    def points_of(self, unit: Unit | None) -> dict[int, tuple[str, str]]:
        """The points of ``unit``'s subtree (the province's for None), each with its unit's
        path and kind: what a service's ``SubtreeFigures`` reads of them."""
        return {
            pk: (path, kind)
            for pk, (_unit_id, path, kind) in self.points.items()
            if unit is None or path.startswith(unit.path)
        }

    def _successions(self, units: list[Unit]) -> None:
        """The units of the province replaced before the period's end by successors
        (``UnitSuccession``): their figures are carried to the successors by share, and they
        are no child of their own."""
        self.successors: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for before, after, share in UnitSuccession.objects.filter(
            predecessor__province_code=self.province.province_code
        ).values_list("predecessor_id", "successor_id", "share_bp"):
            self.successors[before].append((after, share))
        self.units_of_province: dict[int, tuple[str, dt.date | None]] = {
            u.pk: (u.path, u.valid_to)
            for u in units
            if u.province_code == self.province.province_code
        }
        self.carried = set()
        for pk in self.successors:
            _path, valid_to = self.units_of_province.get(pk, ("", None))
            if valid_to is not None and valid_to < self.date_to:
                self.carried.add(pk)

    def _resolve(self, unit_id: int, depth: int = 0) -> list[tuple[int, Fraction]]:
        """(unit, weight) that ``unit_id``'s figures go to: itself, or its successors'
        (theirs in turn when they were replaced too) by share."""
        if unit_id not in self.carried or depth > 8:
            return [(unit_id, Fraction(1))]
        return [
            (final, weight * Fraction(share, 10_000))
            for after, share in self.successors[unit_id]
            for final, weight in self._resolve(after, depth + 1)
        ]

    def _targets(self, unit_id: int) -> _Targets:
        """(child, weight) of the figures of ``unit_id`` in this report; empty when they do
        not count here."""
        out: dict[int, Fraction] = defaultdict(Fraction)
        for final, weight in self._resolve(unit_id):
            path = self.units_of_province.get(final, ("", None))[0]
            if path.startswith(self.unit.path):
                out[self._child_of_path(path)] += weight
        if len(out) == 1 and next(iter(out.values())) == 1:
            return ((next(iter(out)), _WHOLE),)
        return tuple(out.items())

    def mapping(self) -> list[dict[str, Any]]:
        """The successions this report used: each replaced unit and its successors' shares."""
        used = [pk for pk in sorted(self.carried) if self._targets(pk)]
        if not used:
            return []
        named = {*used, *(a for u in used for a, _s in self.successors[u])}
        names = {pk: code for pk, code in self.codes.items() if pk in named}
        if named - set(names):  # a successor outside the province
            names.update(Unit.objects.filter(pk__in=named).values_list("pk", "code"))
        return [
            {
                "code": names[pk],
                "to": [
                    {"code": names[after], "share_pct": share / 100}
                    for after, share in sorted(self.successors[pk], key=lambda one: names[one[0]])
                ],
            }
            for pk in sorted(used, key=lambda one: names[one])
        ]

    def _child_of_path(self, path: str) -> int:
        for child in self.children:
            if path.startswith(child.path):
                return int(child.pk)
        return 0

    def _period(self, year: int) -> int:
        return CURRENT if year == self.date_to.year else PREVIOUS

    def _load(self) -> None:
        province_code = self.province.province_code
        whole = self.unit.pk == self.province.pk
        # Every unit whose figures count here, with where they go: the subtree's units and
        # the units replaced by them.
        self.unit_targets: dict[int, _Targets] = {}
        for pk in self.units_of_province:
            targets = self._targets(pk)
            if targets:
                self.unit_targets[pk] = targets
        point_child = {
            pk: self.unit_targets[unit_id]
            for pk, (unit_id, _path, _kind) in self.points.items()
            if unit_id in self.unit_targets
        }
        self._load_rollup(province_code, whole, point_child)
        self._load_history(province_code, point_child)
        self._index()

    def _load_rollup(
        self, province_code: str, whole: bool, point_child: dict[int, _Targets]
    ) -> None:
        """Whole months from MonthlyFigure, the days of a month cut by the period from
        DailyFigure (and the days estimated, a year before): a GROUP BY of each, per point,
        service and month, in one statement."""
        # (the ranges, the periods their rows go to: None for the period of their year)
        asked: list[tuple[list[tuple[dt.date, dt.date]], tuple[int, ...] | None]] = [
            ([(self.date_from, self.date_to), (self.previous_from, self.previous_to)], None)
        ]
        if self.estimated:
            rest = [(self.previous_to + dt.timedelta(days=1), self.previous_end)]
            asked.append((rest, (PREVIOUS, ESTIMATED)))
        reads: list[tuple[Any, str, list[tuple[dt.date, dt.date]], tuple[int, ...] | None]] = []
        for ranges, periods in asked:
            months: list[tuple[dt.date, dt.date]] = []
            days: list[tuple[dt.date, dt.date]] = []
            for start, end in ranges:
                whole_months, edges = split_months(start, end)
                if whole_months is not None:
                    months.append(whole_months)
                days += edges
            if months:
                reads.append((MonthlyFigure, "month", months, periods))
            if days:
                reads.append((DailyFigure, "date", days, periods))
        rows = self._rollup_rows(
            [(model, column, ranges) for model, column, ranges, _periods in reads],
            province_code,
            whole,
            point_child,
            self.unit_targets,
        )
        whole_row: _Targets = ((0, _WHOLE),)  # a province-wide row: the unit itself
        for read, point_id, unit_id, service, ym, revenue, volume, expense, budget in rows:
            ym = int(ym)
            if point_id is not None:
                targets = point_child.get(point_id, whole_row)
            elif unit_id is not None:
                targets = self.unit_targets.get(unit_id, whole_row)
            else:
                targets = whole_row
            for period in reads[read][3] or (self._period(ym // 100),):
                self._add_split(
                    period, ym % 100, targets, service, revenue, volume, expense, budget
                )

    @staticmethod
    def _rollup_rows(
        reads: list[tuple[Any, str, list[tuple[dt.date, dt.date]]]],
        province_code: str,
        whole: bool,
        point_child: dict[int, _Targets],
        unit_child: dict[int, _Targets],
    ) -> list[Any]:
        """Rows of (the read's index, point, unit, service, yyyymm, revenue, volume,
        expense, budget) of each read (a rollup model, its date column and the ranges of
        it), in one statement."""
        if not reads:
            return []
        ops = connection.ops
        pg = connection.vendor == "postgresql"
        whole_number = "::bigint" if pg else ""  # SUM of bigint is numeric on PostgreSQL
        sums = ", ".join(
            f"SUM({name}){whole_number}" for name in ("revenue", "volume", "expense", "budget")
        )
        selects: list[str] = []
        params: list[Any] = []
        for index, (model, column, ranges) in enumerate(reads):
            table = ops.quote_name(model._meta.db_table)
            params.append(province_code)
            spans = []
            for start, end in ranges:
                spans.append(f"{column} BETWEEN %s AND %s")
                params += [ops.adapt_datefield_value(start), ops.adapt_datefield_value(end)]
            where = ""
            if not whole:
                # The subtree's points, and the costs its units booked without a point.
                # (no id is 0: an empty list is no SQL on PostgreSQL)
                points, units = sorted(point_child) or [0], sorted(unit_child) or [0]
                where = (
                    f" AND (point_id IN ({', '.join(['%s'] * len(points))})"
                    f" OR (point_id IS NULL AND unit_id IN ({', '.join(['%s'] * len(units))})))"
                )
                params += points + units
            month = _month_sql(column)
            selects.append(
                f"SELECT {index:d} AS part, point_id, unit_id, service, {month} AS ym, {sums} "
                f"FROM {table} WHERE province_code = %s AND ({' OR '.join(spans)}){where} "
                f"GROUP BY point_id, unit_id, service, {month}"
            )
        sql = " UNION ALL ".join(selects)
        if not pg:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return list(cursor.fetchall())
        # On PostgreSQL, aggregate in memory rather than sort on disk, and skip JIT
        # compilation, which costs more than it saves on a query of this size: settings of
        # this statement's transaction only. Bound on the client (Django's default), the
        # settings and the query go as one string, which the server runs as one transaction.
        import psycopg

        settings = ["SET LOCAL work_mem = '64MB'", "SET LOCAL jit = off"]
        with connection.cursor() as cursor:
            if isinstance(cursor.cursor, psycopg.ClientCursor):
                cursor.execute("; ".join([*settings, sql]), params)
                while cursor.description is None and cursor.nextset():
                    pass  # past the SETs, to the rows
                return list(cursor.fetchall())
        with transaction.atomic(), connection.cursor() as cursor:
            for setting in settings:
                cursor.execute(setting)
            cursor.execute(sql, params)
            return list(cursor.fetchall())

    def _add_split(
        self,
        period: int,
        month: int,
        targets: _Targets,
        service: str,
        revenue: Any,
        volume: Any,
        expense: Any,
        budget: Any,
    ) -> None:
        """Add a row's figures to its children: whole to one, or split by the successions'
        weights, each figure's parts adding up to it exactly."""
        if targets[0][1] is _WHOLE:
            self._add_cell(
                (period, month, targets[0][0], service), service, revenue, volume, expense, budget
            )
            return
        weights = [weight for _child, weight in targets]
        parts = [_split(int(value or 0), weights) for value in (revenue, volume, expense, budget)]
        for index, (child, _weight) in enumerate(targets):
            self._add_cell(
                (period, month, child, service),
                service,
                *(part[index] for part in parts),
            )

    def _add_cell(
        self, key: _Key, service: str, revenue: Any, volume: Any, expense: Any, budget: Any
    ) -> None:
        cell = self.cells[key]
        revenue, expense, budget = int(revenue), int(expense), int(budget)
        cell.revenue += revenue
        if service or revenue:
            cell.revenue_n += 1
        if service:
            cell.volume += int(volume)
            cell.volume_n += 1
        if expense:
            cell.expense += expense
            cell.expense_n += 1
        if budget:
            cell.budget += budget
            cell.budget_n += 1

    def _months(self, start: dt.date, end: dt.date) -> Q:
        """History months that lie within [start, end] (by their first day)."""
        return Q(month__gte=start.replace(day=1), month__lte=end)

    def _history_periods(self, month: dt.date) -> tuple[int, ...]:
        if self.estimated and self.previous_to < month <= self.previous_end:
            return (PREVIOUS, ESTIMATED)
        return (self._period(month.year),)

    def _load_history(self, province_code: str, point_child: dict[int, _Targets]) -> None:
        in_periods = self._months(self.date_from, self.date_to) | self._months(
            self.previous_from, self.previous_end
        )
        # The revenue history and the costs' and budget's of the province, in one read:
        # (None, ...) for the revenue of a service, (its kind, ...) for the others.
        revenue = (
            RevenueHistory.objects.filter(province_code=province_code)
            .filter(in_periods)
            .annotate(kind=Value(None, output_field=CharField()))
            .order_by()
            .values_list("kind", "month", "unit_id", "service", "amount", "volume", "point_id")
        )
        finance = (
            FinanceHistory.objects.filter(province_code=province_code)
            .filter(in_periods)
            .annotate(
                service=Value("", output_field=CharField()),
                volume=Value(None, output_field=BigIntegerField()),
                point=Value(None, output_field=BigIntegerField()),
            )
            .order_by()
            .values_list("kind", "month", "unit_id", "service", "amount", "volume", "point")
        )
        found = list(revenue.union(finance, all=True).order_by())
        # The services' history of the province (``SubtreeFigures.over``'s rows).
        self.history: list[HistoryRow] = [
            (service, point_id, self.units_of_province[unit_id][0], month, volume, amount)
            for kind, month, unit_id, service, amount, volume, point_id in found
            if kind is None and unit_id in self.units_of_province
        ]
        # Those of the units whose figures count here.
        rows = [row[:6] for row in found if row[2] in self.unit_targets]
        for kind, month, unit_id, service, amount, volume in rows:
            if kind is not None:
                continue
            targets = self.unit_targets[unit_id]
            if targets[0][1] is _WHOLE:  # (most) no split to work out
                amounts, volumes = [amount], None if volume is None else [volume]
            else:
                weights = [weight for _child, weight in targets]
                amounts = _split(amount, weights)
                volumes = _split(volume, weights) if volume is not None else None
            for period in self._history_periods(month):
                for index, (child, _weight) in enumerate(targets):
                    cell = self.cells[(period, month.month, child, service)]
                    cell.revenue += amounts[index]
                    cell.revenue_n += 1
                    if volumes is not None:
                        cell.volume += volumes[index]
                        cell.volume_n += 1
        for kind, month, unit_id, _service, amount, _volume in rows:
            if kind is None:
                continue
            targets = self.unit_targets[unit_id]
            if targets[0][1] is _WHOLE:
                amounts = [amount]
            else:
                amounts = _split(amount, [weight for _child, weight in targets])
            for period in self._history_periods(month):
                for index, (child, _weight) in enumerate(targets):
                    cell = self.cells[(period, month.month, child, "")]
                    if kind == FinanceKind.EXPENSE:
                        cell.expense += amounts[index]
                        cell.expense_n += 1
                    else:
                        cell.budget += amounts[index]
                        cell.budget_n += 1

    def _index(self) -> None:
        """Sums per (period, service), (period, month) and (period, child)."""
        self.by_service: dict[tuple[int, str], _Cell] = defaultdict(_Cell)
        self.by_month: dict[tuple[int, int], _Cell] = defaultdict(_Cell)
        self.by_child: dict[tuple[int, int], _Cell] = defaultdict(_Cell)
        self.by_period: dict[int, _Cell] = defaultdict(_Cell)
        by_service, by_month, by_child = self.by_service, self.by_month, self.by_child
        for (period, month, child, service), cell in self.cells.items():
            by_service[(period, service)].add(cell)
            by_month[(period, month)].add(cell)
            by_child[(period, child)].add(cell)
        # A period's sum is its months' (every cell is of one month): a few dozen additions
        # instead of one per cell.
        for (period, _month), cell in by_month.items():
            self.by_period[period].add(cell)

    def total(
        self,
        measure: str,
        period: int,
        *,
        services: Iterable[str] | None = None,
        month: int | None = None,
        child: int | None = None,
        lived: bool = False,
    ) -> int | None:
        """The sum of ``measure`` (revenue, volume, expense, budget) in a period: of some
        services, or of one month, or of one child unit, or of everything. None when the
        period has no data for the measure at all (before the system and its history); 0
        for services or a unit with nothing in a period that has data (a unit that earned
        nothing earned 0, it is not unknown). ``CURRENT`` of an estimated period is its
        actuals plus the days estimated (only its actuals when ``lived``)."""
        estimating = period == CURRENT and self.estimated and not lived
        periods = (CURRENT, ESTIMATED) if estimating else (period,)
        if services is not None:
            cells = [self.by_service.get((p, service)) for p in periods for service in services]
        elif month is not None:
            cells = [self.by_month.get((p, month)) for p in periods]
        elif child is not None:
            cells = [self.by_child.get((p, child)) for p in periods]
        else:
            cells = [self.by_period.get(p) for p in periods]
        amount = count = 0
        for cell in cells:
            if cell is not None and getattr(cell, f"{measure}_n"):
                amount += getattr(cell, measure)
                count += getattr(cell, f"{measure}_n")
        if count or month is not None or (services is None and child is None):
            return amount if count else None
        if any(cell is not None for cell in cells):
            return None  # a row without this measure (a service whose volume is not kept)
        whole = (self.by_period.get(p) for p in periods)
        covered = any(cell is not None and getattr(cell, f"{measure}_n") for cell in whole)
        return 0 if covered else None


# --- the network at a day --------------------------------------------------------------------


def network_change(*, unit: Unit, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """The points of the unit's subtree that opened in the period (their first day of
    service in it) and that closed in it (their first day without service in it), by kind."""
    opened_in = Q(opened_on__gte=date_from, opened_on__lte=date_to)
    closed_in = Q(closed_on__gte=date_from, closed_on__lte=date_to)
    rows = (
        ServicePoint.objects.filter(opened_in | closed_in, unit_path__startswith=unit.path)
        .order_by()
        .values_list("kind")
        .annotate(opened=Count("pk", filter=opened_in), closed=Count("pk", filter=closed_in))
    )
    opened, closed = {}, {}
    for kind, n_opened, n_closed in rows:
        if n_opened:
            opened[kind] = n_opened
        if n_closed:
            closed[kind] = n_closed
    return {
        "opened": sum(opened.values()),
        "closed": sum(closed.values()),
        "opened_by_kind": {kind: opened[kind] for kind in PointKind.values if kind in opened},
        "closed_by_kind": {kind: closed[kind] for kind in PointKind.values if kind in closed},
    }


def network_at(*, province: Unit, unit: Unit, day: dt.date) -> dict[str, Any]:
    """The points serving on ``day`` in the unit's subtree, by kind; the communes covered (a
    commune with a counter), out of all the province's communes when the unit is the
    province (a smaller unit has no commune list of its own: total and % are null)."""
    points = ServicePoint.objects.in_force_on(day).filter(unit_path__startswith=unit.path)
    cashless = Q(cashless=True)
    if apps.is_installed("buudien.cashless"):
        cashless |= Q(cashless_record__since__lte=day)
    # The points serving that day, each with its kind, communes and whether it took cashless
    # payments by then, in one read.
    rows = list(
        points.order_by()
        .annotate(is_cashless=ExpressionWrapper(cashless, output_field=BooleanField()))
        .values_list("kind", "commune", "commune_legacy", "is_cashless")
    )
    counts = Counter(kind for kind, _commune, _legacy, _cashless in rows)
    by_kind = {kind: counts.get(kind, 0) for kind in PointKind.values}
    structure = AdminAreaStructure.in_force_on(day)
    communes = set(
        AdminArea.objects.in_force_on(day)
        .filter(
            structure=structure,
            level=AdminAreaLevel.COMMUNE,
            province_code=province.province_code,
        )
        .values_list("pk", flat=True)
    )
    with_counter = set(PointKind.with_counter())
    covered = network_selectors.communes_of(
        [(commune, legacy) for kind, commune, legacy, _c in rows if kind in with_counter],
        day,
        communes,
    )
    communes_total = (len(communes) or None) if unit.pk == province.pk else None
    communes_covered = len(covered & communes)
    return {
        "as_of": day.isoformat(),
        "points_by_kind": by_kind,
        "points_total": sum(by_kind.values()),
        "bdvhx_multi_service": _multi_service(points.filter(kind=PointKind.BDVHX)),
        "cashless_points": sum(1 for *_point, is_cashless in rows if is_cashless),
        "communes_total": communes_total,
        "communes_covered": communes_covered,
        "coverage_pct": pct(communes_covered, communes_total),
    }


def _multi_service(points: QuerySet[ServicePoint]) -> int:
    return network_selectors.multi_service_ids(points).count()


# --- the report ------------------------------------------------------------------------------


def _figure(actual: int | None, plan: int | None, previous: int | None) -> dict[str, Any]:
    return {
        "actual": actual,
        "plan": plan,
        "plan_pct": pct(actual, plan),
        "previous": previous,
        "growth_pct": growth(actual, previous),
    }


def _period_plan(
    province_code: str, date_from: dt.date, date_to: dt.date, revenue: dict[str, Any]
) -> dict[str, Any] | None:
    """For a period shorter than the year: its share of the year, the revenue plan for it
    (the year's plan × that share) and the revenue against it; None for a year. The share
    is the period's part of last year's revenue when last year has revenue in every month
    and the period is whole months (the seasons: a first quarter with Tết is not a quarter
    of the year), else its share of the year's days."""
    first, last = year_bounds(date_from.year)
    if (date_from, date_to) == (first, last):
        return None
    share = Fraction((date_to - date_from).days + 1, (last - first).days + 1)
    basis = "days"
    months = _seasons(province_code, date_from.year - 1)
    whole = date_from.day == 1 and (date_to + dt.timedelta(days=1)).day == 1
    if months is not None and whole:
        share = Fraction(
            sum(months[m] for m in range(date_from.month, date_to.month + 1)), sum(months.values())
        )
        basis = "last_year"
    plan = revenue.get("plan")
    part = int(plan * share) if plan is not None else None
    return {
        "share_pct": round(float(share) * 100, 1),
        "basis": basis,
        "revenue_plan": part,
        "revenue_plan_pct": pct(revenue.get("actual"), part),
    }


def _seasons(province_code: str, year: int) -> dict[int, int] | None:
    """The province's revenue in each month of ``year`` (the ledger's monthly rollup and the
    imported history), or None unless every month has some: two aggregate queries."""
    months: dict[int, int] = dict.fromkeys(range(1, 13), 0)
    start, end = year_bounds(year)
    for month, amount in (
        MonthlyFigure.objects.filter(province_code=province_code, month__range=(start, end))
        .values_list("month")
        .annotate(total=Sum("revenue"))
        .order_by()
    ):
        months[month.month] += amount or 0
    for month, amount in (
        RevenueHistory.objects.filter(province_code=province_code, month__range=(start, end))
        .values_list("month")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        months[month.month] += amount or 0
    return months if all(amount > 0 for amount in months.values()) else None


def _minus(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a - b


def on_time_rate(
    *, province: Unit, unit: Unit, periods: list[tuple[dt.date, dt.date]]
) -> list[float | None]:
    """The % of items delivered in each of ``periods`` (from, to) by the offices of
    ``unit``'s subtree that were on time, from the delivery rollup: one aggregate query."""
    spans = [Q(day__gte=start, day__lte=end) for start, end in periods]
    rows = DeliveryRollup.objects.filter(
        functools.reduce(operator.or_, spans), province_code=province.province_code
    )
    if unit.pk != province.pk:
        codes = ServicePoint.objects.filter(unit_path__startswith=unit.path).values("code")
        rows = rows.filter(office_code__in=codes)
    found = rows.aggregate(
        **{
            f"{name}_{index}": Sum(name, filter=span)
            for index, span in enumerate(spans)
            for name in ("delivered", "on_time")
        }
    )
    return [pct(found[f"on_time_{i}"], found[f"delivered_{i}"]) for i in range(len(spans))]


def _compare(actual: int | None, previous: int | None) -> dict[str, Any]:
    return {"actual": actual, "previous": previous, "growth_pct": growth(actual, previous)}


def _history_volume(
    figures: Figures, *, unit: Unit, service: str, date_from: dt.date, date_to: dt.date
) -> int | None:
    """The imported history's volume of ``service`` in the subtree over the months of the
    period (the months before go-live), None when it has none: from the history
    ``figures`` has read."""
    volumes = [
        volume
        for found, _point, path, month, volume, _amount in figures.history
        if found == service
        and volume is not None
        and path.startswith(unit.path)
        and date_from.replace(day=1) <= month <= date_to
    ]
    return sum(volumes) if volumes else None


def cost_groups(
    *, province: Unit, unit: Unit, figures: Figures, totals: tuple[int | None, int | None]
) -> dict[str, Any]:
    """The costs by group of accounts (632, 641, 642, 635, 811) and by category within each,
    this period (estimated like the total) against the same period a year before; what the
    categories do not explain (imported history, costs on province-wide accounts of
    operations at the subtree's points) is ``not_classified``."""
    ranges = {
        "current": (figures.date_from, figures.date_to),
        "previous": (figures.previous_from, figures.previous_to),
    }
    if figures.estimated:
        ranges["rest"] = (figures.previous_to + dt.timedelta(days=1), figures.previous_end)
    found = finance_figures.costs_by_category(
        province_code=province.province_code,
        unit_path=unit.path,
        whole=unit.pk == province.pk,
        ranges=ranges,
    )
    by_category = {
        code: (
            sums["current"] + sums.get("rest", 0) or None,
            sums["previous"] + sums.get("rest", 0) or None,
        )
        for code, sums in found.items()
    }
    groups = []
    for group, name in finance_costs.GROUPS.items():
        members = [
            {
                "code": category.code,
                "name": str(category.name),
                **_compare(*by_category[category.code]),
            }
            for category in finance_costs.CATEGORIES
            if category.group == group and category.code in by_category
        ]
        if members:
            actual = sum(m["actual"] or 0 for m in members) or None
            previous = sum(m["previous"] or 0 for m in members) or None
            groups.append(
                {
                    "code": group,
                    "name": str(name),
                    **_compare(actual, previous),
                    "categories": members,
                }
            )
    classified = [
        sum(amounts[i] or 0 for code, amounts in by_category.items() if code) for i in (0, 1)
    ]
    rest = [
        (total - done) if total is not None else None
        for total, done in zip(totals, classified, strict=True)
    ]
    return {
        "groups": groups,
        "not_classified": {"actual": rest[0] or None, "previous": rest[1] or None},
    }


def budget_parts(
    *, province: Unit, unit: Unit, figures: Figures, totals: tuple[int | None, int | None]
) -> dict[str, Any]:
    """The payments to the budget by tax and by level (central, local), this period
    (estimated like the total) against the same period a year before; what the recorded
    payments do not explain (entries posted by hand, imported history) is
    ``not_classified``. The province pays: a unit below it has no payments of its own."""
    if unit.pk != province.pk:
        return {"by_tax": [], "by_level": {}, "not_classified": {"actual": None, "previous": None}}
    ranges = {
        "current": (figures.date_from, figures.date_to),
        "previous": (figures.previous_from, figures.previous_to),
    }
    if figures.estimated:
        ranges["rest"] = (figures.previous_to + dt.timedelta(days=1), figures.previous_end)
    found = finance_budget.paid_by_tax_and_level(
        province_code=province.province_code, ranges=ranges
    )
    pairs = {
        key: (sums["current"] + sums.get("rest", 0), sums["previous"] + sums.get("rest", 0))
        for key, sums in found.items()
    }
    by_tax = []
    for tax in Tax:
        amounts = [sum(v[i] for (t, _l), v in pairs.items() if t == tax.value) for i in (0, 1)]
        if any(amounts):
            by_tax.append(
                {
                    "code": tax.value,
                    "name": str(tax.label),
                    **_compare(*(a or None for a in amounts)),
                }
            )
    by_level = {}
    for level in BudgetLevel:
        amounts = [sum(v[i] for (_t, lv), v in pairs.items() if lv == level.value) for i in (0, 1)]
        if any(amounts):
            by_level[level.value] = _compare(*(a or None for a in amounts))
    known = [sum(v[i] for v in pairs.values()) for i in (0, 1)]
    rest = [
        (total - done) if total is not None else None
        for total, done in zip(totals, known, strict=True)
    ]
    return {
        "by_tax": by_tax,
        "by_level": by_level,
        "not_classified": {"actual": rest[0] or None, "previous": rest[1] or None},
    }


def partners_finance(*, province: Unit, unit: Unit, figures: Figures) -> dict[str, Any]:
    """Payment accounts opened (the accounts recorded at the counters, online and at the
    counter, plus the imported history's volume for the months before go-live, which has
    no channel) and the savings balance mobilised as at the period's end, against the
    same period a year before."""
    code = province.province_code
    periods = [
        (figures.date_from, figures.date_to),
        (figures.previous_from, figures.previous_to),
    ]
    live = agency_figures.accounts_opened_in(
        province_code=code, unit_path=unit.path, periods=periods
    )
    opened: list[int | None] = []
    for (start, end), found in zip(periods, live, strict=True):
        history = _history_volume(
            figures, unit=unit, service=Service.PAYMENT_ACCOUNT, date_from=start, date_to=end
        )
        parts = [n for n in (found.total if found else None, history) if n is not None]
        opened.append(sum(parts) if parts else None)
    # (the channels of the period, else of the year before)
    channels = live[0] if live[0] is not None else live[1]
    # A balance is known up to today: a period still running is stated as at today, and
    # last year's as at the same date.
    today = timezone.localdate()
    shift = max(0, (figures.date_to - today).days)
    as_at = [end - dt.timedelta(days=shift) for _start, end in periods]
    savings = agency_figures.savings_balances(province_code=code, unit_path=unit.path, days=as_at)
    return {
        "payment_accounts": {
            **_compare(opened[0], opened[1]),
            "online": channels.online if channels else None,
            "counter": channels.counter if channels else None,
        },
        "savings": {
            "as_at": as_at[0].isoformat(),
            **_compare(
                savings[0].balance if savings[0] else None,
                savings[1].balance if savings[1] else None,
            ),
            "books": savings[0].books if savings[0] else None,
        },
    }


def both_periods[F: SubtreeFigures[Any, Any]](
    make: type[F], *, province: Unit, unit: Unit, figures: Figures
) -> tuple[F, F]:
    """``make``'s figures (a service's ``SubtreeFigures``) of ``unit``'s subtree over the
    period of ``figures`` and over the same period a year before, given the points
    ``figures`` has read: both periods in one query of the rollup and one of the history."""
    scope = None if unit.pk == province.pk else unit
    now, before = make.over(
        [(figures.date_from, figures.date_to), (figures.previous_from, figures.previous_to)],
        province_code=province.province_code,
        unit=scope,
        points=figures.points_of(scope),
        history=figures.history,
    )
    return now, before


def public_admin(
    *, province: Unit, unit: Unit, children: list[Unit], figures: Figures
) -> dict[str, Any]:
    """The report's section of administrative dossiers (see the module docstring) over the
    period of ``figures`` and the same period a year before, per child unit too."""
    now, before = both_periods(DossierFigures, province=province, unit=unit, figures=figures)
    this, last = now.total(), before.total()
    units_now, units_before = now.by_unit(children), before.by_unit(children)
    return {
        "received": _compare(this.received, last.received),
        "returned": _compare(this.returned, last.returned),
        "on_time_pct": {"actual": this.on_time_pct, "previous": last.on_time_pct},
        "agency_fees": _compare(this.agency_fees, last.agency_fees),
        "fees_passed_on": _compare(*dossiers_fees_passed_on([now, before])),
        "charges": _compare(this.charges, last.charges),
        "per_unit": [
            {
                "code": child.code,
                "name": child.name,
                "kind": child.kind,
                "received": units_now[child.pk].received,
                "received_previous": units_before[child.pk].received,
                "returned": units_now[child.pk].returned,
                "on_time_pct": units_now[child.pk].on_time_pct,
                "agency_fees": units_now[child.pk].agency_fees,
                "charges": units_now[child.pk].charges,
            }
            for child in children
        ],
    }


def goods(*, province: Unit, unit: Unit, figures: Figures) -> dict[str, Any]:
    """The report's section of goods (see the module docstring) over the period of
    ``figures`` against the same period a year before."""
    scope = None if unit.pk == province.pk else unit
    code = province.province_code
    now, before = both_periods(
        goods_figures.GoodsFigures, province=province, unit=unit, figures=figures
    )
    this, last = now.total(), before.total()
    bdvhx, bdvhx_last = now.bdvhx(), before.bdvhx()
    stock = goods_figures.stock_values(
        province_code=code, unit=scope, days=[figures.date_to, figures.previous_to]
    )
    groups, groups_last = now.by_group(), before.by_group()
    per_group = []
    for group, label in ProductGroup.choices:
        if group not in groups and group not in groups_last:
            continue
        tally = groups.get(group, goods_figures.Tally())
        previous = groups_last.get(group, goods_figures.Tally())
        per_group.append(
            {
                "code": group,
                "name": str(label),
                "revenue": tally.revenue,
                "revenue_previous": previous.revenue,
                "growth_pct": growth(tally.revenue, previous.revenue),
                "cost": tally.cost,
                "gross_margin": tally.margin,
                "margin_pct": tally.margin_pct,
                "units_sold": tally.units,
            }
        )
    return {
        "revenue": _compare(this.revenue, last.revenue),
        "cost": _compare(this.cost, last.cost),
        "gross_margin": _compare(this.margin, last.margin),
        "margin_pct": {"actual": this.margin_pct, "previous": last.margin_pct},
        "units_sold": _compare(this.units, last.units),
        "bdvhx_revenue": _compare(bdvhx.revenue, bdvhx_last.revenue),
        "stock_value": _compare(*stock),
        "per_group": per_group,
    }


def telecom(*, province: Unit, unit: Unit, figures: Figures) -> dict[str, Any]:
    """The report's section of telecom (see the module docstring) over the period of
    ``figures`` against the same period a year before."""
    now, before = both_periods(
        telecom_figures.TelecomFigures, province=province, unit=unit, figures=figures
    )
    this, last = now.total(), before.total()
    bdvhx, bdvhx_last = now.bdvhx(), before.bdvhx()
    names = figures.names("operator")

    def rows(
        found: dict[Any, telecom_figures.Tally],
        found_last: dict[Any, telecom_figures.Tally],
        labels: list[tuple[Any, str]],
    ) -> list[dict[str, Any]]:
        out = []
        for key, label in labels:
            if key not in found and key not in found_last:
                continue
            tally = found.get(key, telecom_figures.Tally())
            previous = found_last.get(key, telecom_figures.Tally())
            out.append(
                {
                    "code": str(key),
                    "name": label,
                    "sales": tally.sales,
                    "face_value": tally.amount,
                    "commission": tally.commission,
                    "commission_previous": previous.commission,
                    "growth_pct": growth(tally.commission, previous.commission),
                }
            )
        return out

    return {
        "sales": _compare(this.sales, last.sales),
        "face_value": _compare(this.amount, last.amount),
        "commission": _compare(this.commission, last.commission),
        "bdvhx_sales": _compare(bdvhx.sales, bdvhx_last.sales),
        "bdvhx_share_pct": {
            "actual": telecom_figures.share_pct(bdvhx.sales, this.sales),
            "previous": telecom_figures.share_pct(bdvhx_last.sales, last.sales),
        },
        "per_kind": rows(
            now.by_kind(),
            before.by_kind(),
            [(kind, str(label)) for kind, label in TelecomKind.choices],
        ),
        "per_operator": rows(
            now.by_operator(),
            before.by_operator(),
            sorted(names.items(), key=lambda item: item[1]),
        ),
    }


def insurance(*, province: Unit, unit: Unit, figures: Figures) -> dict[str, Any]:
    """The report's section of insurance (see the module docstring) over the period of
    ``figures`` against the same period a year before."""
    now, before = both_periods(
        insurance_figures.InsuranceFigures, province=province, unit=unit, figures=figures
    )
    this, last = now.total(), before.total()
    bdvhx, bdvhx_last = now.bdvhx(), before.bdvhx()
    insurers = figures.names("insurer")
    per, per_last = now.by_insurer(), before.by_insurer()
    per_insurer = []
    for pk in sorted(set(per) | set(per_last), key=lambda pk: str(insurers.get(pk, ""))):
        tally = per.get(pk, insurance_figures.Tally())
        previous = per_last.get(pk, insurance_figures.Tally())
        per_insurer.append(
            {
                "name": insurers.get(pk, ""),
                "policies": tally.policies,
                "policies_previous": previous.policies,
                "premium": tally.premium,
                "premium_previous": previous.premium,
                "commission": tally.commission,
                "growth_pct": growth(tally.commission, previous.commission),
            }
        )
    return {
        "policies": _compare(this.policies, last.policies),
        "premium": _compare(this.premium, last.premium),
        "commission": _compare(this.commission, last.commission),
        "owed": _compare(this.owed, last.owed),
        "bdvhx_policies": _compare(bdvhx.policies, bdvhx_last.policies),
        "per_insurer": per_insurer,
    }


def press(
    *, province: Unit, unit: Unit, figures: Figures, services: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """The report's section of the press and the public press (see the module docstring)
    over the period of ``figures`` against the same period a year before; their revenue is
    the services' (``services``: the report's rows by code)."""
    now, before = both_periods(
        press_figures.PressFigures, province=province, unit=unit, figures=figures
    )
    this, last = now.total(), before.total()
    reach, reach_last = press_figures.recipients_of([now, before])
    names = figures.names("title")
    per, per_last = now.by_title(), before.by_title()
    per_title = []
    for pk in sorted(set(per) | set(per_last), key=lambda pk: str(names.get(pk, ""))):
        tally = per.get(pk, press_figures.Tally())
        previous = per_last.get(pk, press_figures.Tally())
        per_title.append(
            {
                "name": names.get(pk, ""),
                "subscriptions": tally.subscriptions,
                "subscribed_copies": tally.subscribed_copies,
                "sales": tally.sales,
                "sales_previous": previous.sales,
                "growth_pct": growth(tally.sales, previous.sales),
                "press_on_time_pct": tally.press_on_time_pct,
                "public_delivered": tally.public_delivered,
                "public_on_time_pct": tally.public_on_time_pct,
            }
        )

    def revenue(service: str) -> dict[str, Any]:
        row = services[service]
        return _compare(row["actual"], row["previous"])

    def counted(value: int, due: int | None) -> int | None:
        """A count of recipients: None when no copy was due (no data)."""
        return None if due is None else value

    return {
        "press_revenue": revenue(Service.PRESS),
        "public_press_revenue": revenue(Service.PUBLIC_PRESS),
        "subscriptions": _compare(this.subscriptions, last.subscriptions),
        "subscribed_copies": _compare(this.subscribed_copies, last.subscribed_copies),
        "sales": _compare(this.sales, last.sales),
        "margin": _compare(this.margin, last.margin),
        "press_delivered": _compare(this.press_delivered, last.press_delivered),
        "press_on_time_pct": {
            "actual": this.press_on_time_pct,
            "previous": last.press_on_time_pct,
        },
        "public_delivered": _compare(this.public_delivered, last.public_delivered),
        "public_on_time_pct": {
            "actual": this.public_on_time_pct,
            "previous": last.public_on_time_pct,
        },
        "press_reached": _compare(
            counted(reach.press_reached, this.press_due),
            counted(reach_last.press_reached, last.press_due),
        ),
        "public_reached": _compare(
            counted(reach.public_reached, this.public_due),
            counted(reach_last.public_reached, last.public_due),
        ),
        "public_never_reached": _compare(
            counted(reach.public_never_reached, this.public_due),
            counted(reach_last.public_never_reached, last.public_due),
        ),
        "communes_covered": _compare(now.communes_covered(), before.communes_covered()),
        "per_title": per_title,
    }


def care(
    *, province: Unit, unit: Unit, figures: Figures, items: tuple[int | None, int | None]
) -> dict[str, Any]:
    """The report's section of customer care (see the module docstring) over the period of
    ``figures`` against the same period a year before; ``items``: the postal items accepted
    in each (the report's ``items_by_service`` summed), for the complaints per 10,000."""
    now, before = both_periods(
        care_figures.CareFigures, province=province, unit=unit, figures=figures
    )
    this, last = now.total(), before.total()

    def per_code(
        found: dict[str, care_figures.Tally],
        found_last: dict[str, care_figures.Tally],
        labels: list[tuple[str, Any]],
        counted: str,
    ) -> list[dict[str, Any]]:
        """The rows of ``labels`` with data, the most ``counted`` first."""
        out = []
        for code, label in labels:
            if code not in found and code not in found_last:
                continue
            tally = found.get(code, care_figures.Tally())
            previous = found_last.get(code, care_figures.Tally())
            out.append(
                {
                    "code": code,
                    "name": str(label),
                    counted: getattr(tally, counted),
                    f"{counted}_previous": getattr(previous, counted),
                    "upheld": tally.upheld,
                    "on_time_pct": tally.on_time_pct,
                }
            )
        return sorted(out, key=lambda row: -(row[counted] or 0))

    return {
        "received": _compare(this.received, last.received),
        "complaints": _compare(this.complaints, last.complaints),
        "complaints_per_10000": {
            "actual": care_figures.per_items(this.complaints, items[0]),
            "previous": care_figures.per_items(last.complaints, items[1]),
        },
        "closed": _compare(this.closed, last.closed),
        "on_time_pct": {
            "actual": this.complaints_on_time_pct,
            "previous": last.complaints_on_time_pct,
        },
        "upheld": _compare(this.upheld, last.upheld),
        "compensations": _compare(this.compensations, last.compensations),
        "compensation_paid": _compare(this.compensation_paid, last.compensation_paid),
        "per_ground": per_code(
            now.by_ground(), before.by_ground(), list(Ground.choices), "complaints"
        ),
        "per_channel": per_code(
            now.by_channel(), before.by_channel(), list(Channel.choices), "received"
        ),
    }


def emulation(*, province: Unit, unit: Unit, figures: Figures) -> dict[str, Any]:
    """The report's section of emulation and commendation (see the module docstring) over
    the period of ``figures`` against the same period a year before."""
    found = emulation_figures(
        province=province,
        unit=unit,
        date_from=figures.date_from,
        date_to=figures.date_to,
        previous_from=figures.previous_from,
        previous_to=figures.previous_to,
    )
    awards, initiatives = found["awards"], found["initiatives"]
    awards["total"] = _compare(awards["total"], awards.pop("total_previous"))
    initiatives["recognised"] = _compare(
        initiatives["recognised"], initiatives.pop("recognised_previous")
    )
    return found


def _items(services: list[dict[str, Any]], key: str) -> int | None:
    """The postal items accepted (the services' volumes); None without any."""
    volumes = [row[key] for row in services if row["code"] in POSTAL_SERVICES]
    known = [volume for volume in volumes if volume is not None]
    return sum(known) if known else None


def _aim(plans: PlanBook, unit_id: int) -> float | None:
    """How far beyond its plan (%) the unit aims: its own ``uplift`` row, else its nearest
    ancestor's (an aim is a percentage, never summed over children)."""
    current: int | None = unit_id
    while current is not None and current in plans.units:
        points = plans.direct.get((current, PlanMetric.UPLIFT.value, TOTAL))
        if points is not None:
            return round(points / 100, 2)
        current = plans.units[current].parent_id
    return None


def _rate_plan(plans: PlanBook, unit_id: int) -> float | None:
    points = plans.direct.get((unit_id, PlanMetric.ON_TIME_RATE.value, TOTAL))
    return None if points is None else round(points / 100, 1)


def _quality(province: Unit, unit: Unit, figures: Figures, plans: PlanBook) -> dict[str, Any]:
    """The quality of delivery: the on-time rate of the period, its plan, last year's."""
    actual, previous = on_time_rate(
        province=province,
        unit=unit,
        periods=[
            (figures.date_from, figures.date_to),
            (figures.previous_from, figures.previous_to),
        ],
    )
    rate = {"actual": actual, "plan": _rate_plan(plans, unit.pk), "previous": previous}
    return {"on_time_rate": rate}


def report_request_checked(
    *,
    user: Any,
    province_code: str,
    year: int,
    unit: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    period: str | None = None,
    basis: str = "previous_year",
) -> tuple[dt.date, dt.date, tuple[Unit, Unit]]:
    """What ``year_report`` checks before it reads a figure (the reader, the basis, the year,
    the period, the province or unit in the reader's scope), raising its DomainError; the
    period's first and last day and ``report_scope``'s answer. The report's files ask it
    before they are queued, so a bad request is refused at once."""
    require_reader(user)
    if basis not in ESTIMATE_BASES:
        raise DomainError(
            _("An estimate rests on previous_year or plan, not %(basis)s.") % {"basis": basis},
            field="basis",
        )
    if not 2000 <= year <= 2100:
        raise DomainError(_("The year must be between 2000 and 2100."), field="year")
    first, last = year_bounds(year)
    if period:
        if date_from or date_to:
            raise DomainError(_("Give a period or dates, not both."), field="period")
        date_from, date_to = period_bounds(year, period)
    date_from, date_to = date_from or first, date_to or last
    if not first <= date_from <= date_to <= last:
        raise DomainError(
            _("The period must lie within %(year)s and end after it starts.") % {"year": year},
            field="date_from",
        )
    return date_from, date_to, report_scope(user=user, province_code=province_code, unit_code=unit)


def year_report(
    *,
    user: Any,
    province_code: str,
    year: int,
    unit: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    estimate: bool = True,
    period: str | None = None,
    basis: str = "previous_year",
    parts: Collection[str] | None = None,
    details: bool = True,
) -> dict[str, Any]:
    """The figures of the year-end report (see the module docstring for the shape) of a unit
    subtree (the province by default) over a period of ``year`` (the whole year by
    default), against the plan of the year and the same period of the year before.
    ``user`` None is the console: everything is visible.

    A period that has begun and not ended is an estimate ("ước thực hiện"), unless
    ``estimate`` is False: its figures are the actuals up to today plus last year's figures
    for the days left (``Figures``), and ``estimate`` in the result says so; the services'
    own sections state this year to date against the same days a year before. With
    ``basis="plan"`` the days left of a revenue that has a plan are estimated from the plan
    instead (the year's plan in proportion to the days left); the others from last year.

    ``parts`` names the sections read from the other domains (``DOMAIN_PARTS``) to compute,
    the others left out of the answer (the home page's dashboard needs care's only); None
    computes them all. Without ``details`` the sections only the report itself shows are
    left out too (``DETAILS``: the network, partners' finance, the breakdowns of the budget
    and of the costs, next year's plan, the quality of delivery)."""
    date_from, date_to, (province, subtree) = report_request_checked(
        user=user,
        province_code=province_code,
        year=year,
        unit=unit,
        date_from=date_from,
        date_to=date_to,
        period=period,
        basis=basis,
    )
    first, last = year_bounds(year)
    today = timezone.localdate()
    estimated = estimate and date_from <= today < date_to
    figures = Figures(
        province=province,
        unit=subtree,
        date_from=date_from,
        date_to=today if estimated else date_to,
        end=date_to,
    )
    books = PlanBook.of_years(
        province, [year, year + 1] if details else [year], units=figures.province_units
    )
    plans = books[year]
    uid = subtree.pk

    def actual(measure: str, period: int, services: Iterable[str] | None = None) -> int | None:
        return figures.total(measure, period, services=services)

    # The share of the year's plan the days left stand for (basis "plan").
    year_days = (last - first).days + 1
    rest = Fraction((date_to - figures.date_to).days, year_days) if estimated else Fraction(0)
    by_plan = estimated and basis == "plan"

    def income(
        plan: int | None, services: Iterable[str] | None = None, child: int | None = None
    ) -> int | None:
        """This period's revenue: estimated from the plan for the days left when asked to
        and there is one; else as ``Figures`` has it (last year's days left)."""
        if not by_plan or plan is None:
            return figures.total("revenue", CURRENT, services=services, child=child)
        lived = figures.total("revenue", CURRENT, services=services, child=child, lived=True)
        return (lived or 0) + int(plan * rest)

    revenue_plan = plans.get(uid, PlanMetric.REVENUE)
    revenue = _figure(income(revenue_plan), revenue_plan, actual("revenue", PREVIOUS))
    lines = [
        {
            "code": line.value,
            "name": str(line.label),
            **_figure(
                income(plans.get(uid, PlanMetric.REVENUE, line.value), services_of(line)),
                plans.get(uid, PlanMetric.REVENUE, line.value),
                actual("revenue", PREVIOUS, services_of(line)),
            ),
        }
        for line in Line
    ]
    services = []
    for service in Service:
        code = service.value
        volume = actual("volume", CURRENT, [code])
        volume_previous = actual("volume", PREVIOUS, [code])
        volume_plan = plans.get(uid, PlanMetric.VOLUME, code)
        services.append(
            {
                "code": code,
                "name": str(service.label),
                "line": SERVICE_LINE[code],
                **_figure(
                    income(plans.get(uid, PlanMetric.REVENUE, code), [code]),
                    plans.get(uid, PlanMetric.REVENUE, code),
                    actual("revenue", PREVIOUS, [code]),
                ),
                "volume": volume,
                "volume_previous": volume_previous,
                "volume_growth_pct": growth(volume, volume_previous),
                "volume_plan": volume_plan,
                "volume_plan_pct": pct(volume, volume_plan),
            }
        )
    expenses = actual("expense", CURRENT), actual("expense", PREVIOUS)
    surplus = (
        _minus(revenue["actual"], expenses[0]),
        _minus(revenue["previous"], expenses[1]),
    )
    children = []
    for child in figures.children:
        earned = (
            income(plans.get(child.pk, PlanMetric.REVENUE), child=child.pk),
            figures.total("revenue", PREVIOUS, child=child.pk),
        )
        costs = (
            figures.total("expense", CURRENT, child=child.pk),
            figures.total("expense", PREVIOUS, child=child.pk),
        )
        children.append(
            {
                "code": child.code,
                "name": child.name,
                "kind": child.kind,
                **_figure(earned[0], plans.get(child.pk, PlanMetric.REVENUE), earned[1]),
                "expenses": costs[0],
                "expenses_previous": costs[1],
                "surplus": _figure(
                    _minus(earned[0], costs[0]),
                    plans.get(child.pk, PlanMetric.SURPLUS),
                    _minus(earned[1], costs[1]),
                ),
            }
        )
    by_code = {row["code"]: row for row in services}
    left_out = object()

    def detail(make: Callable[[], Any]) -> Any:
        """A section only the report shows: left out without ``details``."""
        return make() if details else left_out

    partners = detail(lambda: partners_finance(province=province, unit=subtree, figures=figures))
    report = {
        "schema": 1,
        "province": {"code": province.province_code, "name": province.name},
        "unit": {"code": subtree.code, "name": subtree.name, "kind": subtree.kind},
        "year": year,
        "period": {
            "from": date_from.isoformat(),
            "to": date_to.isoformat(),
            "kind": (kind := period_of(date_from, date_to)),
            "name": period_words(year, kind, date_from, date_to),
        },
        # A part of the year: the plan's share for it, by last year's seasons or its days.
        "period_plan": detail(
            lambda: _period_plan(province.province_code, date_from, date_to, revenue)
        ),
        "previous_period": {
            "from": figures.previous_from.isoformat(),
            "to": figures.previous_end.isoformat(),
        },
        "estimate": {
            "actual_to": figures.date_to.isoformat(),
            "basis": basis,
        }
        if figures.estimated
        else None,
        "currency": "VND",
        "revenue": revenue,
        "lines": lines,
        "services": services,
        "budget_contribution": {
            **_figure(
                actual("budget", CURRENT),
                plans.get(uid, PlanMetric.BUDGET_CONTRIBUTION),
                actual("budget", PREVIOUS),
            ),
            **(
                budget_parts(
                    province=province,
                    unit=subtree,
                    figures=figures,
                    totals=(actual("budget", CURRENT), actual("budget", PREVIOUS)),
                )
                if details
                else {}
            ),
        },
        "expenses": {
            "actual": expenses[0],
            "previous": expenses[1],
            "growth_pct": growth(*expenses),
            **(
                cost_groups(province=province, unit=subtree, figures=figures, totals=expenses)
                if details
                else {}
            ),
        },
        "surplus": _figure(surplus[0], plans.get(uid, PlanMetric.SURPLUS), surplus[1]),
        "network": detail(lambda: network_at(province=province, unit=subtree, day=figures.date_to)),
        "network_change": detail(
            lambda: network_change(unit=subtree, date_from=date_from, date_to=figures.date_to)
        ),
        "payment_accounts_opened": detail(lambda: partners["payment_accounts"]["actual"]),
        **(partners if details else {}),
        "pensions_paid": by_code[Service.PENSION]["volume"],
        "items_by_service": {code: by_code[code]["volume"] for code in POSTAL_SERVICES},
        "monthly": [
            {
                "month": month,
                "actual": figures.total("revenue", CURRENT, month=month),
                "previous": figures.total("revenue", PREVIOUS, month=month),
                # A month with days estimated (the rest of this one, and those to come).
                "estimated": figures.estimated
                and dt.date(year, month, calendar.monthrange(year, month)[1]) > figures.date_to,
            }
            for month in range(1, 13)
        ],
        "per_unit": children,
        # The replaced units whose figures per_unit carries to their successors, and how.
        "successions": figures.mapping(),
        "next_year_plan": detail(
            lambda: {
                "year": year + 1,
                "revenue": books[year + 1].get(uid, PlanMetric.REVENUE),
                "surplus": books[year + 1].get(uid, PlanMetric.SURPLUS),
                "budget_contribution": books[year + 1].get(uid, PlanMetric.BUDGET_CONTRIBUTION),
                "uplift_pct": _aim(books[year + 1], uid),
            }
        ),
        "quality": detail(lambda: _quality(province, subtree, figures, plans)),
        **{
            name: make()
            for name, make in cast(
                dict[str, Callable[[], Any]],
                {
                    "public_admin": lambda: public_admin(
                        province=province, unit=subtree, children=figures.children, figures=figures
                    ),
                    "goods": lambda: goods(province=province, unit=subtree, figures=figures),
                    "telecom": lambda: telecom(province=province, unit=subtree, figures=figures),
                    "insurance": lambda: insurance(
                        province=province, unit=subtree, figures=figures
                    ),
                    "press": lambda: press(
                        province=province, unit=subtree, figures=figures, services=by_code
                    ),
                    "care": lambda: care(
                        province=province,
                        unit=subtree,
                        figures=figures,
                        items=(_items(services, "volume"), _items(services, "volume_previous")),
                    ),
                    "workforce": lambda: workforce(unit=subtree, year=year, on=date_to),
                    "emulation": lambda: emulation(
                        province=province, unit=subtree, figures=figures
                    ),
                },
            ).items()
            if parts is None or name in parts
        },
    }
    return {key: value for key, value in report.items() if value is not left_out}


# The sections of the report read from the other domains' records (``year_report(parts=)``).
DOMAIN_PARTS = frozenset(
    {"public_admin", "goods", "telecom", "insurance", "press", "care", "workforce", "emulation"}
)


# --- the plan grid (the planners' page) ------------------------------------------------------

# The columns of the grid: (metric, subject).
GRID_COLUMNS: list[tuple[str, str]] = [
    (PlanMetric.REVENUE.value, TOTAL),
    *[(PlanMetric.REVENUE.value, line) for line in Line.values],
    (PlanMetric.BUDGET_CONTRIBUTION.value, TOTAL),
    (PlanMetric.SURPLUS.value, TOTAL),
]


@dataclass
class GridCell:
    name: str  # the form field
    metric: str
    subject: str
    direct: int | None  # set on this unit
    resolved: int | None  # what the plan is (own row, or the sum below)
    posted: str | None = None  # what the page sent back, when it is shown again
    error: str | None = None


@dataclass
class GridRow:
    unit: Unit
    depth: int
    cells: list[GridCell]


def plan_grid(
    *, user: Any, province_code: str, year: int, unit_code: str | None = None
) -> tuple[Unit, list[GridRow]]:
    """The unit (the province by default, or the user's own) and its children, each with the
    plan per grid column: what is set on it, and what it adds up to."""
    require_reader(user)
    province, unit = report_scope(user=user, province_code=province_code, unit_code=unit_code)
    book = PlanBook(province, year)
    units = [unit, *Unit.objects.filter(parent=unit).order_by("code")]
    rows = []
    for index, row_unit in enumerate(units):
        cells = [
            GridCell(
                name=f"p-{row_unit.pk}-{metric}-{subject}",
                metric=metric,
                subject=subject,
                direct=book.direct.get((row_unit.pk, metric, subject)),
                resolved=book.get(row_unit.pk, metric, subject),
            )
            for metric, subject in GRID_COLUMNS
        ]
        rows.append(GridRow(unit=row_unit, depth=0 if index == 0 else 1, cells=cells))
    return unit, rows
