"""The attestation of public-press delivery says what the postmen confirmed: per commune and
title, the recipients, the copies due, delivered on time and late, and not delivered; the
same numbers on the page, in the .xlsx and in the PDF. The settlements' pages and API, and
who may see them."""

from __future__ import annotations

import io
import subprocess
from typing import Any

import pytest
from openpyxl import load_workbook

from buudien.press.models import ProgrammeSettlement, PublisherSettlement

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "settle_today")]

PERIOD = {"from": "2026-12-01", "to": "2026-12-03"}
# (commune, title, recipients, due, delivered, on time, late, not delivered)
EXPECTED = [
    ("Xã Chi Lăng", "Báo Lạng Sơn", 2, 9, 5, 2, 3, 4),
    ("Xã Đồng Đăng", "Báo Lạng Sơn", 1, 3, 1, 1, 0, 2),
]
TOTALS = (3, 12, 6, 3, 3, 6)


def _pdf_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def test_the_attestation_page_counts_the_confirmations(
    client_as: Any, director: Any, programme: Any, confirmed: Any
) -> None:
    page = client_as(director).get(f"/press/programmes/{programme.pk}/attestation/", PERIOD)

    assert page.status_code == 200
    report = page.context["report"]
    assert [(r.commune_name, r.title_name, *r.figures) for r in report.rows] == EXPECTED
    assert tuple(report.totals.figures) == TOTALS
    assert report.totals.missed == 1
    assert report.amount == 6 * 1_500
    html = page.content.decode()
    assert html.count('data-testid="attestation-row"') == 2


def test_the_xlsx_and_the_pdf_hold_the_same_numbers(
    client_as: Any, accountant: Any, programme: Any, confirmed: Any
) -> None:
    client = client_as(accountant)
    book = client.get(f"/press/programmes/{programme.pk}/attestation.xlsx", PERIOD)
    assert book.status_code == 200
    assert book["Content-Disposition"] == (
        'attachment; filename="BBXN-QD45-20261201-20261203.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(book.content)).active
    values = [tuple(cell.value for cell in row) for row in sheet.iter_rows()]
    assert values[4:6] == EXPECTED
    assert values[6][2:] == TOTALS
    assert values[8][2] == 9_000

    pdf = client.get(f"/press/programmes/{programme.pk}/attestation.pdf", PERIOD)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    lines = [" ".join(line.split()) for line in _pdf_text(pdf.content).splitlines()]
    assert "1 Xã Chi Lăng Báo Lạng Sơn 2 9 5 2 3 4" in lines
    assert "2 Xã Đồng Đăng Báo Lạng Sơn 1 3 1 1 0 2" in lines
    assert any(line.endswith("3 12 6 3 3 6") for line in lines)


def test_one_commune_and_a_wrong_period(
    client_as: Any, director: Any, programme: Any, world: Any, confirmed: Any
) -> None:
    client = client_as(director)
    url = f"/press/programmes/{programme.pk}/attestation/"
    one = client.get(url, {**PERIOD, "commune": world.commune_a.code}).context["report"]
    assert [(r.commune_name, r.due) for r in one.rows] == [("Xã Đồng Đăng", 3)]
    assert one.totals.due == 3
    wrong = client.get(url, {"from": "2026-12-03", "to": "2026-12-01"})
    assert wrong.status_code == 200 and wrong.context["report"] is None
    assert "ends before it starts" in wrong.content.decode()
    assert (
        client.get(
            f"/press/programmes/{programme.pk}/attestation.xlsx", {"from": "x", "to": ""}
        ).status_code
        == 400
    )


def test_the_attestation_is_not_found_in_another_province_and_not_for_a_postman(
    client_as: Any, outsider: Any, postman_b: Any, programme: Any, confirmed: Any
) -> None:
    for suffix in ("/", ".xlsx", ".pdf"):
        url = f"/press/programmes/{programme.pk}/attestation{suffix}"
        assert client_as(outsider).get(url, PERIOD).status_code == 404
        assert client_as(postman_b).get(url, PERIOD).status_code == 403


def test_the_attestation_through_the_api(
    client_as: Any, director: Any, programme: Any, confirmed: Any
) -> None:
    got = client_as(director).get(
        "/api/press/programmes/QD45/2026/attestation",
        {"date_from": "2026-12-01", "date_to": "2026-12-03"},
    )
    assert got.status_code == 200, got.content
    body = got.json()
    assert [(r["commune_name"], r["delivered"], r["late"]) for r in body["rows"]] == [
        ("Xã Chi Lăng", 5, 3),
        ("Xã Đồng Đăng", 1, 0),
    ]
    assert (body["totals"]["not_delivered"], body["amount"]) == (6, 9_000)


# --- the settlements' pages and API --------------------------------------------------------


def test_a_publisher_is_paid_from_its_page_once_per_form(
    client_as: Any, accountant: Any, titles: Any, served: Any, bank: Any
) -> None:
    client = client_as(accountant)
    publisher = titles["LS"].publisher
    query = {"publisher": publisher.pk, "date_from": "2026-11-01", "date_to": "2026-11-30"}
    preview = client.get("/press/settlements/publishers/new/", query)
    assert preview.status_code == 200
    assert (preview.context["preview"].count, preview.context["preview"].amount) == (2, 320_000)
    token = preview.context["form"]["token"].value()
    posted = client.post("/press/settlements/publishers/new/", {**query, "token": token})
    assert posted.status_code == 302
    assert (
        client.post("/press/settlements/publishers/new/", {**query, "token": token}).status_code
        == 302
    )
    made = PublisherSettlement.objects.get()
    assert posted["Location"] == f"/press/settlements/publishers/{made.reference}/"
    detail = client.get(posted["Location"])
    assert detail.status_code == 200
    assert len(detail.context["rows"]) == 2
    listed = client.get("/press/settlements/")
    assert made.reference in listed.content.decode()


def test_the_settlement_form_shows_every_problem_at_once(
    client_as: Any, accountant: Any, titles: Any, served: Any, bank: Any
) -> None:
    client = client_as(accountant)
    data = {
        "publisher": titles["LS"].publisher.pk,
        "date_from": "2026-11-30",
        "date_to": "2026-11-01",
        "memo": "",
        "token": "t1",
    }
    page = client.post("/press/settlements/publishers/new/", data)
    assert page.status_code == 200
    assert page.context["form"].errors["date_to"] == ["The range ends before it starts."]
    page = client.post(
        "/press/settlements/publishers/new/",
        {**data, "date_from": "2026-12-01", "date_to": "2026-12-20"},
    )
    errors = page.context["form"].errors["date_to"]
    assert "Subscriptions of 20/12/2026 have not been taken yet." in errors
    assert "Nothing to settle with Báo Lạng Sơn from 01/12/2026 to 20/12/2026." in errors
    assert not PublisherSettlement.objects.exists()


def test_an_agency_is_billed_through_the_api_once_per_key(
    client_as: Any, accountant: Any, programme: Any, confirmed: Any
) -> None:
    client = client_as(accountant)
    body = {"programme": "QD45", "year": 2026, "date_from": "2026-12-01", "date_to": "2026-12-03"}

    def post(key: str) -> Any:
        return client.post(
            "/api/press/programme-settlements",
            body,
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=key,
        )

    made = post("k1")
    assert made.status_code == 201, made.content
    assert (made.json()["copies"], made.json()["amount"]) == (6, 9_000)
    assert post("k1").json()["reference"] == made.json()["reference"]
    assert post("k2").status_code == 400  # nothing left to bill
    assert ProgrammeSettlement.objects.count() == 1
    listed = client.get("/api/press/programme-settlements").json()
    assert [row["reference"] for row in listed["items"]] == [made.json()["reference"]]


def test_the_settlements_are_for_the_finance_office_of_the_province(
    client_as: Any,
    clerk_a: Any,
    postman_a: Any,
    auditor: Any,
    accountant_elsewhere: Any,
    accountant: Any,
    titles: Any,
    served: Any,
    bank: Any,
) -> None:
    from buudien.press import settlements

    made = settlements.publisher_settle(
        actor=accountant,
        idempotency_key="p1",
        publisher=titles["LS"].publisher,
        date_from=__import__("datetime").date(2026, 11, 1),
        date_to=__import__("datetime").date(2026, 11, 30),
    )
    detail = f"/press/settlements/publishers/{made.reference}/"
    for refused in (clerk_a, postman_a):
        assert client_as(refused).get("/press/settlements/").status_code == 403
        assert client_as(refused).get("/press/settlements/publishers/new/").status_code == 403
    assert client_as(auditor).get(detail).status_code == 200
    assert client_as(auditor).get("/press/settlements/publishers/new/").status_code == 403
    assert client_as(accountant_elsewhere).get(detail).status_code == 404
    api = client_as(accountant_elsewhere).get(f"/api/press/publisher-settlements/{made.reference}")
    assert api.status_code == 404
    refused = client_as(clerk_a).post(
        "/api/press/publisher-settlements",
        {"publisher": "bls", "date_from": "2026-11-01", "date_to": "2026-11-30"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k9",
    )
    assert refused.status_code == 403
    assert PublisherSettlement.objects.count() == 1
