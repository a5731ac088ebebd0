"""Clerks selling the last codes at once: each code is sold exactly once, never twice. On
PostgreSQL only (SQLite has one writer at a time, so there is no race to lose there)."""

from __future__ import annotations

import pytest

from buudien.core.errors import DomainError
from buudien.goods.tests.test_concurrency import _race
from buudien.people.tests.factories import UserFactory
from buudien.telecom import services
from buudien.telecom.choices import PinStatus
from buudien.telecom.models import Pin, PinSale
from buudien.telecom.tests.conftest import MONDAY

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_last_codes_are_each_sold_once(stocked, clerk_a, world):
    other = UserFactory(username="clerk_a2", role="clerk", unit=world.unit_a, point=world.point_a)

    def sell(n: int) -> object:
        return services.pins_sell(
            actor=clerk_a if n % 2 else other,
            point=world.point_a,
            idempotency_key=f"race{n}",
            operator="viettel",
            face_value=100_000,
            quantity=1,
            at=MONDAY,
        )

    results = _race(*[(lambda n=n: sell(n)) for n in range(6)])

    sold = [r for r in results if isinstance(r, PinSale)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(sold) == 3 and len(refused) == 3, results
    pins = Pin.objects.filter(face_value=100_000)
    assert pins.filter(status=PinStatus.SOLD).count() == 3
    assert sorted(pins.values_list("sale_id", flat=True)) == sorted(s.pk for s in sold)
