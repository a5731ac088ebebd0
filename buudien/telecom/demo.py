"""The demo's telecom sales in Lạng Sơn: the mobile operators with their real prefixes and
commissions, their files of e-PIN codes imported by the accountant, and a year of top-ups
and code sales at the points that sell telecom. A step of ``buudien demo`` (``telecom.year``,
registered in ``TelecomConfig.ready``), after the goods and before the cash closings (the
sales fill the drawers they close).

- About ``DEFAULT_SALES`` sales a year (``BUUDIEN_DEMO_TELECOM`` or ``build(sales=...)``; 0
  skips the step), three in four top-ups, at every point selling telecom with a clerk, more
  at the larger offices; Viettel sells the most, as in the province.
- The codes come in one file per operator at the start of the year and another mid-year
  (``importers.pins_import``, all or nothing), each a little more than what is sold.
- Everything goes through the services, in the order of time; nothing after ``now``.

Seeded (``random.Random``) and repeatable on a fresh database; a second build changes nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _

from buudien.agency import accounts as agency_accounts
from buudien.core.bizdays import VIETNAM, business_days_in, local_now, year_before
from buudien.core.catalogue import Service
from buudien.core.errors import DomainError
from buudien.core.money import format_number, format_vnd
from buudien.goods.demo import WEIGHT, Outlet, _outlets
from buudien.network.management.commands.demo import PROVINCE_UNIT_CODE
from buudien.network.models import Unit
from buudien.people.models import User
from buudien.telecom import services
from buudien.telecom.importers import pins_import
from buudien.telecom.models import Operator, TelecomRollup

PROVINCE = "20"
DEFAULT_SALES = 300
SALES_ENV = "BUUDIEN_DEMO_TELECOM"
TOPUP_SHARE = 0.75
# (code, name, prefixes, commission on top-ups, on codes (basis points), market share)
OPERATORS = [
    ("viettel", "Viettel", "086 096 097 098 032 033 034 035 036 037 038 039", 400, 500, 0.52),
    ("vinaphone", "VinaPhone", "088 091 094 081 082 083 084 085", 450, 550, 0.24),
    ("mobifone", "MobiFone", "089 090 093 070 076 077 078 079", 450, 600, 0.17),
    ("vietnamobile", "Vietnamobile", "092 056 058", 600, 700, 0.05),
    ("gmobile", "Gmobile", "099 059", 650, 750, 0.02),
]
TOPUPS = [(10_000, 2), (20_000, 4), (50_000, 5), (100_000, 4), (200_000, 2), (500_000, 1)]
CARDS = [(10_000, 2), (20_000, 3), (50_000, 4), (100_000, 3), (200_000, 1), (500_000, 1)]


def _target(sales: int | None) -> int:
    if sales is not None:
        return max(0, sales)
    raw = os.environ.get(SALES_ENV, "").strip()
    return int(raw) if raw.isdigit() else DEFAULT_SALES


def _pick[T](rng: random.Random, pairs: list[tuple[T, int]] | list[tuple[T, float]]) -> T:
    return rng.choices([v for v, _w in pairs], weights=[w for _v, w in pairs])[0]


def build(
    *,
    seed: int,
    report: Callable[[str], None],
    sales: int | None = None,
    now: dt.datetime | None = None,
) -> str:
    """Build the operators, their codes and the year of sales; one line of summary."""
    started = time.perf_counter()
    target = _target(sales)
    province = Unit.objects.filter(code=PROVINCE_UNIT_CODE).first()
    accountant = User.objects.filter(username="ketoan").first()
    if not target or province is None or accountant is None:
        return ""
    if Operator.objects.filter(province_code=PROVINCE).exists():
        return _("Telecom: already built.")
    now = (now or local_now()).astimezone(VIETNAM)
    today = now.date()
    first = year_before(today)
    days = business_days_in(first, today)
    outlets = _outlets(province, first, today, Service.TELECOM)
    if not days or not outlets:
        return ""
    report(_("Telecom: a year"))
    rng = random.Random(seed + 72)
    operators = {
        code: Operator.objects.create(
            province_code=PROVINCE,
            code=code,
            name=name,
            prefixes=prefixes,
            topup_commission_bp=topup,
            pin_commission_bp=pin,
        )
        for code, name, prefixes, topup, pin, _share in OPERATORS
    }
    shares = [(code, share) for code, *_rest, share in OPERATORS]
    plan = _plan(rng, target, now, days, outlets, shares)
    halves = [days[0], days[len(days) // 2]]
    for index, start in enumerate(halves):
        end = halves[index + 1] if index + 1 < len(halves) else today + dt.timedelta(days=1)
        need: Counter[tuple[str, int]] = Counter()
        for at, _outlet, kind, code, value, quantity in plan:
            if kind == "pin" and start <= at.date() < end:
                need[(code, value)] += quantity
        _receive(rng, accountant, operators, need, start, index)
    made = Counter[str]()
    with agency_accounts.cached():
        for at, outlet, kind, code, value, quantity in sorted(plan, key=lambda one: one[0]):
            if at >= now:
                continue
            key = f"demo-{made['n']}"
            made["n"] += 1
            try:
                if kind == "topup":
                    services.topup_sell(
                        actor=outlet.clerk,
                        point=outlet.point,
                        idempotency_key=key,
                        phone=_phone(rng, operators[code]),
                        amount=value,
                        at=at,
                    )
                else:
                    services.pins_sell(
                        actor=outlet.clerk,
                        point=outlet.point,
                        idempotency_key=key,
                        operator=code,
                        face_value=value,
                        quantity=quantity,
                        at=at,
                    )
                made[kind] += 1
            except DomainError:  # pragma: no cover - every code sold is imported beforehand
                made["refused"] += 1
    totals = TelecomRollup.objects.filter(province_code=PROVINCE).aggregate(
        amount=Sum("amount"), commission=Sum("commission")
    )
    return _(
        "Telecom: %(operators)s operators; %(topups)s top-ups and %(pins)s code sales at "
        "%(points)s points (face value %(amount)s, commission %(commission)s) (%(seconds)s s)."
    ) % {
        "operators": len(operators),
        "topups": format_number(made["topup"]),
        "pins": format_number(made["pin"]),
        "points": len(outlets),
        "amount": format_vnd(totals["amount"] or 0),
        "commission": format_vnd(totals["commission"] or 0),
        "seconds": format_number(time.perf_counter() - started, 1),
    }


Planned = tuple[dt.datetime, Outlet, str, str, int, int]


def _plan(
    rng: random.Random,
    target: int,
    now: dt.datetime,
    days: list[dt.date],
    outlets: list[Outlet],
    shares: list[tuple[str, float]],
) -> list[Planned]:
    """The year's sales: (when, where, kind, operator, face value, codes)."""
    weights = [WEIGHT[outlet.point.kind] for outlet in outlets]
    plan: list[Planned] = []
    for _n in range(target):
        outlet = rng.choices(outlets, weights=weights)[0]
        day = rng.choice(days)
        at = dt.datetime.combine(day, dt.time(7, 30), tzinfo=VIETNAM) + dt.timedelta(
            minutes=rng.randint(0, 9 * 60)
        )
        code = _pick(rng, shares)
        if rng.random() < TOPUP_SHARE:
            plan.append((at, outlet, "topup", code, _pick(rng, TOPUPS), 1))
        else:
            quantity = rng.choices([1, 2, 3, 5], weights=[12, 4, 2, 1])[0]
            plan.append((at, outlet, "pin", code, _pick(rng, CARDS), quantity))
    return [one for one in plan if one[0] < now]


def _phone(rng: random.Random, operator: Operator) -> str:
    return rng.choice(operator.prefix_list()) + f"{rng.randrange(10**7):07d}"


def _receive(
    rng: random.Random,
    accountant: Any,
    operators: dict[str, Operator],
    need: Counter[tuple[str, int]],
    day: dt.date,
    half: int,
) -> None:
    """One file per operator with what the half-year sells and some more."""
    at = dt.datetime.combine(day, dt.time(7, 0), tzinfo=VIETNAM)
    for code, operator in operators.items():
        lines = ["serial;code;face_value"]
        for (wanted, value), count in sorted(need.items()):
            if wanted != code:
                continue
            for _n in range(count + 2 + count // 5):
                serial = f"{code[:2].upper()}{half}{value // 1000:03d}{len(lines):07d}"
                lines.append(f"{serial};{rng.randrange(10**14, 10**15)};{value}")
        if len(lines) == 1:
            continue
        upload = io.BytesIO("\n".join(lines).encode())
        pins_import(
            upload, actor=accountant, operator=operator, name=f"{code}-{day:%Y%m}.csv", at=at
        )
