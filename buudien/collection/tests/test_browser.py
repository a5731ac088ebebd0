"""A clerk collects a bill in a real browser (Debian's Chromium via Playwright), sees it in
today's list, opens its receipt and cancels it."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest

from buudien.collection.models import Bill
from buudien.people.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM", "/usr/bin/chromium"),
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
    }


def test_a_clerk_collects_a_bill_and_cancels_it(
    live_server: Any, page: Any, clerk_a: Any, evn: Any
) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "clerk_a")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")

    page.goto(f"{live_server.url}/collection/")
    page.select_option("#id_partner", str(evn.pk))
    page.fill("#id_customer_code", "PA18000123")
    page.fill("#id_customer_name", "Hoàng Văn Dũng")
    page.fill("#id_period", "10/2026")
    page.fill("#id_amount", "0")
    page.get_by_test_id("collect-submit").click()
    expect(page.get_by_test_id("error-amount")).to_be_visible()

    page.fill("#id_amount", "456789")
    page.get_by_test_id("collect-submit").click()
    bill = Bill.objects.get()
    expect(page).to_have_url(re.compile(rf"/collection/bills/{bill.reference}/$"))
    expect(page.get_by_test_id("amount")).to_have_text("456.789 ₫")
    expect(page.get_by_test_id("receipt-link")).to_have_attribute(
        "href", f"/collection/bills/{bill.reference}/receipt.pdf"
    )
    if os.environ.get("COLLECTION_SCREENSHOTS"):
        page.goto(f"{live_server.url}/collection/")
        page.screenshot(path="/tmp/collection-counter.png", full_page=True)
        page.goto(f"{live_server.url}/collection/bills/{bill.reference}/")

    page.fill("#id_reason", "Khách đưa nhầm mã")
    page.get_by_test_id("cancel-submit").click()
    expect(page.get_by_test_id("status")).to_have_text("Đã hủy")
    bill.refresh_from_db()
    assert bill.status == "cancelled"
