"""Matching statement lines by hand: the open payments of a line's amount offered as
candidates, most likely first, on the page and in the API; a click on one confirms it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from buudien.cashless import selectors, services
from buudien.cashless.choices import LineStatus, PaymentStatus
from buudien.cashless.importers import statement_import
from buudien.cashless.models import PaymentRequest, StatementLine
from buudien.cashless.tests.conftest import SAMPLE_CODE, SAMPLES

ARRIVED = dt.date(2026, 3, 5)
BASE = "/api/cashless"


def _line(amount: int = 85_000, description: str = "IBFT chuyen tien", **fields: Any) -> Any:
    values = {
        "province_code": "20",
        "date": ARRIVED,
        "amount": amount,
        "description": description,
        "bank_reference": f"FT{StatementLine.objects.count() + 1}",
        "status": LineStatus.UNMATCHED,
    }
    values.update(fields)
    return StatementLine.objects.create(**values)


@pytest.fixture
def payments(make_request: Any, made_on: Any) -> dict[str, Any]:
    """Requests around a transfer of 85.000 đ that arrived on 5 March 2026 without its code."""

    def made(name: str, day: int, amount: int = 85_000, **kwargs: Any) -> Any:
        return made_on(make_request(amount=amount, **kwargs), dt.date(2026, 3, day))

    found = {
        "same_day": made("same_day", 5),
        "two_days_before": made("two_days_before", 3),
        "a_month_before": made("a_month_before", 1),
        "after": made("after", 6),
        "other_amount": made("other_amount", 5, amount=86_000),
        "cancelled": made("cancelled", 4),
    }
    found["long_before"] = made_on(make_request(amount=85_000), dt.date(2026, 1, 20))
    PaymentRequest.objects.filter(pk=found["cancelled"].pk).update(status=PaymentStatus.CANCELLED)
    return found


def test_candidates_are_the_open_payments_of_the_amount_nearest_the_day_first(
    payments: dict[str, Any], accountant: Any
) -> None:
    line = _line()
    found = selectors.statement_line_candidates(user=accountant, lines=[line])
    assert [r.pk for r in found[line.pk]] == [
        payments["same_day"].pk,
        payments["two_days_before"].pk,
        payments["a_month_before"].pk,
    ]


def test_a_payment_whose_code_is_in_the_description_comes_first(
    payments: dict[str, Any], accountant: Any
) -> None:
    older = payments["a_month_before"]
    line = _line(description=f"NGUYEN VAN AN {older.code.lower()} cuoc")
    found = selectors.statement_line_candidates(user=accountant, lines=[line])
    assert [r.pk for r in found[line.pk]][:2] == [older.pk, payments["same_day"].pk]


def test_money_going_out_has_no_candidate(payments: dict[str, Any], accountant: Any) -> None:
    line = _line(amount=-85_000, status=LineStatus.NOT_RELATED)
    assert selectors.statement_line_candidates(user=accountant, lines=[line]) == {line.pk: []}


def test_candidates_of_many_lines_cost_one_query(
    payments: dict[str, Any], accountant: Any, django_assert_num_queries: Any
) -> None:
    lines = [_line(), _line(amount=86_000), _line(amount=1_000)]
    with django_assert_num_queries(1):
        found = selectors.statement_line_candidates(user=accountant, lines=lines)
    assert [len(found[line.pk]) for line in lines] == [3, 1, 0]


def test_a_debit_is_matched_to_no_payment(
    payments: dict[str, Any], accountant: Any, english: Any
) -> None:
    line = _line(amount=-85_000, status=LineStatus.NOT_RELATED)
    with pytest.raises(services.DomainError, match="money going out"):
        services.statement_line_match(actor=accountant, line=line, request=payments["same_day"])
    assert PaymentRequest.objects.get(pk=payments["same_day"].pk).status == PaymentStatus.PENDING


def test_interest_taken_for_a_payment_is_matched_by_hand(
    payments: dict[str, Any], accountant: Any, fund: Any, world: Any
) -> None:
    fund(world.point_a, 500_000)
    line = _line(description="Tra lai tien cuoc", status=LineStatus.NOT_RELATED)
    services.statement_line_match(actor=accountant, line=line, request=payments["same_day"])
    line.refresh_from_db()
    assert (line.status, line.request_id) == (LineStatus.MATCHED, payments["same_day"].pk)


# --- the page -----------------------------------------------------------------------------------


def test_the_page_offers_each_unmatched_line_its_candidates_and_a_click_confirms_one(
    client_as: Any, accountant: Any, payments: dict[str, Any], fund: Any, world: Any
) -> None:
    fund(world.point_a, 500_000)
    line = _line()
    client = client_as(accountant)
    html = client.get(reverse("cashless:statements")).content.decode()
    offered = [payments[name].code for name in ("same_day", "two_days_before", "a_month_before")]
    assert [html.index(f'data-code="{code}"') for code in offered] == sorted(
        html.index(f'data-code="{code}"') for code in offered
    )
    assert f'data-code="{payments["after"].code}"' not in html
    response = client.post(reverse("cashless:match", args=[line.pk]), {"code": offered[1]})
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.status, line.request_id) == (LineStatus.MATCHED, payments["two_days_before"].pk)
    assert PaymentRequest.objects.get(code=offered[1]).status == PaymentStatus.CONFIRMED


def test_the_page_lists_the_lines_not_related_with_why(
    client_as: Any, accountant: Any, sample_accounts: Any
) -> None:
    statement_import(SAMPLES / "vietinbank.xlsx", actor=accountant)
    html = client_as(accountant).get(reverse("cashless:statements")).content.decode()
    section = html[html.index('data-testid="not-related-lines"') :]
    assert section.count('data-testid="not-related-line"') == 3
    fee = section[section.index("CT26084000731") :]
    fee = fee[: fee.index("</tr>")]
    assert "-22.000" in fee and "THU PHI DICH VU EFAST T03/2026" in fee and "phí ngân hàng" in fee


def test_the_page_costs_the_same_for_many_lines(
    client_as: Any, accountant: Any, payments: dict[str, Any], django_assert_num_queries: Any
) -> None:
    client = client_as(accountant)
    _line()
    client.get(reverse("cashless:statements"))
    with django_assert_num_queries(QUERIES_ON_THE_PAGE) as few:
        client.get(reverse("cashless:statements"))
    for amount in (85_000, 86_000, 1_000, 85_000):
        _line(amount=amount)
    _line(amount=-5_000, status=LineStatus.NOT_RELATED, reason="bank fee")
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(reverse("cashless:statements"))
    assert page.content.decode().count('data-testid="unmatched-line"') == 5


QUERIES_ON_THE_PAGE = 9


# --- the API ------------------------------------------------------------------------------------


def test_the_api_offers_the_same_candidates_and_matches_one(
    client_as: Any, accountant: Any, payments: dict[str, Any], fund: Any, world: Any
) -> None:
    fund(world.point_a, 500_000)
    line = _line()
    client = client_as(accountant)
    offered = client.get(f"{BASE}/statement-lines/{line.pk}/candidates")
    assert offered.status_code == 200
    assert [r["code"] for r in offered.json()] == [
        payments[name].code for name in ("same_day", "two_days_before", "a_month_before")
    ]
    chosen = offered.json()[0]["id"]
    matched = client.post(
        f"{BASE}/statement-lines/{line.pk}/match",
        {"request_id": chosen},
        content_type="application/json",
    )
    assert matched.status_code == 200
    assert (matched.json()["status"], matched.json()["request"]) == (
        "matched",
        payments["same_day"].code,
    )
    listed = client.get(f"{BASE}/statement-lines", {"status": "unmatched"})
    assert listed.json() == []


def test_the_api_import_answers_the_lines_not_related(
    client_as: Any,
    accountant: Any,
    sample_accounts: Any,
    make_request: Any,
    made_on: Any,
    fund: Any,
    world: Any,
) -> None:
    fund(world.point_a, 500_000)
    made_on(make_request(amount=150_000), dt.date(2026, 3, 4), code=SAMPLE_CODE)
    with (SAMPLES / "agribank.xlsx").open("rb") as data:
        response = client_as(accountant).post(f"{BASE}/statements", {"file": data})
    assert response.status_code == 201
    body = response.json()
    assert [(line["bank_reference"], line["amount"]) for line in body["not_related"]] == [
        ("8000FEE260331001", -5_500),
        ("8000INT260331001", 912),
    ]
    assert [line["bank_reference"] for line in body["unmatched"]] == ["8000VNFT260308456"]


def test_a_clerk_gets_no_candidates(client_as: Any, clerk_a: Any, bank: Any) -> None:
    line = _line()
    response = client_as(clerk_a).get(f"{BASE}/statement-lines/{line.pk}/candidates")
    assert response.status_code == 404
