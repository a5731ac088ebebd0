"""Two confirmations of one payment at the same moment post once; one statement line cannot
confirm two requests. On PostgreSQL only (SQLite has one writer at a time)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from buudien.cashless import services
from buudien.cashless.choices import PaymentStatus
from buudien.cashless.models import PaymentEvent
from buudien.finance.models import Entry

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


def test_two_accountants_confirming_at_once_post_once(
    make_request: Any, accountant: Any, fund: Any, world: Any
) -> None:
    fund(world.point_a, 500_000)
    payment = make_request(amount=100_000)

    def confirm() -> Any:
        return services.payment_request_confirm(
            actor=accountant, request=payment, bank_reference="FT1"
        )

    results = _race(confirm, confirm, confirm)
    assert all(getattr(r, "status", None) == PaymentStatus.CONFIRMED for r in results), results
    assert Entry.objects.filter(idempotency_key=f"cashless:{payment.pk}").count() == 1
    assert PaymentEvent.objects.filter(request=payment, kind="confirmed").count() == 1


def test_one_bank_reference_races_for_two_requests_and_confirms_one(
    make_request: Any, accountant: Any, fund: Any, world: Any
) -> None:
    fund(world.point_a, 500_000)
    first, second = make_request(amount=100_000), make_request(amount=100_000)
    results = _race(
        lambda: services.payment_request_confirm(
            actor=accountant, request=first, bank_reference="FT7"
        ),
        lambda: services.payment_request_confirm(
            actor=accountant, request=second, bank_reference="FT7"
        ),
    )
    assert sorted(type(r).__name__ for r in results) == ["DomainError", "PaymentRequest"]
    assert Entry.objects.filter(idempotency_key__startswith="cashless:").count() == 1
