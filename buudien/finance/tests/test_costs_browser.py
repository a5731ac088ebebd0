"""The accountant's costs and budget pages, and the commune scorecard they lead to, in a real
browser (Debian's Chromium via Playwright): reached from the navigation, errors all at once,
a cost booked, what is owed to the budget, a commune's page to print."""

from __future__ import annotations

import os
from typing import Any

import pytest

from buudien.core.bizdays import local_today
from buudien.finance.models import Account
from buudien.people.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM", "/usr/bin/chromium"),
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
    }


def test_the_accountant_books_a_cost_sees_the_budget_and_a_communes_page(
    live_server: Any, page: Any, world: Any, accountant: Any
) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", accountant.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")

    page.get_by_role("link", name="Tài chính").first.click()
    page.get_by_role("link", name="Chi phí").first.click()
    expect(page.locator("#id_date")).to_be_focused()
    page.fill("#id_date", "")
    page.get_by_test_id("cost-submit").click()
    for field in ("date", "owner", "category", "amount", "paid_from"):
        expect(page.get_by_test_id(f"error-{field}")).to_be_visible()
    page.fill("#id_date", local_today().isoformat())
    page.fill("#id_owner", "UA")
    page.select_option("#id_category", "6421")
    page.fill("#id_amount", "45.000.000")
    page.select_option("#id_paid_from", "334")
    page.fill("#id_memo", "Lương tháng")
    page.get_by_test_id("cost-submit").click()
    expect(page.get_by_test_id("costs-table")).to_contain_text("45.000.000")
    expect(page.get_by_test_id("costs-total")).to_contain_text("45.000.000")
    assert Account.objects.get(code="6421.UA").balance == 45_000_000

    page.get_by_role("link", name="Nộp ngân sách").first.click()
    expect(page.get_by_test_id("taxes-owed")).to_be_visible()
    expect(page.get_by_test_id("budget-form")).to_be_visible()

    page.goto(f"{live_server.url}/planning/communes/?province=20")
    page.get_by_role("link", name="Xã Đồng Đăng").click()
    expect(page.get_by_test_id("scorecard-points")).to_contain_text("240001")
    expect(page.get_by_test_id("scorecard-figures")).to_be_visible()
