"""In a real browser (Debian's Chromium via Playwright), on a phone's screen (390 × 844): the
postman of B opens the day's press deliveries, confirms one delivered with one tap and one
not delivered with its reason; the page never scrolls sideways."""

from __future__ import annotations

import re
from typing import Any

import pytest

from buudien.people.tests.factories import PASSWORD
from buudien.press import work
from buudien.press.models import PressDelivery
from buudien.press.tests.conftest import DAILY, DEC1, at

# Debian's Chromium by path: web's fixture, which only web's tests see unless imported.

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_a_postman_confirms_the_press_on_a_phone(
    live_server: Any, page: Any, centre_clerk: Any, postman_b: Any, titles: Any, served: Any
) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    work.issue_receive(
        actor=centre_clerk, title=titles[DAILY], issue_date=DEC1, received=7, at=at(DEC1, 5)
    )
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "postman_b")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    expect(page).not_to_have_url(re.compile(r"/login/"))

    page.goto(f"{live_server.url}/press/round/?day=2026-12-01")
    cards = page.get_by_test_id("delivery")
    expect(cards).to_have_count(3)
    school = page.locator('[data-testid=delivery][data-name="Trường THCS Đồng Đăng"]')
    school.get_by_test_id("deliver").click()
    expect(school).to_have_attribute("data-status", "delivered")

    elder = page.locator('[data-testid=delivery][data-name="Ông Hoàng Văn Sình"]')
    elder.get_by_test_id("miss-open").click()
    elder.locator("select[name=reason]").select_option("absent")
    elder.locator("input[name=note]").fill("Đi nương, hẹn mai")
    assert page.evaluate(SIDEWAYS) <= 0  # the open form fits the screen too
    elder.get_by_test_id("miss-submit").click()
    expect(elder).to_have_attribute("data-status", "missed")
    assert page.evaluate(SIDEWAYS) <= 0

    rows = dict(PressDelivery.objects.values_list("name", "status"))
    assert rows["Trường THCS Đồng Đăng"] == "delivered"
    assert rows["Ông Hoàng Văn Sình"] == "missed"
    assert rows["UBND xã Chi Lăng"] == "pending"
    assert PressDelivery.objects.get(name="Ông Hoàng Văn Sình").reason == "absent"
