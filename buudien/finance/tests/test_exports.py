"""The .xlsx downloads of an account's statement and a point's daily journal: they open
with openpyxl and hold the figures of the pages, in the user's scope."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from buudien.core.bizdays import local_today
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.ledger import Leg
from buudien.finance.tests.conftest import PROVINCE

pytestmark = pytest.mark.django_db

TODAY = local_today()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def books(world, drawer_a, revenue, vat, capital):
    """Yesterday 500.000 put in drawer A; today a fee of 108.000 and 30.000 of expenses."""

    def post(key, kind, legs, **kwargs):
        ledger.entry_post(
            actor=None,
            idempotency_key=key,
            kind=kind,
            reference=key,
            legs=legs,
            province_code=PROVINCE,
            **kwargs,
        )

    post(
        "open",
        EntryKind.OPENING_BALANCE,
        [Leg(drawer_a, capital, 500_000)],
        business_date=TODAY - dt.timedelta(days=1),
    )
    post(
        "fee-a",
        EntryKind.FEE,
        [Leg(drawer_a, revenue, 100_000, "registered"), Leg(drawer_a, vat, 8_000, "registered")],
    )
    post("paper", EntryKind.EXPENSE, [Leg(ledger.account_expenses(PROVINCE), drawer_a, 30_000)])


def _rows(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment;")
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def test_the_statement_downloads_as_xlsx(books, clerk_a, client_as):
    client = client_as(clerk_a)
    url = reverse("finance:statement", args=["1111.240001"])
    query = {"date_from": TODAY.isoformat(), "date_to": TODAY.isoformat()}
    page = client.get(url, query).content.decode()
    assert 'data-testid="xlsx"' in page and "format=xlsx" in page
    rows = _rows(client.get(url, {**query, "format": "xlsx"}))
    assert "1111.240001" in rows[0][0]
    assert len(rows[1]) == 8
    assert rows[2][7] == 500_000  # opening
    assert [(r[3], r[4], r[5], r[6], r[7]) for r in rows[3:-1]] == [
        ("fee-a", "5113.registered", 100_000, None, 600_000),
        ("fee-a", "3331", 8_000, None, 608_000),
        ("paper", "642", None, 30_000, 578_000),
    ]
    assert rows[-1][5:] == (108_000, 30_000, 578_000)
    assert rows[3][0].date() == TODAY


def test_the_journal_downloads_as_xlsx(books, clerk_a, client_as):
    client = client_as(clerk_a)
    url = reverse("finance:journal", args=["240001"])
    page = client.get(url, {"day": TODAY.isoformat()}).content.decode()
    assert 'data-testid="xlsx"' in page
    rows = _rows(client.get(url, {"day": TODAY.isoformat(), "format": "xlsx"}))
    assert "240001" in rows[0][0]
    figures = {r[0]: r[1] for r in rows[1:6]}
    assert list(figures.values()) == ["1111.240001", 500_000, 108_000, 30_000, 578_000]
    transfers = rows[8:]
    assert [(r[2], r[3], r[4], r[5]) for r in transfers] == [
        ("fee-a", "1111.240001", "5113.registered", 100_000),
        ("fee-a", "1111.240001", "3331", 8_000),
        ("paper", "642", "1111.240001", 30_000),
    ]


def test_the_downloads_keep_to_the_users_scope(books, clerk_b, client_as):
    client = client_as(clerk_b)
    statement = client.get(reverse("finance:statement", args=["1111.240001"]), {"format": "xlsx"})
    journal = client.get(reverse("finance:journal", args=["240001"]), {"format": "xlsx"})
    assert statement.status_code == journal.status_code == 404


def test_a_reference_typed_as_a_formula_stays_text(books, drawer_a, revenue, clerk_a, client_as):
    ledger.entry_post(
        actor=None,
        idempotency_key="formula",
        kind=EntryKind.FEE,
        reference='=HYPERLINK("http://x","a")',
        legs=[Leg(drawer_a, revenue, 1_000, "registered")],
        province_code=PROVINCE,
    )
    client = client_as(clerk_a)
    for url, query in (
        (reverse("finance:statement", args=["1111.240001"]), {"date_from": TODAY.isoformat()}),
        (reverse("finance:journal", args=["240001"]), {"day": TODAY.isoformat()}),
    ):
        response = client.get(url, {**query, "format": "xlsx"})
        cells = [
            cell
            for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()
            for cell in row
        ]
        typed = [cell for cell in cells if str(cell.value).startswith("=HYPERLINK")]
        assert typed and {cell.data_type for cell in typed} == {"s"}, url
