"""The Django admin: administrators read the requests of their province with their steps,
found by code, phone or a name without its diacritics; nothing is added, changed or
deleted there; KT1 requests are not listed to an administrator."""

from __future__ import annotations

from typing import Any

import pytest

from buudien.care.tests.conftest import lodge

pytestmark = pytest.mark.django_db


def test_an_administrator_reads_a_request_with_its_steps(
    client_as: Any, admin_user: Any, officer: Any, letter: Any
) -> None:
    row = lodge(officer, s10=letter.s10)
    client = client_as(admin_user)
    listed = client.get("/admin/care/carerequest/", {"q": "hoang thi"})
    assert listed.status_code == 200 and row.code in listed.content.decode()
    page = client.get(f"/admin/care/carerequest/{row.pk}/change/")
    assert page.status_code == 200 and "Thư gửi ngày 2/3" in page.content.decode()
    assert client.get("/admin/care/carerequest/add/").status_code == 403
    before = row.customer_name
    client.post(f"/admin/care/carerequest/{row.pk}/change/", {"customer_name": "X"})
    row.refresh_from_db()
    assert row.customer_name == before
    assert client.post(f"/admin/care/carerequest/{row.pk}/delete/").status_code == 403


def test_other_provinces_kt1_requests_and_other_roles_see_nothing(
    client_as: Any, admin_user: Any, officer: Any, kt1_operator: Any, secret: Any, world: Any
) -> None:
    from buudien.people.tests.factories import UserFactory

    hidden = lodge(kt1_operator, s10=secret.s10)
    listed = client_as(admin_user).get("/admin/care/carerequest/").content.decode()
    assert hidden.code not in listed and secret.s10 not in listed
    elsewhere = UserFactory(
        username="admin04", role="admin", unit=world.other_province, is_staff=True
    )
    visible = lodge(officer, s10="", subject="none", kind="enquiry", ground="")
    assert visible.code not in client_as(elsewhere).get("/admin/care/carerequest/").content.decode()
    assert client_as(officer).get("/admin/care/carerequest/").status_code in (302, 403)
