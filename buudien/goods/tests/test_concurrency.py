"""Clerks selling the last units at once: exactly the stock is sold, never below zero. On
PostgreSQL only (SQLite has one writer at a time, so there is no race to lose there)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.db.models import Sum

from buudien.core.errors import DomainError
from buudien.finance.models import Account
from buudien.goods import services, stock
from buudien.goods.models import Sale, StockLevel, StockMovement
from buudien.goods.tests.conftest import MILK, MONDAY, YOGHURT
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
        thread.join(timeout=60)
    return results


def _sell(actor: Any, point: Any, key: str, lines: list[dict[str, Any]]) -> Any:
    return services.sale_make(actor=actor, point=point, idempotency_key=key, lines=lines, at=MONDAY)


def test_concurrent_sales_sell_exactly_the_stock(stocked, clerk_a, world):
    other = UserFactory(username="clerk_a2", role="clerk", unit=world.unit_a, point=stocked)
    calls = [
        (
            lambda n=n: _sell(
                clerk_a if n % 2 else other,
                stocked,
                f"s{n}",
                [{"code": MILK, "quantity": 3}, {"code": YOGHURT, "quantity": 1}],
            )
        )
        for n in range(6)
    ]
    results = _race(*calls)

    sold = [r for r in results if isinstance(r, Sale)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(sold) == 3 and len(refused) == 3, results  # 10 milk: three sales of 3
    level = StockLevel.objects.get(point=stocked, product__barcode=MILK)
    assert (level.quantity, level.value) == (1, 6_000)
    assert StockLevel.objects.get(point=stocked, product__barcode=YOGHURT).quantity == 1
    assert stock.stock_verify() == []
    moved = StockMovement.objects.filter(point=stocked).aggregate(v=Sum("value"))["v"]
    assert Account.objects.get(code="156.240001").balance == moved


def test_the_last_unit_is_sold_once(stocked, clerk_a):
    _sell(clerk_a, stocked, "first", [{"code": MILK, "quantity": 9}])
    results = _race(
        *[
            (lambda n=n: _sell(clerk_a, stocked, f"last{n}", [{"code": MILK, "quantity": 1}]))
            for n in range(4)
        ]
    )
    assert sum(isinstance(r, Sale) for r in results) == 1, results
    assert StockLevel.objects.get(point=stocked, product__barcode=MILK).quantity == 0
    assert stock.stock_verify() == []
