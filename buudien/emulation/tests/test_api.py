"""/api/emulation/: a movement launched, a pledge recorded, an award proposed by a head and
decided by the emulation officer, an initiative proposed and recognised, and what the
records show for a person, all through the API; bad input is a 4xx with its message and
changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from buudien.emulation.models import Award, Movement, Pledge
from buudien.emulation.tests.conftest import DECIDED

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

JSON = "application/json"


def _post(client: Any, url: str, body: Any) -> Any:
    return client.post(url, body, content_type=JSON)


def _as(user: Any) -> Client:
    """A client of its own for each person (the tests speak as several at once)."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def january() -> Any:
    with time_machine.travel(DECIDED, tick=True):
        yield


def test_the_year_s_emulation_goes_through_the_api(
    hr: Any, head_a: Any, clerk_a: Any, january: None
) -> None:
    officer = _as(hr)
    made = _post(officer, "/api/emulation/movements", {
        "theme": "Phát triển dịch vụ hành chính công", "launched_by": "Giám đốc Bưu điện tỉnh",
        "launched_on": "2025-01-10", "year_from": 2025, "units": ["UA"],
        "criteria": {"dossiers_on_time_pct": 6},
    })  # fmt: skip
    assert made.status_code == 201, made.json()
    movement = made.json()
    assert (movement["province"], movement["units"], movement["criteria"]) == (
        "BDT20", ["UA"], [{"code": "dossiers_on_time_pct", "weight": 6}],
    )  # fmt: skip
    pledge = _post(officer, "/api/emulation/pledges", {
        "unit": "UA", "year": 2025, "signed_on": "2025-01-15", "movement": movement["id"],
        "management_signatory": "Hoàng Văn Đức", "union_signatory": "Nông Thị Hoa",
        "targets": [{"code": "dossiers_on_time_pct", "target": "97.5"}],
    })  # fmt: skip
    assert pledge.status_code == 201, pledge.json()
    assert pledge.json()["targets"] == [
        {"code": "dossiers_on_time_pct", "target": "97.50", "result": None, "met": None}
    ]

    proposed = _post(_as(head_a), "/api/emulation/awards/propose", {
        "kind": "lao_dong_tien_tien", "person": clerk_a.pk, "year_from": 2025,
        "movement": movement["id"],
    })  # fmt: skip
    assert proposed.status_code == 201, proposed.json()
    decided = _post(officer, f"/api/emulation/awards/{proposed.json()['id']}/decide", {
        "outcome": "awarded", "decision_number": "05/QĐ-BĐT", "decision_date": "2026-01-12",
    })  # fmt: skip
    assert (decided.json()["status"], decided.json()["person_name"]) == ("awarded", str(clerk_a))
    listed = _as(clerk_a).get("/api/emulation/awards", {"year": 2025, "q": "nguyen"})
    assert [a["decision_number"] for a in listed.json()["items"]] == ["05/QĐ-BĐT"]

    idea = _post(_as(head_a), "/api/emulation/initiatives", {
        "title": "Nhận hồ sơ qua Zalo", "unit": "UA", "authors": [clerk_a.pk], "year": 2025,
    })  # fmt: skip
    assert (idea.status_code, idea.json()["status"]) == (201, "proposed")
    recognised = _post(officer, f"/api/emulation/initiatives/{idea.json()['id']}/recognise", {
        "decision_number": "02/QĐ-HĐSK", "decision_date": "2026-01-08",
    })  # fmt: skip
    assert recognised.json()["status"] == "recognised"

    shown = officer.get("/api/emulation/eligibility", {"person": clerk_a.pk, "year": 2025})
    checks = {c["kind"]: c for c in shown.json()["checks"]}
    assert checks["cstd_co_so"]["ok"] is True
    assert checks["cstd_co_so"]["label"] == "Grassroots emulation fighter"
    unit = officer.get("/api/emulation/eligibility", {"unit": "UA", "year": 2025}).json()
    collective = {c["kind"]: c for c in unit["checks"]}["tap_the_ldtt"]
    assert (collective["ok"], collective["reasons"]) == (
        False, ["1 of the unit's 2 people are Advanced worker for 2025: 50.0%."],
    )  # fmt: skip


def test_bad_input_is_a_4xx_with_its_message_and_changes_nothing(
    hr: Any, clerk_a: Any, clerk_b: Any, outsider: Any, january: None
) -> None:
    officer = _as(hr)
    as_text = _post(officer, "/api/emulation/movements", {"theme": "X", "year_from": "2025"})
    assert as_text.status_code == 422
    problems = _post(officer, "/api/emulation/movements", {
        "theme": "", "year_from": 2025, "year_to": 2024, "criteria": {"deliveries": 0},
    })  # fmt: skip
    assert problems.status_code == 400
    assert set(problems.json()["errors"]) == {
        "theme", "launched_by", "launched_on", "year_to", "criteria",
    }  # fmt: skip
    unknown = _post(officer, "/api/emulation/pledges", {"unit": "NOPE", "year": 2025})
    assert (unknown.status_code, unknown.json()["detail"]) == (404, "No such unit.")
    refused = _post(_as(clerk_a), "/api/emulation/awards", {
        "kind": "giay_khen", "person": clerk_a.pk, "year_from": 2025,
        "decision_number": "1", "decision_date": "2026-01-10",
    })  # fmt: skip
    assert refused.status_code == 403
    elsewhere = _post(_as(outsider), "/api/emulation/awards/propose", {
        "kind": "giay_khen", "person": clerk_b.pk, "year_from": 2025,
    })  # fmt: skip
    assert elsewhere.status_code == 404
    nobody = officer.get("/api/emulation/eligibility", {"year": 2025})
    assert (nobody.status_code, nobody.json()["detail"]) == (400, "Give a person or a unit.")
    assert (
        _as(clerk_b)
        .get("/api/emulation/eligibility", {"person": clerk_a.pk, "year": 2025})
        .status_code
        == 404
    )
    assert (Movement.objects.count(), Pledge.objects.count(), Award.objects.count()) == (0, 0, 0)
