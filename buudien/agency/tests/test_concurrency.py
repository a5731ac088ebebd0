"""Two clerks pressing the same button at once: the money moves once. On PostgreSQL only
(SQLite has one writer at a time, so there is no race to lose there)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from buudien.agency import services
from buudien.agency.models import Remittance, SavingsBook, SavingsTransaction
from buudien.agency.tests.helpers import RECIPIENT_CID, deposit, send, withdraw
from buudien.finance.models import Entry
from buudien.people.tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(*calls: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_withdrawals_racing_for_one_book_pay_once(world, clerk_a):
    deposit(clerk_a, world.point_a)  # 10,000,000 on the book and in the drawer
    results = _race(
        lambda: withdraw(clerk_a, world.point_a, key="w1", amount=7_000_000),
        lambda: withdraw(clerk_a, world.point_a, key="w2", amount=7_000_000),
    )
    assert sorted(type(r).__name__ for r in results) == ["DomainError", "SavingsTransaction"]
    assert SavingsBook.objects.get().balance == 3_000_000
    assert SavingsTransaction.objects.filter(kind="withdrawal").count() == 1


def test_one_request_sent_twice_at_once_records_once(world, clerk_a):
    results = _race(
        lambda: deposit(clerk_a, world.point_a, key="same"),
        lambda: deposit(clerk_a, world.point_a, key="same"),
    )
    assert all(isinstance(r, SavingsTransaction) for r in results), results
    assert results[0].pk == results[1].pk
    assert SavingsBook.objects.get().balance == 10_000_000
    assert Entry.objects.filter(kind="savings_deposit").count() == 1


def test_two_clerks_paying_one_remittance_pay_it_once(world, clerk_a, clerk_b, fund):
    other = UserFactory(username="clerk_b2", role="clerk", unit=world.unit_b, point=world.point_b)
    rem = send(clerk_a, world.point_a, world.point_b)
    fund(world.point_b, 10_000_000)

    def pay(actor: Any, key: str) -> Any:
        return services.remittance_pay(
            actor=actor,
            point=world.point_b,
            idempotency_key=key,
            number=rem.reference,
            secret_code=rem.secret_code,
            recipient_citizen_id=RECIPIENT_CID,
        )

    results = _race(lambda: pay(clerk_b, "p1"), lambda: pay(other, "p2"))
    assert sorted(type(r).__name__ for r in results) == ["DomainError", "Remittance"]
    assert Remittance.objects.get().status == "paid"
    assert Entry.objects.filter(reference__startswith="agency:TC").count() == 1
