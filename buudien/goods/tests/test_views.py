"""The goods pages: who sees what, the stock of a point, the sale at the counter by scanner
with every error at once and once per token, its receipt, returns by receipt number, the
warehouse's receipts and transfers received at the point, write-offs and stocktakes approved
by an accountant; refusals and junk input; in Vietnamese."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import pytest
from django.urls import reverse

from buudien.finance.models import Entry
from buudien.goods import adjustments, services
from buudien.goods.choices import ApprovalStatus, TransferStatus
from buudien.goods.models import (
    GoodsReceipt,
    Sale,
    SaleReturn,
    StockLevel,
    Stocktake,
    Transfer,
    WriteOff,
)
from buudien.goods.tests.conftest import MILK, NO_PRICE, TEA, YOGHURT, receive_goods, send_goods
from buudien.network.choices import PointKind

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _token(html: str) -> str:
    found = re.search(r'name="token" value="([0-9a-f]+)"', html)
    assert found is not None
    return found.group(1)


def _pdf_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def _held(point: Any, product: Any) -> int:
    level = StockLevel.objects.filter(point=point, product=product).first()
    return level.quantity if level else 0


def _sell(clerk: Any, point: Any, key: str = "s1", **changes: Any) -> Sale:
    asked: dict[str, Any] = {
        "actor": clerk,
        "point": point,
        "idempotency_key": key,
        "lines": [{"code": MILK, "quantity": 3}, {"code": TEA, "quantity": 1}],
    }
    asked.update(changes)
    return services.sale_make(**asked)


# --- the home page and the navigation ---------------------------------------------------------


def test_a_clerk_sees_the_stock_of_their_point_with_its_value(client_as, clerk_a, stocked):
    client = client_as(clerk_a)
    response = client.get(reverse("goods:index"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Hàng hóa" in html
    assert 'data-testid="stock-point">240001' in html
    assert 'data-testid="stock-quantity">19<' in html
    assert 'data-testid="stock-value">78.000\xa0₫<' in html
    assert "Sữa tươi Vinamilk 180ml" in html and "Chè Thái Nguyên đặc biệt" in html


def test_the_stock_is_searched_without_diacritics(client_as, clerk_a, stocked):
    client = client_as(clerk_a)
    html = client.get(
        reverse("goods:index"), {"q": "che thai"}, HTTP_HX_TARGET="stock-rows", **HTMX
    ).content.decode()
    assert "Chè Thái Nguyên" in html and "Sữa tươi" not in html
    assert "<h1>" not in html  # the rows only, for htmx
    html = client.get(reverse("goods:index"), {"q": MILK}).content.decode()
    rows = html.split('data-testid="stock-table"')[1]
    assert "Sữa tươi" in rows and "Sữa chua" not in rows


def test_each_role_sees_only_the_actions_it_may_take(
    client_as, clerk_a, keeper, accountant, director, auditor, stocked
):
    def links(user: Any) -> set[str]:
        html = client_as(user).get(reverse("goods:index")).content.decode()
        return set(re.findall(r'data-testid="([a-z-]+-link)"', html))

    assert links(clerk_a) == {
        "sale-link",
        "returns-link",
        "transfers-link",
        "write-off-link",
        "stocktake-link",
    }
    assert links(keeper) == {
        "sale-link",
        "returns-link",
        "transfers-link",
        "receipt-link",
        "transfer-link",
        "write-off-link",
        "stocktake-link",
    }
    assert links(accountant) == {
        "transfers-link",
        "receipt-link",
        "transfer-link",
        "write-off-link",
        "stocktake-link",
        "approvals-link",
    }
    assert links(director) == links(auditor) == {"transfers-link"}


def test_the_navigation_offers_goods_to_who_may_use_them(
    client_as, clerk_a, keeper, accountant, auditor, world
):
    from buudien.people.tests.factories import UserFactory

    client = client_as(clerk_a)
    main = [item.url for item in client.get("/").context["nav_items"]]
    assert "/goods/" in main
    sub = [item.url for item in client.get(reverse("goods:index")).context["subnav_items"]]
    assert sub == [
        "/goods/",
        "/goods/sale/",
        "/goods/returns/",
        "/goods/orders/",
        "/goods/transfers/",
        "/goods/write-offs/new/",
        "/goods/stocktakes/new/",
        "/telecom/",
    ]
    sub = [
        item.url
        for item in client_as(accountant).get(reverse("goods:index")).context["subnav_items"]
    ]
    assert "/goods/approvals/" in sub and "/goods/sale/" not in sub
    sub = [
        item.url for item in client_as(auditor).get(reverse("goods:index")).context["subnav_items"]
    ]
    assert sub == ["/goods/", "/goods/orders/", "/goods/transfers/", "/telecom/"]
    # A warehouse that is only a store (a point without a counter): its keeper sells nothing.
    keeper.point.kind = PointKind.CENTRE
    keeper.point.save(update_fields=["kind"])
    sub = [
        item.url for item in client_as(keeper).get(reverse("goods:index")).context["subnav_items"]
    ]
    assert "/goods/receipts/new/" in sub and "/goods/sale/" not in sub
    assert client_as(keeper).get(reverse("goods:sale")).status_code == 403
    postman = UserFactory(username="pm", role="postman", unit=world.unit_a, point=world.point_a)
    client = client_as(postman)
    menu = client.get("/mail/items/").context["nav_items"]  # a postman's home is the round
    assert "/goods/" not in [item.url for item in menu]
    assert client.get(reverse("goods:index")).status_code == 403


def test_a_director_chooses_a_point_of_the_scope_and_an_outsider_cannot(
    client_as, director, outsider, stocked, world
):
    client = client_as(director)
    html = client.get(reverse("goods:index")).content.decode()
    assert 'data-testid="choose-point"' in html
    html = client.get(reverse("goods:index"), {"point": "240001"}).content.decode()
    assert 'data-testid="stock-value">78.000\xa0₫<' in html
    client = client_as(outsider)
    assert client.get(reverse("goods:index"), {"point": "240001"}).status_code == 404


# --- the lines editor --------------------------------------------------------------------------


def test_a_scan_adds_the_line_with_its_price_and_a_second_scan_one_more(
    client_as, clerk_a, stocked
):
    client = client_as(clerk_a)
    html = client.get(
        reverse("goods:lines"), {"kind": "sale", "add": MILK}, **HTMX
    ).content.decode()
    assert 'data-code="8934600000011"' in html
    assert "8.640\xa0₫" in html
    assert 'data-testid="scan-error" hx-swap-oob="true"></p>' in html
    html = client.get(
        reverse("goods:lines"),
        {"kind": "sale", "code": [MILK], "quantity": ["1"], "add": MILK},
        **HTMX,
    ).content.decode()
    assert html.count('data-testid="line"') == 1
    assert 'value="2"' in html
    assert 'data-testid="lines-total">17.280\xa0₫<' in html


def test_an_unknown_or_priceless_code_is_told_next_to_the_scanner(client_as, clerk_a, stocked):
    client = client_as(clerk_a)
    html = client.get(
        reverse("goods:lines"), {"kind": "sale", "add": "8934600000099"}, **HTMX
    ).content.decode()
    assert 'data-testid="line"' not in html
    error = html.split('data-testid="scan-error"')[1]
    assert "8934600000099" in error or "kiểm tra" in error.lower()
    html = client.get(
        reverse("goods:lines"), {"kind": "sale", "add": "XYZ"}, **HTMX
    ).content.decode()
    assert "Không có mặt hàng nào có mã XYZ" in html
    html = client.get(
        reverse("goods:lines"), {"kind": "sale", "add": NO_PRICE}, **HTMX
    ).content.decode()
    assert "Mắm tôm Đồng Đăng" in html and 'data-testid="line"' not in html


def test_quantities_beyond_stock_are_flagged_and_a_line_removed(client_as, clerk_a, stocked):
    client = client_as(clerk_a)
    html = client.get(
        reverse("goods:lines"),
        {"kind": "sale", "code": [MILK, YOGHURT], "quantity": ["12", "1"], "remove": "1"},
        **HTMX,
    ).content.decode()
    assert html.count('data-testid="line"') == 1
    assert "chỉ còn 10" in html


def test_the_figures_follow_the_quantities_typed_without_replacing_the_inputs(
    client_as, clerk_a, stocked
):
    html = (
        client_as(clerk_a)
        .get(
            reverse("goods:lines_totals"),
            {"kind": "sale", "code": [MILK, TEA], "quantity": ["2", "3"]},
            **HTMX,
        )
        .content.decode()
    )
    assert "<input" not in html
    assert 'id="line-total-1" data-testid="line-total-1" hx-swap-oob="true">150.000\xa0₫<' in html
    assert 'data-testid="lines-total">167.280\xa0₫<' in html


def test_the_name_search_finds_without_diacritics(client_as, clerk_a, stocked):
    html = (
        client_as(clerk_a)
        .get(reverse("goods:find"), {"q": "sua tuoi", "kind": "sale"}, **HTMX)
        .content.decode()
    )
    assert "Sữa tươi Vinamilk 180ml" in html and "Chè" not in html
    assert 'data-testid="add-SUA180"' in html


def test_a_stocktake_lists_every_product_held(client_as, clerk_a, stocked):
    html = (
        client_as(clerk_a)
        .get(reverse("goods:lines"), {"kind": "stocktake", "all": "1"}, **HTMX)
        .content.decode()
    )
    assert html.count('data-testid="line"') == 3


# --- the sale ---------------------------------------------------------------------------------


def _sale_post(token: str, codes: list[str], quantities: list[str], **more: Any) -> dict[str, Any]:
    return {"token": token, "code": codes, "quantity": quantities, "payment_method": "cash", **more}


def test_the_sale_page_starts_on_the_barcode(client_as, clerk_a, stocked):
    html = client_as(clerk_a).get(reverse("goods:sale")).content.decode()
    assert re.search(r'<input id="scan" name="add" autofocus', html)
    assert 'value="vietqr"' not in html and 'value="cash"' in html


def test_a_sale_through_the_page_records_once_per_token(client_as, clerk_a, stocked, world):
    client = client_as(clerk_a)
    token = _token(client.get(reverse("goods:sale")).content.decode())
    data = _sale_post(token, [MILK, TEA], ["2", "1"])
    first = client.post(reverse("goods:sale"), data)
    second = client.post(reverse("goods:sale"), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == "/goods/sales/BH240001000001/"
    sale = Sale.objects.get()
    assert sale.total == 2 * 8_640 + 50_000
    assert _held(world.point_a, sale.lines.get(product__barcode=MILK).product) == 8
    html = client.get(first["Location"]).content.decode()
    assert 'data-testid="total">67.280\xa0₫<' in html
    assert 'data-testid="receipt-link"' in html and 'data-testid="return-link"' in html


def test_a_sale_shows_every_error_at_once_and_records_nothing(client_as, clerk_a, stocked):
    client = client_as(clerk_a)
    token = _token(client.get(reverse("goods:sale")).content.decode())
    response = client.post(
        reverse("goods:sale"),
        _sale_post(token, [MILK, YOGHURT, TEA], ["11", "", "x"], buyer_tax_code="123"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="line-error-0"' in html  # beyond stock
    assert "Cho biết số lượng" in html or 'data-testid="line-error-1"' in html
    assert 'data-testid="line-error-2"' in html
    assert 'data-testid="error-buyer_tax_code"' in html
    assert Sale.objects.count() == 0 and Entry.objects.filter(kind="goods_sale").count() == 0
    assert _token(html) == token


def test_an_administrator_sells_at_a_point_they_choose(client_as, admin_user, stocked, world):
    client = client_as(admin_user)
    html = client.get(reverse("goods:sale")).content.decode()
    assert 'name="point"' in html
    part = client.get(
        reverse("goods:lines"), {"kind": "sale", "point": "240001", "add": MILK}, **HTMX
    ).content.decode()
    assert 'name="at" value="240001"' in part and "chỉ còn" not in part
    data = _sale_post(_token(html), [MILK], ["1"], point="240001")
    response = client.post(reverse("goods:sale"), data)
    assert response["Location"] == "/goods/sales/BH240001000001/"
    assert Sale.objects.get().point == world.point_a


def test_a_sale_with_no_line_is_refused(client_as, clerk_a, stocked):
    client = client_as(clerk_a)
    token = _token(client.get(reverse("goods:sale")).content.decode())
    html = client.post(reverse("goods:sale"), {"token": token}).content.decode()
    assert 'data-testid="lines-errors"' in html
    assert Sale.objects.count() == 0


def test_a_sale_with_a_vat_invoice_prints_the_buyer(client_as, clerk_a, stocked):
    client = client_as(clerk_a)
    token = _token(client.get(reverse("goods:sale")).content.decode())
    data = _sale_post(
        token,
        [MILK],
        ["1"],
        buyer_tax_code="0100109106",
        buyer_name="Công ty TNHH Đồng Đăng",
        buyer_address="Số 1 Trần Đăng Ninh",
    )
    response = client.post(reverse("goods:sale"), data)
    assert response.status_code == 302
    receipt = client.get(reverse("goods:sale_receipt", args=["BH240001000001"]))
    assert receipt["Content-Type"] == "application/pdf"
    text = _pdf_text(receipt.content)
    assert "BH240001000001" in text
    assert "Sữa tươi Vinamilk 180ml × 1" in text
    assert "0100109106" in text and "8.640" in text


def test_an_auditor_reads_a_sale_but_cannot_sell(client_as, clerk_a, auditor, stocked):
    _sell(clerk_a, stocked)
    client = client_as(auditor)
    html = client.get(reverse("goods:sale_detail", args=["BH240001000001"])).content.decode()
    assert "BH240001000001" in html and 'data-testid="return-link"' not in html
    assert client.get(reverse("goods:sale")).status_code == 403
    assert client.post(reverse("goods:sale"), _sale_post("t", [MILK], ["1"])).status_code == 403
    assert client.get(reverse("goods:returns")).status_code == 403
    assert Sale.objects.count() == 1


def test_a_sale_of_another_point_is_not_found(client_as, clerk_a, clerk_b, outsider, stocked):
    _sell(clerk_a, stocked)
    for user in (clerk_b, outsider):
        client = client_as(user)
        for name in ("goods:sale_detail", "goods:sale_receipt"):
            assert client.get(reverse(name, args=["BH240001000001"])).status_code == 404
    response = client_as(clerk_b).post(
        reverse("goods:sale_return", args=["BH240001000001"]), {"token": "t"}
    )
    assert response.status_code == 404


# --- returns ----------------------------------------------------------------------------------


def test_a_return_by_receipt_number(client_as, clerk_a, stocked, world):
    sale = _sell(clerk_a, stocked)
    client = client_as(clerk_a)
    response = client.get(reverse("goods:returns"), {"number": " bh240001000001 "})
    assert response["Location"] == "/goods/sales/BH240001000001/return/"
    html = client.get(response["Location"]).content.decode()
    token = _token(html)
    milk = sale.lines.get(product__barcode=MILK)
    answer = client.post(
        response["Location"], {"token": token, f"back-{milk.pk}": "2", "reason": "Hỏng vỏ hộp"}
    )
    assert answer.status_code == 302
    assert answer["Location"] == "/goods/sales/BH240001000001/"
    back = SaleReturn.objects.get()
    assert back.total == 2 * 8_640
    assert _held(world.point_a, milk.product) == 9
    html = client.get(answer["Location"]).content.decode()
    assert 'data-testid="returned-SUA180">2<' in html


def test_a_return_larger_than_the_sale_is_refused_on_its_line(client_as, clerk_a, stocked):
    sale = _sell(clerk_a, stocked)
    client = client_as(clerk_a)
    url = reverse("goods:sale_return", args=[sale.reference])
    token = _token(client.get(url).content.decode())
    milk = sale.lines.get(product__barcode=MILK)
    html = client.post(url, {"token": token, f"back-{milk.pk}": "4", "reason": ""}).content.decode()
    assert 'data-testid="line-error-SUA180"' in html
    assert 'data-testid="error-reason"' in html
    html = client.post(url, {"token": token, "reason": "x"}).content.decode()
    assert 'data-testid="form-errors"' in html
    assert SaleReturn.objects.count() == 0


def test_an_unknown_receipt_number_is_told(client_as, clerk_a, stocked):
    html = client_as(clerk_a).get(reverse("goods:returns"), {"number": "BH999"}).content.decode()
    assert 'data-testid="error-number"' in html


# --- the warehouse ----------------------------------------------------------------------------


def test_the_keeper_receives_goods_from_a_supplier(client_as, keeper, warehouse, catalogue):
    client = client_as(keeper)
    token = _token(client.get(reverse("goods:receipt_new")).content.decode())
    data = {
        "token": token,
        "supplier": "vinamilk",
        "supplier_document": "HD0009",
        "code": [MILK, YOGHURT],
        "quantity": ["10", "5"],
        "unit_cost": ["6.000", ""],
    }
    html = client.post(reverse("goods:receipt_new"), data).content.decode()
    assert 'data-testid="line-error-1"' in html and GoodsReceipt.objects.count() == 0
    data["unit_cost"] = ["6.000", "4500"]
    response = client.post(reverse("goods:receipt_new"), data)
    assert response.status_code == 302
    receipt = GoodsReceipt.objects.get()
    assert receipt.total == 60_000 + 22_500
    assert _held(warehouse, catalogue["SUA180"]) == 10


def test_a_clerk_of_a_point_cannot_open_the_warehouse_pages(client_as, clerk_a, warehouse):
    client = client_as(clerk_a)
    assert client.get(reverse("goods:receipt_new")).status_code == 403
    assert client.get(reverse("goods:transfer_new")).status_code == 403
    assert client.get(reverse("goods:approvals")).status_code == 403


def test_a_transfer_sent_printed_and_received_at_the_point(
    client_as, keeper, clerk_a, clerk_b, warehouse, catalogue, world
):
    receive_goods(keeper, warehouse)
    client = client_as(keeper)
    token = _token(client.get(reverse("goods:transfer_new")).content.decode())
    data = {"token": token, "to_point": "240001", "code": [MILK, TEA], "quantity": ["200", "5"]}
    html = client.post(reverse("goods:transfer_new"), data).content.decode()
    assert 'data-testid="line-error-0"' in html and Transfer.objects.count() == 0
    data["quantity"] = ["20", "5"]
    response = client.post(reverse("goods:transfer_new"), data)
    assert response["Location"] == "/goods/transfers/DC240000000001/"
    note = client.get(reverse("goods:delivery_note", args=["DC240000000001"]))
    text = _pdf_text(note.content)
    assert "DC240000000001" in text and "SUA180" in text and "120.000" in text

    other = client_as(clerk_b)
    assert other.get(reverse("goods:transfer", args=["DC240000000001"])).status_code == 404
    client = client_as(clerk_a)
    html = client.get(reverse("goods:transfers")).content.decode()
    assert 'data-testid="waiting-DC240000000001"' in html
    html = client.get(reverse("goods:transfer", args=["DC240000000001"])).content.decode()
    assert 'data-testid="receive"' in html
    url = reverse("goods:transfer_receive", args=["DC240000000001"])
    assert client.post(url).status_code == 302
    assert Transfer.objects.get().status == TransferStatus.RECEIVED
    assert _held(world.point_a, catalogue["SUA180"]) == 20
    again = client.post(url, follow=True).content.decode()
    assert "đã được nhận" in again or "đã nhận" in again
    assert _held(world.point_a, catalogue["SUA180"]) == 20


def test_the_keeper_cannot_receive_at_the_point(client_as, keeper, warehouse, catalogue, world):
    receive_goods(keeper, warehouse)
    send_goods(keeper, warehouse, world.point_a, [{"code": MILK, "quantity": 2}])
    client = client_as(keeper)
    html = client.get(reverse("goods:transfer", args=["DC240000000001"])).content.decode()
    assert 'data-testid="receive"' not in html
    response = client.post(reverse("goods:transfer_receive", args=["DC240000000001"]))
    assert response.status_code == 403
    assert Transfer.objects.get().status == TransferStatus.SENT


# --- write-offs and stocktakes ----------------------------------------------------------------


def test_a_write_off_asked_at_the_point_and_approved_by_an_accountant(
    client_as, clerk_a, accountant, stocked, catalogue
):
    client = client_as(clerk_a)
    token = _token(client.get(reverse("goods:write_off_new")).content.decode())
    data = {"token": token, "code": [YOGHURT], "quantity": ["2"], "reason": "Hết hạn"}
    response = client.post(reverse("goods:write_off_new"), data)
    assert response["Location"] == "/goods/write-offs/XH240001000001/"
    html = client.get(response["Location"]).content.decode()
    assert 'data-status="requested"' in html and 'data-testid="approve"' not in html
    assert (
        client.post(reverse("goods:write_off_approve", args=["XH240001000001"])).status_code == 403
    )

    client = client_as(accountant)
    html = client.get(reverse("goods:approvals")).content.decode()
    assert 'data-testid="approve-XH240001000001"' in html
    response = client.post(reverse("goods:write_off_approve", args=["XH240001000001"]))
    assert response["Location"] == "/goods/approvals/"
    assert WriteOff.objects.get().status == ApprovalStatus.APPROVED
    assert _held(stocked, catalogue["SUACHUA"]) == 2
    html = client.get(reverse("goods:approvals")).content.decode()
    assert 'data-testid="no-write-offs"' in html


def test_a_stocktake_submitted_and_approved(client_as, clerk_a, accountant, stocked, catalogue):
    client = client_as(clerk_a)
    token = _token(client.get(reverse("goods:stocktake_new")).content.decode())
    data = {"token": token, "code": [MILK, YOGHURT], "quantity": ["9", ""], "note": ""}
    html = client.post(reverse("goods:stocktake_new"), data).content.decode()
    assert 'data-testid="line-error-1"' in html and Stocktake.objects.count() == 0
    data["quantity"] = ["9", "4"]
    response = client.post(reverse("goods:stocktake_new"), data)
    assert response["Location"] == "/goods/stocktakes/KK240001000001/"
    client = client_as(accountant)
    html = client.get(response["Location"]).content.decode()
    assert 'data-testid="approve"' in html
    client.post(reverse("goods:stocktake_approve", args=["KK240001000001"]))
    assert Stocktake.objects.get().status == ApprovalStatus.APPROVED
    assert _held(stocked, catalogue["SUA180"]) == 9
    again = client.post(reverse("goods:stocktake_approve", args=["KK240001000001"]), follow=True)
    assert again.status_code == 200
    assert "KK240001000001" in again.content.decode()


def test_who_asked_for_a_write_off_cannot_approve_it(
    client_as, accountant, keeper, warehouse, catalogue
):
    receive_goods(keeper, warehouse)
    client = client_as(accountant)
    token = _token(client.get(reverse("goods:write_off_new")).content.decode())
    data = {"token": token, "point": "240000", "code": [MILK], "quantity": ["1"], "reason": "Vỡ"}
    response = client.post(reverse("goods:write_off_new"), data)
    assert response["Location"] == "/goods/write-offs/XH240000000001/"
    html = client.get(reverse("goods:approvals")).content.decode()
    assert "XH240000000001" in html and 'data-testid="approve-XH240000000001"' not in html
    response = client.post(reverse("goods:write_off_approve", args=["XH240000000001"]))
    assert response.status_code == 403
    assert WriteOff.objects.get().status == ApprovalStatus.REQUESTED


def test_an_accountant_of_another_province_gets_not_found(client_as, clerk_a, stocked, world):
    from buudien.people.tests.factories import UserFactory

    adjustments.write_off_request(
        actor=clerk_a,
        point=stocked,
        idempotency_key="w1",
        lines=[{"code": MILK, "quantity": 1}],
        reason="Vỡ",
    )
    elsewhere = UserFactory(username="kt04", role="accountant", unit=world.other_province)
    client = client_as(elsewhere)
    assert "XH240001000001" not in client.get(reverse("goods:approvals")).content.decode()
    assert client.get(reverse("goods:write_off", args=["XH240001000001"])).status_code == 404
    response = client.post(reverse("goods:write_off_approve", args=["XH240001000001"]))
    assert response.status_code == 404
    assert WriteOff.objects.get().status == ApprovalStatus.REQUESTED


# --- junk -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "nonsense", "add": "\x00\x01'; drop table"},
        {"kind": "sale", "code": ["\x00"] * 300, "quantity": ["-1"] * 300},
        {"kind": "receipt", "code": [MILK], "unit_cost": ["1e99"], "point": "\x00zz"},
        {"kind": "stocktake", "all": "1", "at": "999999"},
        {"kind": "sale", "remove": "x", "code": [MILK], "quantity": ["99999999999999"]},
    ],
)
def test_junk_never_breaks_the_lines_editor(client_as, clerk_a, stocked, params):
    response = client_as(clerk_a).get(reverse("goods:lines"), params, **HTMX)
    assert response.status_code == 200


def test_junk_posted_to_the_pages_is_refused_politely(
    client_as, clerk_a, admin_user, keeper, stocked
):
    transfers = Transfer.objects.count()
    client = client_as(clerk_a)
    for data in (
        {"token": "x" * 80},
        {"token": "t1", "code": ["\x00", MILK], "quantity": ["1", "-3"], "payment_method": "gold"},
        {"token": "t2", "code": [MILK], "quantity": ["1"], "buyer_name": "x" * 500},
    ):
        assert client.post(reverse("goods:sale"), data).status_code == 200
    assert client.get(reverse("goods:returns"), {"number": "\x00" * 50}).status_code == 200
    assert client.get(reverse("goods:index"), {"point": "\x00"}).status_code == 404
    for name in ("goods:sale_detail", "goods:transfer", "goods:write_off", "goods:stocktake"):
        assert client.get(reverse(name, args=["%00zz"])).status_code == 404
    admin = client_as(admin_user)
    html = admin.post(reverse("goods:sale"), {"token": "t3", "point": "nope"}).content.decode()
    assert 'data-testid="error-point"' in html
    keeper_client = client_as(keeper)
    data = {"token": "t4", "supplier": "\x00", "code": [MILK], "quantity": ["1"]}
    assert keeper_client.post(reverse("goods:receipt_new"), data).status_code == 200
    data = {"token": "t5", "to_point": "../..", "code": [MILK], "quantity": ["1"]}
    assert keeper_client.post(reverse("goods:transfer_new"), data).status_code == 200
    assert Sale.objects.count() == 0 and Transfer.objects.count() == transfers


# --- query counts -----------------------------------------------------------------------------


def test_the_list_pages_read_a_fixed_number_of_queries(
    client_as, clerk_a, keeper, accountant, warehouse, stocked, world, django_assert_num_queries
):
    """However many rows: the stock, the transfers and the approvals."""
    for key in ("w1", "w2"):
        adjustments.write_off_request(
            actor=clerk_a,
            point=stocked,
            idempotency_key=key,
            lines=[{"code": MILK, "quantity": 1}, {"code": YOGHURT, "quantity": 1}],
            reason="Vỡ",
        )
    for key in ("k1", "k2"):
        adjustments.stocktake_submit(
            actor=clerk_a, point=stocked, idempotency_key=key, lines=[{"code": MILK, "counted": 9}]
        )
    send_goods(keeper, warehouse, world.point_a, [{"code": MILK, "quantity": 1}], key="t2")
    client = client_as(clerk_a)
    with django_assert_num_queries(10):
        assert client.get(reverse("goods:index")).status_code == 200
    with django_assert_num_queries(10):
        assert client.get(reverse("goods:transfers")).status_code == 200
    client = client_as(accountant)
    with django_assert_num_queries(8):
        assert client.get(reverse("goods:approvals")).status_code == 200
