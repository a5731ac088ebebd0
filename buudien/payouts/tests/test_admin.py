"""The admin of payouts keeps each administrator to the provinces of their scope: they list,
open and add only their own province's payers and lists; a superuser sees every province."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from buudien.payouts.models import Payer
from buudien.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_04(world: Any) -> Any:
    return UserFactory(username="admin04", role="admin", unit=world.other_province, is_staff=True)


def test_another_provinces_administrator_neither_lists_nor_opens_the_list(
    client_as: Any, payout_list: Any, admin_04: Any, admin_user: Any
) -> None:
    client = client_as(admin_04)
    for name in ("payoutlist", "payoutline", "payer"):
        listed = client.get(reverse(f"admin:payouts_{name}_changelist"))
        assert listed.status_code == 200 and listed.context["cl"].result_count == 0, name
    opened = client.get(reverse("admin:payouts_payoutlist_change", args=[payout_list.pk]))
    assert opened.status_code == 302  # "not found", back to the admin's index
    own = client_as(admin_user).get(reverse("admin:payouts_payoutline_changelist"))
    assert own.context["cl"].result_count == 3


def test_an_administrator_adds_a_payer_in_their_own_province_only(
    client_as: Any, world: Any, admin_user: Any
) -> None:
    client = client_as(admin_user)
    fields = {
        "code": "ldtbxh",
        "name": "Sở Nội vụ tỉnh Lạng Sơn",
        "service": "disbursement",
        "bank": "bidv",
        "commission_per_line": "1000",
        "commission_rate_bp": "0",
        "active": "on",
    }
    url = reverse("admin:payouts_payer_add")
    elsewhere = client.post(url, {**fields, "province_code": "04"})
    assert elsewhere.status_code == 200 and "province_code" in elsewhere.context["adminform"].errors
    assert not Payer.objects.exists()
    assert client.post(url, {**fields, "province_code": "20"}).status_code == 302
    assert Payer.objects.get().province_code == "20"
