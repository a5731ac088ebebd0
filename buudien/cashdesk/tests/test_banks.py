"""Cash goes only to a bank account the province has open: an administrator opens it, the
counters name it, and a name made up on the way is refused with nothing posted or made."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from buudien.cashdesk import services
from buudien.cashdesk.models import CashHandover
from buudien.cashdesk.tests.conftest import PROVINCE, balance
from buudien.core.errors import AccessDenied, DomainError
from buudien.core.models import AuditEntry
from buudien.finance import banks
from buudien.finance.models import Account, Entry

pytestmark = pytest.mark.django_db


def _post(client, url, payload):
    return client.post(url, data=json.dumps(payload), content_type="application/json")


def test_cash_handed_to_a_bank_the_province_does_not_have_is_refused(
    world, clerk_a, drawer_a, fund, client_as, banks_open
):
    """The probe's hand-over of 50.000.000 ₫ to "quy-rieng-cua-toi": refused on the API and
    in the service, no account made, no entry, no hand-over."""
    fund(drawer_a, 60_000_000)
    entries = Entry.objects.count()

    answer = _post(
        client_as(clerk_a),
        "/api/cashdesk/handovers",
        {
            "idempotency_key": "h-api",
            "point": world.point_a.code,
            "amount": 50_000_000,
            "bank": "quy-rieng-cua-toi",
        },
    )

    assert answer.status_code == 400
    assert "không có tài khoản ngân hàng" in answer.json()["detail"]
    with pytest.raises(DomainError) as refused:
        services.handover_record(
            actor=clerk_a,
            point=world.point_a,
            amount=50_000_000,
            bank="agribank",
            idempotency_key="h-agri",
        )
    assert refused.value.field == "bank"
    assert not Account.objects.filter(code__in=["1121.quy-rieng-cua-toi", "1121.agribank"]).exists()
    assert Entry.objects.count() == entries and not CashHandover.objects.exists()
    assert balance("1111.240001") == 60_000_000
    # The province's own account takes it.
    done = services.handover_record(
        actor=clerk_a, point=world.point_a, amount=50_000_000, bank="BIDV", idempotency_key="h-1"
    )
    assert (done.bank, balance("1121.bidv")) == ("bidv", 50_000_000)


def test_a_closed_bank_account_takes_nothing(world, clerk_a, drawer_a, fund, banks_open):
    from django.utils import timezone

    fund(drawer_a, 1_000_000)
    Account.objects.filter(code="1121.bidv").update(closed_at=timezone.now())
    with pytest.raises(DomainError, match="không có tài khoản ngân hàng bidv"):
        services.handover_record(
            actor=clerk_a, point=world.point_a, amount=500_000, bank="bidv", idempotency_key="h"
        )
    assert [code for code, _name in banks.bank_choices(PROVINCE)] == ["vietinbank"]


def test_only_an_administrator_of_the_province_opens_a_bank_account(
    world, admin_user, clerk_a, accountant, client_as
):
    opened = banks.bank_open(
        actor=admin_user,
        province_code=PROVINCE,
        bank="Agribank",
        name="  Agribank -  Chi nhánh Lạng Sơn 8000123 ",
    )
    assert (opened.code, opened.name, opened.balance) == (
        "1121.agribank",
        "Agribank - Chi nhánh Lạng Sơn 8000123",
        0,
    )
    assert AuditEntry.objects.filter(action="finance.bank_open", object_id=str(opened.pk)).exists()
    for actor in (clerk_a, accountant):
        with pytest.raises(AccessDenied):
            banks.bank_open(actor=actor, province_code=PROVINCE, bank="acb", name="ACB")
    for bank, name, field in (
        ("agribank", "Agribank", "bank"),  # open already
        ("quỹ riêng", "Quỹ", "bank"),  # not a short code
        ("acb", "  ", "name"),
    ):
        with pytest.raises(DomainError) as refused:
            banks.bank_open(actor=admin_user, province_code=PROVINCE, bank=bank, name=name)
        assert refused.value.field == field
    assert list(banks.bank_accounts(PROVINCE).values_list("code", flat=True)) == ["1121.agribank"]

    # Through the API: the administrator opens, everyone of the province reads the list.
    admin = client_as(admin_user)
    made = _post(
        admin,
        "/api/finance/bank-accounts",
        {"province": PROVINCE, "bank": "vietinbank", "name": "VietinBank Lạng Sơn"},
    )
    assert made.status_code == 201 and made.json()["code"] == "1121.vietinbank"
    refused = _post(
        client_as(accountant),
        "/api/finance/bank-accounts",
        {"province": PROVINCE, "bank": "acb", "name": "ACB"},
    )
    assert refused.status_code == 403
    listed = client_as(clerk_a).get(f"/api/finance/bank-accounts?province={PROVINCE}").json()
    assert [row["bank"] for row in listed] == ["agribank", "vietinbank"]
    assert client_as(clerk_a).get("/api/finance/bank-accounts?province=99").status_code == 404


def test_the_hand_over_page_offers_the_provinces_accounts_only(
    world, clerk_a, client_as, banks_open
):
    html = client_as(clerk_a).get(reverse("cashdesk:handover")).content.decode()
    assert 'value="vietinbank"' in html and "VietinBank - Chi nhánh Lạng Sơn" in html
    assert 'value="bidv"' in html and 'value="agribank"' not in html
    sent = client_as(clerk_a).post(
        reverse("cashdesk:handover"), {"token": "t-1", "amount": "1000", "bank": "agribank"}
    )
    assert sent.status_code == 200 and not CashHandover.objects.exists()


def test_the_console_opens_a_bank_account(world) -> None:
    out = StringIO()
    call_command(
        "ledger",
        "open-bank",
        "--province",
        PROVINCE,
        "--bank",
        "vietcombank",
        "--name",
        "Vietcombank Lạng Sơn 0041000123",
        stdout=out,
    )
    assert "1121.vietcombank" in out.getvalue()
    with pytest.raises(CommandError):
        call_command(
            "ledger", "open-bank", "--province", PROVINCE, "--bank", "vietcombank", "--name", "X"
        )
