"""The plans page: the grid in Vietnamese, saving it, refusals, uplift and import forms."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from buudien.planning.models import Plan

pytestmark = pytest.mark.django_db


def test_the_grid_shows_the_units_in_vietnamese(world, director, client_as):
    Plan.objects.create(province_code="20", year=2023, unit=world.unit_a, metric="revenue",
                        subject="postal", amount=1_500_000)  # fmt: skip
    response = client_as(director).get(reverse("planning:index") + "?province=20&year=2023")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Bưu điện xã Đồng Đăng" in page
    assert "Lưu kế hoạch" in page  # "Save the plan"
    assert 'placeholder="1.500.000"' in page  # the province's sum, greyed


def test_a_planner_saves_the_grid(world, director, client_as):
    client = client_as(director)
    url = reverse("planning:index") + "?province=20&year=2023"
    field = f"p-{world.unit_b.pk}-revenue-finance"
    response = client.post(url, {field: "2.500.000"})
    assert response.status_code == 302
    assert Plan.objects.get().amount == 2_500_000
    response = client.post(url, {field: ""})
    assert not Plan.objects.exists()


def test_a_bad_amount_saves_nothing(world, director, client_as):
    client = client_as(director)
    url = reverse("planning:index") + "?province=20&year=2023"
    response = client.post(
        url,
        {f"p-{world.unit_a.pk}-revenue-total": "12", f"p-{world.unit_b.pk}-revenue-total": "abc"},
    )
    assert response.status_code == 400
    assert not Plan.objects.exists()


def test_an_auditor_of_a_unit_reads_it_only_and_cannot_edit(world, clerk_a, client_as):
    from buudien.people.tests.factories import UserFactory

    assert client_as(clerk_a).get(reverse("planning:index")).status_code == 403
    client = client_as(UserFactory(username="auditor_a", role="auditor", unit=world.unit_a))
    response = client.get(reverse("planning:index") + "?province=20&year=2023")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Bưu điện xã Đồng Đăng" in page
    assert "Bưu điện xã Chi Lăng" not in page
    grid = page.split('data-testid="plan-grid"')[1].split("</form>")[0]
    assert 'type="text"' not in grid
    client.post(
        reverse("planning:index") + "?province=20&year=2023",
        {f"p-{world.unit_a.pk}-revenue-total": "12"},
    )
    assert not Plan.objects.exists()


def test_another_province_is_not_found(world, outsider, client_as):
    response = client_as(outsider).get(reverse("planning:index") + "?province=20&year=2023")
    assert response.status_code == 404


def test_uplift_and_import_from_the_page(world, director, client_as):
    client = client_as(director)
    upload = SimpleUploadedFile(
        "plans.csv", b"year,unit_code,metric,service,amount\n2023,BDT20,revenue,total,1000\n"
    )
    client.post(
        reverse("planning:import") + "?province=20&year=2023", {"kind": "plans", "file": upload}
    )
    assert Plan.objects.get().amount == 1000
    response = client.post(
        reverse("planning:uplift") + "?province=20&year=2023", {"pct": "2", "basis": "plan"}
    )
    assert response.status_code == 302
    assert "year=2024" in response["Location"]
    assert Plan.objects.get(year=2024).amount == 1020
