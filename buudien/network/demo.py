"""The demo province's network, Lạng Sơn (20), built from a fixed seed: the first step of
``buudien demo`` (the command is in ``network/management/commands/demo.py``; the other apps add
their steps through ``buudien.core.demo``).

On a database that has the geography of province 20 (both structures) it builds the
organisation (VNP > BDT20 > district posts until 31 August 2025, commune posts since
1 September 2025, and the processing centre), about 235 service points covering every commune
of both structures, what each point offers, and about 600 staff, each a user with a staff
code, a contract and the day they started (some of those without a login started in the
current year, a few left in it: those dates are drawn within today's year).

Repeatable: everything comes from ``random.Random(2023)`` and the geography, so two builds give
the same rows. ``demo_network`` leaves a province that is already built alone (so a second
``buudien demo`` keeps whatever was done in the demo since) and only lists the demo accounts.

No figure of the year-end reviews is aimed at here: the counts come from the geography and
the seed. (The review's own figures are a fixture of the planning tests, loaded by import.)
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from buudien.core.bizdays import local_today
from buudien.core.catalogue import Service
from buudien.core.text import fold
from buudien.network.choices import (
    COMMUNE_POSTS_FROM,
    STRUCTURE_2025_FROM,
    AdminAreaLevel,
    AdminAreaStructure,
    PointKind,
    UnitKind,
)
from buudien.network.models import (
    AdminArea,
    AdminAreaSuccession,
    PointService,
    ServicePoint,
    Unit,
    UnitSuccession,
)
from buudien.people.choices import ContractType, Role
from buudien.people.models import User

PROVINCE = "20"
SEED = 2023
DEMO_PASSWORD = "buudien2026"  # the published password of the demo accounts
POSTCODE_PREFIX = "24"  # Lạng Sơn's postal codes are 24xxxx
ROOT_CODE = "VNP"
PROVINCE_UNIT_CODE = f"BDT{PROVINCE}"
CENTRE_UNIT_CODE = f"TTKT{PROVINCE}"
BUILT_MARKER_POINT = f"{POSTCODE_PREFIX}0000"  # the bc1; present only once the demo is built

ORGANISATION_FROM = dt.date(2008, 1, 1)  # Vietnam Post became a corporation of its own
DISTRICT_POSTS_FROM = dt.date(2010, 1, 1)
DISTRICT_POSTS_TO = COMMUNE_POSTS_FROM - dt.timedelta(days=1)

AGENTS_SERVING = (16, 24)  # how many agents serve, drawn from this range
CASHLESS_SHARE = 0.4  # of the points open today, post offices and multi-service BĐVHX first
MULTI_SERVICE_SHARE = 0.3
LARGE_COMMUNES_WITH_BC3 = 12

# fmt: off
# Former district seats (GSO district -> GSO commune); elsewhere the first town (thị trấn).
DISTRICT_SEATS = {
    "180": "06040", "181": "06112", "182": "06124", "183": "06187", "184": "06253",
    "185": "06325", "186": "06385", "187": "06463", "188": "06529", "189": "06613",
}
BC1_COMMUNE = "05977"  # Phường Vĩnh Trại (Phường Đông Kinh since 2025): 51 Lê Lợi
BC1_STREET = "Số 51 đường Lê Lợi"
CENTRE_COMMUNE = "05992"  # Xã Mai Pha (Phường Đông Kinh since 2025)

# Second post offices where trade is: border gates, markets, industrial parks.
EXTRA_BC3 = [
    ("06184", "Cửa khẩu Hữu Nghị", "Khu Cửa khẩu quốc tế Hữu Nghị"),
    ("06184", "Ga Đồng Đăng", "Số 2 đường Ga Đồng Đăng"),
    ("06166", "Cửa khẩu Tân Thanh", "Khu Cửa khẩu Tân Thanh"),
    ("06541", "Cửa khẩu Chi Ma", "Khu Cửa khẩu Chi Ma"),
    ("05980", "Chợ Đông Kinh", "Số 1 đường Bắc Sơn"),
    ("05971", "Kỳ Lừa", "Số 4 đường Kỳ Lừa"),
    ("05980", "Phai Vệ", "Số 120 đường Bà Triệu"),
    ("06466", "Khu công nghiệp Đồng Bành", "Khu công nghiệp Đồng Bành"),
    ("05974", "Bến xe Lạng Sơn", "Số 2 đường Ngô Gia Tự"),
    ("06040", "Chợ Thất Khê", "Khu 3, chợ Thất Khê"),
    ("06526", "Mỏ than Na Dương", "Khu mỏ than Na Dương"),
    ("06238", "Khu du lịch Mẫu Sơn", "Khu du lịch Mẫu Sơn"),
]
KIOSKS = [
    ("05983", "Quảng trường 17-10", "Quảng trường 17 tháng 10", dt.date(2016, 5, 2)),
    ("05971", "Chợ Giếng Vuông", "Chợ Giếng Vuông", dt.date(2018, 9, 3)),
    ("05977", "Trung tâm Phục vụ hành chính công tỉnh", "Số 2 đường Hùng Vương",
     dt.date(2025, 10, 1)),
]
# Agents beyond those serving in 2023: (opened, closed) of the ones that closed, and new ones.
AGENTS_CLOSED = [(dt.date(2012, 3, 1), dt.date(2019, 7, 1)),
                 (dt.date(2014, 6, 2), dt.date(2022, 1, 1))]
AGENT_CLOSING_IN_2025 = dt.date(2025, 4, 1)
AGENTS_NEW = [dt.date(2025, 3, 17), dt.date(2026, 2, 2)]
# BĐVHX moved to new premises (the old point closed, a new one opened the same day).
BDVHX_MOVES = [dt.date(2019, 10, 1), dt.date(2021, 4, 1), dt.date(2024, 3, 1),
               dt.date(2024, 8, 1)]

ALL_SERVICES = [s for s in Service.values if s != Service.OTHER]
SERVICES: dict[str, list[str]] = {
    PointKind.BC1: ALL_SERVICES,
    PointKind.BC2: [s for s in ALL_SERVICES if s != Service.KT1],
    PointKind.BC3: [
        Service.REGISTERED, Service.ORDINARY, Service.PARCEL, Service.EMS,
        Service.ADMIN_DELIVERY, Service.COLLECTION, Service.DISBURSEMENT, Service.PENSION,
        Service.SAVINGS, Service.REMITTANCE, Service.INSURANCE, Service.PAYMENT_ACCOUNT,
        Service.CONSUMER_GOODS, Service.PRESS, Service.PUBLIC_PRESS, Service.TELECOM,
        Service.DOSSIER,
    ],
    PointKind.BDVHX: [
        Service.REGISTERED, Service.ORDINARY, Service.COLLECTION, Service.PENSION,
        Service.PRESS, Service.PUBLIC_PRESS, Service.DOSSIER, Service.CONSUMER_GOODS,
    ],
    PointKind.AGENT: [
        Service.REGISTERED, Service.ORDINARY, Service.PARCEL, Service.EMS, Service.COLLECTION,
        Service.TELECOM, Service.CONSUMER_GOODS,
    ],
    PointKind.KIOSK: [Service.ORDINARY, Service.COLLECTION, Service.PRESS, Service.TELECOM,
                      Service.CONSUMER_GOODS],
    PointKind.CENTRE: [],
}
MULTI_SERVICE_EXTRA = [
    Service.PARCEL, Service.EMS, Service.ADMIN_DELIVERY, Service.DISBURSEMENT, Service.SAVINGS,
    Service.REMITTANCE, Service.INSURANCE, Service.PAYMENT_ACCOUNT, Service.TELECOM,
]

# --- names -------------------------------------------------------------------------------
# Lạng Sơn: Kinh, Tày and Nùng family names, with rough weights.
FAMILY_NAMES = [
    ("Nguyễn", 14), ("Hoàng", 12), ("Nông", 7), ("Lương", 6), ("Vi", 6), ("Lộc", 5), ("Hà", 5),
    ("Trần", 5), ("Lê", 4), ("Phạm", 3), ("Chu", 3), ("Triệu", 3), ("Lăng", 2), ("Mã", 2),
    ("Đinh", 2), ("Vũ", 2), ("Đặng", 2), ("Bế", 2), ("Dương", 2), ("Hứa", 2), ("Lý", 2),
    ("Ngô", 1), ("Đỗ", 1), ("Bùi", 1), ("Phùng", 1),
]
MIDDLE_MALE = ["Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Thế", "Trọng", "Xuân",
               "Công", "Mạnh", "Tuấn", "Thanh", "Ngọc"]
MIDDLE_FEMALE = ["Thị", "Thị", "Thị", "Thị", "Thu", "Thanh", "Ngọc", "Hồng", "Minh", "Thùy",
                 "Phương", "Kim", "Thị Thu", "Thị Hồng"]
GIVEN_MALE = ["An", "Bình", "Cường", "Dũng", "Đạt", "Đức", "Giang", "Hải", "Hiếu", "Hoàng",
              "Hùng", "Huy", "Khánh", "Kiên", "Long", "Minh", "Nam", "Nghĩa", "Phong", "Quân",
              "Sơn", "Thắng", "Thành", "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Hưng",
              "Lâm", "Tiến", "Chiến", "Duy", "Hậu", "Lợi", "Phúc", "Quyết", "Tài", "Vượng"]
GIVEN_FEMALE = ["Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Huệ",
                "Hương", "Lan", "Liên", "Linh", "Loan", "Mai", "Nga", "Ngọc", "Nhung", "Oanh",
                "Phương", "Quỳnh", "Thảo", "Thúy", "Trang", "Tuyết", "Uyên", "Vân", "Yến",
                "Xuân", "Hồng", "Thu", "Diệp", "Huyền", "Lụa", "Mến", "Nhàn", "Thắm"]
STREETS = ["Lê Lợi", "Trần Đăng Ninh", "Bà Triệu", "Hùng Vương", "Lý Thái Tổ", "Ngô Quyền",
           "Tam Thanh", "Bắc Sơn", "Lê Đại Hành", "Quang Trung", "Trần Hưng Đạo", "Nguyễn Du",
           "Hoàng Văn Thụ", "Lương Văn Tri", "Ba Đình", "Chu Văn An", "Tô Thị", "Minh Khai",
           "Đinh Tiên Hoàng", "Văn Vỉ"]
VILLAGES = ["Nà Phặc", "Bản Chu", "Khòn Lải", "Pác Luống", "Nà Lầu", "Khau Ràng", "Bản Cưởm",
            "Nà Pàn", "Còn Quan", "Pò Háng", "Khuổi Phầy", "Nà Slảng", "Bản Pjạc",
            "Phiêng Luông", "Nà Thạch", "Tổng Hóa", "Bản Hẻo", "Khau Mười", "Nà Sla", "Co Loi",
            "Pác Cáp", "Bản Chắt", "Nà Lùng", "Khuổi Mản", "Tà Lài", "Bản Quyền", "Nà Pài",
            "Pò Mỏ", "Nà Van", "Lũng Cùng", "Bản Làn", "Kéo Coong", "Nà Cạn", "Pò Lọi"]
# fmt: on

Report = Callable[[str], None]


# --- the geography the build stands on ------------------------------------------------------
def _short(area: AdminArea) -> str:
    """ "Phường Đông Kinh" -> "Đông Kinh"; "Huyện Chi Lăng" -> "Chi Lăng"."""
    prefix = area.division_type
    if area.name.casefold().startswith(prefix.casefold() + " "):
        return area.name[len(prefix) + 1 :]
    return area.name


def _label(area: AdminArea) -> str:
    """ "phường Đông Kinh", "huyện Chi Lăng": as written inside a sentence or an address."""
    return f"{area.division_type} {_short(area)}"


@dataclass
class _Geography:
    province: AdminArea  # 2025 structure
    districts: list[AdminArea]
    legacy: list[AdminArea]  # legacy communes, by code
    communes: list[AdminArea]  # 2025 communes, by code
    successor: dict[int, AdminArea]  # legacy commune id -> its 2025 commune
    predecessors: dict[int, list[AdminArea]]  # 2025 commune id -> legacy communes (whole first)
    district_of: dict[int, AdminArea]  # legacy commune id -> its district


def _geography() -> _Geography:
    areas = list(AdminArea.objects.filter(province_code=PROVINCE).order_by("code"))
    if not areas:
        raise CommandError(
            _("The geography of province %(code)s is not loaded.") % {"code": PROVINCE}
        )
    by_id = {area.pk: area for area in areas}
    old, new = AdminAreaStructure.LEGACY, AdminAreaStructure.V2025
    province = next(a for a in areas if a.structure == new and a.level == AdminAreaLevel.PROVINCE)
    districts = [a for a in areas if a.structure == old and a.level == AdminAreaLevel.DISTRICT]
    legacy = [a for a in areas if a.structure == old and a.level == AdminAreaLevel.COMMUNE]
    communes = [a for a in areas if a.structure == new and a.level == AdminAreaLevel.COMMUNE]
    successor: dict[int, AdminArea] = {}
    predecessors: dict[int, list[AdminArea]] = defaultdict(list)
    successions = (
        AdminAreaSuccession.objects.filter(legacy__province_code=PROVINCE)
        .order_by("partly", "successor__code", "legacy__code")
        .values_list("legacy_id", "successor_id")
    )
    for legacy_id, successor_id in successions:
        if legacy_id in by_id and successor_id in by_id:
            successor.setdefault(legacy_id, by_id[successor_id])  # whole first, then by code
            predecessors[successor_id].append(by_id[legacy_id])
    missing = [a.code for a in legacy if a.pk not in successor]
    if missing:
        raise CommandError(
            _("Legacy communes without a 2025 commune: %(codes)s") % {"codes": ", ".join(missing)}
        )
    district_of = {a.pk: by_id[a.parent_id] for a in legacy if a.parent_id}
    return _Geography(
        province, districts, legacy, communes, successor, dict(predecessors), district_of
    )


# --- planning the points -----------------------------------------------------------------
@dataclass
class _Point:
    kind: str
    name: str
    legacy: AdminArea
    commune: AdminArea
    opened_on: dt.date
    closed_on: dt.date | None = None
    street: str = ""
    multi_service: bool = False
    cashless: bool = False
    code: str = ""

    def active_on(self, day: dt.date) -> bool:
        return self.opened_on <= day and (self.closed_on is None or self.closed_on > day)


@dataclass
class _Plan:
    points: list[_Point] = field(default_factory=list)

    def add(self, point: _Point) -> _Point:
        self.points.append(point)
        return point


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def _town_street(rng: random.Random) -> str:
    return f"Số {rng.randint(1, 240)} đường {rng.choice(STREETS)}"


def _rural_street(rng: random.Random, area: AdminArea) -> str:
    if area.division_type == "xã":
        return f"Thôn {rng.choice(VILLAGES)}"
    return rng.choice([f"Khối {rng.randint(1, 12)}", _town_street(rng)])


def _plan_points(geo: _Geography, rng: random.Random) -> _Plan:
    plan = _Plan()
    legacy_by_code = {a.code: a for a in geo.legacy}
    succ = geo.successor
    short_counts = Counter(_short(a) for a in geo.legacy)

    def place(area: AdminArea) -> str:
        short = _short(area)
        if short_counts[short] > 1:  # "Hòa Bình" names three communes of the province
            return f"{short} ({_short(geo.district_of[area.pk])})"
        return short

    def point(kind: str, name: str, area: AdminArea, opened: dt.date, **more: Any) -> _Point:
        return plan.add(_Point(kind, name, area, succ[area.pk], opened, **more))

    city = next((d for d in geo.districts if d.division_type == "thành phố"), geo.districts[0])
    seats: dict[str, AdminArea] = {}
    for district in geo.districts:
        mine = [a for a in geo.legacy if a.parent_id == district.pk]
        if not mine:
            continue
        seat = legacy_by_code.get(DISTRICT_SEATS.get(district.code, ""))
        if seat is None or seat.parent_id != district.pk:
            towns = [a for a in mine if a.division_type == "thị trấn"]
            seat = (towns or mine)[0]
        seats[district.code] = seat
    bc1_area = legacy_by_code.get(BC1_COMMUNE) or seats[city.code]

    # One main point in every legacy commune: bc1, bc2 at the former district seats, bc3 in
    # the towns and wards and in some large communes, a BĐVHX everywhere else.
    large = [
        a
        for a in geo.legacy
        if a.division_type == "xã" and _short(a) == _short(succ[a.pk]) and a not in seats.values()
    ]
    large_bc3 = set(rng.sample(large, min(LARGE_COMMUNES_WITH_BC3, len(large))))
    for area in geo.legacy:
        district = geo.district_of[area.pk]
        if area == bc1_area:
            point(
                PointKind.BC1,
                f"Bưu cục cấp 1 {_short(city)}",
                area,
                dt.date(1986, 3, 1),
                street=BC1_STREET,
            )
        elif district.code in seats and seats[district.code] == area and district != city:
            point(
                PointKind.BC2,
                f"Bưu cục cấp 2 {_short(district)}",
                area,
                _day(rng, dt.date(1990, 1, 1), dt.date(1999, 12, 31)),
                street=_town_street(rng),
            )
        elif area.division_type != "xã" or area in large_bc3:
            point(
                PointKind.BC3,
                f"Bưu cục cấp 3 {place(area)}",
                area,
                _day(rng, dt.date(1997, 1, 1), dt.date(2012, 12, 31)),
                street=_rural_street(rng, area),
            )
        else:
            point(
                PointKind.BDVHX,
                f"Điểm Bưu điện văn hóa xã {place(area)}",
                area,
                _day(rng, dt.date(1998, 6, 1), dt.date(2004, 12, 31)),
                street=_rural_street(rng, area),
            )

    # Some BĐVHX moved to new premises: the old point closed, a new one opened that day.
    bdvhx = [p for p in plan.points if p.kind == PointKind.BDVHX]
    for old, day in zip(rng.sample(bdvhx, len(BDVHX_MOVES)), BDVHX_MOVES, strict=True):
        old.closed_on = day
        point(PointKind.BDVHX, old.name, old.legacy, day, street=_rural_street(rng, old.legacy))

    for code, name, street in EXTRA_BC3:
        if code in legacy_by_code:
            point(
                PointKind.BC3,
                f"Bưu cục cấp 3 {name}",
                legacy_by_code[code],
                _day(rng, dt.date(2005, 1, 1), dt.date(2020, 12, 31)),
                street=street,
            )
    for code, name, street, opened in KIOSKS:
        if code in legacy_by_code:
            point(
                PointKind.KIOSK,
                f"Ki-ốt Bưu điện {name}",
                legacy_by_code[code],
                opened,
                street=street,
            )

    # Agents: a seeded number serving for years, plus a few that closed and a few opened since.
    agents_2023 = rng.randint(*AGENTS_SERVING)
    spans: list[tuple[dt.date, dt.date | None]] = [
        (_day(rng, dt.date(2010, 1, 1), dt.date(2022, 12, 31)), None) for _i in range(agents_2023)
    ]
    if spans:
        spans[-1] = (spans[-1][0], AGENT_CLOSING_IN_2025)
    spans += [(opened, closed) for opened, closed in AGENTS_CLOSED]
    spans += [(opened, None) for opened in AGENTS_NEW]
    rural = [a for a in geo.legacy if a.division_type == "xã"]
    villages = rng.sample(VILLAGES, min(len(VILLAGES), len(spans)))
    for index, (opened, closed) in enumerate(spans):
        area = rng.choice(rural)
        village = villages[index % len(villages)]
        point(
            PointKind.AGENT,
            f"Đại lý Bưu điện {village}",
            area,
            opened,
            closed_on=closed,
            street=f"Thôn {village}",
        )

    point(
        PointKind.CENTRE,
        f"Trung tâm Khai thác Vận chuyển {_short(city)}",
        legacy_by_code.get(CENTRE_COMMUNE, bc1_area),
        DISTRICT_POSTS_FROM,
        street="Km 3, Quốc lộ 1A",
    )

    # Every 2025 commune must have a point of its own; the mapping above gives each legacy
    # commune's point to one 2025 commune, so a commune made only of parts could lack one.
    covered = {
        p.commune.pk for p in plan.points if p.closed_on is None and p.kind != PointKind.CENTRE
    }
    for commune in geo.communes:
        if commune.pk not in covered and geo.predecessors.get(commune.pk):
            area = geo.predecessors[commune.pk][0]
            plan.add(
                _Point(
                    PointKind.AGENT,
                    f"Đại lý Bưu điện {_short(commune)}",
                    area,
                    commune,
                    dt.date(2025, 9, 1),
                    street=_rural_street(rng, commune),
                )
            )

    _number(plan, geo, city, rng)
    return plan


def _number(plan: _Plan, geo: _Geography, city: AdminArea, rng: random.Random) -> None:
    """Postal codes 24DDNN: DD the former district (00 the city), NN 00 for its main office;
    the centre is 249000. Then the flags that depend on the whole network."""
    ordinal = {
        d.pk: index
        for index, d in enumerate(sorted(geo.districts, key=lambda d: (d != city, d.code)))
    }
    next_number: Counter[int] = Counter()
    for p in plan.points:
        if p.kind == PointKind.CENTRE:
            p.code = f"{POSTCODE_PREFIX}9000"
            continue
        district = geo.district_of[p.legacy.pk]
        dd = ordinal[district.pk]
        if p.kind in (PointKind.BC1, PointKind.BC2):
            nn = 0
        else:
            next_number[dd] += 1
            nn = next_number[dd]
        if nn > 99:
            raise CommandError(_("Too many points in one district for 24DDNN codes."))
        p.code = f"{POSTCODE_PREFIX}{dd:02d}{nn:02d}"

    today_bdvhx = [p for p in plan.points if p.kind == PointKind.BDVHX and p.closed_on is None]
    for p in rng.sample(today_bdvhx, round(len(today_bdvhx) * MULTI_SERVICE_SHARE)):
        p.multi_service = True

    open_points = [p for p in plan.points if p.closed_on is None and p.kind != PointKind.CENTRE]
    tiers: list[list[_Point]] = [
        [p for p in open_points if p.kind in (PointKind.BC1, PointKind.BC2, PointKind.BC3)],
        [p for p in open_points if p.multi_service],
        [p for p in open_points if p.kind in (PointKind.AGENT, PointKind.KIOSK)],
        [p for p in open_points if p.kind == PointKind.BDVHX and not p.multi_service],
    ]
    left = round(len(open_points) * CASHLESS_SHARE)
    for tier in tiers:
        chosen = tier if len(tier) <= left else rng.sample(tier, left)
        for p in chosen:
            p.cashless = True
        left -= len(chosen)


# --- writing ------------------------------------------------------------------------------
def _unit(
    code: str,
    name: str,
    kind: str,
    parent: Unit | None,
    *,
    valid_from: dt.date | None,
    valid_to: dt.date | None = None,
    province_code: str = PROVINCE,
) -> Unit:
    """A unit with the columns save() would compute, for bulk_create."""
    path = (parent.path if parent else "") + code + "/"
    return Unit(
        code=code,
        name=name,
        name_folded=fold(name),
        kind=kind,
        parent=parent,
        province_code=province_code,
        path=path,
        depth=path.count("/") - 1,
        valid_from=valid_from,
        valid_to=valid_to,
    )


@dataclass
class _Units:
    province: Unit
    centre: Unit
    districts: dict[int, Unit]  # legacy district id -> district post
    communes: dict[int, Unit]  # 2025 commune id -> commune post


def _build_units(geo: _Geography) -> _Units:
    root = Unit.objects.filter(code=ROOT_CODE).first()
    if root is None:
        root = Unit(
            code=ROOT_CODE,
            name="Tổng công ty Bưu điện Việt Nam",
            kind=UnitKind.CORPORATION,
            province_code="",
            valid_from=ORGANISATION_FROM,
        )
        root.save()
    province = Unit(
        code=PROVINCE_UNIT_CODE,
        name=f"Bưu điện tỉnh {_short(geo.province)}",
        kind=UnitKind.PROVINCE,
        parent=root,
        province_code=PROVINCE,
        valid_from=ORGANISATION_FROM,
    )
    province.save()
    centre = _unit(
        CENTRE_UNIT_CODE,
        f"Trung tâm Khai thác Vận chuyển {_short(geo.province)}",
        UnitKind.CENTRE,
        province,
        valid_from=DISTRICT_POSTS_FROM,
    )
    districts = {
        d.pk: _unit(
            f"BDH{d.code}",
            f"Bưu điện {_label(d)}",
            UnitKind.DISTRICT,
            province,
            valid_from=DISTRICT_POSTS_FROM,
            valid_to=DISTRICT_POSTS_TO,
        )
        for d in geo.districts
    }
    communes = {
        c.pk: _unit(
            f"BDX{c.code}",
            f"Bưu điện {_label(c)}",
            UnitKind.COMMUNE,
            province,
            valid_from=COMMUNE_POSTS_FROM,
        )
        for c in geo.communes
    }
    Unit.objects.bulk_create([centre, *districts.values(), *communes.values()])
    ids = dict(Unit.objects.filter(path__startswith=province.path).values_list("code", "pk"))
    for unit in [centre, *districts.values(), *communes.values()]:
        unit.pk = ids[unit.code]
    return _Units(province, centre, districts, communes)


def _build_successions(geo: _Geography, units: _Units) -> int:
    """The commune posts of 1 September 2025 replaced the district posts: each district's
    business goes to the commune posts whose communes were made of its communes, by how many
    of its communes each took."""
    counts: dict[tuple[int, int], int] = Counter()
    for commune in geo.communes:
        for legacy in geo.predecessors.get(commune.pk, []):
            area = geo.district_of.get(legacy.pk)
            if area is not None and area.pk in units.districts:
                counts[(area.pk, commune.pk)] += 1
    rows = []
    for district_id, district in units.districts.items():
        mine = sorted(
            ((commune_id, n) for (d, commune_id), n in counts.items() if d == district_id),
            key=lambda one: units.communes[one[0]].code,
        )
        total = sum(n for _c, n in mine)
        shares = [n * 10_000 // total for _c, n in mine]
        if shares:
            shares[-1] += 10_000 - sum(shares)  # the basis points left go to the last
        rows += [
            UnitSuccession(
                predecessor=district,
                successor=units.communes[commune_id],
                share_bp=share,
                effective_on=COMMUNE_POSTS_FROM,
            )
            for (commune_id, _n), share in zip(mine, shares, strict=True)
            if share > 0
        ]
    UnitSuccession.objects.bulk_create(rows)
    return len(rows)


def _address(p: _Point, geo: _Geography) -> str:
    if p.closed_on is not None and p.closed_on <= STRUCTURE_2025_FROM:
        district = geo.district_of[p.legacy.pk]
        return f"{p.street}, {_label(p.legacy)}, {_label(district)}, {_label(geo.province)}"
    return f"{p.street}, {_label(p.commune)}, {_label(geo.province)}"


def _build_points(
    plan: _Plan, geo: _Geography, units: _Units, rng: random.Random
) -> dict[str, ServicePoint]:
    rows: list[ServicePoint] = []
    for p in plan.points:
        if p.kind == PointKind.CENTRE:
            unit = units.centre
        elif p.closed_on is not None and p.closed_on < COMMUNE_POSTS_FROM:
            unit = units.districts[geo.district_of[p.legacy.pk].pk]  # its unit when it closed
        else:
            unit = units.communes[p.commune.pk]
        rows.append(
            ServicePoint(
                code=p.code,
                name=p.name,
                name_folded=fold(p.name),
                kind=p.kind,
                multi_service=p.multi_service,
                cashless=p.cashless,
                unit=unit,
                unit_path=unit.path,
                province_code=PROVINCE,
                commune=p.commune,
                commune_legacy=p.legacy,
                address=_address(p, geo),
                phone=f"0205{rng.randint(3_500_000, 3_899_999)}",
                opened_on=p.opened_on,
                closed_on=p.closed_on,
            )
        )
    ServicePoint.objects.bulk_create(rows, batch_size=500)
    return {
        point.code: point
        for point in ServicePoint.objects.filter(
            code__in=[p.code for p in plan.points]
        ).select_related("unit")
    }


def _build_services(plan: _Plan, points: dict[str, ServicePoint]) -> int:
    rows = []
    for p in plan.points:
        services = list(SERVICES[p.kind])
        if p.multi_service:
            services += [s for s in MULTI_SERVICE_EXTRA if s not in services]
        rows += [PointService(point=points[p.code], service=s) for s in services]
    PointService.objects.bulk_create(rows, batch_size=500)
    return len(rows)


# --- staff --------------------------------------------------------------------------------
@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    unit: str
    point: str


class _People:
    """Vietnamese names and usernames in the house style ("Nguyễn Thị Lan" -> "lannt")."""

    def __init__(self, rng: random.Random, taken: set[str]) -> None:
        self.rng = rng
        self.taken = taken
        self.families = [name for name, weight in FAMILY_NAMES for _i in range(weight)]

    def name(self, *, female: bool) -> tuple[str, str, str]:
        family = self.rng.choice(self.families)
        middle = self.rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE)
        given = self.rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
        return family, middle, given

    def username(self, family: str, middle: str, given: str) -> str:
        initials = "".join(word[0] for word in f"{family} {middle}".split())
        base = fold(given + initials).replace(" ", "")
        candidate, n = base, 1
        while candidate in self.taken:
            n += 1
            candidate = f"{base}{n}"
        self.taken.add(candidate)
        return candidate

    def phone(self) -> str:
        return self.rng.choice(["09", "08", "03"]) + f"{self.rng.randint(0, 99_999_999):08d}"


# Staff who serve at these points work under a service contract (BĐVHX staff, agents).
SERVICE_CONTRACT_POINTS = frozenset({PointKind.BDVHX, PointKind.AGENT, PointKind.KIOSK})
JOINED_THIS_YEAR = 0.05  # of the staff without a login: joined in the demo's year
LEFT_THIS_YEAR = 0.02  # and left in it


class _Workforce:
    """Each member of staff's staff code, contract and employment dates. Drawn from a random
    generator of their own, so that the names, drawn from the network's, stay the same. Some
    of the staff without a login joined in the demo's year (today's), a few left in it."""

    def __init__(self, rng: random.Random, today: dt.date) -> None:
        self.rng, self.today = rng, today
        self.made = 0

    def terms(
        self, role: str, point: ServicePoint | None, joined: dt.date, *, login: bool
    ) -> dict[str, Any]:
        self.made += 1
        rng, today = self.rng, self.today
        start, until = joined, None
        draw = rng.random()
        if not login and draw < JOINED_THIS_YEAR:
            start = _day(rng, today.replace(month=1, day=1), today)
        elif not login and draw < JOINED_THIS_YEAR + LEFT_THIS_YEAR:
            until = max(start, _day(rng, today.replace(month=1, day=1), today))
        if point is not None and point.kind in SERVICE_CONTRACT_POINTS:
            contract = ContractType.SERVICE
        elif start.year == today.year and role == Role.POSTMAN and rng.random() < 0.4:
            contract = ContractType.SEASONAL
        elif (today - start).days < 3 * 365 and rng.random() < 0.7:
            contract = ContractType.FIXED_TERM  # a fixed term is three years at most
        else:
            contract = ContractType.INDEFINITE
        return {
            "staff_code": f"NV{PROVINCE}{self.made:05d}",
            "contract_type": contract,
            "employed_from": start,
            "employed_until": until,
        }


def _build_staff(
    plan: _Plan,
    points: dict[str, ServicePoint],
    units: _Units,
    geo: _Geography,
    rng: random.Random,
    workforce: _Workforce,
) -> tuple[int, list[DemoAccount]]:
    usable = make_password(DEMO_PASSWORD)  # hashed once, shared by the demo accounts
    taken = set(User.objects.values_list("username", flat=True))
    people = _People(rng, taken)
    rows: list[User] = []
    accounts: list[DemoAccount] = []

    def add(
        role: str,
        unit: Unit,
        position: str,
        *,
        point: ServicePoint | None = None,
        username: str | None = None,
        full_name: str | None = None,
        female: bool | None = None,
    ) -> User:
        is_female = rng.random() < 0.5 if female is None else female
        family, middle, given = people.name(female=is_female)
        if full_name:
            words = full_name.split()
            family, middle, given = words[0], " ".join(words[1:-1]), words[-1]
        full = " ".join(w for w in (family, middle, given) if w)
        if username:
            people.taken.add(username)
        login = username or people.username(family, middle, given)
        joined = _day(rng, dt.date(1995, 1, 1), dt.date(2024, 12, 31))
        user = User(
            username=login,
            full_name=full,
            name_folded=fold(f"{full} {login}"),
            first_name=given,
            last_name=f"{family} {middle}".strip(),
            password=usable if username else make_password(None),
            role=role,
            unit=unit,
            point=point,
            position=position,
            phone=people.phone(),
            is_staff=role == Role.ADMIN,
            is_superuser=False,
            is_active=True,
            date_joined=dt.datetime(joined.year, joined.month, joined.day, 1, tzinfo=dt.UTC),
            **workforce.terms(role, point, joined, login=bool(username)),
        )
        rows.append(user)
        if username:
            accounts.append(DemoAccount(login, role, unit.name, point.code if point else ""))
        return user

    province, centre = units.province, units.centre
    add(
        Role.DIRECTOR,
        province,
        "Giám đốc",
        username="giamdoc",
        full_name="Hoàng Thị Minh Hương",
        female=True,
    )
    for _i in range(2):
        add(Role.DIRECTOR, province, "Phó Giám đốc")
    add(Role.ACCOUNTANT, province, "Kế toán trưởng", username="ketoan")
    for _i in range(4):
        add(Role.ACCOUNTANT, province, "Kế toán viên")
    add(Role.AUDITOR, province, "Kiểm soát viên", username="kiemsoat")
    add(Role.AUDITOR, province, "Kiểm soát viên")
    add(Role.ADMIN, province, "Quản trị hệ thống", username="admin")
    add(Role.KT1_OPERATOR, province, "Khai thác viên KT1", username="kt1")
    add(Role.KT1_OPERATOR, province, "Khai thác viên KT1")
    for _i in range(2):
        add(Role.HCC_OFFICER, province, "Chuyên viên Hành chính công")

    by_code = {p.code: p for p in plan.points}
    centre_point = next(points[p.code] for p in plan.points if p.kind == PointKind.CENTRE)
    add(Role.DIRECTOR, centre, "Giám đốc Trung tâm")
    for _i in range(10):
        add(Role.CLERK, centre, "Khai thác viên", point=centre_point)

    bc1 = next(p for p in plan.points if p.kind == PointKind.BC1)
    # The post office of each commune seat: its public administration officer works there.
    seat_points = {
        p.commune.pk: points[p.code]
        for p in sorted(plan.points, key=lambda p: p.code)
        if p.kind in (PointKind.BC1, PointKind.BC2) and p.closed_on is None
    }
    postman_commune = bc1.commune
    for commune in geo.communes:
        unit = units.communes[commune.pk]
        add(Role.DIRECTOR, unit, f"Trưởng Bưu điện {_label(commune)}")
        if commune.pk in seat_points:
            add(
                Role.HCC_OFFICER,
                unit,
                "Nhân viên Hành chính công",
                point=seat_points[commune.pk],
                username="hcc" if commune == bc1.commune else None,
            )
        size = len(geo.predecessors.get(commune.pk, []))
        for index in range(1 + size + rng.randint(0, 1)):
            first = commune == postman_commune and index == 0
            add(
                Role.POSTMAN,
                unit,
                "Bưu tá",
                # A postman goes out from the commune's post office (their round is its).
                point=seat_points.get(commune.pk),
                username="buuta" if first else None,
                female=rng.random() < 0.2,
            )

    demo_bdvhx = next(
        (
            p
            for p in plan.points
            if p.kind == PointKind.BDVHX
            and p.multi_service
            and p.closed_on is None
            and _short(geo.district_of[p.legacy.pk]) == "Chi Lăng"
        ),
        next(p for p in plan.points if p.kind == PointKind.BDVHX and p.closed_on is None),
    )
    clerks: dict[str, tuple[int, int]] = {
        PointKind.BC1: (3, 3),
        PointKind.BC2: (2, 3),
        PointKind.BC3: (1, 2),
        PointKind.BDVHX: (1, 1),
        PointKind.AGENT: (1, 1),
        PointKind.KIOSK: (1, 1),
    }
    positions: dict[str, str] = {
        PointKind.BDVHX: "Nhân viên Bưu điện văn hóa xã",
        PointKind.AGENT: "Nhân viên đại lý",
        PointKind.KIOSK: "Nhân viên ki-ốt",
    }
    for code in sorted(by_code):
        p = by_code[code]
        if p.closed_on is not None or p.kind not in clerks:
            continue
        point = points[code]
        low, high = clerks[p.kind]
        for index in range(rng.randint(low, high)):
            demo = index == 0 and p in (bc1, demo_bdvhx)
            add(
                Role.CLERK,
                point.unit,
                positions.get(p.kind, "Giao dịch viên"),
                point=point,
                username=f"gdv.{code}" if demo else None,
                female=rng.random() < 0.75,
            )
    # Last, so that the staff made before keep their names: customer care of the province.
    add(Role.CARE_OFFICER, province, "Chuyên viên Chăm sóc khách hàng", username="cskh")
    add(Role.HR_OFFICER, province, "Chuyên viên Tổ chức – Thi đua", username="tcld")

    User.objects.bulk_create(rows, batch_size=500)
    return len(rows), sorted(accounts, key=_account_order)


DEMO_USERNAMES = ["admin", "giamdoc", "ketoan", "kiemsoat", "kt1", "hcc", "cskh", "tcld", "buuta"]


def _account_order(account: DemoAccount) -> tuple[int, str]:
    """admin, giamdoc, ketoan, kiemsoat, kt1, hcc, cskh, tcld, the clerks (gdv.*), then buuta."""
    name = account.username
    rank = DEMO_USERNAMES.index(name) if name in DEMO_USERNAMES else 8
    return (9 if name == "buuta" else rank), name


# --- the whole build ----------------------------------------------------------------------
@dataclass
class DemoSummary:
    built: bool
    units: int = 0
    points: int = 0
    services: int = 0
    users: int = 0
    points_by_kind: dict[str, int] = field(default_factory=dict)
    accounts: list[DemoAccount] = field(default_factory=list)
    extra: list[Any] = field(default_factory=list)


def demo_is_built() -> bool:
    return ServicePoint.objects.filter(code=BUILT_MARKER_POINT, province_code=PROVINCE).exists()


def demo_accounts() -> list[DemoAccount]:
    province = Unit.objects.filter(code=PROVINCE_UNIT_CODE).first()
    if province is None:
        return []
    users = (
        User.objects.filter(unit__path__startswith=province.path)
        .filter(Q(username__in=DEMO_USERNAMES) | Q(username__startswith="gdv."))
        .select_related("unit", "point")
    )
    rows = [
        DemoAccount(
            u.username, u.role, u.unit.name if u.unit else "", u.point.code if u.point else ""
        )
        for u in users
    ]
    return sorted(rows, key=_account_order)


@transaction.atomic
def demo_build(*, seed: int = SEED, report: Report | None = None) -> DemoSummary:
    """Build the demo province on a database that has its geography but not the demo."""
    rng = random.Random(seed)
    step = report or (lambda _text: None)
    step(_("Planning the network"))
    geo = _geography()
    plan = _plan_points(geo, rng)
    step(_("Units"))
    units = _build_units(geo)
    _build_successions(geo, units)
    step(_("Service points"))
    points = _build_points(plan, geo, units, rng)
    step(_("Services offered"))
    services = _build_services(plan, points)
    step(_("Staff"))
    workforce = _Workforce(random.Random(f"{seed}:workforce"), local_today())
    users, accounts = _build_staff(plan, points, units, geo, rng, workforce)
    return DemoSummary(
        built=True,
        units=Unit.objects.filter(path__startswith=units.province.path).count() + 1,
        points=len(points),
        services=services,
        users=users,
        points_by_kind=dict(Counter(p.kind for p in plan.points)),
        accounts=accounts,
    )


@transaction.atomic
def demo_network(*, report: Report | None = None) -> DemoSummary:
    """The network of the demo, built unless it is already: then only its accounts are listed.
    Refuses a province unit, or users with the demo's usernames, that are not the demo's."""
    if demo_is_built():
        return DemoSummary(built=False, accounts=demo_accounts())
    if Unit.objects.filter(code=PROVINCE_UNIT_CODE).exists():
        raise CommandError(
            _("Unit %(code)s exists but is not the demo's; --reset replaces it.")
            % {"code": PROVINCE_UNIT_CODE}
        )
    clashes = sorted(
        User.objects.filter(username__in=DEMO_USERNAMES).values_list("username", flat=True)
    )
    if clashes:
        raise CommandError(
            _("Users outside the demo already have the demo's usernames: %(names)s.")
            % {"names": ", ".join(clashes)}
        )
    return demo_build(report=report)


@contextmanager
def commits_not_waiting_for_disk() -> Iterator[None]:
    """The demo's year commits each operation on its own, tens of thousands of them. On
    PostgreSQL a commit then waits for its WAL to reach the disk (about 1.6 ms here, more than
    the operation itself); a demo being built can lose its last commits in a crash without
    harm, so this connection does not wait (``synchronous_commit`` off: nothing becomes
    inconsistent, the last commits may be lost). SQLite in WAL mode does not wait already."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")
