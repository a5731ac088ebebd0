"""The counter screens: forms with their hidden token, the result page and its receipt, the
figures; Vietnamese by default."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from buudien.agency import services
from buudien.agency.models import Remittance, SavingsTransaction
from buudien.agency.tests.helpers import CID, RECIPIENT_CID, deposit, pdf_text, send
from buudien.core.errors import DomainError
from buudien.finance.models import Entry

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _token(html: str) -> str:
    found = re.search(r'name="token" value="([0-9a-f]+)"', html)
    assert found is not None
    return found.group(1)


def test_the_hub_shows_the_counter_in_vietnamese(client_as, clerk_a, world):
    deposit(clerk_a, world.point_a)
    response = client_as(clerk_a).get(reverse("agency:index"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Gửi tiết kiệm" in html
    assert "TK240001000001" in html
    assert 'data-testid="today-table"' in html


def test_a_deposit_through_the_page_posts_once_on_a_double_submit(client_as, clerk_a, world):
    client = client_as(clerk_a)
    page = client.get(reverse("agency:deposit"))
    assert page.status_code == 200
    data = {
        "token": _token(page.content.decode()),
        "book_number": "lp 000111",
        "customer_name": "Nguyễn Thị Hoa",
        "citizen_id": CID,
        "term_months": "12",
        "amount": "10.000.000",
    }
    first = client.post(reverse("agency:deposit"), data)
    second = client.post(reverse("agency:deposit"), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == "/agency/op/TK240001000001/"
    assert SavingsTransaction.objects.count() == 1
    assert Entry.objects.count() == 1
    result = client.get(first["Location"])
    assert "10.000.000" in result.content.decode()
    receipt = client.get(reverse("agency:receipt", args=["TK240001000001"]))
    assert receipt.status_code == 200
    assert receipt["Content-Type"] == "application/pdf"


def test_a_refused_withdrawal_shows_a_clear_error_and_changes_nothing(client_as, clerk_a, world):
    deposit(clerk_a, world.point_a)
    client = client_as(clerk_a)
    page = client.get(reverse("agency:withdraw") + "?book=LP000111")
    token = _token(page.content.decode())
    response = client.post(
        reverse("agency:withdraw"),
        {"token": token, "book_number": "LP000111", "citizen_id": CID, "amount": "50000000"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="error-amount"' in html
    assert "Sổ LP000111" in html
    assert Entry.objects.count() == 1


def test_a_money_field_refuses_words(client_as, clerk_a, world):
    response = client_as(clerk_a).post(
        reverse("agency:withdraw"),
        {"token": "abc", "book_number": "LP000111", "citizen_id": CID, "amount": "nhiều"},
    )
    assert 'data-testid="error-amount"' in response.content.decode()


def test_the_auditor_cannot_open_a_counter_form(client_as, auditor, world):
    for name in ("deposit", "withdraw", "loan_repayment", "account_open", "remittance_send"):
        assert client_as(auditor).get(reverse(f"agency:{name}")).status_code == 403


def test_another_points_clerk_gets_404_on_an_operation_and_a_book(
    client_as, clerk_a, clerk_b, world
):
    tx = deposit(clerk_a, world.point_a)
    client = client_as(clerk_b)
    assert client.get(reverse("agency:operation", args=[tx.reference])).status_code == 404
    assert client.get(reverse("agency:receipt", args=[tx.reference])).status_code == 404
    assert client.get(reverse("agency:book", args=["LP000111"])).status_code == 404


def test_a_remittance_paid_through_the_page(client_as, clerk_a, clerk_b, world, fund):
    rem = send(clerk_a, world.point_a, world.point_b)
    fund(world.point_b, 5_000_000)
    client = client_as(clerk_b)
    page = client.get(reverse("agency:remittance_pay") + f"?number={rem.reference}")
    html = page.content.decode()
    assert rem.reference in html  # waiting to be paid here
    assert rem.secret_code not in html
    data = {
        "token": _token(html),
        "number": rem.reference,
        "secret_code": "000000" if rem.secret_code != "000000" else "111111",
        "recipient_citizen_id": RECIPIENT_CID,
    }
    wrong = client.post(reverse("agency:remittance_pay"), data)
    assert wrong.status_code == 200
    assert "không khớp" in wrong.content.decode()
    data["secret_code"] = rem.secret_code
    paid = client.post(reverse("agency:remittance_pay"), data)
    assert paid.status_code == 302
    assert Remittance.objects.get().status == "paid"
    assert client.get(paid["Location"]).status_code == 200


def test_the_sender_gets_the_code_once_and_only_its_hash_is_kept(client_as, clerk_a, world):
    """Sent through the page: the result page shows the code, the receipt prints it once;
    printed again, or the page opened again, it is gone: the database holds its hash only."""
    client = client_as(clerk_a)
    form = client.get(reverse("agency:remittance_send")).content.decode()
    sent = client.post(
        reverse("agency:remittance_send"),
        {
            "token": _token(form),
            "sender_name": "Hoàng Văn Nam",
            "sender_citizen_id": CID,
            "recipient_name": "Lý Thị Mai",
            "recipient_citizen_id": RECIPIENT_CID,
            "destination_point": world.point_b.code,
            "amount": "2000000",
        },
    )
    assert sent.status_code == 302, sent.context["form"].errors
    rem = Remittance.objects.get()
    assert len(rem.secret_hash) == 64
    page = client.get(sent["Location"]).content.decode()
    shown = [
        number
        for number in re.findall(r"\b\d{6}\b", page)
        if services.code_hash(rem.reference, number) == rem.secret_hash
    ]
    assert len(shown) == 1
    code = shown[0]
    receipt = client.get(reverse("agency:receipt", args=[rem.reference])).content
    assert code in pdf_text(receipt)
    again = client.get(reverse("agency:receipt", args=[rem.reference])).content
    assert code not in pdf_text(again)
    assert code not in client.get(sent["Location"]).content.decode()


def test_wrong_codes_lock_the_remittance(clerk_a, clerk_b, world, fund):
    rem = send(clerk_a, world.point_a, world.point_b)
    fund(world.point_b, 5_000_000)
    wrong = "000000" if rem.secret_code != "000000" else "111111"
    for attempt in range(services.MAX_CODE_TRIES):
        with pytest.raises(DomainError):
            services.remittance_pay(
                actor=clerk_b, point=world.point_b, idempotency_key=f"w{attempt}",
                number=rem.reference, secret_code=wrong, recipient_citizen_id=RECIPIENT_CID,
            )  # fmt: skip
    assert Remittance.objects.get().wrong_tries == services.MAX_CODE_TRIES
    with pytest.raises(DomainError, match="khóa"):
        services.remittance_pay(
            actor=clerk_b, point=world.point_b, idempotency_key="right",
            number=rem.reference, secret_code=rem.secret_code, recipient_citizen_id=RECIPIENT_CID,
        )  # fmt: skip
    assert Remittance.objects.get().status == "sent"


def test_the_figures_pages(client_as, clerk_a, director, world):
    deposit(clerk_a, world.point_a)
    client = client_as(director)
    page = client.get(reverse("agency:mobilised"))
    assert page.status_code == 200
    assert "10.000.000" in page.content.decode()
    part = client.get(reverse("agency:mobilised") + "?unit=UB", **HTMX)
    assert "<html" not in part.content.decode()
    assert "10.000.000" not in part.content.decode()
    assert client.get(reverse("agency:mobilised") + "?unit=ZZZ").status_code == 200
    monthly = client.get(reverse("agency:accounts_opened") + "?year=2026")
    assert monthly.status_code == 200
    assert 'data-testid="monthly-table"' in monthly.content.decode()
    assert client.get(reverse("agency:referrals_counted")).status_code == 200
    assert client.get(reverse("agency:books") + "?q=hoa").status_code == 200


def test_an_administrator_chooses_the_point(client_as, admin_user, world):
    client = client_as(admin_user)
    page = client.get(reverse("agency:account_open"))
    html = page.content.decode()
    assert 'name="point"' in html
    response = client.post(
        reverse("agency:account_open"),
        {
            "token": _token(html),
            "point": "240002",
            "partner": "postpay",
            "account_number": "0912345678",
            "customer_name": "Hà Văn Lộc",
            "citizen_id": CID,
            "phone": "0912345678",
            "channel": "counter",
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/agency/op/TT240002")
