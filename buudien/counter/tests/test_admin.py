"""The cancellations asked for approval in the admin: read-only, in the administrator's
scope."""

from __future__ import annotations

from typing import Any

import pytest

from buudien.counter.models import CancelRequest

pytestmark = pytest.mark.django_db


def _request(point: Any, reference: str) -> CancelRequest:
    return CancelRequest.objects.create(
        province_code=point.province_code,
        kind="collection.bill",
        record_id=reference,
        reference=reference,
        amount=6_000_000,
        point=point,
        unit_path=point.unit_path,
        reason="Nhầm mã khách hàng",
    )


def test_an_administrator_reads_the_requests_of_their_units_never_changes_them(
    client_as: Any, admin_user: Any, world: Any
) -> None:
    from buudien.people.tests.factories import UserFactory

    row = _request(world.point_a, "TH-240001-000001")
    _request(world.point_b, "TH-240002-000001")
    unit_admin = UserFactory(username="admin_a", role="admin", unit=world.unit_a, is_staff=True)

    listing = client_as(admin_user).get("/admin/counter/cancelrequest/").content.decode()
    narrow = client_as(unit_admin).get("/admin/counter/cancelrequest/").content.decode()
    change = client_as(unit_admin).post(
        f"/admin/counter/cancelrequest/{row.pk}/change/", {"reason": "x"}
    )

    assert "TH-240001-000001" in listing and "TH-240002-000001" in listing
    assert "TH-240001-000001" in narrow and "TH-240002-000001" not in narrow
    assert change.status_code == 403
    assert CancelRequest.objects.get(pk=row.pk).reason == "Nhầm mã khách hàng"
