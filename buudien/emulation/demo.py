"""The demo's emulation and commendation (a step of ``buudien demo``, after the year's
operations and plans): what a province post's emulation council records in two years, through
the services its secretary uses.

- the year's movements, launched at the conference that opens each year (the main one judged by
  the plan, on-time delivery, complaints, cash and dossiers; one for model post offices judged
  by the clerks' counters), last year's and this year's;
- each unit's pledge for both years, signed by its head and its trade union; last year's
  results computed from the system's own figures and recorded
  (``services.pledges_compute_results``);
- the titles of last year decided early this year (and those of the year before, decided
  early last year, for the comparison): Lao động tiên tiến for most of the staff, Chiến sĩ thi
  đua cơ sở for authors of initiatives within the 15% cap, 6 Chiến sĩ thi đua cấp bộ with
  their three years of Chiến sĩ thi đua cơ sở behind them, the Ministry's emulation flag for
  the province post and a district-level unit, a Labour Order, second class, for the director
  (the third class six years before), the Corporation's and the director's certificates, and
  a proposal of a unit's head still waiting;
- initiatives recognised at grassroots level each year (one at the Corporation's), their
  authors, benefits and the units applying them.

Seeded and repeatable on a freshly built province; ``BUUDIEN_DEMO_EMULATION_PEOPLE`` bounds
the people given a title each year (all the staff by default).
"""

from __future__ import annotations

import datetime as dt
import os
import random
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from buudien.core.bizdays import VIETNAM, local_today
from buudien.emulation.choices import AwardKind, AwardLevel, InitiativeLevel
from buudien.emulation.models import Award, Initiative, Movement, Pledge
from buudien.emulation.services import (
    movement_launch,
    pledge_record,
    pledges_compute_results,
)
from buudien.emulation.services_awards import award_propose, award_record
from buudien.emulation.services_initiatives import initiative_apply, initiative_record
from buudien.network.choices import UnitKind
from buudien.network.models import Unit
from buudien.people.choices import Role
from buudien.people.models import User

MINISTRY = "Bộ Thông tin và Truyền thông"
CORPORATION = "Tổng công ty Bưu điện Việt Nam"
STATE = "Chủ tịch nước"
MAIN_THEME = (
    "Đẩy mạnh kỷ cương, kỷ luật, chỉ đạo quyết liệt, phối hợp đồng bộ, triển khai kịp thời, "
    "phấn đấu thực hiện thắng lợi kế hoạch năm {year}"
)
MAIN_CRITERIA = {
    "revenue_plan_pct": 4,
    "on_time_rate": 2,
    "complaints_per_10000": 2,
    "cash_differences": 1,
    "dossiers_on_time_pct": 1,
}
COUNTER_THEME = "Bưu cục kiểu mẫu, giao dịch viên chuyên nghiệp"
COUNTER_CRITERIA = {"counter_revenue": 2, "counter_transactions": 1}
TARGETS = {"revenue_plan_pct": "100", "on_time_rate": "95", "complaints_per_10000": "2"}
INITIATIVES = [
    ("Sắp xếp lại tuyến phát xã theo thứ tự địa chỉ, rút ngắn hành trình bưu tá", 24_000_000),
    ("Quét mã vạch hàng loạt khi chia chọn túi gói tại bưu cục huyện", 18_000_000),
    ("Mẫu kịch bản tư vấn mở tài khoản thanh toán tại quầy", 0),
    ("Sổ theo dõi hồ sơ hành chính công đến hạn trả kết quả", 0),
    ("Phân loại báo chí công ích theo xã ngay khi nhận tại trung tâm", 12_000_000),
    ("Chi trả lương hưu tại nhà cho người cao tuổi theo lịch hẹn qua điện thoại", 0),
    ("Bảng đối chiếu tiền mặt cuối ngày cho bưu điện văn hóa xã", 9_000_000),
    ("Gom hàng nông sản của hợp tác xã tại điểm phục vụ để gửi đi một lần", 30_000_000),
    ("Tiếp nhận khiếu nại qua tổng đài kèm tra cứu hành trình bưu gửi", 0),
]
LABOUR_ORDER_GAP = 6  # the third class this many years before the second


def _day(year: int, month: int, day: int, today: dt.date) -> dt.date:
    """That day, or today when it has not come yet."""
    return min(dt.date(year, month, day), today)


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 0), tzinfo=VIETNAM)


class Council:
    """The province's emulation council at work: its secretary records, numbering the
    decisions of each issuer."""

    def __init__(self, province: Unit, secretary: User, rng: random.Random) -> None:
        self.province, self.secretary, self.rng = province, secretary, rng
        self.numbers: dict[str, int] = {}

    def number(self, suffix: str) -> str:
        self.numbers[suffix] = self.numbers.get(suffix, 0) + 1
        return f"{self.numbers[suffix] * 7 + 10}/{suffix}"

    def award(self, kind: str, year: int, day: dt.date, **values: Any) -> None:
        suffix = {
            AwardLevel.STATE: "QĐ-CTN",
            AwardLevel.MINISTRY: "QĐ-BTTTT",
            AwardLevel.CORPORATION: "QĐ-BĐVN",
        }.get(values.get("level", ""), "QĐ-BĐT")
        award_record(
            actor=self.secretary,
            kind=kind,
            year_from=values.pop("year_from", year),
            year_to=year,
            decision_number=self.number(suffix),
            decision_date=day,
            at=_at(day),
            **values,
        )


def _staff(province: Unit) -> list[User]:
    return list(
        User.objects.filter(unit__path__startswith=province.path)
        .exclude(role__in=[Role.ADMIN, Role.AUDITOR])
        .select_related("unit")
        .order_by("username")
    )


def _movements(council: Council, year: int, today: dt.date) -> Movement:
    main = None
    for index, (theme, criteria) in enumerate(
        ((MAIN_THEME.format(year=year), MAIN_CRITERIA), (COUNTER_THEME, COUNTER_CRITERIA))
    ):
        launched = _day(year, 1, 5 + index, today)
        movement = movement_launch(
            actor=council.secretary,
            province=council.province,
            theme=theme,
            launched_by="Giám đốc Bưu điện tỉnh",
            launched_on=launched,
            year_from=year,
            year_to=year,
            criteria=criteria,
            at=_at(launched),
        )
        main = main or movement
    assert main is not None
    return main


def _pledges(
    council: Council, movement: Movement, units: list[Unit], heads: dict[int, str], today: dt.date
) -> list[Pledge]:
    signed = _day(movement.year_from, 1, 5, today)
    return [
        pledge_record(
            actor=council.secretary,
            unit=unit,
            year=movement.year_from,
            signed_on=signed,
            management_signatory=heads.get(unit.pk) or f"Giám đốc {unit.name}",
            union_signatory=f"Chủ tịch Công đoàn {unit.name}",
            targets=TARGETS,
            movement=movement,
            at=_at(signed),
        )
        for unit in units
    ]


def _initiatives(
    council: Council,
    year: int,
    count: int,
    staff: list[User],
    units: list[Unit],
    today: dt.date,
    *,
    first: int = 0,
    authors: int = 3,
) -> list[User]:
    """``count`` initiatives recognised in ``year`` (the last at the Corporation's level when
    there are several), by up to ``authors`` people of ``staff`` each; their authors."""
    found: list[User] = []
    for index in range(count):
        title, benefit = INITIATIVES[(first + index + year) % len(INITIATIVES)]
        lead = council.rng.choice(staff)
        mates = [person for person in staff if person.unit_id == lead.unit_id and person != lead]
        who = [lead, *council.rng.sample(mates, k=min(len(mates), index % authors))]
        decided = _day(year, min(12, 3 + index), 20, today)
        corporation = count > 1 and index == count - 1
        initiative = initiative_record(
            actor=council.secretary,
            title=title,
            unit=who[0].unit or council.province,
            authors=who,
            level=InitiativeLevel.CORPORATION if corporation else InitiativeLevel.UNIT,
            year=year,
            decision_number=council.number("QĐ-HĐSK"),
            decision_date=decided,
            benefit="Tiết kiệm thời gian, chi phí tại đơn vị áp dụng" if benefit else "",
            benefit_amount=benefit or None,
            at=_at(decided),
        )
        for unit in council.rng.sample(units, k=min(len(units), 1 + index % 2)):
            initiative_apply(
                actor=council.secretary,
                initiative=initiative,
                unit=unit,
                applied_on=decided,
                at=_at(decided),
            )
        found.extend(person for person in who if person not in found)
    return found


def _own_initiatives(
    council: Council, year: int, people: list[User], units: list[Unit], today: dt.date
) -> None:
    """One initiative of each of ``people``, alone, recognised in ``year``."""
    for index, person in enumerate(people):
        _initiatives(council, year, 1, [person], units, today, first=index, authors=1)


def _titles(
    council: Council,
    year: int,
    decided: dt.date,
    staff: list[User],
    fighters: list[User],
    limit: int,
) -> None:
    """The titles of ``year`` decided on ``decided``: Lao động tiên tiến for about four in
    five of the staff (``fighters`` among them), then Chiến sĩ thi đua cơ sở for the
    ``fighters`` within the cap."""
    chosen = [person for person in staff if council.rng.random() < 0.8 or person in fighters]
    chosen = (fighters + [person for person in chosen if person not in fighters])[:limit]
    for person in chosen:
        council.award(AwardKind.LAO_DONG_TIEN_TIEN, year, decided, person=person)
    for person in fighters[: len(chosen) * 15 // 100]:
        council.award(AwardKind.CSTD_CO_SO, year, decided, person=person)


def build(*, seed: int, report: Callable[[str], None]) -> str:
    province = Unit.objects.filter(kind=UnitKind.PROVINCE).order_by("path").first()
    if province is None:
        return ""
    secretary = User.objects.filter(role=Role.HR_OFFICER, unit=province).first()
    director = User.objects.filter(role=Role.DIRECTOR, unit=province).order_by("pk").first()
    if secretary is None or director is None:
        return ""
    report(_("Emulation: movements, pledges, titles, awards and initiatives"))
    rng = random.Random(seed)
    today = local_today()
    year, last = today.year, today.year - 1
    council = Council(province, secretary, rng)
    staff = _staff(province)
    limit = int(os.environ.get("BUUDIEN_DEMO_EMULATION_PEOPLE") or len(staff))
    units = list(Unit.objects.filter(parent=province).order_by("code"))
    heads: dict[int, str] = dict(
        User.objects.filter(role=Role.DIRECTOR, unit__in=units)
        .order_by("-pk")
        .values_list("unit_id", "full_name")
    )

    # Six people with three years of Chiến sĩ thi đua cơ sở (and their initiatives) behind
    # them: this year the Ministry names them Chiến sĩ thi đua cấp bộ for last year.
    six = rng.sample([person for person in staff if person != director], k=min(6, len(staff)))
    for past in (last - 2, last - 1):
        _own_initiatives(council, past, six, units, today)
        _titles(council, past, _day(past + 1, 1, 12, today), staff, six, max(limit, 40))

    movements = {key: _movements(council, key, today) for key in (last, year)}
    pledges = {
        key: _pledges(council, movement, units, heads, today) for key, movement in movements.items()
    }
    if pledges[last]:
        pledges_compute_results(actor=secretary, province=province, year=last)

    authors = _initiatives(council, last, 7, staff, units, today)
    _own_initiatives(council, last, six, units, today)
    decided = _day(year, 1, 12, today)
    fighters = six + [person for person in authors if person not in six]
    _titles(council, last, decided, staff, fighters, limit)
    for person in six:
        council.award(
            AwardKind.CSTD_BO,
            last,
            decided,
            person=person,
            level=AwardLevel.MINISTRY,
            issuer=MINISTRY,
            movement=movements[last],
        )
    flag = next((unit for unit in units if "Chi Lăng" in unit.name), units[0] if units else None)
    for unit in [province, *([flag] if flag is not None else [])]:
        council.award(
            AwardKind.CO_THI_DUA_BO,
            last,
            decided,
            unit=unit,
            level=AwardLevel.MINISTRY,
            issuer=MINISTRY,
            citation="Hoàn thành xuất sắc, dẫn đầu phong trào thi đua",
        )
    council.award(
        AwardKind.HUAN_CHUONG_LD_3,
        last - LABOUR_ORDER_GAP,
        dt.date(last - LABOUR_ORDER_GAP + 1, 4, 2),
        person=director,
        level=AwardLevel.STATE,
        issuer=STATE,
        year_from=last - LABOUR_ORDER_GAP - 4,
    )
    council.award(
        AwardKind.HUAN_CHUONG_LD_2,
        last,
        decided,
        person=director,
        level=AwardLevel.STATE,
        issuer=STATE,
        year_from=last - 4,
    )
    pool = rng.sample(staff, k=min(len(staff), 25))
    for person in pool[:10]:
        council.award(
            AwardKind.GIAY_KHEN,
            last,
            decided,
            person=person,
            level=AwardLevel.CORPORATION,
            issuer=CORPORATION,
        )
    for person in pool[10:12]:
        council.award(
            AwardKind.OTHER,
            last,
            decided,
            person=person,
            level=AwardLevel.CORPORATION,
            issuer=CORPORATION,
            name="Gương mặt tiêu biểu xuất sắc cấp Tổng công ty",
        )
    for person in pool[12:22]:
        council.award(
            AwardKind.GIAY_KHEN, last, decided, person=person, issuer="Giám đốc Bưu điện tỉnh"
        )
    for unit in units[:3]:
        council.award(
            AwardKind.GIAY_KHEN, last, decided, unit=unit, issuer="Giám đốc Bưu điện tỉnh"
        )
    for person in pool[22:25]:
        council.award(
            AwardKind.OTHER,
            last,
            decided,
            person=person,
            issuer="Giám đốc Bưu điện tỉnh",
            name="Tuyên dương người lao động tiêu biểu",
        )
    # The initiatives of this year so far, and a unit head's proposal still waiting.
    elapsed = max(1, min(9, today.month))
    _initiatives(council, year, elapsed, staff, units, today)
    head = User.objects.filter(role=Role.DIRECTOR, unit__in=units).order_by("pk").first()
    waiting = 0
    if head is not None and head.unit is not None:
        head_path = head.unit.path
        proposed = next(
            (
                p
                for p in staff
                if p.unit is not None and p.unit.path.startswith(head_path) and p != head
            ),
            None,
        )
        if proposed is not None:
            award_propose(
                actor=head,
                kind=AwardKind.GIAY_KHEN,
                year_from=last,
                year_to=last,
                person=proposed,
                citation="Hoàn thành xuất sắc nhiệm vụ năm",
                at=_at(decided),
            )
            waiting = 1
    code = province.province_code
    return _(
        "%(movements)d movements, %(pledges)d pledges, %(awards)d titles and awards, "
        "%(initiatives)d initiatives, %(waiting)d proposal waiting"
    ) % {
        "movements": Movement.objects.filter(province_code=code).count(),
        "pledges": Pledge.objects.filter(province_code=code).count(),
        "awards": Award.objects.filter(province_code=code).count(),
        "initiatives": Initiative.objects.filter(province_code=code).count(),
        "waiting": waiting,
    }
