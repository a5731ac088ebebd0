"""Goods in a real browser (Debian's Chromium via Playwright): a sale by barcode scanner (a
scanner types the code and presses Enter) with its receipt, a return by receipt number, a
transfer sent from the warehouse and received at the point, a stocktake approved by an
accountant, and the pages on a phone."""

from __future__ import annotations

import re
from typing import Any

import pytest

from buudien.goods import services
from buudien.goods.choices import ApprovalStatus, TransferStatus
from buudien.goods.models import Sale, SaleReturn, StockLevel, Stocktake, Transfer
from buudien.goods.tests.conftest import MILK, TEA, YOGHURT, receive_goods
from buudien.people.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _expect() -> Any:
    return pytest.importorskip("playwright.sync_api").expect


def _login(page: Any, live_server: Any, username: str) -> None:
    log_in(page, live_server.url, username)


def _scan(page: Any, code: str) -> None:
    """What a barcode scanner does: types the code fast, then Enter."""
    page.get_by_test_id("scan").focus()
    page.keyboard.type(code, delay=5)
    page.keyboard.press("Enter")


def test_a_sale_by_scanner_with_its_receipt(
    live_server: Any, page: Any, clerk_a: Any, stocked: Any
) -> None:
    expect = _expect()
    _login(page, live_server, "clerk_a")
    page.get_by_role("link", name="Hàng hóa").first.click()
    expect(page.get_by_test_id("stock-value")).to_contain_text("78.000")
    page.get_by_test_id("sale-link").click()
    expect(page.get_by_test_id("scan")).to_be_focused()

    page.keyboard.type(MILK, delay=5)
    page.keyboard.press("Enter")
    lines = page.get_by_test_id("line")
    expect(lines).to_have_count(1)
    expect(page.get_by_test_id("lines-total")).to_contain_text("8.640")
    expect(page.get_by_test_id("scan")).to_be_focused()
    expect(page.get_by_test_id("scan")).to_have_value("")
    _scan(page, MILK)  # the same product again: one more on its line
    expect(page.get_by_test_id("qty-0")).to_have_value("2")
    expect(page.get_by_test_id("lines-total")).to_contain_text("17.280")
    _scan(page, "8934600000099")  # unknown (a wrong check digit)
    expect(page.get_by_test_id("scan-error")).not_to_be_empty()
    expect(lines).to_have_count(1)
    # By name, without diacritics, as the alternative to the scanner.
    page.get_by_test_id("find").fill("che thai")
    page.get_by_test_id("add-CHE-TN").click()
    expect(lines).to_have_count(2)
    expect(page.get_by_test_id("scan-error")).to_be_empty()
    expect(page.get_by_test_id("lines-total")).to_contain_text("67.280")
    page.get_by_test_id("qty-1").fill("3")
    page.get_by_test_id("qty-1").press("Tab")
    expect(page.get_by_test_id("lines-total")).to_contain_text("167.280")
    page.get_by_test_id("submit").click()

    expect(page).to_have_url(re.compile(r"/goods/sales/BH240001000001/$"))
    expect(page.get_by_test_id("total")).to_contain_text("167.280")
    assert Sale.objects.get().total == 167_280
    link = page.get_by_test_id("receipt-link")
    assert link.get_attribute("href") == "/goods/sales/BH240001000001.pdf"
    receipt = page.request.get(f"{live_server.url}{link.get_attribute('href')}")
    assert receipt.headers["content-type"] == "application/pdf"
    assert receipt.body().startswith(b"%PDF")


def test_a_sale_beyond_stock_is_refused_on_its_line(
    live_server: Any, page: Any, clerk_a: Any, stocked: Any
) -> None:
    expect = _expect()
    _login(page, live_server, "clerk_a")
    page.goto(f"{live_server.url}/goods/sale/")
    _scan(page, YOGHURT)
    expect(page.get_by_test_id("line")).to_have_count(1)
    page.get_by_test_id("qty-0").fill("9")
    page.get_by_test_id("buyer").locator("summary").click()
    page.get_by_label("Mã số thuế người mua").fill("12")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("line-error-0")).to_contain_text("tồn kho 4")
    expect(page.get_by_test_id("error-buyer_tax_code")).to_be_visible()
    assert Sale.objects.count() == 0


def test_a_return_by_receipt_number(
    live_server: Any, page: Any, clerk_a: Any, stocked: Any, world: Any
) -> None:
    expect = _expect()
    services.sale_make(
        actor=clerk_a,
        point=world.point_a,
        idempotency_key="s1",
        lines=[{"code": MILK, "quantity": 3}, {"code": TEA, "quantity": 1}],
    )
    _login(page, live_server, "clerk_a")
    page.goto(f"{live_server.url}/goods/returns/")
    # The scanner types into the field that has the focus: wait for it (under load the first
    # characters went nowhere).
    expect(page.locator("input[name=number]")).to_be_focused()
    page.keyboard.type("BH240001000001")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/goods/sales/BH240001000001/return/$"))
    page.get_by_test_id("back-SUA180").fill("2")
    page.get_by_label("Lý do").fill("Hộp bị móp")
    # The browser asks first, naming the sale and its amount (a return gives money back).
    questions: list[str] = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.get_by_test_id("submit").click()
    expect(page).to_have_url(re.compile(r"/goods/sales/BH240001000001/$"))
    assert questions[0].startswith("Nhận lại hàng của đơn bán hàng BH240001000001 (75.920")
    expect(page.get_by_test_id("returned-SUA180")).to_have_text("2")
    assert SaleReturn.objects.get().total == 2 * 8_640


def test_a_transfer_sent_from_the_warehouse_and_received_at_the_point(
    live_server: Any,
    page: Any,
    browser: Any,
    keeper: Any,
    warehouse: Any,
    clerk_a: Any,
    catalogue: Any,
    world: Any,
) -> None:
    expect = _expect()
    receive_goods(keeper, warehouse)
    _login(page, live_server, "thukho")
    page.goto(f"{live_server.url}/goods/")
    page.get_by_test_id("transfer-link").click()
    page.get_by_label("Đến điểm").select_option("240001")
    _scan(page, MILK)
    expect(page.get_by_test_id("line")).to_have_count(1)
    page.get_by_test_id("qty-0").fill("5")
    # the live server shares the in-memory SQLite connection across its threads: let the
    # form's own requests (the scan's line) finish before posting it
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("submit").click()
    expect(page).to_have_url(re.compile(r"/goods/transfers/DC240000000001/$"))
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", TransferStatus.SENT)
    note = page.request.get(f"{live_server.url}/goods/transfers/DC240000000001.pdf")
    assert note.headers["content-type"] == "application/pdf"
    expect(page.get_by_test_id("receive")).to_have_count(0)

    point = browser.new_context().new_page()
    _login(point, live_server, "clerk_a")
    point.goto(f"{live_server.url}/goods/transfers/")
    point.get_by_test_id("waiting-DC240000000001").click()
    point.get_by_test_id("receive").click()
    expect(point.get_by_test_id("status")).to_have_attribute("data-status", TransferStatus.RECEIVED)
    expect(point.get_by_test_id("received")).to_be_visible()
    assert Transfer.objects.get().status == TransferStatus.RECEIVED
    level = StockLevel.objects.get(point=world.point_a, product=catalogue["SUA180"])
    assert level.quantity == 5


def test_a_stocktake_counted_at_the_point_and_approved_by_an_accountant(
    live_server: Any, page: Any, browser: Any, clerk_a: Any, accountant: Any, stocked: Any
) -> None:
    expect = _expect()
    _login(page, live_server, "clerk_a")
    page.goto(f"{live_server.url}/goods/stocktakes/new/")
    page.get_by_test_id("all-products").click()
    expect(page.get_by_test_id("line")).to_have_count(3)
    for index in range(3):
        page.get_by_test_id(f"qty-{index}").fill("4")
    page.get_by_test_id("submit").click()
    expect(page).to_have_url(re.compile(r"/goods/stocktakes/KK240001000001/$"))
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", "requested")

    desk = browser.new_context().new_page()
    _login(desk, live_server, "ketoan")
    desk.get_by_role("link", name="Hàng hóa").first.click()
    desk.get_by_role("link", name="Phê duyệt").first.click()
    desk.get_by_test_id("approve-KK240001000001").click()
    expect(desk.get_by_test_id("no-stocktakes")).to_be_visible()
    assert Stocktake.objects.get().status == ApprovalStatus.APPROVED


def test_the_goods_pages_fit_a_phone(
    live_server: Any, browser: Any, clerk_a: Any, stocked: Any
) -> None:
    expect = _expect()
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    mobile = phone.new_page()
    _login(mobile, live_server, "clerk_a")
    for path in ("/goods/", "/goods/sale/", "/goods/transfers/", "/goods/stocktakes/new/"):
        mobile.goto(f"{live_server.url}{path}")
        if path == "/goods/sale/":
            _scan(mobile, MILK)
            expect(mobile.get_by_test_id("line")).to_have_count(1)
        width = mobile.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, path
    phone.close()


def test_an_order_taken_by_phone_becomes_a_parcel(
    live_server: Any, page: Any, clerk_a: Any, stocked: Any, world: Any
) -> None:
    from buudien.goods.models import GoodsOrder
    from buudien.mail.choices import MailService
    from buudien.mail.tests.factories import TariffFactory

    TariffFactory(service=MailService.PARCEL)
    expect = _expect()
    _login(page, live_server, "clerk_a")
    page.goto(f"{live_server.url}/goods/")
    page.get_by_role("link", name="Đơn hàng gửi bưu kiện").first.click()
    page.get_by_test_id("new-order").click()
    expect(page.get_by_test_id("scan")).to_be_focused()
    _scan(page, TEA)
    expect(page.get_by_test_id("line")).to_have_count(1)
    page.get_by_test_id("submit").click()  # no buyer yet: every problem at once
    for field in ("buyer_name", "buyer_phone", "buyer_address", "buyer_commune", "weight_g"):
        expect(page.get_by_test_id(f"error-{field}")).to_be_visible()
    expect(page.get_by_test_id("line")).to_have_count(1)  # the lines are kept
    page.fill("#id_buyer_name", "Trần Thị Hoa")
    page.fill("#id_buyer_phone", "0912345678")
    page.fill("#id_buyer_address", "Thôn Nà Phặc")
    page.select_option("#id_buyer_commune", str(world.commune_b.pk))
    page.fill("#id_weight_g", "800")
    page.get_by_test_id("submit").click()

    expect(page).to_have_url(re.compile(r"/goods/orders/BH240001000001/$"))
    order = GoodsOrder.objects.get()
    expect(page.get_by_test_id("s10")).to_contain_text(order.item.s10)
    expect(page.get_by_test_id("cod")).to_contain_text(f"{order.cod_amount:,}".replace(",", "."))
    expect(page.get_by_test_id("label-link")).to_be_visible()
