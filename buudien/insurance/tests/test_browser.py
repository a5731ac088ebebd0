"""Insurance in a real browser (Debian's Chromium via Playwright), on a phone's width: a
clerk issues a motorbike policy with the keyboard only (the product first, the plate asked
for it), sees every error at once, and prints the certificate."""

from __future__ import annotations

from typing import Any

import pytest

from buudien.insurance.models import Policy
from buudien.people.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}}


def test_a_clerk_issues_a_motorbike_policy_and_prints_its_certificate(
    live_server: Any, page: Any, clerk_a: Any, products: Any
) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "clerk_a")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/insurance/")
    page.get_by_test_id("issue-link").click()

    product = page.get_by_test_id("product")
    expect(product).to_be_focused()
    page.keyboard.press("ArrowDown")  # the first product
    product.select_option("PTI-XM")
    expect(page.get_by_test_id("fixed-premium")).to_contain_text("66.000")
    page.keyboard.press("Tab")
    expect(page.locator("#id_plate")).to_be_focused()
    page.keyboard.type("12b1 23456")
    page.locator("#id_phone").focus()
    page.keyboard.type("12")  # too short; the name is missing too
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("error-insured_name")).to_be_visible()
    expect(page.get_by_test_id("error-phone")).to_be_visible()
    assert not Policy.objects.exists()

    page.locator("#id_insured_name").fill("Hoàng Thị Mai")
    page.locator("#id_phone").fill("0912345678")
    page.locator("#id_phone").press("Enter")
    expect(page.get_by_test_id("policy-number")).to_have_text("BHI240001000001")
    expect(page.get_by_test_id("total")).to_contain_text("66.000")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    link = page.get_by_test_id("certificate-link")
    certificate = page.request.get(f"{live_server.url}{link.get_attribute('href')}")
    assert certificate.headers["content-type"] == "application/pdf"
    assert certificate.body().startswith(b"%PDF")
    assert Policy.objects.get().plate == "12-B1 234.56"
