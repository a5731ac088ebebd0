"""The Django admin: administrators set up suppliers, products (the barcode checked) and
prices, audited; stock, movements and documents are read-only."""

from __future__ import annotations

from typing import Any

import pytest

from buudien.core.models import AuditEntry
from buudien.goods.models import Product, StockMovement

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "page",
    [
        "warehouse/",
        "supplier/",
        "supplier/add/",
        "product/",
        "product/add/",
        "price/",
        "price/add/",
        "stocklevel/",
        "stockmovement/",
        "goodsreceipt/",
        "transfer/",
        "sale/",
        "salereturn/",
        "writeoff/",
        "stocktake/",
    ],
)
def test_the_pages_open_for_an_administrator(client_as, admin_user, stocked, page):
    assert client_as(admin_user).get(f"/admin/goods/{page}").status_code == 200


def product_form(catalogue: Any, **changes: Any) -> dict[str, str]:
    form = {
        "province_code": "20",
        "code": "BUT-BI",
        "barcode": "8934600000059",
        "name": "Bút bi Thiên Long",
        "group": "stationery",
        "unit": "chiếc",
        "vat_rate": "10",
        "supplier": str(catalogue["SUA180"].supplier_id),
        "is_active": "on",
    }
    form.update(changes)
    return form


def test_an_administrator_adds_a_product_and_it_is_audited(client_as, admin_user, catalogue):
    response = client_as(admin_user).post("/admin/goods/product/add/", product_form(catalogue))
    assert response.status_code == 302
    product = Product.objects.get(code="BUT-BI")
    assert product.name_folded == "but bi thien long but-bi"
    assert AuditEntry.objects.filter(action="goods.product", object_id=str(product.pk)).exists()


@pytest.mark.parametrize("barcode", ["8934600000058", "12345", "ab", "893460000005"])
def test_a_wrong_barcode_is_refused(client_as, admin_user, catalogue, barcode):
    response = client_as(admin_user).post(
        "/admin/goods/product/add/", product_form(catalogue, barcode=barcode)
    )
    assert response.status_code == 200
    assert "barcode" in response.context["adminform"].form.errors
    assert not Product.objects.filter(code="BUT-BI").exists()


def test_movements_cannot_be_changed_in_the_admin(client_as, admin_user, stocked):
    movement = StockMovement.objects.first()
    client = client_as(admin_user)
    page = client.get(f"/admin/goods/stockmovement/{movement.pk}/change/")
    assert page.status_code == 200  # read, not changed
    assert client.post(f"/admin/goods/stockmovement/{movement.pk}/delete/").status_code == 403


def test_a_clerk_sees_no_goods_admin(client_as, clerk_a, stocked):
    assert client_as(clerk_a).get("/admin/goods/product/").status_code in (302, 403)
