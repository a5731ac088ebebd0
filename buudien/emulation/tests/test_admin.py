"""The Django admin: administrators read the records of their province, a name found
without its diacritics; nothing is added, changed or deleted there; another province's
administrator sees none of them."""

from __future__ import annotations

from typing import Any

import pytest

from buudien.emulation.tests.conftest import award

pytestmark = pytest.mark.django_db

PAGES = ("movement", "movementcriterion", "pledge", "pledgetarget", "award", "initiative",
         "initiativeapplication")  # fmt: skip


def test_an_administrator_reads_the_records_of_their_province_only(
    client_as: Any, admin_user: Any, clerk_a: Any, world: Any
) -> None:
    from buudien.people.tests.factories import UserFactory

    row = award(clerk_a, "lao_dong_tien_tien", 2025, number="77/QĐ-BĐT")
    client = client_as(admin_user)
    for name in PAGES:
        assert client.get(f"/admin/emulation/{name}/").status_code == 200, name
        assert client.get(f"/admin/emulation/{name}/add/").status_code == 403, name
    listed = client.get("/admin/emulation/award/", {"q": "nguyen van"}).content.decode()
    assert "77/QĐ-BĐT" in listed
    before = row.decision_number
    client.post(f"/admin/emulation/award/{row.pk}/change/", {"decision_number": "X"})
    row.refresh_from_db()
    assert row.decision_number == before
    assert client.post(f"/admin/emulation/award/{row.pk}/delete/").status_code == 403
    elsewhere = UserFactory(
        username="admin04", role="admin", unit=world.other_province, is_staff=True
    )
    assert "77/QĐ-BĐT" not in client_as(elsewhere).get("/admin/emulation/award/").content.decode()
    assert client_as(clerk_a).get("/admin/emulation/award/").status_code in (302, 403)
