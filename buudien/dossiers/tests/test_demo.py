"""The demo's year of dossiers, at a small scale and on a fixed day: every status, late
results with their reasons, the ledger agreeing with the rows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

import pytest
import time_machine
from django.db.models import F, Sum

from buudien.core.bizdays import VIETNAM
from buudien.core.demo import demo_steps
from buudien.dossiers import demo, rollup, selectors
from buudien.dossiers.choices import Mode, ReturnBy, Status, StepKind
from buudien.dossiers.models import (
    Agency,
    Dossier,
    DossierRollup,
    DossierStep,
    FeeSettlement,
    Handover,
    Procedure,
)
from buudien.dossiers.tests.conftest import fund_bank
from buudien.finance.models import Account, Transfer
from buudien.mail import demo as mail_demo
from buudien.network.geography import geography_load
from buudien.network.management.commands.demo import demo_build
from buudien.network.tests.demo_checks import assert_the_money_holds
from buudien.people.models import User

pytestmark = pytest.mark.django_db

# A Thursday: the demo's "today", whatever day the suite runs.
NOW = dt.datetime(2026, 10, 15, 14, 0, tzinfo=VIETNAM)


@pytest.fixture
def clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def province(clock: None) -> None:
    geography_load(province_codes=["20"])
    demo_build()
    mail_demo.build(seed=2023, report=lambda _text: None)  # results are posted as HC items


def build(dossiers: int = 300) -> str:
    return demo.build(seed=2023, report=lambda _text: None, dossiers=dossiers, now=NOW)


def balance(code: str) -> int:
    return Account.objects.get(province_code="20", code=code).balance


def test_the_step_is_registered_after_the_network_and_before_the_closings():
    orders = {step.name: step.order for step in demo_steps()}
    assert orders["dossiers.year"] > orders["mail.year"]
    assert orders["dossiers.year"] < orders["cashdesk.closings"]


def test_a_year_of_dossiers_through_the_services(province):
    """One year built (the network and a year of post take most of the time): every step
    of a dossier, the ledger, the rollup, and a second build that changes nothing."""
    # The bank the other steps deposit in: the month's fees are passed on from it.
    fund_bank(10**10, demo.SETTLEMENT_BANK)
    said = build()

    _the_dossiers_went_through_every_step(said)
    _the_ledger_agrees_with_the_dossiers(said)
    _the_rollup_kept_by_the_services_is_the_rollup_of_the_dossiers()
    count = Dossier.objects.count()
    again = build()
    assert "already" in again or "đã có" in again
    assert Dossier.objects.count() == count


def _the_dossiers_went_through_every_step(line: str) -> None:
    assert line.startswith("Hồ sơ") or line.startswith("Administrative")
    assert Agency.objects.filter(province_code="20").count() == len(demo.AGENCIES)
    assert Procedure.objects.filter(province_code="20").count() == 20
    rows = Dossier.objects.filter(province_code="20")
    assert 200 < rows.count() < 420
    # Every status (a result on its way to an address lasts a day or two: rarely at "now").
    assert set(rows.values_list("status", flat=True)) >= set(Status.values) - {Status.POSTED}
    assert rows.values("point").distinct().count() >= 10
    assert rows.filter(point__kind="bdvhx").exists()
    # Late results carry the agency's reason, on the dossier and on its "late" step.
    late = rows.exclude(late_reason="")
    assert late.exists()
    assert set(late.values_list("late_reason", flat=True)) <= set(demo.LATE_REASONS)
    for dossier in late:
        assert dossier.result_at.astimezone(VIETNAM).date() > dossier.due_date
        assert dossier.steps.filter(kind=StepKind.LATE, note=dossier.late_reason).exists()
    # Open ones: some promised today, some overdue, against the demo's today.
    director = User.objects.get(username="giamdoc")
    assert selectors.dossier_list(user=director, due="today", today=NOW.date()).exists()
    assert selectors.dossier_list(user=director, due="overdue", today=NOW.date()).exists()
    # Hand-overs signed by the agency, results returned at the counter, all before "now".
    assert Handover.objects.filter(confirmed_at__isnull=False).exists()
    assert DossierStep.objects.filter(kind=StepKind.CONFIRMED).exists()
    assert not DossierStep.objects.filter(at__gte=NOW).exists()
    # Some were lodged at the agency: the post returned their results only.
    lodged = rows.filter(mode=Mode.RETURN)
    assert lodged.filter(status=Status.RETURNED).exists()
    assert not lodged.filter(handover__isnull=False).exists()
    assert not lodged.filter(agency_fee__gt=0).exists()
    returned = rows.filter(status=Status.RETURNED)
    assert not returned.filter(return_by=ReturnBy.COUNTER).exclude(returned_point=F("point"))
    # Results to the applicant's address went by post, as HC items the postman delivered.
    delivered = returned.filter(return_by=ReturnBy.ADDRESS)
    assert delivered.exists()
    for dossier in delivered.select_related("result_item"):
        item = dossier.result_item
        assert item.s10.startswith("HC") and item.status == "delivered"
        assert dossier.returned_at == item.delivered_at
        assert dossier.steps.filter(kind=StepKind.DELIVERED, note=item.s10).exists()


def _the_ledger_agrees_with_the_dossiers(said: str) -> None:
    rows = Dossier.objects.filter(province_code="20")
    money: dict[str, int] = defaultdict(int)
    for code, fee, charge in rows.values_list("point__code", "agency_fee", "charge"):
        money[code] += fee + charge
    for code, total in money.items():
        assert balance(f"1111.{code}") == total
    for agency in Agency.objects.filter(province_code="20"):
        owed = rows.filter(agency=agency, settlement__isnull=True)
        fees = owed.aggregate(s=Sum("agency_fee"))["s"] or 0
        if rows.filter(agency=agency, agency_fee__gt=0).exists():
            assert balance(f"3388.partner.hcc-{agency.code}") == fees
    # Every month before last is passed on, early the next month.
    assert FeeSettlement.objects.filter(date_to__lt=dt.date(2026, 9, 1)).exists()
    assert not rows.filter(
        agency_fee__gt=0, settlement__isnull=True, business_date__lt=dt.date(2026, 9, 1)
    ).exists()
    assert "lần quyết toán" in said
    assert balance("5113.dossier") == rows.aggregate(s=Sum("charge"))["s"]
    assert rows.filter(entry__isnull=True).count() == 0
    assert not Transfer.objects.filter(service="").exclude(entry__kind="opening_balance").exists()
    assert_the_money_holds()


def _the_rollup_kept_by_the_services_is_the_rollup_of_the_dossiers() -> None:
    columns = ("day", "point_id", "agency_id", "procedure_id", *rollup._COUNTERS)
    kept = sorted(DossierRollup.objects.values_list(*columns))
    assert kept and sum(row[-2] for row in kept) > 0  # results returned, some by post

    assert rollup.dossier_rollup_rebuild(province_code="20") == len(kept)

    assert sorted(DossierRollup.objects.values_list(*columns)) == kept
