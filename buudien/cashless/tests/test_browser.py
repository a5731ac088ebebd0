"""A clerk makes a QR code in a real browser (Debian's Chromium via Playwright); the page
polls its status and shows the payment as soon as the accountant confirms it. A reader
(zxing-cpp) finds the code whole in a screenshot of the page and of its full-screen view, on
a laptop and on a phone. An accountant imports a bank's own export and matches a line by
clicking the payment suggested for it."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
import zxingcpp
from PIL import Image

from buudien.cashless import services
from buudien.cashless.models import PaymentRequest
from buudien.cashless.tests.conftest import SAMPLE_CODE, SAMPLES
from buudien.people.tests.browser import log_in
from buudien.people.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_customer_sees_the_payment_arrive(
    live_server: Any, page: Any, clerk_a: Any, accountant: Any, bank: Any, fund: Any, world: Any
) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    fund(world.point_a, 500_000)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "clerk_a")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/cashless/")
    page.get_by_test_id("create-link").click()
    page.fill("#id_amount", "85000")
    page.fill("#id_purpose", "Cước EMS đi Hà Nội")
    page.click("form[data-testid=create-form] button[type=submit]")

    expect(page).to_have_url(re.compile(r"/cashless/requests/\d+/"))
    expect(page.get_by_test_id("qr").locator("svg")).to_be_visible()
    expect(page.get_by_test_id("payment-status")).to_have_attribute("data-status", "pending")

    payment = PaymentRequest.objects.get()
    services.payment_request_confirm(actor=accountant, request=payment, bank_reference="FT88")
    status = page.get_by_test_id("payment-status")
    expect(status).to_have_attribute("data-status", "confirmed")
    expect(status).to_contain_text("Đã nhận thanh toán")
    expect(status).to_contain_text("FT88")


def _login(page: Any, live_server: Any, username: str) -> None:
    log_in(page, live_server.url, username)


def _read_code(page: Any) -> list[str]:
    """What a reader finds in the browser's window as the customer's phone sees it: the
    texts of every QR code that zxing-cpp decodes from a screenshot of the viewport."""
    shot = Image.open(io.BytesIO(page.screenshot()))
    return [found.text for found in zxingcpp.read_barcodes(shot, formats=zxingcpp.QRCode)]


@pytest.mark.parametrize(
    ("width", "height", "back_key"), [(1366, 768, "Escape"), (390, 844, "Enter")]
)
def test_the_code_reads_whole_from_the_screen_and_full_screen(
    live_server: Any, page: Any, make_request: Any, width: int, height: int, back_key: str
) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    payment = make_request(amount=1_500_000, purpose="Thu ho tien dien")
    page.set_viewport_size({"width": width, "height": height})
    _login(page, live_server, "clerk_a")
    page.goto(f"{live_server.url}/cashless/requests/{payment.pk}/")

    code = page.get_by_test_id("qr").locator("svg")
    code.scroll_into_view_if_needed()
    box = code.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert round(box["width"]) == round(box["height"])
    assert _read_code(page) == [payment.payload]

    show = page.get_by_test_id("show-link")
    show.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/cashless/requests/{payment.pk}/show/$"))
    expect(page.get_by_test_id("show-amount")).to_have_text("1.500.000\u00a0₫")
    expect(page.get_by_test_id("show-beneficiary")).to_contain_text("BUU DIEN TINH LANG SON")
    expect(page.get_by_test_id("show-purpose")).to_have_text("Thu ho tien dien")
    big = page.get_by_test_id("show-qr").locator("svg").bounding_box()
    assert big["width"] >= min(width, height) * 0.6
    assert _read_code(page) == [payment.payload]

    page.keyboard.press(back_key)  # Esc anywhere, or Enter on the way back (it has focus)
    expect(page).to_have_url(re.compile(rf"/cashless/requests/{payment.pk}/$"))


def test_an_accountant_imports_a_vietcombank_export_and_matches_a_line_in_one_click(
    live_server: Any,
    page: Any,
    accountant: Any,
    make_request: Any,
    made_on: Any,
    fund: Any,
    world: Any,
    sample_accounts: Any,
) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    fund(world.point_a, 500_000)
    paid = made_on(make_request(amount=150_000), dt.date(2026, 3, 4), code=SAMPLE_CODE)
    waiting = made_on(make_request(amount=85_000), dt.date(2026, 3, 4))
    _login(page, live_server, accountant.username)
    page.goto(f"{live_server.url}/cashless/statements/")
    page.set_input_files("#id_file", str(SAMPLES / "vietcombank.xlsx"))
    page.click("form[data-testid=statement-form] button[type=submit]")

    result = page.get_by_test_id("import-result")
    expect(result).to_contain_text("1 dòng đã khớp và xác nhận, 1 dòng chưa khớp")
    expect(result).to_contain_text("5 dòng không liên quan đến thanh toán nào")
    others = page.get_by_test_id("not-related-line")
    expect(others).to_have_count(5)
    expect(others.filter(has_text="0331.99003")).to_contain_text("phí ngân hàng")
    expect(others.filter(has_text="0331.99004")).to_contain_text("lãi ngân hàng trả")
    expect(others.filter(has_text="5312.00417")).to_contain_text("-5.000.000")

    line = page.locator("[data-testid=unmatched-line][data-reference='5243.65981']")
    candidate = line.get_by_test_id("candidate")
    expect(candidate).to_have_count(1)
    expect(candidate).to_have_attribute("data-code", waiting.code)
    candidate.click()

    expect(page.locator(".messages")).to_contain_text(waiting.code)
    expect(page.get_by_test_id("unmatched-lines")).to_contain_text("Mọi dòng đều đã khớp.")
    waiting.refresh_from_db()
    paid.refresh_from_db()
    assert (waiting.status, waiting.bank_reference, waiting.paid_on) == (
        "confirmed",
        "5243.65981",
        dt.date(2026, 3, 5),
    )
    assert (paid.status, paid.bank_reference) == ("confirmed", "5243.65937")
