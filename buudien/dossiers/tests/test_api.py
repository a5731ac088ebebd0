"""/api/dossiers/: a dossier's whole life, idempotent intake, every problem at once, who may
read and write, junk input, and the public lookup."""

from __future__ import annotations

from typing import Any

import pytest

from buudien.dossiers.models import Dossier, Handover
from buudien.finance.models import Account, Entry

pytestmark = pytest.mark.django_db

CID = "020123456789"
DOSSIER = {
    "procedure": "1.004227",
    "mode": "both",
    "applicant_name": "Hoàng Văn Thụ",
    "citizen_id": CID,
    "phone": "0912 345 678",
    "documents": [0, 1, 2],
    "return_by": "counter",
}


def _post(client: Any, path: str, payload: Any, key: str | None = None, **headers: Any) -> Any:
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(f"/api/dossiers/{path}", payload, content_type="application/json", **headers)


def _receive(client: Any, key: str = "k1", **changes: Any) -> Any:
    return _post(client, "dossiers", {**DOSSIER, **changes}, key=key)


def balance(code: str) -> int:
    return Account.objects.get(province_code="20", code=code).balance


def test_a_dossiers_whole_life_through_the_api(client_as, clerk_a, world, procedure):
    client = client_as(clerk_a)

    received = _receive(client)
    assert received.status_code == 201
    body = received.json()
    code = body["code"]
    assert code == "HS240001000001"
    assert (body["status"], body["status_label"]) == ("received", "Đã tiếp nhận tại bưu điện")
    assert (body["agency_fee"], body["charge"], body["total"]) == (30_000, 35_000, 65_000)
    assert body["point"] == "240001"
    assert body["due_date"] > body["business_date"]
    assert [step["kind"] for step in body["steps"]] == ["received"]
    assert balance("1111.240001") == 65_000  # the drawer took the fee and the charge
    assert balance("3388.partner.hcc-so-tnmt") == 30_000
    assert balance("5113.dossier") == 35_000

    sent = _post(client, "handovers", {"agency": "so-tnmt", "dossiers": [code.lower()]})
    assert sent.status_code == 201
    number = sent.json()["number"]
    assert (sent.json()["direction"], sent.json()["dossiers"]) == ("to_agency", [code])

    confirmed = _post(client, f"handovers/{number}/confirm", {"receiver_name": "Lê Thị Hoa"})
    assert confirmed.status_code == 200
    assert confirmed.json()["receiver_name"] == "Lê Thị Hoa"
    assert confirmed.json()["confirmed_at"]
    again = _post(client, f"handovers/{number}/confirm", {"receiver_name": "Lê Thị Hoa"})
    assert again.status_code == 400
    assert "đã được xác nhận" in again.json()["detail"]

    back = _post(
        client,
        "results",
        {"agency": "so-tnmt", "dossiers": [code], "receiver_name": "Lê Thị Hoa"},
    )
    assert back.status_code == 201
    assert back.json()["direction"] == "from_agency"

    wrong = _post(client, f"dossiers/{code}/return", {"presented_id": "0" * 12})
    assert wrong.status_code == 400
    assert wrong.json()["field"] == "presented_id"
    returned = _post(client, f"dossiers/{code}/return", {"presented_id": CID})
    assert returned.status_code == 200
    assert returned.json()["status"] == "returned"
    assert returned.json()["receiver_name"] == "Hoàng Văn Thụ"
    assert _post(client, f"dossiers/{code}/return", {"presented_id": CID}).status_code == 400

    seen = client.get(f"/api/dossiers/dossiers/{code}").json()
    assert [step["kind"] for step in seen["steps"]] == [
        "received",
        "handed_over",
        "confirmed",
        "result_back",
        "returned",
    ]
    assert (seen["handover"], seen["result_handover"]) == (number, back.json()["number"])
    listed = client.get("/api/dossiers/handovers?direction=to_agency").json()
    assert [row["number"] for row in listed["items"]] == [number]
    assert client.get(f"/api/dossiers/handovers/{number}").json()["count"] == 1
    assert balance("1111.240001") == 65_000


def test_the_lists_the_deadlines_and_the_procedures(client_as, clerk_a, director, procedure):
    assert _receive(client_as(clerk_a)).status_code == 201
    client = client_as(director)
    listed = client.get("/api/dossiers/dossiers?q=hoang van&status=received").json()
    assert listed["count"] == 1
    assert listed["items"][0]["applicant_name"] == "Hoàng Văn Thụ"
    assert client.get("/api/dossiers/dossiers?due=overdue").json()["count"] == 0
    assert client.get("/api/dossiers/dossiers?agency=other").json()["count"] == 0
    deadlines = client.get("/api/dossiers/deadlines").json()
    assert deadlines == [
        {
            "point": "240001",
            "point_name": "Bưu cục Đồng Đăng",
            "open": 1,
            "due_today": 0,
            "overdue": 0,
        }
    ]
    found = client.get("/api/dossiers/procedures?q=bien dong").json()
    assert [row["code"] for row in found] == ["1.004227"]
    assert found[0]["documents"][2] == {
        "name": "Hợp đồng chuyển nhượng",
        "original": False,
        "copies": 2,
    }
    assert (found[0]["agency_fee"], found[0]["processing_days"]) == (30_000, 5)
    assert client.get("/api/dossiers/procedures?q=khong co").json() == []
    agencies = client.get("/api/dossiers/agencies").json()
    assert [(a["code"], a["handover_point"]) for a in agencies] == [("so-tnmt", "240001")]


def test_the_same_key_and_body_is_the_same_dossier(client_as, clerk_a, procedure):
    client = client_as(clerk_a)
    first = _receive(client)
    again = _receive(client)
    assert again.status_code == 201
    assert again.json()["code"] == first.json()["code"]
    assert Entry.objects.filter(kind="dossier_fee").count() == 1

    reused = _receive(client, citizen_id="020999999999")
    assert reused.status_code == 400
    assert "đã được dùng cho một yêu cầu khác" in reused.json()["detail"]
    missing = _post(client, "dossiers", DOSSIER)
    assert missing.status_code == 400
    assert missing.json()["field"] == "idempotency_key"
    assert Dossier.objects.count() == 1


def test_every_problem_comes_back_at_once(client_as, clerk_a, procedure):
    response = _receive(
        client_as(clerk_a), applicant_name="", citizen_id="12345", documents=[0], return_by=""
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"applicant_name", "citizen_id", "documents", "return_by"}
    assert "Giấy chứng nhận quyền sử dụng đất" in errors["documents"][0]
    assert errors["citizen_id"] == ["Số CCCD gồm 12 chữ số."]
    unknown = _receive(client_as(clerk_a), key="k2", procedure="9.999999", mode="send")
    assert set(unknown.json()["errors"]) == {"procedure", "mode"}
    assert not Dossier.objects.exists()
    assert not Entry.objects.exists()


def test_who_may_read_and_write(client, client_as, clerk_a, auditor, outsider, procedure):
    code = _receive(client_as(clerk_a)).json()["code"]
    anonymous = client
    anonymous.logout()
    assert anonymous.get("/api/dossiers/dossiers").status_code == 401
    assert anonymous.get(f"/api/dossiers/dossiers/{code}").status_code == 401
    assert _receive(anonymous, key="a1", point="240001").status_code == 401

    reader = client_as(auditor)
    assert reader.get(f"/api/dossiers/dossiers/{code}").status_code == 200
    assert reader.get("/api/dossiers/dossiers").json()["count"] == 1
    assert _receive(reader, key="a2", point="240001").status_code == 403
    sent = _post(reader, "handovers", {"point": "240001", "agency": "so-tnmt", "dossiers": [code]})
    assert sent.status_code == 403

    stranger = client_as(outsider)
    assert stranger.get(f"/api/dossiers/dossiers/{code}").status_code == 404
    assert stranger.get("/api/dossiers/dossiers").json()["count"] == 0
    assert stranger.get("/api/dossiers/procedures").json() == []
    assert _receive(stranger, key="a3", point="240001").status_code == 404
    assert Dossier.objects.count() == 1
    assert not Handover.objects.exists()


@pytest.mark.parametrize(
    ("method", "path", "payload", "status"),
    [
        ("post", "dossiers", {**DOSSIER, "documents": "all"}, 422),
        ("post", "dossiers", {**DOSSIER, "documents": [0, 1, 10**20]}, 422),
        ("post", "dossiers", {**DOSSIER, "documents": [0, 1, 2, 7]}, 400),
        ("post", "dossiers", {**DOSSIER, "applicant_name": "x" * 100_000}, 422),
        ("post", "dossiers", {**DOSSIER, "applicant_name": "\x00\x00"}, 400),
        ("post", "dossiers", {**DOSSIER, "citizen_id": ["020123456789"]}, 422),
        ("post", "dossiers", {**DOSSIER, "procedure": "", "point": "999999"}, 404),
        ("post", "dossiers", {}, 422),
        ("post", "dossiers", "not json", 400),
        ("post", "handovers", {"agency": "nobody", "dossiers": ["HS1"]}, 404),
        ("post", "handovers", {"agency": "so-tnmt", "dossiers": []}, 400),
        ("post", "handovers", {"agency": "so-tnmt", "dossiers": ["x" * 10_000]}, 422),
        ("post", "results", {"agency": "so-tnmt", "dossiers": [f"HS{n}" for n in range(600)]}, 400),
        ("post", "handovers/BG0/confirm", {"receiver_name": "A"}, 404),
        ("post", "dossiers/HS0/return", {"presented_id": 12}, 422),
        ("get", "dossiers/" + "x" * 5_000, None, 404),
        ("get", "dossiers?due=yesterday&status=%00&page=-1", None, 200),
        ("get", "handovers/%20", None, 404),
        ("get", "lookup?code=" + "x" * 5_000, None, 404),
        ("get", "lookup?citizen_id=1&phone=", None, 404),
        ("post", "lookup", {"citizen_id": "1" * 50, "phone": ""}, 422),
        ("post", "lookup", {"citizen_id": "1", "phone": ""}, 404),
    ],
)
def test_junk_input_is_refused_never_a_500(
    client_as, clerk_a, procedure, method, path, payload, status
):
    client = client_as(clerk_a)
    if method == "post":
        response = _post(client, path, payload, key="junk")
    else:
        response = client.get(f"/api/dossiers/{path}")
    assert response.status_code == status
    assert response.json()["detail"] if status >= 400 else response.json()["items"] == []
    assert not Dossier.objects.exists()
    assert not Handover.objects.exists()


def test_the_public_lookup_shows_initials_only(client, client_as, clerk_a, procedure):
    code = _receive(client_as(clerk_a)).json()["code"]
    client.logout()
    response = client.get(f"/api/dossiers/lookup?code={code.lower()}")
    assert response.status_code == 200
    body = response.json()
    assert body["initials"] == "H. V. T."
    assert body["status"] == "Đã tiếp nhận tại bưu điện"
    assert [step["place"] for step in body["steps"]] == ["Bưu cục Đồng Đăng"]
    text = response.content.decode()
    for private in ("Hoàng", "Thụ", CID, "0912"):
        assert private not in text
    by_person = client.post(
        "/api/dossiers/lookup",
        {"citizen_id": CID, "phone": "0912345678"},
        content_type="application/json",
    )
    assert by_person.json()["code"] == code
    # A citizen ID in the address is not read: the personal lookup is asked in the body.
    in_url = client.get(f"/api/dossiers/lookup?citizen_id={CID}&phone=0912345678")
    assert in_url.status_code == 404
    wrong_phone = client.post(
        "/api/dossiers/lookup",
        {"citizen_id": CID, "phone": "0900000000"},
        content_type="application/json",
    )
    assert wrong_phone.status_code == 404
    unknown = client.get("/api/dossiers/lookup?code=HS999")
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == "Không có hồ sơ mang mã này."


def test_a_body_that_is_not_json_is_refused_in_the_users_language(client_as, clerk_a, procedure):
    answer = client_as(clerk_a).post(
        "/api/dossiers/dossiers",
        data=b"{not json",
        content_type="application/json",
        headers={"Idempotency-Key": "broken-1"},
    )
    assert answer.status_code == 400
    assert answer.json()["detail"] == "Nội dung yêu cầu không phải là JSON hợp lệ."
    assert not Dossier.objects.exists()


def test_a_result_posted_to_the_address_through_the_api(client_as, clerk_a, world, procedure):
    from buudien.mail.choices import MailService
    from buudien.mail.tests.factories import TariffFactory

    TariffFactory(service=MailService.ADMIN_DELIVERY)
    client = client_as(clerk_a)
    address = {"return_by": "address", "address": "Thôn Pò Mỏ"}
    refused = _receive(client, key="a0", **address, commune_code="99999")
    assert refused.status_code == 404
    assert refused.json()["field"] == "commune_code"
    missing = _receive(client, key="a1", **address)
    assert missing.status_code == 400
    assert "commune" in missing.json()["errors"]

    received = _receive(client, key="a2", **address, commune_code=world.commune_b.code)
    assert received.status_code == 201
    code = received.json()["code"]
    assert received.json()["commune_code"] == world.commune_b.code
    assert _post(client, "handovers", {"agency": "so-tnmt", "dossiers": [code]}).status_code == 201
    back = _post(client, "results", {"agency": "so-tnmt", "dossiers": [code]})
    assert back.status_code == 201
    body = client.get(f"/api/dossiers/dossiers/{code}").json()
    assert body["status"] == "posted"
    assert body["result_item"].startswith("HC")
    assert body["steps"][-1]["note"] == body["result_item"]
    # The item is tracked like any other.
    tracked = client.get(f"/api/tracking/{body['result_item']}")
    assert tracked.status_code == 200


def test_a_dossier_lodged_at_the_agency_through_the_api(client_as, clerk_a, procedure):
    client = client_as(clerk_a)
    refused = _receive(client, key="l0", mode="return", documents=[])
    assert refused.status_code == 400
    assert "agency_reference" in refused.json()["errors"]
    lodged = _receive(client, key="l1", mode="return", documents=[], agency_reference="h36-9")
    assert lodged.status_code == 201
    body = lodged.json()
    assert (body["status"], body["agency_reference"], body["total"]) == (
        "handed_over",
        "H36-9",
        15_000,
    )
    back = _post(client, "results", {"agency": "so-tnmt", "dossiers": ["H36-9"]})
    assert back.status_code == 201
    done = _post(client, f"dossiers/{body['code']}/return", {"presented_id": CID})
    assert done.json()["status"] == "returned"
    slip = client.get(f"/dossiers/{body['code']}/slip.pdf")
    assert slip.status_code == 200
