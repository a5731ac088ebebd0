"""A counter clerk's day by keyboard alone (Debian's Chromium via Playwright): the home's
numbered operations, and an item accepted with the keys a clerk and a scanner send."""

from __future__ import annotations

import re
from typing import Any

import pytest

from buudien.mail.models import PostalItem
from buudien.mail.tests.factories import tariffs_for_all_services
from buudien.people.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_opens_an_operation_with_its_number_and_accepts_by_keyboard(
    live_server: Any, page: Any, clerk_a: Any, world: Any
) -> None:
    tariffs_for_all_services()
    expect = pytest.importorskip("playwright.sync_api").expect
    log_in(page, live_server.url, "clerk_a")

    # The counter home: large shortcuts, numbered; the drawer and the day.
    shortcuts = page.get_by_test_id("shortcuts")
    expect(shortcuts.locator("a").first).to_contain_text("Chấp nhận bưu gửi")
    expect(page.get_by_test_id("drawer-balance")).to_have_text("0 ₫")
    page.keyboard.press("1")
    expect(page).to_have_url(re.compile(r"/mail/accept/$"))

    # The first field has the focus; everything else is typed, tabbed, chosen by arrows.
    expect(page.locator("#id_point")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#id_service")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.type("Nguyễn Văn An")
    page.locator("#id_recipient_name").focus()
    page.keyboard.type("Hoàng Thị Bình")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("Thôn Pò Mỏ")
    page.keyboard.press("Tab")
    page.keyboard.type("chi lang")
    expect(page.locator("#id_recipient_commune option")).to_have_count(2)
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.type("18")
    expect(page.get_by_test_id("quote-total")).to_contain_text("14.040")
    # The live price's requests answered before the form is sent: one still on the live
    # server's other thread held SQLite's lock past the acceptance's wait in a CI run.
    page.wait_for_load_state("networkidle")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/mail/items/[A-Z]{2}\d{9}VN/$"))
    item = PostalItem.objects.get()
    assert (item.recipient_commune, item.weight_g) == (world.commune_b, 18)

    # Back home, the day counts it.
    page.goto(f"{live_server.url}/")
    expect(page.get_by_test_id("operations-today")).to_have_text("1")
    expect(page.get_by_test_id("drawer-balance")).to_have_text("14.040 ₫")


def test_every_operation_of_the_counter_opens_with_the_cursor_in_its_first_field(
    live_server: Any, page: Any, clerk_a: Any, world: Any
) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    log_in(page, live_server.url, "clerk_a")
    links = page.get_by_test_id("shortcuts").locator("a")
    expect(links.first).to_be_visible()
    urls = links.evaluate_all("links => links.map(link => link.getAttribute('href'))")
    assert len(urls) >= 10, urls
    unfocused = {}
    for url in urls:
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("load")
        where = page.evaluate(
            """() => { const at = document.activeElement;
                       return at.closest('main') && /^(INPUT|SELECT|TEXTAREA)$/.test(at.tagName)
                         ? '' : at.tagName + ' ' + (at.id || at.name || ''); }"""
        )
        if where:
            unfocused[url] = where
    assert not unfocused, f"no field has the focus on {unfocused}"
