"""Care in the small test province: a care officer of the provincial post, a registered
letter accepted at A on Monday 2 March 2026 (full course 3 business days: it ends on Thursday
5 March), delivered on 10 March, and a KT1 item."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from buudien.agency.tests.conftest import fund  # noqa: F401  (cash in a drawer)
from buudien.core.bizdays import VIETNAM
from buudien.mail.choices import MailService
from buudien.mail.tests.ops_factories import ops_item

LODGED = dt.datetime(2026, 4, 1, 9, 0, tzinfo=VIETNAM)
DELIVERED = dt.datetime(2026, 3, 10, 10, 0, tzinfo=VIETNAM)


@pytest.fixture
def officer(world: Any) -> Any:
    from buudien.people.tests.factories import UserFactory

    return UserFactory(username="care", role="care_officer", unit=world.province)


@pytest.fixture
def letter(world: Any) -> Any:
    return ops_item(point=world.point_a, delivery_point=world.point_b)


@pytest.fixture
def delivered(world: Any) -> Any:
    return ops_item(point=world.point_a, delivered_at=DELIVERED, status="delivered")


@pytest.fixture
def secret(world: Any) -> Any:
    return ops_item(point=world.point_a, service=MailService.KT1)


def lodge(actor: Any, **given: Any) -> Any:
    from buudien.care import services

    data: dict[str, Any] = {
        "channel": "hotline",
        "kind": "complaint",
        "ground": "loss",
        "subject": "item",
        "customer_name": "Hoàng Thị Mai",
        "customer_phone": "0912345678",
        "description": "Thư gửi ngày 2/3 đến nay người nhận chưa nhận được.",
        "at": LODGED,
    }
    data.update(given)
    return services.request_lodge(actor=actor, **data)


@pytest.fixture
def upheld_complaint(world: Any, clerk_a: Any) -> Any:
    """``upheld_complaint(record, subject="bill")``: a complaint about a bill (or a sale)
    lodged at point A's counter, answered and closed as upheld by clerk A."""
    from buudien.care import services

    def upheld(record: Any, subject: str = "bill") -> Any:
        row = services.request_lodge(
            actor=clerk_a,
            channel="counter",
            kind="complaint",
            ground="amount",
            subject=subject,
            subject_ref=record.reference,
            customer_name="Nguyễn Văn An",
            customer_phone="0912345678",
            description="Thu nhầm tiền của khách.",
            point=world.point_a,
        )
        services.request_answer(actor=clerk_a, request=row, text="Bưu điện hoàn lại tiền.")
        services.request_close(actor=clerk_a, request=row, outcome="upheld", cause="Nhập nhầm mã")
        return row

    return upheld
