"""The demo's year of pensions and disbursements: a step of ``buudien demo``
(``payouts.year``, registered in ``PayoutsConfig.ready``).

Two payers of the demo province: Bảo hiểm xã hội tỉnh Lạng Sơn (pensions and social
insurance allowances, commission 1,500 đ a line plus 0.45 % of the amount) and the
provincial labour department (social allowances paid as disbursements, 4,000 đ a line).
Each month of the demo year (the twelve months up to this one) each sends its list, with the
same beneficiaries month after month at the points that pay the service (the demo clerks'
points among them). Everything goes through the services a person uses:

- the accountant ``ketoan`` imports the list on the first day of the month
  (``services.list_import``: the list is funded, each point advanced its cash);
- the clerks of the points pay it from the 2nd to the 20th (``services.line_pay``), about one
  payment in twelve to an authorised representative, a few at another point of the province
  (the beneficiary's district town), checking the ID number each time;
- at the end of the month ``ketoan`` closes it (``services.list_close``): the few lines not
  paid go back to the payer. This month's lists stay open, with the lines not paid yet.

Seeded (``random.Random``); it runs once, on a demo built from scratch.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _

from buudien.core.bizdays import VIETNAM, local_now
from buudien.core.money import format_number, format_vnd
from buudien.finance.selectors import drawer_spendable
from buudien.network.choices import PointKind
from buudien.network.management.commands.demo import (
    FAMILY_NAMES,
    GIVEN_FEMALE,
    GIVEN_MALE,
    MIDDLE_FEMALE,
    MIDDLE_MALE,
    PROVINCE_UNIT_CODE,
    VILLAGES,
)
from buudien.network.models import PointService, ServicePoint, Unit
from buudien.payouts import services
from buudien.payouts.choices import LineStatus, ListStatus, PayoutService
from buudien.payouts.models import Payer, PayoutLine, PayoutList
from buudien.people.choices import Role
from buudien.people.models import User

PROVINCE = "20"
ACCOUNTANT = "ketoan"
PENSIONERS = 150
PENSIONERS_ENV = "BUUDIEN_DEMO_PENSIONERS"
ALLOWANCES = 30
PROXY_SHARE = 0.08
ELSEWHERE_SHARE = 0.03
UNPAID_SHARE = 0.04
# Pay points by kind: how many beneficiaries a point has, relatively.
WEIGHTS: dict[str, int] = {PointKind.BC1: 8, PointKind.BC2: 5, PointKind.BC3: 3, PointKind.BDVHX: 1}
DEMO_POINT_WEIGHT = 6  # the demo clerks' points have more, so their screens are busy


@dataclass(frozen=True)
class _Spec:
    code: str
    name: str
    service: str
    per_line: int
    rate_bp: int
    people: int
    amounts: tuple[int, int]  # range of a monthly amount, in thousands of đồng


SPECS = (
    _Spec(
        "bhxh",
        "Bảo hiểm xã hội tỉnh Lạng Sơn",
        PayoutService.PENSION,
        1_500,
        45,
        PENSIONERS,
        (2_400, 9_800),
    ),
    _Spec(
        "soldtbxh",
        "Sở Lao động - Thương binh và Xã hội tỉnh Lạng Sơn",
        PayoutService.DISBURSEMENT,
        4_000,
        0,
        ALLOWANCES,
        (540, 2_200),
    ),
)


@dataclass
class _Beneficiary:
    name: str
    citizen_id: str
    amount: int
    point: ServicePoint
    address: str
    reference: str


def _months(today: dt.date) -> list[dt.date]:
    first = today.replace(day=1)
    months = []
    for back in range(11, -1, -1):
        year, month = first.year, first.month - back
        while month < 1:
            year, month = year - 1, month + 12
        months.append(dt.date(year, month, 1))
    return months


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=VIETNAM)


def _name(rng: random.Random, families: list[str]) -> tuple[str, bool]:
    female = rng.random() < 0.5
    middle = rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE)
    given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
    return f"{rng.choice(families)} {middle} {given}", female


def _citizen_id(rng: random.Random, female: bool, year: int, taken: set[str]) -> str:
    """A CCCD: province of birth (020 Lạng Sơn), century and sex, year of birth, serial."""
    while True:
        cid = f"020{1 if female else 0}{year % 100:02d}{rng.randint(0, 999_999):06d}"
        if cid not in taken:
            taken.add(cid)
            return cid


def _points(service: str, demo_points: set[int]) -> list[tuple[ServicePoint, int]]:
    province = Unit.objects.filter(code=PROVINCE_UNIT_CODE).first()
    if province is None:
        return []
    clerked = set(
        User.objects.filter(role=Role.CLERK, point__isnull=False, is_active=True).values_list(
            "point_id", flat=True
        )
    )
    offering = set(PointService.objects.filter(service=service).values_list("point_id", flat=True))
    points = ServicePoint.objects.filter(
        unit_path__startswith=province.path, closed_on__isnull=True, kind__in=list(WEIGHTS)
    ).order_by("code")
    return [
        (p, DEMO_POINT_WEIGHT if p.pk in demo_points else WEIGHTS[p.kind])
        for p in points
        if p.pk in clerked and p.pk in offering
    ]


def _scale() -> float:
    """``BUUDIEN_DEMO_PENSIONERS`` (default ``PENSIONERS``) scales both lists."""
    raw = os.environ.get(PENSIONERS_ENV, "").strip()
    return int(raw) / PENSIONERS if raw.isdigit() else 1.0


def _people(
    rng: random.Random, spec: _Spec, points: list[tuple[ServicePoint, int]], taken: set[str]
) -> list[_Beneficiary]:
    families = [name for name, weight in FAMILY_NAMES for _i in range(weight)]
    count = max(1, round(spec.people * _scale()))
    chosen = rng.choices([p for p, _w in points], [w for _p, w in points], k=count)
    people = []
    for point in chosen:
        name, female = _name(rng, families)
        born = rng.randint(1938, 1966)
        low, high = spec.amounts
        people.append(
            _Beneficiary(
                name=name,
                citizen_id=_citizen_id(rng, female, born, taken),
                amount=rng.randint(low, high) * 1_000,
                point=point,
                address=f"Thôn {rng.choice(VILLAGES)}",
                reference=f"20{rng.randint(10_000_000, 99_999_999)}",
            )
        )
    return people


def _clerks() -> dict[int, list[Any]]:
    clerks: dict[int, list[Any]] = {}
    for user in (
        User.objects.filter(role=Role.CLERK, point__isnull=False, is_active=True)
        .select_related("point")
        .order_by("username")
    ):
        if user.point_id is not None:
            clerks.setdefault(user.point_id, []).append(user)
    return clerks


@dataclass
class _Counts:
    lists: int = 0
    lines: int = 0
    paid: int = 0
    proxies: int = 0
    elsewhere: int = 0
    returned: int = 0
    amount: int = 0


def _month(
    rng: random.Random,
    *,
    payer: Payer,
    period: dt.date,
    people: list[_Beneficiary],
    accountant: Any,
    clerks: dict[int, list[Any]],
    hubs: dict[int, ServicePoint],
    now: dt.datetime,
    counts: _Counts,
) -> None:
    imported = _at(period, 8, 15)
    if imported > now:
        return
    payout_list = services.list_import(
        actor=accountant,
        payer=payer,
        period=period,
        rows=[
            services.ListRow(
                row=index,
                beneficiary_name=person.name,
                citizen_id=person.citizen_id,
                amount=person.amount,
                point_code=person.point.code,
                address=person.address,
                line_reference=person.reference,
            )
            for index, person in enumerate(people, start=2)
        ],
        reference=f"{period:%m/%Y}",
        at=imported,
    )
    counts.lists += 1
    counts.lines += payout_list.line_count
    families = [name for name, weight in FAMILY_NAMES for _i in range(weight)]
    plans: list[tuple[dt.datetime, PayoutLine, services.Proxy | None, bool]] = []
    for line in payout_list.lines.order_by("number"):
        if rng.random() < UNPAID_SHARE:
            continue
        day = period + dt.timedelta(days=rng.randint(1, 19))
        at = _at(day, rng.randint(7, 16), rng.randint(0, 59))
        elsewhere = line.point_id in hubs and rng.random() < ELSEWHERE_SHARE
        proxy = None
        if rng.random() < PROXY_SHARE:
            name, female = _name(rng, families)
            proxy = services.Proxy(
                name=name,
                citizen_id=_citizen_id(rng, female, rng.randint(1965, 2000), set()),
                document=f"{rng.randint(1, 250)}/GUQ-{period:%Y}",
            )
        if at <= now - dt.timedelta(minutes=10):
            plans.append((at, line, proxy, elsewhere))
    # Another point's beneficiary is paid at a hub only from cash the hub holds beyond what
    # its own lines of every open list still need (to pay, or to return when the list
    # closes), on that day and every day after it.
    for at, line, proxy, elsewhere in sorted(plans, key=lambda plan: (plan[0], plan[1].pk)):
        point_id = line.point_id
        if elsewhere:
            hub = hubs[line.point_id]
            cash = drawer_spendable(point=hub, day=at.astimezone(VIETNAM).date())
            if cash - _owed(hub) >= line.amount:
                point_id = hub.pk
        services.line_pay(
            actor=rng.choice(clerks[point_id]),
            line_id=line.pk,
            presented_id=line.citizen_id,
            idempotency_key=f"demo:{line.pk}",
            proxy=proxy,
            at=at,
        )
        counts.paid += 1
        counts.amount += line.amount
        counts.proxies += proxy is not None
        counts.elsewhere += point_id != line.point_id
    closing = _at(
        (period.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1),
        17,
        0,
    )
    if closing <= now:
        closed = services.list_close(actor=accountant, list_id=payout_list.pk, at=closing)
        counts.returned += closed.returned_count


def _owed(point: ServicePoint) -> int:
    """What the unpaid lines of the open lists at ``point`` hold of its drawer's cash."""
    owed = PayoutLine.objects.filter(
        point=point, status=LineStatus.UNPAID, payout_list__status=ListStatus.OPEN
    ).aggregate(total=Sum("amount"))["total"]
    return int(owed or 0)


def _hubs(points: list[tuple[ServicePoint, int]]) -> dict[int, ServicePoint]:
    """For each pay point, another one of the province where its people sometimes go: the
    level I or II office of its unit's parent district, else the main office."""
    offices = [p for p, _w in points if p.kind in (PointKind.BC1, PointKind.BC2)]
    if not offices:
        return {}
    main = next((p for p in offices if p.kind == PointKind.BC1), offices[0])
    hubs = {}
    for point, _w in points:
        parent = point.unit_path.rstrip("/").rsplit("/", 1)[0] + "/"
        hub = next((o for o in offices if o.unit_path.startswith(parent) and o != point), main)
        if hub != point:
            hubs[point.pk] = hub
    return hubs


def build(*, seed: int, report: Callable[[str], None], now: dt.datetime | None = None) -> str:
    """Build the year of lists and say what was made, in one line ("" when the demo province
    is not there or its lists exist already)."""
    started = time.perf_counter()
    if not Unit.objects.filter(code=PROVINCE_UNIT_CODE).exists():
        return ""
    if PayoutList.objects.filter(province_code=PROVINCE).exists():
        return ""
    report(_("Pensions and disbursements: a year of lists"))
    rng = random.Random(seed + 41)
    now = (now or local_now()).astimezone(VIETNAM)
    accountant = User.objects.filter(username=ACCOUNTANT).first()
    clerks = _clerks()
    demo_points = set(
        User.objects.filter(username__startswith="gdv.", point__isnull=False).values_list(
            "point_id", flat=True
        )
    )
    taken: set[str] = set()
    counts = {spec.service: _Counts() for spec in SPECS}
    for spec in SPECS:
        points = _points(spec.service, demo_points)
        if not points:
            continue
        payer = services.payer_save(
            actor=None,
            province_code=PROVINCE,
            code=spec.code,
            name=spec.name,
            service=spec.service,
            commission_per_line=spec.per_line,
            commission_rate_bp=spec.rate_bp,
        )
        people = _people(rng, spec, points, taken)
        hubs = {k: v for k, v in _hubs(points).items() if v.pk in clerks}
        for period in _months(now.date()):
            _month(
                rng,
                payer=payer,
                period=period,
                people=people,
                accountant=accountant,
                clerks=clerks,
                hubs=hubs,
                now=now,
                counts=counts[spec.service],
            )
    pension = counts[PayoutService.PENSION]
    other = counts[PayoutService.DISBURSEMENT]
    return _(
        "Pensions and disbursements: %(lists)d lists of %(lines)s lines, %(paid)s paid "
        "(%(amount)s; %(proxies)s to representatives, %(elsewhere)s at another point), "
        "%(returned)s returned; disbursements %(dpaid)s paid (%(seconds)s s)."
    ) % {
        "lists": pension.lists + other.lists,
        "lines": format_number(pension.lines + other.lines),
        "paid": format_number(pension.paid),
        "amount": format_vnd(pension.amount),
        "proxies": format_number(pension.proxies + other.proxies),
        "elsewhere": format_number(pension.elsewhere + other.elsewhere),
        "returned": format_number(pension.returned + other.returned),
        "dpaid": format_number(other.paid),
        "seconds": format_number(time.perf_counter() - started, 1),
    }
