"""The commune scorecard: what the post did in one 2025 commune in a year against the year
before, from its points' rollups; for directors, accountants, auditors and administrators."""

from __future__ import annotations

import pytest

from buudien.core.bizdays import local_today
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.mail.tracking.rollup_models import DeliveryRollup
from buudien.network.models import PointService
from buudien.planning import scorecard

pytestmark = pytest.mark.django_db

TODAY = local_today()
YEAR = TODAY.year


@pytest.fixture
def activity(world):
    """At point A (commune 06001): two registered items this year and one on the same day a
    year before, a pension paid; its office delivered 10 items, 9 on time."""
    drawer = ledger.account_for_drawer(world.point_a)
    registered = ledger.account_for_revenue("20", "registered")
    pension = ledger.account_for_revenue("20", "pension")
    day = TODAY.replace(day=1)
    for key, when, service, account in (
        ("a", day, "registered", registered),
        ("b", day, "registered", registered),
        ("c", day.replace(year=YEAR - 1), "registered", registered),
        ("d", day, "pension", pension),
    ):
        ledger.entry_post(
            actor=None, idempotency_key=key, kind=EntryKind.FEE, reference=key,
            legs=[ledger.Leg(drawer, account, 10_000, service)], province_code="20",
            business_date=when, point=world.point_a,
        )  # fmt: skip
    DeliveryRollup.objects.create(
        province_code="20", day=day, office_code="240001", service="registered",
        delivered=10, on_time=9,
    )  # fmt: skip
    for service in ("parcel", "ems", "savings", "telecom"):
        PointService.objects.create(point=world.point_a, service=service)


def test_the_scorecard_of_a_commune(world, director, activity):
    card = scorecard.commune_scorecard(
        user=director, province_code="20", commune_code="06001", year=YEAR
    )
    assert card["commune"]["name"] == "Xã Đồng Đăng"
    assert [p["code"] for p in card["points"]] == ["240001"]
    this, last = card["current"], card["previous"]
    assert (this["items"], last["items"]) == (2, 1)
    assert this["items_by_service"] == {"registered": 2}
    assert card["growth_pct"]["items"] == 100.0
    assert (this["delivered"], this["on_time_pct"]) == (10, 90.0)
    assert this["pensions_paid"] == 1 and this["revenue"] == 30_000
    assert this["dossiers_received"] is None and this["accounts_opened"] is None
    # Point B is in the other commune: nothing of it here.
    other = scorecard.commune_scorecard(
        user=director, province_code="20", commune_code="06002", year=YEAR
    )
    assert [p["code"] for p in other["points"]] == ["240002"]
    assert other["current"]["items"] is None


def test_who_reads_it_and_what_is_refused(world, director, client_as, activity):
    from buudien.people.tests.factories import UserFactory

    clerk = UserFactory(username="c", role="clerk", unit=world.unit_a, point=world.point_a)
    url = f"/api/planning/communes/06001/scorecard?province=20&year={YEAR}"
    assert client_as(clerk).get(url).status_code == 403
    client = client_as(director)
    assert client.get(url).json()["current"]["items"] == 2
    assert client.get(url.replace("06001", "99999")).status_code == 404
    assert client.get(url.replace(f"year={YEAR}", f"year={YEAR + 1}")).status_code == 400
    assert client.get(url.replace(f"year={YEAR}", "year=abc")).status_code in (400, 422)
    listed = client.get("/api/planning/communes?province=20").json()
    assert {(c["code"], c["points"]) for c in listed} >= {("06001", 1), ("06002", 1)}


def test_the_printable_page(world, director, client_as, activity):
    client = client_as(director)
    page = client.get(f"/planning/communes/06001/?province=20&year={YEAR}")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="scorecard-figures"' in html and "data-print" in html
    assert "Xã Đồng Đăng" in html and "90,0%" in html
    listing = client.get("/planning/communes/?province=20").content.decode()
    assert f"/planning/communes/06001/?province=20&amp;year={YEAR}" in listing
    assert client.get("/planning/communes/99999/?province=20").status_code == 404
    assert client.get(f"/planning/communes/06001/?province=20&year={YEAR - 1}").status_code == 200
