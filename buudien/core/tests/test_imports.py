"""The import framework: reading files, parsing cells, collecting every problem, all or nothing.

The kind used here imports calendar exceptions (a core table), so the framework is tested
without any domain app.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from buudien.core import imports as im
from buudien.core.catalogue import Service
from buudien.core.errors import NotFound
from buudien.core.imports import (
    CellError,
    Column,
    ImportFailed,
    ImportKind,
    ImportResult,
    Row,
    RowError,
)
from buudien.core.models import AuditEntry, CalendarDay
from buudien.network.choices import PointKind


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


class CalendarImport(ImportKind):
    name = "test_calendar"
    help = "Days off and make-up working days."
    exportable = True
    columns = (
        Column("date", im.date(), help="the day"),
        Column("is_working_day", im.boolean(), help="a make-up working day"),
        Column("note", im.text(20), required=False, help="why"),
        Column("amount", im.money(), required=False, help="an amount"),
    )
    fail_on_write = False

    def validate(self, rows: list[Row]) -> list[RowError]:
        errors = []
        seen: dict[dt.date, int] = {}
        for row in rows:
            day = row["date"]
            if day is None:
                continue
            if day in seen:
                errors.append(row.error("date", f"also in row {seen[day]}"))
            seen.setdefault(day, row.number)
        return errors

    def write(self, rows: list[Row]) -> ImportResult:
        created = updated = 0
        for row in rows:
            _obj, was_created = CalendarDay.objects.update_or_create(
                date=row["date"],
                defaults={"is_working_day": row["is_working_day"], "note": row.get("note", "")},
            )
            created += was_created
            updated += not was_created
            if self.fail_on_write and row.number == 3:
                raise RuntimeError("disk full")
        return ImportResult(created, updated)

    def export(self) -> list[list[Any]]:
        return [
            [day.date, day.is_working_day, day.note or None, None]
            for day in CalendarDay.objects.order_by("date")
        ]


class FailingCalendarImport(CalendarImport):
    name = "test_calendar_failing"
    fail_on_write = True


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(im._KINDS, CalendarImport.name, CalendarImport)
    monkeypatch.setitem(im._KINDS, FailingCalendarImport.name, FailingCalendarImport)


def csv_file(text: str, *, bom: bool = False, name: str = "days.csv") -> io.BytesIO:
    data = io.BytesIO((("\ufeff" if bom else "") + text).encode("utf-8"))
    data.name = name
    return data


def xlsx_file(rows: list[list[Any]]) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    data.name = "days.xlsx"
    return data


def reason(parser: im.Parser[Any], value: Any) -> str:
    with pytest.raises(CellError) as excinfo:
        parser(value)
    return str(excinfo.value)


# --- parsers ---------------------------------------------------------------------------------


def test_text_collapses_spaces_normalises_to_nfc_and_checks_the_length() -> None:
    parse = im.text(10)
    decomposed = "Le\u0302\u0323 Thu\u031bo\u031b\u0300ng"  # "Lệ Thường" typed in NFD

    assert parse("  Chi   Lăng ") == "Chi Lăng"
    assert parse(decomposed) == "Lệ Thường"
    assert parse(12.0) == "12"
    assert reason(parse, "Bưu điện Lạng Sơn") == "at most 10 characters, this has 17"


def test_code_accepts_identifiers_and_restores_leading_zeros_of_number_cells() -> None:
    assert im.code()("BDT20") == "BDT20"
    assert im.code()(240001.0) == "240001"
    assert im.code(digits=5)(6001) == "06001"
    assert im.code(digits=5)("06001") == "06001"
    assert im.code(digits=5)("6001") == "06001"
    assert reason(im.code(digits=5), "060011") == "expected a code of 5 digits, not 060011"
    assert reason(im.code(digits=2), "2a") == "expected a code of 2 digits, not 2a"
    assert reason(im.code(), "BD T20") == (
        "expected a code of letters, digits, '-', '_' or '.', not BD T20"
    )
    assert reason(im.code(4), "ABCDE") == "a code has at most 4 characters, this has 5"


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1234567", 1234567),
        ("1.234.567", 1234567),
        ("1 234 567", 1234567),
        ("-12", -12),
        ("1.000", 1000),
        (42, 42),
        (42.0, 42),
        ("0", 0),
    ],
)
def test_integer_reads_plain_and_vietnamese_grouped_numbers(raw: Any, value: int) -> None:
    assert im.integer()(raw) == value


@pytest.mark.parametrize("raw", ["1,5", "1.5", "12.34.567", "abc", "1.2345", 2.5, True])
def test_integer_refuses_what_is_not_a_whole_number(raw: Any) -> None:
    assert reason(im.integer(), raw).startswith("expected a whole number")


def test_integer_checks_its_bounds() -> None:
    assert reason(im.integer(min_value=1), "0") == "must be at least 1"
    assert reason(im.integer(max_value=9), "10") == "must be at most 9"


def test_money_is_whole_dong_not_negative() -> None:
    parse = im.money()

    assert parse("1.500.000") == 1_500_000
    assert parse("1.500.000 đ") == 1_500_000
    assert parse("250000₫") == 250_000
    assert parse("0") == 0
    assert parse(99000.0) == 99_000
    assert reason(parse, "-5") == "an amount cannot be negative"
    assert reason(parse, "12,5") == (
        "expected an amount in whole đồng, e.g. 1500000 or 1.500.000, not 12,5"
    )


def test_date_reads_iso_day_first_and_spreadsheet_cells() -> None:
    parse = im.date()

    assert parse("2025-07-01") == dt.date(2025, 7, 1)
    assert parse("01/07/2025") == dt.date(2025, 7, 1)
    assert parse("1/7/2025") == dt.date(2025, 7, 1)
    assert parse(dt.datetime(2025, 7, 1, 0, 0)) == dt.date(2025, 7, 1)
    assert parse(dt.date(2025, 7, 1)) == dt.date(2025, 7, 1)
    assert parse("2025-07-01 00:00:00") == dt.date(2025, 7, 1)
    assert reason(parse, "30/02/2025") == "30/02/2025 is not a real day"
    assert reason(parse, "07/01/25") == (
        "expected a date as YYYY-MM-DD or DD/MM/YYYY, not 07/01/25"
    )
    assert reason(parse, 45000) == "expected a date as YYYY-MM-DD or DD/MM/YYYY, not 45000"


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", "yes", "x", "X", "có", "Có", "co", True, 1])
def test_boolean_yes(raw: Any) -> None:
    assert im.boolean()(raw) is True


@pytest.mark.parametrize("raw", ["0", "false", "no", "không", "khong", False, 0, 0.0])
def test_boolean_no(raw: Any) -> None:
    assert im.boolean()(raw) is False


def test_boolean_blank_is_no_and_other_words_are_refused() -> None:
    parse = im.boolean()

    assert parse.has_blank and parse.blank is False
    assert reason(parse, "maybe") == (
        "expected yes or no (1/0, true/false, yes/no, có/không, x/blank), not maybe"
    )


def test_choice_takes_a_value_in_any_case_and_lists_the_values_when_wrong() -> None:
    parse = im.choice(PointKind)

    assert parse("bc3") == "bc3"
    assert parse("BDVHX") == "bdvhx"
    assert reason(parse, "bc9") == (
        "expected one of bc1, bc2, bc3, bdvhx, agent, kiosk, centre, not bc9"
    )


def test_choice_list_splits_on_spaces_and_commas_in_catalogue_order() -> None:
    parse = im.choice_list(Service)

    assert parse("pension, collection  ems") == ["ems", "collection", "pension"]
    assert parse.blank == []
    assert reason(parse, "ems lottery").startswith("unknown lottery; expected some of registered")


# --- reading files ---------------------------------------------------------------------------


def test_a_csv_with_bom_and_semicolons_is_read_with_spreadsheet_row_numbers() -> None:
    source = csv_file(
        ' Date ;Is Working Day;NOTE\n2026-02-16;0;Tết\n;;\n2026-02-28;1;"bù; thứ bảy"\n',
        bom=True,
    )

    table = im.read_table(source)

    assert table.header == ["date", "is_working_day", "note"]
    assert table.rows == [
        (2, {"date": "2026-02-16", "is_working_day": "0", "note": "Tết"}),
        (4, {"date": "2026-02-28", "is_working_day": "1", "note": "bù; thứ bảy"}),
    ]
    assert table.errors == []


def test_rows_keep_the_numbers_the_spreadsheet_shows_when_blank_rows_come_first() -> None:
    source = xlsx_file([[None], ["date", "is_working_day"], [None, None], ["2026-01-01", 0]])

    table = im.read_table(source)

    assert table.header_row == 2
    assert table.rows == [(4, {"date": "2026-01-01", "is_working_day": 0})]


def test_an_xlsx_is_read_from_its_first_sheet_with_typed_cells() -> None:
    source = xlsx_file(
        [["date", "is_working_day", "amount"], [dt.datetime(2026, 2, 16), False, 1500000]]
    )

    table = im.read_table(source)

    assert table.header == ["date", "is_working_day", "amount"]
    assert table.rows == [
        (2, {"date": dt.datetime(2026, 2, 16), "is_working_day": False, "amount": 1500000})
    ]


def test_a_file_that_is_not_utf8_is_refused_as_a_whole() -> None:
    source = io.BytesIO("date\n2026-01-01;café\n".encode("latin-1"))

    table = im.read_table(source)

    assert [str(error) for error in table.errors] == [
        "The file is not UTF-8 text (byte 19); save it as CSV UTF-8."
    ]


def test_an_empty_file_has_no_header() -> None:
    assert im.read_table(csv_file("\n\n")).errors == [
        RowError(0, "", "The file is empty: it has no header row.")
    ]


def test_a_damaged_xlsx_is_reported_not_raised() -> None:
    table = im.read_table(io.BytesIO(b"PK\x03\x04 not really a workbook"))

    assert len(table.errors) == 1
    assert table.errors[0].reason.startswith("The file is not a readable .xlsx workbook")


def test_a_path_is_read_like_a_file_object(tmp_path: Path) -> None:
    path = tmp_path / "days.csv"
    path.write_text("date,is_working_day\n2026-01-01,0\n", encoding="utf-8")

    assert im.read_table(path).rows == [(2, {"date": "2026-01-01", "is_working_day": "0"})]
    assert im.source_name(path) == "days.csv"


# --- importing -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_good_file_is_written_with_one_audit_entry(registered: None) -> None:
    source = csv_file("date;is_working_day;note\n16/02/2026;không;Tết\n2026-02-28;x;bù\n")

    result = im.import_file("test_calendar", source)

    assert result == ImportResult(created=2, updated=0)
    assert list(CalendarDay.objects.order_by("date").values_list("date", "is_working_day")) == [
        (dt.date(2026, 2, 16), False),
        (dt.date(2026, 2, 28), True),
    ]
    entry = AuditEntry.objects.get()
    assert entry.action == "import.test_calendar"
    assert entry.actor is None
    assert entry.after == {"file": "days.csv", "created": 2, "updated": 0, "unchanged": 0}


@pytest.mark.django_db
def test_an_xlsx_with_date_cells_is_imported(registered: None) -> None:
    source = xlsx_file(
        [
            ["Date", "Is_working_day", "Note"],
            [dt.datetime(2026, 2, 16), None, "Tết"],
            [dt.datetime(2026, 2, 28), 1, None],
        ]
    )

    result = im.import_file("test_calendar", source)

    assert result.created == 2
    assert list(
        CalendarDay.objects.order_by("date").values_list("date", "is_working_day", "note")
    ) == [(dt.date(2026, 2, 16), False, "Tết"), (dt.date(2026, 2, 28), True, "")]


@pytest.mark.django_db
def test_every_problem_is_reported_and_nothing_is_written(registered: None) -> None:
    CalendarDay.objects.create(date=dt.date(2026, 1, 1), is_working_day=False, note="kept")
    source = csv_file(
        "date,colour,note\n"  # is_working_day missing, colour unknown
        "2026-02-16,red,Tết\n"
        "31/02/2026,,\n"
        ",,a note that is far too long\n"
        "2026-02-16,,again\n"
        "2026-03-01,,,surplus\n"
    )

    with pytest.raises(ImportFailed) as excinfo:
        im.import_file("test_calendar", source)

    assert excinfo.value.lines() == [
        "row 1, column colour: unknown column; the columns are date, is_working_day, note, amount",
        "row 1, column is_working_day: the column is missing",
        "row 3, column date: 31/02/2026 is not a real day",
        "row 4, column date: a value is required",
        "row 4, column note: at most 20 characters, this has 27",
        "row 5, column date: also in row 2",
        "row 6: a value in a column without a header name",
    ]
    assert str(excinfo.value) == "Nothing was imported: the file has 7 problems."
    assert list(CalendarDay.objects.values_list("note", flat=True)) == ["kept"]
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_a_dry_run_counts_but_keeps_nothing(registered: None) -> None:
    CalendarDay.objects.create(date=dt.date(2026, 2, 16), is_working_day=True)
    source = csv_file("date,is_working_day\n2026-02-16,0\n2026-02-17,0\n")

    result = im.import_file("test_calendar", source, dry_run=True)

    assert result == ImportResult(created=1, updated=1)
    assert list(CalendarDay.objects.values_list("date", "is_working_day")) == [
        (dt.date(2026, 2, 16), True)
    ]
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_a_failure_while_writing_rolls_everything_back(registered: None) -> None:
    source = csv_file("date,is_working_day\n2026-02-16,0\n2026-02-17,0\n")

    with pytest.raises(RuntimeError, match="disk full"):
        im.import_file("test_calendar_failing", source)

    assert CalendarDay.objects.count() == 0
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_a_database_refusal_while_writing_becomes_an_import_failure(
    registered: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def write(self: ImportKind, rows: list[Row]) -> ImportResult:
        CalendarDay.objects.create(date=dt.date(2026, 2, 16), is_working_day=False)
        CalendarDay.objects.create(date=dt.date(2026, 2, 16), is_working_day=False)
        return ImportResult(2, 0)

    monkeypatch.setattr(CalendarImport, "write", write)

    with pytest.raises(ImportFailed) as excinfo:
        im.import_file("test_calendar", csv_file("date,is_working_day\n2026-02-16,0\n"))

    assert excinfo.value.errors[0].reason.startswith("The database refused the file")
    assert CalendarDay.objects.count() == 0


def test_an_unknown_kind_is_not_found(registered: None) -> None:
    with pytest.raises(NotFound, match="Unknown kind nonsense; known kinds: "):
        im.import_file("nonsense", csv_file("a\n1\n"))


def test_the_registry_lists_kinds_by_name(registered: None) -> None:
    names = [kind.name for kind in im.kinds()]

    assert names == sorted(names)
    assert {"test_calendar", "units", "points"} <= set(names)
    assert im.get_kind("test_calendar") is CalendarImport


def test_registering_another_kind_under_a_taken_name_is_refused(registered: None) -> None:
    class Impostor(ImportKind):
        name = "test_calendar"

    with pytest.raises(ValueError, match="already registered"):
        im.register(Impostor)


def test_the_description_lists_each_column_with_its_meaning(registered: None) -> None:
    text = im.describe_kinds()

    assert "test_calendar: Days off and make-up working days." in text
    assert "  date" + " " * 12 + "* the day\n" in text
    assert "  is_working_day  * a make-up working day\n" in text
    assert "(a date, YYYY-MM-DD or DD/MM/YYYY)" in text
    assert "  note" + " " * 14 + "why\n" in text


def test_a_row_error_reads_as_a_sentence() -> None:
    assert str(RowError(3, "kind", "expected bc3")) == "row 3, column kind: expected bc3"
    assert str(RowError(3, "", "too many cells")) == "row 3: too many cells"
    assert str(RowError(0, "", "The file is empty.")) == "The file is empty."


# --- exporting -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_export_written_as_csv_or_xlsx_imports_back_unchanged(registered: None) -> None:
    CalendarDay.objects.create(date=dt.date(2026, 2, 16), is_working_day=False, note="Tết")
    CalendarDay.objects.create(date=dt.date(2026, 2, 28), is_working_day=True)

    header, rows = im.export_rows("test_calendar")
    as_csv = io.StringIO()
    im.write_csv(header, rows, as_csv)
    as_xlsx = io.BytesIO()
    im.write_xlsx(header, rows, as_xlsx)

    assert as_csv.getvalue() == (
        "date,is_working_day,note,amount\n2026-02-16,0,Tết,\n2026-02-28,1,,\n"
    )
    sheet = load_workbook(io.BytesIO(as_xlsx.getvalue())).active
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["date", "is_working_day", "note", "amount"],
        [dt.datetime(2026, 2, 16), False, "Tết", None],
        [dt.datetime(2026, 2, 28), True, None, None],
    ]
    for source in (csv_file(as_csv.getvalue()), io.BytesIO(as_xlsx.getvalue())):
        assert im.import_file("test_calendar", source) == ImportResult(created=0, updated=2)
    assert list(
        CalendarDay.objects.order_by("date").values_list("date", "is_working_day", "note")
    ) == [
        (dt.date(2026, 2, 16), False, "Tết"),
        (dt.date(2026, 2, 28), True, ""),
    ]


def test_a_kind_without_export_cannot_be_exported(monkeypatch: pytest.MonkeyPatch) -> None:
    class ImportOnly(ImportKind):
        name = "test_import_only"

    monkeypatch.setitem(im._KINDS, ImportOnly.name, ImportOnly)

    with pytest.raises(NotFound, match="test_import_only cannot be exported"):
        im.export_rows("test_import_only")
