"""The agencies' fees passed on: one transfer per agency and range, the dossiers claimed
once, the ledger's payable equal to the fees not passed on."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from buudien.core.errors import AccessDenied, DomainError
from buudien.dossiers import settlements
from buudien.dossiers.models import Dossier, FeeSettlement
from buudien.dossiers.tests.test_services import TUESDAY, receive
from buudien.finance.models import Account

pytestmark = pytest.mark.django_db

DAY = TUESDAY.date()


@pytest.fixture
def accountant(world: Any) -> Any:
    from buudien.people.tests.factories import UserFactory

    return UserFactory(username="acc", role="accountant", unit=world.province)


@pytest.fixture
def received(clerk_a, world, procedure) -> list[Dossier]:
    return [
        receive(clerk_a, world, procedure, idempotency_key=f"k{i}", citizen_id=f"02012345678{i}")
        for i in range(3)
    ]


def settle(actor: Any, agency: Any, bank: str, key: str = "s1") -> FeeSettlement:
    return settlements.fees_settle(
        actor=actor,
        idempotency_key=key,
        agency=agency,
        date_from=DAY,
        date_to=DAY + dt.timedelta(days=3),
        bank=bank,
    )


def test_the_fees_are_passed_on_in_one_transfer(accountant, agency, bank, received):
    settlement = settle(accountant, agency, bank)

    assert (settlement.count, settlement.total) == (3, 90_000)
    assert settlement.reference == "QT-HCC-SO-TNMT-00001"
    assert Dossier.objects.filter(settlement=settlement).count() == 3
    payable = Account.objects.get(province_code="20", code="3388.partner.hcc-so-tnmt")
    assert payable.balance == 0
    assert Account.objects.get(province_code="20", code="1121.vietinbank").balance == 9_910_000
    (row,) = settlements.reconciliation(user=accountant, province_code="20")
    assert (row.collected, row.passed_on, row.owed, row.ledger_owed) == (90_000, 90_000, 0, 0)


def test_the_same_key_is_the_same_settlement_and_nothing_is_passed_on_twice(
    accountant, agency, bank, received
):
    first = settle(accountant, agency, bank)
    assert settle(accountant, agency, bank).pk == first.pk
    with pytest.raises(DomainError) as refused:
        settle(accountant, agency, bank, key="s2")
    assert refused.value.field == "date_to"
    assert FeeSettlement.objects.count() == 1


def test_the_ledger_owes_what_the_dossiers_say_until_settled(accountant, agency, received):
    (row,) = settlements.reconciliation(user=accountant, province_code="20")
    assert (row.owed, row.ledger_owed, row.difference) == (90_000, 90_000, 0)


def test_only_an_accountant_passes_fees_on(clerk_a, agency, bank, received):
    with pytest.raises(AccessDenied):
        settle(clerk_a, agency, bank)


def test_a_bank_account_without_the_money_changes_nothing(accountant, agency, received):
    with pytest.raises(DomainError):
        settle(accountant, agency, "empty-bank")
    assert not FeeSettlement.objects.exists()
    assert not Dossier.objects.filter(settlement__isnull=False).exists()


def test_the_statement_lists_every_dossier_and_the_total(accountant, agency, bank, received):
    settlement = settle(accountant, agency, bank)
    sheet = load_workbook(io.BytesIO(settlements.statement_xlsx(settlement))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert {row[0] for row in values[2:-1]} == {d.reference for d in received}
    assert values[-1][-1] == 90_000


def test_the_fees_page_passes_fees_on_and_serves_the_statement(
    client_as, accountant, agency, bank, received
):
    client = client_as(accountant)
    page = client.get("/dossiers/settlements/")
    assert page.status_code == 200
    assert page.context["reconciliation"][0].owed == 90_000
    token = page.context["form"].initial["token"]
    data = {
        "token": token,
        "agency": agency.code,
        "date_from": "2026-04-28",
        "date_to": "2026-04-30",
        "bank": bank,
        "memo": "",
    }
    assert client.post("/dossiers/settlements/", data).status_code == 302
    assert client.post("/dossiers/settlements/", data).status_code == 302  # the same token
    settlement = FeeSettlement.objects.get()
    statement = client.get(f"/dossiers/settlements/{settlement.reference}.xlsx")
    assert statement.status_code == 200
    assert statement["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_fees_page_shows_every_problem_and_refuses_a_clerk(
    client_as, accountant, clerk_a, agency, received
):
    page = client_as(accountant).post(
        "/dossiers/settlements/", {"token": "t1", "agency": "", "date_from": "", "bank": ""}
    )
    assert page.status_code == 200
    assert set(page.context["form"].errors) == {"agency", "date_from", "date_to", "bank"}
    assert not FeeSettlement.objects.exists()
    assert client_as(clerk_a).get("/dossiers/settlements/").status_code == 403


def test_the_api_passes_fees_on_once_and_reconciles(client_as, accountant, agency, bank, received):
    client = client_as(accountant)
    body = {
        "agency": agency.code,
        "date_from": "2026-04-28",
        "date_to": "2026-04-30",
        "bank": bank,
    }
    headers = {"Idempotency-Key": "api-s1"}
    first = client.post(
        "/api/dossiers/settlements", body, content_type="application/json", headers=headers
    )
    again = client.post(
        "/api/dossiers/settlements", body, content_type="application/json", headers=headers
    )
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["reference"] == again.json()["reference"]
    assert first.json()["total"] == 90_000
    rows = client.get("/api/dossiers/reconciliation").json()
    assert rows == [
        {
            "agency": "so-tnmt",
            "collected": 90_000,
            "passed_on": 90_000,
            "owed": 0,
            "ledger_owed": 0,
            "difference": 0,
        }
    ]
    statement = client.get(f"/api/dossiers/settlements/{first.json()['reference']}/statement.xlsx")
    assert statement.status_code == 200
    listed = client.get("/api/dossiers/settlements").json()
    assert listed["count"] == 1
