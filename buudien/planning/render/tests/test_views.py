"""The report page and its downloads, and the director's dashboard on the home page."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

pytestmark = [pytest.mark.django_db]

PAGE = "/planning/report/"


def test_a_director_reads_the_report_of_the_province_in_vietnamese(
    client_as: Any, director: Any
) -> None:
    response = client_as(director).get(
        PAGE, {"province": "20", "year": "2023", "date": "28/12/2023"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lạng Sơn, ngày 28 tháng 12 năm 2023" in html
    assert "Tổng kết công tác năm 2023 và kế hoạch năm 2024" in html
    assert "Tải về tệp .docx" in html
    # The downloads keep the parameters of the page (the .docx is asked for, then made in
    # the background: buudien/jobs/tests).
    assert 'action="/planning/report/file.docx"' in html
    assert 'name="date" value="28/12/2023"' in html
    assert "download.json?province=20&amp;year=2023&amp;date=28%2F12%2F2023" in html


def test_the_page_defaults_to_the_users_province_and_this_year(
    client_as: Any, director: Any
) -> None:
    response = client_as(director).get(PAGE)
    assert response.status_code == 200
    assert response.context["form"].cleaned_data["province"] == "20"


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "json", "html"])
def test_a_director_downloads_every_format(client_as: Any, director: Any, fmt: str) -> None:
    response = client_as(director).get(
        f"/planning/report/download.{fmt}", {"province": "20", "year": "2023", "date": "28/12/2023"}
    )
    assert response.status_code == 200
    assert f'filename="bao-cao-nam-2023-tinh-20.{fmt}"' in response["Content-Disposition"]
    data = response.content
    if fmt == "docx":
        text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
        assert "Tổng kết công tác năm 2023 và kế hoạch năm 2024" in text
    elif fmt == "xlsx":
        assert load_workbook(io.BytesIO(data)).sheetnames
    elif fmt == "json":
        report = json.loads(data)
        assert report["province"]["code"] == "20" and report["year"] == 2023
    else:
        assert data.startswith(b"<!doctype html>")


def test_an_unknown_format_is_not_found(client_as: Any, director: Any) -> None:
    response = client_as(director).get("/planning/report/download.pdf", {"year": "2023"})
    assert response.status_code == 404


def test_a_bad_year_is_refused_with_the_reason(client_as: Any, director: Any, english: Any) -> None:
    client = client_as(director)
    page = client.get(PAGE, {"province": "20", "year": "1850"})
    assert page.status_code == 200
    assert "Ensure this value is greater than or equal to 2000" in page.content.decode()
    assert "report" not in page.context or not page.context.get("report")
    download = client.get("/planning/report/download.docx", {"province": "20", "year": "abc"})
    assert download.status_code == 400
    assert "Year" in download.content.decode()


def test_another_province_is_not_found(client_as: Any, director: Any, outsider: Any) -> None:
    # The outsider directs Cao Bằng: Lạng Sơn is not in their choices, so not found.
    response = client_as(outsider).get(PAGE, {"province": "20", "year": "2023"})
    assert response.status_code == 200
    assert response.context["form"].errors["province"]
    download = client_as(outsider).get(
        "/planning/report/download.json", {"province": "20", "year": "2023"}
    )
    assert download.status_code == 400


def test_a_clerk_may_not_read_the_report(client_as: Any, clerk_a: Any) -> None:
    assert client_as(clerk_a).get(PAGE).status_code == 403
    assert client_as(clerk_a).get("/planning/report/download.docx").status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client: Any, world: Any) -> None:
    response = client.get(PAGE)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_director_has_the_dashboard_on_the_home_page(client_as: Any, director: Any) -> None:
    response = client_as(director).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="dashboard"' in html
    assert 'data-testid="dashboard-lines"' in html
    assert 'href="/planning/report/?province=20&amp;year=' in html
    # What was on the home page is still there.
    assert 'data-testid="points-total"' in html


def test_a_clerk_has_the_counter_but_no_dashboard(client_as: Any, clerk_a: Any) -> None:
    html = client_as(clerk_a).get("/").content.decode()
    assert 'data-testid="dashboard"' not in html
    assert 'data-testid="shortcuts"' in html


def test_a_year_not_over_is_estimated_unless_the_actuals_are_asked(
    client_as: Any, director: Any, time_machine: Any
) -> None:
    import datetime as dt

    from buudien.core.bizdays import VIETNAM

    time_machine.move_to(dt.datetime(2023, 6, 30, 16, 0, tzinfo=VIETNAM))
    estimated = client_as(director).get(PAGE, {"province": "20", "year": "2023"})
    html = estimated.content.decode()
    assert "ƯỚC THỰC HIỆN KẾ HOẠCH NĂM 2023" in html
    assert "figures=estimate" in html  # the downloads keep it
    to_date = client_as(director).get(
        PAGE, {"province": "20", "year": "2023", "figures": "to_date"}
    )
    assert "KẾT QUẢ THỰC HIỆN KẾ HOẠCH NĂM 2023" in to_date.content.decode()
    data = client_as(director).get(
        "/planning/report/download.json",
        {"province": "20", "year": "2023", "figures": "to_date"},
    )
    assert json.loads(data.content)["estimate"] is None
