"""A top-up is cancelled for a reason, kept on the row; above the amount a clerk cancels alone
(``BUUDIEN_CANCEL_APPROVAL_ABOVE``) it waits for a director or an accountant
(counter.cancellations); the page asks first; the API answers 202 while it waits."""

from __future__ import annotations

from typing import Any

import pytest

from buudien.agency.tests.helpers import balance
from buudien.core.errors import DomainError
from buudien.counter import cancellations
from buudien.counter.models import CancelRequest
from buudien.finance.models import Entry
from buudien.telecom import services
from buudien.telecom.models import Topup
from buudien.telecom.tests.conftest import VIETTEL_PHONE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

DRAWER_A = "1111.240001"


def _topup(clerk: Any, point: Any) -> Topup:
    return services.topup_sell(
        actor=clerk, point=point, idempotency_key="c1", phone=VIETTEL_PHONE, amount=500_000
    )


def test_a_topup_is_not_cancelled_without_a_reason(clerk_a, world, operators):
    row = _topup(clerk_a, world.point_a)

    with pytest.raises(DomainError, match="The reason is required") as refused:
        services.topup_cancel(actor=clerk_a, topup=row, reason="")

    assert refused.value.field == "reason"
    assert not Topup.objects.get().is_cancelled
    assert Entry.objects.count() == 1


def test_above_the_amount_a_director_approves_the_cancellation(
    clerk_a, director, world, operators, settings
):
    settings.BUUDIEN_CANCEL_APPROVAL_ABOVE = 200_000
    row = _topup(clerk_a, world.point_a)

    asked = services.topup_cancel(actor=clerk_a, topup=row, reason="Nhà mạng hoàn lại")

    assert not asked.done
    assert not Topup.objects.get().is_cancelled
    assert balance(DRAWER_A) == 500_000
    request = CancelRequest.objects.get()
    assert (request.kind, request.reference, request.amount) == (
        "telecom.topup",
        row.reference,
        500_000,
    )

    cancellations.cancel_request_approve(actor=director, request=request)

    row.refresh_from_db()
    assert row.is_cancelled and row.cancel_reason == "Nhà mạng hoàn lại"
    assert row.cancelled_by == director
    assert balance(DRAWER_A) == 0


def test_the_page_asks_first_and_shows_the_reason(client_as, clerk_a, world, operators):
    row = _topup(clerk_a, world.point_a)
    client = client_as(clerk_a)

    page = client.get(f"/telecom/topups/{row.reference}/").content.decode()
    bare = client.post(f"/telecom/topups/{row.reference}/cancel/", {"reason": ""})
    client.post(f"/telecom/topups/{row.reference}/cancel/", {"reason": "Nhầm số"})
    after = client.get(f"/telecom/topups/{row.reference}/").content.decode()

    assert f'data-confirm="Cancel top-up {row.reference} of 500.000\xa0₫?' in page
    assert "The reason is required." in bare.content.decode()
    assert 'data-testid="cancel-reason"' in after and "Nhầm số" in after


def test_the_api_asks_above_the_amount(client_as, clerk_a, world, operators, settings):
    settings.BUUDIEN_CANCEL_APPROVAL_ABOVE = 200_000
    row = _topup(clerk_a, world.point_a)
    client = client_as(clerk_a)
    path = f"/api/telecom/topups/{row.reference}/cancel"

    bare = client.post(path, {}, content_type="application/json")
    asked = client.post(path, {"reason": "Nhầm số"}, content_type="application/json")

    assert (bare.status_code, bare.json()["field"]) == (400, "reason")
    assert asked.status_code == 202
    assert (asked.json()["kind"], asked.json()["status"]) == ("telecom.topup", "pending")
    assert not Topup.objects.get().is_cancelled
