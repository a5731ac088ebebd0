"""A clerk pays a pension in a real browser (Debian's Chromium via Playwright): the live
search, a wrong ID refused, the right one paid, the receipt."""

from __future__ import annotations

import re
from typing import Any

import pytest

from buudien.payouts.models import Payment
from buudien.payouts.tests.conftest import ID_BINH, ID_CHI
from buudien.people.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_finds_a_line_checks_the_id_and_pays(
    live_server: Any, page: Any, payout_list: Any, clerk_b: Any
) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "clerk_b")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")

    page.goto(f"{live_server.url}/payouts/")
    page.fill("#id_q", "luong van chi")
    results = page.get_by_test_id("search-results")
    expect(results).to_contain_text("Lương Văn Chí")
    expect(results).not_to_contain_text("Nông Thị Bình")
    results.get_by_role("link", name="Chi trả").click()

    page.fill("#id_presented_id", ID_BINH)
    page.get_by_test_id("pay-submit").click()
    expect(page.get_by_test_id("error-presented_id")).to_contain_text("không khớp")
    assert Payment.objects.count() == 0

    page.fill("#id_presented_id", ID_CHI)
    page.get_by_test_id("pay-submit").click()
    expect(page.get_by_test_id("line-status")).to_contain_text("Đã chi trả")
    href = page.get_by_test_id("receipt").get_attribute("href")
    response = page.request.get(f"{live_server.url}{href}")
    assert response.headers["content-type"] == "application/pdf"
    assert re.match(r"^/payouts/lines/\d+/receipt\.pdf$", href)
    assert Payment.objects.get().point.code == "240002"
