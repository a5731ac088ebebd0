"""On PostgreSQL, two clerks' requests at once: the COD of an item is paid once, a
difference is booked once (SQLite serialises writers; these need a real server)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from buudien.cashdesk import services
from buudien.cashdesk.models import CodPayout, CodPayoutItem
from buudien.core.errors import DomainError
from buudien.finance.choices import EntryKind
from buudien.finance.models import Entry

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; each result or the DomainError raised."""
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            start.wait()
            results[index] = call()
        except DomainError as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_two_payouts_of_the_same_items_at_once_pay_once(world, clerk_a, drawer_a, fund, cod_item):
    fund(drawer_a, 1_000_000)
    s10s = [cod_item(250_000).s10, cod_item(150_000).s10]

    def pay(key: str) -> Any:
        return lambda: services.cod_payout(
            actor=clerk_a, items=s10s, method="cash", idempotency_key=key
        )

    results = _at_once(pay("a"), pay("b"), pay("c"))
    paid = [r for r in results if isinstance(r, CodPayout)]
    assert len(paid) == 1 and all(isinstance(r, DomainError) for r in results if r not in paid)
    assert CodPayout.objects.count() == 1 and CodPayoutItem.objects.count() == 2
    assert Entry.objects.filter(kind=EntryKind.COD_PAID).count() == 1
    drawer_a.refresh_from_db()
    assert drawer_a.balance == 600_000


def test_two_approvals_at_once_book_once(world, clerk_a, drawer_a, fund):
    from buudien.people.tests.factories import UserFactory

    accountant = UserFactory(username="acc", role="accountant", unit=world.province)
    fund(drawer_a, 100_000)
    closing = services.closing_submit(
        actor=clerk_a, point=world.point_a, counts={"50000": 1}, coins=0
    )

    def approve() -> Any:
        return services.closing_approve(actor=accountant, closing_id=closing.pk)

    results = _at_once(approve, approve, approve)
    assert any(not isinstance(r, DomainError) for r in results)
    assert Entry.objects.filter(kind=EntryKind.CASH_DISCREPANCY).count() == 1
    drawer_a.refresh_from_db()
    assert drawer_a.balance == 50_000


def test_a_confirmation_and_a_refusal_at_once_move_the_cash_once(world, clerk_a, drawer_a, fund):
    """The receiving clerk confirms while a director refuses: one of them wins, the cash
    leaves cash in transit once (into the receiving drawer or back)."""
    from buudien.cashdesk.models import CashHandover
    from buudien.finance import ledger
    from buudien.people.tests.factories import UserFactory

    clerk_b = UserFactory(username="cb", role="clerk", unit=world.unit_b, point=world.point_b)
    director = UserFactory(username="dir", role="director", unit=world.province)
    fund(drawer_a, 300_000)
    done = services.handover_record(
        actor=clerk_a,
        point=world.point_a,
        amount=300_000,
        to_point=world.point_b,
        idempotency_key="k",
    )

    def confirm() -> Any:
        return services.handover_confirm(actor=clerk_b, handover_id=done.pk)

    def refuse() -> Any:
        return services.handover_refuse(actor=director, handover_id=done.pk, reason="thiếu")

    results = _at_once(confirm, refuse, confirm, refuse)
    assert any(isinstance(r, CashHandover) for r in results)
    assert Entry.objects.filter(kind=EntryKind.CASH_TRANSFER).count() == 2
    assert ledger.account_cash_in_transit("20").balance == 0
    a, b = (ledger.account_for_drawer(p).balance for p in (world.point_a, world.point_b))
    assert sorted([a, b]) == [0, 300_000]
