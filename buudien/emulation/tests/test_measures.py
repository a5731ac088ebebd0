"""The criteria's figures from records made in the personas' province (units UA with point A
and UB with point B), the ranking a council sees, an initiative's before and after."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from buudien.agency.models import PaymentAccount
from buudien.care.models import CareRollup
from buudien.cashdesk.models import CashClosing
from buudien.core.bizdays import VIETNAM, local_today
from buudien.core.errors import DomainError
from buudien.dossiers.models import DossierRollup
from buudien.dossiers.tests.conftest import agency, procedure  # noqa: F401
from buudien.emulation import measures
from buudien.emulation.criteria import CRITERIA, UNIT
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.mail.models import DeliveryAttempt, DeliveryRollup, DeliveryRound
from buudien.mail.tests.ops_factories import ops_item
from buudien.network.tests.factories import PointFactory, UnitFactory
from buudien.people.tests.factories import UserFactory
from buudien.planning.models import Plan, RevenueHistory

pytestmark = pytest.mark.django_db

PROVINCE = "20"
H1 = {"date_from": dt.date(2025, 1, 1), "date_to": dt.date(2025, 6, 30)}
UNIT_CODES = [code for code, criterion in CRITERIA.items() if criterion.subject == UNIT]
_keys = itertools.count(1)


def fee(
    point: Any, amount: int, day: dt.date, *, actor: Any = None, vat: int = 0, kind: str = "fee"
) -> Any:
    """A fee of ``amount`` (the post's revenue) and ``vat`` into ``point``'s drawer."""
    drawer = ledger.account_for_drawer(point)
    revenue = ledger.account_for_revenue(PROVINCE, "registered")
    legs = [ledger.Leg(drawer, revenue, amount, "registered")]
    if vat:
        legs.append(ledger.Leg(drawer, ledger.account_vat_payable(PROVINCE), vat))
    return ledger.entry_post(
        actor=actor,
        idempotency_key=f"emulation:{next(_keys)}",
        kind=kind,
        reference="test",
        legs=legs,
        province_code=PROVINCE,
        point=point,
        business_date=day,
    )


def plan(unit: Any, year: int, amount: int) -> None:
    Plan.objects.create(
        province_code=PROVINCE,
        year=year,
        unit=unit,
        metric="revenue",
        subject="total",
        amount=amount,
    )


def closing(point: Any, day: dt.date, difference: int) -> None:
    CashClosing.objects.create(
        province_code=PROVINCE,
        point=point,
        business_date=day,
        status="closed" if difference == 0 else "pending",
        counted_total=1_000_000 + difference,
        opening=0,
        receipts=1_000_000,
        payments=0,
        expected=1_000_000,
        difference=difference,
        counted_at=dt.datetime(day.year, day.month, day.day, 17, tzinfo=VIETNAM),
    )


def account_opened(point: Any, day: dt.date) -> None:
    n = next(_keys)
    PaymentAccount.objects.create(
        province_code=PROVINCE,
        reference=f"TK{n}",
        idempotency_key=f"account:{n}",
        fingerprint="x",
        point=point,
        business_date=day,
        partner="lpbank",
        customer_name="Lê Thị Hoa",
        citizen_id="020123456789",
        phone="0912345678",
        account_number=f"{100000 + n}",
        channel="counter",
    )


@pytest.fixture
def half_year(world: Any, procedure: Any) -> Any:  # noqa: F811
    """The first half of 2025 (and 2024 before it): UA earned 300.000 ₫ on four items
    against 200.000 ₫ a year before and a plan of 1.000.000 ₫ for 2025; UB 500.000 ₫ on one
    item against 400.000 ₫ of imported history and a plan of 2.000.000 ₫. A delivers 10 items
    (9 on time), UA has one complaint, two drawer differences, two accounts opened; B
    returned four dossiers (three on time), opened three accounts before go-live."""
    a, b = world.point_a, world.point_b
    plan(world.unit_a, 2025, 1_000_000)
    plan(world.unit_b, 2025, 2_000_000)
    for day in (3, 4, 5, 6):
        fee(a, 75_000, dt.date(2025, 3, day))
    fee(a, 200_000, dt.date(2024, 3, 10))
    fee(a, 999_000, dt.date(2025, 7, 1))  # after the period
    fee(b, 500_000, dt.date(2025, 2, 15))
    history = {"province_code": PROVINCE, "unit": world.unit_b}
    RevenueHistory.objects.create(
        **history, month=dt.date(2024, 2, 1), service="ems", amount=400_000
    )
    RevenueHistory.objects.create(
        **history, month=dt.date(2025, 1, 1), service="payment_account", amount=0, volume=3
    )
    rollup = {"province_code": PROVINCE, "office_code": a.code, "service": "registered"}
    DeliveryRollup.objects.create(**rollup, day=dt.date(2025, 3, 1), delivered=10, on_time=9)
    DeliveryRollup.objects.create(**rollup, day=dt.date(2025, 5, 2), delivered=20, on_time=19)
    DeliveryRollup.objects.create(**rollup, day=dt.date(2025, 7, 1), delivered=5, on_time=0)
    CareRollup.objects.create(
        province_code=PROVINCE,
        month=dt.date(2025, 4, 1),
        unit=world.unit_a,
        channel="hotline",
        kind="complaint",
        service="registered",
        ground="delay",
        received=1,
    )
    closing(a, dt.date(2025, 2, 3), -50_000)
    closing(a, dt.date(2025, 2, 4), 0)
    closing(a, dt.date(2025, 5, 5), 20_000)
    DossierRollup.objects.create(
        province_code=PROVINCE,
        day=dt.date(2025, 5, 5),
        point=b,
        agency=procedure.agency,
        procedure=procedure,
        returned=4,
        returned_on_time=3,
    )
    account_opened(a, dt.date(2025, 2, 10))
    account_opened(a, dt.date(2025, 5, 10))
    account_opened(a, dt.date(2025, 8, 1))  # after the period
    return world


def test_each_unit_criterion_is_the_figure_recorded(half_year: Any) -> None:
    ua, ub = half_year.unit_a.pk, half_year.unit_b.pk

    found = measures.measure(UNIT_CODES, province=half_year.province, **H1)

    assert found == {
        # 300.000 / (1.000.000 × 181/365) and 500.000 / (2.000.000 × 181/365)
        "revenue_plan_pct": {ua: 60.5, ub: 50.4},
        "revenue_growth_pct": {ua: 50.0, ub: 25.0},
        "on_time_rate": {ua: 93.3, ub: None},  # 28 of 30
        "complaints_per_10000": {ua: 2500.0, ub: 0.0},  # 1 of 4 items; none of 1
        "cash_differences": {ua: 2, ub: 0},
        "dossiers_on_time_pct": {ua: None, ub: 75.0},
        "accounts_opened": {ua: 2, ub: 3},
    }


def test_a_period_across_the_year_end_takes_each_years_plan_pro_rata(world: Any) -> None:
    a = world.point_a
    plan(world.unit_a, 2024, 732_000)  # 31 of 366 days: 62.000
    plan(world.unit_a, 2025, 730_000)  # 31 of 365 days: 62.000
    fee(a, 31_000, dt.date(2024, 12, 20))
    fee(a, 31_000, dt.date(2025, 1, 10))
    fee(a, 31_000, dt.date(2023, 12, 5))

    found = measures.measure(
        ["revenue_plan_pct", "revenue_growth_pct", "complaints_per_10000"],
        province=world.province,
        date_from=dt.date(2024, 12, 1),
        date_to=dt.date(2025, 1, 31),
    )

    ua, ub = world.unit_a.pk, world.unit_b.pk
    assert found["revenue_plan_pct"] == {ua: 50.0, ub: None}
    assert found["revenue_growth_pct"] == {ua: 100.0, ub: None}
    # No request to customer care at all: no data, not a perfect score.
    assert found["complaints_per_10000"] == {ua: None, ub: None}


def test_the_queries_do_not_grow_with_the_units(half_year: Any) -> None:
    more = [UnitFactory(code=f"UX{n}", parent=half_year.province) for n in (1, 2)]
    for n, unit in enumerate(more):
        PointFactory(code=f"24009{n}", unit=unit)
    two = [half_year.unit_a, half_year.unit_b]

    counts = []
    for units in (two, two + more):
        with CaptureQueriesContext(connection) as queries:
            found = measures.measure(UNIT_CODES, province=half_year.province, units=units, **H1)
        counts.append(len(queries))
        assert set(found["accounts_opened"]) == {unit.pk for unit in units}

    assert counts[0] == counts[1]
    assert counts[0] <= 25  # 19 on SQLite, 21 on PostgreSQL (its SET LOCALs)


def test_the_units_by_default_are_the_provinces_children_in_the_period(world: Any) -> None:
    UnitFactory(code="UOLD", parent=world.province, valid_to=dt.date(2024, 12, 31))
    new = UnitFactory(code="UNEW", parent=world.province, valid_from=dt.date(2025, 6, 1))
    UnitFactory(code="ULATE", parent=world.province, valid_from=dt.date(2025, 7, 1))
    UnitFactory(code="UA9", parent=world.unit_a)

    found = measures.measure(["cash_differences"], province=world.province, **H1)

    assert found == {"cash_differences": {world.unit_a.pk: 0, world.unit_b.pk: 0, new.pk: 0}}


def test_units_are_of_the_province_and_do_not_contain_one_another(world: Any) -> None:
    inside = UnitFactory(code="UA1", name="Tổ giao dịch", parent=world.unit_a)

    with pytest.raises(DomainError):
        measures.measure(
            ["cash_differences"], province=world.province, units=[world.unit_a, inside], **H1
        )
    with pytest.raises(DomainError):
        measures.measure(
            ["cash_differences"], province=world.province, units=[world.other_province], **H1
        )
    with pytest.raises(DomainError):
        measures.measure(["no_such_criterion"], province=world.province, **H1)
    with pytest.raises(DomainError):
        measures.measure(
            ["cash_differences"],
            province=world.province,
            date_from=dt.date(2025, 2, 1),
            date_to=dt.date(2025, 1, 1),
        )


# --- people ----------------------------------------------------------------------------------

MARCH = {"date_from": dt.date(2026, 3, 1), "date_to": dt.date(2026, 3, 31)}


def deliver(
    postman: Any, point: Any, day: dt.date, outcome: str = "delivered", **item: Any
) -> None:
    """An item accepted Monday 02/03/2026 (3 days' full course: due Thursday 05/03) taken on
    ``postman``'s round on ``day``, with ``outcome``."""
    at = dt.datetime(day.year, day.month, day.day, 10, tzinfo=VIETNAM)
    one_round = DeliveryRound.objects.create(
        province_code=PROVINCE,
        point=point,
        postman=postman,
        day=day,
        status="closed",
        started_at=at,
    )
    DeliveryAttempt.objects.create(
        province_code=PROVINCE,
        round=one_round,
        item=ops_item(point=point, **item),
        outcome=outcome,
        attempted_at=at,
        delivered_at=at if outcome == "delivered" else None,
    )


@pytest.fixture
def postmen(world: Any) -> tuple[Any, Any]:
    return (
        UserFactory(username="postman_a", role="postman", unit=world.unit_a, point=world.point_a),
        UserFactory(username="postman_b", role="postman", unit=world.unit_b, point=world.point_b),
    )


def test_a_postman_is_measured_by_the_items_of_their_rounds(
    world: Any, postmen: tuple[Any, Any], clerk_a: Any
) -> None:
    postman, idle = postmen
    a = world.point_a
    deliver(postman, a, dt.date(2026, 3, 4))
    deliver(postman, a, dt.date(2026, 3, 5))  # the last day on time
    deliver(postman, a, dt.date(2026, 3, 6))  # late
    deliver(postman, a, dt.date(2026, 3, 9), returning=True)  # back to its sender
    deliver(postman, a, dt.date(2026, 3, 4), outcome="failed")
    deliver(postman, a, dt.date(2026, 4, 1))  # after the period

    found = measures.measure(
        ["deliveries", "deliveries_on_time_pct"], province=world.province, **MARCH
    )

    assert found == {
        "deliveries": {postman.pk: 4, idle.pk: 0},
        "deliveries_on_time_pct": {postman.pk: 66.7, idle.pk: None},
    }
    asked = measures.measure(
        ["deliveries"], province=world.province, people=[postman, clerk_a], **MARCH
    )
    assert asked == {"deliveries": {postman.pk: 4, clerk_a.pk: None}}


def test_a_clerk_is_measured_by_their_own_counter_entries(
    world: Any, clerk_a: Any, clerk_b: Any, postmen: tuple[Any, Any]
) -> None:
    a = world.point_a
    fee(a, 100_000, dt.date(2026, 3, 2), actor=clerk_a, vat=10_000)
    fee(a, 40_000, dt.date(2026, 3, 3), actor=clerk_a, vat=4_000)
    wrong = fee(a, 60_000, dt.date(2026, 3, 3), actor=clerk_a)
    ledger.entry_reverse(actor=clerk_a, entry=wrong, idempotency_key="emulation:undo")
    fee(a, 1_000_000, dt.date(2026, 3, 4), actor=clerk_a, kind=EntryKind.OPENING_BALANCE)
    fee(a, 70_000, dt.date(2026, 4, 1), actor=clerk_a)  # after the period
    fee(a, 5_000, dt.date(2026, 3, 2))  # nobody's

    found = measures.measure(
        ["counter_transactions", "counter_revenue"], province=world.province, **MARCH
    )

    assert found == {
        "counter_transactions": {clerk_a.pk: 2, clerk_b.pk: 0},
        "counter_revenue": {clerk_a.pk: 140_000, clerk_b.pk: 0},
    }
    mixed = measures.measure(
        ["counter_transactions", "deliveries"], province=world.province, **MARCH
    )
    assert set(mixed["deliveries"]) == {clerk_a.pk, clerk_b.pk, *(p.pk for p in postmen)}
    assert mixed["counter_transactions"][postmen[0].pk] is None


# --- rank ------------------------------------------------------------------------------------


def test_the_ranking_weighs_each_criterions_rank(world: Any, monkeypatch: Any) -> None:
    names = ["Bình Gia", "Cao Lộc", "Chi Lăng", "Đình Lập", "Hữu Lũng", "Lộc Bình"]
    u1, u2, u3, u4, u5, u6 = units = [
        UnitFactory(code=f"R{n}", name=name, parent=world.province) for n, name in enumerate(names)
    ]
    values = {
        "on_time_rate": {
            u1.pk: 98.0,
            u2.pk: 95.0,
            u3.pk: 98.0,
            u4.pk: None,
            u5.pk: None,
            u6.pk: 95.0,
        },
        "cash_differences": {u1.pk: 2, u2.pk: 0, u3.pk: 1, u4.pk: 0, u5.pk: None, u6.pk: 0},
    }
    monkeypatch.setattr(measures, "measure", lambda codes, **kw: {c: values[c] for c in codes})

    ranked = measures.rank(
        [("on_time_rate", 2), ("cash_differences", 1)], province=world.province, units=units, **H1
    )

    assert [(r.name, r.ranks, r.score, r.position) for r in ranked] == [
        ("Đình Lập", {"on_time_rate": None, "cash_differences": 1}, 1.0, 1),
        ("Chi Lăng", {"on_time_rate": 1, "cash_differences": 4}, 2.0, 2),  # (2×1 + 4) / 3
        ("Bình Gia", {"on_time_rate": 1, "cash_differences": 5}, 2.33, 3),
        ("Cao Lộc", {"on_time_rate": 3, "cash_differences": 1}, 2.33, 3),
        ("Lộc Bình", {"on_time_rate": 3, "cash_differences": 1}, 2.33, 3),
        ("Hữu Lũng", {"on_time_rate": None, "cash_differences": None}, None, 6),
    ]
    assert ranked[1].values == {"on_time_rate": 98.0, "cash_differences": 1}
    assert ranked[1].subject_id == u3.pk


def test_a_ranking_of_the_provinces_units_from_their_records(half_year: Any) -> None:
    ranked = measures.rank(
        [("revenue_plan_pct", 3), ("dossiers_on_time_pct", 1)], province=half_year.province, **H1
    )

    assert [(r.subject_id, r.values, r.score, r.position) for r in ranked] == [
        (half_year.unit_a.pk, {"revenue_plan_pct": 60.5, "dossiers_on_time_pct": None}, 1.0, 1),
        (half_year.unit_b.pk, {"revenue_plan_pct": 50.4, "dossiers_on_time_pct": 75.0}, 1.75, 2),
    ]


def test_a_ranking_is_of_one_subject_with_weights_of_one_or_more(world: Any) -> None:
    for weights in (
        [("on_time_rate", 1), ("deliveries", 1)],
        [("on_time_rate", 0)],
        [("on_time_rate", 1), ("on_time_rate", 2)],
        [],
    ):
        with pytest.raises(DomainError):
            measures.rank(weights, province=world.province, **H1)


# --- impact and display ----------------------------------------------------------------------


def test_an_initiatives_impact_compares_the_months_before_and_after(half_year: Any) -> None:
    rows = measures.impact(
        ["on_time_rate", "accounts_opened"],
        province=half_year.province,
        units=[half_year.unit_a, half_year.unit_b],
        applied_on=dt.date(2025, 4, 1),
        months=3,
    )

    ua, ub = half_year.unit_a.pk, half_year.unit_b.pk
    assert [(r["unit_id"], r["code"], r["before"], r["after"], r["change"]) for r in rows] == [
        (ua, "on_time_rate", 90.0, 95.0, 5.0),
        (ua, "accounts_opened", 1, 1, 0.0),
        (ub, "on_time_rate", None, None, None),
        (ub, "accounts_opened", 3, 0, -100.0),
    ]
    assert rows[0]["unit"] == half_year.unit_a.name
    assert rows[0]["label"] == str(CRITERIA["on_time_rate"].label)


def test_an_initiative_not_yet_applied_has_no_after(world: Any) -> None:
    rows = measures.impact(
        ["cash_differences"],
        province=world.province,
        units=[world.unit_a],
        applied_on=local_today() + dt.timedelta(days=10),
    )

    assert [(r["before"], r["after"], r["change"]) for r in rows] == [(0, None, None)]
    with pytest.raises(DomainError):
        measures.impact(
            ["deliveries"], province=world.province, units=[world.unit_a], applied_on=local_today()
        )


def test_a_value_is_described_as_a_page_shows_it(db: Any) -> None:
    assert measures.describe("on_time_rate", 96.5) == "96,5%"
    assert measures.describe("complaints_per_10000", 1.25) == "1,25"
    assert measures.describe("deliveries", 1234) == "1.234"
    assert measures.describe("counter_revenue", 138_500_000) == "138.500.000\xa0₫"
    assert measures.describe("accounts_opened", None) == "—"
