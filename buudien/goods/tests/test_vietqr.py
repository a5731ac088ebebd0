"""Goods paid by VietQR: at a point that takes transfers, the goods go at once and the money
is awaited (``113``) until the accountant confirms it from the bank's word."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from buudien.cashless import services as cashless
from buudien.cashless.models import BankAccount
from buudien.core.errors import DomainError
from buudien.goods.tests.conftest import MILK, MONDAY, TEA
from buudien.goods.tests.test_services import balance, held, sell

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def bank(world: Any) -> BankAccount:
    return BankAccount.objects.create(
        province_code="20",
        bank_bin="970415",
        bank_name="VietinBank",
        account_number="113000123456",
        account_name="BUU DIEN TINH LANG SON",
        ledger_slug="vtb",
    )


def _request(clerk: Any, sale: Any, amount: int | None = None, key: str = "q1") -> Any:
    return cashless.payment_request_create(
        actor=clerk,
        point=sale.point,
        kind="goods",
        reference=sale.reference,
        amount=sale.total if amount is None else amount,
        purpose=sale.reference,
        idempotency_key=key,
    )


def test_a_point_without_transfers_takes_cash(clerk_a, stocked):
    with pytest.raises(DomainError) as refused:
        sell(clerk_a, stocked, [{"code": MILK, "quantity": 1}], payment_method="vietqr")
    assert set(refused.value.errors) == {"payment_method"}
    assert held(stocked, "SUA180")[0] == 10


def test_goods_paid_by_vietqr_are_awaited_until_the_bank_confirms(
    client_as, clerk_a, accountant, stocked, bank
):
    stocked.cashless = True
    stocked.save(update_fields=["cashless"])
    lines = [{"code": MILK, "quantity": 2}, {"code": TEA, "quantity": 1}]
    sale = sell(clerk_a, stocked, lines, payment_method="vietqr")

    assert held(stocked, "SUA180")[0] == 8  # the goods went with the customer
    assert balance("113") == sale.total and balance("1111.240001") == 0
    page = client_as(clerk_a).get(reverse("goods:sale_detail", args=[sale.reference]))
    assert 'data-testid="qr-link"' in page.content.decode()
    assert "kind=goods" in page.content.decode()

    wrong = _request(clerk_a, sale, amount=sale.total - 1, key="q0")
    with pytest.raises(DomainError, match="does not match"):
        cashless.payment_request_confirm(actor=accountant, request=wrong, bank_reference="FT1")
    assert balance("113") == sale.total

    right = _request(clerk_a, sale)
    cashless.payment_request_confirm(actor=accountant, request=right, bank_reference="FT2")
    assert balance("113") == 0 and balance("1121.vtb") == sale.total
    again = _request(clerk_a, sale, key="q2")
    with pytest.raises(DomainError, match="paid by another transfer"):
        cashless.payment_request_confirm(actor=accountant, request=again, bank_reference="FT3")
    html = client_as(clerk_a).get(reverse("goods:sale_detail", args=[sale.reference])).content
    assert "FT2" in html.decode()


def test_a_cash_sale_is_not_paid_by_a_transfer(clerk_a, accountant, stocked, bank):
    stocked.cashless = True
    stocked.save(update_fields=["cashless"])
    sale = sell(clerk_a, stocked, [{"code": MILK, "quantity": 1}])
    with pytest.raises(DomainError, match="awaits a transfer"):
        cashless.payment_request_confirm(
            actor=accountant, request=_request(clerk_a, sale), bank_reference="FT9"
        )
    assert balance("1111.240001") == sale.total and balance("113") == 0
    assert MONDAY.date() == sale.business_date
