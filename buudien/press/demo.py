"""The demo's press in Lạng Sơn: publishers and their titles (national dailies, the
province's Party newspaper, magazines, the press for ethnic minorities) with their
subscription prices, a year of subscriptions taken at the counters, and the public-press
programmes of the year with their recipients in every commune. A step of ``buudien demo``
(``press.year``, registered in ``PressConfig.ready``), before the cash closings (the
subscriptions fill the drawers they close).

- About ``DEFAULT_SUBSCRIPTIONS`` subscriptions (``BUUDIEN_DEMO_PRESS`` or
  ``build(subscriptions=...)``; 0 skips the step) over the year, at the points with a clerk,
  more at the level I and II offices; agencies and schools subscribe for a quarter or a year,
  people mostly for a month or a quarter; each starts on the first day of the next month, as
  at a counter (``press.services.subscription_take``, one transaction each).
- The programme "Báo chí công ích" of the year (Decision 45/2015/QĐ-TTg, ordered by the
  provincial People's Committee): the province's Party newspaper and the Party's review to
  every commune's People's Committee; and the press of the ethnic minority and mountain areas
  (Decision 45/2019/QĐ-TTg): the newspaper of ethnic minorities to two prestigious persons of
  each commune that is not a ward and to some especially disadvantaged villages; added
  through ``press.services.recipient_add``.

Seeded (``random.Random``) and repeatable on a fresh database; a second build changes nothing.
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

from buudien.core.bizdays import VIETNAM, business_days_in, local_now, months_later, year_before
from buudien.core.catalogue import Service
from buudien.core.money import format_number, format_vnd
from buudien.goods.demo import _outlets
from buudien.mail.demo_year import People
from buudien.network.choices import AdminAreaLevel, AdminAreaStructure, PointKind
from buudien.network.management.commands.demo import PROVINCE_UNIT_CODE
from buudien.network.models import AdminArea, ServicePoint, Unit
from buudien.people.models import User
from buudien.press import services
from buudien.press.choices import Periodicity, PeriodKind, RecipientKind, SubscriberKind
from buudien.press.models import Programme, Publisher, Subscription, Title, TitlePrice

PROVINCE = "20"
DEFAULT_SUBSCRIPTIONS = 300
SUBSCRIPTIONS_ENV = "BUUDIEN_DEMO_PRESS"
WEIGHT = {PointKind.BC1: 8.0, PointKind.BC2: 4.0, PointKind.BC3: 1.5}  # others: 0.5
PRESTIGIOUS_PER_COMMUNE = 2
# The publishers are paid from the post's account the collection demo pays its partners from.
BANK = "vietinbank"
# What the ordering agency pays the post for each copy of the programme delivered.
FEE_PER_COPY = 2_000


@dataclass(frozen=True)
class DemoTitle:
    code: str
    name: str
    publisher: str  # its code
    periodicity: str
    weekdays: str
    issue_price: int
    month_price: int  # a month's subscription, per copy
    margin_bp: int = 2_000
    programme: str = ""  # the code of the public-press programme that carries it


PUBLISHERS = {
    "nhandan": "Báo Nhân Dân",
    "qdnd": "Báo Quân đội nhân dân",
    "baols": "Báo Lạng Sơn",
    "dtpt": "Báo Dân tộc và Phát triển",
    "tienphong": "Báo Tiền Phong",
    "tcs": "Tạp chí Cộng sản",
}
# The two programmes of the year: the public press of Decision 45/2015/QĐ-TTg to every
# commune's People's Committee, and the press for the ethnic minority and mountain areas
# (Decision 45/2019/QĐ-TTg) to prestigious persons and especially disadvantaged villages.
PUBLIC, MOUNTAINS = "BCCI", "DTMN"
VILLAGES_EVERY = 3  # one commune of the mountains in three has an especially poor village
DAILY, FEW, MONTHLY = Periodicity.DAILY, Periodicity.SEVERAL_WEEKLY, Periodicity.MONTHLY
TITLES = [
    DemoTitle("ND", "Báo Nhân Dân (hằng ngày)", "nhandan", DAILY, "1234567", 5_000, 150_000),
    DemoTitle("QDND", "Báo Quân đội nhân dân", "qdnd", DAILY, "1234567", 4_500, 135_000),
    DemoTitle("BLS", "Báo Lạng Sơn", "baols", FEW, "135", 4_000, 52_000, programme=PUBLIC),
    DemoTitle(
        "DTPT", "Báo Dân tộc và Phát triển", "dtpt", FEW, "25", 4_000, 35_000, programme=MOUNTAINS
    ),
    DemoTitle("TP", "Báo Tiền Phong", "tienphong", DAILY, "1234567", 5_000, 140_000),
    DemoTitle("TCCS", "Tạp chí Cộng sản", "tcs", MONTHLY, "", 25_000, 50_000, programme=PUBLIC),
]
# A quarter, a half-year and a year cost their months less a little.
PERIOD_DISCOUNT = {PeriodKind.MONTH: 1.0, PeriodKind.QUARTER: 0.98, PeriodKind.HALF_YEAR: 0.96,
                   PeriodKind.YEAR: 0.94}  # fmt: skip
SUBSCRIBERS = [  # (kind, weight, periods)
    (SubscriberKind.PERSON, 6, (PeriodKind.MONTH, PeriodKind.MONTH, PeriodKind.QUARTER)),
    (SubscriberKind.AGENCY, 3, (PeriodKind.QUARTER, PeriodKind.YEAR)),
    (SubscriberKind.SCHOOL, 1, (PeriodKind.QUARTER, PeriodKind.HALF_YEAR)),
    (SubscriberKind.COMMUNE, 1, (PeriodKind.QUARTER, PeriodKind.YEAR)),
]
AGENCIES = ["Văn phòng Đảng ủy", "Trung tâm Y tế", "Chi cục Thuế khu vực", "Công an",
            "Hội Cựu chiến binh", "Hội Nông dân", "Đoàn Thanh niên"]  # fmt: skip


def _target(subscriptions: int | None) -> int:
    if subscriptions is not None:
        return max(0, subscriptions)
    raw = os.environ.get(SUBSCRIPTIONS_ENV, "").strip()
    return int(raw) if raw.isdigit() else DEFAULT_SUBSCRIPTIONS


def build(
    *,
    seed: int,
    report: Callable[[str], None],
    subscriptions: int | None = None,
    now: dt.datetime | None = None,
) -> str:
    """The publishers, titles, prices, a year of subscriptions and the public-press
    programme; one line of summary."""
    started = time.perf_counter()
    target = _target(subscriptions)
    province = Unit.objects.filter(code=PROVINCE_UNIT_CODE).first()
    admin = User.objects.filter(username="admin").first()
    if not target or province is None or admin is None:
        return ""
    if Publisher.objects.filter(province_code=PROVINCE).exists():
        return _("Press: already built.")
    now = (now or local_now()).astimezone(VIETNAM)
    today = now.date()
    first = year_before(today)
    rng = random.Random(seed + 76)
    report(_("Press: a year"))
    titles = _titles(first)
    outlets = _outlets(province, first, today, service=Service.PRESS)
    taken = _subscriptions(rng, target, now, first, outlets, titles)
    programmes, recipients = _programmes(rng, admin, today, titles)
    totals = Subscription.objects.filter(province_code=PROVINCE).aggregate(
        total=Sum("total"), margin=Sum("margin")
    )
    return _(
        "Press: %(publishers)s publishers, %(titles)s titles; %(subscriptions)s subscriptions "
        "at %(points)s points (%(total)s, the post's margin %(margin)s); the programmes "
        "%(programme)s with %(recipients)s recipients in %(communes)s communes "
        "(%(seconds)s s)."
    ) % {
        "publishers": len(PUBLISHERS),
        "titles": len(titles),
        "subscriptions": format_number(taken),
        "points": format_number(
            Subscription.objects.filter(province_code=PROVINCE).values("point").distinct().count()
        ),
        "total": format_vnd(totals["total"] or 0),
        "margin": format_vnd(totals["margin"] or 0),
        "programme": ", ".join(f"“{row.name}”" for row in programmes) or "—",
        "recipients": format_number(recipients[0]),
        "communes": format_number(recipients[1]),
        "seconds": format_number(time.perf_counter() - started, 1),
    }


def _titles(first: dt.date) -> dict[str, tuple[DemoTitle, Title]]:
    publishers = {
        code: Publisher.objects.create(province_code=PROVINCE, code=code, name=name, bank=BANK)
        for code, name in PUBLISHERS.items()
    }
    made = {}
    for row in TITLES:
        title = Title.objects.create(
            province_code=PROVINCE,
            code=row.code,
            name=row.name,
            publisher=publishers[row.publisher],
            periodicity=row.periodicity,
            weekdays=row.weekdays,
            month_days="1" if row.periodicity == Periodicity.MONTHLY else "",
            issue_price=row.issue_price,
            margin_bp=row.margin_bp,
        )
        for kind in PeriodKind:
            price = round(row.month_price * kind.months * PERIOD_DISCOUNT[kind], -2)
            TitlePrice.objects.create(
                province_code=PROVINCE,
                title=title,
                period_kind=kind,
                price=int(price),
                valid_from=first.replace(day=1) - dt.timedelta(days=31),
            )
        made[row.code] = (row, title)
    return made


def _subscriptions(
    rng: random.Random,
    target: int,
    now: dt.datetime,
    first: dt.date,
    outlets: list[Any],
    titles: dict[str, tuple[DemoTitle, Title]],
) -> int:
    """``target`` subscriptions over the year, in the order of time, each on a business day
    at a counter, starting on the first day of the next month."""
    days = business_days_in(first, now.date())
    if not outlets or not days:
        return 0
    weights = [WEIGHT.get(o.point.kind, 0.5) for o in outlets]
    kinds = [row for row in SUBSCRIBERS for _n in range(row[1])]
    people = People(rng)
    codes = sorted(titles)
    planned = []
    for number in range(target):
        outlet = rng.choices(outlets, weights)[0]
        day = rng.choice(days)
        at = dt.datetime.combine(day, dt.time(), tzinfo=VIETNAM) + dt.timedelta(
            minutes=rng.randint(8 * 60, 16 * 60 + 30)
        )
        if at >= now:
            continue
        kind, _weight, periods = rng.choice(kinds)
        planned.append((at, number, outlet, kind, rng.choice(periods), rng.choice(codes)))
    planned.sort(key=lambda row: (row[0], row[1]))
    taken = 0
    for at, number, outlet, kind, period, code in planned:
        commune = outlet.point.commune
        name = subscriber_name(rng, people, kind, commune)
        services.subscription_take(
            actor=outlet.clerk,
            point=outlet.point,
            idempotency_key=f"demo-press-{number}",
            title=code,
            subscriber_name=name,
            subscriber_kind=kind,
            phone=people.phone() if kind == SubscriberKind.PERSON else "",
            address=people.address(commune) if commune else "Trung tâm xã",
            copies=1 if kind == SubscriberKind.PERSON else rng.choice((1, 1, 2, 3)),
            period_kind=period,
            starts_on=months_later(at.date().replace(day=1), 1),
            at=at,
        )
        taken += 1
    return taken


def subscriber_name(rng: random.Random, people: People, kind: str, commune: Any) -> str:
    """A subscriber of ``kind`` at a point of ``commune``: a person, the commune's People's
    Committee, its lower secondary school or one of its agencies."""
    if kind == SubscriberKind.PERSON:
        return people.name()
    if kind == SubscriberKind.COMMUNE:
        return f"UBND {commune.name}" if commune else "UBND xã"
    if kind == SubscriberKind.SCHOOL:
        return f"Trường THCS {commune.name.split(' ', 1)[-1]}" if commune else "Trường THCS"
    return rng.choice(AGENCIES) + (f" {commune.name}" if commune else "")


def _programmes(
    rng: random.Random, admin: Any, today: dt.date, titles: dict[str, tuple[DemoTitle, Title]]
) -> tuple[list[Programme], tuple[int, int]]:
    """The year's two public-press programmes: the public press to every commune's People's
    Committee, the press of the mountains to two prestigious persons of each commune that is
    not a ward and to some especially disadvantaged villages; each recipient delivered by the
    point of its commune. The recipients added and the communes reached."""
    made = {
        code: Programme.objects.create(
            province_code=PROVINCE,
            code=code,
            name=name,
            ordering_agency=agency,
            funding_decision=decision,
            year=today.year,
            fee_per_copy=FEE_PER_COPY,
        )
        for code, name, agency, decision in [
            (
                PUBLIC,
                f"Báo chí công ích năm {today.year}",
                "Ủy ban nhân dân tỉnh Lạng Sơn",
                "Quyết định 45/2015/QĐ-TTg",
            ),
            (
                MOUNTAINS,
                f"Báo, tạp chí cho vùng dân tộc thiểu số và miền núi năm {today.year}",
                "Bộ Dân tộc và Tôn giáo",
                "Quyết định 45/2019/QĐ-TTg",
            ),
        ]
    }
    for code, programme in made.items():
        programme.titles.set([title for row, title in titles.values() if row.programme == code])
    communes = AdminArea.objects.filter(
        province_code=PROVINCE, level=AdminAreaLevel.COMMUNE, structure=AdminAreaStructure.V2025
    ).order_by("code")
    points = {
        point.commune_id: point
        for point in ServicePoint.objects.filter(province_code=PROVINCE, closed_on__isnull=True)
        .with_counter()
        .order_by("kind", "code")
    }
    people = People(rng)
    added = reached = 0
    for number, commune in enumerate(communes):
        point = points.get(commune.pk)
        if point is None:
            continue
        reached += 1
        recipients = [(PUBLIC, f"UBND {commune.name}", RecipientKind.COMMUNE, 2)]
        if commune.division_type.casefold() != "phường":
            recipients += [
                (MOUNTAINS, f"Ông/Bà {people.name()}", RecipientKind.PRESTIGIOUS, 1)
                for _n in range(PRESTIGIOUS_PER_COMMUNE)
            ]
            if number % VILLAGES_EVERY == 0:
                village = f"{people.address(commune)}, {commune.name}"  # "Thôn Nà Lìn, …"
                recipients.append((MOUNTAINS, village, RecipientKind.VILLAGE, 1))
        for code, name, kind, copies in recipients:
            services.recipient_add(
                actor=admin,
                programme=made[code],
                commune=commune,
                name=name,
                kind=kind,
                delivery_point=point.code,
                copies=copies,
            )
            added += 1
    return list(made.values()), (added, reached)
