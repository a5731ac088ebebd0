"""The refund of an upheld complaint about a bill or a sale above the amount a clerk cancels
alone: the bill's cancellation (the goods' return) is asked (an internal note, no refund yet),
a director approves it, and the refund asked again is recorded once."""

from __future__ import annotations

from typing import Any

import pytest

from buudien.care import services_money
from buudien.care.choices import StepKind
from buudien.collection.tests.conftest import collect, evn  # noqa: F401
from buudien.counter import cancellations
from buudien.counter.models import CancelRequest
from buudien.finance.models import Account
from buudien.goods.tests.conftest import (  # noqa: F401  (the goods at point A)
    MILK,
    TEA,
    catalogue,
    keeper,
    stocked,
    warehouse,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_a_large_bill_is_refunded_once_a_director_approves_its_cancellation(
    clerk_a: Any,
    upheld_complaint: Any,
    director: Any,
    collect: Any,  # noqa: F811 (the fixture imported above)
) -> None:
    bill = collect(amount=8_000_000)
    drawer = Account.objects.get(province_code="20", code="1111.240001")
    row = upheld_complaint(bill)

    services_money.refund_through_service(actor=clerk_a, request=row)

    bill.refresh_from_db()
    drawer.refresh_from_db()
    assert bill.status == "collected" and drawer.balance == 8_000_000
    assert not row.steps.filter(kind=StepKind.REFUNDED).exists()
    note = row.steps.filter(kind=StepKind.NOTE).get()
    assert note.text.startswith(f"Refund of bill {bill.reference} asked")
    assert not note.public
    request = CancelRequest.objects.get()
    assert row.code in request.reason

    cancellations.cancel_request_approve(actor=director, request=request)
    services_money.refund_through_service(actor=clerk_a, request=row)

    bill.refresh_from_db()
    drawer.refresh_from_db()
    assert bill.status == "cancelled" and drawer.balance == 0
    assert row.steps.filter(kind=StepKind.REFUNDED, public=True).count() == 1


def test_a_large_sale_is_refunded_once_its_return_is_approved(
    clerk_a: Any,
    upheld_complaint: Any,
    director: Any,
    stocked: Any,  # noqa: F811 (the fixture imported above)
    settings: Any,
) -> None:
    from buudien.goods import services as goods
    from buudien.goods.models import SaleReturn

    settings.BUUDIEN_CANCEL_APPROVAL_ABOVE = 50_000
    sale = goods.sale_make(
        actor=clerk_a,
        point=stocked,
        idempotency_key="s1",
        lines=[{"code": MILK, "quantity": 3}, {"code": TEA, "quantity": 1}],
    )
    row = upheld_complaint(sale, subject="sale")

    services_money.refund_through_service(actor=clerk_a, request=row)

    assert not SaleReturn.objects.exists()
    assert row.steps.get(kind=StepKind.NOTE).text.startswith(f"Refund of sale {sale.reference}")
    cancellations.cancel_request_approve(actor=director, request=CancelRequest.objects.get())
    services_money.refund_through_service(actor=clerk_a, request=row)

    back = SaleReturn.objects.get()
    assert back.total == 3 * 8_640 + 50_000
    refunded = row.steps.get(kind=StepKind.REFUNDED)
    assert back.reference in refunded.text and refunded.public
