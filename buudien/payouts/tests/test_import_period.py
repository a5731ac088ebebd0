"""The month of a payout list comes from ``--period`` (the console, the upload page, the API)
or from the file's ``period`` column: a file without the column is imported with the month
given, a file whose column says another month than the one given is refused and says both,
and a file with neither is asked which month."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from buudien.core.imports import ImportFailed, import_file
from buudien.payouts.models import PayoutList
from buudien.payouts.tests.conftest import this_month

pytestmark = pytest.mark.django_db

LINES = (
    "Hoàng Văn An,020123456789,4500000,240001",
    "Nông Thị Bình,020198765432,3200000,240001",
    "Lương Văn Chí,001080001234,2800000,240002",
)


def _file(tmp_path, header: str, cells: tuple[str, ...] = (), *, payer: str = "") -> str:
    """A list of the three lines, each followed by its cell of ``cells``, and led by the
    ``payer`` column when one is named."""
    extra = list(cells) or [""] * len(LINES)
    rows = [f"{line},{cell}".rstrip(",") for line, cell in zip(LINES, extra, strict=True)]
    if payer:
        header, rows = f"payer,{header}", [f"{payer},{row}" for row in rows]
    path = tmp_path / "list.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return str(path)


def _console(path: str, period: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "payouts", "import", path, "--payer", "bhxh", "--period", period, stdout=out, stderr=err
    )
    return out.getvalue(), err.getvalue()


def test_the_console_takes_the_month_from_period_when_the_file_has_no_column(payer, tmp_path):
    path = _file(tmp_path, "beneficiary_name,citizen_id,amount,point_code")

    out, _err = _console(path, f"{this_month():%Y-%m}")

    payout_list = PayoutList.objects.get()
    assert payout_list.period == this_month() and payout_list.line_count == 3
    assert payout_list.code in out


def test_a_column_that_agrees_with_period_is_taken(payer, tmp_path):
    month = f"{this_month():%Y-%m}"
    path = _file(tmp_path, "beneficiary_name,citizen_id,amount,point_code,period", (month,) * 3)
    _console(path, month)
    assert PayoutList.objects.get().period == this_month()


def test_a_column_that_says_another_month_than_period_is_refused(payer, tmp_path, english):
    other = this_month().replace(year=this_month().year - 1)
    path = _file(
        tmp_path, "beneficiary_name,citizen_id,amount,point_code,period", (f"{other:%Y-%m}",) * 3
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command(
            "payouts",
            "import",
            path,
            "--payer",
            "bhxh",
            "--period",
            f"{this_month():%Y-%m}",
            stderr=err,
        )
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 1, lines  # said once, not on every row
    assert f"{other:%m/%Y}" in lines[0] and f"{this_month():%m/%Y}" in lines[0]
    assert "--period" in lines[0]
    assert not PayoutList.objects.exists()


def test_the_generic_import_without_a_month_asks_for_one(payer, tmp_path, english):
    path = _file(tmp_path, "beneficiary_name,citizen_id,amount,point_code", payer="bhxh")
    with pytest.raises(ImportFailed) as refused:
        import_file("payout_list", path)
    assert [(e.row, e.column) for e in refused.value.errors] == [(1, "period")]
    assert "--period" in refused.value.errors[0].reason
    assert not PayoutList.objects.exists()


def test_the_generic_import_wants_the_month_on_every_row(payer, tmp_path, english):
    month = f"{this_month():%Y-%m}"
    header = "beneficiary_name,citizen_id,amount,point_code,period"
    path = _file(tmp_path, header, (month, "", month), payer="bhxh")
    with pytest.raises(ImportFailed) as refused:
        import_file("payout_list", path)
    assert [(e.row, e.column, e.reason) for e in refused.value.errors] == [
        (3, "period", "a value is required")
    ]


def test_the_api_takes_the_month_given_for_a_file_without_the_column(
    client_as, payer, accountant, tmp_path
):
    path = _file(tmp_path, "beneficiary_name,citizen_id,amount,point_code")
    with open(path, "rb") as upload:
        response = client_as(accountant).post(
            "/api/payouts/lists",
            {"file": upload, "payer": "bhxh", "period": f"{this_month():%Y-%m}"},
        )
    assert response.status_code == 201, response.content
    assert response.json()["line_count"] == 3
