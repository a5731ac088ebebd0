"""The dossier pages: who sees what, intake with every error at once and once per token,
the slip, hand-over, results and return through the pages, the public lookup; in
Vietnamese."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from typing import Any

import pytest
from django.urls import reverse

from buudien.core.bizdays import VIETNAM
from buudien.dossiers import services
from buudien.dossiers.choices import Mode, ReturnBy, Status
from buudien.dossiers.models import Dossier, DossierStep, Handover
from buudien.finance.models import Entry

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
TUESDAY = dt.datetime(2026, 4, 28, 9, 30, tzinfo=VIETNAM)
CID = "020123456789"


def _token(html: str) -> str:
    found = re.search(r'name="token" value="([0-9a-f]+)"', html)
    assert found is not None
    return found.group(1)


def _receive(actor: Any, world: Any, procedure: Any, key: str = "k1", **changes: Any) -> Dossier:
    asked: dict[str, Any] = {
        "actor": actor,
        "point": world.point_a,
        "idempotency_key": key,
        "procedure": procedure.code,
        "mode": Mode.BOTH,
        "applicant_name": "Hoàng Văn Thụ",
        "citizen_id": CID,
        "phone": "0912345678",
        "documents": [0, 1, 2],
        "return_by": ReturnBy.COUNTER,
    }
    asked.update(changes)
    return services.dossier_receive(**asked)


def _intake(token: str, procedure: Any, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "token": token,
        "procedure": procedure.code,
        "documents": ["0", "1", "2"],
        "mode": Mode.BOTH,
        "return_by": ReturnBy.COUNTER,
        "applicant_name": "Hoàng Văn Thụ",
        "citizen_id": CID,
        "phone": "0912 345 678",
        "address": "",
    }
    data.update(changes)
    return data


def _pdf_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


# --- who sees what -------------------------------------------------------------------------


def test_the_index_offers_intake_to_a_clerk_and_lists_their_dossiers(
    client_as, clerk_a, world, procedure
):
    _receive(clerk_a, world, procedure)
    html = client_as(clerk_a).get(reverse("dossiers:index")).content.decode()
    assert "Tiếp nhận hồ sơ" in html
    assert 'data-testid="receive-link"' in html
    assert "HS240001000001" in html
    assert 'data-testid="deadlines"' in html


def test_an_auditor_reads_the_dossiers_but_cannot_receive(
    client_as, clerk_a, auditor, world, procedure
):
    _receive(clerk_a, world, procedure)
    client = client_as(auditor)
    html = client.get(reverse("dossiers:index")).content.decode()
    assert "HS240001000001" in html
    assert 'data-testid="receive-link"' not in html
    assert client.get(reverse("dossiers:dossier", args=["HS240001000001"])).status_code == 200
    assert client.get(reverse("dossiers:receive")).status_code == 403
    assert client.post(reverse("dossiers:receive"), _intake("t1", procedure)).status_code == 403
    assert client.get(reverse("dossiers:handover_new")).status_code == 403
    assert Dossier.objects.count() == 1


def test_a_postman_picks_up_at_the_address_and_nothing_more(client_as, world, procedure):
    from buudien.people.tests.factories import UserFactory

    postman = UserFactory(username="pm", role="postman", unit=world.unit_a, point=world.point_a)
    client = client_as(postman)
    page = client.get(reverse("dossiers:receive"))
    assert page.status_code == 200
    assert page.context["form"].fields["at_address"].disabled
    main = [item.url for item in client.get("/mail/items/").context["nav_items"]]
    assert "/dossiers/" in main  # a postman's home is the round: the menu of any page
    answer = client.post(
        reverse("dossiers:receive"),
        _intake(_token(page.content.decode()), procedure, address="Thôn Bản Cưởm"),
    )
    assert answer.status_code == 302
    assert Dossier.objects.get().at_address is True
    assert client.get(reverse("dossiers:results_new")).status_code == 403


def test_a_clerk_of_another_unit_gets_not_found(client_as, clerk_a, clerk_b, world, procedure):
    _receive(clerk_a, world, procedure)
    client = client_as(clerk_b)
    assert client.get(reverse("dossiers:dossier", args=["HS240001000001"])).status_code == 404
    assert client.get(reverse("dossiers:slip", args=["HS240001000001"])).status_code == 404
    assert "HS240001000001" not in client.get(reverse("dossiers:index")).content.decode()


def test_an_hcc_officer_finds_the_dossiers_in_the_navigation(client_as, clerk_hcc):
    client = client_as(clerk_hcc)
    main = [item.url for item in client.get("/").context["nav_items"]]
    assert "/dossiers/" in main
    response = client.get(reverse("dossiers:index"))
    sub = [item.url for item in response.context["subnav_items"]]
    assert "/dossiers/receive/" in sub and "/dossiers/results/new/" in sub
    assert "Hồ sơ hành chính công" in response.content.decode()


def test_the_list_filters_by_name_without_diacritics_and_by_deadline(
    client_as, clerk_a, world, procedure
):
    _receive(clerk_a, world, procedure, at=TUESDAY)
    _receive(
        clerk_a, world, procedure, key="k2", applicant_name="Lê Thị Mai", citizen_id="020123450000"
    )
    client = client_as(clerk_a)
    html = client.get(reverse("dossiers:index"), {"q": "hoang van"}, **HTMX).content.decode()
    assert "HS240001000001" in html and "HS240001000002" not in html
    assert "<h1>" not in html  # the rows only, for htmx
    html = client.get(reverse("dossiers:index"), {"due": "overdue"}).content.decode()
    rows = html.split('data-testid="dossiers-table"')[1]
    assert "HS240001000001" in rows and "HS240001000002" not in rows
    assert 'data-testid="overdue-240001"' in html


# --- intake ----------------------------------------------------------------------------------


def test_the_form_starts_on_the_procedure_and_htmx_brings_its_documents(
    client_as, clerk_a, world, procedure
):
    client = client_as(clerk_a)
    html = client.get(reverse("dossiers:receive")).content.decode()
    assert re.search(r'<select name="procedure"[^>]*autofocus', html)
    part = client.get(
        reverse("dossiers:procedure_part"), {"procedure": procedure.code, "mode": Mode.BOTH}, **HTMX
    ).content.decode()
    assert "Hợp đồng chuyển nhượng" in part
    assert procedure.agency.name in part
    assert "35.000" in part and "65.000" in part  # the charge for both, fee + charge
    part = client.get(
        reverse("dossiers:procedure_part"), {"procedure": procedure.code, "mode": Mode.RECEIVE}
    ).content.decode()
    assert "20.000" in part and "50.000" in part


def test_intake_shows_every_error_at_once_and_records_nothing(client_as, clerk_a, world, procedure):
    client = client_as(clerk_a)
    token = _token(client.get(reverse("dossiers:receive")).content.decode())
    response = client.post(
        reverse("dossiers:receive"),
        _intake(token, procedure, documents=["0"], applicant_name="", citizen_id="12345"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    for field in ("documents", "applicant_name", "citizen_id"):
        assert f'data-testid="error-{field}"' in html
    assert "Giấy chứng nhận quyền sử dụng đất" in html
    assert Dossier.objects.count() == 0 and Entry.objects.count() == 0


def test_intake_twice_with_one_token_records_one_dossier(client_as, clerk_a, world, procedure):
    client = client_as(clerk_a)
    token = _token(client.get(reverse("dossiers:receive")).content.decode())
    first = client.post(reverse("dossiers:receive"), _intake(token, procedure))
    second = client.post(reverse("dossiers:receive"), _intake(token, procedure))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == "/dossiers/HS240001000001/"
    assert Dossier.objects.count() == 1 and Entry.objects.count() == 1
    html = client.get(first["Location"]).content.decode()
    assert "65.000" in html and 'data-testid="slip-link"' in html


def test_an_administrator_chooses_the_point(client_as, admin_user, world, procedure):
    client = client_as(admin_user)
    html = client.get(reverse("dossiers:receive")).content.decode()
    assert 'name="point"' in html
    response = client.post(
        reverse("dossiers:receive"), _intake("admintoken", procedure, point=world.point_b.code)
    )
    assert response.status_code == 302
    assert Dossier.objects.get().point == world.point_b


# --- the slip --------------------------------------------------------------------------------


def test_the_slip_is_a_pdf_with_the_code_and_the_masked_citizen_id(
    client_as, clerk_a, world, procedure
):
    _receive(clerk_a, world, procedure, at=TUESDAY)
    response = client_as(clerk_a).get(reverse("dossiers:slip", args=["HS240001000001"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "PHIẾU TIẾP NHẬN HỒ SƠ" in text
    assert "HS240001000001" in text
    assert "6789" in text and CID not in text
    assert "07/05/2026" in text
    assert "65.000" in text
    assert "/dossiers/lookup/?code=HS240001000001" in text


# --- hand-over, results, return --------------------------------------------------------------


def test_a_hand_over_results_and_return_through_the_pages(client_as, clerk_a, world, procedure):
    first = _receive(clerk_a, world, procedure)
    _receive(clerk_a, world, procedure, key="k2", citizen_id="020123450000")
    client = client_as(clerk_a)
    page = client.get(reverse("dossiers:handover_new"), {"agency": procedure.agency.code})
    assert "HS240001000002" in page.content.decode()
    response = client.post(
        reverse("dossiers:handover_new"),
        {
            "token": _token(page.content.decode()),
            "agency": procedure.agency.code,
            "dossiers": [first.reference],
        },
    )
    handover = Handover.objects.get()
    assert response["Location"] == f"/dossiers/handovers/{handover.number}/"
    assert handover.count == 1

    confirm = client.post(
        reverse("dossiers:handover", args=[handover.number]), {"receiver_name": ""}
    )
    assert 'data-testid="error-receiver_name"' in confirm.content.decode()
    client.post(
        reverse("dossiers:handover", args=[handover.number]), {"receiver_name": "Lê Văn Nhận"}
    )
    handover.refresh_from_db()
    assert handover.receiver_name == "Lê Văn Nhận" and handover.confirmed_at is not None
    record = client.get(reverse("dossiers:handover_record", args=[handover.number]))
    assert record["Content-Type"] == "application/pdf"
    text = _pdf_text(record.content)
    assert "BIÊN BẢN BÀN GIAO HỒ SƠ" in text and first.reference in text

    page = client.get(reverse("dossiers:results_new"), {"agency": procedure.agency.code})
    assert first.reference in page.content.decode()
    response = client.post(
        reverse("dossiers:results_new"),
        {
            "token": "r1",
            "agency": procedure.agency.code,
            "dossiers": [first.reference],
            "receiver_name": "Lê Văn Trả",
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == Status.RESULT_BACK

    page = client.get(reverse("dossiers:dossier", args=[first.reference])).content.decode()
    assert 'data-testid="return-form"' in page
    wrong = client.post(
        reverse("dossiers:return", args=[first.reference]),
        {"token": "x", "presented_id": "020999999999", "receiver_name": ""},
    )
    assert 'data-testid="error-presented_id"' in wrong.content.decode()
    first.refresh_from_db()
    assert first.status == Status.RESULT_BACK
    done = client.post(
        reverse("dossiers:return", args=[first.reference]),
        {"token": "x", "presented_id": CID, "receiver_name": ""},
    )
    assert done.status_code == 302
    first.refresh_from_db()
    assert first.status == Status.RETURNED and first.receiver_name == "Hoàng Văn Thụ"


def test_a_late_result_without_reason_shows_the_error_and_changes_nothing(
    client_as, clerk_a, world, procedure
):
    dossier = _receive(clerk_a, world, procedure, at=TUESDAY)
    services.handover_send(
        actor=clerk_a,
        point=world.point_a,
        agency=procedure.agency,
        dossiers=[dossier.reference],
        at=TUESDAY + dt.timedelta(hours=2),
    )
    client = client_as(clerk_a)
    data = {"token": "r1", "agency": procedure.agency.code, "dossiers": [dossier.reference]}
    response = client.post(reverse("dossiers:results_new"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="error-late_reason"' in html and dossier.reference in html
    dossier.refresh_from_db()
    assert dossier.status == Status.HANDED_OVER
    assert Handover.objects.count() == 1
    response = client.post(
        reverse("dossiers:results_new"), {**data, "late_reason": "Thiếu người ký"}
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_BACK and dossier.late_reason == "Thiếu người ký"


# --- the public lookup -----------------------------------------------------------------------


def test_the_public_lookup_shows_initials_not_the_name(client, clerk_a, world, procedure):
    _receive(clerk_a, world, procedure)
    response = client.get(reverse("dossiers:lookup"), {"code": "hs240001000001"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "H. V. T." in html and "Hoàng Văn Thụ" not in html
    assert procedure.name in html and "Đã tiếp nhận tại bưu điện" in html
    assert CID not in html
    by_id = client.post(reverse("dossiers:lookup"), {"citizen_id": CID, "phone": "0912345678"})
    assert "HS240001000001" in by_id.content.decode()


def test_a_wrong_code_is_a_clear_not_found(client, world):
    response = client.get(reverse("dossiers:lookup"), {"code": "HS999"})
    assert response.status_code == 404
    assert 'data-testid="lookup-missing"' in response.content.decode()
    response = client.post(reverse("dossiers:lookup"), {"citizen_id": CID, "phone": ""})
    assert response.status_code == 200
    assert 'data-testid="lookup-hint"' in response.content.decode()


def test_the_lookup_is_in_the_anonymous_navigation(client):
    main = [item.url for item in client.get(reverse("dossiers:lookup")).context["nav_items"]]
    assert main.index("/dossiers/lookup/") == main.index("/tracking/") + 1


def test_the_pages_need_a_login_but_the_lookup(client, world):
    assert client.get(reverse("dossiers:index")).status_code == 302
    assert client.get(reverse("dossiers:receive")).status_code == 302
    assert client.get(reverse("dossiers:lookup")).status_code == 200


def test_the_steps_show_who_where_when(client_as, clerk_a, world, procedure):
    dossier = _receive(clerk_a, world, procedure, at=TUESDAY)
    html = (
        client_as(clerk_a)
        .get(reverse("dossiers:dossier", args=[dossier.reference]))
        .content.decode()
    )
    assert "28/04/2026 09:30" in html and world.point_a.name in html
    assert 'data-testid="overdue"' in html  # promised 07/05/2026, still open
    assert DossierStep.objects.count() == 1


def test_the_hcc_officer_lands_on_the_deadlines_of_their_dossiers(
    client_as, clerk_hcc, director, world, procedure
):
    services.dossier_receive(
        actor=clerk_hcc,
        point=world.point_a,
        idempotency_key="home-1",
        procedure=procedure.code,
        mode=Mode.RECEIVE,
        applicant_name="Lý Thị Hoa",
        citizen_id=CID,
        documents=[0, 1, 2],
        at=dt.datetime(2026, 4, 28, 9, tzinfo=VIETNAM),
    )
    home = client_as(clerk_hcc).get("/")
    assert home.context["dossiers"] == {"open": 1, "due_today": 0, "overdue": 1}
    assert 'data-testid="dossier-desk"' in home.content.decode()
    assert client_as(director).get("/").context["dossiers"] is None
