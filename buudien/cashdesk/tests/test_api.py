"""The API refuses bad input with a 4xx and changes nothing."""

from __future__ import annotations

import pytest

from buudien.cashdesk.models import CashClosing, CashHandover, CodPayout

pytestmark = pytest.mark.django_db


def _post(client, url, body, **headers):
    return client.post(url, body, content_type="application/json", **headers)


def test_bad_requests_are_4xx_and_change_nothing(world, clerk_a, client):
    client.force_login(clerk_a)
    cases = [
        ("/api/cashdesk/closings", {"point": "240001", "counts": {"abc": 1}}, 400),
        ("/api/cashdesk/closings", {"point": "240001", "counts": {"500000": "x"}}, 422),
        ("/api/cashdesk/closings", {"point": "240001", "counts": {"500000": -2}}, 400),
        ("/api/cashdesk/closings", {"point": "999999", "counts": {}}, 404),
        ("/api/cashdesk/handovers", {"point": "240001", "amount": 0, "bank": "bidv"}, 400),
        ("/api/cashdesk/handovers", {"point": "240001", "amount": 5, "bank": "BAD BANK"}, 400),
        ("/api/cashdesk/cod/payouts", {"items": ["RR000000015VN"], "method": "cash"}, 400),
        ("/api/cashdesk/cod/payouts", {"items": [], "method": "cash"}, 422),
    ]
    for url, body, status in cases:
        response = _post(client, url, body, HTTP_IDEMPOTENCY_KEY="k" if "handover" in url else "")
        assert response.status_code == status, (url, body, response.content)
        assert "detail" in response.json()
    assert client.get("/api/cashdesk/closings/424242").status_code == 404
    assert client.get("/api/cashdesk/cod/payouts/424242").status_code == 404
    assert not CashClosing.objects.exists()
    assert not CashHandover.objects.exists() and not CodPayout.objects.exists()


def test_the_api_answers_in_vietnamese_by_default(world, clerk_a, client):
    client.force_login(clerk_a)
    response = _post(client, "/api/cashdesk/closings", {"point": "240001", "counts": {"7": 1}})
    assert response.status_code == 400
    assert "không phải mệnh giá" in response.json()["detail"]
