"""The director, in a real browser (Debian's Chromium via Playwright), opens the dashboard and
the year-end report of the fixture province, and downloads the .docx and the .xlsx."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from buudien.people.tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_the_director_opens_the_dashboard_and_the_report_and_downloads_it(
    live_server: Any, page: Any
) -> None:
    from buudien.network.models import Unit
    from buudien.people.tests.factories import UserFactory
    from buudien.planning.fixtures import fixture_load

    expect = pytest.importorskip("playwright.sync_api").expect
    fixture_load("lang_son_2023")
    UserFactory(username="giamdoc", role="director", unit=Unit.objects.get(code="BDT20"))

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "giamdoc")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")

    # The dashboard: this year so far against plan, per line, with the way to the report.
    expect(page.get_by_test_id("dashboard")).to_be_visible()
    expect(page.get_by_test_id("dashboard-lines")).to_contain_text("Bưu chính chuyển phát")
    expect(page.get_by_test_id("points-total")).to_have_text("226")  # today, with 2024's agent
    page.get_by_test_id("open-report").click()
    expect(page).to_have_url(re.compile(r"/planning/report/\?province=20&year=\d{4}$"))

    # The report of 2023, dated as the review.
    page.fill("#id_year", "2023")
    page.fill("#id_date", "28/12/2023")
    page.click("[data-testid=report-form] button[type=submit]")
    narrative = page.get_by_test_id("narrative")
    expect(narrative).to_contain_text(
        "Tổng doanh thu năm 2023 đạt 138,2 tỷ đồng, bằng 101,2% kế hoạch, tăng 5,3% so với năm 2022"
    )
    expect(narrative).to_contain_text("225 điểm phục vụ tại 100% xã")
    expect(page.get_by_test_id("date-line")).to_have_text("Lạng Sơn, ngày 28 tháng 12 năm 2023")
    for key in ("lines", "monthly", "services"):
        expect(page.get_by_test_id(f"chart-{key}").locator("svg")).to_be_visible()
    expect(page.get_by_test_id("table-services")).to_contain_text("+54,4%")

    # The downloads: the .docx is made in the background; its page shows it done, with the
    # download and the way back to the report.
    page.get_by_test_id("download-docx").click()
    expect(page.get_by_test_id("job-status")).to_have_attribute("data-status", "done")
    with page.expect_download() as info:
        page.get_by_test_id("job-download").click()
    docx = info.value
    assert docx.suggested_filename == "bao-cao-nam-2023-tinh-20.docx"
    text = "\n".join(
        p.text for p in Document(io.BytesIO(Path(docx.path()).read_bytes())).paragraphs
    )
    assert "Lạng Sơn, ngày 28 tháng 12 năm 2023" in "\n".join(
        cell.text
        for table in Document(io.BytesIO(Path(docx.path()).read_bytes())).tables
        for row in table.rows
        for cell in row.cells
    )
    assert "138,2 tỷ đồng" in text

    page.get_by_test_id("job-back").click()
    page.get_by_test_id("download-xlsx").click()
    with page.expect_download() as info:
        page.get_by_test_id("job-download").click()
    xlsx = info.value
    assert xlsx.suggested_filename == "bao-cao-nam-2023-tinh-20.xlsx"
    workbook = load_workbook(io.BytesIO(Path(xlsx.path()).read_bytes()))
    summary = workbook["1. Chỉ tiêu chủ yếu"]
    assert summary["A4"].value == "Tổng doanh thu" and summary["B4"].value > 138 * 10**9
