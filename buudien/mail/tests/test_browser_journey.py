# ruff: noqa: F811  (fixtures imported from ops_factories are parameters of the tests)
"""One item's whole journey in a real browser (Debian's Chromium via Playwright): a clerk of
office A accepts a letter and prints its label, bags it for office B and scans the bag out;
a clerk of office B scans the bag in, opens it and starts the postman's round; the postman
delivers the letter; then anyone, logged out, tracks it on the public page."""

from __future__ import annotations

import re
from typing import Any

import pytest

from buudien.mail.models import PostalItem
from buudien.mail.tests.factories import tariffs_for_all_services
from buudien.mail.tests.ops_factories import postman_b  # noqa: F401
from buudien.mail.tests.pages import fill_a_letter, sign_on_the_pad
from buudien.people.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page: Any, url: str, username: str) -> None:
    log_in(page, url, username)


def _log_out(page: Any) -> None:
    page.get_by_role("button", name=re.compile("Log out|Đăng xuất")).click()
    page.wait_for_load_state("networkidle")


def test_a_letter_from_the_counter_to_the_door_and_on_the_public_page(
    live_server: Any,
    page: Any,
    world: Any,
    clerk_a: Any,
    clerk_b: Any,
    postman_b: Any,
) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    tariffs_for_all_services()
    url = live_server.url

    # Office A's clerk accepts a registered letter for a commune that office B serves.
    _login(page, url, "clerk_a")
    page.goto(f"{url}/mail/accept/")
    fill_a_letter(page, world)
    page.get_by_test_id("accept-submit").click()
    expect(page).to_have_url(re.compile(r"/mail/items/[A-Z]{2}\d{9}VN/$"))
    item = PostalItem.objects.get()
    assert item.delivery_point == world.point_b

    # Its label: a PDF, from the link on the item's page.
    href = page.get_by_test_id("print-links").locator("a").first.get_attribute("href")
    label = page.request.get(f"{url}{href}")
    assert (label.status, label.headers["content-type"]) == (200, "application/pdf")
    assert label.body().startswith(b"%PDF")

    # Office A bags it for B, closes the bag and scans it out.
    page.goto(f"{url}/mail/ops/bags/")
    page.select_option("select[name=destination]", str(world.point_b.pk))
    page.click("[data-testid=bag-open-form] button[type=submit]")
    expect(page).to_have_url(re.compile(r"/mail/ops/bags/BG240001000001/$"))
    page.fill("input[name=s10]", item.s10)
    with page.expect_response(lambda r: "/items/" in r.url and r.request.method == "POST"):
        page.press("input[name=s10]", "Enter")
    expect(page.get_by_test_id("manifest")).to_contain_text(item.s10)
    page.click("[data-testid=bag-close]")
    page.click("[data-testid=bag-dispatch]")
    expect(page.get_by_test_id("bag-status")).to_have_text(re.compile("Dispatched|chuyển"))

    # Office B scans the bag in, opens it against its manifest, starts the postman's round.
    _login(page, url, "clerk_b")
    page.goto(f"{url}/mail/ops/bags/BG240001000001/")
    page.click("[data-testid=bag-receive]")
    page.fill("textarea[name=scanned]", item.s10)
    page.click("[data-testid=bag-open-destination] button[type=submit]")
    expect(page.get_by_test_id("bag-report")).to_be_visible()
    page.goto(f"{url}/mail/ops/rounds/start/")
    page.select_option("select[name=postman]", str(postman_b.pk))
    page.click("[data-testid=round-start-form] button[type=submit]")
    expect(page.get_by_test_id("attempt")).to_have_count(1)

    # The postman delivers it, on a phone.
    page.set_viewport_size({"width": 390, "height": 844})
    _login(page, url, "postman_b")
    page.goto(f"{url}/mail/ops/rounds/")
    card = page.locator(f"[data-s10={item.s10}]")
    card.get_by_test_id("deliver-open").click()
    card.locator("input[name=recipient_name]").fill("Hoàng Thị Bình")
    # a registered letter is handed over against the recipient's signature on the phone
    sign_on_the_pad(page, card)
    card.get_by_test_id("deliver-submit").click()
    expect(page.locator(f"[data-s10={item.s10}] [data-testid=attempt-outcome]")).to_have_text(
        re.compile("Delivered|phát")
    )
    item.refresh_from_db()
    assert item.status == "delivered"

    # Logged out, anyone tracks it: the whole journey, in Vietnamese, ending in the delivery.
    page.set_viewport_size({"width": 1280, "height": 800})
    _log_out(page)
    page.goto(f"{url}/tracking/")
    # Typed as printed on the label, in groups and small letters, then Enter (no click).
    grouped = f"{item.s10[:2]} {item.s10[2:6]} {item.s10[6:10]} {item.s10[10]} {item.s10[11:]}"
    box = page.get_by_test_id("tracking-q")
    expect(box).to_be_focused()
    box.type(grouped.lower())
    box.press("Shift+Enter")
    box.type("RR123")
    box.press("Enter")
    results = page.get_by_test_id("tracking-results")
    expect(results).to_contain_text("Đã phát")
    expect(results).to_contain_text("13 ký tự")  # the second line, RR123, says what is wrong
    results.get_by_role("link", name=item.s10).click()
    expect(page).to_have_url(re.compile(rf"/tracking/{item.s10}/$"))
    expect(page.get_by_test_id("tracking-status")).to_have_attribute("data-status", "delivered")
    timeline = page.get_by_test_id("tracking-timeline")
    codes = timeline.locator("tbody tr").evaluate_all("rows => rows.map(row => row.dataset.code)")
    assert codes == ["EMA", "EMC", "EMD", "EMG", "EDG", "EMI"]
    expect(timeline.locator("tr[data-code=EMI]")).to_contain_text(world.point_b.name)
    expect(page.get_by_test_id("tracking-status")).to_have_text("Đã phát")
    expect(page.get_by_role("button", name=re.compile("Log out|Đăng xuất"))).to_have_count(0)
