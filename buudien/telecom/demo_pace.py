"""Telecom at a real province's pace: a step of ``buudien demo`` (``telecom.pace``, after the
ledger's pace and before the plans).

The sample year (``telecom.demo``) sells some hundreds of top-ups and codes one at a time,
a million đồng of commission; a provincial post of a mountain province of some 800.000
people sells tens of tỷ đồng of airtime a year. This step sells the rest of the year with
telecom's own records, so that the sales, the rollup, the report's telecom section and the
ledger all have that magnitude:

- at the counters (``RETAIL`` a year at pace 1), customers' top-ups and e-PIN codes, drawn
  as the sample draws them (``telecom.demo``: the operators' shares, the face values, the
  codes bought at once); at the offices (``WHOLESALE``), the shops of the district buying
  e-PIN codes to resell, ten to twenty at a time (the post distributes the operators'
  cards: most of the face value it sells); each kind shared among the points that sell
  telecom and have a clerk by the weight of their kind, with the months' seasons
  (``finance.demo.offers``), at the operators' own commissions;
- the codes come from the operators: on the first business day of each month, one file per
  operator with what the month sells and some more (``services.pins_receive``);
- each business day's sales go through ``services.topups_sell_many`` and
  ``pins_sell_many``: the sales ``topup_sell`` and ``pins_sell`` would make, written in a few
  statements;
- the takings are deposited at the bank as the points do (``finance.demo.Takings``), and each
  month's face value less the commission is paid to the operators on the 10th of the next
  month (``Owed``).

``BUUDIEN_DEMO_PACE`` scales it (0 skips it). Seeded and repeatable; a second build changes
nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable

from django.db.models import Sum
from django.utils.translation import gettext as _

from buudien.agency import accounts as agency_accounts
from buudien.core.bizdays import VIETNAM
from buudien.core.catalogue import Service
from buudien.core.money import format_number, format_vnd
from buudien.finance import demo as pace
from buudien.finance import ledger
from buudien.finance.demo import Owed, setting
from buudien.finance.models import Account
from buudien.goods.demo import Outlet, _outlets
from buudien.goods.services import commission_of
from buudien.network.models import ServicePoint
from buudien.people.models import User
from buudien.telecom import services
from buudien.telecom.demo import CARDS, OPERATORS, PROVINCE, TOPUPS, _phone, _pick
from buudien.telecom.models import Operator, TelecomRollup, Topup

# Sales a year at pace 1: a customer's top-up or codes at the counter, a shop's codes.
RETAIL = {"topup": 30_000, "pin": 6_000}
WHOLESALE = 8_000  # at the offices (levels I to III)
QUANTITIES = [(1, 12), (2, 4), (3, 2), (5, 1)]  # codes a customer buys, as the sample
SHOP_CARDS = [(50_000, 2), (100_000, 4), (200_000, 3), (500_000, 1)]  # what shops resell
SHOP_QUANTITIES = [(10, 3), (15, 2), (20, 3)]
KEY = "pace"  # the sales' keys: pace-<yyyymmdd>-<n>
SPARE = 0.02  # codes received beyond what a month sells


def build(*, seed: int, report: Callable[[str], None]) -> str:
    found = setting()
    operators = {op.code: op for op in services.operators_active(PROVINCE)}
    if found is None or not operators:
        return ""
    scale, days, accountant, bank = found.scale, found.days, found.accountant, found.bank
    if Topup.objects.filter(province_code=PROVINCE, idempotency_key__contains=f":{KEY}-").exists():
        return _("Telecom at a province's pace: already built.")
    outlets = {o.point.pk: o for o in _outlets(found.province, days[0], days[-1], Service.TELECOM)}
    offers = [
        offer
        for offer in pace.offers(
            {**{kind: n * scale for kind, n in RETAIL.items()}, "shop": WHOLESALE * scale},
            services=dict.fromkeys([*RETAIL, "shop"], Service.TELECOM),
        )
        if offer.point.pk in outlets
        and (offer.service != "shop" or offer.point.kind in pace.OFFICES)
    ]
    if not offers:
        return ""
    report(_("Telecom at a real province's pace"))
    started = time.perf_counter()
    with agency_accounts.cached():
        year = _Year(random.Random(seed * 67 + 3), operators, outlets, bank, accountant)
        year.run(days, offers)
    made = TelecomRollup.objects.filter(province_code=PROVINCE).aggregate(
        amount=Sum("amount"), commission=Sum("commission")
    )
    return _(
        "Telecom at a province's pace: %(topups)s more top-ups and %(pins)s sales of "
        "%(codes)s codes (%(batches)s files of codes received); the year's face value "
        "%(amount)s, commission %(commission)s; %(deposits)s deposits of the takings, "
        "%(payments)s payments to the operators (%(s).1f s)."
    ) % {
        "topups": format_number(year.made["topup"]),
        "pins": format_number(year.made["pin"]),
        "codes": format_number(year.made["code"]),
        "batches": format_number(year.made["batch"]),
        "amount": format_vnd(made["amount"] or 0),
        "commission": format_vnd(made["commission"] or 0),
        "deposits": format_number(year.takings.deposits),
        "payments": format_number(year.owed.payments),
        "s": time.perf_counter() - started,
    }


class _Year:
    def __init__(
        self,
        rng: random.Random,
        operators: dict[str, Operator],
        outlets: dict[int, Outlet],
        bank: Account,
        accountant: User,
    ) -> None:
        self.rng, self.operators, self.outlets = rng, operators, outlets
        self.accountant = accountant
        self.shares = [(code, share) for code, *_rest, share in OPERATORS if code in operators]
        self.takings = pace.Takings(bank, name="telecom-deposit")
        self.owed = Owed(bank, name="telecom:pace:pay")
        self.payables = {
            code: agency_accounts.partner_payable(PROVINCE, op.partner)
            for code, op in operators.items()
        }
        self.made: Counter[str] = Counter()
        self.planned: dict[dt.date, tuple[list[services.TopupRow], list[services.PinRow]]] = {}

    def run(self, days: list[dt.date], offers: list[pace.Offer]) -> None:
        """The sales of ``days``, month by month; each evening, the takings deposited and
        what the operators are due paid."""
        months: dict[tuple[int, int], list[dt.date]] = defaultdict(list)
        for day in days:
            months[(day.year, day.month)].append(day)
        for day, week_ends, last in pace.day_ends(days):
            if day == months[(day.year, day.month)][0]:
                self.plan_month(months[(day.year, day.month)], offers)
            self.sell(day)
            postings = [
                *self.owed.paid(day),
                *self.takings.deposited(day, week_ends=week_ends, last=last),
            ]
            if postings:
                ledger.entries_post(
                    actor=self.accountant, province_code=PROVINCE, postings=postings, answer=False
                )

    def sell(self, day: dt.date) -> None:
        """``day``'s sales, and what they leave in the drawers and owe the operators."""
        topups, pins = self.planned.pop(day, ([], []))
        if topups:
            services.topups_sell_many(province_code=PROVINCE, day=day, rows=topups)
        if pins:
            services.pins_sell_many(province_code=PROVINCE, day=day, rows=pins)
        for row in topups:
            self._took(day, row.point, row.operator, row.amount, "topup")
        for pin in pins:
            self._took(day, pin.point, pin.operator, pin.face_value * pin.quantity, "pin")
            self.made["code"] += pin.quantity

    def _took(self, day: dt.date, point: ServicePoint, code: str, amount: int, kind: str) -> None:
        operator = self.operators[code]
        bp = operator.topup_commission_bp if kind == "topup" else operator.pin_commission_bp
        self.takings.take(point, amount)
        self.owed.add(day, self.payables[code], amount - commission_of(amount, bp))
        self.made[kind] += 1

    def plan_month(self, days: list[dt.date], offers: list[pace.Offer]) -> None:
        """The sales of a month's ``days``, drawn day by day; the codes they need received
        from the operators on the first of them, in the morning."""
        rng = self.rng
        need: Counter[tuple[str, int]] = Counter()
        for day in days:
            topups: list[services.TopupRow] = []
            pins: list[services.PinRow] = []
            for offer in offers:
                clerk = self.outlets[offer.point.pk].clerk
                for _n in range(offer.count_on(day, rng)):
                    code = _pick(rng, self.shares)
                    at = dt.datetime.combine(day, dt.time(7, 30), tzinfo=VIETNAM) + dt.timedelta(
                        minutes=rng.randint(0, 9 * 60)
                    )
                    key = f"{KEY}-{day:%Y%m%d}-{len(topups) + len(pins)}"
                    if offer.service == "topup":
                        topups.append(
                            services.TopupRow(
                                clerk,
                                offer.point,
                                key,
                                _phone(rng, self.operators[code]),
                                _pick(rng, TOPUPS),
                                code,
                                at,
                            )
                        )
                    else:
                        shop = offer.service == "shop"
                        value = _pick(rng, SHOP_CARDS if shop else CARDS)
                        quantity = _pick(rng, SHOP_QUANTITIES if shop else QUANTITIES)
                        pins.append(
                            services.PinRow(clerk, offer.point, key, code, value, quantity, at)
                        )
                        need[(code, value)] += quantity
            self.planned[day] = (topups, pins)
        self._receive(days[0], need)

    def _receive(self, day: dt.date, need: Counter[tuple[str, int]]) -> None:
        """One file per operator with the month's codes and a few more."""
        at = dt.datetime.combine(day, dt.time(7, 0), tzinfo=VIETNAM)
        rng = self.rng
        for code, operator in sorted(self.operators.items()):
            wanted = sorted((value, n) for (of, value), n in need.items() if of == code and n)
            if not wanted:
                continue
            codes = []
            for value, count in wanted:
                for n in range(count + 1 + int(count * SPARE)):
                    serial = f"{code[:2].upper()}P{day:%y%m}{value // 1000:03d}{n:06d}"
                    codes.append((serial, f"{rng.randrange(10**14, 10**15)}", value))
            services.pins_receive(
                actor=self.accountant,
                operator=operator,
                codes=codes,
                file_name=f"{code}-{day:%Y%m}-pace.csv",
                at=at,
            )
            self.made["batch"] += 1
