"""``core.bulk.insert_rows`` writes what the ORM writes: text and whole numbers as given,
dates, moments, booleans, JSON and keys adapted by their fields, defaults where not given."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from buudien.core.bizdays import VIETNAM
from buudien.core.bulk import insert_rows
from buudien.core.models import AuditEntry, CalendarDay

pytestmark = pytest.mark.django_db

MOMENT = dt.datetime(2026, 3, 10, 9, 30, tzinfo=VIETNAM)


def test_rows_read_back_as_the_orm_writes_them(clerk_a: Any) -> None:
    given: dict[str, Any] = {
        "at": MOMENT,
        "actor_id": clerk_a.pk,
        "actor_name": "clerk_a",
        "action": "core.test",
        "object_type": "core.calendarday",
        "object_id": "7",
        "object_repr": "Ngày nghỉ bù",
        "ip": "203.0.113.7",
        "after": {"n": 1, "tên": "Lạng Sơn"},
    }
    AuditEntry.objects.create(**given)
    assert insert_rows(AuditEntry, [given, {**given, "after": None, "ip": None}]) == 2

    names = [f.attname for f in AuditEntry._meta.concrete_fields if f.attname not in ("id", "at")]
    first, second, third = AuditEntry.objects.order_by("pk").values_list(*names)
    assert second == first  # (the ORM writes its own moment: auto_now_add)
    assert list(AuditEntry.objects.order_by("pk").values_list("at", flat=True))[1:] == [MOMENT] * 2
    assert third[names.index("after")] is None and third[names.index("ip")] is None
    insert_rows(CalendarDay, [{"date": dt.date(2026, 4, 30), "is_working_day": False}])
    CalendarDay.objects.create(date=dt.date(2026, 5, 2), is_working_day=True, note="Làm bù")
    assert sorted(CalendarDay.objects.values_list("date", "is_working_day", "note")) == [
        (dt.date(2026, 4, 30), False, ""),
        (dt.date(2026, 5, 2), True, "Làm bù"),
    ]
