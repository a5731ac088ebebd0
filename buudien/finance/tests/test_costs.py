"""Costs of a unit or a point: booked one by one or from the accounting system's monthly file,
each a balanced ``expense`` entry on the owner's account of the category; the rollup knows
whose cost it is, and the year report states costs by category and the surplus of every unit."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from buudien.core.bizdays import local_today
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import Account, DailyFigure, Entry, Transfer
from buudien.finance.tests.conftest import PROVINCE, balances
from buudien.planning import selectors

pytestmark = pytest.mark.django_db

TODAY = local_today()


def _cost(**extra):
    return {
        "province_code": PROVINCE,
        "category": "6421",
        "owner": "UA",
        "amount": 45_000_000,
        "date": TODAY.isoformat(),
        "paid_from": "334",
        "reference": "BL06",
        "memo": "Lương tháng",
        **extra,
    }


def _post(client, payload, key):
    return client.post(
        "/api/finance/costs",
        data=json.dumps(payload),
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )


def _state():
    return Entry.objects.count(), Transfer.objects.count(), balances()


def test_a_cost_of_a_unit_goes_to_its_own_account_and_rollup_once(world, accountant, client_as):
    client = client_as(accountant)
    first = _post(client, _cost(), "c-1")
    assert first.status_code == 201, first.content
    body = first.json()
    assert (body["account"], body["paid_from"], body["owner"], body["category"]) == (
        "6421.UA",
        "334",
        "UA",
        "6421",
    )
    account = Account.objects.get(code="6421.UA")
    assert (account.kind, account.unit_id, account.point_id, account.balance) == (
        "expense",
        world.unit_a.pk,
        None,
        45_000_000,
    )
    assert Account.objects.get(code="334").balance == 45_000_000
    again = _post(client, _cost(), "c-1")
    assert again.status_code == 201 and again.json()["entry_id"] == body["entry_id"]
    row = DailyFigure.objects.get(date=TODAY, unit=world.unit_a)
    assert (row.point_id, row.expense) == (None, 45_000_000)
    listed = client.get(f"/api/finance/costs?province={PROVINCE}").json()
    assert [(r["account"], r["amount"]) for r in listed] == [("6421.UA", 45_000_000)]


def test_a_cost_of_a_point_is_the_points_paid_from_its_drawer(
    world, accountant, client_as, drawer_a, fund
):
    fund(drawer_a, 1_000_000)
    response = _post(
        client_as(accountant),
        _cost(owner="240001", category="6417", amount=300_000, paid_from="1111.240001"),
        "c-2",
    )
    assert response.status_code == 201, response.content
    assert DailyFigure.objects.get(date=TODAY, point=world.point_a, service="").expense == 300_000
    assert Account.objects.get(code="1111.240001").balance == 700_000


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        ({"category": "5113"}, 400, "Unknown cost category"),
        ({"owner": "NOWHERE"}, 404, "No unit or point NOWHERE"),
        ({"owner": "BDT04"}, 404, "No unit or point BDT04"),
        ({"paid_from": "5113.registered"}, 400, "A cost is paid from a bank"),
        ({"amount": 0}, 400, "more than zero"),
        ({"amount": "1000"}, 422, ""),
        ({"amount": True}, 422, ""),
        ({"paid_from": "1111.240001"}, 400, "Not enough money"),
    ],
)
def test_a_refused_cost_says_why_and_changes_nothing(
    world, accountant, client_as, change, status, words
):
    before = _state()
    response = _post(client_as(accountant), _cost(**change), "bad")
    assert response.status_code == status, response.content
    assert words in response.content.decode()
    assert _state() == before


def test_only_accountants_and_administrators_book_costs(world, client_as):
    from buudien.people.tests.factories import UserFactory

    for role in ("clerk", "director"):
        user = UserFactory(username=f"u-{role}", role=role, unit=world.province)
        assert _post(client_as(user), _cost(), f"k-{role}").status_code == 403
    assert Entry.objects.count() == 0


def _file(text: str, name: str = "costs.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


GOOD = (
    "date,owner_code,account,amount,paid_from,reference,memo\n"
    f"{TODAY.isoformat()},UA,6421,40.000.000,334,BL,Lương\n"
    f"{TODAY.isoformat()},UB,6417,12000000,331,HD1,Vận chuyển\n"
    f"{TODAY.isoformat()},UB,6417,12000000,331,HD1,Vận chuyển\n"
    f"{TODAY.isoformat()},BDT20,6424,5000000,214,,Khấu hao\n"
)


def test_the_monthly_file_books_every_row_once(world, accountant, client_as):
    client = client_as(accountant)
    first = client.post("/api/finance/costs/file", {"file": _file(GOOD)})
    assert first.status_code == 200, first.content
    assert first.json() == {"created": 4, "updated": 0, "unchanged": 0}
    assert balances()["6417.UB"] == 24_000_000  # two equal rows are two costs
    again = client.post("/api/finance/costs/file", {"file": _file(GOOD)})
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 4}
    assert Entry.objects.filter(kind=EntryKind.EXPENSE).count() == 4


def test_a_bad_file_lists_every_problem_and_books_nothing(world, accountant, client_as):
    bad = (
        "date,owner_code,account,amount,paid_from\n"
        f"{TODAY.isoformat()},UA,9999,1000,334\n"
        "31/02/2026,UA,6421,1000,334\n"
        f"{TODAY.isoformat()},XX,6421,1000,334\n"
        f"{TODAY.isoformat()},UA,6421,-5,334\n"
        f"{TODAY.isoformat()},UA,6421,1000,5113.registered\n"
    )
    before = _state()
    response = client_as(accountant).post("/api/finance/costs/file", {"file": _file(bad)})
    assert response.status_code == 400, response.content
    problems = {(e["row"], e["column"]) for e in response.json()["errors"]}
    assert problems == {
        (2, "account"),
        (3, "date"),
        (4, "owner_code"),
        (5, "amount"),
        (6, "paid_from"),
    }
    assert _state() == before


def test_the_year_report_states_costs_by_category_and_each_units_surplus(
    world, accountant, capital, drawer_a, fund
):
    fund(drawer_a, 10_000_000)
    revenue = ledger.account_for_revenue(PROVINCE, "registered")
    ledger.entry_post(
        actor=None,
        idempotency_key="fee",
        kind=EntryKind.FEE,
        reference="item",
        legs=[ledger.Leg(drawer_a, revenue, 9_000_000, "registered")],
        province_code=PROVINCE,
    )
    from buudien.core.imports import import_file

    import_file("costs", _file(GOOD), actor=accountant, name="costs.csv")
    report = selectors.year_report(
        user=None, province_code=PROVINCE, year=TODAY.year, estimate=False
    )
    costs = report["expenses"]
    assert costs["actual"] == 40_000_000 + 24_000_000 + 5_000_000
    groups = {
        g["code"]: (g["actual"], [c["code"] for c in g["categories"]]) for g in costs["groups"]
    }
    assert groups == {"641": (24_000_000, ["6417"]), "642": (45_000_000, ["6421", "6424"])}
    assert costs["not_classified"]["actual"] is None
    units = {
        u["code"]: (u["actual"], u["expenses"], u["surplus"]["actual"]) for u in report["per_unit"]
    }
    assert units == {
        "UA": (9_000_000, 40_000_000, -31_000_000),
        "UB": (None, 24_000_000, None),
    }
    # A unit's own report counts its costs booked without a point.
    mine = selectors.year_report(
        user=None, province_code=PROVINCE, year=TODAY.year, unit="UA", estimate=False
    )
    assert mine["expenses"]["actual"] == 40_000_000
    assert [g["code"] for g in mine["expenses"]["groups"]] == ["642"]
    assert mine["surplus"]["actual"] == -31_000_000


# --- the page --------------------------------------------------------------------------------


def test_the_accountant_books_a_cost_and_loads_a_file_on_the_page(world, accountant, client_as):
    client = client_as(accountant)
    page = client.get(f"/finance/costs/?province={PROVINCE}")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="cost-form"' in html and 'value="UA"' in html  # owners offered
    assert 'name="date"' in html and "autofocus" in html
    token = page.context["form"].initial["token"]
    wrong = client.post(
        f"/finance/costs/?province={PROVINCE}",
        {"date": "", "owner": "", "category": "", "amount": "abc", "paid_from": "", "token": token},
    )
    assert wrong.status_code == 400
    assert {"date", "owner", "category", "amount", "paid_from"} <= set(wrong.context["form"].errors)
    good = {
        "date": TODAY.isoformat(),
        "owner": "UB",
        "category": "6417",
        "amount": "12.500.000",
        "paid_from": "331",
        "reference": "HD9",
        "memo": "Thuê xe",
        "token": token,
    }
    done = client.post(f"/finance/costs/?province={PROVINCE}", good)
    assert done.status_code == 302
    client.post(f"/finance/costs/?province={PROVINCE}", good)  # sent twice: booked once
    assert balances()["6417.UB"] == 12_500_000
    unknown = client.post(
        f"/finance/costs/?province={PROVINCE}", {**good, "owner": "ZZ", "token": "t2"}
    )
    assert unknown.status_code == 400 and "ZZ" in unknown.content.decode()
    loaded = client.post(
        f"/finance/costs/import/?province={PROVINCE}", {"file": _file(GOOD)}, follow=True
    )
    assert "4 created" in loaded.content.decode()
    listed = client.get(f"/finance/costs/?province={PROVINCE}").content.decode()
    assert "Thuê xe" in listed and "12.500.000" in listed


def test_the_costs_page_is_for_who_keeps_the_books(world, client_as):
    from buudien.people.tests.factories import UserFactory

    clerk = UserFactory(username="c", role="clerk", unit=world.unit_a, point=world.point_a)
    assert client_as(clerk).get("/finance/costs/").status_code == 403
    director = UserFactory(username="d", role="director", unit=world.province)
    page = client_as(director).get(f"/finance/costs/?province={PROVINCE}")
    assert page.status_code == 200 and 'data-testid="cost-form"' not in page.content.decode()


def test_a_past_years_report_before_and_after_its_costs_are_loaded(
    world, accountant, drawer_a, fund
):
    """Last year closed with its revenue; its costs come later from the accounting system:
    the report of that year, run again, states them and the surplus they leave."""
    last = TODAY.year - 1
    fund(drawer_a, 10_000_000)
    ledger.entry_post(
        actor=None, idempotency_key="old-fee", kind=EntryKind.FEE, reference="item",
        legs=[ledger.Leg(drawer_a, ledger.account_for_revenue(PROVINCE, "registered"),
                         8_000_000, "registered")],
        province_code=PROVINCE, business_date=dt.date(last, 11, 3),
    )  # fmt: skip
    before = selectors.year_report(user=None, province_code=PROVINCE, year=last)
    assert before["estimate"] is None  # a closed year: actuals
    assert before["expenses"]["actual"] is None and before["surplus"]["actual"] is None
    from buudien.core.imports import import_file

    import_file(
        "costs",
        _file(
            "date,owner_code,account,amount,paid_from\n"
            f"{last}-11-30,UA,6411,5000000,334\n"
            f"{last}-12-31,BDT20,6427,1000000,331\n"
        ),
        actor=accountant,
        name="costs.csv",
    )
    after = selectors.year_report(user=None, province_code=PROVINCE, year=last)
    assert after["revenue"] == before["revenue"]
    assert after["expenses"]["actual"] == 6_000_000
    assert after["surplus"]["actual"] == 2_000_000
    ua = next(u for u in after["per_unit"] if u["code"] == "UA")
    assert (ua["actual"], ua["expenses"], ua["surplus"]["actual"]) == (
        8_000_000,
        5_000_000,
        3_000_000,
    )
