"""The demo's administrative dossiers (hành chính công) in Lạng Sơn: the agencies, their
procedures and a year of dossiers received, handed over, settled by the agencies and returned
at the post's counters. A step of ``buudien demo`` (``dossiers.year``, registered in
``DossiersConfig.ready``), run after the network, its staff and the other counter steps.

- The administrator sets up the agencies (the provincial public administration centre, the
  departments of justice, agriculture and environment, construction, the provincial police,
  social insurance, and the People's Committees of four communes of the demo), each with the
  post office that carries its dossiers, and twenty procedures with their documents, fees,
  the post's charges and business days.
- Lạng Sơn's post receives about 41,500 dossiers a year; the demo samples about
  ``DEFAULT_DOSSIERS`` of them (1 in 70; ``BUUDIEN_DEMO_DOSSIERS`` or ``build(dossiers=...)``;
  0 skips the step) at the main office, the level II offices, the demo BĐVHX and the post
  offices that carry the four communes' dossiers (which also receive their commune's
  procedures). The sample is small because each hand-over, result and return goes through
  its service: a few milliseconds each, and a sample this thin hands most dossiers over alone.
- Intake is posted a day of a counter at a time through the services' bulk path
  (``services.dossiers_receive_many``): each dossier as ``services.dossier_receive`` records
  it at the counter (the same checks, reference, key, fingerprint, ledger entry, step and
  audit line), written in a few statements.
- Everything after intake goes through the services, on the post's rounds to the agencies
  (the main office on Mondays, Wednesdays and Fridays, the level II offices on Mondays and
  Thursdays, the others on Thursdays): the dossiers received since the last round are handed
  over and the agency's receiver signs the record; results come back on the last round by
  the promised date (or on the day itself), or later with the agency's reason; the applicant
  comes back for the result a few days later (a few never yet), or the result is posted to
  the applicant's address (an HC item, needing mail's tariffs: the step runs after
  ``mail.year``) and the postman of the commune delivers it a day or two later.
- Nothing after ``now`` happens: the dossiers of the last days are still received, with the
  agency or waiting at the post, some due today, some overdue.

Seeded (``random.Random``) and repeatable on a fresh database; a second build changes nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from buudien.core.bizdays import (
    VIETNAM,
    business_days_in,
    local_now,
    next_business_day,
    year_before,
)
from buudien.core.catalogue import Service
from buudien.core.errors import DomainError
from buudien.core.money import format_number, format_vnd
from buudien.dossiers import services, settlements
from buudien.dossiers.choices import AgencyKind, Mode, ReturnBy
from buudien.dossiers.models import Agency, Dossier, Procedure
from buudien.mail.choices import EventCode
from buudien.mail.models import PostalItem
from buudien.mail.tracking.services import event_record
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
DEFAULT_DOSSIERS = 600
DOSSIERS_ENV = "BUUDIEN_DEMO_DOSSIERS"
REAL_PACE = 41_500  # dossiers a year through Lạng Sơn's post
SETTLEMENT_BANK = "vietinbank"  # the province's account the other steps deposit in
RECEIVE_ONLY_SHARE = 0.2  # the agency returns the result itself
LODGED_EVERY = 10  # of the dossiers whose result the post returns: one lodged at the agency
ADDRESS_SHARE = 0.15  # of those the post returns: to the applicant's address
LATE_SHARE = 0.08
NEVER_COLLECTED_SHARE = 0.03
# The post's rounds to the agencies (weekdays): dossiers go, results come back.
ROUNDS: dict[str, tuple[int, ...]] = {PointKind.BC1: (0, 2, 4), PointKind.BC2: (0, 3)}
OTHER_ROUNDS = (3,)  # a post office of a commune, a BĐVHX: Thursdays
# Dossiers per business day at one counter, before scaling to the year's number.
WEIGHT: dict[str, float] = {PointKind.BC1: 5.0, PointKind.BC2: 1.5}
DEMO_POINT_WEIGHT = 1.5
COMMUNE_POINT_WEIGHT = 0.8
LATE_REASONS = [
    "Hồ sơ phải xác minh thực địa",
    "Chờ ý kiến của cơ quan có liên quan",
    "Chờ người nộp hồ sơ hoàn thành nghĩa vụ tài chính",
    "Hệ thống một cửa điện tử gián đoạn",
    "Phải trình lãnh đạo ký lại do thay đổi người có thẩm quyền",
]
AGENCY_RECEIVERS = ["Lương Thị Hạnh", "Hoàng Văn Tuấn", "Nông Thị Thu", "Vi Văn Cường"]


@dataclass(frozen=True)
class DemoAgency:
    code: str
    name: str
    kind: str
    point: str  # the post office that carries its dossiers
    address: str
    contact: str
    phone: str
    commune: str = ""  # a commune's People's Committee: the commune it serves


AGENCIES = [
    DemoAgency(
        "ttpvhcc",
        "Trung tâm Phục vụ hành chính công tỉnh Lạng Sơn",
        AgencyKind.CENTRE,
        "240000",
        "Số 2 đường Hùng Vương, phường Đông Kinh, tỉnh Lạng Sơn",
        "Hà Thị Lan",
        "02053812345",
    ),
    DemoAgency(
        "so-tp",
        "Sở Tư pháp tỉnh Lạng Sơn",
        AgencyKind.DEPARTMENT,
        "240003",
        "Số 2 đường Hùng Vương, phường Đông Kinh, tỉnh Lạng Sơn",
        "Lộc Văn Hải",
        "02053812516",
    ),
    DemoAgency(
        "so-nnmt",
        "Sở Nông nghiệp và Môi trường tỉnh Lạng Sơn",
        AgencyKind.DEPARTMENT,
        "240004",
        "Số 3 đường Hoàng Văn Thụ, phường Lương Văn Tri, tỉnh Lạng Sơn",
        "Triệu Thị Mai",
        "02053870284",
    ),
    DemoAgency(
        "so-xd",
        "Sở Xây dựng tỉnh Lạng Sơn",
        AgencyKind.DEPARTMENT,
        "240010",
        "Số 1 đường Trần Hưng Đạo, phường Đông Kinh, tỉnh Lạng Sơn",
        "Nguyễn Đức Thắng",
        "02053812098",
    ),
    DemoAgency(
        "ca-tinh",
        "Công an tỉnh Lạng Sơn",
        AgencyKind.DEPARTMENT,
        "240001",
        "Số 2 đường Lê Đại Hành, phường Kỳ Lừa, tỉnh Lạng Sơn",
        "Hoàng Minh Quân",
        "02053870199",
    ),
    DemoAgency(
        "bhxh-tinh",
        "Bảo hiểm xã hội tỉnh Lạng Sơn",
        AgencyKind.DEPARTMENT,
        "240008",
        "Số 16 đường Lý Thường Kiệt, phường Đông Kinh, tỉnh Lạng Sơn",
        "Vi Thị Hồng",
        "02053716125",
    ),
    DemoAgency(
        "ubnd-dong-kinh",
        "UBND phường Đông Kinh",
        AgencyKind.COMMUNE,
        "240003",
        "Số 36 đường Bà Triệu, phường Đông Kinh, tỉnh Lạng Sơn",
        "Lăng Thị Nga",
        "02053871155",
        commune="Phường Đông Kinh",
    ),
    DemoAgency(
        "ubnd-ky-lua",
        "UBND phường Kỳ Lừa",
        AgencyKind.COMMUNE,
        "240009",
        "Số 10 đường Hoàng Văn Thụ, phường Kỳ Lừa, tỉnh Lạng Sơn",
        "Chu Văn Bình",
        "02053870366",
        commune="Phường Kỳ Lừa",
    ),
    DemoAgency(
        "ubnd-chi-lang",
        "UBND xã Chi Lăng",
        AgencyKind.COMMUNE,
        "240800",
        "Khu Hòa Bình, xã Chi Lăng, tỉnh Lạng Sơn",
        "Mã Thị Phương",
        "02053820144",
        commune="Xã Chi Lăng",
    ),
    DemoAgency(
        "ubnd-chien-thang",
        "UBND xã Chiến Thắng",
        AgencyKind.COMMUNE,
        "240803",
        "Thôn Đồng Ngầu, xã Chiến Thắng, tỉnh Lạng Sơn",
        "Nông Văn Lợi",
        "02053821077",
        commune="Xã Chiến Thắng",
    ),
]


def _doc(name: str, original: bool = True, copies: int = 1) -> dict[str, Any]:
    return {"name": name, "original": original, "copies": copies}


@dataclass(frozen=True)
class DemoProcedure:
    code: str
    agency: str
    name: str
    documents: list[dict[str, Any]]
    fee: int
    charge_receive: int
    charge_return: int
    days: int
    weight: int  # share of the dossiers where it is received


FORM = "Tờ khai theo mẫu"
CCCD = "Căn cước công dân"
PROCEDURES = [
    DemoProcedure(
        "2.000488",
        "so-tp",
        "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại "
        "Việt Nam",
        [_doc("Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp"), _doc(CCCD, False)],
        200_000,
        20_000,
        15_000,
        10,
        14,
    ),
    DemoProcedure(
        "1.004227",
        "so-nnmt",
        "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
        [
            _doc("Đơn đăng ký biến động đất đai, tài sản gắn liền với đất"),
            _doc("Giấy chứng nhận quyền sử dụng đất đã cấp"),
            _doc("Hợp đồng chuyển nhượng, tặng cho quyền sử dụng đất", False, 2),
        ],
        50_000,
        30_000,
        20_000,
        10,
        12,
    ),
    DemoProcedure(
        "1.004203",
        "so-nnmt",
        "Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
        [_doc("Đơn đề nghị cấp đổi Giấy chứng nhận"), _doc("Giấy chứng nhận đã cấp")],
        50_000,
        30_000,
        20_000,
        7,
        6,
    ),
    DemoProcedure(
        "1.012790",
        "so-nnmt",
        "Đăng ký đất đai, tài sản gắn liền với đất lần đầu",
        [
            _doc("Đơn đăng ký đất đai, tài sản gắn liền với đất"),
            _doc("Giấy tờ về quyền sử dụng đất", False),
            _doc("Sơ đồ thửa đất", True, 2),
        ],
        100_000,
        30_000,
        20_000,
        20,
        3,
    ),
    DemoProcedure(
        "1.009794",
        "so-xd",
        "Cấp giấy phép xây dựng nhà ở riêng lẻ",
        [
            _doc("Đơn đề nghị cấp giấy phép xây dựng"),
            _doc("Giấy tờ chứng minh quyền sử dụng đất", False),
            _doc("Bản vẽ thiết kế xây dựng", True, 2),
        ],
        75_000,
        30_000,
        20_000,
        15,
        5,
    ),
    DemoProcedure(
        "1.009977",
        "so-xd",
        "Cấp chứng chỉ hành nghề hoạt động xây dựng hạng II, hạng III",
        [_doc("Đơn đề nghị cấp chứng chỉ hành nghề"), _doc("Văn bằng đào tạo", False)],
        150_000,
        25_000,
        15_000,
        20,
        1,
    ),
    DemoProcedure(
        "1.002804",
        "ca-tinh",
        "Cấp đổi giấy phép lái xe",
        [
            _doc("Đơn đề nghị đổi giấy phép lái xe"),
            _doc("Giấy khám sức khỏe của người lái xe"),
            _doc("Giấy phép lái xe cũ", False),
        ],
        135_000,
        25_000,
        15_000,
        5,
        16,
    ),
    DemoProcedure(
        "2.002155",
        "ca-tinh",
        "Cấp hộ chiếu phổ thông trong nước",
        [_doc("Tờ khai đề nghị cấp hộ chiếu"), _doc("Ảnh chân dung 4x6", True, 2)],
        200_000,
        25_000,
        20_000,
        8,
        6,
    ),
    DemoProcedure(
        "1.002013",
        "bhxh-tinh",
        "Cấp lại, đổi thẻ bảo hiểm y tế",
        [_doc(FORM), _doc("Thẻ bảo hiểm y tế cũ")],
        0,
        15_000,
        10_000,
        5,
        8,
    ),
    DemoProcedure(
        "2.000766",
        "bhxh-tinh",
        "Giải quyết hưởng bảo hiểm xã hội một lần",
        [_doc("Đơn đề nghị hưởng bảo hiểm xã hội một lần"), _doc("Sổ bảo hiểm xã hội")],
        0,
        20_000,
        15_000,
        10,
        4,
    ),
    DemoProcedure(
        "1.000105",
        "ttpvhcc",
        "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam",
        [
            _doc("Văn bản đề nghị cấp giấy phép lao động"),
            _doc("Giấy chứng nhận sức khỏe"),
            _doc("Hộ chiếu", False),
        ],
        600_000,
        30_000,
        20_000,
        5,
        1,
    ),
    DemoProcedure(
        "1.001612",
        "ttpvhcc",
        "Đăng ký thành lập hộ kinh doanh",
        [_doc("Giấy đề nghị đăng ký hộ kinh doanh"), _doc(CCCD, False)],
        100_000,
        20_000,
        15_000,
        3,
        4,
    ),
]
# Each commune's People's Committee: birth registration and certified copies.
COMMUNE_PROCEDURES = [
    (
        "1.001193",
        "Đăng ký khai sinh",
        [_doc("Tờ khai đăng ký khai sinh"), _doc("Giấy chứng sinh")],
        0,
        15_000,
        10_000,
        3,
        8,
    ),
    (
        "2.000908",
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
        [_doc("Bản chính giấy tờ, văn bản"), _doc("Bản sao cần chứng thực", False, 3)],
        10_000,
        10_000,
        10_000,
        2,
        6,
    ),
]
COMMUNE_SUFFIX = {
    "ubnd-dong-kinh": "DK",
    "ubnd-ky-lua": "KL",
    "ubnd-chi-lang": "CL",
    "ubnd-chien-thang": "CT",
}


def all_procedures() -> list[DemoProcedure]:
    """The provincial procedures and each commune's own (its code suffixed)."""
    found = list(PROCEDURES)
    for agency, suffix in COMMUNE_SUFFIX.items():
        for code, name, docs, fee, receive, back, days, weight in COMMUNE_PROCEDURES:
            found.append(
                DemoProcedure(
                    f"{code}.{suffix}", agency, name, docs, fee, receive, back, days, weight
                )
            )
    return found


def _target(dossiers: int | None) -> int:
    if dossiers is not None:
        return max(0, dossiers)
    raw = os.environ.get(DOSSIERS_ENV, "").strip()
    return int(raw) if raw.isdigit() else DEFAULT_DOSSIERS


# --- the year ---------------------------------------------------------------------------------

WEIGHTS = {p.code: p.weight for p in all_procedures()}


@dataclass
class _Counter:
    point: ServicePoint
    clerk: Any
    weight: float
    procedures: list[Procedure]
    weights: list[int]
    rounds: tuple[int, ...]  # the weekdays of its rounds to the agencies


def _counters(province: Unit, today: dt.date, procedures: list[Procedure]) -> list[_Counter]:
    """The points that receive dossiers in the demo, each with a clerk: the main office and
    the level II offices, the demo BĐVHX, and the points of the communes whose People's
    Committee is set up (they receive its procedures too)."""
    first = year_before(today)
    offering = set(
        PointService.objects.filter(service=Service.DOSSIER).values_list("point_id", flat=True)
    )
    clerks: dict[int, Any] = {}
    demo_points: set[int] = set()
    for user in User.objects.filter(
        unit__path__startswith=province.path, role=Role.CLERK, is_active=True, point__isnull=False
    ).order_by("username"):
        assert user.point_id is not None
        if user.username.startswith("gdv."):
            demo_points.add(user.point_id)
        clerks.setdefault(user.point_id, user)
    by_commune = {a.commune: a.code for a in AGENCIES if a.commune}
    carriers = {a.point for a in AGENCIES if a.commune}
    provincial = [p for p in procedures if p.agency.kind != AgencyKind.COMMUNE]
    counters = []
    points = (
        ServicePoint.objects.filter(unit_path__startswith=province.path, pk__in=offering)
        .in_force_on(first)
        .in_force_on(today)
        .select_related("commune")
        .order_by("code")
    )
    for point in points:
        if point.pk not in clerks:
            continue
        commune = by_commune.get(point.commune.name if point.commune else "")
        if point.code not in carriers and point.kind not in WEIGHT:
            commune = None
        if point.kind in WEIGHT:
            weight = WEIGHT[point.kind]
        elif point.pk in demo_points:
            weight = DEMO_POINT_WEIGHT
        elif commune:
            weight = COMMUNE_POINT_WEIGHT
        else:
            continue
        if point.pk in demo_points:
            weight = max(weight, DEMO_POINT_WEIGHT)
        received = provincial + [p for p in procedures if p.agency.code == commune]
        counters.append(
            _Counter(
                point=point,
                clerk=clerks[point.pk],
                weight=weight,
                procedures=received,
                weights=[WEIGHTS[p.code] for p in received],
                rounds=ROUNDS.get(point.kind, OTHER_ROUNDS),
            )
        )
    return counters


class _People:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.families = [name for name, weight in FAMILY_NAMES for _i in range(weight)]

    def name(self) -> str:
        female = self.rng.random() < 0.5
        middle = self.rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE)
        given = self.rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
        return f"{self.rng.choice(self.families)} {middle} {given}"

    def citizen_id(self) -> str:
        # 020: born in Lạng Sơn; the century and sex digit, the year of birth, a serial.
        rng = self.rng
        return f"020{rng.choice('0123')}{rng.randint(40, 99):02d}{rng.randint(0, 999_999):06d}"

    def phone(self) -> str:
        return f"0{self.rng.choice('389')}{self.rng.randint(10_000_000, 99_999_999)}"


def _at(day: dt.date, minutes: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=VIETNAM) + dt.timedelta(minutes=minutes)


@dataclass
class _Calendar:
    """The business days of the demo's year and the weeks after it, by position."""

    days: list[dt.date]
    index: dict[dt.date, int] = field(init=False)

    def __post_init__(self) -> None:
        self.index = {day: i for i, day in enumerate(self.days)}

    def round_after(self, day: dt.date, rounds: tuple[int, ...]) -> int:
        """The position of the first business day of a round after ``day``."""
        i = self.index[day] + 1
        while self.days[i].weekday() not in rounds:
            i += 1
        return i

    def round_by(self, first: int, last: int, rounds: tuple[int, ...]) -> int:
        """The position of the last round from ``first`` to ``last`` (``last`` if none)."""
        for i in range(last, first - 1, -1):
            if self.days[i].weekday() in rounds:
                return i
        return last


@dataclass
class _Plan:
    """What happens to the dossiers after intake: the day of each event, by batch."""

    sends: dict[tuple[int, int, dt.date], list[str]] = field(
        default_factory=lambda: defaultdict(list)
    )
    results: dict[tuple[int, int, dt.date], list[Dossier]] = field(
        default_factory=lambda: defaultdict(list)
    )
    returns: list[tuple[dt.datetime, _Counter, Dossier]] = field(default_factory=list)


@dataclass
class _Made:
    dossiers: int = 0
    sends: int = 0
    results: int = 0
    late: int = 0
    returned: int = 0
    delivered: int = 0
    settlements: int = 0
    passed_on: int = 0


def build(
    *,
    seed: int,
    report: Callable[[str], None],
    dossiers: int | None = None,
    now: dt.datetime | None = None,
) -> str:
    """Build the agencies, the procedures and the year of dossiers; one line of summary."""
    started = time.perf_counter()
    target = _target(dossiers)
    province = Unit.objects.filter(code=PROVINCE_UNIT_CODE).first()
    admin = User.objects.filter(username="admin").first()
    if not target or province is None or admin is None:
        return ""
    if Agency.objects.filter(province_code=PROVINCE, code=AGENCIES[0].code).exists():
        return _("Administrative dossiers: already built.")
    now = (now or local_now()).astimezone(VIETNAM)
    today = now.date()
    procedures = _catalogue()
    counters = _counters(province, today, procedures)
    if not counters:
        return ""
    report(_("Administrative dossiers: a year"))
    rng = random.Random(seed + 50)
    first = year_before(today)
    calendar = _Calendar(business_days_in(first, today + dt.timedelta(days=120)))
    days = [day for day in calendar.days if day <= today]
    scale = target / (sum(c.weight for c in counters) * max(1, len(days)))
    people = _People(rng)
    plan = _Plan()
    made = _Made()
    for counter in counters:
        intake: dict[dt.date, list[services.Intake]] = defaultdict(list)
        for day in days:
            for _n in range(_draws(rng, counter.weight * scale)):
                at = _at(day, rng.randint(7 * 60 + 30, 16 * 60 + 30))
                if at >= now:
                    continue
                intake[day].append(_intake(rng, people, counter, at, made))
        for rows in intake.values():
            rows.sort(key=lambda row: row.at or now)
            codes = services.dossiers_receive_many(rows=rows)
            found = {d.reference: d for d in Dossier.objects.filter(reference__in=codes)}
            for code in codes:
                _schedule(rng, calendar, counter, found[code], plan)
    _run(rng, plan, counters, now, made)
    _settle(first, today, made)
    agencies = Agency.objects.filter(province_code=PROVINCE).count()
    fees = sum(Dossier.objects.filter(province_code=PROVINCE).values_list("agency_fee", flat=True))
    return _(
        "Administrative dossiers: %(agencies)s agencies, %(procedures)s procedures, "
        "%(dossiers)s dossiers (a sample of about %(pace)s a year) with %(fees)s of agencies' "
        "fees, %(sends)s hand-overs, %(results)s result hand-overs (%(late)s dossiers late), "
        "%(returned)s results returned at the counter and %(delivered)s by post, %(passed)s "
        "of fees passed on in %(settled)s settlements (%(seconds)s s)."
    ) % {
        "agencies": agencies,
        "procedures": len(procedures),
        "dossiers": format_number(made.dossiers),
        "pace": format_number(REAL_PACE),
        "fees": format_vnd(fees),
        "sends": format_number(made.sends),
        "results": format_number(made.results),
        "late": format_number(made.late),
        "returned": format_number(made.returned),
        "delivered": format_number(made.delivered),
        "passed": format_vnd(made.passed_on),
        "settled": format_number(made.settlements),
        "seconds": format_number(time.perf_counter() - started, 1),
    }


def _settle(first: dt.date, today: dt.date, made: _Made) -> None:
    """The accountant passes each agency's fees of a month on early the next month, from
    the province's bank account (while it holds the money: the demo's bank is fed by the
    other services' deposits)."""
    accountant = User.objects.filter(username="ketoan").first()
    if accountant is None:
        return
    month = first.replace(day=1)
    while True:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        paid_on = next_business_day(following)
        if paid_on > today:
            return
        last = following - dt.timedelta(days=1)
        owed = (
            Dossier.objects.filter(
                province_code=PROVINCE,
                agency_fee__gt=0,
                settlement__isnull=True,
                business_date__gte=month,
                business_date__lte=last,
            )
            .values_list("agency_id", flat=True)
            .distinct()
        )
        for agency in Agency.objects.filter(pk__in=set(owed)).order_by("code"):
            try:
                settlement = settlements.fees_settle(
                    actor=accountant,
                    idempotency_key=f"demo:{agency.code}:{month:%Y-%m}",
                    agency=agency,
                    date_from=month,
                    date_to=last,
                    bank=SETTLEMENT_BANK,
                    on=paid_on,
                )
            except DomainError:  # the bank does not hold it yet: next month's transfer
                continue
            made.settlements += 1
            made.passed_on += settlement.total
        month = following


def _catalogue() -> list[Procedure]:
    """The agencies and their procedures, set up by the administrator."""
    points = {p.code: p for p in ServicePoint.objects.filter(code__in={a.point for a in AGENCIES})}
    agencies = {}
    for a in AGENCIES:
        agency = Agency(
            province_code=PROVINCE,
            code=a.code,
            name=a.name,
            kind=a.kind,
            handover_point=points[a.point],
            address=a.address,
            contact_name=a.contact,
            contact_phone=a.phone,
        )
        agency.save()
        agencies[a.code] = agency
    made = []
    for p in all_procedures():
        procedure = Procedure(
            province_code=PROVINCE,
            agency=agencies[p.agency],
            code=p.code,
            name=p.name,
            documents=p.documents,
            agency_fee=p.fee,
            charge_receive=p.charge_receive,
            charge_return=p.charge_return,
            processing_days=p.days,
        )
        procedure.save()
        made.append(procedure)
    return made


def _draws(rng: random.Random, rate: float) -> int:
    whole = int(rate)
    return whole + (1 if rng.random() < rate - whole else 0)


def _intake(
    rng: random.Random, people: _People, counter: _Counter, at: dt.datetime, made: _Made
) -> services.Intake:
    made.dossiers += 1
    procedure = rng.choices(counter.procedures, counter.weights)[0]
    mode = Mode.RECEIVE if rng.random() < RECEIVE_ONLY_SHARE else Mode.BOTH
    return_by = ""
    if mode == Mode.BOTH:
        return_by = ReturnBy.ADDRESS if rng.random() < ADDRESS_SHARE else ReturnBy.COUNTER
    commune = counter.point.commune.name if counter.point.commune else ""
    posted = return_by == ReturnBy.ADDRESS
    number = ""
    if mode == Mode.BOTH and made.dossiers % LODGED_EVERY == 0:
        # Lodged at the agency; the post returns the result (no draw: the sample stays).
        mode = Mode.RETURN
        number = f"{procedure.agency.code.upper()}-{at:%y%m%d}-{made.dossiers:05d}"
    return services.Intake(
        actor=counter.clerk,
        point=counter.point,
        key=f"demo-{made.dossiers}",
        procedure=procedure,
        mode=mode,
        applicant_name=people.name(),
        citizen_id=people.citizen_id(),
        phone=people.phone(),
        address=f"Thôn {rng.randint(1, 12)}, {commune}" if posted else "",
        return_by=return_by,
        commune=counter.point.commune if posted else None,
        agency_reference=number,
        at=at,
    )


def _schedule(
    rng: random.Random, calendar: _Calendar, counter: _Counter, dossier: Dossier, plan: _Plan
) -> None:
    """When the dossier is handed over, when its result comes back and when it is fetched."""
    rounds = counter.rounds
    sent = calendar.round_after(dossier.business_date, rounds)
    sent_day = calendar.days[sent]
    if dossier.mode != Mode.RETURN:  # a dossier lodged at the agency is there already
        plan.sends[(counter.point.pk, dossier.agency_id, sent_day)].append(dossier.reference)
    if dossier.mode not in Mode.returns():
        return
    due = calendar.index[dossier.due_date]
    if rng.random() < LATE_SHARE:  # the agency is late: the result comes on a later round
        back = calendar.round_after(calendar.days[max(due, sent)], rounds)
        back = max(back, due + rng.randint(1, 6))
    elif due > sent:  # on time: on the last round by the promised date, else a trip that day
        back = calendar.round_by(sent + 1, due, rounds)
    else:
        back = sent + 1
    plan.results[(counter.point.pk, dossier.agency_id, calendar.days[back])].append(dossier)
    posted = dossier.return_by == ReturnBy.ADDRESS
    never = rng.random() < NEVER_COLLECTED_SHARE
    if never and not posted:
        return
    wait = 1 if never else rng.choice((1, 1, 1, 2, 2, 3, 5, 8))
    if posted:  # posted the day it came back, delivered on a round a day or two later
        wait = min(wait, 2)
    fetched = calendar.days[back + wait]
    plan.returns.append((_at(fetched, rng.randint(7 * 60 + 30, 16 * 60 + 30)), counter, dossier))


def _run(
    rng: random.Random, plan: _Plan, counters: list[_Counter], now: dt.datetime, made: _Made
) -> None:
    """The hand-overs, results and returns up to ``now``, in the order they happen."""
    by_point = {c.point.pk: c for c in counters}
    agencies = {a.pk: a for a in Agency.objects.filter(province_code=PROVINCE)}
    events: list[tuple[dt.datetime, int, Callable[[], None]]] = []

    def send(counter: _Counter, agency: Agency, at: dt.datetime, codes: list[str]) -> None:
        handover = services.handover_send(
            actor=counter.clerk, point=counter.point, agency=agency, dossiers=codes, at=at
        )
        made.sends += 1
        signed = at + dt.timedelta(minutes=rng.randint(20, 90))
        if signed < now - dt.timedelta(hours=20):  # the last day's records are not signed yet
            services.handover_confirm(
                actor=counter.clerk,
                handover=handover,
                receiver_name=rng.choice(AGENCY_RECEIVERS),
                at=signed,
            )

    def results(counter: _Counter, agency: Agency, at: dt.datetime, rows: list[Dossier]) -> None:
        count = sum(1 for row in rows if row.due_date < at.date())
        services.results_receive(
            actor=counter.clerk,
            point=counter.point,
            agency=agency,
            # The agency's number on the results of the dossiers lodged there.
            dossiers=[row.agency_reference or row.reference for row in rows],
            receiver_name=rng.choice(AGENCY_RECEIVERS),
            late_reason=rng.choice(LATE_REASONS) if count else "",
            at=at,
        )
        made.results += 1
        made.late += count

    for (point_id, agency_id, day), codes in plan.sends.items():
        at = _at(day, rng.randint(8 * 60, 9 * 60 + 30))
        counter, agency = by_point[point_id], agencies[agency_id]
        events.append((at, 0, _bind(send, counter, agency, at, codes)))
    for (point_id, agency_id, day), rows in plan.results.items():
        at = _at(day, rng.randint(14 * 60, 16 * 60))
        counter, agency = by_point[point_id], agencies[agency_id]
        events.append((at, 1, _bind(results, counter, agency, at, rows)))
    for at, counter, dossier in plan.returns:
        events.append((at, 2, _fetch(counter, dossier, at, made)))
    events.sort(key=lambda event: (event[0], event[1]))
    for at, _order, work in events:
        if at >= now:
            break
        work()


def _fetch(counter: _Counter, dossier: Dossier, at: dt.datetime, made: _Made) -> Callable[[], None]:
    def fetch() -> None:
        if dossier.return_by == ReturnBy.ADDRESS:
            item = (
                PostalItem.objects.filter(dossier__pk=dossier.pk)
                .select_related("delivery_point")
                .first()
            )
            if item is not None and item.delivery_point is not None:
                # The postman of the applicant's commune delivers the result on a round.
                event_record(
                    actor=None,
                    item=item,
                    code=EventCode.EMI,
                    point=item.delivery_point,
                    at=at,
                    recipient_name=dossier.applicant_name,
                )
                made.delivered += 1
                return
        services.dossier_return(
            actor=counter.clerk,
            point=counter.point,
            dossier=dossier.reference,
            presented_id=dossier.citizen_id,
            at=at,
        )
        made.returned += 1

    return fetch


def _bind[T](
    work: Callable[[_Counter, Agency, dt.datetime, list[T]], None],
    counter: _Counter,
    agency: Agency,
    at: dt.datetime,
    rows: list[T],
) -> Callable[[], None]:
    return lambda: work(counter, agency, at, rows)
