"""DailyFigure, the rollup per (province, day, point, unit, service) that planning reads: kept by
every posting and reversal, equal to a GROUP BY of the transfers, rebuilt idempotently."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from buudien.core.bizdays import local_today
from buudien.core.errors import DomainError
from buudien.finance import ledger
from buudien.finance.choices import AccountKind, EntryKind
from buudien.finance.ledger import Leg
from buudien.finance.models import Account, DailyFigure, Entry, MonthlyFigure, Transfer
from buudien.finance.tests.conftest import PROVINCE

pytestmark = pytest.mark.django_db

TODAY = local_today()
_keys = itertools.count(1)
Key = tuple[str, dt.date, int | None, int | None, str]
Figures = dict[Key, tuple[int, int, int, int, int]]


def stored() -> Figures:
    return {
        (f.province_code, f.date, f.point_id, f.unit_id, f.service): (
            f.revenue,
            f.volume,
            f.turnover,
            f.expense,
            f.budget,
        )
        for f in DailyFigure.objects.all()
    }


def monthly_is_the_sum_of_daily() -> bool:
    """MonthlyFigure holds the sums of DailyFigure per month (rows of zeros aside)."""
    sums: dict[Key, list[int]] = defaultdict(lambda: [0] * 5)
    for key, values in stored().items():
        row = sums[(key[0], key[1].replace(day=1), key[2], key[3], key[4])]
        for i, value in enumerate(values):
            row[i] += value
    expected = {k: tuple(v) for k, v in sums.items() if any(v)}
    months = {
        (m.province_code, m.month, m.point_id, m.unit_id, m.service): (
            m.revenue, m.volume, m.turnover, m.expense, m.budget,
        )
        for m in MonthlyFigure.objects.all()
    }  # fmt: skip
    return {k: v for k, v in months.items() if any(v)} == expected


def from_transfers() -> Figures:
    """The figures computed again, in Python, from the raw entries and transfers."""
    kinds = dict(Account.objects.values_list("pk", "kind"))
    owners = dict(Account.objects.values_list("pk", "unit_id"))
    entries = {e.pk: e for e in Entry.objects.select_related("reverses")}
    sums: dict[Key, list[int]] = defaultdict(lambda: [0] * 5)
    seen: set[tuple[int, int | None, int | None, str]] = set()
    for t in Transfer.objects.order_by("id"):
        entry = entries[t.entry_id]
        sign = -1 if entry.kind == EntryKind.REVERSAL else 1
        kind = entry.reverses.kind if entry.reverses is not None else entry.kind
        unit = None  # a point-less cost belongs to the owner of its expense account
        if t.point_id is None and kinds[t.debit_id] == AccountKind.EXPENSE:
            unit = owners[t.debit_id]
        elif t.point_id is None and kinds[t.credit_id] == AccountKind.EXPENSE:
            unit = owners[t.credit_id]
        row = sums[(t.province_code, t.business_date, t.point_id, unit, t.service)]
        if kinds[t.credit_id] == AccountKind.REVENUE:
            row[0] += t.amount
        if kinds[t.debit_id] == AccountKind.REVENUE:
            row[0] -= t.amount
        if (t.entry_id, t.point_id, unit, t.service) not in seen:
            seen.add((t.entry_id, t.point_id, unit, t.service))
            row[1] += sign
        row[2] += sign * t.amount
        if kinds[t.debit_id] == AccountKind.EXPENSE:
            row[3] += t.amount
        if kinds[t.credit_id] == AccountKind.EXPENSE:
            row[3] -= t.amount
        if kind == EntryKind.BUDGET_CONTRIBUTION:
            row[4] += sign * t.amount
    return {key: (r[0], r[1], r[2], r[3], r[4]) for key, r in sums.items()}


@pytest.fixture
def accounts(world: Any, fund: Any) -> dict[str, Account]:
    found = {
        "a": ledger.account_for_drawer(world.point_a),
        "b": ledger.account_for_drawer(world.point_b),
        "registered": ledger.account_for_revenue(PROVINCE, "registered"),
        "pension": ledger.account_for_revenue(PROVINCE, "pension"),
        "vat": ledger.account_vat_payable(PROVINCE),
        "expenses": ledger.account_expenses(PROVINCE),
        "partner": ledger.account_for_partner(PROVINCE, "bhxh"),
    }
    fund(found["a"], 50_000_000)
    fund(found["b"], 50_000_000)
    return found


def _fee(
    accounts: dict[str, Account], drawer: str = "a", amount: int = 100_000, **kw: Any
) -> Entry:
    return ledger.entry_post(
        actor=None,
        idempotency_key=f"fee:{next(_keys)}",
        kind=EntryKind.FEE,
        reference="item:1",
        legs=[
            Leg(accounts[drawer], accounts["registered"], amount, "registered"),
            Leg(accounts[drawer], accounts["vat"], amount // 10 + 1, "registered"),
        ],
        province_code=PROVINCE,
        **kw,
    )


def test_a_fee_adds_its_revenue_volume_and_turnover_at_its_point(world, accounts):
    _fee(accounts, amount=100_000)
    _fee(accounts, amount=50_000)
    figure = DailyFigure.objects.get(point=world.point_a, service="registered")
    assert (figure.date, figure.revenue, figure.volume, figure.turnover) == (
        TODAY,
        150_000,
        2,
        165_002,
    )
    assert (figure.expense, figure.budget) == (0, 0)


def test_a_reversal_takes_back_revenue_and_counts_minus_one(world, accounts):
    entry = _fee(accounts, amount=100_000)
    _fee(accounts, amount=40_000)
    ledger.entry_reverse(actor=None, entry=entry, idempotency_key="rev:1")
    figure = DailyFigure.objects.get(point=world.point_a, service="registered")
    assert (figure.revenue, figure.volume, figure.turnover) == (40_000, 1, 44_001)


def test_expenses_and_budget_payments_are_rolled_up_without_a_point(world, accounts):
    ledger.entry_post(
        actor=None,
        idempotency_key="exp:1",
        kind=EntryKind.EXPENSE,
        reference="invoice:7",
        legs=[Leg(accounts["expenses"], accounts["a"], 3_000_000)],
        province_code=PROVINCE,
    )
    budget = ledger.entry_post(
        actor=None,
        idempotency_key="budget:1",
        kind=EntryKind.BUDGET_CONTRIBUTION,
        reference="tax:2023-12",
        legs=[Leg(accounts["vat"], accounts["b"], 1_200_000)],
        province_code=PROVINCE,
    )
    assert DailyFigure.objects.get(point=world.point_a, service="").expense == 3_000_000
    assert DailyFigure.objects.get(point=world.point_b, service="").budget == 1_200_000
    ledger.entry_reverse(actor=None, entry=budget, idempotency_key="budget:1:rev")
    assert DailyFigure.objects.get(point=world.point_b, service="").budget == 0
    assert stored() == from_transfers()


def test_a_retried_key_counts_once(world, accounts):
    entry = _fee(accounts, amount=100_000)
    again = ledger.entry_post(
        actor=None,
        idempotency_key=entry.idempotency_key,
        kind=EntryKind.FEE,
        reference="item:1",
        legs=[
            Leg(accounts["a"], accounts["registered"], 100_000, "registered"),
            Leg(accounts["a"], accounts["vat"], 10_001, "registered"),
        ],
        province_code=PROVINCE,
    )
    assert again.pk == entry.pk
    assert DailyFigure.objects.get(point=world.point_a, service="registered").volume == 1


def test_a_refused_posting_adds_nothing(world, accounts):
    before = stored()
    with pytest.raises(DomainError):
        ledger.entry_post(
            actor=None,
            idempotency_key="too-much",
            kind=EntryKind.PENSION,
            reference="pension:1",
            legs=[Leg(accounts["partner"], accounts["a"], 10**12, "pension")],
            province_code=PROVINCE,
        )
    assert stored() == before


def test_rebuild_gives_the_same_rows_and_is_idempotent(world, accounts):
    first = _fee(accounts, amount=70_000, business_date=TODAY - dt.timedelta(days=2))
    _fee(accounts, drawer="b", amount=30_000)
    ledger.entry_reverse(actor=None, entry=first, idempotency_key="r")
    kept = stored()
    DailyFigure.objects.filter(date=TODAY).update(revenue=1)  # damage it
    DailyFigure.objects.create(
        province_code=PROVINCE, date=TODAY - dt.timedelta(days=30), service="other", revenue=5
    )  # a stray row of a day without transfers
    call_command("ledger", "rebuild-rollups", "--province", PROVINCE)
    MonthlyFigure.objects.update(volume=99)  # damage it
    call_command("ledger", "rebuild-rollups", "--province", PROVINCE)
    assert stored() == kept == from_transfers()
    assert monthly_is_the_sum_of_daily()
    ledger.rollups_rebuild()
    assert stored() == kept
    assert monthly_is_the_sum_of_daily()


operations = st.lists(
    st.tuples(
        st.sampled_from(["fee_a", "fee_b", "pension", "expense", "budget", "reverse"]),
        st.integers(1, 2_000_000),
        st.integers(0, 3),
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_the_rollup_is_the_group_by_of_the_transfers(world, accounts, ops):
    with transaction.atomic():
        posted: list[Entry] = []
        for name, amount, days_ago in ops:
            day = TODAY - dt.timedelta(days=days_ago)
            key = f"op:{next(_keys)}"
            if name in ("fee_a", "fee_b"):
                posted.append(_fee(accounts, drawer=name[-1], amount=amount, business_date=day))
            elif name == "pension":
                posted.append(
                    ledger.entry_post(
                        actor=None,
                        idempotency_key=key,
                        kind=EntryKind.PENSION,
                        reference="pension",
                        legs=[
                            Leg(accounts["partner"], accounts["b"], amount, "pension"),
                            Leg(
                                accounts["partner"],
                                accounts["pension"],
                                amount // 100 + 1,
                                "pension",
                            ),
                        ],
                        province_code=PROVINCE,
                        point=world.point_b,
                        business_date=day,
                    )
                )
            elif name in ("expense", "budget"):
                posted.append(
                    ledger.entry_post(
                        actor=None,
                        idempotency_key=key,
                        kind=EntryKind.EXPENSE
                        if name == "expense"
                        else EntryKind.BUDGET_CONTRIBUTION,
                        reference=name,
                        legs=[
                            Leg(
                                accounts["expenses" if name == "expense" else "vat"],
                                accounts["partner"],
                                amount,
                            )
                        ],
                        province_code=PROVINCE,
                        business_date=day,
                    )
                )
            elif posted:
                ledger.entry_reverse(actor=None, entry=posted.pop(0), idempotency_key=key)
        assert stored() == from_transfers()
        assert monthly_is_the_sum_of_daily()
        ledger.rollups_rebuild(province_code=PROVINCE)
        assert stored() == from_transfers()
        assert monthly_is_the_sum_of_daily()
        transaction.set_rollback(True)
