"""An accountant settles with a partner in a real browser: a range that ends before it starts
is refused on the spot, with nothing to pay shown."""

from __future__ import annotations

from typing import Any

import pytest

from buudien.collection.models import Partner
from buudien.people.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_settlement_range_that_ends_before_it_starts_is_refused(
    live_server: Any, page: Any, accountant: Any, evn: Partner
) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    log_in(page, live_server.url, accountant.username)
    page.goto(f"{live_server.url}/collection/settlements/new/")
    form = page.get_by_test_id("settlement-preview-form")
    form.locator("select[name=partner]").select_option(str(evn.pk))
    form.locator("input[name=date_from]").fill("2026-05-31")
    form.locator("input[name=date_to]").fill("2026-05-01")
    form.locator("button[type=submit]").click()
    refusal = page.get_by_test_id("error-date_to")
    expect(refusal).to_contain_text("Ngày kết thúc sớm hơn ngày bắt đầu")
    expect(page.get_by_test_id("preview")).to_have_count(0)
    expect(page.get_by_test_id("settle-submit")).to_have_count(0)
