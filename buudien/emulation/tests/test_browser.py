"""In a real browser (Debian's Chromium via Playwright), on 15 January 2026: the emulation
officer launches a movement and records a unit's pledge under it; the head of the unit, on a
phone, proposes a clerk as Advanced worker of 2025, found by her name typed without
diacritics; the officer awards it with the decision, and it shows in the register."""

from __future__ import annotations

import re
from typing import Any

import pytest
import time_machine

from buudien.emulation.models import Award, Movement
from buudien.emulation.tests.conftest import DECIDED
from buudien.people.tests.browser import log_in

# Debian's Chromium by path: web's fixture, which only web's tests see unless imported.

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page: Any, url: str, username: str) -> None:
    log_in(page, url, username, language="en")


def test_a_movement_a_pledge_and_an_award_from_proposal_to_the_register(
    live_server: Any, page: Any, browser: Any, hr: Any, head_a: Any, clerk_a: Any
) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    clerk_a.full_name = "Hoàng Thị Mai"
    clerk_a.save()
    url = live_server.url
    traveller = time_machine.travel(DECIDED, tick=True)
    traveller.start()
    try:
        _login(page, url, hr.username)
        expect(page).to_have_url(re.compile(r"/emulation/$"))
        page.get_by_test_id("movement-new").click()
        page.fill("#id_theme", "Bưu cục kiểu mẫu, giao dịch viên chuyên nghiệp")
        page.fill("#id_launched_on", "2025-01-10")
        page.fill("#id_year_from", "2025")
        page.get_by_label("Bưu điện xã Đồng Đăng").check()
        page.fill("#id_weight_on_time_rate", "5")
        page.get_by_test_id("movement-submit").click()
        expect(page.get_by_test_id("theme")).to_have_text(
            "Bưu cục kiểu mẫu, giao dịch viên chuyên nghiệp"
        )
        expect(page.get_by_test_id("criteria")).to_contain_text("Items delivered on time (%)")
        movement = Movement.objects.get()

        page.goto(f"{url}/emulation/pledges/new/")
        page.select_option("#id_unit", "UA")
        page.fill("#id_year", "2025")
        page.select_option("#id_movement", str(movement.pk))
        page.fill("#id_signed_on", "2025-01-15")
        page.fill("#id_management_signatory", "Hoàng Văn Đức")
        page.fill("#id_union_signatory", "Nông Thị Hoa")
        page.select_option("#id_code_0", "on_time_rate")
        page.fill("#id_target_0", "96")
        page.get_by_test_id("pledge-submit").click()
        expect(page.locator('[data-testid=targets] [data-code="on_time_rate"]')).to_be_visible()

        phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
        mobile = phone.new_page()
        _login(mobile, url, head_a.username)
        mobile.goto(f"{url}/emulation/awards/propose/")
        mobile.select_option("#id_kind", "lao_dong_tien_tien")
        mobile.fill("#id_person-filter", "hoang thi mai")
        expect(mobile.get_by_label(re.compile("Hoàng Văn Đức"))).to_be_hidden()
        mobile.get_by_label(re.compile("Hoàng Thị Mai")).check()
        mobile.fill("#id_year_from", "2025")
        assert mobile.evaluate("document.documentElement.scrollWidth") <= 390
        mobile.get_by_test_id("award-submit").click()
        expect(mobile.get_by_test_id("status")).to_have_attribute("data-status", "proposed")
        phone.close()

        award = Award.objects.get()
        page.goto(f"{url}/emulation/awards/{award.pk}/")
        page.get_by_label("Awarded").check()
        page.fill("#id_decision_number", "12/QĐ-BĐT")
        page.fill("#id_decision_date", "2026-01-12")
        page.get_by_test_id("decide-submit").click()
        expect(page.get_by_test_id("status")).to_have_attribute("data-status", "awarded")

        page.goto(f"{url}/emulation/awards/?year=2025")
        row = page.locator(f'[data-award="{award.pk}"]')
        expect(row).to_contain_text("Hoàng Thị Mai")
        expect(row).to_contain_text("12/QĐ-BĐT")
        expect(row).to_have_attribute("data-status", "awarded")
    finally:
        traveller.stop()
