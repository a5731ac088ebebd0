"""An upheld complaint about a bill is refunded through the bill's own cancellation: its
entry reversed, the customer told on the public page; once."""

from __future__ import annotations

from typing import Any

import pytest

from buudien.care import services, services_money
from buudien.care.selectors import public_get
from buudien.collection.tests.conftest import collect, evn  # noqa: F401
from buudien.core.errors import DomainError
from buudien.finance.models import Account

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_a_bill_charged_wrongly_is_refunded_by_its_cancellation_once(
    world: Any,
    clerk_a: Any,
    collect: Any,  # noqa: F811 (the fixture imported above)
) -> None:
    bill = collect(amount=350_000)
    drawer = Account.objects.get(province_code="20", code="1111.240001")
    assert drawer.balance == 350_000
    row = services.request_lodge(
        actor=clerk_a,
        channel="counter",
        kind="complaint",
        ground="amount",
        subject="bill",
        subject_ref=bill.reference,
        customer_name="Nguyễn Văn An",
        customer_phone="0912345678",
        description="Thu nhầm hóa đơn tiền điện của nhà khác.",
        point=world.point_a,
    )
    services.request_answer(actor=clerk_a, request=row, text="Bưu điện hoàn lại tiền.")
    services.request_close(actor=clerk_a, request=row, outcome="upheld", cause="Nhập nhầm mã")

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
