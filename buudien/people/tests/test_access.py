"""Each persona sees and changes only what lies in their unit's subtree, and a refusal
changes nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from buudien.core.models import AuditEntry
from buudien.network.models import ServicePoint, Unit
from buudien.people.services import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db


def _codes(response):
    return sorted(row["code"] for row in response.json()["items"])


def test_it_shows_a_clerk_only_their_own_point(client_as, clerk_a):
    client = client_as(clerk_a)
    assert _codes(client.get("/api/network/points")) == ["240001"]
    assert client.get("/api/network/points/240002").status_code == 404
    assert client.get(reverse("network:point", args=["240002"])).status_code == 404


def test_it_shows_the_director_every_point_of_the_province(client_as, director):
    assert _codes(client_as(director).get("/api/network/points")) == ["240001", "240002"]


def test_it_shows_an_outsider_nothing_of_another_province(client_as, outsider, world):
    client = client_as(outsider)
    assert _codes(client.get("/api/network/points")) == []
    assert client.get("/api/network/units/BDT20").status_code == 404
    assert client.get("/api/network/coverage?province=20").status_code == 404
    assert client.get(reverse("network:point", args=["240001"])).status_code == 404


def test_it_refuses_a_clerk_creating_a_point_and_changes_nothing(client_as, clerk_a, world):
    before = ServicePoint.objects.count(), AuditEntry.objects.count()
    response = client_as(clerk_a).post(
        "/api/network/points",
        data=json.dumps(
            {
                "code": "249999",
                "name": "X",
                "kind": "bc3",
                "unit_code": "UA",
                "commune_code": "06001",
                "geography": "2025",
                "opened_on": "2024-01-01",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["detail"]
    assert (ServicePoint.objects.count(), AuditEntry.objects.count()) == before


def test_it_refuses_a_clerk_changing_another_points_data(client_as, clerk_a, world):
    response = client_as(clerk_a).patch(
        "/api/network/points/240002",
        data=json.dumps({"name": "Hijacked"}),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert ServicePoint.objects.get(code="240002").name == "Điểm BĐVHX Chi Lăng"


def test_it_refuses_the_director_editing_the_network_because_only_admins_do(client_as, director):
    response = client_as(director).patch(
        "/api/network/points/240001",
        data=json.dumps({"name": "Renamed"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert ServicePoint.objects.get(code="240001").name == "Bưu cục Đồng Đăng"
    assert (
        client_as(director).get(reverse("network:point_edit", args=["240001"])).status_code == 403
    )


def test_it_refuses_the_auditor_any_change(client_as, auditor):
    client = client_as(auditor)
    response = client.post(
        reverse("network:unit_create"), {"code": "UX", "name": "X", "kind": "commune"}
    )
    assert response.status_code == 403
    assert not Unit.objects.filter(code="UX").exists()


def test_it_keeps_an_admin_inside_their_subtree(client_as, admin_user, world):
    client = client_as(admin_user)
    response = client.post(
        "/api/network/units",
        data=json.dumps(
            {"code": "UZ", "name": "Bưu điện xã Z", "kind": "commune", "parent_code": "BDT04"}
        ),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not Unit.objects.filter(code="UZ").exists()
    response = client.post(
        "/api/network/units",
        data=json.dumps(
            {"code": "UZ", "name": "Bưu điện xã Z", "kind": "commune", "parent_code": "BDT20"}
        ),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert Unit.objects.get(code="UZ").path == "VNP/BDT20/UZ/"


def test_it_asks_for_a_login_without_session_or_token(client, world):
    response = client.get("/api/network/points")
    assert response.status_code == 401
    assert client.get(reverse("network:points")).status_code == 302


def test_it_accepts_a_bearer_token_until_it_is_revoked(client, clerk_a):
    token, key = api_token_create(actor=None, user=clerk_a, name="scanner")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    response = client.get("/api/network/points", **headers)
    assert response.status_code == 200
    assert _codes(response) == ["240001"]
    assert client.get("/api/people/me", HTTP_X_API_KEY=key).json()["username"] == "clerk_a"
    api_token_revoke(actor=None, token=token)
    assert client.get("/api/network/points", **headers).status_code == 401


def test_a_token_s_last_use_is_written_at_most_once_a_minute(client, clerk_a):
    import datetime as dt

    import time_machine
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    token, key = api_token_create(actor=None, user=clerk_a, name="scanner")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    start = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)

    def writes_of(moment):
        with time_machine.travel(moment, tick=False), CaptureQueriesContext(connection) as seen:
            assert client.get("/api/people/me", **headers).status_code == 200
        return [q for q in seen.captured_queries if q["sql"].startswith("UPDATE")]

    assert len(writes_of(start)) == 1  # never used: written
    assert writes_of(start + dt.timedelta(seconds=30)) == []
    assert len(writes_of(start + dt.timedelta(seconds=61))) == 1
    token.refresh_from_db()
    assert token.last_used_at == start + dt.timedelta(seconds=61)


def test_it_rejects_a_made_up_token(client, world):
    assert client.get("/api/network/points", HTTP_AUTHORIZATION="Bearer nope").status_code == 401


def test_it_refuses_a_session_write_without_csrf(clerk_a, admin_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.patch(
        "/api/network/points/240001",
        data=json.dumps({"name": "X"}),
        content_type="application/json",
    )
    assert response.status_code in (401, 403)
    assert ServicePoint.objects.get(code="240001").name == "Bưu cục Đồng Đăng"


def test_it_locks_an_account_after_five_wrong_passwords(client, clerk_a):
    for _ in range(5):
        client.post(reverse("login"), {"username": "clerk_a", "password": "wrong"})
    from buudien.people.tests.factories import PASSWORD

    response = client.post(reverse("login"), {"username": "clerk_a", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_it_logs_in_with_the_right_password(client, clerk_a):
    from buudien.people.tests.factories import PASSWORD

    response = client.post(reverse("login"), {"username": "clerk_a", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(clerk_a.pk)


def test_it_hashes_passwords_with_argon2_in_production():
    from django.contrib.auth.hashers import make_password

    from buudien import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert make_password("x", hasher="argon2").startswith("argon2$argon2id$")


def test_it_shows_staff_only_within_scope(client_as, clerk_a, clerk_b, director):
    rows = client_as(clerk_a).get("/api/people/users").json()["items"]
    assert [r["username"] for r in rows] == ["clerk_a"]
    rows = client_as(director).get("/api/people/users").json()["items"]
    assert {"clerk_a", "clerk_b", "director"} <= {r["username"] for r in rows}


def test_it_lets_an_admin_create_a_user_in_scope_only(client_as, admin_user, world):
    client = client_as(admin_user)
    response = client.post(
        reverse("people:create"),
        {
            "username": "gdv.moi",
            "full_name": "Lê Thị Mới",
            "role": "clerk",
            "unit": world.unit_a.pk,
            "point": world.point_a.pk,
            "is_active": "on",
            "password": "Một-mật-khẩu-dài-2026",
        },
    )
    assert response.status_code == 302
    from buudien.people.models import User

    created = User.objects.get(username="gdv.moi")
    assert (created.unit, created.point, created.role) == (world.unit_a, world.point_a, "clerk")
    assert AuditEntry.objects.filter(action="user.create", object_id=str(created.pk)).exists()
    response = client.post(
        reverse("people:create"),
        {
            "username": "gdv.khac",
            "full_name": "X",
            "role": "clerk",
            "unit": world.other_province.pk,
        },
    )
    assert response.status_code == 200  # the form shows the error
    assert not User.objects.filter(username="gdv.khac").exists()


def test_it_refuses_a_clerk_the_user_pages(client_as, clerk_a, clerk_b):
    client = client_as(clerk_a)
    assert client.get(reverse("people:create")).status_code == 403
    assert client.get(reverse("people:edit", args=[clerk_b.pk])).status_code == 403


def test_it_keeps_the_django_admin_to_admins_in_scope(client_as, admin_user, clerk_a, world):
    assert client_as(clerk_a).get("/admin/").status_code == 302  # not staff: to the login
    client = client_as(admin_user)
    assert client.get("/admin/network/servicepoint/").status_code == 200
    page = client.get("/admin/network/unit/").content.decode()
    assert "BDT20" in page and "BDT04" not in page
    closed = dt.date(2030, 1, 1)
    assert closed  # units are closed with a date, never deleted
    assert (
        client.post(f"/admin/network/unit/{world.unit_a.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert Unit.objects.filter(pk=world.unit_a.pk).exists()
