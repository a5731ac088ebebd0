"""Plans set by hand and drafted by uplift: who may, what is refused, what it writes."""

from __future__ import annotations

import datetime as dt

import pytest

from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.models import AuditEntry
from buudien.planning import selectors, services
from buudien.planning.models import Plan

pytestmark = pytest.mark.django_db


def _set(actor, unit="UA", metric="revenue", subject="total", amount=1_000, year=2023):
    return services.plan_set(
        actor=actor, unit_code=unit, year=year, metric=metric, subject=subject, amount=amount
    )


def test_a_planner_sets_and_clears_a_row_with_an_audit_entry(director, accountant):
    plan = _set(director, amount=5_000_000)
    assert (plan.province_code, plan.amount, plan.updated_by) == ("20", 5_000_000, director)
    _set(accountant, amount=6_000_000)
    assert Plan.objects.get().amount == 6_000_000
    assert _set(director, amount=None) is None
    assert not Plan.objects.exists()
    assert AuditEntry.objects.filter(action__startswith="planning.plan_").count() == 3


@pytest.mark.parametrize("persona", ["clerk_a", "auditor"])
def test_others_may_not_set_plans(request, persona, english):
    with pytest.raises(AccessDenied):
        _set(request.getfixturevalue(persona))
    assert not Plan.objects.exists()


def test_outside_the_scope_a_unit_is_not_found(outsider, clerk_a, english):
    with pytest.raises(NotFound):
        _set(outsider)
    with pytest.raises(NotFound):
        _set(clerk_a, unit="UB")
    assert not Plan.objects.exists()


@pytest.mark.parametrize(
    ("metric", "subject", "amount", "year"),
    [("profit", "total", 1, 2023), ("revenue", "stamps", 1, 2023), ("revenue", "total", -1, 2023),
     ("revenue", "total", 1, 1999)],
)  # fmt: skip
def test_bad_rows_are_refused(director, metric, subject, amount, year, english):
    with pytest.raises(DomainError):
        _set(director, metric=metric, subject=subject, amount=amount, year=year)
    assert not Plan.objects.exists()


def test_uplift_of_the_plan_raises_every_row_by_the_percentage(director, world):
    _set(director, unit="BDT20", amount=138_000_000_000)
    _set(director, unit="UA", subject="postal", amount=1_000_001)
    _set(director, unit="UB", metric="surplus", amount=333)
    written = services.plan_uplift(actor=director, province_code="20", year=2023, pct=2)
    assert written == 3
    rows = {(p.unit.code, p.metric, p.subject): p.amount for p in Plan.objects.filter(year=2024)}
    assert rows == {
        ("BDT20", "revenue", "total"): 140_760_000_000,
        ("UA", "revenue", "postal"): 1_020_001,
        ("UB", "surplus", "total"): 340,
    }
    # again: the same rows, not twice as many
    services.plan_uplift(actor=director, province_code="20", year=2023, pct="2")
    assert Plan.objects.filter(year=2024).count() == 3
    assert (
        selectors.year_report(user=director, province_code="20", year=2023)["next_year_plan"][
            "revenue"
        ]
        == 140_760_000_000
    )


def test_uplift_of_the_actuals(director, world, post):
    post(world.point_a, "registered", 1_000_000, dt.date(2023, 3, 5))
    post(world.point_b, "savings", 2_000_000, dt.date(2023, 3, 5))
    services.plan_uplift(actor=director, province_code="20", year=2023, pct=10, basis="actual")
    plans = selectors.PlanBook(world.province, 2024)
    assert plans.get(world.province.pk, "revenue") == 3_300_000
    assert plans.get(world.unit_a.pk, "revenue", "registered") == 1_100_000
    assert plans.get(world.unit_b.pk, "volume", "savings") == 1  # 1 × 1.1 rounded


def test_uplift_is_refused_to_others_and_for_bad_input(director, clerk_a, english):
    with pytest.raises(AccessDenied):
        services.plan_uplift(actor=clerk_a, province_code="20", year=2023, pct=2)
    with pytest.raises(DomainError):
        services.plan_uplift(actor=director, province_code="20", year=2023, pct="lots")
    with pytest.raises(DomainError):
        services.plan_uplift(actor=director, province_code="20", year=2023, pct=2, basis="x")
    assert not Plan.objects.exists()


def test_the_grid_shows_own_rows_and_sums(director, world):
    _set(director, unit="UA", subject="postal", amount=100)
    _set(director, unit="UB", subject="finance", amount=50)
    unit, rows = selectors.plan_grid(user=director, province_code="20", year=2023)
    assert unit == world.province
    assert [row.unit.code for row in rows] == ["BDT20", "UA", "UB"]
    total = rows[0].cells[0]
    assert (total.direct, total.resolved) == (None, 150)
    ua_postal = rows[1].cells[1]
    assert (ua_postal.subject, ua_postal.direct, ua_postal.resolved) == ("postal", 100, 100)
