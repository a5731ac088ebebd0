"""A clerk accepts an item in a real browser (Debian's Chromium via Playwright): the commune
search, the live price, the item page and its label; and anyone prices a parcel."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest

from buudien.mail.models import PostalItem
from buudien.mail.tests.factories import tariffs_for_all_services
from buudien.mail.tests.pages import fill_a_letter
from buudien.people.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium by path, as in web/tests/conftest.py (which only web's tests see)."""
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM", "/usr/bin/chromium"),
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
    }


def _login_clerk_a(page: Any, url: str) -> None:
    log_in(page, url, "clerk_a")


def test_a_clerk_accepts_a_letter_and_prints_its_label(
    live_server: Any, page: Any, clerk_a: Any, world: Any
) -> None:
    tariffs_for_all_services()
    expect = pytest.importorskip("playwright.sync_api").expect
    _login_clerk_a(page, live_server.url)

    page.click("nav.main a[href='/mail/items/']")
    expect(page).to_have_url(re.compile(r"/mail/items/"))
    page.get_by_test_id("accept-link").click()

    fill_a_letter(page, world)

    page.get_by_test_id("accept-submit").click()
    # The item is read once the browser has its answer (on a loaded machine the query could
    # run before the server had written it).
    expect(page).to_have_url(re.compile(r"/mail/items/[A-Z]{2}\d{9}VN/$"))
    item = PostalItem.objects.get()
    expect(page).to_have_url(re.compile(rf"/mail/items/{item.s10}/$"))
    expect(page.locator("h1")).to_contain_text(item.s10)
    href = page.get_by_test_id("print-links").locator("a").first.get_attribute("href")
    response = page.request.get(f"{live_server.url}{href}")
    assert response.headers["content-type"] == "application/pdf"


def test_anyone_prices_a_parcel_without_logging_in(live_server: Any, page: Any, world: Any) -> None:
    tariffs_for_all_services()
    expect = pytest.importorskip("playwright.sync_api").expect
    page.goto(f"{live_server.url}/mail/price/")
    page.select_option("#id_service", "parcel")
    page.select_option("#id_recipient_province", "79")
    page.fill("#id_weight_g", "2600")
    page.locator("#id_weight_g").blur()
    # 75,000 up to 2 kg + 2 × 7,000 to another region; VAT 8 %.
    expect(page.get_by_test_id("quote-total")).to_contain_text("96.120")


def test_the_cod_amount_and_its_box_agree_with_the_price(
    live_server: Any, page: Any, clerk_a: Any, world: Any
) -> None:
    tariffs_for_all_services()
    expect = pytest.importorskip("playwright.sync_api").expect
    _login_clerk_a(page, live_server.url)
    page.goto(f"{live_server.url}/mail/accept/")
    fill_a_letter(page, world)
    cod = page.locator("input[name=addons][value=cod]")
    quote = page.get_by_test_id("quote")

    # Typing the amount ticks the box, and the price counts the fee (13,000 + 12,000) × 1.08.
    page.locator("#id_cod_amount").press_sequentially("250000")
    expect(cod).to_be_checked()
    expect(page.get_by_test_id("quote-total")).to_contain_text("27.000")
    expect(quote).to_contain_text("Thu hộ (COD)")

    # Unticking the box clears the amount, and the price leaves the fee out.
    cod.uncheck()
    expect(page.locator("#id_cod_amount")).to_have_value("")
    expect(page.get_by_test_id("quote-total")).to_contain_text("14.040")
    expect(quote).not_to_contain_text("Thu hộ (COD)")

    # Ticking it asks for the amount; the price says why there is none yet.
    cod.check()
    expect(page.locator("#id_cod_amount")).to_be_focused()
    expect(page.get_by_test_id("quote-refusal")).to_contain_text("số tiền thu hộ")
    page.keyboard.type("90000")
    expect(page.get_by_test_id("quote-total")).to_contain_text("27.000")

    page.get_by_test_id("accept-submit").click()
    expect(page).to_have_url(re.compile(r"/mail/items/[A-Z]{2}\d{9}VN/$"))
    item = PostalItem.objects.get()
    assert (item.cod_amount, item.price_total) == (90_000, 27_000)
    assert [line["code"] for line in item.addons] == ["cod"]
