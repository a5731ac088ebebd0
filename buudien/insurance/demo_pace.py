"""Insurance at a real province's pace: a step of ``buudien demo`` (``insurance.pace``,
after the ledger's pace and telecom's, before the plans).

The sample year (``insurance.demo``) issues some hundreds of policies one at a time, some
tens of triệu đồng of commission; a provincial post sells the partner insurers' policies
by the tens of thousands a year (the motorbike's compulsory liability at every commune
post, health and accident covers at the offices). This step issues the rest of the year with
insurance's own records, so that the policies, the rollup, the report's insurance section
and the ledger all have that magnitude:

- ``POLICIES`` policies a year at pace 1, shared among the points that sell insurance and
  have a clerk by the weight of their kind, with the months' seasons
  (``finance.demo.offers``); each drawn as the sample draws it (``insurance.demo``: the
  product by the point's mix, the insured, the plate, the premium chosen, a cover that
  starts later when the old one runs a while yet);
- each business day's policies go through ``services.policies_issue_many``: the policies
  ``policy_issue`` would issue, written in a few statements;
- the premiums are deposited at the bank as the points do (``finance.demo.Takings``), and
  each month's premiums less the commission are paid to the insurers on the 10th of the
  next month (``finance.demo.Owed``).

``BUUDIEN_DEMO_PACE`` scales it (0 skips it). Seeded and repeatable; a second build changes
nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import time
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
from buudien.insurance import services
from buudien.insurance.choices import ProductKind
from buudien.insurance.demo import PRODUCTS, PROVINCE, Counter, _counters, _People
from buudien.insurance.models import Policy, Product

POLICIES = 65_000
KEY = "pace"  # the policies' keys: pace-<yyyymmdd>-<n>


def build(*, seed: int, report: Callable[[str], None]) -> str:
    found = setting()
    catalogue = {p.code: p for p in services.Products(PROVINCE).by_code.values()}
    if found is None or not catalogue:
        return ""
    scale, days, accountant, bank = found.scale, found.days, found.accountant, found.bank
    if Policy.objects.filter(province_code=PROVINCE, idempotency_key__contains=f":{KEY}-").exists():
        return _("Insurance at a province's pace: already built.")
    counters = {c.point.pk: c for c in _counters(found.province, days[0], days[-1])}
    offers = [
        offer
        for offer in pace.offers(
            {"policy": POLICIES * scale}, services={"policy": Service.INSURANCE}
        )
        if offer.point.pk in counters
    ]
    if not offers:
        return ""
    report(_("Insurance at a real province's pace"))
    started = time.perf_counter()
    rng = random.Random(seed * 71 + 7)
    takings = pace.Takings(bank, name="insurance-deposit")
    owed = Owed(bank, name="insurance:pace:pay")
    issued = 0
    with agency_accounts.cached():
        draw = _Draw(rng, catalogue)
        for day, week_ends, last in pace.day_ends(days):
            rows: list[services.PolicyRow] = []
            for offer in offers:
                for _n in range(offer.count_on(day, rng)):
                    key = f"{KEY}-{day:%Y%m%d}-{len(rows)}"
                    row = draw.policy(counters[offer.point.pk], day, key)
                    if row is not None:
                        rows.append(row)
            if rows:
                services.policies_issue_many(province_code=PROVINCE, day=day, rows=rows)
            for row in rows:
                product = catalogue[row.product]
                premium = row.premium or product.premium
                takings.take(row.point, premium)
                owed.add(
                    day,
                    agency_accounts.partner_payable(PROVINCE, product.insurer.partner),
                    premium - product.commission_of(premium),
                )
            issued += len(rows)
            postings = [*owed.paid(day), *takings.deposited(day, week_ends=week_ends, last=last)]
            if postings:
                ledger.entries_post(
                    actor=accountant, province_code=PROVINCE, postings=postings, answer=False
                )
    made = Policy.objects.filter(
        province_code=PROVINCE, idempotency_key__contains=f":{KEY}-"
    ).aggregate(premium=Sum("premium"), commission=Sum("commission"))
    return _(
        "Insurance at a province's pace: %(policies)s more policies (premiums %(premium)s, "
        "commission %(commission)s); %(deposits)s deposits of the premiums, %(payments)s "
        "payments to the insurers (%(s).1f s)."
    ) % {
        "policies": format_number(issued),
        "premium": format_vnd(made["premium"] or 0),
        "commission": format_vnd(made["commission"] or 0),
        "deposits": format_number(takings.deposits),
        "payments": format_number(owed.payments),
        "s": time.perf_counter() - started,
    }


class _Draw:
    """The policies of the pace, drawn as the sample year draws them."""

    def __init__(self, rng: random.Random, catalogue: dict[str, Product]) -> None:
        self.rng, self.catalogue = rng, catalogue
        self.people = _People(rng)
        self.premiums = {p.code: p.premiums for p in PRODUCTS}

    def policy(self, counter: Counter, day: dt.date, key: str) -> services.PolicyRow | None:
        rng = self.rng
        codes, weights = zip(*counter.mix, strict=True)
        product = self.catalogue.get(rng.choices(codes, weights)[0])
        if product is None:
            return None
        start = day
        if product.kind in ProductKind.vehicles() and rng.random() < 0.3:
            start += dt.timedelta(days=rng.randint(1, 20))  # the old one runs a while yet
        at = dt.datetime.combine(day, dt.time(7, 30), tzinfo=VIETNAM) + dt.timedelta(
            minutes=rng.randint(0, 9 * 60)
        )
        people = self.people
        return services.PolicyRow(
            actor=counter.clerk,
            point=counter.point,
            idempotency_key=key,
            product=product.code,
            insured_name=people.name(),
            citizen_id=people.citizen_id()
            if product.kind == ProductKind.HEALTH or rng.random() < 0.3
            else "",
            phone=people.phone() if rng.random() < 0.85 else "",
            plate=people.plate(product.kind) if product.plate_required else "",
            starts_on=start,
            premium=None if product.fixed else rng.choice(self.premiums[product.code]),
            at=at,
        )
