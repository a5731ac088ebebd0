"""The demo's workforce figures: the payroll's average income of each district or commune
post of Lạng Sơn in the last two years (last year's and the current one's), imported through
``importers.income_import`` as the payroll system's file would be. A step of ``buudien demo``
(``people.income``, registered in ``PeopleConfig.ready``), right after the network (whose
staff it counts).

A unit's average number of workers is its headcount at the end of the year (today, for the
current year); its income per person per month between 8 and 10.5 million đồng last year,
5-8 % more this year. Seeded and repeatable; a province that has incomes already is left alone.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections.abc import Callable

from django.utils.translation import gettext as _

from buudien.core.bizdays import local_today
from buudien.core.money import format_number
from buudien.network.choices import UnitKind
from buudien.network.demo import PROVINCE_UNIT_CODE
from buudien.network.models import Unit
from buudien.people import selectors
from buudien.people.importers import INCOME_HEADERS, income_import
from buudien.people.models import AverageIncome

KINDS = (UnitKind.DISTRICT, UnitKind.AREA, UnitKind.COMMUNE)
BASE = (8_000_000, 10_500_000)  # last year's income per person per month, đồng
RISE = (0.05, 0.08)  # and how much more this year


def build(*, seed: int, report: Callable[[str], None], today: dt.date | None = None) -> str:
    """Import two years of average incomes per district or commune post; one line."""
    province = Unit.objects.filter(code=PROVINCE_UNIT_CODE).first()
    if province is None:
        return ""
    if AverageIncome.objects.filter(unit__path__startswith=province.path).exists():
        return _("Workforce: the average incomes are there already.")
    report(_("Workforce: average incomes"))
    today = today or local_today()
    rng = random.Random(seed + 5)
    base: dict[str, int] = {}
    rise: dict[str, float] = {}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([names[0] for names in INCOME_HEADERS.values()])
    years = {today.year - 1: dt.date(today.year - 1, 12, 31), today.year: today}
    for year, day in years.items():
        staff = selectors.headcount_by_unit(province, day)
        for row in staff["units"]:
            unit, people = row["unit"], row["counts"]["total"]
            if unit.kind not in KINDS or not people:
                continue
            start = base.setdefault(unit.code, rng.randrange(*BASE, 1000))
            more = rise.setdefault(unit.code, rng.uniform(*RISE))
            amount = start if year < today.year else round(start * (1 + more), -3)
            writer.writerow([unit.code, year, people, int(amount)])
    result = income_import(
        io.BytesIO(out.getvalue().encode()), actor=None, name="thu-nhap-binh-quan.csv"
    )
    now = selectors.headcount(province, today)
    return _(
        "Workforce: %(staff)s staff employed today; %(rows)s average incomes of units "
        "imported for %(first)d and %(last)d."
    ) % {
        "staff": format_number(now["total"]),
        "rows": format_number(result.created),
        "first": today.year - 1,
        "last": today.year,
    }
