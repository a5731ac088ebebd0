"""The reconciliation per partner and day: the bills' figures match the ledger's."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from buudien.collection import exports, selectors, services
from buudien.collection.choices import PaymentMethod
from buudien.collection.tests.conftest import BANK, PROVINCE, Payment
from buudien.core.bizdays import local_now, local_today
from buudien.core.errors import NotFound
from buudien.finance import ledger
from buudien.finance.choices import EntryKind

pytestmark = pytest.mark.django_db

TODAY = local_today()


@pytest.fixture
def day_of_bills(collect, clerk_a, admin_user, world, water, cashless_point):
    collect(amount=1_250_000)
    collect(amount=350_000)
    cancelled = collect(amount=900_000)
    services.bill_cancel(actor=clerk_a, bill=cancelled, reason="Nhầm mã khách hàng")
    collect(actor=admin_user, point=world.point_b, amount=500_000)
    services.bill_collect(
        actor=clerk_a,
        idempotency_key="w1",
        partner=water,
        customer_code="N1",
        customer_name="B",
        amount=200_000,
    )
    pending = collect(amount=700_000, method=PaymentMethod.TRANSFER)
    paid = collect(amount=300_000, method=PaymentMethod.TRANSFER)
    services.bill_paid_by_transfer(
        Payment(7, PROVINCE, paid.point, paid.total, "collection", paid.reference),
        actor=None,
        bank=ledger.account_for_bank(PROVINCE, BANK),
    )
    collect(at=local_now() - dt.timedelta(days=2), amount=400_000)
    return pending


def _report(user, **more):
    return selectors.reconciliation(
        user=user,
        province_code=PROVINCE,
        date_from=TODAY - dt.timedelta(days=5),
        date_to=TODAY,
        **more,
    )


def test_the_figures_of_each_day_match_the_ledger(director, evn, day_of_bills):
    report = _report(director)

    assert report.differences == 0
    today_evn = next(r for r in report.rows if r.day == TODAY and r.partner == evn)
    # 1,250,000 + 350,000 at A, 500,000 at B, 300,000 by transfer; one cancelled, one pending
    assert (today_evn.count, today_evn.gross, today_evn.cancelled) == (4, 2_400_000, 1)
    assert today_evn.commission == 2_750 + 2_000 + 2_000 + 2_000
    assert (today_evn.ledger_gross, today_evn.ledger_commission) == (2_400_000, 8_750)
    assert today_evn.difference == 0
    assert not today_evn.settled
    assert today_evn.unsettled_net == today_evn.net
    assert [r.day for r in report.rows].count(TODAY) == 2  # EVN and the water company
    assert report.totals.gross == 2_400_000 + 200_000 + 400_000
    assert report.totals.ledger_net == report.totals.net


def test_the_ledger_side_is_read_from_the_ledger(director, evn, day_of_bills, admin_user):
    """A posting on the payable account that is no bill shows as a difference."""
    drawer = ledger.account_for_drawer(day_of_bills.point)
    ledger.entry_post(
        actor=None,
        idempotency_key="stray",
        kind=EntryKind.COLLECTION,
        reference="stray",
        legs=[ledger.Leg(drawer, ledger.account_for_partner(PROVINCE, "evn"), 10_000)],
        province_code=PROVINCE,
        point=day_of_bills.point,
    )

    report = _report(director, partner=evn)

    assert report.differences == 1
    assert report.rows[-1].difference == -10_000


def test_settled_days_say_so(accountant, director, evn, day_of_bills, fund_bank):
    fund_bank(10_000_000)
    services.settlement_create(
        actor=accountant,
        idempotency_key="s",
        partner=evn,
        date_from=TODAY - dt.timedelta(days=5),
        date_to=TODAY,
    )

    rows = _report(director, partner=evn).rows

    assert all(row.settled for row in rows)
    assert all(row.unsettled_net == 0 for row in rows)


def test_a_unit_filter_keeps_its_points_and_the_scope_is_the_readers(
    director, clerk_b, evn, day_of_bills, world, outsider
):
    only_b = _report(director, partner=evn, unit="UB")
    assert only_b.totals.gross == 500_000
    assert only_b.totals.ledger_gross == 500_000

    clerk = _report(clerk_b, partner=evn)
    assert clerk.totals.gross == 500_000

    with pytest.raises(NotFound):
        _report(clerk_b, unit="UA")
    assert _report(outsider).rows == []


def test_the_workbook_opens_with_openpyxl(director, day_of_bills):
    report = _report(director)

    book = load_workbook(io.BytesIO(exports.reconciliation_xlsx(report)))
    sheet = book.active

    assert sheet.max_row == 2 + len(report.rows) + 1
    assert sheet.cell(row=sheet.max_row, column=4).value == report.totals.gross
    assert sheet.cell(row=3, column=1).value == report.rows[0].day.strftime("%d/%m/%Y")
