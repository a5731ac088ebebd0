# ruff: noqa: F811  (fixtures imported from ops_factories are parameters of the tests)
"""The on-time delivery rate: planned (``on_time_rate``, basis points), actual from mail's
delivery rollup, and shown by every renderer."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from docx import Document
from openpyxl import load_workbook

from buudien.core.bizdays import VIETNAM
from buudien.core.errors import DomainError
from buudien.core.imports import ImportFailed, import_file
from buudien.mail.models import DeliveryRollup
from buudien.mail.tests.ops_factories import ops_item, postman_a, round_deliver  # noqa: F401
from buudien.planning import selectors, services
from buudien.planning.models import Plan
from buudien.planning.render import render_year_report
from buudien.planning.render.tests.sample import sample_report

pytestmark = pytest.mark.django_db

SENTENCE = "Tỷ lệ phát đúng thời gian toàn trình đạt 96,2%, kế hoạch 95,0%."


def _csv(text: str) -> io.BytesIO:
    return io.BytesIO(text.strip().encode())


def _rate(**kwargs):
    report = selectors.year_report(user=None, province_code="20", year=2026, **kwargs)
    return report["quality"]["on_time_rate"]


def test_the_plans_import_takes_a_percentage_and_stores_basis_points(world):
    text = "year,unit_code,metric,service,amount\n2026,BDT20,on_time_rate,total,95.5\n"
    text += '2026,UA,on_time_rate,total,95\n2026,UB,on_time_rate,total,"97,25"\n'
    assert import_file("plans", _csv(text)).created == 3
    stored = dict(Plan.objects.filter(metric="on_time_rate").values_list("unit__code", "amount"))
    assert stored == {"BDT20": 9550, "UA": 9500, "UB": 9725}
    again = import_file("plans", _csv(text))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_a_bad_rate_changes_nothing_and_names_each_problem(world, english):
    text = "year,unit_code,metric,service,amount\n2026,BDT20,on_time_rate,total,100.5\n"
    text += "2026,UA,on_time_rate,registered,95\n2026,UB,on_time_rate,total,95.123\n"
    text += "2026,UB,revenue,total,12.5\n2026,UA,revenue,total,1000\n"
    with pytest.raises(ImportFailed) as caught:
        import_file("plans", _csv(text))
    lines = caught.value.lines()
    assert any(line.startswith("row 2, column amount: expected a percentage") for line in lines)
    assert "row 3, column amount: a rate is planned for service total only" in lines
    assert any(line.startswith("row 4, column amount:") for line in lines)
    assert any(line.startswith("row 5, column amount: expected a whole number") for line in lines)
    assert len(lines) == 4
    assert not Plan.objects.exists()


def test_a_rate_set_on_the_page_is_checked(world, english):
    with pytest.raises(DomainError):
        services.plan_check(metric="on_time_rate", subject="total", amount=10_001, year=2026)
    with pytest.raises(DomainError):
        services.plan_check(metric="on_time_rate", subject="ems", amount=9500, year=2026)
    services.plan_check(metric="on_time_rate", subject="total", amount=10_000, year=2026)


def test_the_report_reads_the_rate_from_the_delivery_rollup(world, postman_a):
    assert _rate() == {"actual": None, "plan": None, "previous": None}
    accepted = dt.datetime(2026, 3, 2, 8, 0, tzinfo=VIETNAM)  # due Thursday 05/03
    items = [
        ops_item(point=world.point_a, delivery_point=world.point_a, accepted_at=accepted)
        for _ in range(8)
    ]
    # Registered items: delivered on the postman's rounds, against a signature.
    round_deliver(items[:6], postman=postman_a, at=dt.datetime(2026, 3, 5, 10, tzinfo=VIETNAM))
    round_deliver(items[6:], postman=postman_a, at=dt.datetime(2026, 3, 9, 10, tzinfo=VIETNAM))
    assert sum(DeliveryRollup.objects.values_list("delivered", flat=True)) == 8
    Plan.objects.create(
        province_code="20",
        year=2026,
        unit=world.province,
        metric="on_time_rate",
        subject="total",
        amount=9500,
    )
    assert _rate() == {"actual": 75.0, "plan": 95.0, "previous": None}
    # A unit's subtree counts its own offices; a rate is never summed from the children.
    assert _rate(unit="UA")["actual"] == 75.0
    assert _rate(unit="UB") == {"actual": None, "plan": None, "previous": None}
    # The period cuts by the day of delivery; the previous year is the rollup of 2025.
    assert _rate(date_from=dt.date(2026, 3, 6))["actual"] == 0.0
    DeliveryRollup.objects.create(
        province_code="20",
        day=dt.date(2025, 6, 1),
        office_code="240001",
        service="registered",
        delivered=3,
        on_time=2,
    )
    assert _rate()["previous"] == 66.7


def test_every_renderer_shows_the_rate():
    report = sample_report()
    report["quality"] = {"on_time_rate": {"actual": 96.2, "plan": 95.0, "previous": 94.8}}
    html = render_year_report(report, "html", issued_on=dt.date(2023, 12, 28)).decode()
    assert "Tỷ lệ phát đúng thời gian toàn trình" in html and "96,2%" in html
    assert SENTENCE in html
    document = Document(
        io.BytesIO(render_year_report(report, "docx", issued_on=dt.date(2023, 12, 28)))
    )
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert SENTENCE in text
    assert "Tỷ lệ phát đúng thời gian toàn trình (%)" in cells and "95,0%" in cells
    workbook = load_workbook(io.BytesIO(render_year_report(report, "xlsx")))
    rows = [row for sheet in workbook for row in sheet.iter_rows(values_only=True)]
    rate = next(row for row in rows if row[0] == "Tỷ lệ phát đúng thời gian toàn trình (%)")
    assert rate[1:6] == (96.2, 95.0, None, 94.8, None)
    assert json.loads(render_year_report(report, "json"))["quality"] == report["quality"]


def test_without_a_rate_nothing_is_said():
    report = sample_report()
    report["quality"] = {"on_time_rate": {"actual": None, "plan": None, "previous": None}}
    html = render_year_report(report, "html", issued_on=dt.date(2023, 12, 28)).decode()
    assert "phát đúng thời gian" not in html
