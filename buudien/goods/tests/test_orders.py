"""Goods ordered by phone and sent by parcel, cash on delivery: the sale, the parcel through
mail's acceptance, the COD that settles what the buyer owed, the parcel that comes back."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from buudien.cashdesk.selectors import cod_owed_items
from buudien.core.bizdays import VIETNAM
from buudien.core.errors import DomainError
from buudien.goods import orders, services
from buudien.goods.choices import OrderStatus, PaymentMethod
from buudien.goods.models import GoodsOrder, Sale
from buudien.goods.tests.conftest import MILK, TEA
from buudien.goods.tests.test_services import balance, held
from buudien.mail.choices import EventCode, FailureAction, FailureReason, ItemStatus, MailService
from buudien.mail.ledger import cod_collected_post
from buudien.mail.models import PostalItem
from buudien.mail.tracking.services import event_record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

TUESDAY = dt.datetime(2026, 11, 3, 10, 0, tzinfo=VIETNAM)


@pytest.fixture
def hanoi(db: Any) -> Any:
    from buudien.mail.tests.factories import TariffFactory
    from buudien.network.tests.factories import AdminAreaFactory

    TariffFactory(service=MailService.PARCEL)
    return AdminAreaFactory(code="00004", name="Phường Ba Đình", province_code="01")


def take(clerk: Any, point: Any, commune: Any, key: str = "o1", **changes: Any) -> GoodsOrder:
    asked: dict[str, Any] = {
        "lines": [{"code": MILK, "quantity": 2}, {"code": TEA, "quantity": 1}],
        "buyer_name": "Trần Thị Hoa",
        "buyer_phone": "0912 345 678",
        "buyer_address": "12 Phan Đình Phùng",
        "buyer_commune": commune.pk,
        "weight_g": 1_200,
        "at": TUESDAY,
    }
    return orders.order_take(actor=clerk, point=point, idempotency_key=key, **asked | changes)


def test_an_order_sells_the_goods_and_posts_a_parcel_cash_on_delivery(
    clerk_a, stocked, world, hanoi
):
    order = take(clerk_a, stocked, hanoi)

    sale, item = order.sale, order.item
    assert sale.payment_method == PaymentMethod.COD and sale.reference.startswith("BH")
    assert sale.total == 2 * 8_640 + 50_000
    assert held(stocked, "SUA180")[0] == 8 and held(stocked, "CHE-TN")[0] == 4
    assert (item.service, item.recipient_name, item.recipient_province_code) == (
        MailService.PARCEL,
        "Trần Thị Hoa",
        "01",
    )
    assert item.price_total > 0 and order.carriage == item.price_total
    assert item.cod_amount == order.cod_amount == sale.total + item.price_total
    # Nothing in the drawer: the buyer owes the goods and the carriage until delivery.
    assert balance("1111.240001") == 0
    assert balance("131.orders") == item.cod_amount
    # The consignor is owed its share once the buyer pays: held until then.
    assert balance("3388.partner.ncc-htx-che-lang-son") == 0
    assert balance("3388.orders") == 50_000 - 7_500
    assert balance("5113.parcel") == item.price_total - item.price_vat

    again = take(clerk_a, stocked, hanoi)
    assert again.pk == order.pk and PostalItem.objects.count() == 1


def test_the_cod_collected_settles_the_order(clerk_a, stocked, world, hanoi):
    order = take(clerk_a, stocked, hanoi)
    item = order.item
    event_record(
        actor=None,
        item=item,
        code=EventCode.EMI,
        point=world.point_b,
        at=TUESDAY + dt.timedelta(days=2),
        recipient_name="Trần Thị Hoa",
    )
    cod_collected_post(
        actor=None, item=item, point=world.point_b, amount=item.cod_amount, day=dt.date(2026, 11, 5)
    )

    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.paid_at is not None
    assert balance("1111.240002") == item.cod_amount  # the postman's office holds the cash
    assert balance("131.orders") == 0 and balance("3388.cod") == 0
    assert balance("3388.orders") == 0
    assert balance("3388.partner.ncc-htx-che-lang-son") == 50_000 - 7_500
    assert not cod_owed_items(user=clerk_a).filter(pk=item.pk).exists()
    with pytest.raises(DomainError, match="nothing to check back in"):
        orders.order_return(actor=clerk_a, order=order, idempotency_key="b1")


def test_a_parcel_that_comes_back_puts_the_goods_back_in_stock(clerk_a, stocked, world, hanoi):
    order = take(clerk_a, stocked, hanoi)
    item = order.item
    with pytest.raises(DomainError, match="not come back"):
        orders.order_return(actor=clerk_a, order=order, idempotency_key="b1")
    with pytest.raises(DomainError, match="sent by parcel"):
        services.sale_return(
            actor=clerk_a,
            point=stocked,
            idempotency_key="r1",
            sale=order.sale,
            lines=[{"code": MILK, "quantity": 1}],
            reason="Đổi ý",
        )
    later = TUESDAY + dt.timedelta(days=31)  # beyond the days of a counter return
    event_record(
        actor=None,
        item=item,
        code=EventCode.EMH,
        point=world.point_b,
        at=TUESDAY + dt.timedelta(days=3),
        reason=FailureReason.WRONG_ADDRESS,
        action=FailureAction.RETURN,
    )
    event_record(
        actor=None, item=item, code=EventCode.EMI, point=stocked, at=later, recipient_name="BĐ"
    )
    item.refresh_from_db()
    assert item.status == ItemStatus.RETURNED

    back = orders.order_return(actor=clerk_a, order=order, idempotency_key="b1", at=later)

    assert back.status == OrderStatus.RETURNED and back.sale_return is not None
    assert held(stocked, "SUA180")[0] == 10 and held(stocked, "CHE-TN")[0] == 5
    # Goods and carriage reversed: the buyer owes nothing, the consignor is owed nothing.
    assert balance("131.orders") == 0
    assert balance("3388.partner.ncc-htx-che-lang-son") == balance("3388.orders") == 0
    assert balance("5113.parcel") == 0 and balance("1111.240001") == 0
    assert orders.order_return(actor=clerk_a, order=back, idempotency_key="b1").pk == back.pk
    with pytest.raises(DomainError, match="nothing to check back in"):
        orders.order_return(actor=clerk_a, order=back, idempotency_key="b2")


def test_every_problem_of_an_order_is_told_at_once_and_nothing_is_written(clerk_a, stocked, hanoi):
    with pytest.raises(DomainError) as refused:
        take(
            clerk_a,
            stocked,
            hanoi,
            lines=[{"code": MILK, "quantity": 11}],
            buyer_name=" ",
            buyer_phone="12",
            buyer_commune="nowhere",
            weight_g=0,
            channel="fax",
        )

    assert set(refused.value.errors) == {
        "buyer_name",
        "buyer_phone",
        "buyer_commune",
        "weight_g",
        "channel",
        "lines.0.quantity",
    }
    assert not Sale.objects.exists() and not PostalItem.objects.exists()
    assert held(stocked, "SUA180")[0] == 10


def test_a_clerk_takes_an_order_by_phone_on_the_page(client_as, clerk_a, stocked, world, hanoi):
    from django.urls import reverse

    from buudien.goods.tests.test_views import _token

    client = client_as(clerk_a)
    html = client.get(reverse("goods:order_new")).content.decode()
    assert 'id="scan" name="add" autofocus' in html and 'data-testid="commune-search"' in html
    token = _token(html)
    refused = client.post(
        reverse("goods:order_new"),
        {"token": token, "code": [MILK], "quantity": ["11"], "buyer_phone": "12"},
    ).content.decode()
    for field in ("buyer_name", "buyer_phone", "buyer_address", "buyer_commune", "weight_g"):
        assert f'data-testid="error-{field}"' in refused, field
    assert 'data-testid="line-error-0"' in refused and not Sale.objects.exists()

    data = {
        "token": token,
        "code": [MILK, TEA],
        "quantity": ["2", "1"],
        "channel": "phone",
        "buyer_name": "Trần Thị Hoa",
        "buyer_phone": "0912345678",
        "buyer_address": "12 Phan Đình Phùng",
        "buyer_commune": str(hanoi.pk),
        "weight_g": "1200",
    }
    first, second = (client.post(reverse("goods:order_new"), data) for _ in range(2))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == "/goods/orders/BH240001000001/"
    order = GoodsOrder.objects.get()
    page = client.get(first["Location"]).content.decode()
    assert order.item.s10 in page and 'data-testid="label-link"' in page
    assert 'data-testid="check-in"' not in page  # the parcel is on its way
    listed = client.get(reverse("goods:orders"), {"status": "sent"}).content.decode()
    assert 'data-testid="status-BH240001000001"' in listed
    # The clerk of another unit does not see it.
    assert client_as(world_clerk_b(world)).get(first["Location"]).status_code == 404


def world_clerk_b(world: Any) -> Any:
    from buudien.people.tests.factories import UserFactory

    return UserFactory(username="gdv-b", role="clerk", unit=world.unit_b, point=world.point_b)


def test_an_order_through_the_api(client_as, clerk_a, stocked, world, hanoi):
    from buudien.goods.tests.test_api import _post

    client = client_as(clerk_a)
    body = {
        "lines": [{"code": MILK, "quantity": 2}],
        "buyer_name": "Trần Thị Hoa",
        "buyer_phone": "0912345678",
        "buyer_address": "12 Phan Đình Phùng",
        "buyer_commune_code": hanoi.code,
        "weight_g": 800,
    }
    made = _post(client, "orders", body, key="o1")
    assert made.status_code == 201, made.content
    got = made.json()
    assert got["number"] == "BH240001000001" and got["status"] == "sent"
    assert got["cod_amount"] == got["goods"] + got["carriage"] == 2 * 8_640 + got["carriage"]
    assert _post(client, "orders", body, key="o1").json()["parcel"] == got["parcel"]
    assert client.get("/api/goods/orders/BH240001000001").json()["buyer_commune"] == hanoi.name

    wrong = _post(client, "orders", body | {"buyer_commune_code": "99999"}, key="o2")
    assert wrong.status_code == 404 and wrong.json()["field"] == "buyer_commune_code"
    bad = _post(client, "orders", body | {"weight_g": 0, "buyer_phone": "x"}, key="o3")
    assert bad.status_code == 400 and {"weight_g", "buyer_phone"} <= set(bad.json()["errors"])
    early = _post(client, "orders/BH240001000001/return", {}, key="b1")
    assert early.status_code == 400 and "not come back" in early.json()["detail"]
    assert GoodsOrder.objects.count() == 1
