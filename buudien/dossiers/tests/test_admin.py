"""The Django admin: administrators set up agencies and procedures (the documents checked,
every change audited); dossiers, their steps and hand-overs are read-only and found by code,
citizen ID or a name typed without its diacritics."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from buudien.core.bizdays import VIETNAM
from buudien.core.models import AuditEntry
from buudien.dossiers import services
from buudien.dossiers.choices import Mode, ReturnBy
from buudien.dossiers.models import Agency, Dossier, Procedure

pytestmark = pytest.mark.django_db

TUESDAY = dt.datetime(2026, 4, 28, 9, 30, tzinfo=VIETNAM)


@pytest.fixture
def dossier(clerk_a: Any, world: Any, procedure: Procedure) -> Dossier:
    received = services.dossier_receive(
        actor=clerk_a,
        point=world.point_a,
        idempotency_key="k1",
        procedure=procedure.code,
        mode=Mode.BOTH,
        applicant_name="Hoàng Văn Thụ",
        citizen_id="020123456789",
        documents=[0, 1, 2],
        return_by=ReturnBy.COUNTER,
        at=TUESDAY,
    )
    services.handover_send(
        actor=clerk_a,
        point=world.point_a,
        agency=procedure.agency,
        dossiers=[received.reference],
        at=TUESDAY + dt.timedelta(days=1),
    )
    return received


def procedure_form(procedure: Procedure, **changes: Any) -> dict[str, Any]:
    form = {
        "agency": str(procedure.agency_id),
        "name": procedure.name,
        "documents": json.dumps(procedure.documents, ensure_ascii=False),
        "agency_fee": "30000",
        "charge_receive": "20000",
        "charge_return": "15000",
        "processing_days": "5",
        "is_active": "on",
    }
    form.update(changes)
    return form


@pytest.mark.parametrize(
    "page",
    [
        "agency/",
        "agency/add/",
        "procedure/",
        "procedure/add/",
        "dossier/",
        "dossierstep/",
        "handover/",
        "feesettlement/",
    ],
)
def test_the_pages_open_for_an_administrator(client_as, admin_user, dossier, page):
    assert client_as(admin_user).get(f"/admin/dossiers/{page}").status_code == 200


def test_an_administrator_adds_an_agency_with_its_post_office(client_as, admin_user, world):
    form = {
        "province_code": "20",
        "code": "so-tp",
        "name": "Sở Tư pháp tỉnh Lạng Sơn",
        "kind": "department",
        "handover_point": str(world.point_a.pk),
        "address": "",
        "contact_name": "",
        "contact_phone": "",
        "is_active": "on",
    }

    response = client_as(admin_user).post("/admin/dossiers/agency/add/", form)

    assert response.status_code == 302
    agency = Agency.objects.get(code="so-tp")
    assert agency.name_folded == "so tu phap tinh lang son"
    assert AuditEntry.objects.filter(action="dossiers.agency", object_id=str(agency.pk)).exists()


@pytest.mark.parametrize(
    "documents",
    [
        "{}",
        '[{"name": ""}]',
        '[{"name": "Tờ khai", "original": "yes"}]',
        '[{"name": "Tờ khai", "copies": 0}]',
        '[{"name": "Tờ khai", "colour": "red"}]',
        "not json",
    ],
)
def test_wrong_documents_are_refused_and_nothing_changes(
    client_as, admin_user, procedure, documents
):
    before = list(procedure.documents)
    url = f"/admin/dossiers/procedure/{procedure.pk}/change/"

    response = client_as(admin_user).post(url, procedure_form(procedure, documents=documents))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    procedure.refresh_from_db()
    assert procedure.documents == before


def test_a_negative_fee_is_refused_on_the_form(client_as, admin_user, procedure):
    url = f"/admin/dossiers/procedure/{procedure.pk}/change/"

    response = client_as(admin_user).post(url, procedure_form(procedure, agency_fee="-1"))

    assert response.status_code == 200
    procedure.refresh_from_db()
    assert procedure.agency_fee == 30_000


def test_an_administrator_changes_the_documents_and_the_change_is_audited(
    client_as, admin_user, procedure
):
    url = f"/admin/dossiers/procedure/{procedure.pk}/change/"
    documents = '[{"name": "  Đơn   đăng ký ", "original": true, "copies": 1}]'

    response = client_as(admin_user).post(url, procedure_form(procedure, documents=documents))

    assert response.status_code == 302
    procedure.refresh_from_db()
    assert procedure.documents == [{"name": "Đơn đăng ký", "original": True, "copies": 1}]
    audit = AuditEntry.objects.get(action="dossiers.procedure")
    assert "Giấy chứng nhận quyền sử dụng đất" in audit.before["documents"]


def test_the_dossier_admin_is_read_only(client_as, admin_user, dossier):
    client = client_as(admin_user)
    url = f"/admin/dossiers/dossier/{dossier.pk}/change/"

    page = client.get(url)
    posted = client.post(url, {"applicant_name": "Người khác", "status": "returned"})

    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert "Hoàng Văn Thụ" in page.content.decode()
    assert client.get("/admin/dossiers/dossier/add/").status_code == 403
    assert client.get(f"/admin/dossiers/dossier/{dossier.pk}/delete/").status_code == 403
    assert posted.status_code == 403
    dossier.refresh_from_db()
    assert (dossier.applicant_name, dossier.status) == ("Hoàng Văn Thụ", "handed_over")
    for model in ("handover", "dossierstep"):
        assert client.get(f"/admin/dossiers/{model}/add/").status_code == 403


@pytest.mark.parametrize("term", ["HS240001000001", "020123456789", "hoang van", "Hoàng Văn"])
def test_a_dossier_is_found_by_code_citizen_id_or_name(client_as, admin_user, dossier, term):
    response = client_as(admin_user).get("/admin/dossiers/dossier/", {"q": term})

    assert list(response.context["cl"].result_list) == [dossier]


def test_a_hand_over_is_found_by_a_dossier_it_carried(client_as, admin_user, dossier):
    response = client_as(admin_user).get("/admin/dossiers/handover/", {"q": dossier.reference})

    dossier.refresh_from_db()
    assert [h.pk for h in response.context["cl"].result_list] == [dossier.handover_id]


def test_a_clerk_does_not_reach_the_admin(client_as, clerk_a, dossier):
    response = client_as(clerk_a).get("/admin/dossiers/dossier/")
    assert response.status_code in (302, 403)


def test_an_administrator_issues_and_revokes_an_agencys_token(client_as, admin_user, agency):
    from buudien.dossiers.models import AgencyToken

    client = client_as(admin_user)
    answer = client.post(
        "/admin/dossiers/agency/",
        {"action": "issue_token", "_selected_action": [agency.pk]},
        follow=True,
    )
    shown = [str(m) for m in answer.context["messages"]]
    assert any("hcc_" in m for m in shown)
    token = AgencyToken.objects.get()
    assert token.revoked_at is None
    client.post(
        "/admin/dossiers/agencytoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
        follow=True,
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
