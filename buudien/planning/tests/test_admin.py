"""Plans in the admin: read within scope, never changed there."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_the_admin_lists_plans_read_only(client_as: Any, admin_user: Any) -> None:
    client = client_as(admin_user)
    for name in ("plan", "revenuehistory", "financehistory"):
        assert client.get(f"/admin/planning/{name}/").status_code == 200
        assert client.get(f"/admin/planning/{name}/add/").status_code == 403


def test_a_clerk_has_no_admin(client_as: Any, clerk_a: Any) -> None:
    response = client_as(clerk_a).get("/admin/planning/plan/")
    assert response.status_code in (302, 403)
