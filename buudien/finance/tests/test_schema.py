"""The ledger's tables can be distributed by province like the other large tables: each
carries ``province_code`` and every unique key includes it (DESIGN.md, "Scale")."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from buudien.core.bizdays import local_today
from buudien.finance.models import BusinessDay

TABLES = [
    "finance.Account",
    "finance.Entry",
    "finance.Transfer",
    "finance.BusinessDay",
    "finance.DailyBalance",
]


@pytest.mark.parametrize("label", TABLES)
def test_every_ledger_table_carries_the_province_code(label: str) -> None:
    field = apps.get_model(label)._meta.get_field("province_code")
    assert isinstance(field, models.CharField) and not field.null


@pytest.mark.parametrize("label", TABLES)
def test_every_unique_key_of_the_ledger_includes_the_province_code(label: str) -> None:
    model = apps.get_model(label)
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            assert "province_code" in constraint.fields, (label, constraint.name)
    assert [f.name for f in model._meta.concrete_fields if f.unique and not f.primary_key] == []


@pytest.mark.django_db
def test_an_accountant_closes_the_day_from_the_ledger_page(world, accountant, client_as):
    client = client_as(accountant)
    page = client.get(reverse("finance:index"))
    assert reverse("finance:day_close") in page.content.decode()
    response = client.post(
        reverse("finance:day_close"), {"province": "20", "day": local_today().isoformat()}
    )
    assert response.status_code == 302
    assert BusinessDay.objects.get(province_code="20", date=local_today()).closed_by == accountant


@pytest.mark.django_db
def test_a_clerk_gets_no_close_form_and_cannot_close(world, clerk_a, client_as):
    client = client_as(clerk_a)
    page = client.get(reverse("finance:index"))
    assert reverse("finance:day_close") not in page.content.decode()
    client.post(reverse("finance:day_close"), {"province": "20", "day": local_today().isoformat()})
    assert not BusinessDay.objects.exists()
