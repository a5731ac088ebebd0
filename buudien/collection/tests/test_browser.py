"""A clerk collects a bill in a real browser (Debian's Chromium via Playwright), sees it in
today's list, opens its receipt and cancels it, for a reason and once the browser asked; a
bill above the amount a clerk cancels alone waits until a director approves it."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest

from buudien.collection.models import Bill
from buudien.people.tests.browser import log_in
from buudien.people.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM", "/usr/bin/chromium"),
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
    }


def _answered(page: Any, *, accept: bool = True) -> list[str]:
    """The question the browser asks next (``data-confirm``), kept and answered."""
    questions: list[str] = []

    def answer(dialog: Any) -> None:
        questions.append(dialog.message)
        if accept:
            dialog.accept()
        else:
            dialog.dismiss()

    page.once("dialog", answer)
    return questions


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

    # No reason: refused, nothing asked of the browser, the reason takes the focus.
    _answered(page)
    page.get_by_test_id("cancel-submit").click()
    expect(page.get_by_test_id("error-reason")).to_have_text("Lý do không được để trống.")
    expect(page.locator("#id_reason")).to_be_focused()
    bill.refresh_from_db()
    assert bill.status == "collected"

    # The browser asks first, naming the bill and its amount; dismissed, nothing is sent.
    page.fill("#id_reason", "Khách đưa nhầm mã")
    questions = _answered(page, accept=False)
    page.get_by_test_id("cancel-submit").click()
    expect(page.get_by_test_id("status")).to_have_text("Đã thu")
    assert questions == [
        f"Hủy hóa đơn {bill.reference} số tiền 456.789\xa0₫? "
        "Tiền sẽ được hoàn lại; không thể hoàn tác."
    ]
    _answered(page)
    page.get_by_test_id("cancel-submit").click()
    expect(page.get_by_test_id("status")).to_have_text("Đã hủy")
    bill.refresh_from_db()
    assert bill.status == "cancelled"
    assert bill.cancel_reason == "Khách đưa nhầm mã"


def _log_in(page: Any, url: str, username: str) -> None:
    log_in(page, url, username)


def test_a_large_bill_is_cancelled_once_a_director_approves(
    live_server: Any, page: Any, clerk_a: Any, director: Any, collect: Any
) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    bill = collect(amount=12_500_000)
    _log_in(page, live_server.url, "clerk_a")
    page.goto(f"{live_server.url}/collection/bills/{bill.reference}/")

    page.fill("#id_reason", "Thu nhầm hóa đơn của nhà bên cạnh")
    questions = _answered(page)
    page.get_by_test_id("cancel-submit").click()
    expect(page.get_by_test_id("cancel-pending")).to_contain_text(
        "Thu nhầm hóa đơn của nhà bên cạnh"
    )
    assert questions[0].startswith(f"Đề nghị hủy hóa đơn {bill.reference} số tiền 12.500.000")
    expect(page.get_by_test_id("status")).to_have_text("Đã thu")
    expect(page.get_by_test_id("cancel-form")).to_have_count(0)
    bill.refresh_from_db()
    assert bill.status == "collected"

    page.get_by_role("button", name=re.compile("Đăng xuất")).click()
    _log_in(page, live_server.url, "director")
    page.click("nav.main >> text=Tài chính")
    page.click("text=Hủy chờ duyệt")
    expect(page).to_have_url(re.compile(r"/counter/cancellations/$"))
    expect(page.locator("main")).to_contain_text("Thu nhầm hóa đơn của nhà bên cạnh")
    _answered(page)
    page.get_by_role("button", name="Duyệt: hủy giao dịch").click()
    expect(page.get_by_test_id("none-waiting")).to_be_visible()

    page.get_by_role("link", name=re.compile(bill.reference)).first.click()
    expect(page.get_by_test_id("status")).to_have_text("Đã hủy")
    bill.refresh_from_db()
    assert bill.status == "cancelled"
    assert bill.cancel_reason == "Thu nhầm hóa đơn của nhà bên cạnh"
