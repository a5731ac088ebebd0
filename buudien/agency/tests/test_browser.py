"""A clerk at the counter in a real browser (Debian's Chromium via Playwright): a deposit
opening a book, its receipt, a withdrawal refused on the book's balance, then paid."""

from __future__ import annotations

import re
from typing import Any

import pytest

from buudien.agency.models import SavingsBook, SavingsTransaction
from buudien.agency.tests.helpers import CID
from buudien.people.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_takes_a_deposit_and_pays_a_withdrawal(
    live_server: Any, page: Any, clerk_a: Any, world: Any
) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "clerk_a")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")

    page.goto(f"{live_server.url}/agency/")
    page.get_by_role("link", name="Gửi tiết kiệm").first.click()
    page.fill("#id_book_number", "LP000111")
    page.fill("#id_customer_name", "Nguyễn Thị Hoa")
    page.fill("#id_citizen_id", CID)
    page.select_option("#id_term_months", "12")
    page.fill("#id_amount", "10.000.000")
    # The money input says the amount in words as it is typed (issue 10).
    expect(page.locator("#id_amount-words")).to_have_text("Mười triệu đồng")
    page.get_by_test_id("submit").click()
    expect(page).to_have_url(re.compile(r"/agency/op/TK240001000001/$"))
    expect(page.get_by_test_id("total")).to_contain_text("10.000.000")
    assert page.get_by_test_id("receipt-link").get_attribute("href") == (
        "/agency/op/TK240001000001/receipt.pdf"
    )

    page.get_by_role("link", name="Xem sổ").click()
    expect(page.get_by_test_id("book-balance")).to_contain_text("10.000.000")
    page.get_by_role("link", name="Rút tiền").click()
    page.fill("#id_citizen_id", CID)
    page.fill("#id_amount", "12000000")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("error-amount")).to_contain_text("Sổ LP000111 chỉ còn")
    page.fill("#id_amount", "4.000.000")
    page.get_by_test_id("submit").click()
    expect(page).to_have_url(re.compile(r"/agency/op/TK240001000002/$"))
    assert SavingsBook.objects.get().balance == 6_000_000
    assert SavingsTransaction.objects.count() == 2
