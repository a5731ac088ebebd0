"""The demo never takes over a province that someone else has started."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from buudien.network.models import ServicePoint, Unit

pytestmark = pytest.mark.django_db


def test_the_demo_does_not_take_over_a_province_unit_of_someone_else() -> None:
    call_command("geography", "load", "--province", "20", stdout=StringIO())
    root = Unit.objects.create(
        code="VNP", name="Tổng công ty Bưu điện Việt Nam", kind="corporation"
    )
    Unit.objects.create(code="BDT20", name="Bưu điện tỉnh Lạng Sơn", kind="province", parent=root)

    with pytest.raises(CommandError):
        call_command("demo", "--no-migrate", stdout=StringIO())

    assert Unit.objects.count() == 2
    assert not ServicePoint.objects.exists()
