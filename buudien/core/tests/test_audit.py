from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from buudien.core.audit import audit_insert, audit_record, snapshot
from buudien.core.context import client_ip
from buudien.core.middleware import RequestContextMiddleware
from buudien.core.models import AuditEntry, CalendarDay


@pytest.fixture
def from_address() -> Iterator[str]:
    """The request being served came from 203.0.113.7."""
    token = client_ip.set("203.0.113.7")
    yield "203.0.113.7"
    client_ip.reset(token)


@pytest.fixture
def day_off(db: Any) -> CalendarDay:
    return CalendarDay.objects.create(date=dt.date(2024, 3, 15), is_working_day=False)


@pytest.mark.django_db
def test_it_writes_who_did_what_to_which_object_from_where(
    clerk_a: Any, day_off: CalendarDay, from_address: str
) -> None:
    # given a clerk serving a request from 203.0.113.7 and a day off she changes
    before = snapshot(day_off)
    day_off.note = "Nghỉ bù"
    day_off.save()
    # when the change is recorded
    entry = audit_record(
        actor=clerk_a,
        action="calendar_day.update",
        obj=day_off,
        before=before,
        after=snapshot(day_off),
    )
    # then the entry says all of it, as stored
    entry.refresh_from_db()
    assert entry.actor == clerk_a
    assert entry.actor_name == "clerk_a"
    assert entry.action == "calendar_day.update"
    assert entry.object_type == "core.calendarday"
    assert entry.object_id == str(day_off.pk)
    assert entry.object_repr == "15/03/2024 Nghỉ bù"
    assert entry.ip == "203.0.113.7"
    assert entry.before == {
        "id": day_off.pk,
        "date": "2024-03-15",
        "is_working_day": False,
        "note": "",
    }
    assert entry.after == {
        "id": day_off.pk,
        "date": "2024-03-15",
        "is_working_day": False,
        "note": "Nghỉ bù",
    }
    assert entry.at is not None


@pytest.mark.django_db
def test_it_writes_no_address_outside_a_request(clerk_a: Any) -> None:
    entry = audit_record(actor=clerk_a, action="import.run")
    assert entry.ip is None
    assert (entry.object_type, entry.object_id, entry.object_repr) == ("", "", "")


@pytest.mark.django_db
@pytest.mark.parametrize("actor", [None, AnonymousUser()], ids=["system", "anonymous"])
def test_it_writes_an_entry_without_a_user_for_the_system(actor: Any) -> None:
    token = client_ip.set("203.0.113.9")
    try:
        entry = audit_record(actor=actor, action="login.failed", object_repr="clerk_a")
    finally:
        client_ip.reset(token)
    entry.refresh_from_db()
    assert entry.actor is None
    assert entry.actor_name == ""
    assert entry.object_repr == "clerk_a"


@pytest.mark.django_db
def test_it_keeps_an_explicit_object_description(clerk_a: Any, day_off: CalendarDay) -> None:
    entry = audit_record(
        actor=clerk_a, action="x", obj=day_off, object_type="calendar", object_repr="Nghỉ"
    )
    assert (entry.object_type, entry.object_id, entry.object_repr) == (
        "calendar",
        str(day_off.pk),
        "Nghỉ",
    )


@pytest.mark.django_db
def test_it_cuts_a_long_object_name_to_the_column(clerk_a: Any) -> None:
    day = CalendarDay.objects.create(date=dt.date(2024, 3, 16), is_working_day=True, note="x" * 200)
    entry = audit_record(actor=clerk_a, action="x", obj=day)
    assert entry.object_repr == ("16/03/2024 " + "x" * 200)[:200]


@pytest.mark.django_db
def test_it_refuses_to_change_an_entry(clerk_a: Any) -> None:
    # given an entry
    entry = audit_record(actor=clerk_a, action="calendar_day.create")
    # when someone changes and saves it
    entry.action = "nothing.happened"
    with pytest.raises(PermissionError):
        entry.save()
    # then the stored entry is as written
    assert AuditEntry.objects.get(pk=entry.pk).action == "calendar_day.create"


@pytest.mark.django_db
def test_it_refuses_to_delete_an_entry(clerk_a: Any) -> None:
    entry = audit_record(actor=clerk_a, action="calendar_day.create")
    with pytest.raises(PermissionError):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_it_refuses_to_change_or_delete_entries_in_bulk(clerk_a: Any) -> None:
    audit_record(actor=clerk_a, action="calendar_day.create")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().update(action="nothing.happened")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().action == "calendar_day.create"


def test_snapshot_keeps_plain_values_and_writes_others_as_text() -> None:
    day = CalendarDay(pk=7, date=dt.date(2024, 3, 16), is_working_day=True, note="Làm bù")
    assert snapshot(day) == {
        "id": 7,
        "date": "2024-03-16",
        "is_working_day": True,
        "note": "Làm bù",
    }
    assert snapshot(day, fields=["note"]) == {"note": "Làm bù"}


def test_the_middleware_keeps_the_client_address_for_the_request_only() -> None:
    # given a request from 198.51.100.20
    seen: list[str | None] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(client_ip.get())
        return HttpResponse()

    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.20")
    # when it is served
    RequestContextMiddleware(view)(request)
    # then the view saw the address, and it is gone afterwards
    assert seen == ["198.51.100.20"]
    assert client_ip.get() is None


def test_it_names_the_console_when_no_request_is_behind_a_change(db: Any) -> None:
    import getpass

    entry = audit_record(actor=None, action="import.points")
    assert entry.actor is None
    assert entry.actor_name == f"console:{getpass.getuser()}"


@pytest.mark.django_db
def test_many_rows_are_audited_as_one_by_one(
    clerk_a: Any, clerk_b: Any, day_off: CalendarDay, from_address: str
) -> None:
    # given two clerks' actions on the same kind of row, one by one and in one insert
    one = audit_record(actor=clerk_a, action="core.test", obj=day_off, after={"n": 1})
    written = audit_insert(
        action="core.test",
        model=CalendarDay,
        objects=[(clerk_a, day_off.pk, str(day_off), {"n": 1}), (clerk_b, 7, "x" * 300, None)],
    )
    # then each entry says what audit_record says: who, from where, which object, after
    assert written == 2
    entries = AuditEntry.objects.filter(action="core.test").exclude(pk=one.pk).order_by("pk")
    fields = ("actor_id", "actor_name", "ip", "object_type", "object_id", "object_repr", "after")
    first, second = ([getattr(e, f) for f in fields] for e in entries)
    assert first == [getattr(one, f) for f in fields]
    assert second == [
        clerk_b.pk,
        "clerk_b",
        "203.0.113.7",
        "core.calendarday",
        "7",
        "x" * 200,
        None,
    ]
    assert all(e.at is not None for e in entries)
