"""A NUL character can be stored in no column (PostgreSQL refuses it in text): a request that
holds one is refused with a 400 and changes nothing, on every endpoint; the scanners' batch
rejects the one event instead (mail/tests/test_tracking_api.py)."""

from __future__ import annotations

from typing import Any

import pytest

from buudien.network.models import ServicePoint

pytestmark = pytest.mark.django_db


def test_a_body_with_a_nul_is_refused_whole(world: Any, admin_user: Any, client_as: Any) -> None:
    before = list(ServicePoint.objects.values())
    response = client_as(admin_user).patch(
        "/api/network/points/240001",
        {"name": "Bưu cục\x00 Đồng Đăng", "phone": "0205"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "Yêu cầu chứa ký tự NUL."
    assert list(ServicePoint.objects.values()) == before


def test_a_query_with_a_nul_is_refused(world: Any, director: Any, client_as: Any) -> None:
    response = client_as(director).get("/api/network/points", {"q": "Đồng\x00"})
    assert response.status_code == 400
    nested = client_as(director).post(
        "/api/cashless/requests",
        {"amount": 1000, "purpose": "Học phí\x00", "idempotency_key": "k-1"},
        content_type="application/json",
    )
    assert nested.status_code == 400
    assert nested.json()["detail"] == "Yêu cầu chứa ký tự NUL."
