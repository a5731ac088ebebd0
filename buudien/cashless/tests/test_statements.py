"""Reading bank statements as the banks export them (statements.read_statement through the
import kind): each bank's sample file under tests/statements/ (their real layouts, invented
transactions), amounts and dates as they are printed, the lines that are no payment, and a
file that cannot be read."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest

from buudien.cashless import statements
from buudien.cashless.importers import BankStatementImport
from buudien.core.imports import CellError, write_xlsx

SAMPLES = Path(__file__).resolve().parent / "statements"
MARCH = dt.date(2026, 3, 1)


def _day(day: int) -> dt.date:
    return MARCH.replace(day=day)


def _read(source: Any) -> tuple[BankStatementImport, list[tuple[int, dt.date, int, str]], list]:
    kind = BankStatementImport()
    rows, errors, _readable = kind.read(source)
    lines = [(r.number, r["date"], r["amount"], r["bank_reference"]) for r in rows]
    return kind, lines, errors


# Each bank's sample: the account of its title lines, its lines (row, day, amount: negative
# for money going out, reference), and one of its headers as the file writes it.
BANKS = {
    "vietcombank.xlsx": (  # under title lines; "Vietnamese\nEnglish" headers; text amounts
        "1012345678",
        [
            (13, _day(5), 150_000, "5243.65937"),
            (14, _day(5), 85_000, "5243.65981"),
            (15, _day(20), -5_000_000, "5312.00417"),
            (16, _day(31), -10_000, "0331.99001"),
            (17, _day(31), -1_000, "0331.99002"),
            (18, _day(31), -11_000, "0331.99003"),
            (19, _day(31), 2_417, "0331.99004"),
        ],
        ("credit", "Số tiền ghi có / Credit"),
    ),
    "vietinbank.xlsx": (  # the transaction date over the accounting date; date cells
        "113000123456",
        [
            (10, _day(6), 150_000, "FT26066812345"),
            (11, _day(7), 85_000, "FT26066812399"),
            (12, _day(25), -22_000, "CT26084000731"),
            (13, _day(25), -2_200, "CT26084000732"),
            (14, _day(31), 1_388, "IN26090000118"),
        ],
        ("date", "Ngày phát sinh / Transaction date"),
    ),
    "bidv.xlsx": (  # English headers under the Vietnamese; an opening balance row
        "21510001234567",
        [
            (12, _day(6), 1_200_000, "926HI0306A3F1K"),
            (13, _day(10), 85_000, "926HI0310B77Q2"),
            (14, _day(31), -8_800, "FEE2603310001"),
            (15, _day(31), -880, "FEE2603310002"),
        ],
        ("credit", "Ghi có"),
    ),
    "agribank.xlsx": (  # one amount column and its Nợ/Có mark; a signature block
        "8000201234567",
        [
            (8, _day(6), 150_000, "8000VNFT260306123"),
            (9, _day(8), 85_000, "8000VNFT260308456"),
            (10, _day(31), -5_500, "8000FEE260331001"),
            (11, _day(31), 912, "8000INT260331001"),
        ],
        ("direction", "Nợ/Có"),
    ),
    "lpbank.csv": (  # CSV with a BOM, ';', title lines without any
        "020100001234",
        [
            (7, _day(7), 150_000, "LPB2603070001"),
            (8, _day(9), 85_000, "LPB2603090002"),
            (9, _day(31), -11_000, "LPB2603310003"),
        ],
        ("bank_reference", "Số bút toán"),
    ),
}


@pytest.mark.parametrize("sample", list(BANKS))
def test_each_banks_export_is_read_as_the_bank_lays_it_out(sample: str) -> None:
    account, expected, (role, header) = BANKS[sample]
    kind, lines, errors = _read(SAMPLES / sample)
    assert errors == []
    assert kind.account == account
    assert lines == expected
    assert kind.names[role] == header


def test_a_total_spread_over_two_columns_is_refined_by_the_row_under_it(tmp_path: Any) -> None:
    path = tmp_path / "sao-ke.xlsx"
    write_xlsx(
        ["Ngày GD", "Số tiền", "", "Diễn giải", "Số CT"],
        [
            ["", "Ghi nợ", "Ghi có", "", ""],
            ["02/03/2026", "", "250.000", "CK BD20K7QM3X", "CT1"],
            ["02/03/2026", "3.300", "", "PHI SMS", "CT2"],
        ],
        path,
    )
    _kind, lines, errors = _read(path)
    assert errors == []
    assert lines == [(3, _day(2), 250_000, "CT1"), (4, _day(2), -3_300, "CT2")]


def test_the_date_and_reference_printed_in_one_cell_are_parted() -> None:
    data = io.BytesIO(
        "STT,Ngày/TNX Date Số CT/Doc No,Số tiền ghi nợ/Debit,Số tiền ghi có/Credit,"
        "Nội dung chi tiết/Transactions in detail\n"
        '1,"31/10/2026\n5243.65937",,"99,000",MBVCB.4525077405 BD20K7QM3X\n'.encode()
    )
    _kind, lines, errors = _read(data)
    assert errors == []
    assert lines == [(2, dt.date(2026, 10, 31), 99_000, "5243.65937")]


@pytest.mark.parametrize(
    ("printed", "amount"),
    [
        ("1.500.000", 1_500_000),
        ("1,500,000", 1_500_000),
        ("1,500,000.00", 1_500_000),
        ("1.500.000,00", 1_500_000),
        ("1 500 000", 1_500_000),
        ("1500000 VND", 1_500_000),
        ("+150.000", 150_000),
        ("-50.000", -50_000),
        ("(50.000)", -50_000),
        (1500000.0, 1_500_000),
        (85000, 85_000),
    ],
)
def test_amounts_as_the_banks_print_them(printed: Any, amount: int) -> None:
    assert statements.money(signed=True)(printed) == amount


@pytest.mark.parametrize("printed", ["1.500,50", "1.5", "1,50,000", "abc"])
def test_a_fraction_or_a_bad_grouping_is_no_amount(printed: str) -> None:
    with pytest.raises(CellError):
        statements.money(signed=True)(printed)


@pytest.mark.parametrize(
    "printed",
    [
        "05/03/2026",
        "5/3/2026",
        "05/03/2026 09:14:22",
        "05/03/2026 9:14",
        "05-03-2026",
        "2026-03-05",
        "2026-03-05T09:14:22",
        dt.datetime(2026, 3, 5, 9, 14, 22),
    ],
)
def test_dates_with_or_without_their_time(printed: Any) -> None:
    assert statements.date()(printed) == dt.date(2026, 3, 5)


@pytest.mark.parametrize(
    ("header", "roles"),
    [
        ("Ngày giao dịch", {"date"}),
        ("Ngày GD", {"date"}),
        ("Số tiền ghi có", {"credit"}),
        ("Ghi có (Credit)", {"credit"}),
        ("Có / Credit", {"credit"}),
        ("Số tiền", {"amount"}),
        ("Nợ/Có", {"direction"}),
        ("Nợ / Có", {"direction"}),
        ("Nội dung", {"description"}),
        ("Diễn giải", {"description"}),
        ("Mô tả/ Description", {"description"}),
        ("Số tham chiếu", {"bank_reference"}),
        ("Mã giao dịch", {"bank_reference"}),
        ("Số bút toán", {"bank_reference"}),
        ("bank_reference", {"bank_reference"}),
        ("Số dư", set()),
        ("STT", set()),
    ],
)
def test_headers_are_known_by_their_words(header: str, roles: set[str]) -> None:
    assert set(statements.cell_roles(header)) == roles


@pytest.mark.parametrize(
    ("description", "amount", "kind"),
    [
        ("Thu phi quan ly tai khoan T03/2026", -10_000, "fee"),
        ("VAT phi quan ly tai khoan", -1_000, "fee"),
        ("Phí SMS Banking T3/2026", -5_500, "fee"),
        ("Chuyen tien ve tai khoan chuyen thu", -5_000_000, "debit"),
        ("Tra lai tien gui khong ky han thang 03/2026", 2_417, "interest"),
        ("LAI NHAP VON", 1_388, "interest"),
        ("Lãi tiền gửi tháng 3/2026", 912, "interest"),
        ("HOAN PHI SMS BANKING", 8_800, "fee"),
        ("TRAN VAN PHI CHUYEN TIEN", 85_000, ""),  # Phi is a name
        ("NGUYEN VAN AN chuyen lai tien cuoc", 85_000, ""),  # lại, not lãi
        ("CK cuoc phí buu kien", 85_000, ""),  # a customer paying a fee of the post
    ],
)
def test_what_a_line_that_is_no_payment_is(description: str, amount: int, kind: str) -> None:
    assert statements.line_kind(description, amount) == kind


def test_a_file_without_a_table_is_refused_on_row_0(english: Any) -> None:
    data = io.BytesIO("SAO KÊ TÀI KHOẢN\nSố tài khoản: 1012345678\nKhông có giao dịch\n".encode())
    _kind, lines, errors = _read(data)
    assert lines == []
    assert [(e.row, e.column) for e in errors] == [(0, "")]
    assert "No header row found" in errors[0].reason


def test_every_unreadable_cell_is_named_by_row_and_by_the_files_column(english: Any) -> None:
    data = io.BytesIO(
        "NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM\n"
        "Số tài khoản/Account number:,,1012345678\n"
        "\n"
        "Ngày giao dịch,Số tham chiếu,Số tiền ghi nợ,Số tiền ghi có,Mô tả\n"
        "05/03/2026,FT1,,150.000,BD20K7QM3X\n"
        "32/03/2026,FT2,,85.000,chuyen tien\n"
        '06/03/2026,FT3,,"85,5",chuyen tien\n'
        "06/03/2026,,10.000,,Thu phi SMS\n"
        "07/03/2026,FT5,10.000,20.000,???\n".encode()
    )
    _kind, _lines, errors = _read(data)
    assert [(e.row, e.column) for e in errors] == [
        (6, "Ngày giao dịch"),
        (7, "Số tiền ghi có"),
        (8, "Số tham chiếu"),
        (9, "Số tiền ghi có"),
    ]
    assert "not a real day" in errors[0].reason


def test_a_statement_without_a_reference_column_says_which_headers_it_knows(
    english: Any,
) -> None:
    data = io.BytesIO("Ngày GD,Số tiền,Nợ/Có,Nội dung\n05/03/2026,150.000,C,x\n".encode())
    _kind, _lines, errors = _read(data)
    assert [(e.row, e.column) for e in errors] == [(1, "bank_reference")]
    assert "Số tham chiếu" in errors[0].reason and "Mã giao dịch" in errors[0].reason


def test_every_header_word_names_one_column() -> None:
    seen: dict[str, str] = {}
    for role, names in statements.HEADERS.items():
        for name in names:
            assert set(statements.cell_roles(name)) == {role}, name
            seen[name] = role
    assert len(seen) == sum(len(names) for names in statements.HEADERS.values())


@pytest.mark.parametrize(
    "content",
    [
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,  # Excel 97-2003
        "<html><body><table><tr><td>Ngày giao dịch</td></tr></table></body></html>".encode(),
    ],
)
def test_an_xls_or_a_web_page_named_xls_is_asked_for_again_as_xlsx(
    content: bytes, english: Any
) -> None:
    _kind, lines, errors = _read(io.BytesIO(content))
    assert lines == []
    assert [(e.row, e.column) for e in errors] == [(0, "")]
    assert "save it as .xlsx" in errors[0].reason


def test_a_description_that_starts_like_a_total_is_still_a_line() -> None:
    data = io.BytesIO(
        "Nội dung,Ngày giao dịch,Số tiền,Số tham chiếu\n"
        "Tong cong ty X chuyen tien BD20K7QM3X,05/03/2026,150.000,FT1\n"
        "Tổng cộng,,150.000,\n".encode()
    )
    _kind, lines, errors = _read(data)
    assert errors == []
    assert lines == [(2, _day(5), 150_000, "FT1")]
