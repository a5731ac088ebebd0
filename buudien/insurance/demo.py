"""The demo's insurance in Lạng Sơn: two partner insurers (PTI, Vietnam Post's own insurer,
and BIC), their products sold at the counters, and a year of policies. A step of ``buudien
demo`` (``insurance.year``, registered in ``InsuranceConfig.ready``), after goods and before
the cash closings (the premiums fill the drawers they close).

- Products as the post sells them: the motorbike compulsory civil liability at its fixed
  premium (66.000 ₫, 55.000 ₫ under 50 cc, VAT included; Decree 67/2023), the car's entered
  per policy (from 480.700 ₫), personal accident, PTI's health and hospital cash, BIC's home
  policy; the commission in basis points of the premium.
- About ``DEFAULT_POLICIES`` policies a year (``BUUDIEN_DEMO_INSURANCE`` or
  ``build(policies=...)``; 0 skips the step) at the points that offer insurance and have a
  clerk, on the business days of the last twelve months; the motorbike policy is most of
  what a commune point (BĐVHX) sells, the larger offices sell more of the rest. A cover
  starts the day it is bought, or a few days later when the old one has not run out.
- This morning at the demo points, a policy or two issued and one cancelled (a wrong plate):
  a cancellation is the same business day only, so only today's can be.
- Everything goes through ``insurance.services``, in the order of time, one transaction
  each; seeded and repeatable; nothing after ``now`` happens.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from buudien.core.bizdays import VIETNAM, business_days_in, is_business_day, local_now, year_before
from buudien.core.catalogue import Service
from buudien.core.errors import DomainError
from buudien.core.money import format_number, format_vnd
from buudien.insurance import services
from buudien.insurance.choices import ProductKind
from buudien.insurance.models import Insurer, Policy, Product
from buudien.network.choices import PointKind
from buudien.network.management.commands.demo import (
    FAMILY_NAMES,
    GIVEN_FEMALE,
    GIVEN_MALE,
    MIDDLE_FEMALE,
    MIDDLE_MALE,
    PROVINCE_UNIT_CODE,
)
from buudien.network.models import PointService, ServicePoint, Unit
from buudien.people.choices import Role
from buudien.people.models import User

PROVINCE = "20"
PLATE_PROVINCE = "12"  # Lạng Sơn's vehicles
POLICIES_ENV = "BUUDIEN_DEMO_INSURANCE"
DEFAULT_POLICIES = 600
DEMO_CLERK = "gdv."

INSURERS = [
    ("pti", "Tổng Công ty Cổ phần Bảo hiểm Bưu điện (PTI)"),
    ("bic", "Tổng Công ty Bảo hiểm BIDV (BIC)"),
]


@dataclass(frozen=True)
class DemoProduct:
    insurer: str
    code: str
    name: str
    kind: str
    premium: int  # fixed; 0: entered
    low: int
    high: int
    commission_bp: int
    premiums: tuple[int, ...] = ()  # the premiums customers usually choose (entered ones)


PRODUCTS = [
    DemoProduct("pti", "PTI-XM", "TNDS bắt buộc xe máy trên 50 cc", ProductKind.MOTORBIKE_LIABILITY,
                66_000, 0, 0, 2000),
    DemoProduct("pti", "PTI-XM50", "TNDS bắt buộc xe máy dưới 50 cc",
                ProductKind.MOTORBIKE_LIABILITY, 55_000, 0, 0, 2000),
    DemoProduct("pti", "PTI-OTO", "TNDS bắt buộc ô tô", ProductKind.CAR_LIABILITY, 0, 480_700,
                5_000_000, 1000, (480_700, 480_700, 873_400, 1_026_300)),
    DemoProduct("pti", "PTI-TN", "Bảo hiểm tai nạn con người 24/24", ProductKind.PERSONAL_ACCIDENT,
                0, 50_000, 3_000_000, 2000, (100_000, 200_000, 300_000, 500_000)),
    DemoProduct("pti", "PTI-CARE", "PTI Care: sức khỏe và trợ cấp nằm viện", ProductKind.HEALTH,
                0, 500_000, 20_000_000, 2500, (1_200_000, 2_100_000, 3_500_000)),
    DemoProduct("bic", "BIC-XM", "TNDS bắt buộc xe máy (BIC)", ProductKind.MOTORBIKE_LIABILITY,
                66_000, 0, 0, 1800),
    DemoProduct("bic", "BIC-NHA", "Bảo hiểm nhà tư nhân", ProductKind.HOME, 0, 150_000,
                10_000_000, 1500, (350_000, 600_000, 1_100_000)),
]  # fmt: skip

# What a customer buys, by the kind of point: (product code, weight).
MIX = {
    "commune": [("PTI-XM", 60), ("PTI-XM50", 8), ("BIC-XM", 14), ("PTI-TN", 12), ("PTI-OTO", 2),
                ("PTI-CARE", 2), ("BIC-NHA", 2)],
    "office": [("PTI-XM", 34), ("PTI-XM50", 4), ("BIC-XM", 12), ("PTI-TN", 14), ("PTI-OTO", 16),
               ("PTI-CARE", 12), ("BIC-NHA", 8)],
}  # fmt: skip
WEIGHT: dict[str, float] = {
    PointKind.BC1: 5.0,
    PointKind.BC2: 2.0,
    PointKind.BC3: 1.0,
    PointKind.BDVHX: 0.6,
}
SERIES = "ABCDEFGHKLMNPSTUVXYZ"


@dataclass
class Counter:
    point: ServicePoint
    clerk: Any
    weight: float
    mix: list[tuple[str, int]]


def _target(policies: int | None) -> int:
    if policies is not None:
        return max(0, policies)
    raw = os.environ.get(POLICIES_ENV, "").strip()
    return int(raw) if raw.isdigit() else DEFAULT_POLICIES


def _catalogue() -> dict[str, Product]:
    insurers = {}
    for code, name in INSURERS:
        insurers[code], _made = Insurer.objects.get_or_create(
            province_code=PROVINCE, code=code, defaults={"name": name}
        )
    made = {}
    for p in PRODUCTS:
        made[p.code], _made = Product.objects.get_or_create(
            province_code=PROVINCE,
            code=p.code,
            defaults={
                "insurer": insurers[p.insurer],
                "name": p.name,
                "kind": p.kind,
                "premium": p.premium,
                "premium_min": p.low,
                "premium_max": p.high,
                "commission_bp": p.commission_bp,
                "plate_required": p.kind in ProductKind.vehicles(),
            },
        )
    return made


def _counters(province: Unit, first: dt.date, today: dt.date) -> list[Counter]:
    offering = set(
        PointService.objects.filter(service=Service.INSURANCE).values_list("point_id", flat=True)
    )
    clerks: dict[int, Any] = {}
    for user in User.objects.filter(
        unit__path__startswith=province.path, role=Role.CLERK, is_active=True, point__isnull=False
    ).order_by("username"):
        assert user.point_id is not None
        if user.username.startswith(DEMO_CLERK) or user.point_id not in clerks:
            clerks[user.point_id] = user
    points = (
        ServicePoint.objects.filter(unit_path__startswith=province.path, pk__in=offering)
        .in_force_on(first)
        .in_force_on(today)
        .order_by("code")
    )
    return [
        Counter(
            point,
            clerks[point.pk],
            WEIGHT[point.kind],
            MIX["commune" if point.kind == PointKind.BDVHX else "office"],
        )
        for point in points
        if point.pk in clerks and point.kind in WEIGHT
    ]


class _People:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def name(self) -> str:
        rng = self.rng
        female = rng.random() < 0.45
        family = rng.choices([n for n, _w in FAMILY_NAMES], [w for _n, w in FAMILY_NAMES])[0]
        middle = rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE)
        given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
        return f"{family} {middle} {given}"

    def citizen_id(self) -> str:
        rng = self.rng
        return f"020{rng.choice('0123')}{rng.randint(40, 99):02d}{rng.randint(0, 999_999):06d}"

    def phone(self) -> str:
        return f"0{self.rng.choice('389')}{self.rng.randint(10_000_000, 99_999_999)}"

    def plate(self, kind: str) -> str:
        rng = self.rng
        if kind == ProductKind.CAR_LIABILITY:
            series = rng.choice("ABCDH")
            return f"{PLATE_PROVINCE}{series}-{rng.randint(100, 999)}.{rng.randint(0, 99):02d}"
        series = f"{rng.choice(SERIES)}{rng.randint(1, 9)}"
        return f"{PLATE_PROVINCE}-{series} {rng.randint(100, 999)}.{rng.randint(0, 99):02d}"


@dataclass
class _Made:
    policies: int = 0
    cancelled: int = 0
    refused: int = 0


class _Year:
    def __init__(
        self, rng: random.Random, seed: int, catalogue: dict[str, Product], made: _Made
    ) -> None:
        self.rng, self.seed, self.catalogue, self.made = rng, seed, catalogue, made
        self.people = _People(rng)
        self.serial = 0

    def issue(self, counter: Counter, at: dt.datetime) -> Policy | None:
        rng = self.rng
        codes, weights = zip(*counter.mix, strict=True)
        product = self.catalogue[rng.choices(codes, weights)[0]]
        demo = next(p for p in PRODUCTS if p.code == product.code)
        self.serial += 1
        name = self.people.name()
        start = at.date()
        if product.kind in ProductKind.vehicles() and rng.random() < 0.3:
            start += dt.timedelta(days=rng.randint(1, 20))  # the old one runs a while yet
        try:
            policy = services.policy_issue(
                actor=counter.clerk,
                point=counter.point,
                idempotency_key=f"demo-{self.seed}-{self.serial}",
                product=product.code,
                insured_name=name,
                citizen_id=self.people.citizen_id()
                if product.kind == ProductKind.HEALTH or rng.random() < 0.3
                else "",
                phone=self.people.phone() if rng.random() < 0.85 else "",
                plate=self.people.plate(product.kind) if product.plate_required else "",
                starts_on=start,
                premium=None if product.fixed else rng.choice(demo.premiums),
                at=at,
            )
        except DomainError:
            self.made.refused += 1
            return None
        self.made.policies += 1
        return policy


def _at(day: dt.date, minutes: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=VIETNAM) + dt.timedelta(minutes=minutes)


def build(
    *,
    seed: int,
    report: Callable[[str], None],
    policies: int | None = None,
    now: dt.datetime | None = None,
) -> str:
    """Set up the insurers and their products and issue a year of policies; one line of
    summary."""
    started = time.perf_counter()
    target = _target(policies)
    province = Unit.objects.filter(code=PROVINCE_UNIT_CODE).first()
    if not target or province is None:
        return ""
    if Policy.objects.filter(province_code=PROVINCE, idempotency_key__contains=":demo-").exists():
        return _("Insurance: the demo year is already there.")
    now = (now or local_now()).astimezone(VIETNAM)
    today = now.date()
    first = year_before(today)
    counters = _counters(province, first, today)
    if not counters:
        return ""
    report(_("Insurance: a year"))
    catalogue = _catalogue()
    rng = random.Random(seed + 72)
    made = _Made()
    year = _Year(rng, seed, catalogue, made)
    days = [day for day in business_days_in(first, today) if day < today]
    weights = [c.weight for c in counters]
    per_day = target / max(1, len(days))
    for day in days:
        count = int(per_day) + (1 if rng.random() < per_day - int(per_day) else 0)
        moments = sorted(rng.randint(7 * 60 + 30, 16 * 60 + 30) for _n in range(count))
        for minutes in moments:
            year.issue(rng.choices(counters, weights)[0], _at(day, minutes))
    _this_morning(year, counters, now)
    total = Policy.objects.filter(province_code=PROVINCE, status="issued")
    premiums = sum(total.values_list("premium", flat=True))
    commission = sum(total.values_list("commission", flat=True))
    return _(
        "Insurance: %(insurers)s insurers, %(products)s products; %(policies)s policies "
        "(%(cancelled)s cancelled) at %(points)s points, premiums %(premiums)s, commission "
        "%(commission)s (%(seconds)s s)."
    ) % {
        "insurers": len(INSURERS),
        "products": len(PRODUCTS),
        "policies": format_number(made.policies),
        "cancelled": format_number(made.cancelled),
        "points": format_number(len({c.point.pk for c in counters})),
        "premiums": format_vnd(premiums),
        "commission": format_vnd(commission),
        "seconds": format_number(time.perf_counter() - started, 1),
    }


def _this_morning(year: _Year, counters: list[Counter], now: dt.datetime) -> None:
    """Today at the demo points: two policies, the second cancelled (a wrong plate)."""
    today = now.date()
    start = _at(today, 7 * 60 + 30)
    if not is_business_day(today) or now < start + dt.timedelta(minutes=30):
        return
    demo = [c for c in counters if c.clerk.username.startswith(DEMO_CLERK)] or counters[:1]
    span = (now - start).total_seconds() / 60
    for counter in demo:
        issued = [year.issue(counter, start + dt.timedelta(minutes=span * n / 4)) for n in (1, 2)]
        last = issued[-1]
        if last is not None:
            services.policy_cancel(
                actor=counter.clerk,
                policy=last,
                reason="Ghi nhầm biển số xe",
                at=start + dt.timedelta(minutes=span * 3 / 4),
            )
            year.made.cancelled += 1
