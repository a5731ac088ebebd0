"""Payments to the state budget: by tax (the 333x account debited) and by level (central or
local), from a bank, once per key; the year report sums them and words itself after the level."""

from __future__ import annotations

import json

import pytest

from buudien.core.bizdays import local_today
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import BudgetPayment, DailyFigure, Entry
from buudien.finance.tests.conftest import PROVINCE, balances
from buudien.planning import selectors
from buudien.planning.render.narrative import narrative

pytestmark = pytest.mark.django_db

TODAY = local_today()


@pytest.fixture
def bank(world, fund):
    account = ledger.account_for_bank(PROVINCE, "vietinbank")
    fund(account, 100_000_000)
    return account


@pytest.fixture
def vat_owed(world, drawer_a, fund):
    """A fee of 10.000.000 đ with its 1.000.000 đ of VAT, owed to the budget."""
    fund(drawer_a, 20_000_000)
    ledger.entry_post(
        actor=None,
        idempotency_key="fee",
        kind=EntryKind.FEE,
        reference="item",
        legs=[
            ledger.Leg(drawer_a, ledger.account_for_revenue(PROVINCE, "registered"), 10_000_000,
                       "registered"),
            ledger.Leg(drawer_a, ledger.account_vat_payable(PROVINCE), 1_000_000, "registered"),
        ],
        province_code=PROVINCE,
    )  # fmt: skip


def _pay(client, key="b-1", **extra):
    payload = {
        "province_code": PROVINCE,
        "tax": "3331",
        "level": "local",
        "amount": 1_000_000,
        "date": TODAY.isoformat(),
        "paid_from": "1121.vietinbank",
        "treasury_reference": "GNT-0001",
        **extra,
    }
    return client.post(
        "/api/finance/budget-payments",
        data=json.dumps(payload),
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )


def test_the_vat_owed_is_paid_to_the_local_budget_once(
    world, accountant, client_as, bank, vat_owed
):
    client = client_as(accountant)
    owed = client.get(f"/api/finance/taxes-owed?province={PROVINCE}").json()
    assert owed == [{"tax": "3331", "name": "Value added tax", "owed": 1_000_000}]
    first = _pay(client)
    assert first.status_code == 201, first.content
    assert (first.json()["tax"], first.json()["level"]) == ("3331", "local")
    assert _pay(client).json()["id"] == first.json()["id"]  # a retry: the same payment
    assert BudgetPayment.objects.count() == 1
    assert balances()["3331"] == 0 and balances()["1121.vietinbank"] == 99_000_000
    assert DailyFigure.objects.get(date=TODAY, point=None, unit=None).budget == 1_000_000
    assert client.get(f"/api/finance/taxes-owed?province={PROVINCE}").json() == []
    listed = client.get(f"/api/finance/budget-payments?province={PROVINCE}").json()
    assert [(p["tax"], p["amount"], p["treasury_reference"]) for p in listed] == [
        ("3331", 1_000_000, "GNT-0001")
    ]


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"tax": "5113"}, 422),
        ({"level": "district"}, 422),
        ({"amount": 1000.0}, 422),
        ({"amount": 0}, 400),
        ({"paid_from": "1111.240001"}, 400),
        ({"paid_from": "1121.nowhere"}, 404),
        ({"amount": 10**9}, 400),  # more than the bank holds
    ],
)
def test_a_refused_payment_changes_nothing(world, accountant, client_as, bank, change, status):
    before = Entry.objects.count(), BudgetPayment.objects.count(), balances()
    response = _pay(client_as(accountant), key="bad", **change)
    assert response.status_code == status, response.content
    assert (Entry.objects.count(), BudgetPayment.objects.count(), balances()) == before


def test_who_may_pay_and_who_may_read(world, client_as, bank):
    from buudien.people.tests.factories import UserFactory

    clerk = UserFactory(username="c", role="clerk", unit=world.unit_a, point=world.point_a)
    director = UserFactory(username="d", role="director", unit=world.province)
    below = UserFactory(username="a2", role="accountant", unit=world.unit_a)
    assert _pay(client_as(clerk)).status_code == 403
    assert _pay(client_as(director)).status_code == 403
    assert (
        client_as(director).get(f"/api/finance/budget-payments?province={PROVINCE}").status_code
        == 200
    )
    assert (
        client_as(clerk).get(f"/api/finance/budget-payments?province={PROVINCE}").status_code == 403
    )
    assert client_as(below).get(f"/api/finance/taxes-owed?province={PROVINCE}").status_code == 403
    assert client_as(clerk).get(f"/finance/budget/?province={PROVINCE}").status_code == 403


def test_the_report_sums_by_tax_and_level_and_says_local(world, accountant, bank, vat_owed):
    from buudien.finance import budget

    for key, tax, amount in (("v", "3331", 1_000_000), ("l", "3339", 3_000_000)):
        budget.budget_pay(
            actor=accountant, province_code=PROVINCE, idempotency_key=key, tax=tax,
            level="local", amount=amount, day=TODAY, paid_from="1121.vietinbank",
        )  # fmt: skip
    report = selectors.year_report(
        user=None, province_code=PROVINCE, year=TODAY.year, estimate=False
    )
    paid = report["budget_contribution"]
    assert paid["actual"] == 4_000_000
    assert [(t["code"], t["actual"]) for t in paid["by_tax"]] == [
        ("3331", 1_000_000),
        ("3339", 3_000_000),
    ]
    assert paid["by_level"] == {
        "local": {"actual": 4_000_000, "previous": None, "growth_pct": None}
    }
    said = " ".join(p for _part, sections in narrative(report).parts for s in sections
                    for p in s.paragraphs)  # fmt: skip
    assert "Nộp ngân sách địa phương 4 triệu đồng" in said
    assert "gồm: thuế giá trị gia tăng 1 triệu đồng, phí, lệ phí" in said
    # A reversed payment counts no more, neither in the total nor in its tax.
    entry = BudgetPayment.objects.get(tax="3339").entry
    ledger.entry_reverse(actor=None, entry=entry, idempotency_key="undo")
    again = selectors.year_report(
        user=None, province_code=PROVINCE, year=TODAY.year, estimate=False
    )["budget_contribution"]
    assert again["actual"] == 1_000_000
    assert [(t["code"], t["actual"]) for t in again["by_tax"]] == [("3331", 1_000_000)]


def test_the_accountant_pays_on_the_page(world, accountant, client_as, bank, vat_owed):
    client = client_as(accountant)
    page = client.get(f"/finance/budget/?province={PROVINCE}")
    assert page.status_code == 200 and "1.000.000" in page.content.decode()  # owed
    token = page.context["form"].initial["token"]
    wrong = client.post(f"/finance/budget/?province={PROVINCE}", {"token": token, "amount": "x"})
    assert wrong.status_code == 400
    assert {"date", "tax", "amount", "paid_from"} <= set(wrong.context["form"].errors)
    done = client.post(
        f"/finance/budget/?province={PROVINCE}",
        {
            "token": token, "date": TODAY.isoformat(), "tax": "3331", "level": "local",
            "amount": "1.000.000", "paid_from": "1121.vietinbank", "treasury_reference": "GNT9",
        },
    )  # fmt: skip
    assert done.status_code == 302
    assert BudgetPayment.objects.get().treasury_reference == "GNT9"
    assert "GNT9" in client.get(f"/finance/budget/?province={PROVINCE}").content.decode()
