"""In a real browser (Debian's Chromium via Playwright): a citizen lodges a complaint about
a letter on the public page and gets its code; the care officer finds it by the citizen's
name typed without diacritics, assigns it, notes, answers and closes it; the citizen
follows the code and reads the answer, never the note."""

from __future__ import annotations

import re
from typing import Any

import pytest
import time_machine

from buudien.care.models import CareRequest
from buudien.care.tests.conftest import LODGED
from buudien.people.tests.factories import PASSWORD

# Debian's Chromium by path: web's fixture, which only web's tests see unless imported.

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_complaint_from_the_public_page_to_its_answer(
    live_server: Any, page: Any, officer: Any, clerk_a: Any, letter: Any
) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    traveller = time_machine.travel(LODGED, tick=True)
    traveller.start()
    try:
        page.context.add_cookies(
            [{"name": "django_language", "value": "en", "url": live_server.url}]
        )
        page.goto(f"{live_server.url}/care/new/")
        page.select_option("#id_kind", "complaint")
        page.select_option("#id_ground", "loss")
        page.fill("#id_s10", letter.s10)
        page.fill("#id_customer_name", "Hoàng Thị Mai")
        page.fill("#id_customer_phone", "0912 345 678")
        page.fill("#id_description", "Thư gửi ngày 2/3 chưa đến.")
        page.get_by_test_id("public-submit").click()
        expect(page.get_by_test_id("follow-status")).to_have_attribute("data-status", "received")
        code = CareRequest.objects.get().code
        assert code in page.locator(".messages").inner_text()

        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", officer.username)
        page.fill("#id_password", PASSWORD)
        page.click("main button[type=submit]")
        expect(page).to_have_url(re.compile(r"/care/$"))
        page.fill("#id_q", "hoang thi mai")
        page.keyboard.press("Enter")
        page.get_by_role("link", name=code).click()
        expect(page.get_by_test_id("code")).to_have_text(code)
        expect(page.get_by_test_id("item-events")).to_be_visible()

        page.select_option("#id_unit", "UA")
        page.select_option("#id_owner", "clerk_a")
        page.get_by_test_id("assign-submit").click()
        expect(page.get_by_test_id("in-charge")).to_contain_text("Đồng Đăng")
        page.get_by_test_id("note-form").locator("textarea").fill("Sổ phát không ghi nhận.")
        page.get_by_test_id("note-submit").click()
        expect(page.locator('[data-testid=steps] [data-kind="note"]')).to_have_count(1)
        page.get_by_test_id("answer-form").locator("textarea").fill(
            "Thư đã thất lạc; Bưu điện xin lỗi và sẽ bồi thường."
        )
        page.get_by_test_id("answer-submit").click()
        expect(page.get_by_test_id("answer-message")).to_contain_text(code)
        page.select_option("#id_outcome", "upheld")
        page.fill("#id_cause", "Thất lạc tại bưu cục phát")
        page.get_by_test_id("close-submit").click()
        expect(page.get_by_test_id("status")).to_have_attribute("data-status", "closed")

        page.context.clear_cookies()
        page.context.add_cookies(
            [{"name": "django_language", "value": "en", "url": live_server.url}]
        )
        page.goto(f"{live_server.url}/care/follow/")
        page.fill("#id_code", code.lower())
        page.get_by_test_id("follow-submit").click()
        expect(page.get_by_test_id("follow-answer")).to_contain_text("Thư đã thất lạc")
        expect(page.get_by_test_id("follow-outcome")).to_have_text("Upheld")
        assert "Sổ phát không ghi nhận" not in page.content()
    finally:
        traveller.stop()
