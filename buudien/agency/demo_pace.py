"""Payment accounts at a real province's pace: a step of ``buudien demo``
(``agency.accounts_pace``, after the sample year, before the ledger's pace and the plans).

Lạng Sơn's post helped people open "online hơn 2.600 tài khoản thanh toán" in 2023; the
sample year (``agency.demo``) opens some hundreds, a share of them online. This step opens
the rest of the year's ``ACCOUNTS`` (``ONLINE`` of them online, with the clerk's help; the
others at the counter) times ``BUUDIEN_DEMO_PACE``, at every point that offers payment
accounts and has a clerk, shared by the weight of its kind (``finance.demo.offers``) with
the months' seasons, one business day at a time through the services' bulk path
(``services.payment_accounts_open_many``): each account its own row, its reference from its
point's serials, and the partner's commission for it owed to the post (an entry of
``payment_account``; none at a zero commission). The partners and the customers are drawn
as the sample's; each account number is new. Seeded and repeatable.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from buudien.agency import services
from buudien.agency.choices import OpeningChannel, Partner
from buudien.agency.demo import ACCOUNT_PARTNERS, PROVINCE, _counters, _People, _weighted
from buudien.agency.models import PaymentAccount
from buudien.core.bizdays import VIETNAM
from buudien.core.catalogue import Service
from buudien.core.money import format_number
from buudien.finance import demo as pace
from buudien.network.management.commands.demo import PROVINCE_UNIT_CODE
from buudien.network.models import ServicePoint, Unit

ACCOUNTS = 3_000  # payment accounts opened in a year
ONLINE = 2_600  # of them online, with the clerk's help


def build(*, seed: int, report: Callable[[str], None]) -> str:
    scale = pace.pace_factor()
    days = pace.pace_days()
    province = Unit.objects.filter(code=PROVINCE_UNIT_CODE).first()
    if not scale or not days or province is None:
        return ""
    sample = PaymentAccount.objects.filter(
        province_code=PROVINCE, business_date__gte=days[0]
    ).aggregate(n=Count("id"), online=Count("id", filter=Q(channel=OpeningChannel.ONLINE)))
    rest = max(0, ACCOUNTS - sample["n"])
    clerks = {c.point.pk: c.clerk for c in _counters(province, days[-1])}
    offers = [
        offer
        for offer in pace.offers({Service.PAYMENT_ACCOUNT: rest * scale})
        if offer.point.pk in clerks
    ]
    if not rest or not offers:
        return ""
    report(_("Payment accounts at a real province's pace"))
    started = time.perf_counter()
    online = min(1.0, max(0.0, (ONLINE - sample["online"]) / rest))
    year = _Year(random.Random(seed * 67 + 5), online)
    opened = 0
    for day in days:
        rows = [
            year.opening(clerks[offer.point.pk], offer.point, day)
            for offer in offers
            for _n in range(offer.count_on(day, year.rng))
        ]
        if rows:
            rows.sort(key=lambda row: row.at or day)
            opened += len(services.payment_accounts_open_many(rows=rows))
    return _(
        "Payment accounts at a province's pace: %(n)s more accounts opened, %(online)s of them "
        "online (%(s).1f s)."
    ) % {
        "n": format_number(opened),
        "online": format_number(year.online),
        "s": time.perf_counter() - started,
    }


class _Year:
    def __init__(self, rng: random.Random, online: float) -> None:
        self.rng, self.share = rng, online
        self.people = _People(rng)
        self.serial = self.online = 0
        self.used = set(
            PaymentAccount.objects.filter(province_code=PROVINCE).values_list(
                "partner", "account_number"
            )
        )

    def opening(self, clerk: Any, point: ServicePoint, day: dt.date) -> services.Opening:
        """An account as the sample's, its number new with its partner."""
        rng = self.rng
        self.serial += 1
        partner = _weighted(rng, ACCOUNT_PARTNERS)
        while True:
            phone = self.people.phone()
            number = phone if partner == Partner.POSTPAY else f"{rng.randint(10**9, 10**10 - 1)}"
            if (partner, number) not in self.used:
                break
        self.used.add((partner, number))
        online = rng.random() < self.share
        self.online += online
        minutes = rng.randint(7 * 60 + 30, 16 * 60 + 30)
        return services.Opening(
            clerk,
            point,
            f"pace-account-{self.serial}",
            self.people.name(),
            self.people.citizen_id(),
            phone,
            partner,
            number,
            OpeningChannel.ONLINE if online else OpeningChannel.COUNTER,
            dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=VIETNAM),
        )
