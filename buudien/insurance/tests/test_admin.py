"""Insurers and products in the admin, within the administrator's province; policies
read-only."""

from __future__ import annotations

from typing import Any

import pytest

from buudien.core.models import AuditEntry
from buudien.insurance.models import Insurer, Product
from buudien.insurance.tests.conftest import issue

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_an_administrator_adds_a_product_of_the_province(
    client_as: Any, admin_user: Any, products: Any
) -> None:
    client = client_as(admin_user)
    pti = Insurer.objects.get(code="pti")
    answer = client.post(
        "/admin/insurance/product/add/",
        {
            "province_code": "20",
            "insurer": pti.pk,
            "code": "pti-nha",
            "name": "Bảo hiểm nhà",
            "kind": "home",
            "term_months": 12,
            "premium": 0,
            "premium_min": 200_000,
            "premium_max": 100_000,
            "commission_bp": 1500,
        },
    )
    assert answer.status_code == 200  # the bounds are the wrong way round
    assert "below the lowest" in answer.content.decode()
    answer = client.post(
        "/admin/insurance/product/add/",
        {
            "province_code": "20",
            "insurer": pti.pk,
            "code": "pti-nha",
            "name": "Bảo hiểm nhà",
            "kind": "home",
            "term_months": 12,
            "premium": 0,
            "premium_min": 100_000,
            "premium_max": 0,
            "commission_bp": 1500,
        },
    )
    assert answer.status_code == 302
    assert Product.objects.filter(code="PTI-NHA").exists()
    assert AuditEntry.objects.filter(action="insurance.product").count() == 1


def test_policies_are_read_only_in_the_admin(
    client_as: Any, admin_user: Any, clerk_a: Any, products: Any
) -> None:
    policy = issue(clerk_a, clerk_a.point)
    client = client_as(admin_user)
    listing = client.get("/admin/insurance/policy/?q=nguyen van")
    assert policy.reference in listing.content.decode()
    assert client.get("/admin/insurance/policy/add/").status_code == 403


def test_an_insurer_code_is_kept_in_lowercase_for_the_ledger(
    client_as: Any, admin_user: Any, world: Any
) -> None:
    answer = client_as(admin_user).post(
        "/admin/insurance/insurer/add/",
        {"province_code": "20", "code": "BaoViet", "name": "Bảo Việt", "is_active": "on"},
    )
    assert answer.status_code == 302
    assert Insurer.objects.get().partner == "bh-baoviet"
