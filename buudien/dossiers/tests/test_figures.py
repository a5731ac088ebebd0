"""The figures of dossiers (``dossiers.figures``) from dossiers made with the services, the
imported history for the years before go-live, and the year-end report's section "Hành
chính công" in every format."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from buudien.core.bizdays import VIETNAM
from buudien.dossiers import services
from buudien.dossiers.choices import Mode, ReturnBy
from buudien.dossiers.figures import DossierFigures, Tally, year_figures
from buudien.dossiers.models import Dossier
from buudien.planning import selectors
from buudien.planning.models import RevenueHistory
from buudien.planning.render import render_year_report

pytestmark = pytest.mark.django_db

TUESDAY = dt.datetime(2026, 4, 28, 9, 30, tzinfo=VIETNAM)


def receive(actor: Any, point: Any, procedure: Any, key: str, at: dt.datetime, **more: Any) -> Any:
    asked: dict[str, Any] = {
        "actor": actor,
        "point": point,
        "idempotency_key": key,
        "procedure": procedure.code,
        "mode": Mode.BOTH,
        "applicant_name": "Hoàng Văn Thụ",
        "citizen_id": "020123456789",
        "documents": [0, 1, 2],
        "return_by": ReturnBy.COUNTER,
        "at": at,
    }
    asked.update(more)
    return services.dossier_receive(**asked)


def through(clerk: Any, world: Any, procedure: Any, code: str, back: dt.datetime) -> None:
    """Hand ``code`` to the agency, take its result back on ``back`` and return it then."""
    services.handover_send(
        actor=clerk,
        point=world.point_a,
        agency=procedure.agency,
        dossiers=[code],
        at=TUESDAY + dt.timedelta(hours=6),
    )
    late = back.astimezone(VIETNAM).date() > Dossier.objects.get(reference=code).due_date
    services.results_receive(
        actor=clerk,
        point=world.point_a,
        agency=procedure.agency,
        dossiers=[code],
        late_reason="Chờ xác minh thực địa" if late else "",
        at=back,
    )
    services.dossier_return(
        actor=clerk, point=world.point_a, dossier=code, presented_id="020123456789", at=back
    )


@pytest.fixture
def dossiers(clerk_a: Any, clerk_b: Any, world: Any, procedure: Any) -> dict[str, Any]:
    """2026: two at point A (both returned, one on time, one late), one received only at
    point B; 2025: one received only at point A."""
    on_time = receive(clerk_a, world.point_a, procedure, "a1", TUESDAY)
    late = receive(clerk_a, world.point_a, procedure, "a2", TUESDAY)
    # promised 07/05/2026: the first back and returned that day, the second the day after
    through(
        clerk_a, world, procedure, on_time.reference, dt.datetime(2026, 5, 7, 16, tzinfo=VIETNAM)
    )
    through(clerk_a, world, procedure, late.reference, dt.datetime(2026, 5, 8, 9, tzinfo=VIETNAM))
    only = receive(
        clerk_b,
        world.point_b,
        procedure,
        "b1",
        TUESDAY + dt.timedelta(days=1),
        mode=Mode.RECEIVE,
        return_by="",
    )
    last_year = receive(
        clerk_a,
        world.point_a,
        procedure,
        "a3",
        dt.datetime(2025, 6, 3, 10, tzinfo=VIETNAM),
        mode=Mode.RECEIVE,
        return_by="",
    )
    return {"on_time": on_time, "late": late, "only": only, "last_year": last_year}


def test_figures_of_a_year_in_total_and_per_point_unit_agency_procedure(dossiers, world, procedure):
    figures = year_figures(province_code="20", year=2026)
    # fees 3 × 30.000; charges: both ways 35.000 twice, receive only 20.000
    expected = Tally(received=3, returned=2, returned_on_time=1, agency_fees=90_000, charges=90_000)
    assert figures.total() == expected
    assert figures.total().on_time_pct == 50.0
    assert figures.by_agency() == {procedure.agency.pk: expected}
    assert figures.by_procedure() == {procedure.pk: expected}
    assert figures.by_point() == {
        world.point_a.pk: Tally(2, 2, 1, 60_000, 70_000),
        world.point_b.pk: Tally(received=1, agency_fees=30_000, charges=20_000),
    }
    assert figures.by_unit([world.unit_a, world.unit_b]) == {
        world.unit_a.pk: Tally(2, 2, 1, 60_000, 70_000),
        world.unit_b.pk: Tally(received=1, agency_fees=30_000, charges=20_000),
    }
    assert year_figures(province_code="20", year=2025).total() == Tally(
        received=1, agency_fees=30_000, charges=20_000
    )
    assert year_figures(province_code="04", year=2026).total() == Tally()


def test_a_unit_sees_its_subtree_and_a_period_cuts_by_day(dossiers, world):
    assert year_figures(province_code="20", year=2026, unit=world.unit_b).total() == Tally(
        received=1, agency_fees=30_000, charges=20_000
    )
    # received on 28/04, one result returned on 07/05: the period 29/04-07/05
    cut = DossierFigures(
        province_code="20", date_from=dt.date(2026, 4, 29), date_to=dt.date(2026, 5, 7)
    ).total()
    assert (cut.received, cut.returned, cut.returned_on_time) == (1, 1, 1)
    assert cut.on_time_pct == 100.0


def test_a_year_without_records_comes_from_the_imported_history(world):
    for unit, month, amount, volume in (
        (world.unit_a, dt.date(2024, 3, 1), 4_000_000, 120),
        (world.unit_b, dt.date(2024, 4, 1), 1_000_000, 80),
        (world.unit_b, dt.date(2023, 4, 1), 9_000_000, 999),  # another year
    ):
        RevenueHistory.objects.create(
            province_code="20", month=month, unit=unit, service="dossier", amount=amount,
            volume=volume,
        )  # fmt: skip
    figures = year_figures(province_code="20", year=2024)
    assert figures.total() == Tally(received=200, charges=5_000_000)
    assert figures.total().on_time_pct is None
    assert figures.by_unit([world.unit_a, world.unit_b]) == {
        world.unit_a.pk: Tally(received=120, charges=4_000_000),
        world.unit_b.pk: Tally(received=80, charges=1_000_000),
    }
    assert figures.by_agency() == {}
    section = selectors.year_report(user=None, province_code="20", year=2025)["public_admin"]
    assert section["received"] == {"actual": None, "previous": 200, "growth_pct": None}
    assert section["on_time_pct"] == {"actual": None, "previous": None}


def test_the_report_section_equals_the_figures(dossiers, world):
    report = selectors.year_report(user=None, province_code="20", year=2026)
    section = report["public_admin"]
    assert section["received"] == {"actual": 3, "previous": 1, "growth_pct": 200.0}
    assert section["returned"] == {"actual": 2, "previous": None, "growth_pct": None}
    assert section["on_time_pct"] == {"actual": 50.0, "previous": None}
    assert section["agency_fees"] == {"actual": 90_000, "previous": 30_000, "growth_pct": 200.0}
    assert section["charges"] == {"actual": 90_000, "previous": 20_000, "growth_pct": 350.0}
    assert section["fees_passed_on"] == {"actual": None, "previous": None, "growth_pct": None}
    assert section["per_unit"] == [
        {
            "code": "UA",
            "name": "Bưu điện xã Đồng Đăng",
            "kind": world.unit_a.kind,
            "received": 2,
            "received_previous": 1,
            "returned": 2,
            "on_time_pct": 50.0,
            "agency_fees": 60_000,
            "charges": 70_000,
        },
        {
            "code": "UB",
            "name": "Bưu điện xã Chi Lăng",
            "kind": world.unit_b.kind,
            "received": 1,
            "received_previous": None,
            "returned": None,
            "on_time_pct": None,
            "agency_fees": 30_000,
            "charges": 20_000,
        },
    ]
    of_b = selectors.year_report(user=None, province_code="20", year=2026, unit="UB")
    assert of_b["public_admin"]["received"]["actual"] == 1
    assert of_b["public_admin"]["per_unit"] == []


def test_the_head_of_a_unit_gets_the_section_of_their_unit(dossiers, world):
    from buudien.people.tests.factories import UserFactory

    head_b = UserFactory(username="head_b", role="director", unit=world.unit_b)
    report = selectors.year_report(user=head_b, province_code="20", year=2026)
    assert report["unit"]["code"] == "UB"
    assert report["public_admin"]["received"]["actual"] == 1


def test_every_format_has_the_section(dossiers):
    report = selectors.year_report(user=None, province_code="20", year=2026)

    html = render_year_report(report, "html").decode()
    assert ". Hành chính công</h3>" in html
    assert 'data-testid="table-public_admin"' in html
    assert "Tiếp nhận 3 hồ sơ hành chính công, tăng 200,0% so với năm 2025" in html
    assert "trả kết quả 2 hồ sơ, trong đó 50,0% đúng hẹn" in html

    document = Document(io.BytesIO(render_year_report(report, "docx")))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Hành chính công" in text
    assert "Tiếp nhận và trả kết quả hồ sơ hành chính công" in text
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "Hồ sơ trả kết quả" in cells
    assert "Bưu điện xã Chi Lăng" in cells

    workbook = load_workbook(io.BytesIO(render_year_report(report, "xlsx")))
    name = next(sheet for sheet in workbook.sheetnames if sheet.endswith("Hành chính công"))
    rows = list(workbook[name].iter_rows(min_row=4, values_only=True))
    assert rows[0] == ("Hồ sơ tiếp nhận", 3, 1, 200.0)
    assert rows[2] == ("Tỷ lệ trả kết quả đúng hẹn (%)", 50.0, None, None)
    assert rows[3] == ("Phí, lệ phí thu hộ cơ quan giải quyết", 90_000, 30_000, 200.0)
    assert workbook[name]["B6"].number_format == '0.0"%"'
    assert workbook[name]["D7"].number_format == '+0.0"%";-0.0"%";0.0"%"'
    units = next(sheet for sheet in workbook.sheetnames if "đơn vị" in sheet)
    assert workbook[units]["A4"].value == "Bưu điện xã Đồng Đăng"


def test_the_fees_passed_on_in_the_year_come_from_the_settlements(dossiers, world):
    from buudien.dossiers import settlements
    from buudien.dossiers.tests.conftest import fund_bank
    from buudien.people.tests.factories import UserFactory

    fund_bank(10_000_000)
    accountant = UserFactory(username="acc", role="accountant", unit=world.province)
    settlements.fees_settle(
        actor=accountant,
        idempotency_key="s-2026-04",
        agency=dossiers["on_time"].agency,
        date_from=dt.date(2026, 4, 1),
        date_to=dt.date(2026, 4, 30),
        bank="vietinbank",
        on=dt.date(2026, 5, 4),
    )
    report = selectors.year_report(user=None, province_code="20", year=2026)
    assert report["public_admin"]["fees_passed_on"]["actual"] == 90_000
    of_b = selectors.year_report(user=None, province_code="20", year=2026, unit="UB")
    assert of_b["public_admin"]["fees_passed_on"]["actual"] is None
