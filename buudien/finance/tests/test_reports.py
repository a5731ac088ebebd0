"""Reports of the ledger: trial balance (page, .xlsx, API), account statement, a point's
daily journal; all in the user's scope."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from buudien.core.bizdays import local_today
from buudien.core.errors import NotFound
from buudien.finance import ledger, selectors
from buudien.finance.chart import main_account
from buudien.finance.choices import EntryKind
from buudien.finance.ledger import Leg
from buudien.finance.tests.conftest import PROVINCE

pytestmark = pytest.mark.django_db

TODAY = local_today()
YESTERDAY = TODAY - dt.timedelta(days=1)
START = YESTERDAY - dt.timedelta(days=5)


def _post(key, kind, legs, **kwargs):
    return ledger.entry_post(
        actor=None,
        idempotency_key=key,
        kind=kind,
        reference=key,
        legs=legs,
        province_code=PROVINCE,
        **kwargs,
    )


@pytest.fixture
def books(world, drawer_a, drawer_b, revenue, vat, capital):
    """Yesterday: 500,000 put in drawer A. Today: a fee of 108,000 at A, one of 54,000 at B,
    and 30,000 of expenses paid out of drawer A."""
    expenses = ledger.account_expenses(PROVINCE)
    _post(
        "open",
        EntryKind.OPENING_BALANCE,
        [Leg(drawer_a, capital, 500_000)],
        business_date=YESTERDAY,
    )
    _post(
        "fee-a",
        EntryKind.FEE,
        [Leg(drawer_a, revenue, 100_000, "registered"), Leg(drawer_a, vat, 8_000, "registered")],
    )
    _post(
        "fee-b",
        EntryKind.FEE,
        [Leg(drawer_b, revenue, 50_000, "registered"), Leg(drawer_b, vat, 4_000, "registered")],
    )
    _post("paper", EntryKind.EXPENSE, [Leg(expenses, drawer_a, 30_000)])
    return expenses


def _rows(report):
    return {
        r.account.code: (
            r.opening_debit,
            r.opening_credit,
            r.debit,
            r.credit,
            r.closing_debit,
            r.closing_credit,
        )
        for r in report.rows
    }


# --- trial balance ---------------------------------------------------------------------------


def test_the_trial_balance_of_today_sums_to_zero(books, accountant):
    report = selectors.trial_balance(
        user=accountant, province_code=PROVINCE, date_from=TODAY, date_to=TODAY
    )
    assert _rows(report) == {
        "1111.240001": (500_000, 0, 108_000, 30_000, 578_000, 0),
        "1111.240002": (0, 0, 54_000, 0, 54_000, 0),
        "3331": (0, 0, 0, 12_000, 0, 12_000),
        "411": (0, 500_000, 0, 0, 0, 500_000),
        "5113.registered": (0, 0, 0, 150_000, 0, 150_000),
        "642": (0, 0, 30_000, 0, 30_000, 0),
    }
    t = report.totals
    assert (t.opening_debit, t.opening_credit) == (500_000, 500_000)
    assert (t.debit, t.credit) == (192_000, 192_000)
    assert (t.closing_debit, t.closing_credit) == (662_000, 662_000)
    assert report.complete and report.balanced


def test_a_range_before_the_postings_shows_only_what_was_open(books, accountant):
    report = selectors.trial_balance(
        user=accountant, province_code=PROVINCE, date_from=START, date_to=YESTERDAY
    )
    assert _rows(report) == {
        "1111.240001": (0, 0, 500_000, 0, 500_000, 0),
        "411": (0, 0, 0, 500_000, 0, 500_000),
    }


def test_a_clerk_sees_the_trial_balance_of_their_own_point_only(books, clerk_a):
    report = selectors.trial_balance(
        user=clerk_a, province_code=PROVINCE, date_from=START, date_to=TODAY
    )
    assert list(_rows(report)) == ["1111.240001"]
    assert not report.complete


def test_an_outsider_sees_nothing_of_the_province(books, outsider):
    report = selectors.trial_balance(
        user=outsider, province_code=PROVINCE, date_from=START, date_to=TODAY
    )
    assert report.rows == [] and not report.complete


def test_the_trial_balance_page_and_its_xlsx(books, accountant, client_as):
    client = client_as(accountant)
    url = reverse("finance:trial_balance")
    query = {"province": PROVINCE, "date_from": TODAY.isoformat(), "date_to": TODAY.isoformat()}
    page = client.get(url, query)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="balanced"' in html and "balanced" in html
    assert "578.000" in html and "662.000" in html

    download = client.get(url, {**query, "format": "xlsx"})
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(download.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [row[0] for row in rows[:4]] == [
        "BƯU ĐIỆN TỈNH LẠNG SƠN",
        "Trial balance",
        f"From {TODAY:%d/%m/%Y} to {TODAY:%d/%m/%Y}",
        "Unit of money: đồng",
    ]
    assert rows[4][:3] == ("Account", "Name", "Opening debit") and len(rows[4]) == 8
    # each main account's subtotal, then its accounts (none under 411 and 642: the subtotal
    # is the account); a zero is a blank cell, an amount a number
    assert [(row[0], *row[2:]) for row in rows[5:]] == [
        ("111", 500_000, None, 162_000, 30_000, 632_000, None),
        ("1111.240001", 500_000, None, 108_000, 30_000, 578_000, None),
        ("1111.240002", None, None, 54_000, None, 54_000, None),
        ("333", None, None, None, 12_000, None, 12_000),
        ("3331", None, None, None, 12_000, None, 12_000),
        ("411", None, 500_000, None, None, None, 500_000),
        ("511", None, None, None, 150_000, None, 150_000),
        ("5113.registered", None, None, None, 150_000, None, 150_000),
        ("642", None, None, 30_000, None, 30_000, None),
        ("Total", 500_000, 500_000, 192_000, 192_000, 662_000, 662_000),
    ]
    assert rows[5][1] == "Cash on hand" and rows[8][1] == "Taxes and amounts payable to the State"
    assert sheet["A6"].font.bold and not sheet["A7"].font.bold
    assert sheet["C6"].number_format == "#,##0"


def _subtotals(report):
    return {group.code: tuple(group.subtotal.amounts) for group in report.groups}


def test_accounts_are_grouped_under_the_main_account_of_the_chart():
    assert [
        main_account(code)
        for code in ("1111.240001", "1121.bidv", "113", "131.partner.evn", "3331", "5113.kt1")
    ] == ["111", "112", "113", "131", "333", "511"]
    assert [main_account(code) for code in ("6421.BDT2001", "632.loss.240001", "411")] == [
        "642",
        "632",
        "411",
    ]


def test_the_trial_balance_has_a_subtotal_per_main_account(books, accountant):
    report = selectors.trial_balance(
        user=accountant, province_code=PROVINCE, date_from=TODAY, date_to=TODAY
    )
    assert [(g.code, g.name, [r.account.code for r in g.rows]) for g in report.groups] == [
        ("111", "Cash on hand", ["1111.240001", "1111.240002"]),
        ("333", "Taxes and amounts payable to the State", ["3331"]),
        ("411", "Owner's invested capital", ["411"]),
        ("511", "Revenue from sales and services", ["5113.registered"]),
        ("642", "General and administrative expenses", ["642"]),
    ]
    assert _subtotals(report)["111"] == (500_000, 0, 162_000, 30_000, 632_000, 0)
    assert [g.detailed for g in report.groups] == [True, True, False, True, False]


def test_the_subtotals_add_up_to_the_totals_whose_debits_equal_their_credits(
    books, accountant, capital, drawer_a
):
    # given a partner who owes and one who is owed: 131 keeps both sides, not their net
    owes = ledger.account_partner_receivable(PROVINCE, "evn")
    owed = ledger.account_partner_receivable(PROVINCE, "water")
    _post("evn", EntryKind.OPENING_BALANCE, [Leg(owes, capital, 70_000)])
    _post("water", EntryKind.COLLECTION, [Leg(drawer_a, owed, 20_000)])

    report = selectors.trial_balance(
        user=accountant, province_code=PROVINCE, date_from=TODAY, date_to=TODAY
    )

    assert _subtotals(report)["131"] == (0, 0, 70_000, 20_000, 70_000, 20_000)
    columns = zip(*(group.subtotal.amounts for group in report.groups), strict=True)
    assert [sum(column) for column in columns] == report.totals.amounts
    t = report.totals
    assert t.amounts == [500_000, 500_000, 282_000, 282_000, 752_000, 752_000]
    assert report.balanced


def test_the_trial_balance_page_leaves_zero_cells_blank_under_subtotals(
    books, accountant, client_as
):
    query = {"province": PROVINCE, "date_from": TODAY.isoformat(), "date_to": TODAY.isoformat()}
    html = client_as(accountant).get(reverse("finance:trial_balance"), query).content.decode()

    table = html[html.index('data-testid="trial-balance"') : html.index("</table>")]
    cells = re.findall(r'<td class="num">([^<]*)</td>', table)
    assert len(cells) == 6 * (5 + 4 + 1)  # five subtotals, four accounts below them, total
    assert "0" not in cells and "—" not in cells and "" in cells
    row_111 = re.search(r'<tr class="subtotal" data-testid="subtotal-111">(.*?)</tr>', table, re.S)
    assert row_111 is not None
    assert re.findall(r'<td class="num">([^<]*)</td>', row_111.group(1)) == [
        "500.000",
        "",
        "162.000",
        "30.000",
        "632.000",
        "",
    ]
    assert 'data-testid="subtotal-411"' in table and ">1111.240002</a>" in table


def test_the_trial_balance_prints_as_a_signed_document(world, accountant, client, client_as):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    query = {"province": PROVINCE, "date_from": "2026-01-01", "date_to": "2026-12-31"}
    page = client_as(accountant).get(reverse("finance:trial_balance"), query)
    html = page.content.decode()

    assert "@media print" in html and "header.top, nav, footer, form.filters" in html
    assert 'data-testid="doc-unit">BƯU ĐIỆN TỈNH LẠNG SƠN<' in html
    assert "Từ ngày 01/01/2026 đến ngày 31/12/2026" in html
    assert "Đơn vị tính: đồng" in html
    assert 'data-testid="date-line">Lạng Sơn, ngày .. tháng .. năm ..<' in html
    signatures = html[html.index('data-testid="signatures"') :]
    for title in ("Người lập biểu", "Kế toán trưởng", "Giám đốc"):
        assert f"<strong>{title}</strong><em>(Ký, họ tên)</em>" in signatures
    assert re.search(r"<button [^>]*data-print[^>]*>In</button>", html)


def test_the_province_is_chosen_from_those_the_user_may_see(
    world, accountant, clerk_a, outsider, client_as
):
    url = reverse("finance:trial_balance")

    def options(user):
        html = client_as(user).get(url).content.decode()
        assert 'name="province"' in html and 'type="text" name="province"' not in html
        select = re.search(r'<select name="province"[^>]*>(.*?)</select>', html, re.S)
        assert select is not None
        return re.findall(r'<option value="(\d*)"( selected)?>', select.group(1))

    # one province: preselected, nothing else to choose
    assert options(accountant) == [("20", " selected")]
    assert options(clerk_a) == [("20", " selected")]  # their own point's province
    assert options(outsider) == [("04", " selected")]
    # the corporation's accountant chooses among all of them
    from buudien.people.tests.factories import UserFactory

    head_office = UserFactory(role="accountant", unit=world.corporation)
    assert options(head_office) == [("", " selected"), ("04", ""), ("20", "")]


def test_a_province_typed_into_the_address_is_refused(books, accountant, client_as):
    page = client_as(accountant).get(reverse("finance:trial_balance"), {"province": "99"})
    html = page.content.decode()
    assert "Choose one of the provinces you may see." in html
    assert "99" not in re.findall(r'<option value="(\d*)"', html)


@pytest.mark.parametrize("province", ["99", "04", "2O"])
def test_the_api_refuses_a_province_the_user_may_not_see(books, accountant, client_as, province):
    client = client_as(accountant)
    for url in ("/api/finance/trial-balance", "/api/finance/accounts", "/api/finance/costs"):
        response = client.get(url, {"province": province})
        assert response.status_code == 404
        assert response.json()["detail"] == (
            f"Province {province} is not one you may see; give one of: 20."
        )
    assert client.get("/api/finance/trial-balance", {"province": "20"}).status_code == 200


def test_the_trial_balance_refuses_a_range_that_ends_before_it_starts(world, accountant):
    with pytest.raises(Exception, match="ends before it starts"):
        selectors.trial_balance(
            user=accountant, province_code=PROVINCE, date_from=TODAY, date_to=YESTERDAY
        )


# --- statement -------------------------------------------------------------------------------


def test_the_statement_of_a_drawer_runs_its_balance(books, accountant):
    statement = selectors.account_statement(
        user=accountant,
        province_code=PROVINCE,
        code="1111.240001",
        date_from=TODAY,
        date_to=TODAY,
    )
    assert statement.opening == 500_000
    assert [
        (line.entry.reference, line.other.code, line.debit, line.credit, line.balance)
        for line in statement.lines
    ] == [
        ("fee-a", "5113.registered", 100_000, 0, 600_000),
        ("fee-a", "3331", 8_000, 0, 608_000),
        ("paper", "642", 0, 30_000, 578_000),
    ]
    assert (statement.debit_total, statement.credit_total, statement.closing) == (
        108_000,
        30_000,
        578_000,
    )
    assert not statement.truncated


def test_a_revenue_statement_is_on_the_credit_side(books, accountant):
    statement = selectors.account_statement(
        user=accountant,
        province_code=PROVINCE,
        code="5113.registered",
        date_from=START,
        date_to=TODAY,
    )
    assert [line.balance for line in statement.lines] == [100_000, 150_000]
    assert statement.closing == 150_000


def test_a_clerk_cannot_read_another_points_drawer(books, clerk_a):
    with pytest.raises(NotFound):
        selectors.account_statement(
            user=clerk_a,
            province_code=PROVINCE,
            code="1111.240002",
            date_from=START,
            date_to=TODAY,
        )
    with pytest.raises(NotFound):  # nor the province's accounts
        selectors.account_statement(
            user=clerk_a, province_code=PROVINCE, code="3331", date_from=START, date_to=TODAY
        )


def test_the_statement_page(books, clerk_a, client_as):
    client = client_as(clerk_a)
    page = client.get(
        reverse("finance:statement", args=["1111.240001"]),
        {"date_from": TODAY.isoformat(), "date_to": TODAY.isoformat()},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="opening">500.000' in html
    assert 'data-testid="closing">578.000' in html
    other = client.get(reverse("finance:statement", args=["1111.240002"]))
    assert other.status_code == 404


def test_the_statement_through_the_api(books, accountant, client_as):
    response = client_as(accountant).get(
        "/api/finance/accounts/1111.240001/statement",
        {"date_from": TODAY.isoformat(), "date_to": TODAY.isoformat()},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["opening"], body["closing"]) == (500_000, 578_000)
    assert [line["balance"] for line in body["lines"]] == [600_000, 608_000, 578_000]
    assert body["account"]["code"] == "1111.240001"


# --- journal ---------------------------------------------------------------------------------


def test_the_daily_journal_of_a_point(books, clerk_a):
    journal = selectors.point_journal(user=clerk_a, point_code="240001", day=TODAY)
    assert [item.entry.reference for item in journal.entries] == ["fee-a", "paper"]
    assert [item.total for item in journal.entries] == [108_000, 30_000]
    assert (journal.drawer_opening, journal.drawer_in, journal.drawer_out) == (
        500_000,
        108_000,
        30_000,
    )
    assert journal.drawer_closing == 578_000
    yesterday = selectors.point_journal(user=clerk_a, point_code="240001", day=YESTERDAY)
    assert [item.entry.reference for item in yesterday.entries] == ["open"]


def test_the_journal_page_and_its_scope(books, clerk_a, client_as, django_assert_max_num_queries):
    client = client_as(clerk_a)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("finance:journal", args=["240001"]), {"day": TODAY.isoformat()})
    assert page.status_code == 200
    html = page.content.decode()
    assert "fee-a" in html and "fee-b" not in html
    assert client.get(reverse("finance:journal", args=["240002"])).status_code == 404


def test_the_ledger_index_lists_the_accounts_in_scope(books, clerk_a, accountant, client_as):
    page = client_as(clerk_a).get(reverse("finance:index"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "1111.240001" in html and "1111.240002" not in html and "3331" not in html
    page = client_as(accountant).get(reverse("finance:index"))
    assert "3331" in page.content.decode()


def test_the_trial_balance_through_the_api(books, accountant, client_as):
    response = client_as(accountant).get(
        "/api/finance/trial-balance",
        {"province": PROVINCE, "date_from": TODAY.isoformat(), "date_to": TODAY.isoformat()},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["balanced"] and body["complete"]
    assert body["totals"]["debit"] == body["totals"]["credit"] == 192_000
    assert {row["code"] for row in body["rows"]} == {
        "1111.240001",
        "1111.240002",
        "3331",
        "411",
        "5113.registered",
        "642",
    }


def test_the_report_pages_take_a_fixed_number_of_queries(
    books, accountant, client_as, django_assert_num_queries
):
    client = client_as(accountant)
    query = {"province": PROVINCE, "date_from": START.isoformat(), "date_to": TODAY.isoformat()}
    with django_assert_num_queries(8):
        assert client.get(reverse("finance:trial_balance"), query).status_code == 200
    with django_assert_num_queries(6):
        assert client.get(reverse("finance:index")).status_code == 200
    with django_assert_num_queries(8):
        page = client.get(reverse("finance:statement", args=["1111.240001"]), query)
        assert page.status_code == 200
