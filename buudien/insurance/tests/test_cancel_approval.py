"""A policy is cancelled for a reason; above the amount a clerk cancels alone
(``BUUDIEN_CANCEL_APPROVAL_ABOVE``, 5.000.000 đ) the cancellation waits for a director or an
accountant (counter.cancellations), who cancels it the day it was issued; the page asks
first; the API answers 202 while it waits."""

from __future__ import annotations

from typing import Any

import pytest

from buudien.core.errors import DomainError
from buudien.counter import cancellations
from buudien.counter.models import CancelRequest
from buudien.finance.models import Account
from buudien.insurance import services
from buudien.insurance.choices import PolicyStatus
from buudien.insurance.models import Policy
from buudien.insurance.tests.conftest import HOME, issue

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _home(clerk: Any, premium: int) -> Policy:
    return issue(clerk, clerk.point, at=None, product=HOME, premium=premium, plate="")


def _drawer() -> int:
    return Account.objects.get(province_code="20", code="1111.240001").balance


def test_a_policy_is_not_cancelled_without_a_reason(clerk_a: Any, products: Any) -> None:
    policy = _home(clerk_a, 500_000)

    with pytest.raises(DomainError, match="The reason is required") as refused:
        services.policy_cancel(actor=clerk_a, policy=policy, reason=" ")

    assert refused.value.field == "reason"
    assert Policy.objects.get().status == PolicyStatus.ISSUED


def test_a_large_premium_is_given_back_once_a_director_approves(
    clerk_a: Any, director: Any, products: Any
) -> None:
    policy = _home(clerk_a, 6_000_000)

    asked = services.policy_cancel(actor=clerk_a, policy=policy, reason="Khách đổi ý")

    assert not asked.done
    assert Policy.objects.get().status == PolicyStatus.ISSUED
    assert _drawer() == 6_000_000
    request = CancelRequest.objects.get()
    assert (request.kind, request.reference, request.amount) == (
        "insurance.policy",
        policy.reference,
        6_000_000,
    )
    with pytest.raises(DomainError, match="awaits approval already"):
        services.policy_cancel(actor=clerk_a, policy=policy, reason="Lần nữa")

    cancellations.cancel_request_approve(actor=director, request=request)

    policy.refresh_from_db()
    assert (policy.status, policy.cancel_reason) == (PolicyStatus.CANCELLED, "Khách đổi ý")
    assert _drawer() == 0


def test_the_page_asks_first_and_the_api_waits(client_as: Any, clerk_a: Any, products: Any) -> None:
    small = _home(clerk_a, 500_000)
    large = issue(
        clerk_a, clerk_a.point, key="p2", at=None, product=HOME, premium=6_000_000, plate=""
    )
    client = client_as(clerk_a)

    page = client.get(f"/insurance/policies/{small.reference}/").content.decode()
    bare = client.post(f"/insurance/policies/{small.reference}/cancel/", {"reason": ""})
    asked = client.post(
        f"/api/insurance/policies/{large.reference}/cancel",
        {"reason": "Khách đổi ý"},
        content_type="application/json",
    )

    assert f'data-confirm="Cancel policy {small.reference} of 500.000\xa0₫?' in page
    assert bare.status_code == 200 and "The reason is required." in bare.content.decode()
    assert Policy.objects.get(pk=small.pk).status == PolicyStatus.ISSUED
    assert asked.status_code == 202
    assert (asked.json()["kind"], asked.json()["amount"]) == ("insurance.policy", 6_000_000)
    assert Policy.objects.get(pk=large.pk).status == PolicyStatus.ISSUED
