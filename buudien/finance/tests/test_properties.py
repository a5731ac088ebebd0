"""Property tests: whatever the sequence of operations (postings, attempts to overdraw,
reversals, retries under the same key, malformed amounts), the ledger sums to zero, every
balance is the sum of its transfers, no drawer or bank goes below zero, the daily rollups are
a GROUP BY of the transfers, and a retried key posts once.

A rule-based state machine drives the ledger's services against a model of the balances in
plain Python; each example runs in a transaction rolled back at its end.
"""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Count, Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from buudien.core.errors import DomainError
from buudien.finance import ledger
from buudien.finance.choices import DEBIT_NORMAL, EntryKind
from buudien.finance.ledger import Leg
from buudien.finance.models import Account, DailyBalance, Entry, Transfer

pytestmark = pytest.mark.django_db

PROVINCE = "20"
OPENING = 400_000
amounts = st.one_of(st.integers(1, 300_000), st.integers(300_000, 1_500_000))
leg_specs = st.lists(
    st.tuples(st.integers(0, 6), st.integers(1, 6), amounts), min_size=1, max_size=3
)


class LedgerMachine(RuleBasedStateMachine):
    world: Any = None
    stats: Counter[str] = Counter()
    posted = Bundle("posted")

    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        w = self.world
        self.accounts = [
            ledger.account_for_drawer(w.point_a),  # never below zero
            ledger.account_for_drawer(w.point_b),  # never below zero
            ledger.account_for_bank(PROVINCE, "bidv"),  # never below zero
            ledger.account_for_revenue(PROVINCE, "registered"),
            ledger.account_vat_payable(PROVINCE),
            ledger.account_for_partner(PROVINCE, "evn"),
            ledger.account_expenses(PROVINCE),
            ledger.account_owner_capital(PROVINCE),
        ]
        self.model = {a.pk: 0 for a in self.accounts}
        self.requests: dict[str, tuple[str, list[Leg], int]] = {}
        self.reversed: set[int] = set()
        self.keys = itertools.count()
        # The drawers and the bank start with some money, so that pay-outs can succeed.
        capital = self.accounts[7]
        for account in self.accounts[:3]:
            key = f"open:{account.code}"
            legs = [Leg(debit=account, credit=capital, amount=OPENING)]
            entry = self._post(key, EntryKind.OPENING_BALANCE, legs)
            self.requests[key] = (EntryKind.OPENING_BALANCE, legs, entry.pk)
            self.model[account.pk] += OPENING
            self.model[capital.pk] += OPENING

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- helpers ---

    def _legs(self, specs: list[tuple[int, int, int]]) -> list[Leg]:
        n = len(self.accounts)
        return [
            Leg(debit=self.accounts[d % n], credit=self.accounts[(d + off) % n], amount=amount)
            for d, off, amount in specs
        ]

    def _deltas(self, legs: list[Leg]) -> dict[int, int]:
        deltas = dict.fromkeys(self.model, 0)
        for leg in legs:
            deltas[leg.debit.pk] += leg.amount if leg.debit.kind in DEBIT_NORMAL else -leg.amount
            deltas[leg.credit.pk] += -leg.amount if leg.credit.kind in DEBIT_NORMAL else leg.amount
        return deltas

    def _fits(self, deltas: dict[int, int]) -> bool:
        return all(a.allow_negative or self.model[a.pk] + deltas[a.pk] >= 0 for a in self.accounts)

    def _snapshot(self) -> tuple[int, int, dict[int, int]]:
        return (
            Entry.objects.count(),
            Transfer.objects.count(),
            dict(Account.objects.values_list("pk", "balance")),
        )

    def _post(self, key: str, kind: str, legs: list[Leg]) -> Entry:
        return ledger.entry_post(
            actor=None,
            idempotency_key=key,
            kind=kind,
            reference=f"ref:{key}",
            legs=legs,
            province_code=PROVINCE,
        )

    # --- rules ---

    @rule(target=posted, specs=leg_specs)
    def post(self, specs: list[tuple[int, int, int]]) -> Any:
        legs = self._legs(specs)
        key = f"k{next(self.keys)}"
        deltas = self._deltas(legs)
        before = self._snapshot()
        try:
            entry = self._post(key, EntryKind.COLLECTION, legs)
        except DomainError as exc:
            assert not self._fits(deltas), exc
            assert "Not enough money" in str(exc)
            assert self._snapshot() == before
            self.stats["post refused"] += 1
            return multiple()  # nothing to add to the bundle
        assert self._fits(deltas)
        for pk, delta in deltas.items():
            self.model[pk] += delta
        self.requests[key] = (EntryKind.COLLECTION, legs, entry.pk)
        self.stats["post"] += 1
        return key

    @rule(specs=leg_specs)
    def fund_then_overdraw(self, specs: list[tuple[int, int, int]]) -> None:
        """Pay out of drawer A more than it holds: always refused, nothing changes."""
        drawer, partner = self.accounts[0], self.accounts[5]
        amount = self.model[drawer.pk] + specs[0][2]
        before = self._snapshot()
        with pytest.raises(DomainError, match="Not enough money"):
            self._post(
                f"k{next(self.keys)}",
                EntryKind.PENSION,
                [Leg(debit=partner, credit=drawer, amount=amount)],
            )
        assert self._snapshot() == before

    @rule(key=posted)
    def retry(self, key: str) -> None:
        kind, legs, entry_id = self.requests[key]
        before = self._snapshot()
        assert self._post(key, kind, list(reversed(legs))).pk == entry_id
        assert self._snapshot() == before

    @rule(key=posted, extra=amounts)
    def reuse_key_for_another_request(self, key: str, extra: int) -> None:
        kind, legs, _entry = self.requests[key]
        changed = [Leg(legs[0].debit, legs[0].credit, legs[0].amount + extra), *legs[1:]]
        before = self._snapshot()
        with pytest.raises(DomainError, match="Idempotency key reused"):
            self._post(key, kind, changed)
        assert self._snapshot() == before

    @rule(key=consumes(posted))
    def reverse(self, key: str) -> None:
        _kind, legs, entry_id = self.requests[key]
        entry = Entry.objects.get(pk=entry_id)
        mirror = [Leg(leg.credit, leg.debit, leg.amount) for leg in legs]
        deltas = self._deltas(mirror)
        before = self._snapshot()
        try:
            reversal = ledger.entry_reverse(actor=None, entry=entry, idempotency_key=f"rev:{key}")
        except DomainError as exc:
            assert not self._fits(deltas), exc
            assert self._snapshot() == before
            self.stats["reversal refused"] += 1
            return
        self.stats["reversal"] += 1
        assert self._fits(deltas)
        for pk, delta in deltas.items():
            self.model[pk] += delta
        self.reversed.add(entry_id)
        # A second reversal and a reversal of the reversal are refused.
        with pytest.raises(DomainError, match="already reversed"):
            ledger.entry_reverse(actor=None, entry=entry, idempotency_key=f"rev2:{key}")
        with pytest.raises(DomainError, match="cannot be reversed"):
            ledger.entry_reverse(actor=None, entry=reversal, idempotency_key=f"rev3:{key}")

    @rule(
        bad=st.one_of(
            st.integers(max_value=0),
            st.floats(allow_nan=False, min_value=-1e9, max_value=1e9),
            st.booleans(),
        )
    )
    def malformed_amount(self, bad: Any) -> None:
        before = self._snapshot()
        with pytest.raises(DomainError):
            self._post(
                f"k{next(self.keys)}",
                EntryKind.COLLECTION,
                [Leg(debit=self.accounts[3], credit=self.accounts[4], amount=bad)],
            )
        assert self._snapshot() == before

    # --- invariants ---

    @invariant()
    def it_sums_to_zero(self) -> None:
        signed = 0
        for kind, balance in Account.objects.values_list("kind", "balance"):
            signed += balance if kind in DEBIT_NORMAL else -balance
        assert signed == 0

    @invariant()
    def balances_are_the_model_and_the_sum_of_transfers(self) -> None:
        debits = dict(Transfer.objects.values_list("debit_id").annotate(s=Sum("amount")).order_by())
        credits = dict(
            Transfer.objects.values_list("credit_id").annotate(s=Sum("amount")).order_by()
        )
        for account in Account.objects.all():
            net = debits.get(account.pk, 0) - credits.get(account.pk, 0)
            assert account.balance == (net if account.kind in DEBIT_NORMAL else -net)
            assert account.balance == self.model[account.pk]
            if not account.allow_negative:
                assert account.balance >= 0

    @invariant()
    def rollups_are_a_group_by_of_the_transfers(self) -> None:
        grouped: dict[tuple[Any, int], list[int]] = {}
        for side, index in (("debit_id", 0), ("credit_id", 1)):
            rows = (
                Transfer.objects.values("business_date", side)
                .annotate(total=Sum("amount"), n=Count("id"))
                .order_by()
            )
            for row in rows:
                cell = grouped.setdefault((row["business_date"], row[side]), [0, 0, 0])
                cell[index] += row["total"]
                cell[2] += row["n"]
        rollups = {
            (r.date, r.account_id): [r.debit_total, r.credit_total, r.transfer_count]
            for r in DailyBalance.objects.all()
        }
        assert rollups == grouped

    @invariant()
    def each_key_posted_once(self) -> None:
        assert Entry.objects.exclude(kind=EntryKind.REVERSAL).count() == len(self.requests)
        assert Entry.objects.filter(kind=EntryKind.REVERSAL).count() == len(self.reversed)


def test_the_ledger_keeps_its_invariants_whatever_happens(world: Any) -> None:
    LedgerMachine.world = world
    LedgerMachine.stats = Counter()
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
    # The run went through both sides of every rule that can go either way.
    stats = LedgerMachine.stats
    assert min(stats["post"], stats["post refused"], stats["reversal"]) > 0, stats
