"""Goods taken back at the counter are a cancellation of what moved money
(counter.cancellations): a reason (at most 200 characters), told with the lines' problems; when
the money given back is above ``BUUDIEN_CANCEL_APPROVAL_ABOVE`` the return waits for a director
or an accountant, who makes it under the same rules; the page asks first; the API answers 202
while it waits."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from buudien.core.errors import DomainError
from buudien.counter import cancellations
from buudien.counter.models import CancelRequest
from buudien.goods import services
from buudien.goods.models import Sale, SaleReturn
from buudien.goods.tests.conftest import MILK, TEA

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

WHY = "Hộp bị móp"


def _sell(clerk: Any, point: Any) -> Sale:
    return services.sale_make(
        actor=clerk,
        point=point,
        idempotency_key="s1",
        lines=[{"code": MILK, "quantity": 3}, {"code": TEA, "quantity": 1}],
    )


def _ask(clerk: Any, point: Any, sale: Sale, reason: str = WHY, key: str = "b1") -> Any:
    return services.sale_return_ask(
        actor=clerk,
        point=point,
        idempotency_key=key,
        sale=sale,
        lines=[{"code": MILK, "quantity": 2}, {"code": TEA, "quantity": 1}],
        reason=reason,
    )


def test_goods_are_not_taken_back_without_a_reason_told_with_the_lines(stocked, clerk_a):
    sale = _sell(clerk_a, stocked)

    with pytest.raises(DomainError) as refused:
        services.sale_return_ask(
            actor=clerk_a,
            point=stocked,
            idempotency_key="b1",
            sale=sale,
            lines=[{"code": MILK, "quantity": 4}],
            reason="",
        )

    assert set(refused.value.errors) == {"reason", "lines.0.quantity"}
    assert refused.value.errors["reason"] == ["The reason is required."]
    with pytest.raises(DomainError, match="longer than 200"):
        _ask(clerk_a, stocked, sale, reason="x" * 201)
    assert SaleReturn.objects.count() == 0


def test_below_the_amount_the_goods_come_back_at_once(stocked, clerk_a):
    sale = _sell(clerk_a, stocked)

    done = _ask(clerk_a, stocked, sale)

    assert done.done
    assert (done.record.total, done.record.reason) == (2 * 8_640 + 50_000, WHY)
    assert CancelRequest.objects.count() == 0


def test_above_the_amount_a_director_approves_the_return(stocked, clerk_a, director, settings):
    settings.BUUDIEN_CANCEL_APPROVAL_ABOVE = 50_000
    sale = _sell(clerk_a, stocked)

    asked = _ask(clerk_a, stocked, sale)

    assert not asked.done
    assert SaleReturn.objects.count() == 0
    request = CancelRequest.objects.get()
    assert (request.kind, request.reference, request.amount) == (
        "goods.sale_return",
        sale.reference,
        2 * 8_640 + 50_000,
    )
    assert request.params["lines"] == [
        {"code": MILK, "quantity": 2},
        {"code": TEA, "quantity": 1},
    ]

    done = cancellations.cancel_request_approve(actor=director, request=request)

    back = SaleReturn.objects.get()
    assert done.record == back
    assert (back.total, back.reason, back.created_by) == (2 * 8_640 + 50_000, WHY, director)
    assert sale.lines.get(product__barcode=MILK).returned == 2


def test_the_page_asks_first_and_a_large_return_waits(client_as, clerk_a, stocked, settings):
    settings.BUUDIEN_CANCEL_APPROVAL_ABOVE = 50_000
    sale = _sell(clerk_a, stocked)
    client = client_as(clerk_a)
    url = reverse("goods:sale_return", args=[sale.reference])
    page = client.get(url).content.decode()
    token = page.split('name="token" value="')[1].split('"')[0]
    milk, tea = sale.lines.get(product__barcode=MILK), sale.lines.get(product__barcode=TEA)

    answer = client.post(
        url, {"token": token, f"back-{milk.pk}": "2", f"back-{tea.pk}": "1", "reason": WHY}
    )

    assert f'data-confirm="Take goods of sale {sale.reference} (' in page
    assert answer.status_code == 302
    detail = client.get(answer["Location"]).content.decode()
    assert 'data-testid="cancel-pending"' in detail and WHY in detail
    assert SaleReturn.objects.count() == 0


def test_the_api_answers_202_while_the_return_waits(client_as, clerk_a, stocked, settings):
    settings.BUUDIEN_CANCEL_APPROVAL_ABOVE = 50_000
    sale = _sell(clerk_a, stocked)

    asked = client_as(clerk_a).post(
        f"/api/goods/sales/{sale.reference}/returns",
        {"lines": [{"code": MILK, "quantity": 2}, {"code": TEA, "quantity": 1}], "reason": WHY},
        content_type="application/json",
        headers={"Idempotency-Key": "r1"},
    )

    assert asked.status_code == 202
    assert (asked.json()["kind"], asked.json()["status"]) == ("goods.sale_return", "pending")
    assert SaleReturn.objects.count() == 0
