"""A superuser's scope is everything, also where it is joined to another condition by OR:
an empty Q() vanished from an OR (Q() | Q(point=None) is Q(point=None)), so a superuser saw the
ledger's province-wide accounts but not the points' drawers, and no province to choose."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Q

from buudien.finance import ledger, selectors
from buudien.finance.models import Account
from buudien.network.models import Unit
from buudien.people import access
from buudien.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(world: Any) -> Any:
    return UserFactory(username="root", role="admin", is_staff=True, is_superuser=True)


def test_a_superusers_scope_stays_everything_in_an_or(world: Any, superuser: Any) -> None:
    anywhere = access.scope_q(superuser, "path") | Q(code="nothing")
    assert Unit.objects.filter(anywhere).count() == Unit.objects.count() == 5


def test_a_superuser_sees_every_account_and_every_province(world: Any, superuser: Any) -> None:
    drawer = ledger.account_for_drawer(world.point_a)
    seen = Account.objects.filter(selectors.account_scope_q(superuser))
    assert drawer in seen
    assert [code for code, _name in selectors.province_choices(superuser)] == ["04", "20"]
