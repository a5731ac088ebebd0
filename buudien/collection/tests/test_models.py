"""The tables can be distributed by province: every table carries province_code and every
unique key includes it (DESIGN.md, "Scale")."""

from __future__ import annotations

import pytest
from django.db import models

from buudien.collection.models import Bill, Partner, Settlement


@pytest.mark.parametrize("model", [Partner, Bill, Settlement])
def test_every_unique_key_includes_the_province(model):
    assert model._meta.get_field("province_code")
    uniques = [c for c in model._meta.constraints if isinstance(c, models.UniqueConstraint)]
    assert uniques
    for constraint in uniques:
        assert "province_code" in constraint.fields, constraint.name
    assert not [f.name for f in model._meta.fields if f.unique and not f.primary_key]
