"""The emulation pages: the emulation officer lands on the year at a glance with the section's
navigation; every page renders; a form refused shows every problem at once; the register
filters by a name without diacritics and exports .xlsx whose text is never a formula; a
person's record shows what the records say; a clerk sees only their subtree and records
nothing."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from buudien.emulation import services
from buudien.emulation.models import Movement, Pledge
from buudien.emulation.tests.conftest import DECIDED, award, initiative, person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def records(world: Any, hr: Any, clerk_a: Any, clerk_b: Any) -> dict[str, Any]:
    movement = services.movement_launch(
        actor=hr, province=world.province, theme="Bưu cục kiểu mẫu, giao dịch viên chuyên nghiệp",
        launched_by="Giám đốc Bưu điện tỉnh", launched_on=dt.date(2025, 1, 10), year_from=2025,
        criteria={"on_time_rate": 4}, at=DECIDED,
    )  # fmt: skip
    pledge = services.pledge_record(
        actor=hr, unit=world.unit_a, year=2025, signed_on=dt.date(2025, 1, 12),
        management_signatory="Hoàng Văn Đức", union_signatory="Nông Thị Hoa",
        targets={"on_time_rate": "95"}, movement=movement, at=DECIDED,
    )  # fmt: skip
    return {
        "movement": movement,
        "pledge": pledge,
        "mine": award(clerk_a, "lao_dong_tien_tien", 2025, number="=1+1", movement=movement),
        "theirs": award(clerk_b, "lao_dong_tien_tien", 2025, number="12/QĐ"),
        "initiative": initiative([clerk_a], 2025, title="Phát hàng theo bản đồ số"),
    }


def test_the_emulation_officer_lands_on_the_year_and_every_page_renders(
    client_as: Any, hr: Any, clerk_a: Any, records: dict[str, Any]
) -> None:
    client = client_as(hr)
    assert client.get("/").url == "/emulation/"
    page = client.get("/emulation/", {"year": 2025})
    assert page.status_code == 200
    assert [i.url for i in page.context["subnav_items"]] == [
        "/emulation/", "/emulation/movements/", "/emulation/pledges/", "/emulation/awards/",
        "/emulation/initiatives/",
    ]  # fmt: skip
    assert "/emulation/" in [i.url for i in page.context["nav_items"]]
    summary = page.context["summary"]
    assert (summary.pledges, summary.awards_total, summary.initiatives_total) == (1, 2, 1)
    assert [(c.level, c.kind, c.count) for c in summary.awards] == [
        ("unit", "lao_dong_tien_tien", 2)
    ]
    urls = [
        "/emulation/movements/",
        f"/emulation/movements/{records['movement'].pk}/",
        "/emulation/pledges/?year=2025",
        f"/emulation/pledges/{records['pledge'].pk}/",
        "/emulation/awards/",
        f"/emulation/awards/{records['mine'].pk}/",
        "/emulation/awards/propose/",
        "/emulation/awards/record/",
        "/emulation/initiatives/",
        f"/emulation/initiatives/{records['initiative'].pk}/",
        "/emulation/initiatives/new/",
        "/emulation/movements/new/",
        "/emulation/pledges/new/",
        f"/emulation/people/{clerk_a.pk}/?year=2025",
    ]
    for url in urls:
        answer = client.get(url)
        assert answer.status_code == 200, url
    movement_page = client.get(f"/emulation/movements/{records['movement'].pk}/?year=2025")
    ranking = movement_page.context["ranking"]  # of units only: no criterion judges people
    assert (ranking.year, ranking.units.ranked, ranking.people) == (2025, 2, None)
    assert 'data-testid="ranking-person"' not in movement_page.content.decode()


def test_a_movement_form_refused_shows_every_problem_and_records_nothing(
    client_as: Any, hr: Any, world: Any
) -> None:
    client = client_as(hr)
    form = client.get("/emulation/movements/new/").content.decode()
    assert re.search(r'<textarea name="theme"[^>]*autofocus', form)
    answer = client.post(
        "/emulation/movements/new/",
        {"province": "BDT20", "theme": "", "launched_on": "", "year_from": "2026",
         "year_to": "2024", "weight_on_time_rate": "11"},
    )  # fmt: skip
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "The theme is required." in html
    assert "The launch date is required." in html
    assert "The period ends before it starts." in html
    assert "The weight of Items delivered on time (%) is a whole number from 1 to 10." in html
    assert Movement.objects.count() == 0

    made = client.post(
        "/emulation/movements/new/",
        {"province": "BDT20", "theme": "Nâng cao chất lượng dịch vụ", "launched_by": "Giám đốc",
         "launched_on": "2026-01-05", "year_from": "2026", "units": ["UA"],
         "weight_on_time_rate": "5"},
    )  # fmt: skip
    assert made.status_code == 302
    row = Movement.objects.get()
    assert list(row.units.values_list("code", flat=True)) == ["UA"]


def test_a_pledge_is_recorded_from_its_form_with_several_targets(client_as: Any, hr: Any) -> None:
    client = client_as(hr)
    with time_machine.travel(DECIDED, tick=True):
        answer = client.post(
            "/emulation/pledges/new/",
            {"unit": "UB", "year": "2026", "signed_on": "2026-01-12",
             "management_signatory": "Lý Văn Bình", "union_signatory": "Hà Thị Lan",
             "code_0": "revenue_plan_pct", "target_0": "101,5",
             "code_1": "dossiers_on_time_pct", "target_1": "98"},
        )  # fmt: skip
    assert answer.status_code == 302, answer.content.decode()
    pledge = Pledge.objects.get()
    assert dict(pledge.targets.values_list("code", "target")) == {
        "revenue_plan_pct": pytest.approx(101.5),
        "dossiers_on_time_pct": 98,
    }
    page = client.get(answer.url).content.decode()
    assert "Revenue against the plan (%)" in page and "Dossiers returned on time (%)" in page


def test_the_register_finds_a_name_without_diacritics_and_exports_text_as_text(
    client_as: Any, hr: Any, records: dict[str, Any]
) -> None:
    client = client_as(hr)
    found = client.get(
        "/emulation/awards/", {"q": "nguyen van", "year": 2025}, HTTP_HX_REQUEST="true"
    )
    assert found.status_code == 200
    assert {a.pk for a in found.context["page"]} == {records["mine"].pk, records["theirs"].pk}
    assert not client.get("/emulation/awards/", {"q": "tran thi"}).context["page"].object_list

    sheet = client.get("/emulation/awards.xlsx", {"year": 2025})
    assert sheet["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(sheet.content))
    rows = list(book.active.iter_rows(values_only=False))
    decisions = {row[6].value: row[6].data_type for row in rows[2:]}
    assert decisions == {"=1+1": "s", "12/QĐ": "s"}


def test_a_clerk_sees_their_subtree_only_and_records_nothing(
    client_as: Any, clerk_a: Any, clerk_b: Any, records: dict[str, Any]
) -> None:
    client = client_as(clerk_a)
    page = client.get("/emulation/awards/")
    assert [a.pk for a in page.context["page"]] == [records["mine"].pk]
    assert client.get(f"/emulation/awards/{records['theirs'].pk}/").status_code == 404
    assert client.get(f"/emulation/people/{clerk_b.pk}/").status_code == 404
    assert client.get(f"/emulation/movements/{records['movement'].pk}/").status_code == 200
    for url in ("/emulation/movements/new/", "/emulation/awards/record/", "/emulation/pledges/new/",
                "/emulation/awards/propose/"):  # fmt: skip
        assert client.get(url).status_code == 403, url


def test_a_person_s_record_shows_what_the_records_say(
    client_as: Any, hr: Any, world: Any, records: dict[str, Any], clerk_a: Any
) -> None:
    page = client_as(hr).get(f"/emulation/people/{clerk_a.pk}/", {"year": 2025})
    checks = {check.kind: check for check in page.context["checks"]}
    assert checks["cstd_co_so"].ok
    assert checks["cstd_co_so"].reasons == [
        "Advanced worker 2025, decision =1+1 of 10/01/2026.",
        "Initiative “Phát hàng theo bản đồ số” (2025), recognised at grassroots, "
        "decision SK-2025 of 20/12/2025.",
    ]
    assert 'data-kind="cstd_co_so" data-ok="yes"' in page.content.decode()
    assert not checks["cstd_bo"].ok
    stranger = person(world, "x", "Người ngoài", world.other_province)
    assert client_as(hr).get(f"/emulation/people/{stranger.pk}/").status_code == 404


def test_the_lists_read_as_many_queries_for_many_rows_as_for_few(
    client_as: Any, hr: Any, world: Any, clerk_a: Any, clerk_b: Any, records: dict[str, Any]
) -> None:
    client = client_as(hr)
    urls = [
        "/emulation/?year=2025",
        "/emulation/movements/",
        "/emulation/pledges/?year=2025",
        "/emulation/awards/?year=2025",
        "/emulation/initiatives/",
    ]

    def queries() -> list[int]:
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as done:
                assert client.get(url).status_code == 200
            counts.append(len(done))
        return counts

    few = queries()
    services.pledge_record(
        actor=hr, unit=world.unit_b, year=2025, signed_on=dt.date(2025, 1, 12),
        management_signatory="Lý Văn Bình", union_signatory="Hà Thị Lan",
        targets={"on_time_rate": "96"}, movement=records["movement"], at=DECIDED,
    )  # fmt: skip
    award(clerk_b, "giay_khen", 2025, movement=records["movement"])
    award(world.unit_b, "tap_the_ldtt", 2025)
    initiative([clerk_a, person(world, "c2", "Đinh Văn Cường")], 2025, title="Thu hộ tại nhà")
    assert queries() == few
