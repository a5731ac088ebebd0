"""The demo's year of insurance, at a small scale and on a fixed day: the insurers and their
products, policies at the points (more motorbike policies at the commune points), this
morning's cancellation; the ledger and the rollup agreeing with the policies."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db.models import Count, Sum

from buudien.core.bizdays import VIETNAM
from buudien.core.demo import demo_steps
from buudien.finance.models import Account
from buudien.insurance import demo, rollup
from buudien.insurance.choices import PolicyStatus, ProductKind
from buudien.insurance.models import InsuranceRollup, Policy
from buudien.network.choices import PointKind
from buudien.network.geography import geography_load
from buudien.network.management.commands.demo import demo_build
from buudien.network.tests.demo_checks import assert_the_money_holds

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 10, 15, 14, 0, tzinfo=VIETNAM)  # a Thursday


def test_the_step_runs_before_the_cash_closings() -> None:
    orders = {step.name: step.order for step in demo_steps()}
    assert orders["goods.year"] < orders["insurance.year"] < 90


def test_a_small_year_of_policies() -> None:
    with time_machine.travel(NOW, tick=True):
        geography_load(province_codes=["20"])
        demo_build()
        said = demo.build(seed=2023, report=lambda _text: None, policies=150, now=NOW)
        again = demo.build(seed=2023, report=lambda _text: None, policies=150, now=NOW)

    assert " 150 " in said and again and again != said  # the second build adds nothing
    issued = Policy.objects.filter(status=PolicyStatus.ISSUED)
    assert issued.count() >= 140
    assert Policy.objects.filter(status=PolicyStatus.CANCELLED, business_date=NOW.date()).exists()
    assert not Policy.objects.filter(business_date__gt=NOW.date()).exists()
    by_kind = dict(
        issued.filter(point__kind=PointKind.BDVHX).values_list("kind").annotate(n=Count("id"))
    )
    assert by_kind.get(ProductKind.MOTORBIKE_LIABILITY, 0) > sum(by_kind.values()) / 2
    sums = issued.aggregate(premium=Sum("premium"), commission=Sum("commission"))
    revenue = Account.objects.get(province_code="20", code="5113.insurance").balance
    payable = sum(
        Account.objects.filter(code__startswith="3388.partner.bh-").values_list(
            "balance", flat=True
        )
    )
    assert revenue == sums["commission"]
    assert payable == sums["premium"] - sums["commission"]
    kept = sorted(InsuranceRollup.objects.values_list("day", "point_id", "kind", *rollup.COUNTERS))
    rollup.insurance_rollup_rebuild()
    assert (
        sorted(InsuranceRollup.objects.values_list("day", "point_id", "kind", *rollup.COUNTERS))
        == kept
    )
    assert_the_money_holds()
