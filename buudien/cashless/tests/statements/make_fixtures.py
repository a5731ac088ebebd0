"""Writes the sample statements next to this file: each bank's export as its customers get it
(title lines, headers, number and date formats of Vietcombank, VietinBank, BIDV, Agribank and
LPBank), with invented transactions: a customer's transfer with its payment code, one without
(to match by hand), the bank's monthly fees and their VAT, interest, money going out, totals.

    .venv/bin/python buudien/cashless/tests/statements/make_fixtures.py
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent
CODE = "BD20K7QM3X"  # the payment code a customer typed in a transfer (tests give it a request)


def _xlsx(name: str, title: list[list[Any]], header: list[Any], rows: list[list[Any]]) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    for line in title:
        sheet.append(line)
    width = len(header)
    for number in range(1, len(title) + 1):
        if len([c for c in title[number - 1] if c not in (None, "")]) == 1:
            sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=width)
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True)
    for row in rows:
        sheet.append(row)
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "dd/mm/yyyy hh:mm:ss"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "dd/mm/yyyy"
            elif isinstance(cell.value, int) and cell.column > 1:
                cell.number_format = "#,##0"
    book.properties.creator = "buudien tests"
    book.properties.created = dt.datetime(2026, 4, 1, 8, 0)
    book.properties.modified = dt.datetime(2026, 4, 1, 8, 0)
    book.save(HERE / name)


def vietcombank() -> None:
    """VCB Digibank's "Sao kê tài khoản" in Excel: bilingual titles, the account in the cell
    after its label, headers "Vietnamese\\nEnglish", dates as text with their time, amounts as
    text with commas, the day's fees at the end of the month, a total and a closing balance."""
    title = [
        ["NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM"],
        ["Joint Stock Commercial Bank for Foreign Trade of Vietnam"],
        [],
        ["SAO KÊ TÀI KHOẢN / STATEMENT OF ACCOUNT"],
        [],
        ["Số tài khoản/Account number:", None, "1012345678"],
        ["Tên tài khoản/Account name:", None, "BUU DIEN TINH LANG SON"],
        ["Loại tiền/Currency:", None, "VND"],
        ["Từ ngày/From: 01/03/2026 - Đến ngày/To: 31/03/2026"],
        ["Số dư đầu kỳ/Opening balance:", None, "25,000,000"],
        [],
    ]
    header = [
        "STT\nNo.",
        "Ngày giao dịch\nTransaction Date",
        "Số tham chiếu\nReference No.",
        "Số tiền ghi nợ\nDebit",
        "Số tiền ghi có\nCredit",
        "Số dư\nBalance",
        "Mô tả\nDescription",
    ]
    rows = [
        [
            1,
            "05/03/2026 09:14:22",
            "5243.65937",
            "",
            "150,000",
            "25,150,000",
            f"MBVCB.8812345678.{CODE} Cuoc EMS di Ha Noi.CT tu 0351000646393 NGUYEN VAN AN toi "
            "1012345678 BUU DIEN TINH LANG SON",
        ],
        [
            2,
            "05/03/2026 10:02:51",
            "5243.65981",
            "",
            "85,000",
            "25,235,000",
            "IBFT NGUYEN THI BINH chuyen tien cuoc buu kien",
        ],
        [
            3,
            "20/03/2026 15:40:03",
            "5312.00417",
            "5,000,000",
            "",
            "20,235,000",
            "Chuyen tien ve tai khoan chuyen thu Buu dien tinh",
        ],
        [
            4,
            "31/03/2026 23:59:59",
            "0331.99001",
            "10,000",
            "",
            "20,225,000",
            "Thu phi quan ly tai khoan T03/2026",
        ],
        [
            5,
            "31/03/2026 23:59:59",
            "0331.99002",
            "1,000",
            "",
            "20,224,000",
            "VAT phi quan ly tai khoan T03/2026",
        ],
        [
            6,
            "31/03/2026 23:59:59",
            "0331.99003",
            "11,000",
            "",
            "20,213,000",
            "Phi SMS Banking thang 03/2026",
        ],
        [
            7,
            "31/03/2026 23:59:59",
            "0331.99004",
            "",
            "2,417",
            "20,215,417",
            "Tra lai tien gui khong ky han thang 03/2026",
        ],
        ["Tổng số/Total", "", "", "5,022,000", "237,417", "", ""],
        ["Số dư cuối kỳ/Closing balance:", "", "", "", "", "20,215,417", ""],
        [],
        ["Ngày in/Printed date: 01/04/2026"],
    ]
    _xlsx("vietcombank.xlsx", title, header, rows)


def vietinbank() -> None:
    """VietinBank eFAST's "Lịch sử giao dịch": the account inside its label's cell, headers
    "Vietnamese / English" with both an accounting and a transaction date, date cells and
    number cells, debit before credit, the transaction number last."""
    title = [
        ["NGÂN HÀNG TMCP CÔNG THƯƠNG VIỆT NAM - VIETINBANK"],
        [],
        ["LỊCH SỬ GIAO DỊCH - TRANSACTION HISTORY"],
        [],
        ["Số tài khoản / Account No: 113000123456"],
        ["Tên tài khoản / Account name: BUU DIEN TINH LANG SON"],
        ["Từ ngày / From date: 01/03/2026   Đến ngày / To date: 31/03/2026"],
        [],
    ]
    header = [
        "STT / No",
        "Ngày hạch toán / Accounting date",
        "Ngày phát sinh / Transaction date",
        "Mô tả giao dịch / Transaction description",
        "Nợ / Debit",
        "Có / Credit",
        "Số dư TK / Account balance",
        "Số giao dịch / Transaction number",
    ]
    rows = [
        [
            1,
            dt.date(2026, 3, 9),
            dt.datetime(2026, 3, 6, 20, 31, 5),
            f"{CODE} THANH TOAN CUOC BUU PHAM",
            None,
            150000,
            8150000,
            "FT26066812345",
        ],
        [
            2,
            dt.date(2026, 3, 9),
            dt.datetime(2026, 3, 7, 9, 12, 44),
            "TRAN VAN PHI CHUYEN TIEN",
            None,
            85000,
            8235000,
            "FT26066812399",
        ],
        [
            3,
            dt.date(2026, 3, 25),
            dt.datetime(2026, 3, 25, 0, 5, 0),
            "THU PHI DICH VU EFAST T03/2026",
            22000,
            None,
            8213000,
            "CT26084000731",
        ],
        [
            4,
            dt.date(2026, 3, 25),
            dt.datetime(2026, 3, 25, 0, 5, 0),
            "THU VAT PHI DICH VU EFAST T03/2026",
            2200,
            None,
            8210800,
            "CT26084000732",
        ],
        [
            5,
            dt.date(2026, 3, 31),
            dt.datetime(2026, 3, 31, 23, 0, 0),
            "LAI NHAP VON",
            None,
            1388,
            8212188,
            "IN26090000118",
        ],
    ]
    _xlsx("vietinbank.xlsx", title, header, rows)


def bidv() -> None:
    """BIDV's "Sao kê tài khoản": Vietnamese headers with the English ones in the row under
    them, the opening balance as the table's first row, dates as text with their time,
    amounts as text with dots, 0 where a column has nothing."""
    title = [
        ["NGÂN HÀNG TMCP ĐẦU TƯ VÀ PHÁT TRIỂN VIỆT NAM"],
        ["Chi nhánh Lạng Sơn"],
        [],
        ["SAO KÊ TÀI KHOẢN"],
        ["Số tài khoản: 21510001234567"],
        ["Tên tài khoản: BUU DIEN TINH LANG SON"],
        ["Từ ngày 01/03/2026 đến ngày 31/03/2026"],
        [],
    ]
    header = [
        "STT",
        "Ngày giao dịch",
        "Ngày hiệu lực",
        "Số tham chiếu",
        "Ghi nợ",
        "Ghi có",
        "Số dư",
        "Mô tả",
    ]
    rows = [
        [
            "No.",
            "Transaction date",
            "Effective date",
            "Reference",
            "Debit",
            "Credit",
            "Balance",
            "Description",
        ],
        ["", "Số dư đầu kỳ / Opening balance", "", "", "", "", "3.000.000", ""],
        [
            1,
            "06/03/2026 14:22:10",
            "06/03/2026",
            "926HI0306A3F1K",
            "0",
            "1.200.000",
            "4.200.000",
            f"REM Tfr Ac: 31410001234567 {CODE.lower()} thu ho tien dien",
        ],
        [
            2,
            "10/03/2026 08:01:37",
            "10/03/2026",
            "926HI0310B77Q2",
            "0",
            "85.000",
            "4.285.000",
            "LE VAN CUONG CK",
        ],
        [
            3,
            "31/03/2026 22:00:00",
            "31/03/2026",
            "FEE2603310001",
            "8.800",
            "0",
            "4.276.200",
            "PHI SMS BANKING THANG 03/2026",
        ],
        [
            4,
            "31/03/2026 22:00:00",
            "31/03/2026",
            "FEE2603310002",
            "880",
            "0",
            "4.275.320",
            "VAT PHI SMS BANKING",
        ],
        ["", "Tổng phát sinh", "", "", "9.680", "1.285.000", "", ""],
        ["", "Số dư cuối kỳ / Closing balance", "", "", "", "", "4.275.320", ""],
    ]
    _xlsx("bidv.xlsx", title, header, rows)


def agribank() -> None:
    """Agribank E-Banking's statement: one amount column with a "Nợ/Có" mark (C or D),
    "Ngày GD" and "Mã giao dịch", amounts as text with dots, a signature block."""
    title = [
        ["NGÂN HÀNG NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN VIỆT NAM"],
        ["SAO KÊ TÀI KHOẢN"],
        ["Số tài khoản:", "8000201234567"],
        ["Chủ tài khoản:", "BUU DIEN TINH LANG SON"],
        ["Kỳ sao kê: 01/03/2026 - 31/03/2026"],
        [],
    ]
    header = ["STT", "Ngày GD", "Mã giao dịch", "Số tiền", "Nợ/Có", "Nội dung"]
    rows = [
        [1, "06/03/2026", "8000VNFT260306123", "150.000", "C", f"CHUYEN KHOAN {CODE} NOP CUOC"],
        [2, "08/03/2026", "8000VNFT260308456", "85.000", "C", "HOANG THI DUNG CHUYEN TIEN"],
        [3, "31/03/2026", "8000FEE260331001", "5.500", "D", "Phí SMS Banking T3/2026"],
        [4, "31/03/2026", "8000INT260331001", "912", "C", "Lãi tiền gửi tháng 3/2026"],
        [],
        ["", "Người lập biểu", "", "", "Kiểm soát"],
    ]
    _xlsx("agribank.xlsx", title, header, rows)


def lpbank() -> None:
    """LPBank's (LienVietPostBank, the Vietnam Post's bank) statement as CSV, UTF-8 with a
    BOM and ';' between cells, its title lines with none: "Số bút toán", "Diễn giải",
    "Phát sinh nợ" and "Phát sinh có", amounts with dots."""
    lines = [
        ["NGÂN HÀNG TMCP LỘC PHÁT VIỆT NAM (LPBank)"],
        ["SAO KÊ TÀI KHOẢN THANH TOÁN"],
        ["Số tài khoản: 0201 0000 1234 - BUU DIEN TINH LANG SON"],
        ["Từ ngày 01/03/2026 đến ngày 31/03/2026"],
        [],
        [
            "STT",
            "Ngày giao dịch",
            "Số bút toán",
            "Diễn giải",
            "Phát sinh nợ",
            "Phát sinh có",
            "Số dư",
        ],
        [
            "1",
            "07/03/2026",
            "LPB2603070001",
            f"NGUYEN VAN HUNG {CODE} CUOC EMS",
            "",
            "150.000",
            "1.150.000",
        ],
        ["2", "09/03/2026", "LPB2603090002", "CK TIEN CUOC BUU GUI", "", "85.000", "1.235.000"],
        [
            "3",
            "31/03/2026",
            "LPB2603310003",
            "Thu phí quản lý tài khoản tháng 3/2026",
            "11.000",
            "",
            "1.224.000",
        ],
        ["", "Cộng phát sinh", "", "", "11.000", "235.000", ""],
    ]
    with (HERE / "lpbank.csv").open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        for line in lines:
            if len(line) <= 1:
                out.write((line[0] if line else "") + "\r\n")
            else:
                writer.writerow(line)


if __name__ == "__main__":
    vietcombank()
    vietinbank()
    bidv()
    agribank()
    lpbank()
