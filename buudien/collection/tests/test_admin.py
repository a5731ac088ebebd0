"""The Django admin: administrators add partners through the service (their accounts made,
a bad code refused on the form); bills and settlements are read-only."""

from __future__ import annotations

import pytest

from buudien.collection.models import Partner
from buudien.finance.models import Account

pytestmark = pytest.mark.django_db


def test_an_administrator_adds_a_partner_in_the_admin(client_as, admin_user, world):
    client = client_as(admin_user)
    form = {
        "province_code": "20",
        "code": "viettel-ls",
        "name": "Viettel Lạng Sơn",
        "kind": "telecom",
        "bank": "bidv",
        "payee_account": "",
        "commission_fixed": "1000",
        "commission_bp": "0",
        "commission_min": "0",
        "customer_fee": "0",
        "fee_vat_rate_bp": "1000",
        "active": "on",
    }

    bad = client.post("/admin/collection/partner/add/", {**form, "code": "Viettel LS"})
    good = client.post("/admin/collection/partner/add/", form)

    assert bad.status_code == 200
    assert good.status_code == 302
    assert Partner.objects.get().code == "viettel-ls"
    assert Account.objects.filter(code="3388.partner.viettel-ls").exists()
    assert Account.objects.filter(code="1121.bidv").exists()


@pytest.mark.parametrize("model", ["partner", "bill", "settlement"])
def test_the_lists_open_and_bills_cannot_be_added(client_as, admin_user, collect, model):
    client = client_as(admin_user)

    assert client.get(f"/admin/collection/{model}/").status_code == 200
    if model != "partner":
        assert client.get(f"/admin/collection/{model}/add/").status_code == 403


def test_a_clerk_does_not_reach_the_admin(client_as, clerk_a):
    response = client_as(clerk_a).get("/admin/collection/partner/")
    assert response.status_code in (302, 403)
