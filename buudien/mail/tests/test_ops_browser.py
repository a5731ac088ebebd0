# ruff: noqa: F811  (fixtures imported from ops_factories are parameters of the tests)
"""In a real browser (Debian's Chromium via Playwright): a bag scanned from office A to
office B, then a postman's round on a phone-sized screen, with a signature drawn on it."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest

from buudien.mail.choices import EventCode
from buudien.mail.models import Bag, CustodyTransfer, DeliveryAttempt
from buudien.mail.operations import services as operations
from buudien.mail.tests.money import posted
from buudien.mail.tests.ops_factories import kt1_b, ops_item, postman_b  # noqa: F401
from buudien.mail.tests.pages import sign_on_the_pad
from buudien.mail.tracking.services import event_record
from buudien.people.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium by path, as in web/tests/conftest.py (which only web's tests see)."""
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM", "/usr/bin/chromium"),
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
    }


def _login(page: Any, url: str, username: str) -> None:
    log_in(page, url, username)


def test_a_bag_goes_from_a_to_b_and_a_postman_delivers_on_a_phone(
    live_server: Any, page: Any, world: Any, clerk_a: Any, clerk_b: Any, postman_b: Any
) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    cod = ops_item(point=world.point_a, delivery_point=world.point_b, cod_amount=85_000)
    absent = ops_item(point=world.point_a, delivery_point=world.point_b)

    # Office A opens a bag for B and scans both items in (htmx keeps the page).
    _login(page, live_server.url, "clerk_a")
    page.goto(f"{live_server.url}/mail/ops/bags/")
    page.select_option("select[name=destination]", str(world.point_b.pk))
    page.click("[data-testid=bag-open-form] button[type=submit]")
    expect(page).to_have_url(re.compile(r"/mail/ops/bags/BG240001000001/$"))

    def scan(s10: str) -> None:
        # Each scan waits for its answer: under load a scan typed while the previous answer
        # is still being swapped in would otherwise race it.
        page.fill("input[name=s10]", s10)
        with page.expect_response(lambda r: "/items/" in r.url and r.request.method == "POST"):
            page.press("input[name=s10]", "Enter")
        page.wait_for_load_state("networkidle")

    for item in (cod, absent):
        scan(item.s10)
        expect(page.get_by_test_id("manifest")).to_contain_text(item.s10)
    scan(cod.s10)
    expect(page.get_by_test_id("scan-error")).to_contain_text("đã có trong túi này")
    page.click("[data-testid=bag-close]")
    page.click("[data-testid=bag-dispatch]")
    expect(page.get_by_test_id("bag-status")).to_have_text(re.compile("Dispatched|chuyển"))

    # Office B receives it, opens it, and starts the postman's round.
    _login(page, live_server.url, "clerk_b")
    page.goto(f"{live_server.url}/mail/ops/bags/BG240001000001/")
    page.click("[data-testid=bag-receive]")
    page.fill("textarea[name=scanned]", f"{cod.s10}\n{absent.s10}")
    page.click("[data-testid=bag-open-destination] button[type=submit]")
    expect(page.get_by_test_id("bag-report")).to_be_visible()
    assert Bag.objects.get().status == "opened"
    page.goto(f"{live_server.url}/mail/ops/rounds/start/")
    page.select_option("select[name=postman]", str(postman_b.pk))
    page.click("[data-testid=round-start-form] button[type=submit]")
    expect(page.get_by_test_id("attempt")).to_have_count(2)

    # The postman, on a phone: delivered with a signature and the COD, then not delivered.
    page.set_viewport_size({"width": 390, "height": 844})
    _login(page, live_server.url, "postman_b")
    page.goto(f"{live_server.url}/mail/ops/rounds/")
    card = page.locator(f"[data-s10={cod.s10}]")
    expect(card).to_contain_text("85.000")
    # on the phone: whom to deliver to and how to call them, and a way to log out
    expect(card.locator(".who")).to_be_visible()
    expect(card.locator(".who a[href^='tel:']")).to_be_visible()
    expect(page.locator("header.top form[action$='/logout/'] button")).to_be_visible()
    card.get_by_test_id("deliver-open").click()
    sign_on_the_pad(page, card)
    card.get_by_test_id("deliver-submit").click()
    expect(page.locator(f"[data-s10={cod.s10}] [data-testid=attempt-outcome]")).to_have_text(
        re.compile("Delivered|phát")
    )

    other = page.locator(f"[data-s10={absent.s10}]")
    other.get_by_test_id("fail-open").click()
    other.locator("select[name=reason]").select_option("absent")
    other.locator("select[name=action]").select_option("retry")
    other.get_by_test_id("fail-submit").click()
    expect(page.locator(f"[data-s10={absent.s10}] [data-testid=attempt-outcome]")).not_to_have_text(
        re.compile("Not recorded|Chưa")
    )
    page.click("[data-testid=round-close]")
    expect(page.get_by_test_id("round-status")).to_have_text(re.compile("Closed|đóng"))

    delivered = DeliveryAttempt.objects.get(item=cod)
    assert delivered.outcome == "delivered" and delivered.cod_collected == 85_000
    assert delivered.signature.startswith("data:image/png;base64,")
    assert posted(cod, "cod_collected").cod == 85_000
    assert DeliveryAttempt.objects.get(item=absent).outcome == "failed"


def test_a_postman_cannot_record_a_registered_item_delivered_with_a_blank_pad(
    live_server: Any, page: Any, world: Any, clerk_b: Any, postman_b: Any
) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    letter = ops_item(point=world.point_a, delivery_point=world.point_b)
    event_record(actor=clerk_b, item=letter, code=EventCode.EMG, point=world.point_b)
    operations.round_start(actor=clerk_b, postman=postman_b, point=world.point_b, items=[letter])

    page.set_viewport_size({"width": 390, "height": 844})
    _login(page, live_server.url, "postman_b")
    page.goto(f"{live_server.url}/mail/ops/rounds/")
    card = page.locator(f"[data-s10={letter.s10}]")
    card.get_by_test_id("deliver-open").click()
    expect(card.get_by_test_id("proof-needed")).to_be_visible()
    # The pad touched without drawing, as a thumb scrolling past it does.
    card.locator("canvas.signature").click()
    card.get_by_test_id("deliver-submit").click()
    card = page.locator(f"[data-s10={letter.s10}]")
    expect(card.get_by_test_id("attempt-error")).to_contain_text(
        f"{letter.s10} chỉ được phát khi có bằng chứng"
    )
    expect(card.get_by_test_id("attempt-outcome")).to_have_text(re.compile("Not recorded|Chưa"))
    assert DeliveryAttempt.objects.get(item=letter).outcome == "pending"

    # Signed on the pad, it is delivered.
    card.get_by_test_id("deliver-open").click()
    sign_on_the_pad(page, card)
    card.get_by_test_id("deliver-submit").click()
    expect(card.get_by_test_id("attempt-outcome")).to_have_text(re.compile("Delivered|phát"))
    assert DeliveryAttempt.objects.get(item=letter).signature.startswith("data:image/png")


def test_a_kt1_officer_sees_the_pending_hand_over_instead_of_the_form_and_withdraws_it(
    live_server: Any, page: Any, world: Any, kt1_operator: Any, kt1_b: Any
) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    secret = ops_item(
        point=world.point_a, delivery_point=world.point_b, service="kt1", actor=kt1_operator
    )
    _login(page, live_server.url, "kt1")
    page.goto(f"{live_server.url}/mail/ops/kt1/items/{secret.s10}/")
    form = page.get_by_test_id("handover-form")
    form.locator("select[name=to_user]").select_option(str(kt1_b.pk))
    form.locator("input[name=note]").fill("Hộp niêm phong")
    form.locator("button[type=submit]").click()

    # While kt1_b has not confirmed: to whom, since when, and what may be done; no form.
    waiting = page.get_by_test_id("handover-waiting")
    expect(waiting).to_be_visible()
    expect(page.get_by_test_id("handover-form")).to_have_count(0)
    expect(page.get_by_test_id("handover-to")).to_contain_text(str(kt1_b))
    expect(waiting).to_contain_text("Hộp niêm phong")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("handover-withdraw").click()

    # Withdrawn: the item stays with its giver, who may hand it over again.
    expect(page.get_by_test_id("handover-waiting")).to_have_count(0)
    expect(page.get_by_test_id("custodian")).to_contain_text(str(kt1_operator))
    form = page.get_by_test_id("handover-form")
    form.locator("select[name=to_user]").select_option(str(kt1_b.pk))
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("handover-withdraw")).to_be_visible()

    # The receiver confirms it from the item's page.
    _login(page, live_server.url, "kt1_b")
    page.goto(f"{live_server.url}/mail/ops/kt1/items/{secret.s10}/")
    page.get_by_test_id("handover-confirm").click()
    expect(page.get_by_test_id("kt1-pending")).not_to_contain_text(secret.s10)
    page.goto(f"{live_server.url}/mail/ops/kt1/items/{secret.s10}/")
    expect(page.get_by_test_id("custodian")).to_contain_text(str(kt1_b))
    transfers = list(CustodyTransfer.objects.order_by("id"))
    assert [(t.cancelled_by, t.confirmed_by) for t in transfers] == [
        (kt1_operator, None),
        (None, kt1_b),
    ]
