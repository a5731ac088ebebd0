"""A clerk's day in a real browser (Debian's Chromium via Playwright): the clerk logs in,
collects an electricity bill, pays a pension, and at the end of the day counts the drawer by
banknote, sees the live total match the ledger, closes the day and prints the sheet."""

from __future__ import annotations

import re
from typing import Any

import pytest

from buudien.cashdesk import selectors
from buudien.cashdesk.choices import ClosingStatus
from buudien.cashdesk.demo import breakdown
from buudien.cashdesk.models import CashClosing
from buudien.core.bizdays import local_today
from buudien.core.money import format_number
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.network.models import PointService
from buudien.people.tests.browser import log_in
from buudien.people.tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fund(point: Any, amount: int) -> None:
    drawer = ledger.account_for_drawer(point)
    ledger.entry_post(
        actor=None,
        idempotency_key=f"browser-fund:{point.code}",
        kind=EntryKind.OPENING_BALANCE,
        reference="opening",
        legs=[ledger.Leg(drawer, ledger.account_owner_capital(point.province_code), amount)],
        province_code=point.province_code,
    )


def _log_in(page: Any, url: str, username: str) -> None:
    log_in(page, url, username)


def _close_the_drawer(page: Any, expect: Any, expected: str) -> None:
    """Count the drawer so that it matches ``expected`` (shown as on the page), submit."""
    expect(page.get_by_test_id("expected")).to_contain_text(expected)
    page.fill("#id_count_500000", "2")
    page.fill("#id_count_200000", "3")
    page.fill("#id_count_10000", "1")
    expect(page.get_by_test_id("count-total")).to_contain_text("1.610.000")
    expect(page.get_by_test_id("count-difference")).to_contain_text("1.040")  # still short
    page.fill("#id_count_500", "2")
    page.fill("#id_coins", "40")
    expect(page.get_by_test_id("count-total")).to_contain_text(expected)
    expect(page.get_by_test_id("count-difference")).to_have_text(re.compile(r"\s*không\s*"))
    page.get_by_test_id("count-submit").click()
    expect(page.get_by_test_id("closing-status")).to_contain_text("không chênh lệch")


def test_a_clerk_closes_the_drawer_and_prints_the_sheet(
    live_server: Any, page: Any, clerk_a: Any, world: Any
) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    _fund(world.point_a, 1_611_040)
    _log_in(page, live_server.url, "clerk_a")

    page.goto(f"{live_server.url}/cashdesk/")
    expect(page.locator("h1")).to_contain_text("Kiểm quỹ cuối ngày")
    _close_the_drawer(page, expect, "1.611.040")

    closing = CashClosing.objects.get()
    assert (closing.status, closing.counted_total, closing.difference) == (
        ClosingStatus.CLOSED,
        1_611_040,
        0,
    )
    expect(page).to_have_url(re.compile(rf"/cashdesk/closings/{closing.pk}/$"))
    href = page.get_by_test_id("sheet-link").get_attribute("href")
    response = page.request.get(f"{live_server.url}{href}")
    assert response.headers["content-type"] == "application/pdf"


def _count(page: Any, expect: Any, amount: int) -> None:
    """Fill the count form with ``amount`` in the fewest notes, the odd đồng as coins."""
    counts, coins = breakdown(amount)
    for denomination, notes in counts.items():
        if notes:
            page.fill(f"#id_count_{denomination}", str(notes))
    page.fill("#id_coins", str(coins))
    expect(page.get_by_test_id("count-total")).to_contain_text(format_number(amount))


def test_a_clerks_day_collect_a_bill_pay_a_pension_close_the_drawer(
    live_server: Any, page: Any, clerk_a: Any, admin_user: Any, world: Any
) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    collection = pytest.importorskip("buudien.collection.services")
    payouts = pytest.importorskip("buudien.payouts.services")
    from buudien.collection.models import Bill
    from buudien.payouts.models import Payment

    # The morning: 10.000.000 đ in the drawer, EVN's bills collected at the counters, this
    # month's pension list of BHXH with a line paid at point A.
    _fund(world.point_a, 10_000_000)
    collection.partner_create(
        actor=admin_user,
        province_code="20",
        code="evn",
        name="Công ty Điện lực Lạng Sơn",
        kind="electricity",
        bank="vietinbank",
        commission_fixed=1_500,
        commission_bp=10,
        commission_min=2_000,
    )
    PointService.objects.create(point=world.point_a, service="pension")
    payer = payouts.payer_save(
        actor=None,
        province_code="20",
        code="bhxh",
        name="Bảo hiểm xã hội tỉnh Lạng Sơn",
        service="pension",
        commission_per_line=2_000,
        commission_rate_bp=50,
    )
    accountant = UserFactory(username="ketoan", role="accountant", unit=world.province)
    payouts.list_import(
        actor=accountant,
        payer=payer,
        period=local_today().replace(day=1),
        rows=[
            payouts.ListRow(
                row=2,
                beneficiary_name="Hoàng Văn An",
                citizen_id="020123456789",
                amount=4_500_000,
                point_code="240001",
            )
        ],
    )
    _log_in(page, live_server.url, "clerk_a")

    # Collect a bill: the counter's financial services open on bill collection.
    page.click("nav.main a[href='/collection/']")
    expect(page).to_have_url(re.compile(r"/collection/$"))
    page.select_option("#id_partner", label="Công ty Điện lực Lạng Sơn")
    page.fill("#id_customer_code", "PA01001234")
    page.fill("#id_customer_name", "Nguyễn Văn Bình")
    page.fill("#id_period", "10/2026")
    page.fill("#id_amount", "350000")
    page.get_by_test_id("collect-submit").click()
    expect(page.get_by_test_id("amount")).to_contain_text("350.000")
    assert Bill.objects.get().point_id == world.point_a.pk

    # Pay a pension: find the line, check the citizen ID, pay.
    page.click("nav.sub a[href='/payouts/']")
    page.fill("#id_q", "hoang van an")
    results = page.get_by_test_id("search-results")
    expect(results).to_contain_text("Hoàng Văn An")
    results.get_by_role("link", name="Chi trả").click()
    page.fill("#id_presented_id", "020123456789")
    page.get_by_test_id("pay-submit").click()
    expect(page.get_by_test_id("line-status")).to_contain_text("Đã chi trả")
    assert Payment.objects.get().point_id == world.point_a.pk

    # Close the drawer: the ledger holds what came in and went out today.
    page.click("nav.sub a[href='/cashdesk/']")
    expect(page).to_have_url(re.compile(r"/cashdesk/$"))
    books = selectors.drawer_day(point=world.point_a, day=local_today())
    assert books.receipts >= 350_000 and books.payments >= 4_500_000
    assert books.closing == ledger.account_for_drawer(world.point_a).balance
    expect(page.get_by_test_id("expected")).to_contain_text(format_number(books.closing))
    _count(page, expect, books.closing)
    expect(page.get_by_test_id("count-difference")).to_have_text(re.compile(r"\s*không\s*"))
    page.get_by_test_id("count-submit").click()
    expect(page.get_by_test_id("closing-status")).to_contain_text("không chênh lệch")
    closing = CashClosing.objects.get()
    assert (closing.status, closing.expected, closing.counted_total) == (
        ClosingStatus.CLOSED,
        books.closing,
        books.closing,
    )
    href = page.get_by_test_id("sheet-link").get_attribute("href")
    assert page.request.get(f"{live_server.url}{href}").headers["content-type"] == (
        "application/pdf"
    )
