"""The import kind ``payout_list`` (CSV and .xlsx), the console commands, all or nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from buudien.core.imports import ImportFailed, import_file
from buudien.finance.models import Entry, Transfer
from buudien.payouts.importers import list_import_file
from buudien.payouts.models import PayoutLine, PayoutList
from buudien.payouts.tests.conftest import this_month

pytestmark = pytest.mark.django_db

HEADER = "beneficiary_name,citizen_id,amount,point_code,period,address,phone,line_reference\n"


def good_csv(period: str) -> bytes:
    return (
        HEADER
        + f"Hoàng Văn An,020123456789,4.500.000,240001,{period},Thôn Bản Chu,0912345678,2001\n"
        + f"Nông Thị Bình,020198765432,3200000,240001,{period},,,\n"
        + f"Lương Văn Chí,001080001234,2800000 đ,240002,{period},,,\n"
    ).encode()


def bad_csv(period: str) -> bytes:
    return (
        HEADER
        + f"Hoàng Văn An,02012345678,4500000,240001,{period},,,\n"  # 11 digits
        + f"Nông Thị Bình,020198765432,-5,240001,{period},,,\n"  # negative
        + f"Lương Văn Chí,020198765432,2800000,999999,{period},,,\n"  # duplicate ID, no point
        + f",020100000009,abc,240002,{period},,,\n"  # no name, bad amount
        + "Hà Thị Dung,020100000010,1000000,240002,2020-01,,,\n"  # another month
    ).encode()


def state():
    return (
        PayoutList.objects.count(),
        PayoutLine.objects.count(),
        Entry.objects.count(),
        Transfer.objects.count(),
    )


def test_a_good_csv_is_imported_and_funded(payer, accountant):
    period = f"{this_month():%Y-%m}"

    payout_list = list_import_file(
        io.BytesIO(good_csv(period)),
        actor=accountant,
        payer=payer,
        period=this_month(),
        name="ds.csv",
    )

    assert payout_list.line_count == 3
    assert payout_list.total_amount == 10_500_000
    assert payout_list.file_name == "ds.csv"
    an = payout_list.lines.get(number=1)
    assert (an.address, an.phone, an.line_reference) == ("Thôn Bản Chu", "0912345678", "2001")
    assert payout_list.lines.get(number=3).citizen_id == "001080001234"
    assert payout_list.funding_entry is not None


def test_a_bad_csv_reports_every_problem_and_changes_nothing(payer, accountant, english):
    before = state()

    with pytest.raises(ImportFailed) as refused:
        list_import_file(
            io.BytesIO(bad_csv(f"{this_month():%Y-%m}")),
            actor=accountant,
            payer=payer,
            period=this_month(),
        )

    problems = [(e.row, e.column) for e in refused.value.errors]
    assert problems == [
        (2, "citizen_id"),
        (3, "amount"),
        (4, "citizen_id"),
        (4, "point_code"),
        (5, "amount"),
        (5, "beneficiary_name"),
        (6, "period"),
    ]
    reasons = {(e.row, e.column): e.reason for e in refused.value.errors}
    assert "exactly 12 digits" in reasons[(2, "citizen_id")]
    assert "already on row 3" in reasons[(4, "citizen_id")]
    assert "unknown pay point 999999" in reasons[(4, "point_code")]
    assert state() == before


def _xlsx(rows: list[list[object]]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(["beneficiary_name", "citizen_id", "amount", "point_code", "period"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_a_bad_xlsx_reports_every_problem_and_changes_nothing(payer, accountant, english):
    period = f"{this_month():%Y-%m}"
    before = state()
    with pytest.raises(ImportFailed) as refused:
        list_import_file(
            _xlsx(
                [
                    ["Hoàng Văn An", "0201234567890", 4500000, "240001", period],
                    ["Nông Thị Bình", "020198765432", 0, "240001", period],
                    ["Lương Văn Chí", "020198765432", 2.5, "240009", period],
                ]
            ),
            actor=accountant,
            payer=payer,
            period=this_month(),
        )
    assert [(e.row, e.column) for e in refused.value.errors] == [
        (2, "citizen_id"),
        (3, "amount"),
        (4, "amount"),
        (4, "citizen_id"),
        (4, "point_code"),
    ]
    assert state() == before


def test_an_xlsx_gives_back_the_zeros_a_number_cell_lost(payer, accountant):
    period = f"{this_month():%Y-%m}"
    payout_list = list_import_file(
        _xlsx([["Lương Văn Chí", 1080001234, 2800000, 240002, period]]),
        actor=accountant,
        payer=payer,
        period=this_month(),
    )
    assert payout_list.lines.get().citizen_id == "001080001234"


def test_the_generic_import_takes_the_payer_from_the_file(payer, tmp_path):
    period = f"{this_month():%Y-%m}"
    path = tmp_path / "list.csv"
    path.write_text(
        "payer,beneficiary_name,citizen_id,amount,point_code,period\n"
        f"bhxh,Hoàng Văn An,020123456789,4500000,240001,{period}\n"
        f"bhxh,Nông Thị Bình,020198765432,3200000,240001,{period}\n"
        f"bhxh,Lương Văn Chí,001080001234,2800000,240002,{period}\n",
        encoding="utf-8",
    )

    result = import_file("payout_list", path)

    assert result.created == 3
    assert PayoutList.objects.get().payer == payer


def test_the_generic_import_without_a_payer_is_refused(payer, tmp_path, english):
    path = tmp_path / "list.csv"
    path.write_bytes(good_csv(f"{this_month():%Y-%m}"))
    with pytest.raises(ImportFailed) as refused:
        import_file("payout_list", path)
    assert [(e.row, e.column) for e in refused.value.errors] == [(1, "payer")]
    assert PayoutList.objects.count() == 0


def test_the_console_command_imports_and_closes(payer, tmp_path):
    path = tmp_path / "list.csv"
    period = f"{this_month():%Y-%m}"
    path.write_bytes(good_csv(period))
    out = io.StringIO()

    call_command("payouts", "import", str(path), "--payer", "bhxh", "--period", period, stdout=out)

    payout_list = PayoutList.objects.get()
    assert payout_list.code in out.getvalue()
    call_command("payouts", "close", payout_list.code, stdout=out)
    payout_list.refresh_from_db()
    assert payout_list.status == "closed"
    assert payout_list.returned_amount == 10_500_000


def test_the_console_command_lists_every_problem(payer, tmp_path, english):
    path = tmp_path / "bad.csv"
    path.write_bytes(bad_csv(f"{this_month():%Y-%m}"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command(
            "payouts",
            "import",
            str(path),
            "--payer",
            "bhxh",
            "--period",
            f"{this_month():%Y-%m}",
            stderr=err,
        )
    assert "row 4, column point_code: unknown pay point 999999" in err.getvalue()
    assert PayoutList.objects.count() == 0
