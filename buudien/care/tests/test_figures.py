"""The care figures read from the rollup the services keep: what was lodged and closed (in
time or late, upheld or not) comes out per channel, kind, ground, unit and month; complaints
per 10,000 items against a known mail volume; who reads them through the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from buudien.care import services
from buudien.care.figures import open_overdue, year_summary
from buudien.care.models import CareRequest
from buudien.care.rollup import rollup_paid
from buudien.care.tests.conftest import lodge
from buudien.core.bizdays import VIETNAM
from buudien.finance.models import MonthlyFigure
from buudien.people.tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=VIETNAM)


def _handle(actor: Any, row: CareRequest, closed_on: dt.date, outcome: str = "") -> None:
    services.request_answer(actor=actor, request=row, text="Đã trả lời.", at=_at(closed_on, 8))
    services.request_close(
        actor=actor, request=row, outcome=outcome, cause="Chậm tại bưu cục", at=_at(closed_on)
    )


@pytest.fixture
def year_of_care(world: Any, officer: Any, clerk_a: Any, letter: Any, delivered: Any) -> Any:
    """2026: a loss complaint on the hotline (closed in time, upheld, compensated 150.000 ₫),
    a damage complaint at the counter of A (closed late, rejected), an enquiry on the web
    (closed in time) and a suggestion in May, still open."""
    loss = lodge(officer, s10=letter.s10)
    _handle(officer, loss, dt.date(2026, 4, 20), "upheld")
    rollup_paid(loss, 150_000, dt.date(2026, 5, 4))
    damage = lodge(
        clerk_a,
        channel="counter",
        s10=delivered.s10,
        ground="damage",
        point=world.point_a,
        at=_at(dt.date(2026, 4, 2)),
    )
    _handle(clerk_a, damage, dt.date(2026, 6, 15), "rejected")  # due 2/6: late
    enquiry = lodge(
        None, kind="enquiry", ground="", subject="none", province_code="20", channel="web"
    )
    _handle(officer, enquiry, dt.date(2026, 4, 3))
    lodge(
        officer,
        kind="suggestion",
        ground="",
        subject="none",
        at=_at(dt.date(2026, 5, 5)),
        description="Mở thêm quầy giao dịch buổi trưa.",
    )
    return loss


def _by_code(rows: list[dict[str, Any]], *keys: str) -> dict[str, tuple[Any, ...]]:
    return {row["code"]: tuple(row[key] for key in keys) for row in rows}


def test_the_figures_equal_what_the_services_recorded(
    world: Any, director: Any, year_of_care: Any
) -> None:
    found = year_summary(user=director, province_code="20", year=2026)

    total = found["total"]
    assert (total["received"], total["complaints"], total["closed"]) == (4, 2, 3)
    assert (total["closed_on_time"], total["upheld"]) == (2, 1)
    assert (total["compensations"], total["compensation_paid"]) == (1, 150_000)
    assert (total["on_time_pct"], total["complaints_on_time_pct"]) == (66.7, 50.0)
    assert found["previous"]["received"] is None
    assert _by_code(found["per_channel"], "received") == {
        "hotline": (2,),
        "counter": (1,),
        "web": (1,),
    }
    assert _by_code(found["per_kind"], "received", "closed") == {
        "enquiry": (1, 1),
        "complaint": (2, 2),
        "suggestion": (1, 0),
    }
    assert _by_code(found["per_ground"], "complaints", "upheld") == {
        "loss": (1, 1),
        "damage": (1, 0),
    }
    # Counted at the unit first in charge: the item's office (A) and A's counter; the rest
    # at the provincial post (in no child unit).
    assert _by_code(found["per_unit"], "received", "closed_on_time") == {
        "UA": (2, 1),
        "UB": (None, None),
    }
    months = {row["month"]: row for row in found["per_month"]}
    assert (months[4]["received"], months[5]["received"]) == (3, 1)
    assert months[5]["compensation_paid"] == 150_000  # the month it was paid


def test_a_unit_s_figures_are_those_of_its_subtree(
    world: Any, director: Any, year_of_care: Any
) -> None:
    found = year_summary(user=director, province_code="20", year=2026, unit_code="UA")

    assert found["unit"]["code"] == "UA"
    assert (found["total"]["received"], found["total"]["complaints"]) == (2, 2)
    assert found["total"]["compensation_paid"] == 150_000


def test_complaints_per_10000_items_against_the_mail_volumes(
    world: Any, director: Any, year_of_care: Any
) -> None:
    # 20,000 registered items and 5,000 parcels accepted at A in 2026; 16,000 registered in 2025
    for month, service, volume in (
        (dt.date(2026, 3, 1), "registered", 12_000),
        (dt.date(2026, 4, 1), "registered", 8_000),
        (dt.date(2026, 4, 1), "parcel", 5_000),
        (dt.date(2025, 4, 1), "registered", 16_000),
    ):
        MonthlyFigure.objects.create(
            province_code="20", month=month, point=world.point_a, service=service, volume=volume
        )
    MonthlyFigure.objects.create(  # not mail: left out
        province_code="20", month=dt.date(2026, 4, 1), point=world.point_a, service="pension",
        volume=900,
    )  # fmt: skip

    found = year_summary(user=director, province_code="20", year=2026)

    assert (found["items"], found["items_previous"]) == (25_000, 16_000)
    assert found["per_10000"] == 0.8  # 2 complaints / 25,000 items
    assert found["per_10000_previous"] is None  # no request at all in 2025: no data
    assert _by_code(found["per_service"], "items", "complaints", "per_10000") == {
        "registered": (20_000, 2, 1.0),
        "parcel": (5_000, 0, 0.0),
    }


def test_the_complaints_open_past_their_deadline(
    world: Any, officer: Any, letter: Any, delivered: Any
) -> None:
    lodge(officer, s10=letter.s10)  # due 1/6/2026, left open
    done = lodge(officer, s10=delivered.s10, ground="delay")
    _handle(officer, done, dt.date(2026, 4, 10), "rejected")
    lodge(officer, kind="enquiry", ground="", subject="none")  # an enquiry: not counted

    assert open_overdue(province_code="20", unit=None, today=dt.date(2026, 6, 1)) == 0
    assert open_overdue(province_code="20", unit=None, today=dt.date(2026, 6, 2)) == 1
    assert open_overdue(province_code="20", unit=world.unit_b, today=dt.date(2026, 6, 2)) == 0


# --- the API -----------------------------------------------------------------------------


class _Api:
    """``get(url, user=…)``: the project's API as that user."""

    def __init__(self, client_as: Any) -> None:
        self.client_as = client_as

    def get(self, url: str, *, user: Any) -> Any:
        return self.client_as(user).get(f"/api{url}")


@pytest.fixture
def api(client_as: Any) -> _Api:
    return _Api(client_as)


def test_the_api_gives_the_figures_to_readers_of_the_scope(
    api: _Api, world: Any, director: Any, auditor: Any, officer: Any, year_of_care: Any
) -> None:
    accountant = UserFactory(username="kt", role="accountant", unit=world.province)
    for reader in (director, auditor, officer, accountant):
        answer = api.get("/care/figures?year=2026", user=reader)
        assert answer.status_code == 200, reader.username
        assert answer.json()["total"]["received"] == 4
    one = api.get("/care/figures?year=2026&unit=UA", user=director).json()
    assert (one["unit"]["code"], one["total"]["received"]) == ("UA", 2)


def test_the_api_refuses_others_and_units_outside_the_scope(
    api: _Api, world: Any, clerk_a: Any, outsider: Any, year_of_care: Any
) -> None:
    refused = api.get("/care/figures?year=2026", user=clerk_a)
    assert refused.status_code == 403
    assert "customer care staff" in refused.json()["detail"]
    carer_a = UserFactory(username="cs_a", role="care_officer", unit=world.unit_a)
    mine = api.get("/care/figures?year=2026", user=carer_a).json()
    assert (mine["unit"]["code"], mine["total"]["received"]) == ("UA", 2)
    assert api.get("/care/figures?year=2026&unit=UB", user=carer_a).status_code == 404
    assert api.get("/care/figures?year=2026&unit=UA", user=outsider).status_code == 404
    assert api.get("/care/figures?year=1999", user=carer_a).status_code == 400
