"""The accountant's trial balance in a real browser (Debian's Chromium via Playwright): opened
from the ledger, a subtotal per main account, the province chosen from a list, and the page
as it prints: the document without the site's navigation, with its signatures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from buudien.finance.models import Account
from buudien.people.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_accountant_opens_the_trial_balance_and_prints_it(
    live_server: Any,
    page: Any,
    world: Any,
    accountant: Any,
    drawer_a: Account,
    drawer_b: Account,
    fund: Callable[..., Any],
) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    fund(drawer_a, 500_000)
    fund(drawer_b, 250_000)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", accountant.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")

    page.goto(f"{live_server.url}/finance/")
    page.get_by_role("link", name="Bảng cân đối số phát sinh").click()
    subtotal = page.get_by_test_id("subtotal-111")
    expect(subtotal).to_contain_text("Tiền mặt")
    expect(subtotal).to_contain_text("750.000")
    expect(page.locator("select[name=province]")).to_have_value("20")
    expect(page.get_by_test_id("signatures")).to_be_hidden()

    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    expect(page.locator("nav.sub")).to_be_hidden()
    expect(page.locator("form.filters")).to_be_hidden()
    expect(page.get_by_test_id("print")).to_be_hidden()
    expect(page.get_by_test_id("doc-unit")).to_have_text("BƯU ĐIỆN TỈNH LẠNG SƠN")
    expect(subtotal).to_be_visible()
    expect(page.get_by_test_id("signatures")).to_be_visible()
    expect(page.get_by_test_id("signatures")).to_contain_text("Kế toán trưởng")
    expect(page.get_by_test_id("date-line")).to_have_text("Lạng Sơn, ngày .. tháng .. năm ..")

    page.emulate_media(media="screen")
    expect(page.locator("header.top")).to_be_visible()
