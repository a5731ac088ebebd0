"""/api/care/: a request lodged, listed, assigned, noted, answered and closed through the
API; every problem at once in the user's language; refusals change nothing; the public
answer by code holds no note and no KT1 request; no input is a 500."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from buudien.care import services
from buudien.care.models import CareRequest, CareStep
from buudien.care.tests.conftest import LODGED, lodge

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

JSON = "application/json"


def _post(client: Any, url: str, body: Any) -> Any:
    return client.post(url, body, content_type=JSON)


def test_a_complaint_goes_from_lodged_to_closed_through_the_api(
    client_as: Any, officer: Any, clerk_a: Any, letter: Any
) -> None:
    client = client_as(officer)
    body = {
        "channel": "hotline",
        "kind": "complaint",
        "ground": "loss",
        "subject": "item",
        "s10": letter.s10,
        "customer_name": "Hoàng Thị Mai",
        "customer_phone": "0912345678",
        "description": "Chưa nhận được thư.",
    }
    with time_machine.travel(LODGED, tick=True):
        made = _post(client, "/api/care/requests", body)
    assert made.status_code == 201, made.json()
    code = made.json()["code"]
    assert made.json()["resolve_by"] == "2026-06-01"
    assert [r["code"] for r in client.get("/api/care/requests?q=hoang").json()["items"]] == [code]
    url = f"/api/care/requests/{code}"
    assigned = _post(client, f"{url}/assign", {"unit": "UA", "owner": "clerk_a"})
    assert (assigned.json()["unit"], assigned.json()["owner"]) == ("UA", "clerk_a")
    assert _post(client, f"{url}/notes", {"text": "Đã kiểm tra."}).status_code == 200
    assert _post(client, f"{url}/answer", {"text": "Thư đã thất lạc."}).json()["status"] == (
        "answered"
    )
    closed = _post(client, f"{url}/close", {"outcome": "upheld", "cause": "Thất lạc"})
    assert (closed.json()["status"], closed.json()["outcome"]) == ("closed", "upheld")
    assert [s["kind"] for s in client.get(url).json()["steps"]] == [
        "lodged", "assigned", "note", "answer", "closed",
    ]  # fmt: skip


def test_every_problem_comes_back_at_once_and_nothing_is_lodged(
    client_as: Any, officer: Any
) -> None:
    answer = _post(
        client_as(officer),
        "/api/care/requests",
        {"kind": "complaint", "subject": "item", "customer_name": "", "description": ""},
    )
    assert answer.status_code == 400
    assert set(answer.json()["errors"]) >= {"ground", "s10", "customer_name", "description"}
    assert CareRequest.objects.count() == 0


def test_errors_are_in_the_user_s_language(client_as: Any, officer: Any, letter: Any) -> None:
    client = client_as(officer)
    client.cookies["django_language"] = "vi"
    answer = _post(client, "/api/care/requests", {"kind": "x", "customer_name": "A",
                                                  "description": "?"})  # fmt: skip
    assert answer.status_code == 400 and answer.json()["detail"]


def test_refusals_change_nothing(
    client_as: Any, auditor: Any, clerk_b: Any, officer: Any, letter: Any
) -> None:
    row = lodge(officer, s10=letter.s10)
    url = f"/api/care/requests/{row.code}"
    assert client_as(auditor).get("/api/care/requests").status_code == 403
    assert _post(client_as(clerk_b), f"{url}/notes", {"text": "?"}).status_code == 404
    answered = _post(client_as(officer), f"{url}/close", {"outcome": "upheld", "cause": "x"})
    assert answered.status_code == 400 and "Answer the customer" in answered.json()["detail"]
    with time_machine.travel(LODGED, tick=True):
        early = _post(client_as(officer), f"{url}/escalate", {})
    assert early.status_code == 400
    nowhere = _post(client_as(officer), f"{url}/assign", {"unit": "BDT04"})
    assert nowhere.status_code == 404
    assert list(CareStep.objects.values_list("kind", flat=True)) == ["lodged"]
    assert CareRequest.objects.get().status == "received"


def test_no_login_no_staff_api(client: Any, officer: Any, letter: Any) -> None:
    row = lodge(officer, s10=letter.s10)
    assert client.get("/api/care/requests").status_code == 401
    assert client.get(f"/api/care/requests/{row.code}").status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        "x",
        {"kind": 1, "customer_name": ["a"], "description": {"a": 1}},
        {"kind": "complaint", "customer_name": "A" * 300, "description": "x"},
        {"kind": "enquiry", "customer_name": "A", "description": "x\x00", "s10": "\x00"},
        {"kind": "complaint", "ground": "loss", "subject": "item", "s10": "RR1\x00",
         "customer_name": "A", "customer_phone": "0912345678", "description": "x"},
        {"kind": "complaint", "ground": "loss", "subject": "item", "s10": "é" * 20,
         "customer_name": "A", "description": "x", "international": "maybe"},
    ],
)  # fmt: skip
def test_no_input_is_a_server_error(client_as: Any, officer: Any, body: Any) -> None:
    client = client_as(officer)
    answer = client.post("/api/care/requests", body, content_type=JSON)
    assert 400 <= answer.status_code < 500
    for url in (
        "/api/care/requests/%00",
        "/api/care/public/" + "x" * 500,
        "/api/care/requests?due=x&status=%00",
        "/api/care/compensations/%00",
        "/care/compensations/%00/",
        "/care/%00/",
    ):
        assert client.get(url).status_code < 500, url
    assert CareRequest.objects.count() == 0


def test_the_public_answer_has_no_note_and_no_kt1_request(
    client: Any, officer: Any, kt1_operator: Any, letter: Any, secret: Any
) -> None:
    row = lodge(officer, s10=letter.s10)
    services.request_note(actor=officer, request=row, text="NỘI BỘ")
    services.request_answer(actor=officer, request=row, text="Đã tìm thấy.")
    public = client.get(f"/api/care/public/{row.code.lower()}")
    assert public.status_code == 200
    data = public.json()
    assert (data["status"], data["answer"]) == ("answered", "Đã tìm thấy.")
    assert [s["kind"] for s in data["steps"]] == ["lodged", "answer"]
    assert "NỘI BỘ" not in public.content.decode() and "customer_phone" not in data
    hidden = lodge(kt1_operator, s10=secret.s10)
    assert client.get(f"/api/care/public/{hidden.code}").status_code == 404
