"""``buudien report year``: the JSON (and the renderer's formats) from the console."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_report_year_json_to_a_file(world, post, tmp_path):
    post(world.point_a, "registered", 1_000_000, dt.date(2023, 3, 5))
    out = tmp_path / "r.json"
    call_command("report", "year", "--province", "20", "--year", "2023", "-o", str(out))
    report = json.loads(out.read_text())
    assert report["revenue"]["actual"] == 1_000_000
    assert report["province"]["name"] == "Bưu điện tỉnh Lạng Sơn"


def test_report_year_json_to_stdout(world, capfdbinary):
    call_command("report", "year", "--province", "20", "--year", "2023", "--format", "json")
    assert json.loads(capfdbinary.readouterr().out)["year"] == 2023


def test_an_unknown_province_is_one_clear_error(world):
    with pytest.raises(CommandError):
        call_command("report", "year", "--province", "99", "--year", "2023")


@pytest.mark.parametrize(("fmt", "magic"), [("docx", b"PK"), ("xlsx", b"PK"), ("html", b"<")])
def test_the_renderer_formats(world, post, tmp_path, fmt, magic):
    pytest.importorskip("buudien.planning.render")
    post(world.point_a, "registered", 1_000_000, dt.date(2023, 3, 5))
    out = tmp_path / f"r.{fmt}"
    call_command(
        "report", "year", "--province", "20", "--year", "2023", "--format", fmt, "-o", str(out)
    )
    assert out.read_bytes().lstrip()[:2].startswith(magic)
