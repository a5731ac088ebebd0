"""The press at a real province's pace: a step of ``buudien demo`` (``press.pace``, after the
sample year, its issues and the ledger's pace, before the plans).

The sample year (``press.demo``) takes some hundreds of subscriptions one at a time, a few
tens of millions of đồng of the post's margin. A provincial post distributes some tỷ đồng
of press a year; this step takes the rest of the year's subscriptions, so that the post's
margin (the revenue of ``press``) comes to ``MARGIN`` a year at ``BUUDIEN_DEMO_PACE`` 1:

- the subscriptions, as the sample's (who subscribes, for which period, which title, how
  many copies, from the first day of the next month), at every point that sells the press
  and has a clerk, shared by the weight of its kind (``finance.demo.offers``) with the
  months' seasons, one business day at a time through the services' bulk path
  (``services.subscriptions_take_many``);
- each day's takings go from the drawers to the bank (``finance.demo.Takings``), and early
  each month every publisher is paid its share of the month before
  (``settlements.publisher_settle``).

The issues and their deliveries stay the sample's weeks (``press.issues``): a year of
deliveries to these subscribers would be millions of rows, so the copies due, delivered and
on time of the report are the sample's. Seeded and repeatable.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _

from buudien.core.bizdays import VIETNAM, months_later
from buudien.core.catalogue import Service
from buudien.core.errors import DomainError
from buudien.core.money import format_number, format_vnd
from buudien.finance import demo as pace
from buudien.finance import ledger
from buudien.goods.demo import _outlets
from buudien.mail.demo_year import People
from buudien.network.management.commands.demo import PROVINCE_UNIT_CODE
from buudien.network.models import Unit
from buudien.people.choices import Role
from buudien.people.models import User
from buudien.press import services, settlements
from buudien.press.choices import SubscriberKind
from buudien.press.demo import BANK, PROVINCE, SUBSCRIBERS, subscriber_name
from buudien.press.models import Publisher, Subscription, Title

MARGIN = 3_000_000_000  # the post's margin on the press in a year
COPIES = (1, 1, 2, 3)  # what an agency, a school or a commune takes


def build(*, seed: int, report: Callable[[str], None]) -> str:
    scale = pace.pace_factor()
    days = pace.pace_days()
    province = Unit.objects.filter(code=PROVINCE_UNIT_CODE).first()
    accountant = (
        User.objects.filter(role=Role.ACCOUNTANT, unit__province_code=PROVINCE)
        .order_by("pk")
        .first()
    )
    titles = list(Title.objects.filter(province_code=PROVINCE, is_active=True).order_by("code"))
    if not scale or not days or province is None or accountant is None or not titles:
        return ""
    sample = Subscription.objects.filter(
        province_code=PROVINCE, business_date__gte=days[0]
    ).aggregate(margin=Sum("margin"))["margin"]
    yearly = max(0, MARGIN - (sample or 0)) * scale / _mean_margin(titles, days[-1])
    outlets = {o.point.pk: o for o in _outlets(province, days[0], days[-1], Service.PRESS)}
    offers = [o for o in pace.offers({Service.PRESS: yearly}) if o.point.pk in outlets]
    if not offers:
        return ""
    report(_("Press at a real province's pace"))
    started = time.perf_counter()
    year = _Year(random.Random(seed * 61 + 3), titles, accountant)
    for day, week_ends, last in pace.day_ends(days):
        year.settle(day)
        rows = [
            year.order(outlets[offer.point.pk].clerk, offer.point, day)
            for offer in offers
            for _n in range(offer.count_on(day, year.rng))
        ]
        if rows:
            rows.sort(key=lambda row: row.at or day)
            year.take(rows)
        deposits = year.takings.deposited(day, week_ends=week_ends, last=last)
        if deposits:
            ledger.entries_post(
                actor=accountant, province_code=PROVINCE, postings=deposits, answer=False
            )
    return _(
        "Press at a province's pace: %(n)s more subscriptions (%(sales)s, the post's margin "
        "%(margin)s), %(settled)s settlements with the publishers (%(paid)s) (%(s).1f s)."
    ) % {
        "n": format_number(year.taken),
        "sales": format_vnd(year.sales),
        "margin": format_vnd(year.margin),
        "settled": format_number(year.settled),
        "paid": format_vnd(year.paid),
        "s": time.perf_counter() - started,
    }


def _mean_margin(titles: list[Title], day: dt.date) -> float:
    """The post's margin on an average subscription of the sample's kinds, periods, titles
    and copies, at the prices in force ``day``."""
    kinds = [(kind, periods) for kind, weight, periods in SUBSCRIBERS for _n in range(weight)]
    prices = {
        (title.pk, period): services.price_in_force(title, period, day)
        for title in titles
        for _kind, periods in kinds
        for period in set(periods)
    }
    total = 0.0
    for kind, periods in kinds:
        copies = (1,) if kind == SubscriberKind.PERSON else COPIES
        for period in periods:
            for title in titles:
                price = prices[(title.pk, period)]
                for count in copies:
                    margin = title.margin_of(price.price * count) if price else 0
                    total += margin / len(kinds) / len(periods) / len(titles) / len(copies)
    return max(total, 1.0)


class _Year:
    def __init__(self, rng: random.Random, titles: list[Title], accountant: Any) -> None:
        self.rng, self.titles, self.accountant = rng, titles, accountant
        self.people = People(rng)
        self.kinds = [row for row in SUBSCRIBERS for _n in range(row[1])]
        self.takings = pace.Takings(ledger.account_for_bank(PROVINCE, BANK), "press-deposit")
        self.taken = self.sales = self.margin = self.settled = self.paid = 0
        self.serial = 0
        self.month: dt.date | None = None

    def order(self, clerk: Any, point: Any, day: dt.date) -> services.Order:
        """A subscription as the sample's, from the first day of the next month."""
        rng, people = self.rng, self.people
        self.serial += 1
        kind, _weight, periods = rng.choice(self.kinds)
        commune = point.commune
        name = subscriber_name(rng, people, kind, commune)
        minutes = rng.randint(8 * 60, 16 * 60 + 30)
        return services.Order(
            clerk,
            point,
            f"pace-press-{self.serial}",
            rng.choice(self.titles),
            name,
            people.address(commune) if commune else "Trung tâm xã",
            kind,
            phone=people.phone() if kind == SubscriberKind.PERSON else "",
            copies=1 if kind == SubscriberKind.PERSON else rng.choice(COPIES),
            period_kind=rng.choice(periods),
            starts_on=months_later(day.replace(day=1), 1),
            at=dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=VIETNAM),
        )

    def take(self, rows: list[services.Order]) -> None:
        references = services.subscriptions_take_many(rows=rows)
        money = {
            reference: (total, margin)
            for reference, total, margin in Subscription.objects.filter(
                province_code=PROVINCE, reference__in=references
            ).values_list("reference", "total", "margin")
        }
        for row, reference in zip(rows, references, strict=True):
            total, margin = money[reference]
            self.takings.take(row.point, total)
            self.sales += total
            self.margin += margin
        self.taken += len(rows)

    def settle(self, day: dt.date) -> None:
        """On the first business day of a month, every publisher's share of the month
        before (from the first day the step fills, the sample's subscriptions of it too)."""
        first = day.replace(day=1)
        if self.month is None:
            self.month = first
        if first == self.month:
            return
        start, self.month = self.month, first
        for publisher in Publisher.objects.filter(province_code=PROVINCE).order_by("code"):
            try:
                made = settlements.publisher_settle(
                    actor=self.accountant,
                    idempotency_key=f"pace:{publisher.code}:{start:%Y-%m}",
                    publisher=publisher,
                    date_from=start,
                    date_to=first - dt.timedelta(days=1),
                    memo=_("Subscriptions of %(month)s") % {"month": f"{start:%m/%Y}"},
                    on=day,
                )
            except DomainError:  # nothing owed that month (or no money yet): next month
                continue
            self.settled += 1
            self.paid += made.amount
