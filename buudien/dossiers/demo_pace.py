"""Administrative dossiers at a real province's pace: a step of ``buudien demo``
(``dossiers.pace``, after the sample year and the ledger's pace, before the plans).

The sample year (``dossiers.demo``) takes some hundreds of dossiers, each hand-over, result
and return through its service. Lạng Sơn's post received "hơn 41.500 hồ sơ" in 2023. This
step takes the rest of the year (``REAL_PACE`` less the sample, times ``BUUDIEN_DEMO_PACE``)
through the services' bulk path, one business day at a time, so that the dossiers, their
steps, the rollup the report reads and the ledger all have that magnitude:

- intake (``services.dossiers_receive_many``) at every point that receives dossiers and has
  someone at its counter (its public administration officer, else its clerk), shared by the
  weight of its kind (``finance.demo.offers``) with the months' seasons; the procedures of the
  sample by their weights (a commune People's Committee's at the points of its commune); a
  fifth sent on only (the agency returns the result), the rest returned at the counter;
- on the point's rounds (the sample's) the dossiers go to their agencies
  (``handovers_send_many``, signed by the agency's receiver); the results come back on the
  last round before the promised date (``results_receive_many``), some of them late, with the
  agency's reason; the applicant mostly comes for it on the promised day, some later, a few
  not yet (``dossiers_return_many``);
- each day's fees and charges go from the drawers to the bank (``finance.demo.Takings``),
  and each agency's fees of a month are passed on to it early in the next
  (``settlements.fees_settle``).

The results carried to the applicant's address (an HC item each) stay the sample's, and no
dossier is lodged at the agency here. Nothing happens after yesterday: the last days'
dossiers are still with the post or the agency. Seeded and repeatable.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from buudien.core.bizdays import business_days_in
from buudien.core.catalogue import Service
from buudien.core.errors import DomainError
from buudien.core.money import format_number, format_vnd
from buudien.dossiers import services, settlements
from buudien.dossiers.choices import AgencyKind, Mode, ReturnBy
from buudien.dossiers.demo import (
    AGENCIES,
    AGENCY_RECEIVERS,
    LATE_REASONS,
    LATE_SHARE,
    NEVER_COLLECTED_SHARE,
    OTHER_ROUNDS,
    PROVINCE,
    REAL_PACE,
    RECEIVE_ONLY_SHARE,
    ROUNDS,
    SETTLEMENT_BANK,
    WEIGHTS,
    _at,
    _Calendar,
    _People,
)
from buudien.dossiers.models import Agency, Dossier, Procedure
from buudien.finance import demo as pace
from buudien.finance import ledger
from buudien.network.models import ServicePoint
from buudien.people.choices import Role
from buudien.people.models import User

# Of the results back in time: the applicant comes on the promised day; otherwise some
# days later.
ON_THE_DAY_SHARE = 0.75


@dataclass(frozen=True)
class _Desk:
    """A point that receives dossiers, who works its counter, what it receives."""

    point: ServicePoint
    actor: Any
    procedures: list[Procedure]
    weights: list[int]
    rounds: tuple[int, ...]


@dataclass
class _Days:
    """What happens on each business day (by its place in the calendar)."""

    sends: dict[int, dict[tuple[int, int], list[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    results: dict[int, dict[tuple[int, int], list[tuple[str, int]]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    returns: dict[int, list[tuple[int, str, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )


@dataclass
class _Made:
    received: int = 0
    fees: int = 0
    charges: int = 0
    sent: int = 0
    results: int = 0
    late: int = 0
    returned: int = 0
    settled: int = 0
    passed_on: int = 0


def build(*, seed: int, report: Callable[[str], None]) -> str:
    scale = pace.pace_factor()
    days = pace.pace_days()
    accountant = (
        User.objects.filter(role=Role.ACCOUNTANT, unit__province_code=PROVINCE)
        .order_by("pk")
        .first()
    )
    if not scale or not days or accountant is None:
        return ""
    sample = Dossier.objects.filter(province_code=PROVINCE, business_date__gte=days[0]).count()
    yearly = max(0, REAL_PACE - sample) * scale
    desks = _desks()
    if not desks or not yearly:
        return ""
    report(_("Administrative dossiers at a real province's pace"))
    started = time.perf_counter()
    year = _Year(random.Random(seed * 59 + 7), desks, days, yearly, accountant)
    for index, (day, week_ends, last) in enumerate(pace.day_ends(days)):
        year.day(index, day, week_ends=week_ends, last=last)
    made = year.made
    return _(
        "Administrative dossiers at a province's pace: %(received)s more dossiers received "
        "(%(fees)s of agencies' fees, %(charges)s of the post's charges), %(sent)s hand-overs, "
        "%(results)s result hand-overs (%(late)s dossiers late), %(returned)s results returned "
        "at the counter, %(passed)s of fees passed on in %(settled)s settlements (%(s).1f s)."
    ) % {
        "received": format_number(made.received),
        "fees": format_vnd(made.fees),
        "charges": format_vnd(made.charges),
        "sent": format_number(made.sent),
        "results": format_number(made.results),
        "late": format_number(made.late),
        "returned": format_number(made.returned),
        "passed": format_vnd(made.passed_on),
        "settled": format_number(made.settled),
        "s": time.perf_counter() - started,
    }


def _desks() -> dict[int, _Desk]:
    """The points that offer dossiers and have someone at the counter (the public
    administration officer first), with the procedures received there."""
    people: dict[int, Any] = {}
    for user in User.objects.filter(
        role__in=[Role.HCC_OFFICER, Role.CLERK], is_active=True, point__province_code=PROVINCE
    ).order_by("username"):
        assert user.point_id is not None
        if user.role == Role.HCC_OFFICER or user.point_id not in people:
            people[user.point_id] = user
    procedures = list(
        Procedure.objects.filter(province_code=PROVINCE, is_active=True).select_related("agency")
    )
    communes = {a.code: a.commune for a in AGENCIES if a.commune}
    desks = {}
    for offer in pace.offers({Service.DOSSIER: 1.0}):
        point = offer.point
        if point.pk not in people:
            continue
        here = point.commune.name if point.commune_id and point.commune else ""
        received = [
            p
            for p in procedures
            if p.agency.kind != AgencyKind.COMMUNE or communes.get(p.agency.code) == here
        ]
        desks[point.pk] = _Desk(
            point,
            people[point.pk],
            received,
            [WEIGHTS.get(p.code, 1) for p in received],
            ROUNDS.get(point.kind, OTHER_ROUNDS),
        )
    return desks


class _Year:
    def __init__(
        self,
        rng: random.Random,
        desks: dict[int, _Desk],
        days: list[dt.date],
        yearly: float,
        accountant: Any,
    ) -> None:
        self.rng, self.desks, self.accountant = rng, desks, accountant
        self.offers = [
            offer for offer in pace.offers({Service.DOSSIER: yearly}) if offer.point.pk in desks
        ]
        self.calendar = _Calendar(business_days_in(days[0], days[-1] + dt.timedelta(days=150)))
        self.people = _People(rng)
        self.plan = _Days()
        self.made = _Made()
        self.takings = pace.Takings(
            ledger.account_for_bank(PROVINCE, SETTLEMENT_BANK), "dossiers-deposit"
        )
        self.agencies = {a.pk: a for a in Agency.objects.filter(province_code=PROVINCE)}
        self.serial = 0
        self.month = days[0].replace(day=1)

    def day(self, index: int, day: dt.date, *, week_ends: bool, last: bool) -> None:
        """The day's hand-overs, intake, results and returns; the evening's deposits."""
        position = self.calendar.index[day]
        self.settle(day)
        self.send(position, day)
        self.receive(day)
        self.results(position, day)
        self.handback(position, day)
        deposits = self.takings.deposited(day, week_ends=week_ends, last=last)
        if deposits:
            ledger.entries_post(
                actor=self.accountant, province_code=PROVINCE, postings=deposits, answer=False
            )

    def receive(self, day: dt.date) -> None:
        rng = self.rng
        rows: list[services.Intake] = []
        for offer in self.offers:
            desk = self.desks[offer.point.pk]
            for _n in range(offer.count_on(day, rng)):
                rows.append(self.intake(desk, _at(day, rng.randint(7 * 60 + 30, 16 * 60 + 30))))
        if not rows:
            return
        codes = services.dossiers_receive_many(rows=rows)
        for row, code in zip(rows, codes, strict=True):
            desk = self.desks[row.point.pk]
            procedure = row.procedure
            assert isinstance(procedure, Procedure)
            fee, charge = procedure.agency_fee, procedure.charge_for(row.mode)
            self.takings.take(row.point, fee + charge)
            self.made.received += 1
            self.made.fees += fee
            self.made.charges += charge
            self.schedule(desk, day, row, code, procedure)

    def intake(self, desk: _Desk, at: dt.datetime) -> services.Intake:
        rng, people = self.rng, self.people
        self.serial += 1
        procedure = rng.choices(desk.procedures, desk.weights)[0]
        receive_only = rng.random() < RECEIVE_ONLY_SHARE
        return services.Intake(
            actor=desk.actor,
            point=desk.point,
            key=f"pace-{self.serial}",
            procedure=procedure,
            mode=Mode.RECEIVE if receive_only else Mode.BOTH,
            applicant_name=people.name(),
            citizen_id=people.citizen_id(),
            phone=people.phone(),
            return_by="" if receive_only else ReturnBy.COUNTER,
            at=at,
        )

    def schedule(
        self, desk: _Desk, day: dt.date, row: services.Intake, code: str, procedure: Procedure
    ) -> None:
        """The days the dossier goes to the agency, its result comes back and the applicant
        comes for it."""
        rng, calendar, plan = self.rng, self.calendar, self.plan
        sent = calendar.round_after(day, desk.rounds)
        where = (desk.point.pk, procedure.agency_id)
        plan.sends[sent][where].append(code)
        if row.mode == Mode.RECEIVE:
            return
        due = calendar.index[day] + procedure.processing_days  # the promised day
        if rng.random() < LATE_SHARE:  # the agency is late
            back = max(due, sent) + rng.randint(1, 5)
        else:  # on the last round before the promised day, or the day after it was sent
            back = calendar.round_by(sent + 1, due - 1, desk.rounds) if due - 1 > sent else sent + 1
        plan.results[back][where].append((code, due))
        if rng.random() < NEVER_COLLECTED_SHARE:
            return
        fetched = due if rng.random() < ON_THE_DAY_SHARE else due + rng.randint(1, 7)
        plan.returns[max(fetched, back + 1)].append((desk.point.pk, code, row.citizen_id))

    def send(self, position: int, day: dt.date) -> None:
        rng = self.rng
        batches = []
        for (point_id, agency_id), codes in sorted(self.plan.sends.pop(position, {}).items()):
            desk = self.desks[point_id]
            at = _at(day, rng.randint(8 * 60, 9 * 60 + 30))
            batches.append(
                services.Batch(
                    desk.actor,
                    desk.point,
                    self.agencies[agency_id],
                    codes,
                    at,
                    receiver_name=rng.choice(AGENCY_RECEIVERS),
                    signed_at=at + dt.timedelta(minutes=rng.randint(20, 90)),
                )
            )
        if batches:
            self.made.sent += len(services.handovers_send_many(batches=batches))

    def results(self, position: int, day: dt.date) -> None:
        rng = self.rng
        batches = []
        for (point_id, agency_id), back in sorted(self.plan.results.pop(position, {}).items()):
            desk = self.desks[point_id]
            late = sum(1 for _code, due in back if due < position)
            self.made.late += late
            batches.append(
                services.Batch(
                    desk.actor,
                    desk.point,
                    self.agencies[agency_id],
                    [code for code, _due in back],
                    _at(day, rng.randint(14 * 60, 16 * 60)),
                    receiver_name=rng.choice(AGENCY_RECEIVERS),
                    late_reason=rng.choice(LATE_REASONS) if late else "",
                )
            )
        if batches:
            self.made.results += len(services.results_receive_many(batches=batches))

    def handback(self, position: int, day: dt.date) -> None:
        rng = self.rng
        rows = [
            services.Handback(
                self.desks[point_id].actor,
                self.desks[point_id].point,
                code,
                citizen_id,
                at=_at(day, rng.randint(7 * 60 + 30, 16 * 60 + 30)),
            )
            for point_id, code, citizen_id in self.plan.returns.pop(position, [])
        ]
        if rows:
            self.made.returned += services.dossiers_return_many(rows=rows)

    def settle(self, day: dt.date) -> None:
        """On the first business day of a month, each agency's fees of the month before."""
        first = day.replace(day=1)
        if first == self.month:
            return
        start, self.month = self.month, first
        for agency in sorted(self.agencies.values(), key=lambda a: a.code):
            try:
                made = settlements.fees_settle(
                    actor=self.accountant,
                    idempotency_key=f"pace:{agency.code}:{start:%Y-%m}",
                    agency=agency,
                    date_from=start,
                    date_to=first - dt.timedelta(days=1),
                    bank=SETTLEMENT_BANK,
                    on=day,
                )
            except DomainError:  # nothing owed that month (or no money yet): next month
                continue
            self.made.settled += 1
            self.made.passed_on += made.total
