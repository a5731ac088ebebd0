"""Units, points, search and coverage: services, selectors, API and pages."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from buudien.core.errors import DomainError
from buudien.core.models import AuditEntry
from buudien.network import selectors, services
from buudien.network.models import AdminAreaSuccession, ServicePoint, Unit
from buudien.network.tests.factories import AdminAreaFactory, LegacyCommuneFactory, PointFactory

pytestmark = pytest.mark.django_db


def _post(client, url, payload):
    return client.post(url, data=json.dumps(payload), content_type="application/json")


def _patch(client, url, payload):
    return client.patch(url, data=json.dumps(payload), content_type="application/json")


# --- units ----------------------------------------------------------------------------------


def test_it_moves_a_unit_with_its_subtree_and_points(admin_user, world):
    below = services.unit_create(
        actor=admin_user, code="UA1", name="Tổ A1", kind="commune", parent=world.unit_a
    )
    services.unit_update(actor=admin_user, unit=world.unit_a, parent=world.unit_b)
    below.refresh_from_db()
    world.point_a.refresh_from_db()
    assert below.path == "VNP/BDT20/UB/UA/UA1/"
    assert world.point_a.unit_path == "VNP/BDT20/UB/UA/"
    assert (
        AuditEntry.objects.filter(action="unit.update", object_id=str(world.unit_a.pk)).count() == 1
    )


def test_it_refuses_moving_a_unit_below_itself(admin_user, world):
    with pytest.raises(DomainError):
        services.unit_update(actor=admin_user, unit=world.province, parent=world.unit_a)
    world.province.refresh_from_db()
    assert world.province.path == "VNP/BDT20/"


def test_it_refuses_a_duplicate_unit_code(admin_user, world):
    with pytest.raises(DomainError) as caught:
        services.unit_create(
            actor=admin_user, code="ua", name="X", kind="commune", parent=world.province
        )
    assert caught.value.field == "code"


def test_it_refuses_a_unit_that_ends_before_it_starts(admin_user, world):
    with pytest.raises(DomainError):
        services.unit_create(
            actor=admin_user,
            code="UQ",
            name="X",
            kind="commune",
            parent=world.province,
            valid_from=dt.date(2025, 1, 2),
            valid_to=dt.date(2025, 1, 1),
        )
    assert not Unit.objects.filter(code="UQ").exists()


# --- points ---------------------------------------------------------------------------------


def test_it_fills_the_2025_commune_of_a_point_recorded_in_the_legacy_structure(admin_user, world):
    legacy = LegacyCommuneFactory(code="05971", name="Xã Hoàng Đồng")
    AdminAreaSuccession.objects.create(legacy=legacy, successor=world.commune_a, partly=False)
    point = services.point_create(
        actor=admin_user,
        code="240100",
        name="Điểm BĐVHX Hoàng Đồng",
        kind="bdvhx",
        unit=world.unit_a,
        commune_legacy=legacy,
        opened_on=dt.date(2010, 5, 1),
        multi_service=True,
        services=["registered", "pension"],
    )
    assert (point.commune, point.commune_legacy) == (world.commune_a, legacy)
    assert sorted(point.offers.values_list("service", flat=True)) == ["pension", "registered"]
    entry = AuditEntry.objects.get(action="point.create")
    assert entry.actor == admin_user and entry.after["code"] == "240100"


def test_it_refuses_multi_service_on_a_post_office_and_changes_nothing(admin_user, world):
    with pytest.raises(DomainError) as caught:
        services.point_create(
            actor=admin_user,
            code="240101",
            name="X",
            kind="bc3",
            unit=world.unit_a,
            commune=world.commune_a,
            opened_on=dt.date(2024, 1, 1),
            multi_service=True,
        )
    assert caught.value.field == "multi_service"
    assert not ServicePoint.objects.filter(code="240101").exists()


def test_it_refuses_a_point_closing_before_it_opens(admin_user, world):
    with pytest.raises(DomainError):
        services.point_update(actor=admin_user, point=world.point_a, closed_on=dt.date(2000, 1, 1))
    world.point_a.refresh_from_db()
    assert world.point_a.closed_on is None


def test_it_records_before_and_after_when_a_point_changes(admin_user, world):
    services.point_update(
        actor=admin_user, point=world.point_a, cashless=True, services=["collection"]
    )
    entry = AuditEntry.objects.get(action="point.update")
    assert entry.before["cashless"] is False and entry.after["cashless"] is True
    assert entry.after["services"] == ["collection"]


# --- search ---------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["dong dang", "Đồng Đăng", "ĐỒNG   đăng", "dong"])
def test_it_finds_a_point_ignoring_diacritics_and_case(director, query):
    found = selectors.point_list(user=director, q=query)
    assert [p.code for p in found] == ["240001"]


def test_it_finds_units_by_folded_name(director):
    assert [u.code for u in selectors.unit_list(user=director, q="lang son")] == ["BDT20"]


def test_it_filters_points_by_kind_service_and_date(director, world):
    world.point_b.offers.create(service="pension")
    PointFactory(
        code="240003",
        unit=world.unit_a,
        commune=world.commune_a,
        opened_on=dt.date(2020, 1, 1),
        closed_on=dt.date(2022, 1, 1),
    )
    assert [p.code for p in selectors.point_list(user=director, kind="bdvhx")] == ["240002"]
    assert [p.code for p in selectors.point_list(user=director, service="pension")] == ["240002"]
    on_2021 = selectors.point_list(user=director, active_on=dt.date(2021, 6, 1))
    assert [p.code for p in on_2021] == ["240001", "240002", "240003"]
    on_2023 = selectors.point_list(user=director, active_on=dt.date(2023, 6, 1))
    assert [p.code for p in on_2023] == ["240001", "240002"]


# --- coverage -------------------------------------------------------------------------------


def test_it_counts_coverage_in_the_structure_in_force_on_the_day(director, world):
    lonely = AdminAreaFactory(code="06003", name="Xã Không Có Điểm")
    legacy_a = LegacyCommuneFactory(code="05001", name="Xã Cũ A")
    legacy_b = LegacyCommuneFactory(code="05002", name="Xã Cũ B")
    ServicePoint.objects.filter(pk=world.point_a.pk).update(commune_legacy=legacy_a)
    ServicePoint.objects.filter(pk=world.point_b.pk).update(commune_legacy=legacy_a)

    now = selectors.coverage(user=director, province_code="20", day=dt.date(2026, 1, 1))
    assert (now.communes_covered, now.communes_total, now.pct) == (2, 3, 66.7)
    assert [c.name for c in now.uncovered] == [lonely.name]

    before = selectors.coverage(user=director, province_code="20", day=dt.date(2023, 12, 31))
    assert before.structure == "legacy"
    assert (before.communes_covered, before.communes_total) == (1, 2)
    assert [c.code for c in before.uncovered] == [legacy_b.code]


def test_it_does_not_count_a_closed_point_or_a_centre(director, world):
    ServicePoint.objects.filter(pk=world.point_b.pk).update(closed_on=dt.date(2025, 12, 1))
    PointFactory(code="240900", kind="centre", unit=world.unit_b, commune=world.commune_b)
    result = selectors.coverage(user=director, province_code="20", day=dt.date(2026, 1, 1))
    assert (result.communes_covered, result.communes_total) == (1, 2)


# --- API ------------------------------------------------------------------------------------


def test_it_serves_the_openapi_document(client):
    doc = client.get("/api/openapi.json").json()
    assert "/api/network/points" in doc["paths"]
    assert "/api/network/coverage" in doc["paths"]


def test_it_creates_and_updates_a_point_through_the_api(client_as, admin_user, world):
    client = client_as(admin_user)
    response = _post(
        client,
        "/api/network/points",
        {
            "code": "240200",
            "name": "Bưu cục Tân Thanh",
            "kind": "bc3",
            "unit_code": "UA",
            "commune_code": "6001",
            "geography": "2025",
            "opened_on": "2024-03-01",
            "cashless": True,
            "services": ["ems", "registered"],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["commune"]["code"] == "06001" and body["services"] == ["ems", "registered"]
    response = _patch(client, "/api/network/points/240200", {"closed_on": "2026-02-01"})
    assert response.json()["closed_on"] == "2026-02-01"


def test_it_answers_bad_input_with_a_4xx_and_changes_nothing(client_as, admin_user, world):
    client = client_as(admin_user)
    count = ServicePoint.objects.count()
    cases = [
        {
            "code": "240201",
            "name": "X",
            "kind": "nope",
            "unit_code": "UA",
            "commune_code": "06001",
            "opened_on": "2024-01-01",
        },
        {
            "code": "240201",
            "name": "X",
            "kind": "bc3",
            "unit_code": "UA",
            "commune_code": "99999",
            "geography": "2025",
            "opened_on": "2024-01-01",
        },
        {
            "code": "240201",
            "name": "X",
            "kind": "bc3",
            "unit_code": "NOPE",
            "commune_code": "06001",
            "opened_on": "2024-01-01",
        },
        {
            "code": "240201",
            "name": "X",
            "kind": "bc3",
            "unit_code": "UA",
            "commune_code": "06001",
            "opened_on": "31/02/2024",
        },
        {
            "code": "240001",
            "name": "X",
            "kind": "bc3",
            "unit_code": "UA",
            "commune_code": "06001",
            "opened_on": "2025-08-01",
        },
    ]
    for payload in cases:
        response = _post(client, "/api/network/points", payload)
        assert 400 <= response.status_code < 500, (payload, response.content)
        assert response.json()["detail"]
    assert (
        client.post(
            "/api/network/points", data="{not json", content_type="application/json"
        ).status_code
        < 500
    )
    assert ServicePoint.objects.count() == count


def test_it_speaks_vietnamese_in_api_errors_by_default(client_as, admin_user, world):
    response = _post(
        client_as(admin_user),
        "/api/network/points",
        {
            "code": "240001",
            "name": "X",
            "kind": "bc3",
            "unit_code": "UA",
            "commune_code": "06001",
            "geography": "2025",
            "opened_on": "2025-08-01",
        },
    )
    assert response.status_code == 400
    assert "đã có" in response.json()["detail"]


def test_it_reads_coverage_through_the_api(client_as, director, world):
    body = client_as(director).get("/api/network/coverage?province=20&on=2026-01-01").json()
    assert (body["communes_covered"], body["communes_total"], body["coverage_pct"]) == (2, 2, 100.0)


# --- pages ----------------------------------------------------------------------------------


def test_it_lists_points_with_a_pinned_number_of_queries(
    client_as, director, world, django_assert_max_num_queries
):
    for n in range(30):
        PointFactory(code=f"25{n:04d}", unit=world.unit_a, commune=world.commune_a)
    client = client_as(director)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("network:points"))
    assert response.status_code == 200
    assert "Bưu cục Đồng Đăng" in response.content.decode()


def test_the_api_searches_points_without_diacritics_with_their_services_in_one_query(
    client_as, director, world, django_assert_max_num_queries
):
    from buudien.network.models import PointService

    for n, offered in enumerate([["registered", "ems", "collection"], [], ["pension"]]):
        point = PointFactory(
            code=f"26{n:04d}", name=f"Bưu cục Đồng Đăng {n}", unit=world.unit_a,
            commune=world.commune_a,
        )  # fmt: skip
        PointService.objects.bulk_create(PointService(point=point, service=s) for s in offered)
    client = client_as(director)
    client.get("/api/network/points", {"q": "dong dang"})  # the session read once
    # the session, the user, the user's unit, the count, the points with their services
    with django_assert_max_num_queries(5):
        response = client.get("/api/network/points", {"q": "dong dang"})
    assert response.status_code == 200, response.content
    found = {p["code"]: p["services"] for p in response.json()["items"]}
    assert found["260000"] == ["collection", "ems", "registered"]
    assert found["260001"] == []
    assert found["260002"] == ["pension"]


def test_it_answers_htmx_with_only_the_rows(client_as, director):
    response = client_as(director).get(
        reverse("network:points"), {"q": "chi lang"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html and "Điểm BĐVHX Chi Lăng" in html and "Đồng Đăng" not in html


def test_it_shows_a_point_page_with_commune_services_and_staff(client_as, director, clerk_a):
    html = client_as(director).get(reverse("network:point", args=["240001"])).content.decode()
    assert "Xã Đồng Đăng" in html and clerk_a.full_name in html


def test_it_shows_the_coverage_page_with_uncovered_communes(client_as, director, world):
    AdminAreaFactory(code="06009", name="Xã Bắc Xa")
    html = (
        client_as(director)
        .get(reverse("network:coverage"), {"province": "20", "on": "01/01/2026"})
        .content.decode()
    )
    assert "2/3" in html and "Xã Bắc Xa" in html


def test_it_renders_every_page_for_the_director(client_as, director):
    client = client_as(director)
    for url in [
        "/",
        "/network/units/",
        "/network/units/BDT20/",
        "/network/points/",
        "/network/points/240001/",
        "/network/coverage/",
        "/people/",
    ]:
        assert client.get(url).status_code == 200, url


def test_it_lets_an_admin_edit_a_point_in_the_browser_form(client_as, admin_user, world):
    response = client_as(admin_user).post(
        reverse("network:point_edit", args=["240001"]),
        {
            "code": "240001",
            "name": "Bưu cục Đồng Đăng mới",
            "kind": "bc2",
            "unit": world.unit_a.pk,
            "commune": world.commune_a.pk,
            "opened_on": "01/01/2015",
            "cashless": "on",
            "services": ["ems", "pension"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    point = ServicePoint.objects.get(code="240001")
    assert (point.name, point.kind, point.cashless) == ("Bưu cục Đồng Đăng mới", "bc2", True)


def test_it_counts_points_by_kind_and_per_unit(director, world):
    PointFactory(code="240300", kind="bc3", unit=world.unit_a, commune=world.commune_a)
    counts = selectors.point_counts_by_kind(selectors.point_list(user=director))
    assert (counts["bc3"], counts["bdvhx"], counts["bc1"]) == (2, 1, 0)
    nodes = {n.unit.code: n for n in selectors.unit_tree(user=director, day=dt.date(2026, 1, 1))}
    assert (nodes["UA"].points_active, nodes["UB"].points_active) == (2, 1)
    assert (nodes["BDT20"].depth, nodes["UA"].depth) == (0, 1)


@pytest.mark.parametrize("field", ["commune_code", "unit_code", "name", "kind", "opened_on"])
def test_a_patch_with_null_for_a_field_that_keeps_a_value_is_refused(
    client_as, admin_user, world, field
):
    before = ServicePoint.objects.values().get(code="240001")
    response = client_as(admin_user).patch(
        "/api/network/points/240001", {field: None}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == f"{field} không được để trống."
    assert ServicePoint.objects.values().get(code="240001") == before


def test_a_patch_with_null_clears_the_phone_and_the_closing_day(client_as, admin_user, world):
    client = client_as(admin_user)
    response = client.patch(
        "/api/network/points/240001",
        {"phone": None, "address": None, "closed_on": None},
        content_type="application/json",
    )
    assert response.status_code == 200
    point = ServicePoint.objects.get(code="240001")
    assert (point.phone, point.address, point.closed_on) == ("", "", None)
