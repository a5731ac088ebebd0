"""The demo's year of mail: twelve months of items accepted at the counters of the demo
province, their journeys through the network, and today's bags, round and KT1 hand-overs.
A step of ``buudien demo`` (``mail.year``, after the tariffs; registered in
``MailConfig.ready``).

Everything goes through the services a person or a scanner would use:

- acceptance: ``batches.items_accept_batch``, per counter point, business day and service,
  by a clerk of the point (KT1 only at the provincial post's main office, by the ``kt1``
  officer); besides the walk-in customers, a few business customers (shops, an agency)
  hand over lists of their own;
- journeys: ``tracking.events_ingest`` (source ``demo``): dispatch from the accepting office
  (EMC), the processing centre (EDD, EDE), arrival at the delivery office (EMD, EMG), out for
  delivery (EDG), delivered (EMI); failed attempts (EMH, then delivered), items held for
  collection, returns to the sender (EMH with action ``return`` … EMI back at the sender's
  office). Times are business hours, one to four business days from counter to door; what
  would happen after now has not happened yet, so the last days' items are still on their
  way;
- today (or the last business day, before noon): bags and a delivery round through
  ``operations`` (a bag from the centre received and opened at the main office, the round
  of its postman ``buuta`` with deliveries, a failed attempt and items still out; a bag
  dispatched to the centre, one closed, one on its way), and KT1 hand-overs between the two
  KT1 officers.

Volumes: about ``DEFAULT_ITEMS`` items (``BUUDIEN_DEMO_MAIL_ITEMS`` or ``build(items=...)``;
0 skips the step), most at the main office and the level II offices, registered and
ordinary letters first. Seeded (``random.Random``) and repeatable: a build on a fresh
province (``demo --reset`` empties the database first) makes the same items as any other,
with new S10 ids where the office sequences have moved on.

The fees (and COD collected) of the demo's items are posted on the ledger, as at a counter.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
import os
import random
import struct
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from buudien.core.bizdays import VIETNAM, business_days_in, local_now, year_before
from buudien.core.money import format_number, format_percent
from buudien.core.text import fold
from buudien.mail.batches.services import BatchRow, Lookups, items_accept_batch
from buudien.mail.choices import (
    EventCode,
    FailureAction,
    FailureReason,
    ItemStatus,
    Kt1Grade,
    Kt1Urgency,
    MailService,
)
from buudien.mail.models import PostalItem, TrackingEvent
from buudien.mail.operations import services as operations
from buudien.mail.operations.models import Bag
from buudien.mail.tracking.services import MAX_EVENTS, events_ingest
from buudien.network.choices import AdminAreaLevel, AdminAreaStructure, PointKind
from buudien.network.management.commands.demo import (
    FAMILY_NAMES,
    GIVEN_FEMALE,
    GIVEN_MALE,
    MIDDLE_FEMALE,
    MIDDLE_MALE,
    PROVINCE_UNIT_CODE,
    STREETS,
    VILLAGES,
)
from buudien.network.models import AdminArea, PointService, ServicePoint, Unit
from buudien.people.choices import Role
from buudien.people.models import User

PROVINCE = "20"
SOURCE = "demo"
DEFAULT_ITEMS = 15_000
ITEMS_ENV = "BUUDIEN_DEMO_MAIL_ITEMS"
KT1_USERNAME = "kt1"
POSTMAN_USERNAME = "buuta"


def _signature_png(width: int = 120, height: int = 40) -> str:
    """A recipient's signature as the phone sends it (a PNG ``data:`` URL): a wave drawn
    across a white pad, made with the standard library alone."""
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")  # filter: none
        for x in range(width):
            wave = height / 2 + (height / 3) * math.sin(x / 9) * math.cos(x / 31)
            row.append(0 if abs(y - wave) < 1.5 else 255)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )
    return "data:image/png;base64," + base64.b64encode(png).decode()


# What the postman's phone records for a registered or COD item delivered.
SIGNATURE = _signature_png()
DEMO_BDVHX_CLERK = "gdv."  # the demo accounts' points get more walk-in customers
WALK_IN = "Khách hàng giao dịch tại quầy"

# Walk-in items per business day at one counter, before scaling to the year's volume.
RATES: dict[str, float] = {
    PointKind.BC1: 30.0,
    PointKind.BC2: 4.5,
    PointKind.BC3: 0.4,
    PointKind.BDVHX: 0.012,
    PointKind.AGENT: 0.05,
    PointKind.KIOSK: 0.1,
}
DEMO_POINT_RATE = 0.6  # the demo BĐVHX of gdv.* has its clerk busier than the others
# The mix of services at a counter (of those the point offers).
MIX: dict[str, float] = {
    MailService.REGISTERED: 36,
    MailService.ORDINARY: 31,
    MailService.PARCEL: 14,
    MailService.EMS: 14,
    MailService.ADMIN_DELIVERY: 5,
}
WALK_IN_SHARE = 0.58  # of the year's items; business lists make the rest, KT1 a few
KT1_SHARE = 0.007

# Outcomes of a delivery, in this order: delivered at the first attempt, a failed attempt
# then delivered, held at the office then collected, returned to the sender; the rest are
# held at the office, not collected yet.
FIRST, RETRIED, COLLECTED, RETURNED = 0.86, 0.07, 0.02, 0.025


@dataclass(frozen=True)
class Customer:
    """A business customer who hands its own lists to a counter: where (the kind of point
    and part of its name), what, how many lists a week, how many items a list, the share of
    items with COD, and the months of its season (all year when empty)."""

    name: str
    phone: str
    address: str
    kind: str
    place: str  # part of the point's name ("" = any point of the kind)
    service: str
    per_week: float
    size: tuple[int, int]
    cod_share: float
    season: tuple[int, ...] = ()


CUSTOMERS = [
    Customer(
        "Cửa hàng Đặc sản Xứ Lạng",
        "0987123456",
        "Số 18 đường Tam Thanh, phường Đông Kinh",
        PointKind.BC1,
        "",
        MailService.PARCEL,
        3,
        (6, 24),
        0.7,
    ),
    Customer(
        "Hợp tác xã Nông sản Na Chi Lăng",
        "0912678345",
        "Thôn Hòa Bình, xã Chi Lăng",
        PointKind.BC2,
        "Chi Lăng",
        MailService.PARCEL,
        4,
        (10, 40),
        0.5,
        (7, 8, 9),
    ),
    Customer(
        "Shop Thời trang Kỳ Lừa",
        "0386555222",
        "Số 4 đường Kỳ Lừa, phường Lương Văn Tri",
        PointKind.BC3,
        "Kỳ Lừa",
        MailService.EMS,
        2,
        (4, 16),
        0.8,
    ),
    Customer(
        "Trung tâm Phục vụ hành chính công tỉnh Lạng Sơn",
        "02053812345",
        "Số 2 đường Hùng Vương, phường Đông Kinh",
        PointKind.BC1,
        "",
        MailService.ADMIN_DELIVERY,
        5,
        (4, 18),
        0.0,
    ),
    Customer(
        "Bảo hiểm xã hội tỉnh Lạng Sơn",
        "02053870123",
        "Số 105 đường Bà Triệu, phường Đông Kinh",
        PointKind.BC1,
        "",
        MailService.REGISTERED,
        1,
        (20, 60),
        0.0,
    ),
    Customer(
        "Công ty TNHH Thương mại Cửa khẩu Đồng Đăng",
        "0205385456",
        "Khu Cửa khẩu quốc tế Hữu Nghị",
        PointKind.BC2,
        "Cao Lộc",
        MailService.PARCEL,
        2,
        (5, 20),
        0.4,
    ),
]
AGENCIES = [
    "UBND xã {commune}",
    "Công an xã {commune}",
    "Sở Tư pháp tỉnh Lạng Sơn",
    "Sở Tài nguyên và Môi trường tỉnh Lạng Sơn",
    "Văn phòng Đăng ký đất đai tỉnh Lạng Sơn",
    "Sở Lao động - Thương binh và Xã hội tỉnh Lạng Sơn",
]
KT1_SENDERS = [
    "Văn phòng Tỉnh ủy Lạng Sơn",
    "Văn phòng UBND tỉnh Lạng Sơn",
    "Bộ Chỉ huy Quân sự tỉnh Lạng Sơn",
    "Công an tỉnh Lạng Sơn",
]
# Cartons the post office sells: (length, width, height) in mm.
BOXES = [(200, 150, 100), (250, 200, 100), (300, 200, 150), (350, 250, 200), (400, 300, 250)]
LETTER_WEIGHTS = [(15, 20), (20, 30), (35, 12), (50, 12), (80, 8), (120, 6), (250, 6), (500, 4)]
PARCEL_WEIGHTS = [(500, 14), (800, 14), (1_000, 16), (1_500, 14), (2_000, 12), (3_000, 12)]
PARCEL_WEIGHTS += [(5_000, 8), (8_000, 5), (12_000, 3), (20_000, 2)]
EMS_WEIGHTS = [(50, 18), (100, 16), (250, 16), (500, 14), (1_000, 12), (2_000, 10), (3_000, 6)]
ADMIN_WEIGHTS = [(50, 30), (100, 30), (250, 20), (500, 15), (1_000, 5)]
KT1_WEIGHTS = [(50, 30), (100, 30), (250, 20), (500, 15), (1_500, 5)]


def _target(items: int | None) -> int:
    if items is not None:
        return max(0, items)
    raw = os.environ.get(ITEMS_ENV, "").strip()
    return int(raw) if raw.isdigit() else DEFAULT_ITEMS


def _weighted[T](rng: random.Random, table: list[tuple[T, int]]) -> T:
    values, weights = zip(*table, strict=True)
    choice: T = rng.choices(values, weights)[0]
    return choice


def _poisson(rng: random.Random, rate: float) -> int:
    """A Poisson draw (Knuth's way; the rates here are small)."""
    if rate <= 0:
        return 0
    limit, count, product = math.exp(-rate), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _at(day: dt.date, minutes: float) -> dt.datetime:
    """``day`` at ``minutes`` past midnight, Vietnam's time, to the second."""
    return dt.datetime.combine(day, dt.time(), tzinfo=VIETNAM) + dt.timedelta(
        seconds=round(minutes * 60)
    )


def _between(rng: random.Random, day: dt.date, first: str, last: str) -> dt.datetime:
    """A time on ``day`` between two clock times ("07:30", "16:30")."""
    a, b = (int(x[:2]) * 60 + int(x[3:]) for x in (first, last))
    return _at(day, rng.uniform(a, b))


# --- who and where ----------------------------------------------------------------------------


@dataclass
class _Counter:
    point: ServicePoint
    services: list[str]
    clerks: list[Any]
    rate: float


@dataclass
class _World:
    province: Unit
    counters: list[_Counter]
    bc1: ServicePoint
    centre: ServicePoint
    centre_clerks: list[Any]
    kt1: Any
    kt1_other: Any
    postman: Any
    communes: list[AdminArea]  # 2025 communes with a delivery office
    weights: dict[int, list[int]]  # point id -> weight of each commune as a destination
    points_by_code: dict[str, ServicePoint]


def _world() -> _World | None:
    """The demo province as the network step built it; None when it is not built."""
    province = Unit.objects.filter(code=PROVINCE_UNIT_CODE).first()
    if province is None:
        return None
    points = list(ServicePoint.objects.filter(unit_path__startswith=province.path).order_by("code"))
    bc1 = next((p for p in points if p.kind == PointKind.BC1 and p.closed_on is None), None)
    centre = next((p for p in points if p.kind == PointKind.CENTRE), None)
    if bc1 is None or centre is None:
        return None
    users = list(
        User.objects.filter(unit__path__startswith=province.path, is_active=True).order_by(
            "username"
        )
    )
    clerks: dict[int, list[Any]] = {}
    for user in users:
        if user.role == Role.CLERK and user.point_id is not None:
            clerks.setdefault(user.point_id, []).append(user)
    kt1_users = [u for u in users if u.role == Role.KT1_OPERATOR]
    kt1 = next((u for u in kt1_users if u.username == KT1_USERNAME), None)
    kt1_other = next((u for u in kt1_users if u.username != KT1_USERNAME), None)
    postman = next((u for u in users if u.username == POSTMAN_USERNAME), None)
    if postman is None:
        postman = next(
            (u for u in users if u.role == Role.POSTMAN and u.unit_id == bc1.unit_id), None
        )
    offered: dict[int, set[str]] = {}
    for point_id, service in PointService.objects.filter(
        point__in=points, service__in=MailService.values
    ).values_list("point_id", "service"):
        offered.setdefault(point_id, set()).add(service)
    demo_points = {u.point_id for u in users if u.username.startswith(DEMO_BDVHX_CLERK)}
    counters = []
    for point in points:
        if point.kind not in RATES or not clerks.get(point.pk):
            continue
        services = [s for s in MIX if s in offered.get(point.pk, set())]
        if not services:
            continue
        rate = RATES[point.kind]
        if point.pk in demo_points and point.kind != PointKind.BC1:
            rate = max(rate, DEMO_POINT_RATE)
        counters.append(_Counter(point, services, clerks[point.pk], rate))

    # Destinations: the communes an office delivers in, nearer ones more often.
    delivering: set[int] = {
        p.commune_id
        for p in points
        if p.kind in (PointKind.BC1, PointKind.BC2, PointKind.BC3, PointKind.BDVHX)
        and p.closed_on is None
        and p.commune_id is not None
    }
    communes = list(
        AdminArea.objects.filter(
            structure=AdminAreaStructure.V2025,
            level=AdminAreaLevel.COMMUNE,
            province_code=PROVINCE,
            pk__in=delivering,
        ).order_by("code")
    )
    wards = {c.pk for c in communes if c.division_type.casefold() == "phường"}
    weights = {
        counter.point.pk: [
            12 if c.pk == counter.point.commune_id else (3 if c.pk in wards else 1)
            for c in communes
        ]
        for counter in counters
    }
    return _World(
        province=province,
        counters=counters,
        bc1=bc1,
        centre=centre,
        centre_clerks=clerks.get(centre.pk, []),
        kt1=kt1,
        kt1_other=kt1_other,
        postman=postman,
        communes=communes,
        weights=weights,
        points_by_code={p.code: p for p in points},
    )


# --- people and parcels -------------------------------------------------------------------------


class People:
    """Names, phones and addresses of Lạng Sơn, drawn from the seed (the goods' buyers too)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.families = [name for name, weight in FAMILY_NAMES for _i in range(weight)]

    def name(self) -> str:
        rng = self.rng
        female = rng.random() < 0.5
        middle = rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE)
        given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
        return f"{rng.choice(self.families)} {middle} {given}"

    def phone(self) -> str:
        return self.rng.choice(["09", "08", "03"]) + f"{self.rng.randint(0, 99_999_999):08d}"

    def address(self, commune: AdminArea) -> str:
        rng = self.rng
        if commune.division_type.casefold() == "phường":
            return f"Số {rng.randint(1, 240)} đường {rng.choice(STREETS)}"
        return f"Thôn {rng.choice(VILLAGES)}"


@dataclass
class _Maker:
    """Rows of items, drawn from the seed."""

    rng: random.Random
    world: _World
    people: People

    def commune(self, point: ServicePoint) -> AdminArea:
        return self.rng.choices(self.world.communes, self.world.weights[point.pk])[0]

    def row(
        self,
        service: str,
        point: ServicePoint,
        *,
        commune: AdminArea | None = None,
        cod_share: float = 0.0,
        walk_in: bool = True,
    ) -> BatchRow:
        rng = self.rng
        place = commune or self.commune(point)
        recipient = self.people.name()
        weight = 20
        dims = (0, 0, 0)
        addons: list[str] = []
        declared = cod = 0
        grade = urgency = ""
        if service in (MailService.REGISTERED, MailService.ORDINARY):
            weight = _weighted(rng, LETTER_WEIGHTS)
            if service == MailService.REGISTERED and rng.random() < 0.1:
                addons.append("ar")
        elif service in (MailService.PARCEL, MailService.EMS):
            table = PARCEL_WEIGHTS if service == MailService.PARCEL else EMS_WEIGHTS
            weight = _weighted(rng, table)
            if weight >= 500:
                dims = BOXES[min(len(BOXES) - 1, int(math.log2(weight / 500)))]
            if rng.random() < cod_share:
                cod = rng.choice([150, 199, 250, 320, 450, 590, 890, 1_250]) * 1_000
            elif rng.random() < 0.06:
                declared = rng.choice([500_000, 1_000_000, 2_000_000, 5_000_000])
                addons.append("insurance")
        elif service == MailService.ADMIN_DELIVERY:
            weight = _weighted(rng, ADMIN_WEIGHTS)
            if walk_in:
                agency = rng.choice(AGENCIES)
                recipient = agency.format(commune=place.name.split(" ", 1)[-1])
            if rng.random() < 0.2:
                addons.append("ar")
        elif service == MailService.KT1:
            weight = _weighted(rng, KT1_WEIGHTS)
            recipient = rng.choice(AGENCIES).format(commune=place.name.split(" ", 1)[-1])
            grade = rng.choice([Kt1Grade.C] * 6 + [Kt1Grade.B] * 3 + [Kt1Grade.A])
            urgency = Kt1Urgency.FLASH if rng.random() < 0.15 else Kt1Urgency.NORMAL
        sender: tuple[str, str, str] = ("", "", "")
        if walk_in:
            home = point.commune or place
            sender = (self.people.name(), self.people.phone(), self.people.address(home))
        return BatchRow(
            recipient_name=recipient,
            recipient_phone=self.people.phone() if service != MailService.KT1 else "",
            recipient_address=self.people.address(place),
            recipient_commune=place,
            weight_g=weight,
            length_mm=dims[0],
            width_mm=dims[1],
            height_mm=dims[2],
            declared_value=declared,
            cod_amount=cod,
            addons=tuple(addons),
            kt1_grade=grade,
            kt1_urgency=urgency,
            sender_name=sender[0],
            sender_phone=sender[1],
            sender_address=sender[2],
        )


# --- business days ------------------------------------------------------------------------------


class _Days:
    """Business days, counted forward from any of them."""

    def __init__(self, first: dt.date, last: dt.date) -> None:
        self.days = business_days_in(first, last)
        self.index = {day: i for i, day in enumerate(self.days)}

    def after(self, day: dt.date, n: int = 1) -> dt.date:
        return self.days[self.index[day] + n]


# --- journeys -------------------------------------------------------------------------------


@dataclass
class _Journey:
    """The events of one item, in order, as a scanner would send them."""

    s10: str
    accepted_at: dt.datetime
    events: list[tuple[dt.datetime, dict[str, str]]] = field(default_factory=list)

    def add(self, code: str, at: dt.datetime, office: str, **extra: str) -> dt.datetime:
        """Add an event; one that would not come after the previous one (or the acceptance)
        comes a few minutes after it."""
        previous = self.events[-1][0] if self.events else self.accepted_at
        if at <= previous:
            at = previous + dt.timedelta(minutes=3)
        # Plain text, as a scanner sends it (the API refuses a str subclass).
        event = {
            "s10": self.s10,
            "code": str(code),
            "occurred_at": at.isoformat(),
            "office_code": office,
            "event_id": f"{self.s10}:{len(self.events) + 1}",
            **{name: str(value) for name, value in extra.items()},
        }
        self.events.append((at, event))
        return at


# The extra business days an item waits before it goes out, by service: (days, weight).
WAIT: dict[str, list[tuple[int, int]]] = {
    MailService.EMS: [(0, 1)],
    MailService.ADMIN_DELIVERY: [(0, 4), (1, 1)],
    MailService.REGISTERED: [(0, 3), (1, 2)],
    MailService.PARCEL: [(0, 2), (1, 2), (2, 1)],
    MailService.ORDINARY: [(0, 2), (1, 2), (2, 2)],
}


def _journey(
    rng: random.Random, item: PostalItem, days: _Days, centre: str, *, until: str = ""
) -> _Journey:
    """The whole way of ``item``; ``until`` stops it after the first event of that code."""
    journey = _Journey(item.s10, item.accepted_at)
    origin = item.accepted_point.code
    office = item.delivery_point.code if item.delivery_point is not None else origin
    accepted = item.accepted_at.astimezone(VIETNAM)
    d0 = accepted.date()

    def add(code: str, at: dt.datetime, where: str, **extra: str) -> dt.datetime | None:
        when = journey.add(code, at, where, **extra)
        return None if code == until else when

    if item.service == MailService.KT1:
        # Carried by KT1 officers: out of the office, with the next holder, delivered.
        flash = item.kt1_urgency == Kt1Urgency.FLASH
        out = journey.add(
            EventCode.EMC, accepted + dt.timedelta(minutes=rng.randint(20, 90)), origin
        )
        day = d0 if flash else days.after(d0)
        held = journey.add(EventCode.EMJ, max(out, _between(rng, day, "08:00", "10:30")), office)
        journey.add(
            EventCode.EMI,
            held + dt.timedelta(minutes=rng.randint(30, 150)),
            office,
            recipient_name=f"Văn thư {item.recipient_name}"[:200],
        )
        return journey

    # Counter to the delivery office.
    d1 = days.after(d0)
    if office == origin:  # delivered by the office that accepted it: out the next morning
        out_day = days.after(d0, 1 + _weighted(rng, WAIT[item.service]))
        out = _between(rng, out_day, "08:00", "09:30")
    else:
        if add(EventCode.EMC, max(accepted, _between(rng, d0, "16:20", "17:30")), origin) is None:
            return journey
        if add(EventCode.EDD, _between(rng, d0, "20:00", "23:00"), centre) is None:
            return journey
        if add(EventCode.EDE, _between(rng, d1, "03:30", "05:30"), centre) is None:
            return journey
        arrived = add(EventCode.EMD, _between(rng, d1, "07:00", "09:00"), office)
        if arrived is None:
            return journey
        at_office = add(EventCode.EMG, arrived + dt.timedelta(minutes=rng.randint(5, 25)), office)
        if at_office is None:
            return journey
        wait = _weighted(rng, WAIT[item.service])
        out_day = days.after(d1, wait) if wait else d1
        out = max(at_office + dt.timedelta(minutes=15), _between(rng, out_day, "08:00", "10:00"))

    # The attempts.
    out = journey.add(EventCode.EDG, out, office)
    draw = rng.random()
    if draw < FIRST:
        _deliver(rng, journey, out, office, item.recipient_name)
        return journey
    if draw < FIRST + RETRIED:
        failed = journey.add(
            EventCode.EMH,
            out + dt.timedelta(minutes=rng.randint(60, 300)),
            office,
            reason=FailureReason.ABSENT,
            action=FailureAction.RETRY,
        )
        again = days.after(failed.date())
        out = journey.add(EventCode.EDG, _between(rng, again, "08:00", "09:30"), office)
        _deliver(rng, journey, out, office, item.recipient_name)
        return journey
    if draw < FIRST + RETRIED + COLLECTED:
        held = journey.add(
            EventCode.EMH,
            out + dt.timedelta(minutes=rng.randint(60, 300)),
            office,
            reason=FailureReason.ABSENT,
            action=FailureAction.HOLD,
        )
        collected = days.after(held.date(), rng.randint(1, 3))
        journey.add(
            EventCode.EMI,
            _between(rng, collected, "08:00", "16:30"),
            office,
            recipient_name=item.recipient_name,
            note="Nhận tại bưu cục",
        )
        return journey
    if draw < FIRST + RETRIED + COLLECTED + RETURNED:
        refused = journey.add(
            EventCode.EMH,
            out + dt.timedelta(minutes=rng.randint(60, 300)),
            office,
            reason=rng.choice(
                [
                    FailureReason.REFUSED,
                    FailureReason.MOVED,
                    FailureReason.UNKNOWN,
                    FailureReason.WRONG_ADDRESS,
                ]
            ),
            action=FailureAction.RETURN,
        )
        day = refused.date()
        if office != origin:
            journey.add(EventCode.EMC, _between(rng, day, "16:20", "17:30"), office)
            journey.add(EventCode.EDD, _between(rng, day, "20:00", "23:00"), centre)
            day = days.after(day)
            journey.add(EventCode.EDE, _between(rng, day, "03:30", "05:30"), centre)
            back = journey.add(EventCode.EMD, _between(rng, day, "07:00", "09:00"), origin)
            journey.add(EventCode.EMG, back + dt.timedelta(minutes=rng.randint(5, 25)), origin)
        else:
            day = days.after(day)
        out = journey.add(EventCode.EDG, _between(rng, day, "09:00", "10:30"), origin)
        _deliver(rng, journey, out, origin, item.sender_name)
        return journey
    journey.add(
        EventCode.EMH,
        out + dt.timedelta(minutes=rng.randint(60, 300)),
        office,
        reason=FailureReason.ABSENT,
        action=FailureAction.HOLD,
    )
    return journey


def _deliver(
    rng: random.Random, journey: _Journey, out: dt.datetime, office: str, name: str
) -> None:
    closing = _at(out.date(), 17 * 60 + 30)
    at = min(out + dt.timedelta(minutes=rng.randint(30, 360)), closing)
    receiver = name if rng.random() < 0.85 else f"{name} (người nhà nhận thay)"
    journey.add(EventCode.EMI, at, office, recipient_name=receiver[:200])


def _ingest(journeys: Iterable[_Journey], now: dt.datetime) -> int:
    """Send every event that has happened by ``now`` to the scanners' API, oldest first, as
    the system (``actor=None``): the year is history recorded as it was, its deliveries of
    registered and COD items included, which a person's scanner may not record (today's
    round delivers them against a signature, through ``operations``)."""
    happened = sorted(
        (event for journey in journeys for event in journey.events if event[0] <= now),
        key=lambda event: event[0],
    )
    stored = 0
    for start in range(0, len(happened), MAX_EVENTS):
        chunk = [event for _at, event in happened[start : start + MAX_EVENTS]]
        result = events_ingest(actor=None, source=SOURCE, events=chunk)
        if result.rejected:
            first = result.rejected[0]
            raise RuntimeError(f"demo event refused: {first.s10} {first.fault} {first.reason}")
        stored += result.accepted
    return stored


# --- the year at the counters -------------------------------------------------------------------


@dataclass
class _Accepted:
    items: list[PostalItem] = field(default_factory=list)
    lists: int = 0

    def add(self, items: list[PostalItem]) -> list[PostalItem]:
        self.items.extend(items)
        self.lists += 1
        return items


def _scale(
    world: _World, customers: list[Customer], days: list[dt.date], target: int
) -> tuple[float, float]:
    """Factors of the walk-in rates and of the business lists' items that give ``target``
    items in all (in expectation)."""
    walk_in = sum(
        counter.rate
        for day in days
        for counter in world.counters
        if counter.point.is_active_on(day)
    )
    business = 0.0
    for customer in customers:
        open_days = sum(1 for day in days if not customer.season or day.month in customer.season)
        business += open_days / 5 * customer.per_week * sum(customer.size) / 2
    walk_target = target * WALK_IN_SHARE
    business_target = target * (1 - WALK_IN_SHARE - KT1_SHARE)
    return (walk_target / walk_in if walk_in else 0.0), (
        business_target / business if business else 0.0
    )


def _customer_counter(world: _World, customer: Customer) -> _Counter | None:
    """The counter a business customer hands its lists to."""
    return next(
        (
            c
            for c in world.counters
            if c.point.kind == customer.kind
            and customer.place in c.point.name
            and customer.service in c.services
        ),
        None,
    )


def _walk_in_time(
    rng: random.Random, day: dt.date, now: dt.datetime, *, latest: str = "16:30"
) -> dt.datetime | None:
    at = _between(rng, day, "07:30", latest)
    if at > now - dt.timedelta(minutes=15):
        if day != now.date() or now - dt.timedelta(minutes=20) < _at(day, 7 * 60 + 30):
            return None
        at = _between(rng, day, "07:30", (now - dt.timedelta(minutes=20)).strftime("%H:%M"))
    return at


def _year(
    rng: random.Random,
    world: _World,
    maker: _Maker,
    days: list[dt.date],
    target: int,
    now: dt.datetime,
    lookups: Lookups,
    accepted: _Accepted,
) -> None:
    customers = [(c, _customer_counter(world, c)) for c in CUSTOMERS]
    walk_factor, list_factor = _scale(
        world, [c for c, counter in customers if counter is not None], days, target
    )
    # Fewer lists than usual for a small year, larger ones for a big year.
    how_often = min(1.0, list_factor)
    how_many = list_factor / how_often if how_often else 0.0
    kt1_rate = target * KT1_SHARE / max(1, len(days))
    for day in days:
        for counter in world.counters:
            point = counter.point
            if not point.is_active_on(day):
                continue
            count = _poisson(rng, counter.rate * walk_factor)
            if not count:
                continue
            weights = [MIX[s] for s in counter.services]
            wanted = Counter(rng.choices(counter.services, weights, k=count))
            for service in counter.services:
                if not wanted[service]:
                    continue
                at = _walk_in_time(rng, day, now)
                if at is None:
                    continue
                rows = [maker.row(service, point) for _i in range(wanted[service])]
                accepted.add(
                    items_accept_batch(
                        actor=rng.choice(counter.clerks),
                        point=point,
                        service=service,
                        sender_name=WALK_IN,
                        rows=rows,
                        at=at,
                        reference=f"Quầy {point.code} {day:%d/%m/%Y}",
                        lookups=lookups,
                    ).items
                )
        for customer, regular in customers:
            if regular is None or (customer.season and day.month not in customer.season):
                continue
            if rng.random() >= customer.per_week / 5 * how_often:
                continue
            low, high = customer.size
            size = max(1, round(rng.randint(low, high) * how_many))
            at = _walk_in_time(rng, day, now, latest="11:00")
            if at is None:
                continue
            point = regular.point
            rows = [
                maker.row(customer.service, point, cod_share=customer.cod_share, walk_in=False)
                for _i in range(size)
            ]
            accepted.add(
                items_accept_batch(
                    actor=rng.choice(regular.clerks),
                    point=point,
                    service=customer.service,
                    sender_name=customer.name,
                    sender_phone=customer.phone,
                    sender_address=customer.address,
                    rows=rows,
                    at=at,
                    reference=f"BK-{_initials(customer.name)}-{day:%y%m%d}",
                    lookups=lookups,
                ).items
            )
        kt1_count = _poisson(rng, kt1_rate)
        if kt1_count and world.kt1 is not None:
            at = _walk_in_time(rng, day, now)
            if at is not None:
                rows = [
                    maker.row(MailService.KT1, world.bc1, walk_in=False) for _i in range(kt1_count)
                ]
                accepted.add(
                    items_accept_batch(
                        actor=world.kt1,
                        point=world.bc1,
                        service=MailService.KT1,
                        sender_name=rng.choice(KT1_SENDERS),
                        rows=rows,
                        at=at,
                        lookups=lookups,
                    ).items
                )


def _initials(name: str) -> str:
    """ "Bảo hiểm xã hội tỉnh Lạng Sơn" -> "BHXHTLS": the initials a list number carries."""
    return "".join(word[0] for word in fold(name).split() if word[0].isalnum()).upper()[:8]


# --- today: bags, a round, KT1 hand-overs ----------------------------------------------------


@dataclass
class _Today:
    day: dt.date
    before: dt.date  # the business day before
    bags: int = 0
    rounds: int = 0
    handovers: int = 0
    reserved: set[int] = field(default_factory=set)  # items whose way is made here


def _today(now: dt.datetime, days: _Days) -> _Today:
    """The day of today's operations: today once it is past noon on a business day, else
    the last business day (its morning is done by now)."""
    today = now.date()
    if today in days.index and now.time() >= dt.time(12, 30):
        day = today
    else:
        day = max(d for d in days.days if d < today)
    before = days.days[days.index[day] - 1]
    return _Today(day, before)


def _clerk_of(world: _World, point: ServicePoint) -> Any:
    counter = next((c for c in world.counters if c.point.pk == point.pk), None)
    return counter.clerks[0] if counter is not None else None


def _communes_of(
    world: _World, point: ServicePoint, lookups: Lookups, day: dt.date
) -> list[AdminArea]:
    return [
        c
        for c in world.communes
        if (office := lookups.office(c, day)) is not None and office.pk == point.pk
    ]


def _operations_items(
    rng: random.Random,
    world: _World,
    maker: _Maker,
    today: _Today,
    lookups: Lookups,
    accepted: _Accepted,
) -> dict[str, list[PostalItem]]:
    """The items today's operations handle, accepted through the same service."""
    found: dict[str, list[PostalItem]] = {}
    bc2s = [c for c in world.counters if c.point.kind == PointKind.BC2]
    senders = [c for c in world.counters if c.point.kind in (PointKind.BC2, PointKind.BC3)]
    if not bc2s or not senders:
        return found
    far = bc2s[0]  # the office whose bag from the centre is still on the road
    near = bc2s[-1]  # the office whose bag to the centre is closed, waiting for the truck

    def accept(
        counter: _Counter,
        service: str,
        rows: list[BatchRow],
        at: dt.datetime,
        actor: Any = None,
        sender: str = WALK_IN,
    ) -> list[PostalItem]:
        return accepted.add(
            items_accept_batch(
                actor=actor or counter.clerks[0],
                point=counter.point,
                service=service,
                sender_name=sender,
                rows=rows,
                at=at,
                lookups=lookups,
            ).items
        )

    def rows(
        service: str, point: ServicePoint, communes: list[AdminArea], n: int
    ) -> list[BatchRow]:
        return [maker.row(service, point, commune=rng.choice(communes)) for _i in range(n)]

    # Yesterday's items for the main office's area and for the far office, at the centre now.
    to_bc1 = _communes_of(world, world.bc1, lookups, today.before)
    to_far = _communes_of(world, far.point, lookups, today.before)
    inbound: list[PostalItem] = []
    outbound_far: list[PostalItem] = []
    for index, counter in enumerate(senders[:3]):
        at = _at(today.before, 13 * 60 + 20 * index)
        if to_bc1:
            inbound += accept(
                counter,
                MailService.REGISTERED,
                rows(MailService.REGISTERED, counter.point, to_bc1, 2),
                at,
            )
            inbound += accept(
                counter,
                MailService.PARCEL,
                rows(MailService.PARCEL, counter.point, to_bc1, 1),
                at + dt.timedelta(minutes=5),
            )
        if to_far and counter.point.pk != far.point.pk:
            outbound_far += accept(
                counter,
                MailService.ORDINARY,
                rows(MailService.ORDINARY, counter.point, to_far, 2),
                at + dt.timedelta(minutes=10),
            )
    found["inbound"] = inbound
    found["far"] = outbound_far

    # This morning's items at the main office and at the near office.
    bc1 = next((c for c in world.counters if c.point.pk == world.bc1.pk), None)
    if bc1 is None:
        return found
    others = [c for c in world.communes if c.pk != world.bc1.commune_id] or world.communes
    found["bc1"] = accept(
        bc1,
        MailService.REGISTERED,
        rows(MailService.REGISTERED, bc1.point, others, 3),
        _at(today.day, 8 * 60 + 15),
    )
    found["bc1"] += accept(
        bc1,
        MailService.EMS,
        rows(MailService.EMS, bc1.point, others, 2),
        _at(today.day, 9 * 60 + 5),
    )
    found["near"] = accept(
        near,
        MailService.REGISTERED,
        rows(MailService.REGISTERED, near.point, world.communes, 3),
        _at(today.day, 9 * 60 + 40),
    )

    # KT1: two items this morning at the main office, by the KT1 officer.
    if world.kt1 is not None:
        found["kt1"] = accept(
            bc1,
            MailService.KT1,
            [maker.row(MailService.KT1, bc1.point, walk_in=False) for _i in range(2)],
            _at(today.day, 8 * 60 + 30),
            actor=world.kt1,
            sender=KT1_SENDERS[0],
        )
    for group in found.values():
        today.reserved.update(item.pk for item in group)
    return found


def _operations(world: _World, today: _Today, found: dict[str, list[PostalItem]]) -> None:
    """Today's bags, round and KT1 hand-overs, through ``operations`` (after the journeys
    brought yesterday's items to the centre)."""
    centre, day = world.centre, today.day
    centre_clerk = world.centre_clerks[0] if world.centre_clerks else None
    bc1_clerk = _clerk_of(world, world.bc1)

    def bag(
        actor: Any,
        origin: ServicePoint,
        destination: ServicePoint | None,
        items: list[PostalItem],
        opened: dt.datetime,
    ) -> Bag | None:
        if actor is None or destination is None or not items:
            return None
        made = operations.bag_open(actor=actor, origin=origin, destination=destination, at=opened)
        for index, item in enumerate(items):
            at = opened + dt.timedelta(minutes=1 + index)
            operations.bag_add_item(actor=actor, bag=made, item=item, at=at)
        operations.bag_close(actor=actor, bag=made, at=opened + dt.timedelta(minutes=20))
        today.bags += 1
        return made

    # The centre's bag to the main office: dispatched, received and opened; then the round.
    inbound = found.get("inbound", [])
    to_bc1 = bag(centre_clerk, centre, world.bc1, inbound, _at(day, 4 * 60 + 30))
    if to_bc1 is not None and bc1_clerk is not None:
        operations.bag_dispatch(actor=centre_clerk, bag=to_bc1, at=_at(day, 5 * 60 + 30))
        operations.bag_receive(actor=bc1_clerk, bag=to_bc1, at=_at(day, 7 * 60 + 15))
        operations.bag_open_at_destination(
            actor=bc1_clerk,
            bag=to_bc1,
            scanned=[item.s10 for item in inbound],
            at=_at(day, 7 * 60 + 20),
        )
        if world.postman is not None:
            _round(world, today, inbound)
    # The centre's bag to another office: on the road.
    far = found.get("far", [])
    on_road = bag(
        centre_clerk, centre, far[0].delivery_point if far else None, far, _at(day, 4 * 60 + 40)
    )
    if on_road is not None:
        operations.bag_dispatch(actor=centre_clerk, bag=on_road, at=_at(day, 5 * 60 + 40))
    # The main office's morning items: dispatched to the centre.
    out = bag(bc1_clerk, world.bc1, centre, found.get("bc1", []), _at(day, 10 * 60 + 30))
    if out is not None:
        operations.bag_dispatch(actor=bc1_clerk, bag=out, at=_at(day, 11 * 60))
    # The other office's morning items: the bag is closed, waiting for the truck.
    near = found.get("near", [])
    if near:
        origin = near[0].accepted_point
        bag(_clerk_of(world, origin), origin, centre, near, _at(day, 11 * 60 + 20))
    # KT1: one hand-over confirmed, one waiting for the receiving officer.
    if world.kt1 is not None and world.kt1_other is not None:
        for index, item in enumerate(found.get("kt1", [])[:2]):
            handed = _at(day, 9 * 60 + 30 + 60 * index)
            transfer = operations.kt1_handover(
                actor=world.kt1,
                item=item,
                to_user=world.kt1_other,
                note="Chuyển giao tài liệu mật",
                at=handed,
            )
            today.handovers += 1
            if index == 0:
                operations.kt1_confirm(
                    actor=world.kt1_other, transfer=transfer, at=handed + dt.timedelta(minutes=15)
                )


def _round(world: _World, today: _Today, items: list[PostalItem]) -> None:
    """The main office's postman takes the centre's bag out: most delivered by now, one not
    at home, the rest still on the round."""
    day, postman = today.day, world.postman
    delivery_round = operations.round_start(
        actor=postman, postman=postman, point=world.bc1, items=items, at=_at(day, 8 * 60)
    )
    today.rounds += 1
    attempts = list(delivery_round.attempts.select_related("item").order_by("item__s10"))
    for index, attempt in enumerate(attempts):
        at = _at(day, 9 * 60 + 20 * index)
        if index == 1:
            operations.attempt_fail(
                actor=postman,
                attempt=attempt,
                reason=FailureReason.ABSENT,
                action=FailureAction.RETRY,
                at=at,
                note="Gọi điện không nghe máy",
            )
        elif index < len(attempts) * 0.6:
            operations.attempt_deliver(
                actor=postman,
                attempt=attempt,
                recipient_name=attempt.item.recipient_name,
                cod_collected=0 if attempt.item.returning else attempt.item.cod_amount,
                signature=SIGNATURE,
                at=at,
            )


# --- the step ---------------------------------------------------------------------------------


def build(
    *,
    seed: int,
    report: Callable[[str], None],
    items: int | None = None,
    now: dt.datetime | None = None,
) -> str:
    """Build the year on a fresh demo province and say what was made, in one line.
    ``items`` is about how many (``BUUDIEN_DEMO_MAIL_ITEMS``, else ``DEFAULT_ITEMS``);
    ``now`` is when the year ends (now by default: two builds from the same ``now`` and
    seed make the same year)."""
    started = time.perf_counter()
    target = _target(items)
    world = _world() if target else None
    if world is None or not world.counters or not world.communes:
        return ""
    report(_("Mail: a year of items"))
    rng = random.Random(seed)
    now = (now or local_now()).astimezone(VIETNAM)
    today = now.date()
    days = _Days(year_before(today), today + dt.timedelta(days=60))
    ops = _today(now, days)
    maker = _Maker(rng, world, People(rng))
    lookups = Lookups()
    accepted = _Accepted()

    found = _operations_items(rng, world, maker, ops, lookups, accepted)
    _year(rng, world, maker, [d for d in days.days if d <= today], target, now, lookups, accepted)
    journeys = [
        _journey(rng, item, days, world.centre.code)
        for item in accepted.items
        if item.pk not in ops.reserved
    ]
    journeys += [
        _journey(rng, item, days, world.centre.code, until=EventCode.EDD)
        for item in found.get("inbound", []) + found.get("far", [])
    ]
    _ingest(journeys, now)
    _operations(world, ops, found)
    return _summary(world, accepted, ops, time.perf_counter() - started)


def _summary(world: _World, accepted: _Accepted, ops: _Today, seconds: float) -> str:
    """One line: the items by service, the lists, the events, the share delivered."""
    by_service = Counter(item.service for item in accepted.items)
    mine = PostalItem.objects.filter(accepted_point__unit_path__startswith=world.province.path)
    delivered = mine.filter(status=ItemStatus.DELIVERED).count()
    events = TrackingEvent.objects.filter(item__in=mine).count()
    count = len(accepted.items)
    services = ", ".join(
        f"{MailService(service).label} {format_number(by_service[service])}"
        for service in MailService.values
        if by_service[service]
    )
    return _(
        "Mail: %(items)s items in a year (%(services)s) in %(lists)s lists, %(events)s "
        "events, %(delivered)s delivered; today %(bags)d bags, %(rounds)d round, "
        "%(handovers)d KT1 hand-overs (%(seconds)s s)."
    ) % {
        "items": format_number(count),
        "lists": format_number(accepted.lists),
        "services": services,
        "events": format_number(events),
        "delivered": format_percent(delivered / count * 100 if count else 0, 1),
        "bags": ops.bags,
        "rounds": ops.rounds,
        "handovers": ops.handovers,
        "seconds": format_number(seconds, 1),
    }
