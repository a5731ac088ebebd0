"""Telecom in a real browser (Debian's Chromium via Playwright), keyboard only: a top-up (the
number first, its operator shown as it is typed) and a code sale whose codes show once."""

from __future__ import annotations

from typing import Any

import pytest

from buudien.people.tests.factories import PASSWORD
from buudien.telecom.models import PinSale, Topup
from buudien.telecom.tests.conftest import VIETTEL_PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_topup_and_a_code_sale_by_keyboard(
    live_server: Any, page: Any, clerk_a: Any, stocked: Any
) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "clerk_a")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")

    page.goto(f"{live_server.url}/telecom/topup/")
    expect(page.locator("#id_phone")).to_be_focused()
    page.keyboard.type(VIETTEL_PHONE, delay=5)
    expect(page.get_by_test_id("operator-found")).to_have_text("Viettel")
    page.keyboard.press("Tab")
    page.keyboard.type("100")  # the select jumps to 100.000 ₫
    page.keyboard.press("Tab")  # the operator: from the prefix
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("reference")).to_contain_text("NT240001")
    assert Topup.objects.get().amount == 100_000

    page.goto(f"{live_server.url}/telecom/pins/")
    expect(page.locator("#id_operator")).to_be_focused()
    page.keyboard.type("Viettel")
    page.keyboard.press("Tab")
    page.keyboard.type("50")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+a")
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("shown-once")).to_be_visible()
    expect(page.get_by_test_id("receipt")).to_contain_text("123456789012304")
    sale = PinSale.objects.get()
    assert sale.quantity == 2 and sale.face_value == 50_000
    page.reload()
    expect(page.get_by_test_id("receipt")).not_to_contain_text("123456789012304")
    expect(page.get_by_test_id("receipt")).to_contain_text("•••• •••• 2304")
