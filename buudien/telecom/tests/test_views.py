"""The telecom pages: a top-up and a code sale from their forms (every error at once), the
codes shown once on the sale's result then masked, the day's list, the stock, the import."""

from __future__ import annotations

from typing import Any

import pytest

from buudien.telecom.models import Pin, PinSale, Topup
from buudien.telecom.tests.conftest import VIETTEL_PHONE, VINA_PHONE, pins_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _form(client: Any, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200
    return page.context["form"].initial["token"]


def test_a_topup_from_its_form_then_cancelled(client_as, clerk_a, operators):
    client = client_as(clerk_a)
    page = client.get("/telecom/topup/")
    assert b"autofocus" in page.content and b'class="sub"' in page.content
    token = _form(client, "/telecom/topup/")
    assert client.get(f"/telecom/operator/?phone={VIETTEL_PHONE[:4]}").content == b"Viettel"

    wrong = client.post(
        "/telecom/topup/",
        {"token": token, "phone": VINA_PHONE, "amount": "15000", "operator": "viettel"},
    )
    assert wrong.status_code == 200
    assert set(wrong.context["form"].errors) == {"amount"}  # the form's own check first
    wrong = client.post(
        "/telecom/topup/",
        {"token": token, "phone": VINA_PHONE, "amount": "50000", "operator": "viettel"},
    )
    assert "VinaPhone" in str(wrong.context["form"].errors["phone"])
    done = client.post(
        "/telecom/topup/", {"token": token, "phone": VIETTEL_PHONE, "amount": "50000"}
    )
    row = Topup.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/telecom/topups/{row.reference}/"
    detail = client.get(done["Location"])
    assert b'data-testid="cancel-submit"' in detail.content
    listed = client.get("/telecom/")
    assert row.reference.encode() in listed.content

    client.post(f"/telecom/topups/{row.reference}/cancel/", {"reason": "Nhầm số"})
    row.refresh_from_db()
    assert row.is_cancelled
    pdf = client.get(f"/telecom/receipts/{row.reference}.pdf")
    assert pdf["Content-Type"] == "application/pdf"


def test_the_codes_are_on_the_first_result_only(client_as, clerk_a, director, stocked):
    client = client_as(clerk_a)
    token = _form(client, "/telecom/pins/")
    done = client.post(
        "/telecom/pins/",
        {"token": token, "operator": "viettel", "face_value": "100000", "quantity": "2"},
    )
    assert done.status_code == 302
    first = client.get(done["Location"])
    assert b"123456789012301" in first.content and b"receipt-once" in first.content
    assert "no-store" in first["Cache-Control"] or "no-cache" in first["Cache-Control"]
    again = client.get(done["Location"])
    assert b"123456789012301" not in again.content
    assert "•••• •••• 2301" in again.content.decode()
    sale = PinSale.objects.get()
    assert client_as(director).get(f"/telecom/pins/{sale.reference}/").status_code == 200
    pdf = client_as(director).get(f"/telecom/receipts/{sale.reference}.pdf")
    assert pdf.status_code == 200


def test_too_few_codes_on_the_form(client_as, clerk_a, stocked):
    client = client_as(clerk_a)
    token = _form(client, "/telecom/pins/")
    page = client.post(
        "/telecom/pins/",
        {"token": token, "operator": "viettel", "face_value": "50000", "quantity": "3"},
    )
    assert "quantity" in page.context["form"].errors
    assert Pin.objects.filter(sale__isnull=False).count() == 0


def test_stock_and_import_pages_by_role(client_as, accountant, clerk_a, auditor, stocked):
    stock = client_as(auditor).get("/telecom/pins/stock/")
    assert stock.status_code == 200 and b"100.000" in stock.content
    assert client_as(clerk_a).get("/telecom/pins/import/").status_code == 403
    assert client_as(auditor).post("/telecom/topup/", {}).status_code == 403
    client = client_as(accountant)
    bad = client.post(
        "/telecom/pins/import/",
        {"operator": "viettel", "file": pins_file([("VT0000000001", "111122223333", 20_000)])},
    )
    assert b"row 2, column serial" in bad.content
    good = client.post(
        "/telecom/pins/import/",
        {"operator": "viettel", "file": pins_file([("VT0000000100", "111122223333", 20_000)])},
    )
    assert good.status_code == 302
    assert Pin.objects.count() == 6


def test_the_admin_never_shows_a_code(client, admin_user, stocked, operators):
    admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user, backend="django.contrib.auth.backends.ModelBackend")
    listed = client.get("/admin/telecom/pin/")
    assert listed.status_code == 200
    assert b"VT0000000001" in listed.content and b"123456789012301" not in listed.content
    pin = Pin.objects.first()
    one = client.get(f"/admin/telecom/pin/{pin.pk}/change/")
    assert one.status_code == 200 and b"123456789012301" not in one.content
    assert client.get("/admin/telecom/operator/").status_code == 200
