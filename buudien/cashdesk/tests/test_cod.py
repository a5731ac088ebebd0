"""COD owed to senders and paid out: once per item, one entry per payout, retried once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from buudien.cashdesk import selectors, services
from buudien.cashdesk.models import CodPayout, CodPayoutItem
from buudien.cashdesk.tests.conftest import balance
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import Entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def owed(world, cod_item, drawer_a, fund):
    """Two parcels of one shop collected (450.000 đ), one of another sender, one not yet
    delivered; drawer A holds 2.000.000 đ to pay from."""
    fund(drawer_a, 2_000_000)
    return {
        "shop": [cod_item(250_000), cod_item(200_000, service="ems")],
        "other": cod_item(99_000, sender_name="Lê Văn Cường", sender_phone="0988000111"),
        "pending": cod_item(120_000, collected=False),
    }


def _pay(actor, items, key="k1", method="cash", **kwargs):
    return services.cod_payout(
        actor=actor,
        items=[item.s10 for item in items],
        method=method,
        idempotency_key=key,
        **kwargs,
    )


def test_cod_owed_is_collected_and_not_yet_paid(owed, clerk_a, accountant):
    rows = selectors.cod_owed_by_sender(user=clerk_a)
    assert [(r.sender_name, r.items, r.total) for r in rows] == [
        ("Shop Hoa Mai", 2, 450_000),
        ("Lê Văn Cường", 1, 99_000),
    ]
    assert selectors.cod_owed_by_sender(user=accountant) == rows
    assert [r.sender_name for r in selectors.cod_owed_by_sender(user=clerk_a, q="cuong")] == [
        "Lê Văn Cường"
    ]


def test_cod_paid_in_cash_posts_one_entry_and_is_paid_once(owed, clerk_a, english):
    shop = owed["shop"]
    payable_before = balance("3388.cod")
    payout = _pay(clerk_a, shop, payee_id_number="001090012345")
    assert (payout.total, payout.item_count, payout.method) == (450_000, 2, "cash")
    assert payout.number.startswith("CT20")
    entry = payout.entry
    assert entry.kind == EntryKind.COD_PAID and entry.point_id == shop[0].accepted_point_id
    legs = sorted(entry.transfers.values_list("debit__code", "credit__code", "amount", "service"))
    assert legs == [
        ("3388.cod", "1111.240001", 200_000, "ems"),
        ("3388.cod", "1111.240001", 250_000, "parcel"),
    ]
    assert balance("1111.240001") == 2_000_000 - 450_000
    assert balance("3388.cod") == payable_before - 450_000

    retried = _pay(clerk_a, shop)  # the same request again
    assert retried.pk == payout.pk
    assert Entry.objects.filter(kind=EntryKind.COD_PAID).count() == 1
    with pytest.raises(DomainError, match="already paid"):
        _pay(clerk_a, shop, key="k2")
    with pytest.raises(DomainError, match="already used for payout"):
        _pay(clerk_a, [owed["other"]])  # a used key for other items
    assert CodPayout.objects.count() == 1 and CodPayoutItem.objects.count() == 2
    assert Entry.objects.filter(kind=EntryKind.COD_PAID).count() == 1
    assert balance("1111.240001") == 1_550_000
    assert [r.sender_name for r in selectors.cod_owed_by_sender(user=clerk_a)] == ["Lê Văn Cường"]


def test_cod_not_collected_or_of_two_senders_is_refused(owed, clerk_a, english):
    with pytest.raises(DomainError, match="no COD collected"):
        _pay(clerk_a, [owed["pending"]])
    with pytest.raises(DomainError, match="one sender"):
        _pay(clerk_a, [owed["other"], *owed["shop"]])
    assert not CodPayout.objects.exists()
    assert not Entry.objects.filter(kind=EntryKind.COD_PAID).exists()


def test_a_clerk_of_another_point_cannot_pay_or_see(owed, clerk_b, english):
    assert selectors.cod_owed_by_sender(user=clerk_b) == []
    with pytest.raises(NotFound):
        _pay(clerk_b, owed["shop"])
    assert not CodPayout.objects.exists() and balance("1111.240002") == 549_000


def test_cash_needs_the_money_in_the_drawer(world, cod_item, clerk_a, english):
    item = cod_item(300_000)
    with pytest.raises(DomainError, match="Not enough money"):
        _pay(clerk_a, [item])
    assert not CodPayout.objects.exists() and not CodPayoutItem.objects.exists()


def test_an_accountant_pays_by_bank_transfer(owed, accountant, clerk_a, fund, english, banks_open):
    with pytest.raises(AccessDenied):
        _pay(clerk_a, owed["shop"], method="bank", bank="vietinbank", payee_account="123")
    with pytest.raises(AccessDenied):
        _pay(accountant, owed["shop"])  # cash is paid at the counter
    with pytest.raises(DomainError, match="sender's bank account"):
        _pay(accountant, owed["shop"], method="bank", bank="vietinbank")
    fund(ledger.account_for_bank("20", "vietinbank"), 10_000_000)
    payout = _pay(
        accountant, owed["shop"], method="bank", bank="vietinbank", payee_account="0123456789"
    )
    assert payout.method == "bank" and payout.point == owed["shop"][0].accepted_point
    legs = set(payout.entry.transfers.values_list("debit__code", "credit__code"))
    assert legs == {("3388.cod", "1121.vietinbank")}
    assert balance("1121.vietinbank") == 10_000_000 - 450_000
    assert balance("1111.240001") == 2_000_000


def test_the_cod_pages_pay_a_sender_and_print_the_receipt(owed, clerk_a, client_as):
    client = client_as(clerk_a)
    page = client.get(reverse("cashdesk:cod"))
    assert page.status_code == 200 and "Shop Hoa Mai" in page.content.decode()
    query = {"point": "240001", "name": "Shop Hoa Mai", "phone": "0912345678"}
    form = client.get(reverse("cashdesk:cod_pay"), query)
    html = form.content.decode()
    assert 'data-testid="owed-total">450.000' in html
    data = {
        **query,
        "token": "page-token-1",
        "method": "cash",
        "items": [item.s10 for item in owed["shop"]],
        "payee_name": "Trần Thị Mai",
    }
    response = client.post(reverse("cashdesk:cod_pay"), data)
    payout = CodPayout.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cashdesk:payout", args=[payout.pk])
    # A double submit of the same form pays nothing more.
    assert client.post(reverse("cashdesk:cod_pay"), data).status_code == 302
    assert CodPayout.objects.count() == 1
    assert Entry.objects.filter(kind=EntryKind.COD_PAID).count() == 1
    assert client.get(response["Location"]).status_code == 200
    receipt = client.get(reverse("cashdesk:payout_receipt", args=[payout.pk]))
    assert receipt["Content-Type"] == "application/pdf"


def test_the_api_pays_once_when_retried(owed, clerk_a, clerk_b, client):
    client.force_login(clerk_a)
    body = {"items": [item.s10 for item in owed["shop"]], "method": "cash"}
    first = client.post(
        "/api/cashdesk/cod/payouts", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="x"
    )
    second = client.post(
        "/api/cashdesk/cod/payouts", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="x"
    )
    assert first.status_code == second.status_code == 201, first.content
    assert first.json()["id"] == second.json()["id"] and first.json()["total"] == 450_000
    assert Entry.objects.filter(kind=EntryKind.COD_PAID).count() == 1
    owed_now = client.get("/api/cashdesk/cod/owed").json()
    assert [o["sender_name"] for o in owed_now] == ["Lê Văn Cường"]
    client.force_login(clerk_b)
    assert client.get(f"/api/cashdesk/cod/payouts/{first.json()['id']}").status_code == 404


def test_a_payout_of_many_items_prints_on_an_a5_sheet(world, clerk_a, drawer_a, fund, cod_item):
    from buudien.cashdesk.sheets import payout_receipt_pdf

    fund(drawer_a, 5_000_000)
    items = [cod_item(100_000 + i) for i in range(15)]
    payout = _pay(clerk_a, items, key="many")
    assert payout.item_count == 15 and payout.total == 1_500_105
    pdf = payout_receipt_pdf(payout)
    assert pdf.startswith(b"%PDF") and b"/MediaBox [ 0 0 419.5276 595.2756 ]" in pdf


def test_the_cod_key_read_here_is_mails(world, cod_item):
    from buudien.mail.ledger import cod_key

    item = cod_item(10_000)
    assert cod_key(item) == f"{selectors.COD_KEY_PREFIX}{item.pk}"
