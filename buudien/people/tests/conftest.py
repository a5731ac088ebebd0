"""The workforce's personas: the personnel officer of commune post A (``hr_a``) and a few
members of staff of A and B, with and without a login, who joined and left on known days."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from buudien.people.models import User
from buudien.people.tests.factories import UserFactory
from buudien.people.tests.factories import staff_member as staff


@pytest.fixture
def hr_a(world: Any) -> User:
    return UserFactory(username="hr_a", role="hr_officer", unit=world.unit_a)


@pytest.fixture
def crew(world: Any, clerk_a: Any, clerk_b: Any) -> dict[str, User]:
    """At A: clerk_a (a login, contract not recorded), an indefinite postman since 2010 who
    left on 1 June 2026, a seasonal one who joined on 1 March 2026; at B: clerk_b and a
    BĐVHX's service-contract staff since 2018 at point B."""
    return {
        "leaver": staff(
            world.unit_a,
            "Hoàng Văn Nam",
            staff_code="NV001",
            contract_type="indefinite",
            employed_from=dt.date(2010, 5, 1),
            employed_until=dt.date(2026, 6, 1),
        ),
        "joiner": staff(
            world.unit_a,
            "Lường Thị Hoa",
            staff_code="NV002",
            contract_type="seasonal",
            employed_from=dt.date(2026, 3, 1),
        ),
        "bdvhx": staff(
            world.unit_b,
            "Đinh Thị Xuân",
            staff_code="NV003",
            contract_type="service",
            point=world.point_b,
            employed_from=dt.date(2018, 1, 1),
        ),
    }
