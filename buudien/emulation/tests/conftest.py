"""Emulation in the small test province: the emulation officer (``hr``) of the province post,
the head of unit A (``head_a``, a director there), and awards and initiatives written
straight into the records (``award``, ``initiative``) where a test needs a history rather than
the services' path to it. The services run at ``DECIDED`` (15 January 2026, 9:00 in
Vietnam): the review of 2025 is open, 2026 is not over."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from buudien.core.bizdays import VIETNAM

DECIDED = dt.datetime(2026, 1, 15, 9, 0, tzinfo=VIETNAM)
DECISION_DAY = dt.date(2026, 1, 10)


@pytest.fixture
def hr(world: Any) -> Any:
    from buudien.people.tests.factories import UserFactory

    return UserFactory(
        username="tcld", full_name="Lương Thị Thu", role="hr_officer", unit=world.province
    )


@pytest.fixture
def head_a(world: Any) -> Any:
    from buudien.people.tests.factories import UserFactory

    return UserFactory(
        username="head_a", full_name="Hoàng Văn Đức", role="director", unit=world.unit_a
    )


def person(world: Any, username: str, full_name: str, unit: Any = None) -> Any:
    from buudien.people.tests.factories import UserFactory

    return UserFactory(username=username, full_name=full_name, unit=unit or world.unit_a)


def award(recipient: Any, kind: str, year: int, *, number: str = "", **given: Any) -> Any:
    """An award in the records, decided on 10 January of the year after (``number`` its
    decision), as the services would have left it."""
    from buudien.emulation.choices import KIND_RULES
    from buudien.emulation.models import Award
    from buudien.network.models import Unit

    is_unit = isinstance(recipient, Unit)
    home = recipient if is_unit else recipient.unit
    values: dict[str, Any] = {
        "province_code": home.province_code,
        "kind": kind,
        "level": KIND_RULES[kind].level,
        "person": None if is_unit else recipient,
        "unit": recipient if is_unit else None,
        "unit_path": home.path,
        "year_from": year,
        "year_to": year,
        "status": "awarded",
        "decision_number": number or f"{year}/QĐ",
        "decision_date": dt.date(year + 1, 1, 10),
    }
    values.update(given)
    return Award.objects.create(**values)


def initiative(authors: list[Any], year: int, level: str = "unit", **given: Any) -> Any:
    """An initiative recognised on 20 December of its year by decision ``SK-<year>``."""
    from buudien.core.text import fold
    from buudien.emulation.models import Initiative

    unit = authors[0].unit
    values: dict[str, Any] = {
        "province_code": unit.province_code,
        "title": f"Sáng kiến {year}",
        "unit": unit,
        "unit_path": unit.path,
        "level": level,
        "year": year,
        "status": "recognised",
        "decision_number": f"SK-{year}",
        "decision_date": dt.date(year, 12, 20),
        "proposed_at": DECIDED,
    }
    values.update(given)
    values["title_folded"] = fold(values["title"])
    row = Initiative.objects.create(**values)
    row.authors.set(authors)
    return row
