"""Two counters paying the same line at once, and a payment racing the close: the line is
paid once or returned, never both. On PostgreSQL only (SQLite has one writer at a time)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from buudien.core.models import AuditEntry
from buudien.finance.models import Account, Entry
from buudien.payouts import services
from buudien.payouts.choices import LineStatus
from buudien.payouts.models import Payment
from buudien.payouts.tests.conftest import ID_AN, ID_CHI, line_of

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


def test_two_counters_paying_one_line_pay_it_once(payout_list, clerk_a, clerk_b):
    line = line_of(payout_list, ID_CHI)

    def pay(clerk: Any, key: str) -> Any:
        return services.line_pay(
            actor=clerk, line_id=line.pk, presented_id=ID_CHI, idempotency_key=key
        )

    results = _race(lambda: pay(clerk_a, "a"), lambda: pay(clerk_b, "b"))

    assert sorted(type(r).__name__ for r in results) == ["DomainError", "Payment"]
    assert Payment.objects.filter(line=line).count() == 1
    assert Entry.objects.filter(idempotency_key=f"payouts:line:{line.pk}").count() == 1


def test_one_request_sent_three_times_at_once_pays_once_and_answers_each(payout_list, clerk_a):
    line = line_of(payout_list, ID_CHI)

    def pay() -> Any:
        return services.line_pay(
            actor=clerk_a, line_id=line.pk, presented_id=ID_CHI, idempotency_key="retry-1"
        )

    results = _race(pay, pay, pay)

    assert [type(r).__name__ for r in results] == ["Payment"] * 3
    assert len({r.pk for r in results}) == 1
    assert Entry.objects.filter(idempotency_key=f"payouts:line:{line.pk}").count() == 1
    assert AuditEntry.objects.filter(action="payouts.line").count() == 1


def test_a_payment_racing_the_close_is_paid_or_returned_never_both(
    payout_list, clerk_a, accountant
):
    line = line_of(payout_list, ID_AN)
    results = _race(
        lambda: services.line_pay(
            actor=clerk_a, line_id=line.pk, presented_id=ID_AN, idempotency_key="k"
        ),
        lambda: services.list_close(actor=accountant, list_id=payout_list.pk),
    )
    line.refresh_from_db()
    paid = Payment.objects.filter(line=line).exists()
    assert (line.status == LineStatus.PAID) == paid
    payout_list.refresh_from_db()
    expected = 10_500_000 - (4_500_000 if paid else 0)
    assert payout_list.returned_amount == expected, results
    assert Account.objects.get(code="1121.bidv").balance == 0
    assert Account.objects.get(code="1111.240001").balance == 0
