"""/api/payouts/: lists (import, get, close), lines (search, get, pay), receipts."""

from __future__ import annotations

import io

import pytest

from buudien.finance.models import Entry
from buudien.payouts.models import Payment, PayoutList
from buudien.payouts.tests.conftest import ID_AN, ID_BINH, ID_CHI, line_of, this_month
from buudien.payouts.tests.test_imports import bad_csv, good_csv

pytestmark = pytest.mark.django_db

API = "/api/payouts"


def _pay(client, line, presented, key="k1", **more):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(
        f"{API}/lines/{line.pk}/pay",
        {"presented_id": presented, **more},
        content_type="application/json",
        headers=headers,
    )


def test_import_a_list_from_a_file(client_as, payer, accountant):
    client = client_as(accountant)
    upload = io.BytesIO(good_csv(f"{this_month():%Y-%m}"))
    upload.name = "ds.csv"

    response = client.post(
        f"{API}/lists", {"file": upload, "payer": "bhxh", "period": f"{this_month():%Y-%m}"}
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["line_count"] == 3
    assert body["unpaid_amount"] == 10_500_000
    assert [p["point_code"] for p in body["points"]] == ["240001", "240002"]


def test_a_bad_file_answers_every_problem_and_changes_nothing(
    client_as, payer, accountant, english
):
    client = client_as(accountant)
    upload = io.BytesIO(bad_csv(f"{this_month():%Y-%m}"))
    upload.name = "bad.csv"

    response = client.post(
        f"{API}/lists", {"file": upload, "payer": "bhxh", "period": f"{this_month():%Y-%m}"}
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert len(errors) == 7
    assert errors[0] == {
        "row": 2,
        "column": "citizen_id",
        "reason": "a citizen ID (CCCD) has exactly 12 digits, not 02012345678",
    }
    assert PayoutList.objects.count() == 0


def test_search_pay_retry_and_receipt(client_as, payout_list, clerk_b):
    client = client_as(clerk_b)
    found = client.get(f"{API}/lines", {"q": "luong van chi"}).json()
    assert [line["citizen_id"] for line in found] == [ID_CHI]
    line = line_of(payout_list, ID_CHI)

    first = _pay(client, line, ID_CHI, key="req-1")
    again = _pay(client, line, ID_CHI, key="req-1")

    assert first.status_code == 201, first.content
    assert again.status_code == 201
    assert first.json()["payment"] == again.json()["payment"]
    assert first.json()["status"] == "paid"
    assert Entry.objects.filter(kind="pension").count() == 1
    receipt = client.get(f"{API}/lines/{line.pk}/receipt.pdf")
    assert receipt.status_code == 200
    assert receipt["Content-Type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")
    listed = client.get(f"{API}/receipts").json()
    assert [r["line_code"] for r in listed] == [line.code]


def test_pay_needs_a_key_and_the_right_id(client_as, payout_list, clerk_a, english):
    client = client_as(clerk_a)
    line = line_of(payout_list, ID_AN)

    assert _pay(client, line, ID_AN, key="").status_code == 400
    wrong = _pay(client, line, ID_BINH)

    assert wrong.status_code == 400
    assert wrong.json()["field"] == "presented_id"
    assert Payment.objects.count() == 0
    assert Entry.objects.filter(kind="pension").count() == 0


def test_a_proxy_through_the_api(client_as, payout_list, clerk_a):
    line = line_of(payout_list, ID_BINH)
    response = _pay(
        client_as(clerk_a),
        line,
        ID_BINH,
        proxy_name="Nông Văn Dũng",
        proxy_citizen_id="020111222333",
        proxy_document="UQ-15/2026",
    )
    assert response.status_code == 201
    assert response.json()["payment"]["by_proxy"] is True
    assert response.json()["payment"]["proxy_document"] == "UQ-15/2026"


def test_outside_the_province_a_line_is_not_found(client_as, payout_list, outsider):
    client = client_as(outsider)
    line = line_of(payout_list, ID_AN)
    assert client.get(f"{API}/lines/{line.pk}").status_code == 404
    assert client.get(f"{API}/lists/{payout_list.pk}").status_code == 404
    assert client.get(f"{API}/lines", {"q": ID_AN}).json() == []


def test_the_auditor_reads_but_cannot_pay_or_close(client_as, payout_list, auditor):
    client = client_as(auditor)
    line = line_of(payout_list, ID_AN)
    assert client.get(f"{API}/lines/{line.pk}").status_code == 200
    assert _pay(client, line, ID_AN).status_code == 403
    assert client.post(f"{API}/lists/{payout_list.pk}/close").status_code == 403
    assert Payment.objects.count() == 0


def test_close_then_pay_is_refused(client_as, payout_list, accountant, clerk_a):
    closed = client_as(accountant).post(f"{API}/lists/{payout_list.pk}/close")
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    assert closed.json()["returned_amount"] == 10_500_000
    again = client_as(accountant).post(f"{API}/lists/{payout_list.pk}/close")
    assert again.json()["returned_count"] == 3

    response = _pay(client_as(clerk_a), line_of(payout_list, ID_AN), ID_AN)

    assert response.status_code == 400
    assert Payment.objects.count() == 0


def test_lists_with_their_progress(client_as, payout_list, director, clerk_a):
    from buudien.payouts import services

    services.line_pay(
        actor=clerk_a,
        line_id=line_of(payout_list, ID_AN).pk,
        presented_id=ID_AN,
        idempotency_key="x",
    )
    lists = client_as(director).get(f"{API}/lists").json()
    assert [(x["code"], x["paid_count"], x["paid_amount"], x["unpaid_count"]) for x in lists] == [
        (payout_list.code, 1, 4_500_000, 2)
    ]
    assert client_as(director).get(f"{API}/payers").json()[0]["code"] == "bhxh"


def test_a_clerk_reads_personal_data_only_of_the_lines_paid_at_their_point(
    client_as, payout_list, clerk_a, accountant
):
    """Chí's line is listed at point B: the clerk of point A finds it by name or by the
    whole ID, with the ID masked and no phone or address, by search and by id; part of an
    ID finds nobody. Paid at point A, it is the clerk's own; the back office reads all."""
    from buudien.payouts.models import PayoutLine

    PayoutLine.objects.filter(citizen_id=ID_CHI).update(
        address="Số 13 Trần Đăng Ninh", phone="0912345678"
    )
    line = line_of(payout_list, ID_CHI)
    client = client_as(clerk_a)

    by_name = client.get(f"{API}/lines", {"q": "luong van chi"}).json()
    by_id = client.get(f"{API}/lines", {"q": ID_CHI}).json()
    by_part = client.get(f"{API}/lines", {"q": ID_CHI[:8]}).json()
    one = client.get(f"{API}/lines/{line.pk}").json()

    assert [row["id"] for row in by_name] == [row["id"] for row in by_id] == [line.pk]
    assert by_part == []
    for row in (by_name[0], by_id[0], one):
        assert (row["citizen_id"], row["address"], row["phone"]) == ("001******234", "", "")
    page = client.get(f"/payouts/lines/{line.pk}/").content.decode()
    assert "Trần Đăng Ninh" not in page and "0912345678" not in page and ID_CHI not in page
    back_office = client_as(accountant).get(f"{API}/lines/{line.pk}").json()
    assert (back_office["citizen_id"], back_office["phone"]) == (ID_CHI, "0912345678")
    # Paid at point A (the beneficiary came there with the card): the clerk's own line now.
    paid = _pay(client_as(clerk_a), line, ID_CHI, key="pay-chi-at-a")
    assert paid.status_code == 201, paid.content
    assert paid.json()["citizen_id"] == ID_CHI
