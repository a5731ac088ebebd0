"""The workforce's figures of a year for the year-end report ("đảm bảo và nâng cao thu nhập,
việc làm cho cán bộ, công nhân viên, lao động"): the headcount at the end of the year and of
the year before, by contract type; the average income from the payroll (imported per unit and
year, ``AverageIncome``); who joined and who left during the year.

The headcount counts the members of staff employed on 31 December, with or without a login
(``is_active`` is about logging in). A unit's average income is its own imported row, else
the headcount-weighted average of the rows below it. Percentages have one decimal, money is
whole đồng; a figure with no data is None, never 0. Access is the caller's: the report
checks who reads it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from buudien.network.models import Unit
from buudien.people import selectors
from buudien.people.choices import ContractType
from buudien.people.models import User


def _year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def _same_day_before(day: dt.date) -> dt.date:
    """The same day a year before (28 February for a 29th)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def workforce(*, unit: Unit, year: int, on: dt.date | None = None) -> dict[str, Any]:
    """``{"headcount": {"actual", "previous", "growth_pct"}, "by_contract": [{"code", "name",
    "actual", "previous"}], "average_income": {"actual", "previous", "growth_pct"},
    "joined": int, "left": int, "as_of": "YYYY-MM-DD"}`` of ``unit``'s subtree in ``year``, the
    headcount at its end (or at ``on``, the end of a shorter period, against the same day a
    year before)."""
    end = on or _year_end(year)
    now, before = selectors.headcounts(unit, [end, _same_day_before(end)])
    actual, previous = now["total"] or None, before["total"] or None
    contracts = [(str(code), str(label)) for code, label in ContractType.choices]
    if now[selectors.UNSPECIFIED] or before[selectors.UNSPECIFIED]:
        contracts.append((selectors.UNSPECIFIED, _("Contract not recorded")))
    income = selectors.income(unit, year)
    first, last = dt.date(year, 1, 1), end
    moved = User.objects.filter(unit__path__startswith=unit.path).aggregate(
        joined=Count("pk", filter=Q(employed_from__range=(first, last))),
        left=Count("pk", filter=Q(employed_until__range=(first, last))),
    )
    return {
        "headcount": {
            "actual": actual,
            "previous": previous,
            "growth_pct": selectors.growth(actual, previous),
        },
        "by_contract": [
            {
                "code": code,
                "name": name,
                "actual": now[code] if actual else None,
                "previous": before[code] if previous else None,
            }
            for code, name in contracts
        ],
        "average_income": {
            "actual": income["average_income"],
            "previous": income["previous_average_income"],
            "growth_pct": income["growth_pct"],
        },
        "joined": moved["joined"],
        "left": moved["left"],
        "as_of": end.isoformat(),
    }
