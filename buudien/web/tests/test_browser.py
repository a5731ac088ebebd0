"""A director walks the network pages in a real browser (Debian's Chromium via Playwright)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from buudien.people.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_director_logs_in_and_walks_the_network(
    live_server: Any, page: Any, director: Any, clerk_a: Any
) -> None:
    page.goto(f"{live_server.url}/")
    expect = pytest.importorskip("playwright.sync_api").expect

    # The login page is in Vietnamese by default.
    expect(page.locator("h1")).to_have_text("Đăng nhập")
    page.fill("#id_username", "director")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_test_id("points-total")).to_have_text("2")
    expect(page.get_by_test_id("who")).to_contain_text(director.full_name)

    # The unit tree.
    page.click("nav.main >> text=Đơn vị")
    expect(page.get_by_test_id("unit-tree")).to_contain_text("Bưu điện tỉnh Lạng Sơn")
    expect(page.get_by_test_id("unit-tree")).to_contain_text("Bưu điện xã Chi Lăng")

    # Service points: search without diacritics, answered by htmx.
    page.click("nav.main >> text=Điểm phục vụ")
    expect(page.get_by_test_id("points-table")).to_contain_text("Điểm BĐVHX Chi Lăng")
    page.fill("input[name=q]", "dong dang")
    expect(page.get_by_test_id("points-table")).not_to_contain_text("Chi Lăng")
    expect(page.get_by_test_id("points-table")).to_contain_text("Bưu cục Đồng Đăng")
    page.click("text=Bưu cục Đồng Đăng")
    expect(page).to_have_url(re.compile(r"/network/points/240001/$"))
    expect(page.locator("main")).to_contain_text("Xã Đồng Đăng")
    expect(page.locator("main")).to_contain_text(clerk_a.full_name)

    # Coverage today and on a date of the legacy structure.
    page.click("nav.main >> text=Độ phủ xã")
    expect(page.get_by_test_id("covered")).to_have_text("2/2")
    expect(page.get_by_test_id("coverage-pct")).to_have_text("100,0%")

    # English is one switch away.
    page.select_option("select[name=language]", "en")
    expect(page.locator("h1")).to_have_text("Commune coverage")

    page.click("text=Log out")
    expect(page).to_have_url(re.compile(r"/login/"))
