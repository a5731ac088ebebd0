"""The public postage calculator on a phone: the price above the form, bad weights refused."""

from __future__ import annotations

from typing import Any

import pytest

from buudien.mail.tests.factories import tariffs_for_all_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_on_a_phone_the_price_shows_above_the_form(live_server: Any, page: Any, world: Any) -> None:
    tariffs_for_all_services()
    expect = pytest.importorskip("playwright.sync_api").expect
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/mail/price/")
    page.select_option("#id_service", "parcel")
    page.select_option("#id_recipient_province", "79")

    # A negative weight is refused with the reason, and no price is shown.
    page.fill("#id_weight_g", "-5")
    page.locator("#id_weight_g").blur()
    expect(page.get_by_test_id("quote")).to_contain_text("không được nhỏ hơn 1")
    expect(page.get_by_test_id("quote-total")).to_have_count(0)

    page.fill("#id_weight_g", "2600")
    page.locator("#id_weight_g").blur()
    expect(page.get_by_test_id("quote-total")).to_contain_text("96.120")
    card = page.get_by_test_id("price-card").bounding_box()
    form = page.get_by_test_id("price-form").bounding_box()
    assert card and form and card["y"] < form["y"], "the price is below the form"
    assert card["y"] + card["height"] <= 844, "the price is not on the first screen"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px phone"
