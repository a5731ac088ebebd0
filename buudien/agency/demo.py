"""The demo's year of agency services at the counters of the demo province: savings books
opened and their deposits and withdrawals, loan repayments collected and applications
referred, payment accounts opened, remittances sent and paid. A step of ``buudien demo``
(``agency.year``, registered in ``AgencyConfig.ready``).

Everything goes through the services a clerk uses, at the points that offer the service
(the points of the ``gdv.*`` demo accounts are busier), by a clerk of the point, at business
hours of the business days of the last twelve months. The province's rates are configured
first. Seeded and repeatable: the idempotency keys are derived from the seed, so a second
build records nothing twice. A withdrawal or a payout the drawer cannot pay is skipped, as a
clerk would send the customer to another day.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from buudien.agency import accounts, services
from buudien.agency.choices import (
    OpeningChannel,
    Partner,
    RateService,
    RemittanceStatus,
    SavingsTerm,
)
from buudien.agency.models import AgencyRate, Remittance, SavingsBook, SavingsTransaction
from buudien.core.bizdays import VIETNAM, business_days_in, local_now, year_before
from buudien.core.catalogue import Service
from buudien.core.errors import DomainError
from buudien.core.money import format_number, format_vnd
from buudien.finance import ledger
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
RATES_FROM = dt.date(2023, 1, 1)
DEMO_CLERK = "gdv."
# Operations per business day at one counter, by kind of point.
WEIGHT: dict[str, float] = {
    PointKind.BC1: 6.0,
    PointKind.BC2: 1.6,
    PointKind.BC3: 0.5,
    PointKind.BDVHX: 0.35,
}
DEMO_POINT_WEIGHT = 1.0
# Per business day in the whole province, before the weights share them out.
PER_DAY = {
    "deposit": 1.4,
    "withdrawal": 0.5,
    "repayment": 0.7,
    "referral": 0.15,
    "account": 1.0,
    "remittance": 0.7,
}
SCALE_ENV = "BUUDIEN_DEMO_AGENCY_SCALE"  # a factor on PER_DAY (default 1)
TERMS = [(SavingsTerm.DEMAND, 8), (SavingsTerm.M3, 10), (SavingsTerm.M6, 22),
         (SavingsTerm.M12, 40), (SavingsTerm.M24, 12), (SavingsTerm.M36, 8)]  # fmt: skip
DEPOSITS = [(5_000_000, 14), (10_000_000, 22), (20_000_000, 20), (50_000_000, 22),
            (100_000_000, 14), (200_000_000, 6), (500_000_000, 2)]  # fmt: skip
ACCOUNT_PARTNERS = [(Partner.LPBANK, 50), (Partner.POSTPAY, 35), (Partner.VIETINBANK, 15)]
REMITTANCES = [(500_000, 15), (1_000_000, 25), (2_000_000, 25), (3_000_000, 15),
               (5_000_000, 12), (10_000_000, 6), (20_000_000, 2)]  # fmt: skip


@dataclass
class _Counter:
    point: ServicePoint
    clerk: Any
    services: set[str]
    weight: float


@dataclass
class _Tally:
    made: Counter[str] = field(default_factory=Counter)
    skipped: int = 0


def _weighted[T](rng: random.Random, table: list[tuple[T, int]]) -> T:
    values, weights = zip(*table, strict=True)
    choice: T = rng.choices(values, weights)[0]
    return choice


def _rates() -> None:
    def rate(service: str, partner: str = "", **values: int) -> None:
        AgencyRate.objects.update_or_create(
            province_code=PROVINCE,
            service=service,
            partner=partner,
            valid_from=RATES_FROM,
            defaults=values,
        )

    rate(RateService.SAVINGS, rate_bp=15)
    rate(RateService.CREDIT, rate_bp=20, minimum=2_000)
    rate(RateService.PAYMENT_ACCOUNT, Partner.LPBANK, fixed=30_000)
    rate(RateService.PAYMENT_ACCOUNT, Partner.POSTPAY, fixed=20_000)
    rate(RateService.PAYMENT_ACCOUNT, fixed=25_000)
    rate(RateService.REMITTANCE, rate_bp=80, minimum=15_000, maximum=1_000_000, vat_rate_bp=1_000)


def _accounts(counters: list[_Counter]) -> None:
    """Every account the year posts to, made before it: inside the run they are cached, so
    none may be made (and rolled back with a refused operation) there."""
    ledger.chart_ensure(province_code=PROVINCE)
    for counter in counters:
        ledger.account_for_drawer(counter.point)
    for partner in Partner.values:
        ledger.account_for_partner(PROVINCE, partner)
        accounts.account_partner_receivable(PROVINCE, partner)
    accounts.account_remittance_payable(PROVINCE)


def _counters(province: Unit, today: dt.date) -> list[_Counter]:
    points = list(
        ServicePoint.objects.filter(unit_path__startswith=province.path, kind__in=list(WEIGHT))
        .in_force_on(today)
        .order_by("code")
    )
    clerks: dict[int, Any] = {}
    demo_points: set[int] = set()
    for user in User.objects.filter(role=Role.CLERK, point__in=points, is_active=True).order_by(
        "username"
    ):
        assert user.point_id is not None
        if user.username.startswith(DEMO_CLERK):
            demo_points.add(user.point_id)
            clerks[user.point_id] = user
        clerks.setdefault(user.point_id, user)
    wanted = {Service.SAVINGS, Service.CREDIT, Service.PAYMENT_ACCOUNT, Service.REMITTANCE}
    offered: dict[int, set[str]] = {}
    for point_id, service in PointService.objects.filter(
        point__in=points, service__in=wanted
    ).values_list("point_id", "service"):
        offered.setdefault(point_id, set()).add(service)
    counters = []
    for point in points:
        if point.pk not in clerks or not offered.get(point.pk):
            continue
        weight = WEIGHT[point.kind]
        if point.pk in demo_points:
            weight = max(weight, DEMO_POINT_WEIGHT)
        counters.append(_Counter(point, clerks[point.pk], offered[point.pk], weight))
    return counters


class _People:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def name(self) -> str:
        rng = self.rng
        female = rng.random() < 0.55
        family = _weighted(rng, FAMILY_NAMES)
        middle = rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE)
        given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
        return f"{family} {middle} {given}"

    def citizen_id(self) -> str:
        rng = self.rng
        # 020: Lạng Sơn; then the century and sex digit, the year of birth, a serial.
        return f"020{rng.choice('0123')}{rng.randint(40, 99):02d}{rng.randint(0, 999_999):06d}"

    def phone(self) -> str:
        return f"0{self.rng.choice('389')}{self.rng.randint(10_000_000, 99_999_999)}"


def _moment(rng: random.Random, day: dt.date, now: dt.datetime) -> dt.datetime:
    minutes = rng.randint(7 * 60 + 30, 16 * 60 + 30)
    at = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=VIETNAM)
    return min(at, now - dt.timedelta(minutes=1))


def _pick(rng: random.Random, counters: list[_Counter], service: str) -> _Counter | None:
    offering = [c for c in counters if service in c.services]
    if not offering:
        return None
    return rng.choices(offering, [c.weight for c in offering])[0]


def _count(rng: random.Random, rate: float) -> int:
    whole = int(rate)
    return whole + (1 if rng.random() < rate - whole else 0)


class _Year:
    def __init__(self, rng: random.Random, counters: list[_Counter], now: dt.datetime) -> None:
        self.rng = rng
        self.counters = counters
        self.now = now
        self.people = _People(rng)
        self.tally = _Tally()
        self.books: dict[int, list[SavingsBook]] = {}
        self.pending: list[tuple[dt.date, Remittance]] = []
        self.serial = 0
        self.clerks = {c.point.pk: c.clerk for c in counters}
        raw = os.environ.get(SCALE_ENV, "").strip()
        self.scale = float(raw) if raw.replace(".", "", 1).isdigit() else 1.0

    def key(self) -> str:
        self.serial += 1
        return f"demo-{self.serial}"

    def attempt(self, kind: str, work: Callable[[], Any]) -> Any:
        try:
            result = work()
        except DomainError:
            self.tally.skipped += 1
            return None
        self.tally.made[kind] += 1
        return result

    def day(self, day: dt.date) -> None:
        rng = self.rng
        for kind, rate in PER_DAY.items():
            for _n in range(_count(rng, rate * self.scale)):
                getattr(self, kind)(day, _moment(rng, day, self.now))
        self.payouts(day)

    def deposit(self, day: dt.date, at: dt.datetime) -> None:
        counter = _pick(self.rng, self.counters, Service.SAVINGS)
        if counter is None:
            return
        books = self.books.setdefault(counter.point.pk, [])
        existing = bool(books) and self.rng.random() < 0.6
        amount = _weighted(self.rng, DEPOSITS) + self.rng.randint(0, 20) * 500_000
        data: dict[str, Any]
        if existing:
            book = self.rng.choice(books)
            data = {
                "book_number": book.number,
                "customer_name": book.holder_name,
                "citizen_id": book.citizen_id,
                "term_months": None,
            }
        else:
            data = {
                "book_number": f"LP{counter.point.code}{len(books) + 1:05d}",
                "customer_name": self.people.name(),
                "citizen_id": self.people.citizen_id(),
                "term_months": _weighted(self.rng, TERMS),
            }
        tx = self.attempt(
            "deposit",
            lambda: services.savings_deposit(
                actor=counter.clerk,
                point=counter.point,
                idempotency_key=self.key(),
                amount=amount,
                at=at,
                **data,
            ),
        )
        if tx is not None and not existing:
            books.append(tx.book)

    def withdrawal(self, day: dt.date, at: dt.datetime) -> None:
        candidates = [c for c in self.counters if self.books.get(c.point.pk)]
        if not candidates:
            return
        counter = self.rng.choices(candidates, [c.weight for c in candidates])[0]
        book = self.rng.choice(self.books[counter.point.pk])
        book.refresh_from_db(fields=["balance"])
        if book.balance <= 0:
            return
        share = self.rng.choice([0.1, 0.2, 0.3, 0.5, 1.0])
        amount = max(100_000, int(book.balance * share) // 100_000 * 100_000)
        amount = min(amount, book.balance)
        if amount > drawer_spendable(point=counter.point, day=day):
            self.tally.skipped += 1  # the customer is asked to come back: no cash today
            return
        self.attempt(
            "withdrawal",
            lambda: services.savings_withdraw(
                actor=counter.clerk,
                point=counter.point,
                idempotency_key=self.key(),
                book_number=book.number,
                citizen_id=book.citizen_id,
                amount=amount,
                at=at,
            ),
        )

    def repayment(self, day: dt.date, at: dt.datetime) -> None:
        counter = _pick(self.rng, self.counters, Service.CREDIT)
        if counter is None:
            return
        rng = self.rng
        self.attempt(
            "repayment",
            lambda: services.loan_repayment_collect(
                actor=counter.clerk,
                point=counter.point,
                idempotency_key=self.key(),
                contract_number=f"LPB-{day.year - rng.randint(0, 2)}/{rng.randint(1, 9999):05d}",
                borrower_name=self.people.name(),
                citizen_id=self.people.citizen_id(),
                amount=rng.randint(10, 300) * 50_000,
                at=at,
            ),
        )

    def referral(self, day: dt.date, at: dt.datetime) -> None:
        counter = _pick(self.rng, self.counters, Service.CREDIT)
        if counter is None:
            return
        rng = self.rng
        self.attempt(
            "referral",
            lambda: services.loan_referral_record(
                actor=counter.clerk,
                point=counter.point,
                idempotency_key=self.key(),
                applicant_name=self.people.name(),
                citizen_id=self.people.citizen_id(),
                phone=self.people.phone(),
                amount_requested=rng.randint(2, 60) * 10_000_000,
                purpose=rng.choice(
                    ["Mua xe máy", "Sửa nhà", "Chăn nuôi", "Mua máy cày", "Kinh doanh nhỏ"]
                ),
                at=at,
            ),
        )

    def account(self, day: dt.date, at: dt.datetime) -> None:
        counter = _pick(self.rng, self.counters, Service.PAYMENT_ACCOUNT)
        if counter is None:
            return
        partner = _weighted(self.rng, ACCOUNT_PARTNERS)
        phone = self.people.phone()
        number = phone if partner == Partner.POSTPAY else f"{self.rng.randint(10**9, 10**10 - 1)}"
        self.attempt(
            "account",
            lambda: services.payment_account_open(
                actor=counter.clerk,
                point=counter.point,
                idempotency_key=self.key(),
                customer_name=self.people.name(),
                citizen_id=self.people.citizen_id(),
                phone=phone,
                partner=partner,
                account_number=number,
                channel=OpeningChannel.ONLINE
                if self.rng.random() < 0.4
                else OpeningChannel.COUNTER,
                at=at,
            ),
        )

    def remittance(self, day: dt.date, at: dt.datetime) -> None:
        rng = self.rng
        counter = _pick(rng, self.counters, Service.REMITTANCE)
        if counter is None:
            return
        destinations = [
            c for c in self.counters if Service.REMITTANCE in c.services and c is not counter
        ]
        to_account = rng.random() < 0.15 or not destinations
        destination = None if to_account else rng.choice(destinations).point
        rem = self.attempt(
            "remittance",
            lambda: services.remittance_send(
                actor=counter.clerk,
                point=counter.point,
                idempotency_key=self.key(),
                sender_name=self.people.name(),
                sender_citizen_id=self.people.citizen_id(),
                sender_phone=self.people.phone(),
                recipient_name=self.people.name(),
                recipient_citizen_id="" if to_account else self.people.citizen_id(),
                recipient_phone=self.people.phone(),
                destination_point=destination,
                recipient_bank=Partner.VIETINBANK if to_account else "",
                recipient_account=f"{rng.randint(10**9, 10**10 - 1)}" if to_account else "",
                amount=_weighted(rng, REMITTANCES),
                at=at,
            ),
        )
        if rem is not None and rem.status == RemittanceStatus.SENT:
            self.pending.append((day + dt.timedelta(days=rng.randint(0, 4)), rem))

    def payouts(self, day: dt.date) -> None:
        due = [(d, r) for d, r in self.pending if d <= day]
        self.pending = [(d, r) for d, r in self.pending if d > day]
        for _due, rem in due:
            if self.rng.random() < 0.05:  # never collected yet
                continue
            point = rem.destination_point
            assert point is not None
            clerk = self.clerks.get(point.pk)
            if clerk is None:
                continue
            at = max(_moment(self.rng, day, self.now), rem.created_at)
            if rem.amount > drawer_spendable(point=point, day=at.astimezone(VIETNAM).date()):
                self.pending.append((day + dt.timedelta(days=1), rem))  # cash comes tomorrow
                continue
            self.attempt("payout", _payout(rem, point, clerk, at))


def _payout(rem: Remittance, point: ServicePoint, clerk: Any, at: dt.datetime) -> Callable[[], Any]:
    def pay() -> Remittance:
        return services.remittance_pay(
            actor=clerk,
            point=point,
            idempotency_key=f"{rem.idempotency_key.rsplit(':', 1)[-1]}:pay",
            number=rem.reference,
            secret_code=rem.secret_code,
            recipient_citizen_id=rem.recipient_citizen_id,
            at=at,
        )

    return pay


def build(*, seed: int, report: Callable[[str], None], now: dt.datetime | None = None) -> str:
    """Configure the province's rates and take a year of operations; one line of summary."""
    province = Unit.objects.filter(code=PROVINCE_UNIT_CODE).first()
    if province is None:
        return ""
    report(_("Savings, credit, payment accounts and remittances: a year"))
    if SavingsTransaction.objects.filter(
        province_code=PROVINCE, idempotency_key__contains=":demo-"
    ).exists():
        return _("Agency services: the demo year is already there.")
    started = time.perf_counter()
    now = (now or local_now()).astimezone(VIETNAM)
    today = now.date()
    _rates()
    counters = _counters(province, today)
    if not counters:
        return ""
    _accounts(counters)
    year = _Year(random.Random(seed), counters, now)
    days = business_days_in(year_before(today), today)
    with accounts.cached():
        for day in days:  # each operation commits on its own, as at a real counter
            year.day(day)
    made = year.tally.made
    mobilised = sum(b.balance for b in SavingsBook.objects.filter(province_code=PROVINCE))
    return _(
        "Agency services: %(deposits)s deposits and %(withdrawals)s withdrawals "
        "(%(mobilised)s mobilised), %(repayments)s loan repayments, %(referrals)s referrals, "
        "%(accounts)s payment accounts, %(sent)s remittances sent and %(paid)s paid "
        "in %(seconds).1f s."
    ) % {
        "deposits": format_number(made["deposit"]),
        "withdrawals": format_number(made["withdrawal"]),
        "mobilised": format_vnd(mobilised),
        "repayments": format_number(made["repayment"]),
        "referrals": format_number(made["referral"]),
        "accounts": format_number(made["account"]),
        "sent": format_number(made["remittance"]),
        "paid": format_number(made["payout"]),
        "seconds": time.perf_counter() - started,
    }
