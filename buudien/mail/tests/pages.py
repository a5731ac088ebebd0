"""Steps that several browser tests take on the mail pages."""

from __future__ import annotations

from typing import Any

import pytest


def fill_a_letter(page: Any, world: Any) -> None:
    """On the acceptance form: a registered letter of 18 g to Xã Chi Lăng (office B's),
    priced 14.040 ₫."""
    expect = pytest.importorskip("playwright.sync_api").expect
    page.fill("#id_sender_name", "Nguyễn Văn An")
    page.fill("#id_recipient_name", "Hoàng Thị Bình")
    page.fill("#id_recipient_address", "Thôn Pò Mỏ")
    page.get_by_test_id("commune-search").fill("chi lang")
    expect(page.locator("#id_recipient_commune option")).to_have_count(2)
    page.select_option("#id_recipient_commune", str(world.commune_b.pk))
    page.fill("#id_weight_g", "18")
    page.locator("#id_weight_g").blur()
    expect(page.get_by_test_id("quote-total")).to_contain_text("14.040")


def sign_on_the_pad(page: Any, card: Any) -> None:
    """The recipient signs with a finger on the pad of a delivery ``card``."""
    pad = card.locator("canvas.signature")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 30)
    page.mouse.down()
    page.mouse.move(box["x"] + 120, box["y"] + 90, steps=8)
    page.mouse.move(box["x"] + 200, box["y"] + 40, steps=8)
    page.mouse.up()
