"""The workforce's pages and API: who reads and who changes them, and every refusal a 4xx."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from buudien.people.models import User
from buudien.people.tests.factories import average_income

pytestmark = pytest.mark.django_db


def test_the_workforce_page_shows_the_headcount_and_income_to_readers_only(
    client_as: Any, director: User, clerk_a: User, crew: dict[str, User], world: Any
) -> None:
    average_income(world.unit_a, 2026, 3, 9_000_000)
    url = reverse("people:workforce") + "?unit=BDT20&day=2026-05-31&year=2026"

    page = client_as(director).get(url)

    assert page.status_code == 200
    html = page.content.decode()
    total = html.split('data-testid="headcount-total">')[1].split("<")[0]
    assert total == "6"  # clerk_a, clerk_b, the three of the crew and the director
    assert "9.000.000" in html and "Bưu điện xã Đồng Đăng" in html
    assert reverse("people:staff") + "?unit=BDT20" in html
    assert 'href="/people/workforce/"' in html  # the navigation's entry
    assert client_as(clerk_a).get(url).status_code == 403


def test_the_staff_list_finds_names_without_diacritics(
    client_as: Any, hr_a: User, crew: dict[str, User]
) -> None:
    page = client_as(hr_a).get(reverse("people:staff"), {"q": "hoang van"})

    html = page.content.decode()
    assert page.status_code == 200
    assert "Hoàng Văn Nam" in html and "Lường Thị Hoa" not in html
    assert reverse("people:staff_edit", args=[crew["leaver"].pk]) in html


def test_the_personnel_officer_adds_and_edits_staff_through_the_forms(
    client_as: Any, hr_a: User, world: Any, clerk_a: User
) -> None:
    client = client_as(hr_a)
    assert client.get(reverse("people:staff_new")).status_code == 200

    response = client.post(
        reverse("people:staff_new"),
        {
            "full_name": "Lò Văn Hải",
            "unit": world.unit_a.pk,
            "role": "postman",
            "contract_type": "seasonal",
            "employed_from": "01/08/2026",
        },
    )

    assert response.status_code == 302
    hai = User.objects.get(full_name="Lò Văn Hải")
    assert (hai.contract_type, hai.has_login) == ("seasonal", False)
    # A user who logs in: the name cannot be changed here; the workforce fields can.
    edit = reverse("people:staff_edit", args=[clerk_a.pk])
    assert 'disabled id="id_full_name"' in client.get(edit).content.decode()
    name = clerk_a.full_name
    saved = client.post(edit, {"full_name": "Renamed", "staff_code": "NV7", "contract_type": ""})
    assert saved.status_code == 302
    clerk_a.refresh_from_db()
    assert (clerk_a.staff_code, clerk_a.full_name) == ("NV7", name)


def test_the_import_page_lists_every_problem_at_once(
    client_as: Any, hr_a: User, world: Any
) -> None:
    client = client_as(hr_a)
    upload = SimpleUploadedFile(
        "tnbq.csv",
        (
            "Mã đơn vị,Năm,Lao động bình quân,Thu nhập bình quân\nUB,2026,2,9000000\nUA,x,0,1\n"
        ).encode(),
    )

    page = client.post(
        reverse("people:workforce_import"), {"kind": "average_income", "file": upload}
    )

    html = page.content.decode()
    assert page.status_code == 400 and 'data-testid="import-problems"' in html
    assert html.count('<tr><td class="num">') == 3  # UB unknown; the year; the headcount
    good = SimpleUploadedFile(
        "tnbq.csv", b"unit_code,year,headcount,average_income\nUA,2026,2,9000000\n"
    )
    done = client.post(reverse("people:workforce_import"), {"kind": "average_income", "file": good})
    assert done.status_code == 200 and 'data-testid="import-done"' in done.content.decode()


def test_the_api_reads_the_headcount_and_income_of_a_unit_in_scope(
    client_as: Any, director: User, hr_a: User, crew: dict[str, User], world: Any
) -> None:
    average_income(world.unit_a, 2026, 3, 9_000_000)
    average_income(world.unit_b, 2025, 1, 10_000_000)
    client = client_as(director)

    counts = client.get("/api/people/workforce", {"unit": "BDT20", "date": "2026-05-31"}).json()
    income = client.get("/api/people/income", {"year": 2026}).json()

    assert counts["total"]["total"] == 7 and counts["own"]["total"] == 1  # and hr_a at A
    assert [row["code"] for row in counts["units"]] == ["UA", "UB"]
    assert (income["unit"], income["average_income"], income["imported"]) == (
        "BDT20",
        9_000_000,
        False,
    )
    assert income["previous_average_income"] == 10_000_000 and income["growth_pct"] == -10.0
    assert client_as(hr_a).get("/api/people/workforce", {"unit": "UB"}).status_code == 404


def test_the_api_adds_staff_and_refuses_with_a_4xx(
    client_as: Any, hr_a: User, clerk_a: User, world: Any
) -> None:
    def post(client: Any, body: dict[str, Any]) -> Any:
        return client.post(
            "/api/people/staff", data=json.dumps(body), content_type="application/json"
        )

    body = {"full_name": "Hà Thị Mơ", "unit": "UA", "point": "240001", "contract_type": "service"}
    count = User.objects.count()

    assert post(client_as(clerk_a), body).status_code == 403
    hr = client_as(hr_a)
    assert post(hr, {**body, "unit": "UB"}).status_code == 404
    assert post(hr, {**body, "point": "240002"}).status_code == 404
    assert post(hr, {**body, "role": "admin"}).status_code == 400
    assert post(hr, {**body, "employed_from": "31/02/2026"}).status_code == 422
    assert User.objects.count() == count
    made = post(hr, body)
    assert made.status_code == 201
    assert made.json()["username"] == "moht" and made.json()["has_login"] is False


def test_the_api_imports_a_staff_list_all_or_nothing(
    client_as: Any, hr_a: User, world: Any
) -> None:
    client = client_as(hr_a)
    bad = io.BytesIO(
        "Mã nhân viên,Họ và tên,Đơn vị,Loại hợp đồng,Ngày vào làm\n"
        "NV1,An,UA,dịch vụ,01/01/2026\nNV2,Bình,UA,?,01/01/2026\n".encode()
    )
    bad.name = "staff.csv"

    refused = client.post("/api/people/imports/staff", {"file": bad})

    assert refused.status_code == 400
    assert [(e["row"], e["column"]) for e in refused.json()["errors"]] == [(3, "Loại hợp đồng")]
    assert not User.objects.filter(staff_code="NV1").exists()
    assert client.post("/api/people/imports/salaries", {"file": bad}).status_code == 404


def test_the_admin_edits_the_workforce_fields_and_reads_the_incomes(
    client_as: Any, admin_user: User, crew: dict[str, User], world: Any
) -> None:
    client = client_as(admin_user)
    average_income(world.unit_a, 2026, 3, 9_000_000)

    change = client.get(reverse("admin:people_user_change", args=[crew["joiner"].pk]))
    incomes = client.get(reverse("admin:people_averageincome_changelist"))

    assert change.status_code == 200
    for field in ("staff_code", "contract_type", "employed_from", "employed_until"):
        assert f'name="{field}"' in change.content.decode()
    assert incomes.status_code == 200 and "9000000" in incomes.content.decode().replace(".", "")
