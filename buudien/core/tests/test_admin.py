from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from buudien.core.admin import is_system_admin
from buudien.core.audit import audit_record
from buudien.core.models import AuditEntry, CalendarDay, Sequence
from buudien.people.tests.factories import UserFactory


@pytest.fixture
def entry(admin_user: Any) -> AuditEntry:
    return audit_record(actor=admin_user, action="calendar_day.create", object_repr="16/03/2024")


@pytest.fixture
def superuser(db: Any) -> Any:
    return UserFactory(username="root", role="clerk", is_staff=True, is_superuser=True)


@pytest.fixture
def staff_clerk(world: Any) -> Any:
    """A member of staff who may reach the admin site but is no system admin."""
    return UserFactory(username="staff_clerk", role="clerk", is_staff=True, unit=world.unit_a)


def test_only_superusers_and_active_admins_are_system_admins() -> None:
    class Person:
        def __init__(self, *, role: str, is_superuser: bool = False, is_active: bool = True):
            self.role, self.is_superuser, self.is_active = role, is_superuser, is_active

    assert is_system_admin(Person(role="admin")) is True
    assert is_system_admin(Person(role="clerk", is_superuser=True)) is True
    assert is_system_admin(Person(role="director")) is False
    assert is_system_admin(Person(role="admin", is_active=False)) is False


# --- the audit log: read-only --------------------------------------------------------------


@pytest.mark.django_db
def test_an_admin_reads_the_audit_log(client_as: Any, admin_user: Any, entry: AuditEntry) -> None:
    response = client_as(admin_user).get(reverse("admin:core_auditentry_changelist"))
    assert response.status_code == 200
    assert "calendar_day.create" in response.content.decode()


@pytest.mark.django_db
def test_an_admin_opens_one_entry_read_only(
    client_as: Any, admin_user: Any, entry: AuditEntry
) -> None:
    url = reverse("admin:core_auditentry_change", args=[entry.pk])
    response = client_as(admin_user).get(url)
    assert response.status_code == 200
    assert 'name="action"' not in response.content.decode()


@pytest.mark.django_db
def test_an_admin_filters_and_searches_the_audit_log(
    client_as: Any, admin_user: Any, entry: AuditEntry
) -> None:
    audit_record(actor=None, action="login.failed", obj=admin_user, object_repr="someone")
    client = client_as(admin_user)
    url = reverse("admin:core_auditentry_changelist")
    by_action = client.get(url, {"action": "login.failed"})
    by_search = client.get(url, {"q": "16/03"})
    today = timezone.localdate()
    by_day = client.get(
        url, {"at__year": today.year, "at__month": today.month, "at__day": today.day}
    )
    by_other_day = client.get(url, {"at__year": 2001, "at__month": 1, "at__day": 1})
    assert [e.action for e in by_action.context["cl"].result_list] == ["login.failed"]
    assert [e.action for e in by_search.context["cl"].result_list] == ["calendar_day.create"]
    assert by_day.context["cl"].result_count == 2
    assert by_other_day.context["cl"].result_count == 0


@pytest.mark.django_db
def test_an_admin_reads_the_entries_of_their_province_only(
    client_as: Any, admin_user: Any, superuser: Any, world: Any, clerk_a: Any
) -> None:
    """An entry is of its actor's province; the system's (and the corporation's staff's) of
    its object's, when that is a row of a province; one about nothing of a province is a
    superuser's. Cao Bằng's administrator reads none of Lạng Sơn's."""
    from buudien.network.tests.factories import PointFactory

    cao_bang_point = PointFactory(code="270001", unit=world.other_province, province_code="04")
    cao_bang_admin = UserFactory(
        username="admin04", role="admin", is_staff=True, unit=world.other_province
    )
    head_office = UserFactory(username="vnp", role="admin", is_staff=True, unit=world.corporation)
    by_clerk = audit_record(actor=clerk_a, action="point.update", obj=world.point_b)
    by_system = audit_record(actor=None, action="point.update", obj=world.point_a)
    by_head_office = audit_record(actor=head_office, action="point.update", obj=world.point_b)
    by_system_04 = audit_record(actor=None, action="point.update", obj=cao_bang_point)
    by_admin_04 = audit_record(actor=cao_bang_admin, action="point.update", obj=cao_bang_point)
    an_import = audit_record(
        actor=None, action="import.units", object_type="import", object_id="units"
    )
    # An object_type that names a table with an id that is no number, or a row gone.
    odd = audit_record(actor=None, action="x", object_type="network.servicepoint", object_id="a")
    gone = audit_record(
        actor=None, action="x", object_type="network.servicepoint", object_id="999999"
    )
    url = reverse("admin:core_auditentry_changelist")

    def listed(user: Any) -> set[int]:
        response = client_as(user).get(url)
        assert response.status_code == 200
        return {entry.pk for entry in response.context["cl"].result_list}

    lang_son = {by_clerk.pk, by_system.pk, by_head_office.pk}
    cao_bang = {by_system_04.pk, by_admin_04.pk}
    assert listed(admin_user) == lang_son
    assert listed(cao_bang_admin) == cao_bang
    assert listed(superuser) == lang_son | cao_bang | {an_import.pk, odd.pk, gone.pk}
    opened = client_as(cao_bang_admin).get(
        reverse("admin:core_auditentry_change", args=[by_system.pk])
    )
    assert opened.status_code != 200


@pytest.mark.django_db
def test_even_a_superuser_cannot_add_change_or_delete_an_entry(
    client_as: Any, superuser: Any, entry: AuditEntry
) -> None:
    client = client_as(superuser)
    add = client.get(reverse("admin:core_auditentry_add"))
    change = client.post(
        reverse("admin:core_auditentry_change", args=[entry.pk]), {"action": "nothing"}
    )
    delete = client.post(reverse("admin:core_auditentry_delete", args=[entry.pk]), {"post": "yes"})
    assert (add.status_code, change.status_code, delete.status_code) == (403, 403, 403)
    entry.refresh_from_db()
    assert entry.action == "calendar_day.create"


@pytest.mark.django_db
def test_staff_who_are_not_admins_cannot_see_the_audit_log(
    client_as: Any, staff_clerk: Any, entry: AuditEntry
) -> None:
    client = client_as(staff_clerk)
    assert client.get(reverse("admin:core_auditentry_changelist")).status_code == 403
    assert client.get(reverse("admin:core_auditentry_change", args=[entry.pk])).status_code == 403
    assert "core" not in [app["app_label"] for app in client.get("/admin/").context["app_list"]]


@pytest.mark.django_db
def test_a_clerk_who_is_not_staff_is_sent_to_the_admin_login(client_as: Any, clerk_a: Any) -> None:
    response = client_as(clerk_a).get(reverse("admin:core_auditentry_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_the_audit_log_page_does_not_query_more_for_more_entries(
    client_as: Any, admin_user: Any
) -> None:
    client = client_as(admin_user)
    url = reverse("admin:core_auditentry_changelist")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for i in range(3):
        audit_record(actor=admin_user, action=f"a{i}", object_type="t", object_repr=str(i))
    few = queries()
    for i in range(30):
        audit_record(actor=admin_user, action=f"b{i}", object_type="u", object_repr=str(i))
    assert queries() == few


# --- the calendar: managed by admins -------------------------------------------------------


@pytest.mark.django_db
def test_an_admin_adds_a_make_up_saturday(client_as: Any, admin_user: Any) -> None:
    # when an admin adds a calendar exception
    response = client_as(admin_user).post(
        reverse("admin:core_calendarday_add"),
        {"date": "2024-03-16", "is_working_day": "on", "note": "Làm bù"},
    )
    # then it is stored
    assert response.status_code == 302
    day = CalendarDay.objects.get()
    assert (day.date, day.is_working_day, day.note) == (dt.date(2024, 3, 16), True, "Làm bù")


@pytest.mark.django_db
def test_an_admin_changes_and_deletes_a_day_off(client_as: Any, admin_user: Any) -> None:
    day = CalendarDay.objects.create(date=dt.date(2024, 3, 15), is_working_day=False)
    client = client_as(admin_user)
    changed = client.post(
        reverse("admin:core_calendarday_change", args=[day.pk]),
        {"date": "2024-03-15", "note": "Nghỉ bù"},
    )
    assert changed.status_code == 302
    day.refresh_from_db()
    assert day.note == "Nghỉ bù"
    deleted = client.post(reverse("admin:core_calendarday_delete", args=[day.pk]), {"post": "yes"})
    assert deleted.status_code == 302
    assert not CalendarDay.objects.exists()


@pytest.mark.django_db
def test_a_superuser_manages_the_calendar(client_as: Any, superuser: Any) -> None:
    response = client_as(superuser).post(
        reverse("admin:core_calendarday_add"), {"date": "2024-03-15", "note": "Nghỉ"}
    )
    assert response.status_code == 302
    assert CalendarDay.objects.get().is_working_day is False


@pytest.mark.django_db
def test_staff_who_are_not_admins_cannot_touch_the_calendar(
    client_as: Any, staff_clerk: Any
) -> None:
    day = CalendarDay.objects.create(date=dt.date(2024, 3, 15), is_working_day=False)
    client = client_as(staff_clerk)
    add = client.post(reverse("admin:core_calendarday_add"), {"date": "2024-03-16"})
    delete = client.post(reverse("admin:core_calendarday_delete", args=[day.pk]), {"post": "yes"})
    assert (add.status_code, delete.status_code) == (403, 403)
    assert list(CalendarDay.objects.values_list("date", flat=True)) == [dt.date(2024, 3, 15)]


# --- the counters: read-only ---------------------------------------------------------------


@pytest.mark.django_db
def test_an_admin_sees_the_counters_but_cannot_move_them(client_as: Any, admin_user: Any) -> None:
    counter = Sequence.objects.create(name="s10.RR.240001", value=41)
    client = client_as(admin_user)
    listing = client.get(reverse("admin:core_sequence_changelist"))
    change = client.post(
        reverse("admin:core_sequence_change", args=[counter.pk]),
        {"name": "s10.RR.240001", "value": "0"},
    )
    add = client.get(reverse("admin:core_sequence_add"))
    assert listing.status_code == 200
    assert "s10.RR.240001" in listing.content.decode()
    assert (change.status_code, add.status_code) == (403, 403)
    counter.refresh_from_db()
    assert counter.value == 41
