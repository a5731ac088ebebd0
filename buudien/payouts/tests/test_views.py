"""The pages: the counter screen, a line with its pay form and receipt, the lists, a list's
detail and closing it, the import page. Vietnamese by default."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse

from buudien.finance.models import Entry
from buudien.payouts.models import Payment, PayoutList
from buudien.payouts.tests.conftest import ID_AN, ID_BINH, ID_CHI, line_of, this_month
from buudien.payouts.tests.test_imports import bad_csv, good_csv

pytestmark = pytest.mark.django_db


def _token(response) -> str:
    return re.search(rb'name="token" value="([0-9a-f]+)"', response.content).group(1).decode()


def test_the_counter_screen_is_in_vietnamese_and_ignores_diacritics(
    client_as, payout_list, clerk_b
):
    client = client_as(clerk_b)
    page = client.get(reverse("payouts:index"))
    assert page.status_code == 200
    assert "<h1>Chi hộ và chi trả lương hưu</h1>" in page.content.decode()

    found = client.get(reverse("payouts:index"), {"q": "nong thi binh"})

    body = found.content.decode()
    assert "Nông Thị Bình" in body
    assert "Hoàng Văn An" not in body
    assert "020******432" in body
    assert ID_BINH not in body


def test_pay_on_the_page_then_a_resubmission_pays_once(client_as, payout_list, clerk_a):
    client = client_as(clerk_a)
    line = line_of(payout_list, ID_AN)
    url = reverse("payouts:line", args=[line.pk])
    form = client.get(url)
    data = {"token": _token(form), "presented_id": ID_AN}

    paid = client.post(url, data)
    again = client.post(url, data)

    assert paid.status_code == 302
    assert again.status_code == 302
    assert Payment.objects.count() == 1
    assert Entry.objects.filter(kind="pension").count() == 1
    page = client.get(url)
    assert reverse("payouts:receipt", args=[line.pk]) in page.content.decode()
    receipt = client.get(reverse("payouts:receipt", args=[line.pk]))
    assert receipt["Content-Type"] == "application/pdf"


def test_a_wrong_id_on_the_page_is_refused_with_a_clear_message(
    client_as, payout_list, clerk_a, english
):
    client = client_as(clerk_a)
    line = line_of(payout_list, ID_AN)
    url = reverse("payouts:line", args=[line.pk])
    token = _token(client.get(url))

    refused = client.post(url, {"token": token, "presented_id": ID_CHI})

    assert refused.status_code == 400
    assert "does not match the citizen ID" in refused.content.decode()
    assert Payment.objects.count() == 0


def test_a_proxy_on_the_page_needs_its_details(client_as, payout_list, clerk_a, english):
    client = client_as(clerk_a)
    line = line_of(payout_list, ID_BINH)
    url = reverse("payouts:line", args=[line.pk])
    token = _token(client.get(url))

    missing = client.post(url, {"token": token, "presented_id": ID_BINH, "by_proxy": "on"})
    assert missing.status_code == 400
    assert Payment.objects.count() == 0

    done = client.post(
        url,
        {
            "token": token,
            "presented_id": ID_BINH,
            "by_proxy": "on",
            "proxy_name": "Nông Văn Dũng",
            "proxy_citizen_id": "020111222333",
            "proxy_document": "UQ-15/2026",
        },
    )
    assert done.status_code == 302
    assert Payment.objects.get().proxy_name == "Nông Văn Dũng"
    assert "Nông Văn Dũng" in client.get(url).content.decode()


def test_the_auditor_sees_no_pay_form_and_cannot_post(client_as, payout_list, auditor):
    client = client_as(auditor)
    line = line_of(payout_list, ID_AN)
    url = reverse("payouts:line", args=[line.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert b'data-testid="pay-form"' not in page.content
    assert client.post(url, {"token": "t", "presented_id": ID_AN}).status_code == 403
    assert Payment.objects.count() == 0


def test_other_provinces_get_404(client_as, payout_list, outsider):
    client = client_as(outsider)
    line = line_of(payout_list, ID_AN)
    assert client.get(reverse("payouts:line", args=[line.pk])).status_code == 404
    assert client.get(reverse("payouts:list", args=[payout_list.pk])).status_code == 404


def test_lists_and_a_list_with_its_progress(
    client_as, payout_list, director, django_assert_max_num_queries
):
    client = client_as(director)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("payouts:lists"))
    assert payout_list.code in page.content.decode()
    detail = client.get(reverse("payouts:list", args=[payout_list.pk]))
    body = detail.content.decode()
    assert "240001" in body and "240002" in body
    assert b'data-testid="close-form"' not in detail.content  # the director only reads
    filtered = client.get(reverse("payouts:list", args=[payout_list.pk]), {"point": "240002"})
    assert "Lương Văn Chí" in filtered.content.decode()
    assert "Hoàng Văn An" not in filtered.content.decode()


def test_the_accountant_closes_a_list_on_its_page(client_as, payout_list, accountant):
    client = client_as(accountant)
    url = reverse("payouts:close", args=[payout_list.pk])

    unconfirmed = client.post(url, {})
    payout_list.refresh_from_db()
    assert unconfirmed.status_code == 302 and payout_list.status == "open"

    client.post(url, {"confirm": "on"})
    payout_list.refresh_from_db()
    assert payout_list.status == "closed"
    assert payout_list.returned_count == 3


def test_the_import_page_shows_every_problem_and_imports_a_good_file(
    client_as, payer, accountant, english
):
    client = client_as(accountant)
    url = reverse("payouts:import")
    assert client.get(url).status_code == 200
    period = f"{this_month():%Y-%m}"
    bad = io.BytesIO(bad_csv(period))
    bad.name = "bad.csv"

    refused = client.post(url, {"payer": payer.pk, "period": period, "file": bad})

    assert refused.status_code == 400
    body = refused.content.decode()
    assert "unknown pay point 999999" in body
    assert body.count('<tr><td class="num">') == 7
    assert PayoutList.objects.count() == 0

    good = io.BytesIO(good_csv(period))
    good.name = "ds.csv"
    done = client.post(url, {"payer": payer.pk, "period": period, "file": good})
    assert done.status_code == 302
    assert PayoutList.objects.get().line_count == 3


def test_clerks_cannot_open_the_import_page(client_as, payer, clerk_a):
    assert client_as(clerk_a).get(reverse("payouts:import")).status_code == 403


def test_the_pages_run_a_fixed_number_of_queries(
    client_as, payout_list, clerk_a, director, django_assert_num_queries
):
    from buudien.payouts import services

    services.line_pay(
        actor=clerk_a,
        line_id=line_of(payout_list, ID_AN).pk,
        presented_id=ID_AN,
        idempotency_key="q",
    )
    clerk = client_as(clerk_a)
    clerk.get(reverse("payouts:index"), {"q": "van"})  # warm the session and the caches
    with django_assert_num_queries(5):
        clerk.get(reverse("payouts:index"), {"q": "van", "done": "on"})
    boss = client_as(director)
    boss.get(reverse("payouts:list", args=[payout_list.pk]))
    with django_assert_num_queries(7):
        boss.get(reverse("payouts:list", args=[payout_list.pk]))
