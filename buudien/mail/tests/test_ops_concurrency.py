# ruff: noqa: F811  (fixtures imported from ops_factories are parameters of the tests)
"""Two people pressing the same button at once: the step happens once. On PostgreSQL only
(SQLite has one writer at a time, so there is no race to lose there)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from buudien.core.errors import DomainError
from buudien.mail.choices import EventCode
from buudien.mail.models import BagItem, TrackingEvent
from buudien.mail.operations import services as operations
from buudien.mail.tests.money import posted_count
from buudien.mail.tests.ops_factories import SIGNED, ops_item, postman_b  # noqa: F401
from buudien.mail.tracking.services import event_record

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at the same moment, each in its own thread and connection; what each
    returned or raised."""
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


def test_two_clerks_scanning_one_item_into_two_bags_put_it_in_one(world, clerk_a):
    item = ops_item(point=world.point_a, delivery_point=world.point_b)
    first = operations.bag_open(actor=clerk_a, origin=world.point_a, destination=world.point_b)
    second = operations.bag_open(actor=clerk_a, origin=world.point_a, destination=world.point_b)
    results = _race(
        lambda: operations.bag_add_item(actor=clerk_a, bag=first, item=item),
        lambda: operations.bag_add_item(actor=clerk_a, bag=second, item=item),
    )
    assert sorted(type(r).__name__ for r in results) == ["BagItem", "DomainError"]
    assert BagItem.objects.filter(item=item, in_transit=True).count() == 1


def test_delivering_at_once_from_two_phones_books_the_cod_once(world, clerk_b, postman_b):
    item = ops_item(point=world.point_a, delivery_point=world.point_b, cod_amount=70_000)
    event_record(
        actor=clerk_b,
        item=item,
        code=EventCode.EMG,
        point=world.point_b,
        at=dt.datetime(2026, 3, 3, 7, 0),
    )
    delivery_round = operations.round_start(
        actor=clerk_b, postman=postman_b, point=world.point_b, items=[item]
    )
    attempt = delivery_round.attempts.get()

    def deliver() -> Any:
        return operations.attempt_deliver(
            actor=postman_b,
            attempt=attempt,
            recipient_name="An",
            cod_collected=70_000,
            signature=SIGNED,
        )

    results = _race(deliver, deliver, deliver)
    assert sum(isinstance(r, DomainError) for r in results) == 2
    assert posted_count(item, "cod_collected") == 1
    assert TrackingEvent.objects.filter(item=item, code="EMI").count() == 1


def test_dispatching_a_bag_twice_at_once_scans_it_out_once(world, clerk_a):
    items = [ops_item(point=world.point_a, delivery_point=world.point_b) for _ in range(5)]
    bag = operations.bag_open(actor=clerk_a, origin=world.point_a, destination=world.point_b)
    for item in items:
        operations.bag_add_item(actor=clerk_a, bag=bag, item=item)
    operations.bag_close(actor=clerk_a, bag=bag)
    results = _race(
        lambda: operations.bag_dispatch(actor=clerk_a, bag=bag),
        lambda: operations.bag_dispatch(actor=clerk_a, bag=bag),
    )
    assert sum(isinstance(r, DomainError) for r in results) == 1
    assert TrackingEvent.objects.filter(code="EMC").count() == 5
