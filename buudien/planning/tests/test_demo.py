"""The demo step: history before the ledger's first day, this year's plan, next year's."""

from __future__ import annotations

import datetime as dt

import pytest

from buudien.core.bizdays import local_today
from buudien.planning import demo, selectors
from buudien.planning.models import Plan, RevenueHistory

pytestmark = pytest.mark.django_db


def test_the_demo_step_plans_this_year_and_the_next(world, director, post):
    today = local_today()
    for days_ago in (1, 40, 200):
        day = today - dt.timedelta(days=days_ago)
        post(world.point_a, "registered", 1_000_000, day)
        post(world.point_b, "savings", 700_000, day)
    said = demo.build(seed=1, report=lambda _line: None)
    assert str(today.year + 1) in said
    report = selectors.year_report(user=director, province_code="20", year=today.year)
    assert report["revenue"]["plan"] is not None
    assert report["next_year_plan"]["revenue"] == round(report["revenue"]["plan"] * 1.02) or (
        abs(report["next_year_plan"]["revenue"] - report["revenue"]["plan"] * 1.02) < 10
    )
    assert Plan.objects.filter(year=today.year + 1).exists()
    # a second build replaces the first
    rows = Plan.objects.count(), RevenueHistory.objects.count()
    demo.build(seed=1, report=lambda _line: None)
    assert (Plan.objects.count(), RevenueHistory.objects.count()) == rows
