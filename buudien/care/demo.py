"""The demo's year of customer care in Lạng Sơn: the requests of customers (enquiries, most
of them; complaints; a few suggestions) over the last twelve months, lodged and handled step
by step. A step of ``buudien demo`` (``care.year``, registered in ``CareConfig.ready``),
after mail's year (its items are what the complaints are about) and before the cash closings.

- About ``DEFAULT_REQUESTS`` requests a year (``BUUDIEN_DEMO_CARE`` or ``build(requests=...)``;
  0 skips the step), a provincial post's few hundred: two in three enquiries (half of them
  about an item), a quarter complaints, the rest suggestions; on the hotline (most), at a
  counter (by a clerk of the point), on the public web form or from a partner.
- A complaint about an item is about a real item of the demo's mail year (never a KT1 one):
  loss or delay from a few days to weeks after its full-course time, damage, missing contents
  or the price within a month of its delivery; most are about delay and loss. Conduct and
  other grounds name no item.
- Handling as a provincial post's care desk does it: the hotline's care officers (two, made
  here if the province has none) lodge and assign the complaint to the unit in charge and its
  head, who writes the investigation notes; the officer answers the customer and closes it
  with its outcome and cause, most within the legal time, a few late (escalated near their
  deadline); a few are left open past it (escalated, not answered). What would happen after
  ``now`` has not happened: the last weeks' requests are still being handled.
- Everything goes through ``care.services`` with past moments, one transaction each; seeded
  and repeatable. No compensation is paid here: that step comes with ``care.compensation``'s
  services.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from buudien.care import services
from buudien.care import services_money as money
from buudien.care.choices import (
    Channel,
    Ground,
    Outcome,
    PaymentMethod,
    RequestKind,
    Status,
    Subject,
)
from buudien.care.models import CareRequest, Compensation
from buudien.core.bizdays import VIETNAM, add_business_days, local_now, year_before
from buudien.core.errors import DomainError
from buudien.core.money import format_number, format_vnd
from buudien.mail.choices import ItemStatus, MailService
from buudien.mail.demo_year import People
from buudien.mail.models import PostalItem
from buudien.network.management.commands.demo import PROVINCE_UNIT_CODE
from buudien.network.models import ServicePoint, Unit
from buudien.people import services as people
from buudien.people.choices import Role
from buudien.people.models import User

PROVINCE = "20"
REQUESTS_ENV = "BUUDIEN_DEMO_CARE"
DEFAULT_REQUESTS = 320
# The grounds a compensation may be paid for (the rules refuse the delay of an ordinary item).
COMPENSATED = frozenset({Ground.LOSS, Ground.DAMAGE, Ground.CONTENTS, Ground.DELAY})
# Compensations are paid by transfer from the account the other demo steps pay partners from.
BANK = "vietinbank"
OFFICERS = ("cskh.1", "cskh.2")  # the hotline's care officers, made when there are none

KINDS = [(RequestKind.ENQUIRY, 66), (RequestKind.COMPLAINT, 26), (RequestKind.SUGGESTION, 8)]
CHANNELS = [(Channel.HOTLINE, 56), (Channel.COUNTER, 24), (Channel.WEB, 15), (Channel.PARTNER, 5)]
GROUNDS = [
    (Ground.DELAY, 42),
    (Ground.LOSS, 26),
    (Ground.DAMAGE, 9),
    (Ground.CONTENTS, 4),
    (Ground.AMOUNT, 6),
    (Ground.CONDUCT, 10),
    (Ground.OTHER, 3),
]
OUTCOMES = [(Outcome.UPHELD, 28), (Outcome.PARTLY, 14), (Outcome.REJECTED, 58)]
LATE = 0.07  # of the complaints: answered and closed after their deadline
STUCK = 0.04  # of the complaints: left open past their deadline
ITEM_ENQUIRY = 0.5  # of the enquiries: about an item ("where is my letter?")

# What the customer says, per ground; what the investigation found: (upheld, rejected).
SAYS = {
    Ground.DELAY: [
        "Thư bảo đảm gửi đã lâu, quá thời gian toàn trình mà người nhận vẫn chưa nhận được.",
        "Bưu gửi phát chậm nhiều ngày so với thời gian công bố, đề nghị bưu điện kiểm tra.",
    ],
    Ground.LOSS: [
        "Người nhận báo chưa nhận được bưu gửi, tra cứu không thấy cập nhật trạng thái mới.",
        "Bưu kiện gửi đi chưa đến tay người nhận, đề nghị truy tìm và bồi thường nếu thất lạc.",
    ],
    Ground.DAMAGE: [
        "Bưu kiện nhận được bị móp méo, hàng bên trong bị vỡ.",
        "Vỏ hộp bị rách, hàng hóa bên trong bị ướt.",
    ],
    Ground.CONTENTS: ["Bưu kiện nhận được thiếu hàng so với nội dung khai trên phiếu gửi."],
    Ground.AMOUNT: ["Khách hàng cho rằng bị thu cước cao hơn bảng cước đã công bố."],
    Ground.CONDUCT: ["Nhân viên giao dịch thiếu niềm nở, để khách hàng chờ lâu tại quầy."],
    Ground.OTHER: ["Bưu tá không gọi điện trước khi phát, khách hàng phải lên bưu cục nhận."],
}
FOUND = {
    Ground.DELAY: (
        "Chậm chuyến thư tại trung tâm khai thác",
        "Bưu gửi phát trong thời gian toàn trình, người nhận đi vắng",
    ),
    Ground.LOSS: (
        "Thất lạc trong quá trình khai thác tại bưu cục phát",
        "Bưu gửi đã phát thành công, người nhận đã ký nhận",
    ),
    Ground.DAMAGE: (
        "Hư hỏng trong quá trình vận chuyển",
        "Hàng hóa do khách hàng tự đóng gói không đúng quy cách",
    ),
    Ground.CONTENTS: (
        "Thiếu hụt trong quá trình vận chuyển",
        "Biên bản giao nhận không ghi nhận thiếu hụt",
    ),
    Ground.AMOUNT: ("Giao dịch viên áp sai vùng tính cước", "Cước thu đúng bảng cước hiện hành"),
    Ground.CONDUCT: (
        "Nhân viên chưa thực hiện đúng quy định giao tiếp khách hàng",
        "Không đủ căn cứ xác định lỗi của nhân viên",
    ),
    Ground.OTHER: ("Bưu tá chưa liên hệ trước khi phát", "Bưu tá đã thực hiện đúng quy định"),
}
NOTES = [
    "Đã kiểm tra sổ phát và dữ liệu định vị của bưu tá.",
    "Đã làm việc với bưu cục phát và trung tâm khai thác, lập biên bản xác minh.",
    "Đã liên hệ người nhận để xác minh thông tin.",
]
ENQUIRIES = [
    "Hỏi cước gửi bưu kiện 2 kg đi Hà Nội.",
    "Hỏi lịch chi trả lương hưu tại điểm Bưu điện văn hóa xã.",
    "Hỏi thủ tục nhận kết quả hồ sơ hành chính công qua bưu điện.",
    "Hỏi giờ mở cửa của bưu cục vào ngày thứ Bảy.",
    "Hỏi mua bảo hiểm bắt buộc xe máy tại bưu điện.",
]
ENQUIRY_ITEM = "Hỏi tình trạng bưu gửi, người nhận chưa thấy báo phát."
SUGGESTIONS = [
    "Đề nghị mở thêm quầy giao dịch vào giờ nghỉ trưa.",
    "Đề nghị gửi tin nhắn báo khi bưu gửi đến bưu cục phát.",
    "Đề nghị cho thanh toán cước bằng mã QR tại các điểm Bưu điện văn hóa xã.",
]
PARTNERS = ["Cửa hàng Nông sản Xứ Lạng", "Công ty TNHH Thương mại Đồng Đăng"]


@dataclass(frozen=True)
class Item:
    s10: str
    point_id: int
    accepted_on: dt.date
    full_course_end: dt.date
    delivered_on: dt.date | None


@dataclass
class Desk:
    """Who handles: the hotline's officers, a clerk per point, the head of each unit."""

    officers: list[Any]
    clerks: dict[int, Any]
    heads: dict[int, Any]
    accountant: Any = None


@dataclass
class _Made:
    requests: int = 0
    complaints: int = 0
    closed: int = 0
    late: int = 0
    upheld: int = 0
    refused: int = 0
    compensated: int = 0
    compensation: int = 0


def _target(requests: int | None) -> int:
    if requests is not None:
        return max(0, requests)
    raw = os.environ.get(REQUESTS_ENV, "").strip()
    return int(raw) if raw.isdigit() else DEFAULT_REQUESTS


def _pick[T](rng: random.Random, table: list[tuple[T, int]]) -> T:
    return rng.choices([value for value, _w in table], [weight for _v, weight in table])[0]


def _desk(province: Unit, rng: random.Random) -> Desk:
    officers = list(
        User.objects.filter(
            unit__path__startswith=province.path, role=Role.CARE_OFFICER, is_active=True
        ).order_by("username")
    )
    if not officers:
        names = People(rng)
        officers = [
            people.user_create(
                actor=None,
                username=username,
                full_name=names.name(),
                role=Role.CARE_OFFICER,
                unit=province,
                position="Chuyên viên Chăm sóc khách hàng",
                phone=names.phone(),
            )
            for username in OFFICERS
        ]
    clerks: dict[int, Any] = {}
    heads: dict[int, Any] = {}
    staff = User.objects.filter(
        unit__path__startswith=province.path,
        role__in=[Role.CLERK, Role.DIRECTOR],
        is_active=True,
    ).order_by("username")
    for user in staff.select_related("unit"):
        if user.role == Role.CLERK and user.point_id is not None:
            clerks.setdefault(user.point_id, user)
        elif user.role == Role.DIRECTOR and user.unit_id not in (None, province.pk):
            assert user.unit_id is not None
            heads.setdefault(user.unit_id, user)
    accountant = (
        User.objects.filter(unit=province, role=Role.ACCOUNTANT, is_active=True)
        .order_by("username")
        .first()
    )
    return Desk(officers, clerks, heads, accountant)


def _items(first: dt.date, today: dt.date) -> list[Item]:
    """The items of the demo's mail year (no KT1), with their full-course end and delivery."""
    rows = (
        PostalItem.objects.filter(
            province_code=PROVINCE, accepted_on__gte=first, accepted_on__lt=today
        )
        .exclude(service=MailService.KT1)
        .order_by("pk")
        .values_list(
            "s10", "accepted_point_id", "accepted_on", "tariff__full_course_days", "status",
            "delivered_at",
        )
    )  # fmt: skip
    return [
        Item(
            s10,
            point_id,
            accepted_on,
            add_business_days(accepted_on, days),
            delivered.astimezone(VIETNAM).date()
            if delivered is not None and status == ItemStatus.DELIVERED
            else None,
        )
        for s10, point_id, accepted_on, days, status, delivered in rows
    ]


def _moment(rng: random.Random, day: dt.date) -> dt.datetime:
    minutes = rng.randint(7 * 60 + 30, 17 * 60)
    return dt.datetime.combine(day, dt.time(), tzinfo=VIETNAM) + dt.timedelta(minutes=minutes)


@dataclass
class Plan:
    """One request to lodge: when, what, about which item."""

    at: dt.datetime
    kind: str
    channel: str
    ground: str = ""
    item: Item | None = None


def _plans(
    rng: random.Random, target: int, items: list[Item], first: dt.date, now: dt.datetime
) -> list[Plan]:
    """``target`` requests over the year, in the order of time; an item complained of once
    per ground."""
    today = now.date()
    span = (today - first).days
    taken: set[tuple[str, str]] = set()
    delivered = [item for item in items if item.delivered_on is not None]
    out: list[Plan] = []
    for _n in range(target * 2):
        if len(out) >= target:
            break
        kind, channel = _pick(rng, KINDS), _pick(rng, CHANNELS)
        day = first + dt.timedelta(days=rng.randrange(max(1, span)))
        plan = Plan(_moment(rng, day), kind, channel)
        if kind == RequestKind.COMPLAINT:
            plan.ground = ground = _pick(rng, GROUNDS)
            pool = delivered if ground in Ground.after_delivery() else items
            if ground in Ground.after_full_course() | Ground.after_delivery():
                if not pool:
                    continue
                item = rng.choice(pool)
                if (item.s10, ground) in taken:
                    continue
                if ground in Ground.after_delivery():
                    assert item.delivered_on is not None
                    day = item.delivered_on + dt.timedelta(days=rng.randint(1, 25))
                else:
                    day = item.full_course_end + dt.timedelta(days=rng.randint(2, 45))
                taken.add((item.s10, ground))
                plan.item, plan.at = item, _moment(rng, day)
        elif kind == RequestKind.ENQUIRY and items and rng.random() < ITEM_ENQUIRY:
            plan.item = item = rng.choice(items)
            plan.at = _moment(rng, item.full_course_end + dt.timedelta(days=rng.randint(0, 6)))
        if plan.at < now:
            out.append(plan)
    return sorted(out, key=lambda plan: plan.at)


class _Year:
    def __init__(
        self, rng: random.Random, desk: Desk, points: dict[int, Any], now: dt.datetime
    ) -> None:
        self.rng, self.desk, self.points, self.now = rng, desk, points, now
        self.people = People(rng)
        self.made = _Made()

    def lodge(self, plan: Plan) -> CareRequest | None:
        rng, desk = self.rng, self.desk
        channel, actor, point = plan.channel, rng.choice(desk.officers), None
        if channel == Channel.COUNTER:
            point_id = plan.item.point_id if plan.item else rng.choice(sorted(desk.clerks))
            actor, point = desk.clerks.get(point_id), self.points.get(point_id)
            if actor is None or point is None:
                channel, actor, point = Channel.HOTLINE, rng.choice(desk.officers), None
        if channel == Channel.WEB:
            actor = None
        if plan.kind == RequestKind.COMPLAINT:
            said = rng.choice(SAYS[Ground(plan.ground)])
        elif plan.kind == RequestKind.ENQUIRY:
            said = ENQUIRY_ITEM if plan.item else rng.choice(ENQUIRIES)
        else:
            said = rng.choice(SUGGESTIONS)
        name = rng.choice(PARTNERS) if channel == Channel.PARTNER else self.people.name()
        try:
            row = services.request_lodge(
                actor=actor,
                channel=channel,
                kind=plan.kind,
                ground=plan.ground,
                subject=Subject.ITEM if plan.item else Subject.NONE,
                s10=plan.item.s10 if plan.item else "",
                customer_name=name,
                customer_phone=self.people.phone(),
                description=said,
                point=point,
                province_code=PROVINCE,
                at=plan.at,
            )
        except DomainError:
            self.made.refused += 1
            return None
        self.made.requests += 1
        self.made.complaints += plan.kind == RequestKind.COMPLAINT
        return row

    def handle(self, row: CareRequest, plan: Plan) -> None:
        """The request's steps after it was lodged, those up to ``now``."""
        rng, officer = self.rng, self.desk.officers[row.pk % len(self.desk.officers)]
        start = plan.at
        if row.kind != RequestKind.COMPLAINT:
            counter = row.channel == Channel.COUNTER and row.received_by is not None
            hand = row.received_by if counter else officer
            days = rng.randint(0, 2) if row.kind == RequestKind.ENQUIRY else rng.randint(3, 15)
            answered = start + dt.timedelta(days=days, minutes=rng.randint(10, 240))
            if answered > self.now:
                return
            text = (
                "Bưu điện đã cung cấp thông tin Quý khách cần."
                if row.kind == RequestKind.ENQUIRY
                else "Cảm ơn Quý khách đã góp ý; Bưu điện tỉnh ghi nhận và sẽ xem xét cải tiến."
            )
            services.request_answer(actor=hand, request=row, text=text, at=answered)
            services.request_close(actor=hand, request=row, at=answered)
            self.made.closed += 1
            return
        late, stuck = rng.random() < LATE, rng.random() < STUCK
        due = dt.datetime.combine(row.resolve_by, dt.time(9), tzinfo=VIETNAM)
        steps: list[tuple[dt.datetime, Callable[[dt.datetime], Any]]] = []
        head = self.desk.heads.get(row.unit_id)
        assigned = start + dt.timedelta(hours=rng.randint(2, 40))
        note_by = officer
        if head is not None:
            steps.append(
                (
                    assigned,
                    lambda at: services.request_assign(
                        actor=officer, request=row, unit=row.unit, owner=head, at=at
                    ),
                )
            )
            note_by = head
        noted = assigned + dt.timedelta(days=rng.randint(1, 8))
        steps.append(
            (
                noted,
                lambda at: services.request_note(
                    actor=note_by, request=row, text=rng.choice(NOTES), at=at
                ),
            )
        )
        if late or stuck:
            steps.append(
                (
                    due - dt.timedelta(days=rng.randint(1, 6)),
                    lambda at: services.request_escalate(actor=officer, request=row, at=at),
                )
            )
        if not stuck:
            answered = (
                due + dt.timedelta(days=rng.randint(2, 25))
                if late
                else max(
                    start + dt.timedelta(days=rng.randint(5, 50)), noted + dt.timedelta(days=1)
                )
            )
            outcome = _pick(rng, OUTCOMES)
            upheld, rejected = FOUND[Ground(row.ground)]
            cause = rejected if outcome == Outcome.REJECTED else upheld
            text = (
                f"Kết quả xác minh: {cause.lower()}. Bưu điện đã thực hiện đúng quy định; "
                "xin cảm ơn Quý khách đã phản ánh."
                if outcome == Outcome.REJECTED
                else f"Bưu điện tỉnh Lạng Sơn xin lỗi Quý khách. Kết quả xác minh: {cause.lower()}."
                " Bưu điện đã chấn chỉnh và giải quyết quyền lợi của Quý khách theo quy định."
            )
            steps.append(
                (
                    answered,
                    lambda at: services.request_answer(
                        actor=officer, request=row, text=text, at=at
                    ),
                )
            )
            closed = answered + dt.timedelta(hours=rng.randint(2, 48))
            steps.append(
                (
                    closed,
                    lambda at: services.request_close(
                        actor=officer, request=row, outcome=outcome, cause=cause, at=at
                    ),
                )
            )
            if outcome != Outcome.REJECTED and row.item_id is not None:
                steps += self.compensation(row, officer, outcome, closed)
        for at, step in sorted(steps, key=lambda one: one[0]):
            if at > self.now:
                return
            step(at)
        if not stuck:
            self.made.closed += 1
            self.made.late += late
            self.made.upheld += outcome != Outcome.REJECTED

    def compensation(
        self, row: CareRequest, officer: Any, outcome: str, closed: dt.datetime
    ) -> list[tuple[dt.datetime, Callable[[dt.datetime], Any]]]:
        """An upheld complaint about an item compensated: proposed by the officer the next
        day (the most the rules allow; a share of it when partly upheld or damaged),
        approved by the accountant, paid by transfer from the post's bank account. A ground
        that carries no money (an ordinary item's delay, staff conduct) is refused by the
        rules and left so."""
        rng, accountant = self.rng, self.desk.accountant
        if accountant is None or row.ground not in COMPENSATED:
            return []
        partial = outcome == Outcome.PARTLY or row.ground in (Ground.DAMAGE, Ground.CONTENTS)
        share = rng.choice((2_500, 4_000, 5_000, 6_000)) if partial else 10_000
        proposed = closed + dt.timedelta(days=1, hours=rng.randint(0, 6))
        approved = proposed + dt.timedelta(days=rng.randint(1, 4))
        paid = approved + dt.timedelta(days=rng.randint(1, 5))

        def propose(at: dt.datetime) -> None:
            with contextlib.suppress(DomainError):  # a ground that carries no money
                money.compensation_propose(actor=officer, request=row, loss_bp=share, at=at)

        def approve(at: dt.datetime) -> None:
            found = Compensation.objects.filter(request=row).first()
            if found is not None:
                money.compensation_approve(actor=accountant, compensation=found, at=at)

        def pay(at: dt.datetime) -> None:
            found = Compensation.objects.filter(request=row, status="approved").first()
            if found is None:
                return
            try:
                money.compensation_pay(
                    actor=accountant,
                    compensation=found,
                    point=None,
                    idempotency_key=f"demo-care-{row.code}",
                    method=PaymentMethod.TRANSFER,
                    bank=BANK,
                    payee_account=f"{rng.randint(10**11, 10**12 - 1)}",
                    at=at,
                )
            except DomainError:
                return
            self.made.compensated += 1
            self.made.compensation += found.amount

        return [(proposed, propose), (approved, approve), (paid, pay)]


def build(
    *,
    seed: int,
    report: Callable[[str], None],
    requests: int | None = None,
    now: dt.datetime | None = None,
) -> str:
    """Lodge and handle a year of customers' requests; one line of summary."""
    started = time.perf_counter()
    target = _target(requests)
    province = Unit.objects.filter(code=PROVINCE_UNIT_CODE).first()
    if not target or province is None:
        return ""
    if CareRequest.objects.filter(province_code=PROVINCE).exists():
        return _("Customer care: the demo year is already there.")
    now = (now or local_now()).astimezone(VIETNAM)
    first = year_before(now.date())
    rng = random.Random(seed + 80)
    items = _items(first, now.date())
    if not items:
        return ""
    report(_("Customer care: a year"))
    desk = _desk(province, rng)
    points = {p.pk: p for p in ServicePoint.objects.filter(pk__in=sorted(desk.clerks))}
    year = _Year(rng, desk, points, now)
    for plan in _plans(rng, target, items, first, now):
        row = year.lodge(plan)
        if row is not None:
            year.handle(row, plan)
    made = year.made
    overdue = CareRequest.objects.filter(
        province_code=PROVINCE, resolve_by__lt=now.date(), kind=RequestKind.COMPLAINT
    ).exclude(status=Status.CLOSED)
    return _(
        "Customer care: %(requests)s requests in a year (%(complaints)s complaints, "
        "%(upheld)s upheld), %(closed)s closed (%(late)s late), %(open)s still open, "
        "%(overdue)s complaints past their deadline; %(compensated)s compensations paid "
        "(%(compensation)s) (%(seconds)s s)."
    ) % {
        "requests": format_number(made.requests),
        "complaints": format_number(made.complaints),
        "upheld": format_number(made.upheld),
        "closed": format_number(made.closed),
        "late": format_number(made.late),
        "open": format_number(made.requests - made.closed),
        "overdue": format_number(overdue.count()),
        "compensated": format_number(made.compensated),
        "compensation": format_vnd(made.compensation),
        "seconds": format_number(time.perf_counter() - started, 1),
    }
