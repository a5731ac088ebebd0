"""A dossier's journey in a real browser (Debian's Chromium via Playwright): intake at the
counter by keyboard, the hand-over to the agency, its result back, the return to the
applicant, and the applicant's own lookup on a phone."""

from __future__ import annotations

import re
from typing import Any

import pytest

from buudien.dossiers.choices import Status
from buudien.dossiers.models import Dossier
from buudien.people.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CID = "020123456789"


def test_a_dossier_from_the_counter_to_the_applicants_phone(
    live_server: Any, page: Any, browser: Any, clerk_hcc: Any, world: Any, procedure: Any
) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "hcc_a")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")

    page.get_by_role("link", name="Hồ sơ hành chính công").first.click()
    page.get_by_test_id("receive-link").click()
    # The procedure has the focus; choosing it by keyboard brings its documents (htmx).
    expect(page.get_by_test_id("procedure")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_test_id("procedure-agency")).to_have_text(procedure.agency.name)
    expect(page.get_by_test_id("procedure-total")).to_contain_text("65.000")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the first document only: the others are missing
    page.get_by_label("Người nộp hồ sơ").focus()
    page.keyboard.type("Hoàng Văn Thụ")
    page.keyboard.press("Tab")
    page.keyboard.type("12345")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("error-documents")).to_contain_text("Giấy chứng nhận")
    expect(page.get_by_test_id("error-citizen_id")).to_be_visible()
    assert Dossier.objects.count() == 0
    page.get_by_test_id("documents-boxes").locator("input").nth(1).check()
    page.get_by_test_id("documents-boxes").locator("input").nth(2).check()
    page.get_by_label("Số CCCD").fill(CID)
    page.get_by_label("Số CCCD").press("Enter")
    expect(page).to_have_url(re.compile(r"/dossiers/HS240001000001/$"))
    expect(page.get_by_test_id("total")).to_contain_text("65.000")
    code = "HS240001000001"

    page.goto(f"{live_server.url}/dossiers/handovers/new/")
    page.get_by_test_id("agency").select_option(procedure.agency.code)
    page.get_by_label(re.compile(code)).check()
    page.get_by_test_id("submit").click()
    expect(page).to_have_url(re.compile(r"/dossiers/handovers/BG240001000001/$"))
    page.get_by_label("Người nhận của cơ quan").fill("Lê Văn Nhận")
    page.get_by_test_id("confirm-submit").click()
    expect(page.get_by_test_id("receiver")).to_contain_text("Lê Văn Nhận")

    page.goto(f"{live_server.url}/dossiers/results/new/")
    page.get_by_test_id("agency").select_option(procedure.agency.code)
    page.get_by_label(re.compile(code)).check()
    page.get_by_test_id("submit").click()
    expect(page).to_have_url(re.compile(r"/dossiers/handovers/BG240001000002/$"))

    page.goto(f"{live_server.url}/dossiers/{code}/")
    page.get_by_label("Số CCCD xuất trình").fill(CID)
    page.get_by_test_id("return-submit").click()
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", Status.RETURNED)

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    mobile = phone.new_page()
    mobile.goto(f"{live_server.url}/dossiers/lookup/")
    mobile.get_by_label("Mã hồ sơ").fill(code.lower())
    mobile.get_by_test_id("lookup-submit").click()
    expect(mobile.get_by_test_id("initials")).to_have_text("H. V. T.")
    expect(mobile.get_by_test_id("lookup-steps").locator("li")).to_have_count(5)
    width = mobile.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    mobile.get_by_label("Mã hồ sơ").fill("HS000")
    mobile.get_by_test_id("lookup-submit").click()
    expect(mobile.get_by_test_id("lookup-missing")).to_be_visible()
    phone.close()


def test_a_result_posted_to_the_applicants_address(
    live_server: Any, page: Any, clerk_hcc: Any, world: Any, procedure: Any
) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    from buudien.dossiers import services
    from buudien.mail.choices import EventCode, MailService
    from buudien.mail.tests.factories import TariffFactory
    from buudien.mail.tracking.services import event_record

    TariffFactory(service=MailService.ADMIN_DELIVERY)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "hcc_a")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/dossiers/receive/")
    page.get_by_test_id("procedure").select_option(procedure.code)
    expect(page.get_by_test_id("documents-boxes").locator("input")).to_have_count(3)
    for box in page.get_by_test_id("documents-boxes").locator("input").all():
        box.check()
    page.get_by_label("Trả kết quả").select_option("address")
    page.get_by_label("Người nộp hồ sơ").fill("Lương Văn Tri")
    page.get_by_label("Số CCCD").fill(CID)
    page.get_by_test_id("submit").click()
    # The address and the commune are asked for together.
    expect(page.get_by_test_id("error-address")).to_be_visible()
    expect(page.get_by_test_id("error-commune")).to_contain_text("xã, phường của người nộp")
    page.get_by_label("Địa chỉ", exact=True).fill("Thôn Pò Mỏ")
    page.get_by_test_id("commune-select").select_option(str(world.commune_b.pk))
    page.get_by_test_id("submit").click()
    code = "HS240001000001"
    expect(page).to_have_url(re.compile(rf"/dossiers/{code}/$"))

    services.handover_send(
        actor=clerk_hcc, point=world.point_a, agency=procedure.agency, dossiers=[code]
    )
    page.goto(f"{live_server.url}/dossiers/results/new/")
    page.get_by_test_id("agency").select_option(procedure.agency.code)
    page.get_by_label(re.compile(code)).check()
    page.get_by_test_id("submit").click()
    # The result hand-over lists the HC item to label.
    label = page.get_by_test_id("result-label")
    expect(label).to_have_text(re.compile(r"^HC\d{9}VN$"))
    s10 = label.inner_text()

    page.goto(f"{live_server.url}/dossiers/{code}/")
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", Status.POSTED)
    expect(page.get_by_test_id("result-item")).to_have_text(s10)
    expect(page.get_by_test_id("return-form")).to_have_count(0)

    item = Dossier.objects.get(reference=code).result_item
    event_record(
        actor=None,
        item=item,
        code=EventCode.EMI,
        point=world.point_b,
        recipient_name="Lương Thị Hà",
    )
    page.reload()
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", Status.RETURNED)
    expect(page.get_by_test_id("steps").locator("tr[data-kind=delivered]")).to_contain_text(s10)


def test_the_other_two_modes_at_the_counter(
    live_server: Any, page: Any, clerk_hcc: Any, world: Any, procedure: Any
) -> None:
    """Receive and send on (the agency returns the result itself), and a dossier lodged at
    the agency whose result the post returns."""
    expect = pytest.importorskip("playwright.sync_api").expect
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "hcc_a")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")

    page.goto(f"{live_server.url}/dossiers/receive/")
    page.get_by_test_id("procedure").select_option(procedure.code)
    expect(page.get_by_test_id("documents-boxes").locator("input")).to_have_count(3)
    page.get_by_label("Hình thức").select_option("receive")
    expect(page.get_by_test_id("procedure-total")).to_contain_text("50.000")
    for box in page.get_by_test_id("documents-boxes").locator("input").all():
        box.check()
    page.get_by_label("Trả kết quả").select_option("")
    page.get_by_label("Người nộp hồ sơ").fill("Nông Thị Xuân")
    page.get_by_label("Số CCCD").fill("020111222333")
    page.get_by_test_id("submit").click()
    expect(page).to_have_url(re.compile(r"/dossiers/HS240001000001/$"))
    page.goto(f"{live_server.url}/dossiers/handovers/new/")
    page.get_by_test_id("agency").select_option(procedure.agency.code)
    page.get_by_label(re.compile("HS240001000001")).check()
    page.get_by_test_id("submit").click()
    page.goto(f"{live_server.url}/dossiers/HS240001000001/")
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", Status.CLOSED)

    page.goto(f"{live_server.url}/dossiers/receive/")
    page.get_by_test_id("procedure").select_option(procedure.code)
    expect(page.get_by_test_id("procedure-total")).to_contain_text("65.000")
    page.get_by_label("Hình thức").select_option("return")
    expect(page.get_by_test_id("procedure-total")).to_contain_text("15.000")
    page.get_by_label("Người nộp hồ sơ").fill("Nông Thị Xuân")
    page.get_by_label("Số CCCD").fill("020111222333")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("error-agency_reference")).to_be_visible()
    page.get_by_label("Số biên nhận của cơ quan").fill("H36-0007")
    page.get_by_test_id("submit").click()
    expect(page).to_have_url(re.compile(r"/dossiers/HS240001000002/$"))
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", Status.HANDED_OVER)
    expect(page.get_by_test_id("agency-reference")).to_have_text("H36-0007")

    page.goto(f"{live_server.url}/dossiers/results/new/")
    page.get_by_test_id("agency").select_option(procedure.agency.code)
    page.get_by_label(re.compile("H36-0007")).check()
    page.get_by_test_id("submit").click()
    page.goto(f"{live_server.url}/dossiers/HS240001000002/")
    page.get_by_label("Số CCCD xuất trình").fill("020111222333")
    page.get_by_test_id("return-submit").click()
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", Status.RETURNED)
