"""Telecom in the small test province: three operators with their real prefixes, an
accountant who imports the operators' files of codes, and a few codes in stock."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest

from buudien.core.bizdays import VIETNAM
from buudien.telecom.importers import pins_import
from buudien.telecom.models import Operator

MONDAY = dt.datetime(2026, 11, 2, 9, 0, tzinfo=VIETNAM)
VIETTEL_PHONE = "0987654321"
VINA_PHONE = "0912345678"


def pins_file(rows: list[tuple[str, str, Any]], header: str = "serial;code;face_value") -> Any:
    text = "\n".join([header, *(";".join(str(cell) for cell in row) for row in rows)])
    upload = io.BytesIO(text.encode("utf-8"))
    upload.name = "viettel.csv"
    return upload


@pytest.fixture
def operators(world: Any) -> dict[str, Operator]:
    made = {}
    for code, name, prefixes, topup, pin in [
        ("viettel", "Viettel", "086 096 097 098 032 033 034 035 036 037 038 039", 400, 500),
        ("vinaphone", "VinaPhone", "088 091 094 081 082 083 084 085", 450, 550),
        ("mobifone", "MobiFone", "089 090 093 070 076 077 078 079", 450, 600),
    ]:
        made[code] = Operator.objects.create(
            province_code="20",
            code=code,
            name=name,
            prefixes=prefixes,
            topup_commission_bp=topup,
            pin_commission_bp=pin,
        )
    Operator.objects.create(
        province_code="04", code="viettel", name="Viettel", prefixes="086 096 097 098"
    )
    return made


@pytest.fixture
def accountant(world: Any) -> Any:
    from buudien.people.tests.factories import UserFactory

    return UserFactory(username="ketoan", role="accountant", unit=world.province)


@pytest.fixture
def stocked(operators: dict[str, Operator], accountant: Any) -> Any:
    """Three Viettel codes of 100.000 ₫, two of 50.000 ₫."""
    rows = [
        ("VT0000000001", "123456789012301", 100_000),
        ("VT0000000002", "123456789012302", 100_000),
        ("VT0000000003", "123456789012303", 100_000),
        ("VT0000000004", "123456789012304", 50_000),
        ("VT0000000005", "123456789012305", 50_000),
    ]
    return pins_import(pins_file(rows), actor=accountant, operator=operators["viettel"])
