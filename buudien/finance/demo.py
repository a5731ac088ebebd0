"""The counters' year at a real province's pace: a step of ``buudien demo`` (``finance.pace``,
after the domains' own years and before the plans, which are drawn from what the year did).

The domains' steps go through every service one operation at a time, as a clerk or a
postman would: their year is a sample of some thousands of operations, about 0,6 tỷ đồng,
where Lạng Sơn's provincial post earns about 138 tỷ a year. This step posts the rest of the
year's business of the services whose figures the year-end report reads from the ledger
alone (mail and the financial services paid by commission), so that the ledger and every
figure read from it (revenue per service, volumes, VAT and the budget, costs, each unit's
surplus) have a real province's magnitude:

- each operation is an entry of its own (the report counts one operation per entry), posted
  for its point and business day through the ledger's bulk path (``ledger.entries_post``,
  one list per day), on the accounts its service's own posting uses: the drawer pays the
  revenue net of VAT and VAT payable (mail, remittance), or the partner pays the post its
  commission (pensions, bill collection, savings, credit, disbursement);
- the offices deposit the day's cash at the provincial post's bank account that evening,
  the commune posts and agents the week's (or sooner, past ``DEPOSIT_AT``); the partners
  pay each month's commissions on the 10th of the next month;
- the pace per service (``PACE``: operations a year and the mean amount of one) is shared
  among the points that offer the service by the weight of their kind (a level I office
  does what some thirty commune posts do), with the months' seasons (Tết, the year's end).

Goods, telecom, insurance, press, dossiers and payment accounts have steps of their own at
this pace (``<app>.demo_pace``): the report counts the domain's own records for them (sales,
stock, policies, subscriptions, dossiers, accounts opened), which those steps make through
their bulk paths, using ``pace_factor``, ``pace_days``, ``offers`` and ``Takings`` from here.
``BUUDIEN_DEMO_PACE`` scales the pace (1 by default; 0 skips the steps; the tests take a
thousandth). Seeded and repeatable.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from buudien.core.bizdays import business_days_in, local_today
from buudien.core.catalogue import Service
from buudien.core.money import format_number, format_vnd
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import Account, DailyFigure
from buudien.network.choices import PointKind
from buudien.network.demo import PROVINCE_UNIT_CODE
from buudien.network.models import PointService, ServicePoint, Unit
from buudien.people.choices import Role
from buudien.people.models import User

PROVINCE = "20"
PACE_ENV = "BUUDIEN_DEMO_PACE"
VAT_BP = 800  # the reduced VAT rate (8 %) of 2026, as the tariffs of the mail demo
SETTLE_DAY = 10  # the partners pay a month's commissions by the 10th of the next
# The offices deposit each day's takings; the others once a week, or sooner past this much.
OFFICES = frozenset({PointKind.BC1, PointKind.BC2, PointKind.BC3})
DEPOSIT_AT = 20_000_000


@dataclass(frozen=True)
class Pace:
    """A service's year at a real province's pace: ``operations`` a year, each worth about
    ``mean`` đồng of revenue to the post (net of VAT); the customer pays it at the counter,
    or, with ``partners``, one of them pays it as commission."""

    operations: int
    mean: int
    partners: tuple[str, ...] = ()


PACE: dict[str, Pace] = {
    Service.REGISTERED: Pace(90_000, 40_000),
    Service.ORDINARY: Pace(25_000, 10_000),
    Service.PARCEL: Pace(90_000, 95_000),
    Service.EMS: Pace(80_000, 110_000),
    Service.ADMIN_DELIVERY: Pace(42_000, 30_000),
    Service.REMITTANCE: Pace(20_000, 40_000),
    Service.PENSION: Pace(60_000, 60_000, ("bhxh",)),
    Service.COLLECTION: Pace(35_000, 10_000, ("evn-langson", "vnpt-langson")),
    Service.SAVINGS: Pace(30_000, 500_000, ("lpbank",)),
    Service.CREDIT: Pace(25_000, 400_000, ("lpbank", "vbsp")),
    Service.DISBURSEMENT: Pace(20_000, 30_000, ("soldtbxh",)),
}

# How much of a service a point of each kind does, against a commune post's 1.
KIND_WEIGHT = {
    PointKind.BC1: 40.0,
    PointKind.BC2: 12.0,
    PointKind.BC3: 5.0,
    PointKind.BDVHX: 1.0,
    PointKind.KIOSK: 0.8,
    PointKind.AGENT: 0.5,
}
# The months' business against an average month: Tết (January, February), the year's end.
SEASON = (1.25, 0.8, 0.95, 0.95, 1.0, 0.95, 0.95, 0.95, 1.0, 1.0, 1.05, 1.15)


def pace_factor() -> float:
    """``BUUDIEN_DEMO_PACE``: 1 by default, 0 skips the steps at a province's pace."""
    try:
        return max(0.0, float(os.environ.get(PACE_ENV, "1") or 0))
    except ValueError:
        return 1.0


def pace_days(province_code: str = PROVINCE) -> list[dt.date]:
    """The business days a step at a province's pace fills: from the ledger's first day (the
    domains' samples began then) to yesterday; none before the ledger has a day."""
    first = DailyFigure.objects.filter(province_code=province_code).order_by("date").first()
    if first is None:
        return []
    return business_days_in(first.date, local_today() - dt.timedelta(days=1))


@dataclass(frozen=True)
class Offer:
    """A service at a point and what it does there on an average business day."""

    point: ServicePoint
    service: str
    per_day: float  # operations on an average business day of an average month

    def count_on(self, day: dt.date, rng: random.Random) -> int:
        """The operations of ``day``: the average of its month's season, drawn to a whole
        number; none while the point is not open."""
        point = self.point
        if point.opened_on > day or (point.closed_on is not None and point.closed_on <= day):
            return 0
        wanted = self.per_day * SEASON[day.month - 1]
        return int(wanted) + (rng.random() < wanted - int(wanted))


def offers(
    yearly: dict[str, float],
    *,
    province_code: str = PROVINCE,
    services: dict[str, str] | None = None,
) -> list[Offer]:
    """Each point's share of ``yearly`` (service -> operations a year, already scaled by the
    pace), among the points that offer the service, by the weight of their kind
    (``KIND_WEIGHT``). ``services`` maps a key of ``yearly`` to the catalogue service the
    points must offer, where it differs (a domain's product kinds)."""
    wanted = {key: (services or {}).get(key, key) for key in yearly}
    points = {
        p.pk: p
        for p in ServicePoint.objects.filter(province_code=province_code, kind__in=KIND_WEIGHT)
    }
    offered: dict[str, list[ServicePoint]] = defaultdict(list)
    for point_id, service in PointService.objects.filter(
        point_id__in=points, service__in=set(wanted.values())
    ).values_list("point_id", "service"):
        offered[service].append(points[point_id])
    this_year = local_today().year
    days = len(business_days_in(dt.date(this_year, 1, 1), dt.date(this_year, 12, 31)))
    found: list[Offer] = []
    for key in sorted(yearly):
        serving = offered.get(wanted[key], [])
        weights = {p.pk: KIND_WEIGHT[PointKind(p.kind)] for p in serving}
        total = sum(weights.values())
        for point in sorted(serving, key=lambda p: p.code):
            found.append(Offer(point, key, yearly[key] * weights[point.pk] / total / days))
    return found


def build(*, seed: int, report: Callable[[str], None]) -> str:
    pace = pace_factor()
    actor = (
        User.objects.filter(role=Role.ACCOUNTANT, unit__province_code=PROVINCE)
        .order_by("pk")
        .first()
    )
    bank = (
        Account.objects.filter(province_code=PROVINCE, code__startswith=ledger.BANK_PREFIX)
        .order_by("-balance", "code")
        .first()
    )
    days = pace_days()
    if pace <= 0 or actor is None or bank is None or not days:
        return ""
    report(_("The counters' year at a real province's pace"))
    started = time.perf_counter()
    year = _Year(actor=actor, bank=bank, pace=pace, rng=random.Random(seed * 53 + 11))
    for day, week_ends, last in day_ends(days):
        year.post_day(day, week_ends=week_ends, last=last)
    return _(
        "At a province's pace: %(n)s more operations at the counters (%(revenue)s of revenue), "
        "%(deposits)s daily deposits to the bank, %(settlements)s monthly settlements "
        "(%(s).1f s)."
    ) % {
        "n": format_number(year.operations),
        "revenue": format_vnd(year.revenue),
        "deposits": format_number(year.takings.deposits),
        "settlements": format_number(year.settlements),
        "s": time.perf_counter() - started,
    }


def day_ends(days: list[dt.date]) -> Iterator[tuple[dt.date, bool, bool]]:
    """Each of ``days`` with whether it ends its week and whether it is the last."""
    for index, day in enumerate(days):
        after = days[index + 1] if index + 1 < len(days) else None
        yield day, after is None or after.isocalendar()[:2] != day.isocalendar()[:2], after is None


class Takings:
    """The cash a step's operations leave in the drawers, deposited at ``bank`` as the points
    do: the offices the evening of each day, the others at the week's end (or sooner, past
    ``DEPOSIT_AT``), everyone on the last day. ``name`` keeps one step's deposits apart from
    another's (the idempotency keys)."""

    def __init__(self, bank: Account, name: str = "deposit") -> None:
        self.bank, self.name = bank, name
        self.cash: dict[int, int] = defaultdict(int)  # taken and not deposited yet, per point
        self.points: dict[int, ServicePoint] = {}
        self.drawers: dict[int, Account] = {}
        self.deposits = 0

    def take(self, point: ServicePoint, amount: int) -> None:
        if point.pk not in self.drawers:
            self.points[point.pk], self.drawers[point.pk] = point, ledger.account_for_drawer(point)
        self.cash[point.pk] += amount

    def deposited(self, day: dt.date, *, week_ends: bool, last: bool) -> list[ledger.Posting]:
        """The deposits of ``day``'s evening."""
        postings = []
        for point_id, amount in sorted(self.cash.items()):
            point = self.points[point_id]
            if not amount or not (
                last or week_ends or point.kind in OFFICES or amount >= DEPOSIT_AT
            ):
                continue
            self.cash[point_id] = 0
            postings.append(
                ledger.Posting(
                    idempotency_key=f"pace:{self.name}:{point.code}:{day:%Y%m%d}",
                    kind=EntryKind.BANK_DEPOSIT,
                    reference=f"NT{point.code}{day:%y%m%d}",
                    legs=[ledger.Leg(self.bank, self.drawers[point_id], amount)],
                    business_date=day,
                    point=point,
                    memo=_("The day's takings deposited at the bank"),
                )
            )
            self.deposits += 1
        return postings


class Owed:
    """What the post owes its partners (``3388.partner.<partner>``) for each month's
    operations, paid from ``bank`` on the first business day from the ``SETTLE_DAY``
    of the next month. ``name`` keeps one step's payments apart from another's."""

    def __init__(self, bank: Account, name: str) -> None:
        self.bank, self.name = bank, name
        self.due: dict[dt.date, dict[Account, int]] = defaultdict(lambda: defaultdict(int))
        self.payments = 0

    def add(self, day: dt.date, payable: Account, amount: int) -> None:
        self.due[day.replace(day=1)][payable] += amount

    def paid(self, day: dt.date) -> list[ledger.Posting]:
        """The payments of ``day``: the months whose day of payment has come."""
        postings = []
        for month in sorted(self.due):
            if (month + dt.timedelta(days=32)).replace(day=SETTLE_DAY) > day:
                continue
            for account, amount in sorted(self.due.pop(month).items(), key=lambda i: i[0].code):
                if not amount:
                    continue
                postings.append(
                    ledger.Posting(
                        idempotency_key=f"{self.name}:{account.code}:{month:%Y%m}",
                        kind=EntryKind.COLLECTION_SETTLEMENT,
                        reference=f"TT{month:%y%m}",
                        legs=[ledger.Leg(account, self.bank, amount)],
                        business_date=day,
                        memo=_("Settlement of %(month)s") % {"month": f"{month:%m/%Y}"},
                    )
                )
        self.payments += len(postings)
        return postings


@dataclass(frozen=True)
class Setting:
    """What a step at a province's pace needs: its scale, the province, the accountant who
    posts the deposits and the payments, the bank account they go through, the days."""

    scale: float
    province: Unit
    accountant: User
    bank: Account
    days: list[dt.date]


def setting() -> Setting | None:
    """The setting of a step at a province's pace; None when it has nothing to do (pace 0,
    no province, no ledger yet)."""
    scale = pace_factor()
    province = Unit.objects.filter(code=PROVINCE_UNIT_CODE).first()
    accountant = (
        User.objects.filter(role=Role.ACCOUNTANT, unit=province).order_by("pk").first()
        if province is not None
        else None
    )
    bank = (
        Account.objects.filter(province_code=PROVINCE, code__startswith=ledger.BANK_PREFIX)
        .order_by("-balance", "code")
        .first()
    )
    days = pace_days() if scale else []
    if not days or province is None or accountant is None or bank is None:
        return None
    return Setting(scale, province, accountant, bank, days)


class _Year:
    """The points' offers, their accounts, and the commissions due at each month's end."""

    def __init__(self, *, actor: User, bank: Account, pace: float, rng: random.Random) -> None:
        self.actor, self.bank, self.rng = actor, bank, rng
        self.operations = self.revenue = self.settlements = 0
        self.offers = offers({service: found.operations * pace for service, found in PACE.items()})
        self.points = {offer.point.pk: offer.point for offer in self.offers}
        self.takings = Takings(bank)
        self.drawers = {pk: ledger.account_for_drawer(p) for pk, p in self.points.items()}
        self.revenues = {s: ledger.account_for_revenue(PROVINCE, s) for s in PACE}
        self.vat = ledger.account_vat_payable(PROVINCE)
        self.receivables = {
            partner: ledger.account_partner_receivable(PROVINCE, partner)
            for found in PACE.values()
            for partner in found.partners
        }
        # What the partners owe for each month's commissions, not settled yet.
        self.due: dict[dt.date, dict[Account, int]] = defaultdict(lambda: defaultdict(int))

    def post_day(self, day: dt.date, *, week_ends: bool, last: bool) -> None:
        """The day's operations; the cash the offices took, and the commune posts' and
        agents' of the week (or of more than ``DEPOSIT_AT``), deposited at the bank."""
        self.settle(day)
        postings: list[ledger.Posting] = []
        month = day.replace(day=1)
        for offer in self.offers:
            for n in range(offer.count_on(day, self.rng)):
                legs = self._legs(offer, month)
                for leg in legs:
                    if leg.debit.pk == self.drawers[offer.point.pk].pk:
                        self.takings.take(offer.point, leg.amount)
                postings.append(
                    ledger.Posting(
                        idempotency_key=f"pace:{offer.point.code}:{day:%Y%m%d}:{offer.service}:{n}",
                        kind=EntryKind.COMMISSION
                        if PACE[offer.service].partners
                        else EntryKind.FEE,
                        reference=f"GD{offer.point.code}{day:%y%m%d}{len(postings):04d}",
                        legs=legs,
                        business_date=day,
                        point=offer.point,
                    )
                )
        self.operations += len(postings)
        postings += self.takings.deposited(day, week_ends=week_ends, last=last)
        if postings:
            ledger.entries_post(
                actor=self.actor, province_code=PROVINCE, postings=postings, answer=False
            )

    def _legs(self, offer: Offer, month: dt.date) -> list[ledger.Leg]:
        found = PACE[offer.service]
        service = offer.service
        revenue = self.revenues[service]
        # One operation's amount: around the mean, in whole hundreds of đồng.
        net = max(1_000, int(round(found.mean * self.rng.uniform(0.4, 1.6), -2)))
        self.revenue += net
        if found.partners:
            receivable = self.receivables[self.rng.choice(found.partners)]
            self.due[month][receivable] += net
            return [ledger.Leg(receivable, revenue, net, service)]
        drawer = self.drawers[offer.point.pk]
        return [
            ledger.Leg(drawer, revenue, net, service),
            ledger.Leg(drawer, self.vat, net * VAT_BP // 10_000, service),
        ]

    def settle(self, day: dt.date) -> None:
        """Each month's commissions, paid by the partners on the first business day from the
        10th of the next month."""
        for month in sorted(self.due):
            if (month + dt.timedelta(days=32)).replace(day=SETTLE_DAY) > day:
                continue
            postings = [
                ledger.Posting(
                    idempotency_key=f"pace:settle:{account.code}:{month:%Y%m}",
                    kind=EntryKind.COLLECTION_SETTLEMENT,
                    reference=f"QT{month:%y%m}",
                    legs=[ledger.Leg(self.bank, account, amount)],
                    business_date=day,
                    memo=_("Settlement of %(month)s") % {"month": f"{month:%m/%Y}"},
                )
                for account, amount in sorted(self.due.pop(month).items(), key=lambda i: i[0].code)
                if amount
            ]
            self.settlements += len(postings)
            if postings:
                ledger.entries_post(
                    actor=self.actor, province_code=PROVINCE, postings=postings, answer=False
                )
