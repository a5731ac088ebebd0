# ruff: noqa: F811  (fixtures imported from ops_factories are parameters of the tests)
"""A postman's morning on a 390 px phone: logged in, the round of the day opens by itself,
the items still to deliver on top in the order of the street, each with the recipient's
name and a phone number to tap, the logout at hand, nothing wider than the screen."""

from __future__ import annotations

import re
from typing import Any

import pytest

from buudien.mail.choices import EventCode
from buudien.mail.models import DeliveryAttempt
from buudien.mail.operations import services as operations
from buudien.mail.operations.choices import AttemptOutcome
from buudien.mail.tests.ops_factories import ops_item, postman_b  # noqa: F401
from buudien.mail.tracking.services import event_record
from buudien.people.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_postman_starts_the_day_on_the_round_in_street_order(
    live_server: Any, page: Any, world: Any, clerk_b: Any, postman_b: Any
) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    addresses = ["Số 103 Trần Phú", "Số 13 Trần Phú", "Số 2 Trần Phú"]
    items = []
    for address in addresses:
        item = ops_item(
            point=world.point_a,
            delivery_point=world.point_b,
            recipient_address=address,
            recipient_phone="0912345678",
        )
        event_record(actor=clerk_b, item=item, code=EventCode.EMG, point=world.point_b)
        items.append(item)
    operations.round_start(actor=clerk_b, postman=postman_b, point=world.point_b, items=items)
    # The first one (Số 103) was delivered already: it goes below those still to deliver.
    DeliveryAttempt.objects.filter(item=items[0]).update(outcome=AttemptOutcome.DELIVERED)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "postman_b")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    expect(page).to_have_url(re.compile(r"/mail/ops/rounds/\d+/$"))

    cards = page.get_by_test_id("attempt")
    expect(cards).to_have_count(3)
    order = cards.evaluate_all("cards => cards.map(card => card.dataset.s10)")
    assert order == [items[2].s10, items[1].s10, items[0].s10]  # Số 2, Số 13, then the done one

    first = cards.first
    expect(first).to_contain_text("Nguyễn Văn An")
    call = first.get_by_role("link", name="0912345678")
    expect(call).to_be_visible()
    assert call.get_attribute("href") == "tel:0912345678"
    expect(page.get_by_role("button", name=re.compile("Đăng xuất"))).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the round is {width} px wide on a 390 px phone"
