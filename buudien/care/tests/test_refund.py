"""An upheld complaint about a bill is refunded through the bill's own cancellation: its
entry reversed, the customer told on the public page; once."""

from __future__ import annotations

from typing import Any

import pytest

from buudien.care import services_money
from buudien.care.selectors import public_get
from buudien.collection.tests.conftest import collect, evn  # noqa: F401
from buudien.core.errors import DomainError
from buudien.finance.models import Account

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_a_bill_charged_wrongly_is_refunded_by_its_cancellation_once(
    clerk_a: Any,
    upheld_complaint: Any,
    collect: Any,  # noqa: F811 (the fixture imported above)
) -> None:
    bill = collect(amount=350_000)
    drawer = Account.objects.get(province_code="20", code="1111.240001")
    assert drawer.balance == 350_000
    row = upheld_complaint(bill)

    services_money.refund_through_service(actor=clerk_a, request=row)

    bill.refresh_from_db()
    drawer.refresh_from_db()
    assert bill.status == "cancelled" and drawer.balance == 0
    shown = public_get(code=row.code)
    assert any("cancelled" in step.text for step in shown.steps)
    with pytest.raises(DomainError):
        services_money.refund_through_service(actor=clerk_a, request=row)
    drawer.refresh_from_db()
    assert drawer.balance == 0
