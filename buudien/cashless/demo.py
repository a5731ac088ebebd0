"""The demo's year of cashless payments: the provincial post's receiving account (VietinBank,
BIN 970415, a made-up account number), QR payments at the points the network step flagged
cashless (about 93, as in the year-end review: "thanh toán không dùng tiền mặt tại 93 điểm"),
each point from the day it started taking them, and the bank statements of each month (as
VietinBank exports them) imported by the accountant (``ketoan``), which confirm them. A few
lines of each statement carry no code (left for matching by hand), and the bank's fee, its
VAT and the interest are on each (kept as not related); today's last codes are still pending
at the counter, one was cancelled. A step of ``buudien demo`` (``cashless.year``, after mail).

Every payment goes through the services a person uses: ``payment_request_create`` by a clerk
of the point, ``statement_import`` by the accountant (the ``counter_payment`` handler posts
Dr bank / Cr drawer on the day the money arrived). A payment is only for money the drawer
holds: the operations paid for were booked against the drawer by the earlier steps (mail
fees ...), so the amounts are capped by what each drawer holds.

Volume: about ``DEFAULT_PAYMENTS`` payments (``BUUDIEN_DEMO_CASHLESS_PAYMENTS``; 0 skips the
step). Seeded and repeatable on an empty demo; a second build on the same database adds
nothing (the demo's requests are there already).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from buudien.cashless import services
from buudien.cashless.handlers import COUNTER_PAYMENT
from buudien.cashless.importers import statement_import
from buudien.cashless.models import BankAccount, CashlessPoint, PaymentRequest
from buudien.core.bizdays import VIETNAM, local_now, year_before
from buudien.core.imports import write_csv
from buudien.finance import ledger
from buudien.finance.selectors import DrawerDays, drawer_days
from buudien.network.choices import PointKind
from buudien.network.models import ServicePoint
from buudien.people.choices import Role
from buudien.people.models import User

PROVINCE = "20"
DEFAULT_PAYMENTS = 450
PENDING_TODAY = 3
PAYMENTS_ENV = "BUUDIEN_DEMO_CASHLESS_PAYMENTS"
BANK = {
    "bank_bin": "970415",
    "bank_name": "VietinBank - Chi nhánh Lạng Sơn",
    "account_number": "113000246810",
    "account_name": "BUU DIEN TINH LANG SON",
    "ledger_slug": "vietinbank",
}
KEY_PREFIX = "demo-cashless:"
# Payments per business day by kind of point, before scaling to the year's volume.
RATES: dict[str, float] = {
    PointKind.BC1: 6.0,
    PointKind.BC2: 1.2,
    PointKind.BC3: 0.4,
    PointKind.BDVHX: 0.12,
    PointKind.AGENT: 0.15,
    PointKind.KIOSK: 0.2,
}
PURPOSES = [
    ("Cước bưu gửi", 13_000, 120_000),
    ("Cước EMS", 25_000, 250_000),
    ("Cước bưu kiện", 40_000, 400_000),
    ("Mua tem, phong bì", 10_000, 60_000),
    ("Phí dịch vụ tại quầy", 10_000, 100_000),
]
MIN_AMOUNT = 10_000
UNMATCHED_PER_MONTH = 2
ACCOUNT_FEE = 10_000  # the bank's monthly account fee (+10% VAT), on each statement


@dataclass
class _Payment:
    point: ServicePoint
    clerk: Any
    at: dt.datetime
    amount: int
    purpose: str


def _target() -> int:
    raw = os.environ.get(PAYMENTS_ENV, "")
    return int(raw) if raw.isdigit() else DEFAULT_PAYMENTS


def _business_days(first: dt.date, last: dt.date) -> list[dt.date]:
    days, day = [], first
    while day <= last:
        if day.weekday() < 6:  # post offices open on Saturdays
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _at(rng: random.Random, day: dt.date) -> dt.datetime:
    minutes = rng.randint(7 * 60 + 30, 16 * 60 + 30)
    return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=VIETNAM)


def _bank_account(accountant: Any) -> BankAccount:
    found = BankAccount.objects.filter(province_code=PROVINCE, active=True).first()
    if found is not None:
        return found
    if accountant is not None:
        return services.bank_account_set(actor=accountant, province_code=PROVINCE, **BANK)
    ledger.account_for_bank(PROVINCE, BANK["ledger_slug"])
    return BankAccount.objects.create(province_code=PROVINCE, **BANK)


def _start(rng: random.Random, point: ServicePoint, days: list[dt.date]) -> dt.date:
    """The day a point starts: the larger offices early in the year, the others spread over
    it as the plan rolled out."""
    if point.kind in (PointKind.BC1, PointKind.BC2):
        share = rng.uniform(0.0, 0.1)
    elif point.kind == PointKind.BC3:
        share = rng.uniform(0.05, 0.5)
    else:
        share = rng.uniform(0.1, 0.85)
    return days[min(len(days) - 1, int(share * len(days)))]


def _arrival(at: dt.datetime, today: dt.date) -> dt.date:
    """The day a transfer made at ``at`` reaches the bank: the same day before 15:00, else
    the next; what arrives today is on tomorrow's statement, so yesterday at the latest."""
    day = at.date() if at.hour < 15 else at.date() + dt.timedelta(days=1)
    return min(day, today - dt.timedelta(days=1))


def _poisson(rng: random.Random, rate: float) -> int:
    count, total = 0, rng.expovariate(1.0) if rate > 0 else 2.0
    while total < rate:
        count += 1
        total += rng.expovariate(1.0)
    return count


def _plan(
    rng: random.Random,
    counters: list[tuple[ServicePoint, list[Any]]],
    days: list[dt.date],
    target: int,
    drawers: dict[int, DrawerDays],
    starts: dict[int, dt.date],
    today: dt.date,
) -> list[_Payment]:
    expected = sum(
        RATES.get(point.kind, 0.1) * sum(1 for d in days if d >= starts[point.pk])
        for point, _c in counters
    )
    factor = target / expected if expected else 0.0
    payments: list[_Payment] = []
    for point, clerks in counters:
        rate = RATES.get(point.kind, 0.1) * factor
        for day in days:
            if day < starts[point.pk]:
                continue
            count = _poisson(rng, rate) if day > starts[point.pk] else max(1, _poisson(rng, rate))
            for _i in range(count):
                purpose, low, high = rng.choice(PURPOSES)
                at = _at(rng, day)
                # Confirmed on the day the money arrives: the drawer gives it back then.
                arrived = _arrival(at, today)
                amount = min(
                    rng.randint(low // 1000, high // 1000) * 1000,
                    drawers[point.pk].spendable(arrived),
                )
                amount -= amount % 1000
                if amount < MIN_AMOUNT:
                    continue
                drawers[point.pk].take(arrived, amount)
                payments.append(_Payment(point, rng.choice(clerks), at, amount, purpose))
    payments.sort(key=lambda p: (p.at, p.point.code))
    return payments


def _today(
    rng: random.Random,
    points: list[ServicePoint],
    clerks: dict[int, list[Any]],
    drawers: dict[int, DrawerDays],
    now: dt.datetime,
) -> list[_Payment]:
    """A few codes made this morning at the busiest counters, not on a statement yet."""
    made: list[_Payment] = []
    today = now.date()
    cash = {p.pk: drawers[p.pk].spendable(today) for p in points}
    busiest = sorted(points, key=lambda p: (-cash[p.pk], p.code))[:PENDING_TODAY]
    for minutes, point in enumerate(busiest, start=1):
        purpose, low, high = rng.choice(PURPOSES)
        amount = min(rng.randint(low // 1000, high // 1000) * 1000, cash[point.pk])
        if amount < MIN_AMOUNT:
            continue
        drawers[point.pk].take(today, amount)
        at = now - dt.timedelta(minutes=7 * minutes)
        made.append(_Payment(point, clerks[point.pk][0], at, amount, purpose))
    return made


def _statement(
    rng: random.Random, month: list[tuple[PaymentRequest, dt.date]], serial: list[int]
) -> io.BytesIO:
    """The month's statement as VietinBank's eFAST exports it (title lines naming the account,
    its bilingual headers, debit and credit columns): the month's transfers with their codes,
    a few without one (for matching by hand), and at the month's last day the bank's own lines,
    which the import keeps as not related: the account's fee, its VAT and the interest."""
    rows: list[list[Any]] = []

    def line(day: dt.date, description: str, debit: int | None, credit: int | None) -> None:
        serial[0] += 1
        rows.append(
            [len(rows) + 1, day, description, debit, credit, f"FT{day:%y%m%d}{serial[0]:06d}"]
        )

    for request, day in month:
        line(
            day,
            f"MBVCB.{rng.randint(1000000, 9999999)}.{request.code} {request.purpose}".upper(),
            None,
            request.amount,
        )
    if month:
        last = max(day for _r, day in month)
        for _i in range(UNMATCHED_PER_MONTH):
            description = rng.choice(["CHUYEN TIEN CUOC BUU GUI", "THANH TOAN TAI QUAY BUU DIEN"])
            line(last, description, None, rng.choice([50_000, 120_000, 200_000]))
        line(last, f"THU PHI QUAN LY TAI KHOAN T{last:%m/%Y}", ACCOUNT_FEE, None)
        line(last, f"VAT PHI QUAN LY TAI KHOAN T{last:%m/%Y}", ACCOUNT_FEE // 10, None)
        line(last, f"TRA LAI TIEN GUI KHONG KY HAN T{last:%m/%Y}", None, rng.randint(800, 4_000))
    out = io.StringIO()
    out.write("NGÂN HÀNG TMCP CÔNG THƯƠNG VIỆT NAM - VIETINBANK\n")
    out.write("LỊCH SỬ GIAO DỊCH - TRANSACTION HISTORY\n")
    out.write(f"Số tài khoản / Account No: {BANK['account_number']}\n")
    out.write(f"Tên tài khoản / Account name: {BANK['account_name']}\n\n")
    header = [
        "STT / No",
        "Ngày phát sinh / Transaction date",
        "Mô tả giao dịch / Transaction description",
        "Nợ / Debit",
        "Có / Credit",
        "Số giao dịch / Transaction number",
    ]
    write_csv(header, rows, out)
    data = io.BytesIO(out.getvalue().encode())
    data.name = f"sao-ke-{month[0][1]:%Y-%m}.csv" if month else "sao-ke.csv"
    return data


def build(
    *,
    seed: int,
    report: Callable[[str], None],
    payments: int | None = None,
    now: dt.datetime | None = None,
) -> str:
    """Build the year of payments and say what was made, in one line."""
    started = time.perf_counter()
    target = _target() if payments is None else payments
    if target <= 0:
        return ""
    if PaymentRequest.objects.filter(
        province_code=PROVINCE, idempotency_key__startswith=KEY_PREFIX
    ).exists():
        return ""
    users = list(User.objects.filter(is_active=True, unit__province_code=PROVINCE))
    accountant = next(
        (u for u in users if u.role == Role.ACCOUNTANT and u.username == "ketoan"),
        next((u for u in users if u.role == Role.ACCOUNTANT), None),
    )
    clerks: dict[int, list[Any]] = defaultdict(list)
    for user in sorted(users, key=lambda u: u.username):
        if user.role == Role.CLERK and user.point_id is not None:
            clerks[user.point_id].append(user)
    now = (now or local_now()).astimezone(VIETNAM)
    today = now.date()
    points = [
        p
        for p in ServicePoint.objects.filter(province_code=PROVINCE, cashless=True)
        .in_force_on(today)
        .with_counter()
        .order_by("code")
        if clerks.get(p.pk)
    ]
    if not points or accountant is None:
        return ""
    report(_("Cashless payments: a year of VietQR"))
    rng = random.Random(seed)
    account = _bank_account(accountant)
    drawers = {point.pk: drawer_days(point=point) for point in points}
    days = _business_days(year_before(today), today - dt.timedelta(days=1))
    starts = {point.pk: _start(rng, point, days) for point in points}
    plan = _plan(rng, [(p, clerks[p.pk]) for p in points], days, target, drawers, starts, today)
    plan += _today(rng, points, clerks, drawers, now)

    by_month: dict[tuple[int, int], list[tuple[PaymentRequest, dt.date]]] = defaultdict(list)
    pending: list[PaymentRequest] = []
    for index, payment in enumerate(plan):
        request = services.payment_request_create(
            actor=payment.clerk,
            point=payment.point,
            kind=COUNTER_PAYMENT,
            reference=f"Quầy {payment.point.code} {payment.at:%d/%m/%Y}",
            amount=payment.amount,
            purpose=payment.purpose,
            idempotency_key=f"{KEY_PREFIX}{index}",
            now=payment.at,
        )
        day = payment.at.date()
        if day >= today:
            pending.append(request)  # not on a statement yet
            continue
        arrived = _arrival(payment.at, today)
        by_month[(arrived.year, arrived.month)].append((request, arrived))

    serial = [0]
    for key in sorted(by_month):
        statement_import(_statement(rng, by_month[key], serial), actor=accountant)
    # Points whose drawers held nothing to pay by transfer for: their QR stand is up all the
    # same, from the day the plan reached them.
    admin = next((u for u in users if u.role == Role.ADMIN), None)
    paid = set(
        CashlessPoint.objects.filter(province_code=PROVINCE).values_list("point_id", flat=True)
    )
    if admin is not None:
        for point in points:
            if point.pk not in paid:
                services.cashless_point_enable(actor=admin, point=point, since=starts[point.pk])
    if len(pending) > 1:
        services.payment_request_cancel(
            actor=pending[-1].created_by, request=pending[-1], note="Khách trả tiền mặt"
        )
    confirmed = PaymentRequest.objects.filter(
        province_code=PROVINCE, idempotency_key__startswith=KEY_PREFIX, status="confirmed"
    )
    return _(
        "Cashless: %(n)d QR payments at %(paying)d points confirmed by %(months)d bank "
        "statements into %(bank)s; %(points)d cashless points; %(pending)d pending today "
        "(%(s).1f s)."
    ) % {
        "n": confirmed.count(),
        "paying": confirmed.values("point_id").distinct().count(),
        "points": CashlessPoint.objects.filter(province_code=PROVINCE).count(),
        "months": len(by_month),
        "bank": account,
        "pending": len(pending) - (1 if len(pending) > 1 else 0),
        "s": time.perf_counter() - started,
    }
