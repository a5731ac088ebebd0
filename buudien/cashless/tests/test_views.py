"""The pages: making a code at the counter, showing it, confirming, the statement import."""

from __future__ import annotations

import io
import re
from typing import Any

from django.urls import reverse

from buudien.cashless.choices import PaymentStatus
from buudien.cashless.models import BankAccount, PaymentRequest, StatementLine
from buudien.core.bizdays import local_today


def _key(html: str) -> str:
    found = re.search(r'name="idempotency_key" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_the_index_is_vietnamese_by_default(
    client_as: Any, clerk_a: Any, make_request: Any
) -> None:
    payment = make_request(purpose="Cước bưu phẩm")
    page = client_as(clerk_a).get(reverse("cashless:index"))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="vi">' in html
    assert "Thanh toán không dùng tiền mặt" in html
    assert payment.code in html


def test_a_clerk_makes_a_code_once_from_the_form(
    client_as: Any, clerk_a: Any, bank: BankAccount, world: Any
) -> None:
    client = client_as(clerk_a)
    form = client.get(reverse("cashless:create"))
    assert form.status_code == 200
    data = {
        "amount": "85000",
        "purpose": "Cước EMS",
        "reference": "",
        "kind": "counter_payment",
        "idempotency_key": _key(form.content.decode()),
    }
    first = client.post(reverse("cashless:create"), data)
    again = client.post(reverse("cashless:create"), data)
    payment = PaymentRequest.objects.get()
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == reverse("cashless:detail", args=[payment.pk])
    assert (payment.point, payment.amount, payment.created_by) == (world.point_a, 85000, clerk_a)
    # The kind in words on its page, in the list and in the form, never its code.
    for url in (first["Location"], reverse("cashless:index"), reverse("cashless:create")):
        html = client.get(url).content.decode()
        assert "Thanh toán tại quầy" in html and ">counter_payment<" not in html, url


def test_a_bad_amount_is_a_form_error(
    client_as: Any, clerk_a: Any, bank: BankAccount, english: Any
) -> None:
    client = client_as(clerk_a)
    page = client.post(
        reverse("cashless:create"),
        {"amount": "0", "purpose": "x", "kind": "counter_payment", "idempotency_key": "k"},
    )
    assert page.status_code == 200
    # The counter's own wording, not Django's ("greater than or equal to 1"): issue 10.
    assert "The amount must be more than zero." in page.content.decode()
    assert "greater than or equal" not in page.content.decode()
    assert not PaymentRequest.objects.exists()


def test_the_code_is_shown_big_and_its_status_polled(
    client_as: Any, clerk_a: Any, make_request: Any
) -> None:
    payment = make_request()
    client = client_as(clerk_a)
    page = client.get(reverse("cashless:detail", args=[payment.pk]))
    html = page.content.decode()
    # A viewBox and no fixed size: the stylesheet scales it to its box, whole (issue 17).
    assert re.search(r'<svg viewBox="0 0 (\d+) \1" class="vietqr">', html)
    assert '<svg width="' not in html
    # The quiet zone: the top left finder pattern's first row starts 4 modules in.
    assert 'stroke="#000" d="M4 4.5h7' in html
    assert 'data-testid="show-link"' in html
    assert 'hx-trigger="every 3s"' in html
    assert "confirm-form" not in html  # the clerk does not confirm
    part = client.get(
        reverse("cashless:detail", args=[payment.pk]) + "?part=status", HTTP_HX_REQUEST="true"
    )
    assert part.content.decode().lstrip().startswith('<div id="payment-status"')
    assert 'data-status="pending"' in part.content.decode()


def test_the_full_screen_view_shows_the_code_amount_beneficiary_and_purpose(
    client_as: Any, clerk_a: Any, make_request: Any
) -> None:
    payment = make_request(amount=1_500_000, purpose="Cước EMS")
    page = client_as(clerk_a).get(reverse("cashless:show", args=[payment.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'class="vietqr"' in html and 'data-testid="show-qr"' in html
    assert "1.500.000\u00a0₫" in html
    assert "Người thụ hưởng" in html and "BUU DIEN TINH LANG SON" in html
    assert '<strong data-testid="show-purpose">Cước EMS</strong>' in html
    back = f'href="{reverse("cashless:detail", args=[payment.pk])}" data-testid="back-link"'
    assert back in html and "data-escape autofocus" in html
    assert "Quay lại (Esc)" in html
    assert 'hx-trigger="every 3s"' in html
    assert '<nav class="main"' not in html  # the code alone, nothing else of the site's


def test_the_full_screen_view_of_a_code_no_longer_open_shows_no_code(
    client_as: Any, clerk_a: Any, make_request: Any
) -> None:
    payment = make_request()
    client = client_as(clerk_a)
    client.post(reverse("cashless:cancel", args=[payment.pk]), {})
    page = client.get(reverse("cashless:show", args=[payment.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "vietqr" not in html and 'data-status="cancelled"' in html
    detail = client.get(reverse("cashless:detail", args=[payment.pk])).content.decode()
    assert 'data-testid="show-link"' not in detail


def test_other_points_get_404(
    client_as: Any, clerk_b: Any, outsider: Any, make_request: Any
) -> None:
    payment = make_request()
    for user in (clerk_b, outsider):
        client = client_as(user)
        assert client.get(reverse("cashless:detail", args=[payment.pk])).status_code == 404
        assert client.get(reverse("cashless:receipt", args=[payment.pk])).status_code == 404
        assert client.get(reverse("cashless:show", args=[payment.pk])).status_code == 404
    assert client_as(clerk_b).get(reverse("cashless:detail", args=["abc"])).status_code == 404


def test_an_accountant_confirms_by_hand_and_the_poll_sees_it(
    client_as: Any, accountant: Any, make_request: Any, fund: Any, world: Any
) -> None:
    fund(world.point_a, 500_000)
    payment = make_request(amount=120_000)
    client = client_as(accountant)
    url = reverse("cashless:confirm", args=[payment.pk])
    done = client.post(url, {"bank_reference": "FT555", "paid_on": local_today().isoformat()})
    assert done.status_code == 302
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED
    part = client.get(
        reverse("cashless:detail", args=[payment.pk]) + "?part=status", HTTP_HX_REQUEST="true"
    )
    html = part.content.decode()
    assert 'data-status="confirmed"' in html and "hx-trigger" not in html
    assert "FT555" in html


def test_a_refused_confirmation_is_a_form_error(
    client_as: Any, accountant: Any, make_request: Any, english: Any
) -> None:
    payment = make_request(amount=120_000)  # the drawer never took the money
    page = client_as(accountant).post(
        reverse("cashless:confirm", args=[payment.pk]), {"bank_reference": "FT1"}
    )
    assert page.status_code == 400
    assert "Not enough money" in page.content.decode()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_the_clerk_cancels_a_code(client_as: Any, clerk_a: Any, make_request: Any) -> None:
    payment = make_request()
    response = client_as(clerk_a).post(reverse("cashless:cancel", args=[payment.pk]), {})
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELLED


def test_the_receipt_is_an_a6_pdf(client_as: Any, clerk_a: Any, make_request: Any) -> None:
    payment = make_request()
    response = client_as(clerk_a).get(reverse("cashless:receipt", args=[payment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_statement_page_imports_and_lists_what_is_left(
    client_as: Any, accountant: Any, make_request: Any, fund: Any, world: Any
) -> None:
    fund(world.point_a, 500_000)
    payment = make_request(amount=70_000)
    data = io.BytesIO(
        (
            "date,amount,description,bank_reference\n"
            f"{local_today()},70000,{payment.code} cuoc,FT1\n"
            f"{local_today()},5000,khong ma,FT2\n"
        ).encode()
    )
    data.name = "sao-ke.csv"
    client = client_as(accountant)
    page = client.post(reverse("cashless:statements"), {"file": data, "province": "20"})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="import-result"' in html
    assert "FT2" in html
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED
    line = StatementLine.objects.get(bank_reference="FT2")
    other = make_request(amount=5000)
    matched = client.post(reverse("cashless:match", args=[line.pk]), {"code": other.code})
    assert matched.status_code == 302
    other.refresh_from_db()
    assert other.status == PaymentStatus.CONFIRMED


def test_a_bad_statement_lists_its_problems(
    client_as: Any, accountant: Any, bank: BankAccount, english: Any
) -> None:
    data = io.BytesIO(b"date,amount,description,bank_reference\nhom qua,1,x,FT1\n")
    data.name = "bad.csv"
    page = client_as(accountant).post(reverse("cashless:statements"), {"file": data})
    assert page.status_code == 400
    assert "row 2, column date" in page.content.decode()
    assert not StatementLine.objects.exists()


def test_clerks_do_not_import_statements(client_as: Any, clerk_a: Any) -> None:
    assert client_as(clerk_a).get(reverse("cashless:statements")).status_code == 403


def test_the_points_page_counts_cashless_points(client_as: Any, director: Any, world: Any) -> None:
    world.point_b.cashless = True
    world.point_b.save()
    page = client_as(director).get(reverse("cashless:points") + "?province=20")
    html = page.content.decode()
    assert page.status_code == 200
    assert world.point_b.code in html and world.point_a.code not in html


def test_the_accountant_sets_the_receiving_account(client_as: Any, accountant: Any) -> None:
    client = client_as(accountant)
    data = {
        "province": "20",
        "bank_name": "VietinBank",
        "bank_bin": "970415",
        "account_number": "113000999",
        "account_name": "BUU DIEN TINH LANG SON",
        "ledger_slug": "vtb",
    }
    response = client.post(reverse("cashless:bank_accounts"), data)
    assert response.status_code == 302
    assert BankAccount.objects.get().account_number == "113000999"


def test_the_decoder_reads_a_payload(client_as: Any, clerk_a: Any, make_request: Any) -> None:
    payment = make_request(amount=123_000)
    client = client_as(clerk_a)
    page = client.post(reverse("cashless:decode"), {"payload": payment.payload})
    assert 'data-testid="decoded"' in page.content.decode()
    wrong = "1" if payment.payload.endswith("0") else "0"
    broken = client.post(reverse("cashless:decode"), {"payload": payment.payload[:-1] + wrong})
    assert 'data-testid="decoded"' not in broken.content.decode()


def test_the_list_costs_the_same_for_many_requests(
    client_as: Any, accountant: Any, make_request: Any, django_assert_num_queries: Any
) -> None:
    client = client_as(accountant)
    make_request()
    client.get(reverse("cashless:index"))  # warm the session and the caches
    with django_assert_num_queries(QUERIES_ON_THE_LIST) as few:
        client.get(reverse("cashless:index"))
    for _i in range(10):
        make_request()
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(reverse("cashless:index"))
    assert page.content.decode().count('href="/cashless/requests/') == 11


QUERIES_ON_THE_LIST = 11


def test_another_service_links_to_the_form_with_what_is_owed_filled_in(
    client_as: Any, clerk_a: Any, bank: BankAccount
) -> None:
    url = reverse("cashless:create") + "?amount=250000&purpose=TH-1&reference=TH-1&kind=nope"
    html = client_as(clerk_a).get(url).content.decode()
    assert 'value="250000"' in html and 'value="TH-1"' in html
    assert PaymentRequest.objects.count() == 0
