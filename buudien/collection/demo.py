"""The demo's bill collection: the partners of Lạng Sơn and a year of bills at the demo
points, settled monthly. A step of ``buudien demo`` (``collection.year``, registered in
``CollectionConfig.ready``).

Everything goes through the services a person would use:

- the partners (EVN, the water company, the tax office, BHXH, VNPT, a consumer-finance
  company whose customers pay a fee) by the administrator, ``partner_create``;
- the bills by the clerks of the demo points (the main office and the demo BĐVHX, whose
  clerks log in as ``gdv.*``) and of the level II offices, ``bill_collect``: households pay
  their electricity, water and telephone bills of the month before, BHXH voluntary
  contributions, taxes and loan instalments; at points that take cashless payment some pay
  by VietQR, confirmed through the handler the cashless app calls (with a stand-in for its
  payment, key ``cashless:demo-<bill>``);
- at the end of each month the accountant (``ketoan``) deposits the month's cash of
  collection in the bank (a manual ``bank_deposit`` entry), and on the fifth business day
  of the next month settles each partner for the month (``settlement_create``);
- today: a few bills at the demo points, one awaiting its transfer, one cancelled.

About ``DEFAULT_BILLS`` bills (``BUUDIEN_DEMO_COLLECTION_BILLS`` or ``build(bills=...)``; 0
skips the step), seeded (``random.Random``) and repeatable on a fresh database.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from buudien.collection import services
from buudien.collection.choices import PartnerKind, PaymentMethod
from buudien.collection.models import Bill, Partner
from buudien.core.bizdays import VIETNAM, business_days_in, local_now, year_before
from buudien.core.money import format_number, format_vnd
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.selectors import drawer_spendable
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
BANK = "vietinbank"
DEFAULT_BILLS = 2_500
BILLS_ENV = "BUUDIEN_DEMO_COLLECTION_BILLS"
TRANSFER_SHARE = 0.08  # at points that take cashless payment
SETTLE_ON_BUSINESS_DAY = 5  # of the month after


@dataclass(frozen=True)
class DemoPartner:
    code: str
    name: str
    kind: str
    weight: int  # share of the bills
    low: int  # amounts, đồng
    high: int
    customer_prefix: str
    commission_fixed: int = 0
    commission_bp: int = 0
    commission_min: int = 0
    customer_fee: int = 0
    fee_vat_rate_bp: int = 1_000
    payee_account: str = ""


PARTNERS = [
    DemoPartner(
        "evn-langson",
        "Công ty Điện lực Lạng Sơn (EVNNPC)",
        PartnerKind.ELECTRICITY,
        42,
        120_000,
        1_400_000,
        "PA18",
        commission_fixed=1_800,
        payee_account="1020 0000 1811 · VietinBank Lạng Sơn",
    ),
    DemoPartner(
        "nuoc-langson",
        "Công ty CP Cấp thoát nước Lạng Sơn",
        PartnerKind.WATER,
        20,
        60_000,
        450_000,
        "LSN",
        commission_fixed=1_500,
        payee_account="8600 2110 5566 · Agribank Lạng Sơn",
    ),
    DemoPartner(
        "thue-langson",
        "Thuế tỉnh Lạng Sơn",
        PartnerKind.TAX,
        6,
        300_000,
        25_000_000,
        "MST49",
        commission_bp=5,
        commission_min=3_000,
        payee_account="7111 · Kho bạc Nhà nước Lạng Sơn",
    ),
    DemoPartner(
        "bhxh-langson",
        "Bảo hiểm xã hội tỉnh Lạng Sơn",
        PartnerKind.SOCIAL_INSURANCE,
        12,
        330_000,
        2_200_000,
        "20",
        commission_bp=50,
        commission_min=5_000,
        payee_account="1180 2012 3456 · BIDV Lạng Sơn",
    ),
    DemoPartner(
        "vnpt-langson",
        "VNPT Lạng Sơn",
        PartnerKind.TELECOM,
        12,
        50_000,
        600_000,
        "LSN-FTTH",
        commission_fixed=1_000,
        commission_bp=20,
        payee_account="1020 1000 2468 · VietinBank Lạng Sơn",
    ),
    DemoPartner(
        "fe-credit",
        "Công ty Tài chính FE Credit",
        PartnerKind.FINANCE,
        8,
        800_000,
        4_500_000,
        "FE",
        commission_fixed=3_000,
        customer_fee=8_000,
        fee_vat_rate_bp=1_000,
        payee_account="0071 0012 3456 · Vietcombank Hội sở",
    ),
]
# Bills per business day at one counter, before scaling to the year's number.
RATES: dict[str, float] = {PointKind.BC1: 7.0, PointKind.BC2: 1.0}
DEMO_POINT_RATE = 2.5  # the demo BĐVHX's clerk


def _target(bills: int | None) -> int:
    if bills is not None:
        return max(0, bills)
    raw = os.environ.get(BILLS_ENV, "").strip()
    return int(raw) if raw.isdigit() else DEFAULT_BILLS


@dataclass
class _Counter:
    point: ServicePoint
    clerk: Any
    rate: float


def _counters(province: Unit) -> list[_Counter]:
    """The demo points (of the gdv.* clerks) and the level II offices, with a clerk each, that
    offer bill collection."""
    clerks: dict[int, Any] = {}
    demo_points: set[int] = set()
    for user in User.objects.filter(
        unit__path__startswith=province.path, role=Role.CLERK, is_active=True, point__isnull=False
    ).order_by("username"):
        if user.point_id is None:
            continue
        if user.username.startswith("gdv."):
            clerks[user.point_id] = user
            demo_points.add(user.point_id)
        else:
            clerks.setdefault(user.point_id, user)
    offering = set(
        PointService.objects.filter(service="collection").values_list("point_id", flat=True)
    )
    counters = []
    for point in ServicePoint.objects.filter(
        unit_path__startswith=province.path, closed_on__isnull=True
    ).order_by("code"):
        if point.pk not in clerks or point.pk not in offering:
            continue
        if point.pk in demo_points:
            rate = RATES.get(point.kind, DEMO_POINT_RATE)
        elif point.kind in RATES:
            rate = RATES[point.kind]
        else:
            continue
        counters.append(_Counter(point, clerks[point.pk], rate))
    return counters


def _name(rng: random.Random, families: list[str]) -> str:
    female = rng.random() < 0.5
    middle = rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE)
    given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
    return f"{rng.choice(families)} {middle} {given}"


class _Customers:
    """Each point has its own households per partner, who come back month after month."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.families = [name for name, weight in FAMILY_NAMES for _i in range(weight)]
        self.pools: dict[tuple[int, str], list[tuple[str, str]]] = {}

    def pick(self, point: ServicePoint, partner: DemoPartner) -> tuple[str, str]:
        pool = self.pools.setdefault((point.pk, partner.code), [])
        if len(pool) < 40 or self.rng.random() < 0.15:
            index = len(pool) + 1
            code = f"{partner.customer_prefix}{point.code[-4:]}{index:05d}"
            pool.append((code, _name(self.rng, self.families)))
        return self.rng.choice(pool)


def _period(partner: DemoPartner, day: dt.date) -> str:
    """Utilities are billed for the month before; contributions and instalments for the
    month; taxes for the quarter."""
    if partner.kind in (PartnerKind.ELECTRICITY, PartnerKind.WATER, PartnerKind.TELECOM):
        before = day.replace(day=1) - dt.timedelta(days=1)
        return f"{before:%m/%Y}"
    if partner.kind == PartnerKind.TAX:
        return f"Q{(day.month - 1) // 3 + 1}/{day.year}"
    return f"{day:%m/%Y}"


def _amount(rng: random.Random, partner: DemoPartner) -> int:
    """A skewed amount between low and high: most bills are small."""
    share = rng.random() ** 2.2
    amount = partner.low + int((partner.high - partner.low) * share)
    if partner.kind == PartnerKind.SOCIAL_INSURANCE:
        return round(amount, -3)
    return amount


@dataclass
class _Made:
    bills: int = 0
    transfers: int = 0
    cancelled: int = 0
    settlements: int = 0
    deposits: int = 0


def build(
    *,
    seed: int,
    report: Callable[[str], None],
    bills: int | None = None,
    now: dt.datetime | None = None,
) -> str:
    """Build the partners and the year of bills, and say what was made in one line."""
    started = time.perf_counter()
    target = _target(bills)
    province = Unit.objects.filter(code=PROVINCE_UNIT_CODE).first()
    admin = User.objects.filter(username="admin").first()
    accountant = User.objects.filter(username="ketoan").first()
    if not target or province is None or admin is None or accountant is None:
        return ""
    if Partner.objects.filter(province_code=PROVINCE, code=PARTNERS[0].code).exists():
        return _("Bill collection: already built.")
    counters = _counters(province)
    if not counters:
        return ""
    report(_("Bill collection: a year of bills"))
    rng = random.Random(seed + 30)
    now = (now or local_now()).astimezone(VIETNAM)
    today = now.date()
    partners = {
        p.code: services.partner_create(
            actor=admin,
            province_code=PROVINCE,
            code=p.code,
            name=p.name,
            kind=p.kind,
            bank=BANK,
            payee_account=p.payee_account,
            commission_fixed=p.commission_fixed,
            commission_bp=p.commission_bp,
            commission_min=p.commission_min,
            customer_fee=p.customer_fee,
            fee_vat_rate_bp=p.fee_vat_rate_bp,
        )
        for p in PARTNERS
    }
    bank = ledger.account_for_bank(PROVINCE, BANK)
    first = year_before(today)
    days = business_days_in(first, today - dt.timedelta(days=1))
    per_day = sum(c.rate for c in counters)
    scale = target / (per_day * max(1, len(days)))
    customers = _Customers(rng)
    made = _Made()
    seen: set[tuple[str, str, str]] = set()
    weights = [p.weight for p in PARTNERS]
    cash_by_month: dict[tuple[dt.date, int], int] = defaultdict(int)

    def row(counter: _Counter, at: dt.datetime, method: str) -> services.BillRow | None:
        partner = rng.choices(PARTNERS, weights)[0]
        code, name = customers.pick(counter.point, partner)
        period = _period(partner, at.date())
        if (partner.code, code, period) in seen:
            return None
        seen.add((partner.code, code, period))
        return services.BillRow(
            partner=partners[partner.code],
            customer_code=code,
            customer_name=name,
            amount=_amount(rng, partner),
            period=period,
            method=method,
            at=at,
        )

    def one(counter: _Counter, at: dt.datetime, method: str) -> Bill | None:
        bill_row = row(counter, at, method)
        if bill_row is None:
            return None
        made.bills += 1
        return services.bill_collect(
            actor=counter.clerk,
            idempotency_key=f"demo:{seed}:today:{made.bills}",
            partner=bill_row.partner,
            customer_code=bill_row.customer_code,
            customer_name=bill_row.customer_name,
            amount=bill_row.amount,
            period=bill_row.period,
            method=bill_row.method,
            point=counter.point,
            at=at,
        )

    def pay(bill: Bill) -> None:
        payment = _Payment(
            pk=f"demo-{bill.pk}",
            province_code=bill.province_code,
            point=bill.point,
            amount=bill.total,
            kind="collection",
            reference=bill.reference,
        )
        services.bill_paid_by_transfer(payment, actor=None, bank=bank)
        made.transfers += 1

    month_days: dict[dt.date, list[dt.date]] = defaultdict(list)
    for day in days:
        month_days[day.replace(day=1)].append(day)
    for month, in_month in sorted(month_days.items()):
        # A month of a counter's bills as one list: each bill is still its own entry, dated
        # the day it was collected.
        for counter in counters:
            rows = []
            for day in in_month:
                for _i in range(_poisson(rng, counter.rate * scale)):
                    minutes = rng.uniform(7.5 * 60, 17 * 60)
                    at = dt.datetime.combine(day, dt.time(), tzinfo=VIETNAM) + dt.timedelta(
                        minutes=minutes
                    )
                    transfer = counter.point.cashless and rng.random() < TRANSFER_SHARE
                    method = PaymentMethod.TRANSFER if transfer else PaymentMethod.CASH
                    bill_row = row(counter, at, method)
                    if bill_row is not None:
                        rows.append(bill_row)
            if not rows:
                continue
            rows.sort(key=lambda r: r.at or now)
            taken = services.bills_collect_batch(
                actor=counter.clerk,
                idempotency_key=f"demo:{seed}:{counter.point.code}:{month:%Y%m}",
                point=counter.point,
                rows=rows,
            )
            made.bills += len(taken)
            for bill in taken:
                if bill.method == PaymentMethod.TRANSFER:
                    pay(bill)
                else:
                    cash_by_month[(month, counter.point.pk)] += bill.total
        if in_month[-1].month == today.month and in_month[-1].year == today.year:
            continue  # the month is not over
        _deposit(accountant, month, in_month[-1], counters, cash_by_month, made)
        _settle(accountant, partners, month, in_month[-1], today, made)
    _today(counters, one, made, now)
    seconds = time.perf_counter() - started
    collected = sum(b.amount for b in Bill.objects.filter(province_code=PROVINCE).only("amount"))
    return _(
        "Bill collection: %(partners)d partners, %(bills)s bills (%(transfers)s by transfer) "
        "for %(amount)s, %(settlements)s monthly settlements (%(seconds)s s)."
    ) % {
        "partners": len(partners),
        "bills": format_number(made.bills),
        "transfers": format_number(made.transfers),
        "amount": format_vnd(collected),
        "settlements": format_number(made.settlements),
        "seconds": format_number(seconds, 1),
    }


@dataclass(frozen=True)
class _Payment:
    """A stand-in for the cashless app's payment (the attributes the handler reads)."""

    pk: str
    province_code: str
    point: ServicePoint
    amount: int
    kind: str
    reference: str


def _poisson(rng: random.Random, rate: float) -> int:
    """A Poisson draw (Knuth's way; the rates here are small)."""
    count, limit, product = 0, math.exp(-rate), rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _deposit(
    accountant: Any,
    month: dt.date,
    last_day: dt.date,
    counters: list[_Counter],
    cash_by_month: dict[tuple[dt.date, int], int],
    made: _Made,
) -> None:
    """The month's cash of collection goes from the drawers to the bank: one entry."""
    legs = []
    for counter in counters:
        amount = cash_by_month.get((month, counter.point.pk), 0)
        amount = min(amount, drawer_spendable(point=counter.point, day=last_day))
        if amount > 0:
            legs.append(
                ledger.ManualLeg(
                    debit=f"{ledger.BANK_PREFIX}{BANK}",
                    credit=f"{ledger.DRAWER_PREFIX}{counter.point.code}",
                    amount=amount,
                )
            )
    if not legs:
        return
    ledger.entry_post_manual(
        actor=accountant,
        idempotency_key=f"demo:collection:deposit:{month:%Y%m}",
        kind=EntryKind.BANK_DEPOSIT,
        province_code=PROVINCE,
        legs=legs,
        reference=f"deposit:collection:{month:%Y-%m}",
        business_date=last_day,
        late=True,
        memo=f"Nộp tiền thu hộ tháng {month:%m/%Y} vào ngân hàng",
    )
    made.deposits += 1


def _settle(
    accountant: Any,
    partners: dict[str, Partner],
    month: dt.date,
    last_day: dt.date,
    today: dt.date,
    made: _Made,
) -> None:
    """On the fifth business day of the next month, each partner is paid for the month."""
    following = (last_day + dt.timedelta(days=7)).replace(day=1)
    settle_days = business_days_in(following, following + dt.timedelta(days=14))
    on = settle_days[SETTLE_ON_BUSINESS_DAY - 1]
    if on >= today:
        return
    for partner in partners.values():
        if not services.unsettled_bills(partner, month, last_day).exists():
            continue
        services.settlement_create(
            actor=accountant,
            idempotency_key=f"demo:settlement:{partner.code}:{month:%Y%m}",
            partner=partner,
            date_from=month,
            date_to=last_day,
            memo=f"Quyết toán thu hộ tháng {month:%m/%Y}",
            on=on,
        )
        made.settlements += 1


def _today(
    counters: list[_Counter],
    one: Callable[[_Counter, dt.datetime, str], Bill | None],
    made: _Made,
    now: dt.datetime,
) -> None:
    """This morning at the demo points: a few bills, one awaiting its transfer, one
    cancelled by the clerk (a wrong customer code)."""
    demo = [c for c in counters if c.clerk.username.startswith("gdv.")] or counters[:1]
    start = dt.datetime.combine(now.date(), dt.time(7, 30), tzinfo=VIETNAM)
    if now < start + dt.timedelta(minutes=30):
        return
    span = (now - start).total_seconds() / 60
    for counter in demo:
        bills: list[Bill] = []
        for index in range(5):
            at = start + dt.timedelta(minutes=span * (index + 1) / 7)
            bill = one(counter, at, PaymentMethod.CASH)
            if bill is not None:
                bills.append(bill)
        if counter.point.cashless:  # stays pending: the customer has the QR code
            one(counter, start + dt.timedelta(minutes=span * 6 / 7), PaymentMethod.TRANSFER)
        if bills:
            services.bill_cancel(
                actor=counter.clerk, bill=bills[-1], reason="Khách hàng đưa nhầm mã khách hàng"
            )
            made.cancelled += 1
