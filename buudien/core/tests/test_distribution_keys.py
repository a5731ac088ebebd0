"""The large tables can be distributed by province (Citus-style) without redesign: each
carries ``province_code`` and every unique key includes it (DESIGN.md, "Scale")."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models

# Tables that grow with the traffic of a province: millions of rows a year.
LARGE_TABLES = [
    "mail.PostalItem",
    "mail.TrackingEvent",
    "mail.Bag",
    "mail.BagItem",
    "mail.DeliveryAttempt",
    "finance.Entry",
    "finance.Transfer",
    "finance.DailyBalance",
]


@pytest.mark.parametrize("label", LARGE_TABLES)
def test_large_tables_carry_the_province_code(label: str) -> None:
    model = apps.get_model(label)
    field = model._meta.get_field("province_code")
    assert isinstance(field, models.CharField) and not field.null


@pytest.mark.parametrize("label", LARGE_TABLES)
def test_every_unique_key_of_a_large_table_includes_the_province_code(label: str) -> None:
    model = apps.get_model(label)
    uniques = [c for c in model._meta.constraints if isinstance(c, models.UniqueConstraint)]
    for constraint in uniques:
        assert "province_code" in constraint.fields, (label, constraint.name)
    unique_fields = [f.name for f in model._meta.concrete_fields if f.unique and not f.primary_key]
    assert unique_fields == [], (label, unique_fields)
