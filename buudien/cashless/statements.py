"""A bank statement as the bank exports it: the layouts of the main Vietnamese banks
(Vietcombank, VietinBank, BIDV, Agribank, LPBank) and the system's own columns, CSV (UTF-8,
with or without BOM) or .xlsx.

An export opens with title lines (the bank, the account, the period) above its table; the
table's header is the first row that names a date column and an amount column. A column is
known by its header, compared without diacritics, case or punctuation, whole or by its parts
("Số tiền ghi có/ Credit" is "Số tiền ghi có" and "Credit"): ``HEADERS`` lists the words of
each column, the most telling first, so that "Ngày giao dịch" is the date where a statement
also has "Ngày hạch toán". A new layout is a few more words there, not code. A second header
row under the first (English under Vietnamese, or "Ghi nợ | Ghi có" under a "Số tiền" spread
over both) refines it. Amounts come in separate debit and credit columns, or in one column
with a "Nợ/Có" mark or a sign; only a credit is money coming in.

Rows left out of the table: those without an amount (blank rows, notes such as "Ngày in:
01/04/2026", signatures), totals and balances ("Tổng cộng", "Số dư cuối kỳ") and the header
repeated on a new page. Every other row is a
transaction, read by the import kind (``importers.BankStatementImport``), which refuses the
whole file for a row it cannot read.

``line_kind`` tells, from its words, a line that is no customer's payment: the bank's fees and
the interest it pays.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buudien.core import imports as im
from buudien.core.imports import CellError, Parser, RowError, Table
from buudien.core.money import vnd_parse
from buudien.core.text import fold

# The columns of a statement, by role: the headers the banks give them, the most telling first
# (when a statement has two date columns, the one named first here is taken).
HEADERS: dict[str, tuple[str, ...]] = {
    "date": (
        "Ngày giao dịch",
        "Ngày GD",
        "Transaction date",
        "Ngày phát sinh",
        "TNX date",
        "Ngày hiệu lực",
        "Effective date",
        "Value date",
        "Ngày hạch toán",
        "Accounting date",
        "Posting date",
        "Ngày",
        "Date",
    ),
    "credit": (
        "Số tiền ghi có",
        "Ghi có",
        "Phát sinh có",
        "Số tiền có",
        "Credit",
        "Credit amount",
        "Có",
        "Tiền vào",
        "Money in",
    ),
    "debit": (
        "Số tiền ghi nợ",
        "Ghi nợ",
        "Phát sinh nợ",
        "Số tiền nợ",
        "Debit",
        "Debit amount",
        "Nợ",
        "Tiền ra",
        "Money out",
    ),
    "amount": ("Số tiền", "Số tiền giao dịch", "Số tiền GD", "Amount", "Transaction amount"),
    "direction": (
        "Nợ/Có",
        "Có/Nợ",
        "Ghi nợ/Ghi có",
        "D/C",
        "C/D",
        "Dr/Cr",
        "Cr/Dr",
        "Debit/Credit",
        "Credit/Debit",
    ),
    "description": (
        "Nội dung",
        "Nội dung giao dịch",
        "Nội dung chi tiết",
        "Diễn giải",
        "Diễn giải giao dịch",
        "Mô tả",
        "Mô tả giao dịch",
        "Chi tiết giao dịch",
        "Description",
        "Transaction description",
        "Transactions in detail",
        "Narrative",
        "Remarks",
        "Remark",
        "Details",
    ),
    "bank_reference": (
        "Số tham chiếu",
        "Reference No",
        "Reference number",
        "Mã giao dịch",
        "Mã GD",
        "Số bút toán",
        "Số giao dịch",
        "Transaction number",
        "Transaction ID",
        "Số CT",
        "Số chứng từ",
        "Doc No",
        "Reference",
        "Ref No",
        "Bank reference",
    ),
    "account_number": ("Số tài khoản", "Account number", "Account No"),
}

AMOUNT_ROLES = ("credit", "debit", "amount")

# Marks of a "Nợ/Có" column.
CREDIT_MARKS = frozenset({"c", "co", "cr", "credit", "ghi co", "+"})
DEBIT_MARKS = frozenset({"d", "no", "dr", "debit", "ghi no", "-"})

# A row without a date whose first filled cell starts with one of these sums up the others.
SUMMARY_WORDS = (
    "tong",
    "total",
    "cong",
    "so du",
    "du dau",
    "du cuoi",
    "opening",
    "closing",
    "balance",
    "doanh so",
    "luy ke",
)

# The title line that names the account: its label, without what is not this account.
ACCOUNT_LABELS = ("so tai khoan", "account number", "account no", "so tk")
NOT_THIS_ACCOUNT = ("doi ung", "cu", "old", "thu huong", "nguoi chuyen")

HEADER_SEARCH_ROWS = 40

# Lines that are no customer's payment, by their words: checked without diacritics, as banks
# mostly print them ("THU PHI QLTK T02/2026"); "phí" and "lãi" alone only with their
# diacritics, since "phi" and "lai" are also names and "lại". A customer's transfer that
# forgot its code is not taken for one of these: a credit is a fee or interest only by the
# bank's own words ("TRAN VAN PHI CHUYEN TIEN" is a customer, not "phí chuyển tiền").
FEE_WORDS = (
    "phi quan ly",
    "phi qltk",
    "phi sms",
    "phi dich vu",
    "phi duy tri",
    "phi thuong nien",
    "thu phi",
    "vat phi",
    "hoan phi",
    "service fee",
    "sms fee",
    "bank charge",
    "bank charges",
)
INTEREST_WORDS = (
    "tra lai",
    "lai nhap von",
    "lai nhap goc",
    "lai tien gui",
    "tien lai",
    "lai khong ky han",
    "lai kkh",
    "lai tk",
    "interest",
)
FEE_MARKS = ("phí",)
INTEREST_MARKS = ("lãi",)
DEBIT_FEE_WORDS = ("phi", "fee", "charge", "charges", "vat")


def _key(text: str, *, whole: bool = False) -> str:
    """A header as compared: folded, punctuation gone; ``whole`` keeps "/" ("Nợ/Có")."""
    folded = fold(text.replace("_", " "))
    folded = re.sub(r"[^\w/ ]+" if whole else r"[^\w ]+", " ", folded)
    folded = " ".join(folded.split())
    return re.sub(r"\s*/\s*", "/", folded) if whole else folded


_PARTS = re.compile(r"[/\n|()\[\]]+")


def _build_index() -> dict[str, tuple[str, int]]:
    index: dict[str, tuple[str, int]] = {}
    for role, names in HEADERS.items():
        for rank, name in enumerate(names):
            key = _key(name, whole="/" in name)
            if key in index:
                raise ValueError(f"header {name!r} is given to {index[key][0]} and {role}")
            index[key] = (role, rank)
    return index


_INDEX = _build_index()


def _text(cell: Any) -> str:
    return "" if cell is None else unicodedata.normalize("NFC", str(cell)).strip()


def cell_roles(cell: Any) -> dict[str, int]:
    """The roles a header cell names, each with its rank in ``HEADERS`` (lower: surer)."""
    text = _text(cell)
    if not text or isinstance(cell, (int, float, dt.date)):
        return {}
    found = _INDEX.get(_key(text, whole=True))
    if found is not None:
        return {found[0]: found[1]}
    roles: dict[str, int] = {}
    for part in _PARTS.split(text):
        hit = _INDEX.get(_key(part))
        if hit is not None and hit[1] < roles.get(hit[0], len(HEADERS[hit[0]])):
            roles[hit[0]] = hit[1]
    return roles


def _row_roles(cells: Sequence[Any]) -> dict[int, dict[str, int]]:
    return {i: roles for i, cell in enumerate(cells) if (roles := cell_roles(cell))}


def _assign(by_column: dict[int, dict[str, int]]) -> dict[str, int]:
    """Role -> column: the surest header of each role; a column serves one role, except the
    date and the reference printed together ("Ngày/TNX Date Số CT/Doc No")."""
    ranked = sorted(
        (rank, column, role) for column, roles in by_column.items() for role, rank in roles.items()
    )
    chosen: dict[str, int] = {}
    used: dict[int, str] = {}
    for _rank, column, role in ranked:
        if role in chosen:
            continue
        other = used.get(column)
        if other is not None and {other, role} != {"date", "bank_reference"}:
            continue
        chosen[role] = column
        used.setdefault(column, role)
    if "credit" in chosen or "debit" in chosen:
        chosen.pop("amount", None)
        chosen.pop("direction", None)
    return chosen


def _is_header(roles: dict[str, int]) -> bool:
    return "date" in roles and ("credit" in roles or "amount" in roles)


def _has_figure(cells: Sequence[Any]) -> bool:
    return any(
        isinstance(cell, (int, float, dt.date)) or any(ch.isdigit() for ch in _text(cell))
        for cell in cells
    )


def _is_summary(cells: Sequence[Any]) -> bool:
    first = next((_text(cell) for cell in cells if not im.is_blank(cell)), "")
    return _key(first).startswith(SUMMARY_WORDS)


_ACCOUNT_DIGITS = re.compile(r"\d[\d .\-]{4,}\d")


def _title_account(cells: Sequence[Any]) -> str:
    """The account number a title line names ("Số tài khoản/Account number: 1012345678",
    the number in the label's cell or the next one), or ""."""
    texts = [_text(cell) for cell in cells]
    for index, text in enumerate(texts):
        key = _key(text)
        label = next((label for label in ACCOUNT_LABELS if label in key), None)
        if label is None or any(f" {word} " in f" {key} " for word in NOT_THIS_ACCOUNT):
            continue
        after = key.split(label, 1)[1]
        for candidate in [after, *texts[index + 1 :]]:
            match = _ACCOUNT_DIGITS.search(candidate) or re.search(r"\d{6,}", candidate)
            if match:
                digits = re.sub(r"\D", "", match.group())
                if 6 <= len(digits) <= 19:
                    return digits
    return ""


@dataclass
class Statement:
    """A statement file as read: ``table`` names its columns by role (``date``, ``credit``,
    ``debit``, ``amount``, ``direction``, ``description``, ``bank_reference``,
    ``account_number``) and keeps the spreadsheet's row numbers; ``names`` holds the header
    of each role as the file writes it; ``account`` is the account number of the title lines
    (``account_row`` is where)."""

    table: Table
    names: dict[str, str] = field(default_factory=dict)
    account: str = ""
    account_row: int = 0


def _no_header() -> RowError:
    return RowError(
        0,
        "",
        _(
            "No header row found in the first %(rows)d rows: a statement needs a date column "
            "(%(dates)s ...) and an amount column (%(amounts)s ...)."
        )
        % {
            "rows": HEADER_SEARCH_ROWS,
            "dates": ", ".join(HEADERS["date"][:3]),
            "amounts": ", ".join((*HEADERS["credit"][:2], HEADERS["amount"][0])),
        },
    )


def read_statement(source: im.Source) -> Statement:
    """Read a statement file (see the module's description); a file without a table of
    transactions gives a table without header and the problem."""
    records, errors = im.read_records(source, sniff_lines=HEADER_SEARCH_ROWS)
    if errors:
        return Statement(Table([], [], errors))
    numbered = list(enumerate(records, start=1))
    account, account_row = "", 0
    header_at, columns = 0, {}
    for position, (number, cells) in enumerate(numbered[:HEADER_SEARCH_ROWS]):
        by_column = _row_roles(cells)
        if _is_header(_assign(by_column)):
            header_at = position
            columns = by_column
            break
        if not account and (found := _title_account(cells)):
            account, account_row = found, number
    else:
        return Statement(Table([], [], [_no_header()]))
    header_number, header_cells = numbered[header_at]
    names = {i: _name(cell) for i, cell in enumerate(header_cells)}
    body = numbered[header_at + 1 :]
    # A second header row (no figure, known headers) refines the first: "Ghi nợ | Ghi có"
    # under a "Số tiền" spread over both; the English under the Vietnamese changes nothing.
    while body and not _has_figure(body[0][1]) and (sub := _row_roles(body[0][1])):
        for column, roles in sub.items():
            if set(roles) != set(columns.get(column, {})):
                columns[column] = roles
                names[column] = _name(body[0][1][column])
        body = body[1:]
    assigned = _assign(columns)
    table = Table(list(assigned), [], header_row=header_number)
    combined = assigned.get("date") is not None and assigned.get("date") == assigned.get(
        "bank_reference"
    )
    for number, cells in body:
        values = {role: (cells[i] if i < len(cells) else None) for role, i in assigned.items()}
        if (
            all(im.is_blank(values.get(role)) for role in AMOUNT_ROLES)
            or (_is_summary(cells) and not _has_figure([values.get("date")]))
            or _is_header(_assign(_row_roles(cells)))
        ):
            continue
        if combined:
            values["date"], values["bank_reference"] = _split_date(values["date"])
        table.rows.append((number, values))
    return Statement(
        table,
        names={role: names.get(column) or role for role, column in assigned.items()},
        account=account,
        account_row=account_row,
    )


def _name(cell: Any) -> str:
    """A header as a person reads it: "Ngày giao dịch / Transaction Date"."""
    return " / ".join(" ".join(line.split()) for line in _text(cell).splitlines() if line.strip())


def _split_date(cell: Any) -> tuple[Any, Any]:
    """A date and a reference printed in one cell ("05/03/2026  5243.65937")."""
    if not isinstance(cell, str):
        return cell, None
    parts = cell.split(None, 1)
    return (parts[0], parts[1]) if len(parts) == 2 else (cell, None)


# --- cells -------------------------------------------------------------------------------------

_TIME = re.compile(r"[\sT]+\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(\s*[AP]M)?$", re.IGNORECASE)
_OTHER_DMY = re.compile(r"^(\d{1,2})[-.](\d{1,2})[-.](\d{4})$")


def date() -> Parser[dt.date]:
    """A day as statements print it: ``05/03/2026``, with or without its time
    (``05/03/2026 09:14:22``), ``05-03-2026``, ``2026-03-05`` or a date cell."""
    day = im.date()

    def parse(value: Any) -> dt.date:
        if isinstance(value, (dt.date, dt.datetime)):
            return day(value)
        raw = _TIME.sub("", _text(value))
        return day(_OTHER_DMY.sub(r"\1/\2/\3", raw))

    return Parser(parse, describe=gettext_lazy("a date, DD/MM/YYYY (a time after it is left out)"))


_ZERO_DECIMALS = re.compile(r"[.,]0{1,2}$")  # "1,500,000.00": no fraction of a đồng
_CURRENCY = re.compile(r"^(vnd|vnđ)\s*|\s*(vnd|vnđ|đồng|đ|₫)$", re.IGNORECASE)


def _amount(value: Any) -> int:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return vnd_parse(value)
    text = _text(value).replace("\u00a0", " ")
    negative = text.startswith("(") and text.endswith(")")
    text = _CURRENCY.sub("", text.strip("() ")).removeprefix("+").strip()
    result = vnd_parse(_ZERO_DECIMALS.sub("", text))
    return -result if negative else result


def money(*, signed: bool) -> Parser[int]:
    """An amount in whole đồng as statements print it: ``1.500.000``, ``1,500,000``,
    ``1,500,000.00``, ``1500000 VND``, a number cell; ``signed``: ``-50.000`` or ``(50.000)``
    for money going out."""

    def parse(value: Any) -> int:
        try:
            result = _amount(value)
        except ValueError:
            raise CellError(
                _("expected an amount in whole đồng, e.g. 1.500.000 or 1,500,000, not %(value)s")
                % {"value": _text(value)}
            ) from None
        if not signed and result < 0:
            return -result
        return result

    return Parser(
        parse,
        describe=gettext_lazy("an amount in whole đồng, 1.500.000 or 1,500,000")
        if not signed
        else gettext_lazy("an amount in whole đồng; negative: money going out"),
    )


def direction() -> Parser[str]:
    """A "Nợ/Có" mark: ``C``, ``Có``, ``CR``, ``+`` (credit) or ``D``, ``Nợ``, ``DR``, ``-``."""

    def parse(value: Any) -> str:
        mark = _key(_text(value), whole=True) or _text(value)
        if mark in CREDIT_MARKS:
            return "credit"
        if mark in DEBIT_MARKS:
            return "debit"
        raise CellError(
            _("expected C (Có, credit) or D (Nợ, debit), not %(value)s") % {"value": _text(value)}
        )

    return Parser(parse, describe=gettext_lazy("C (Có, credit) or D (Nợ, debit)"))


# --- what a line is ---------------------------------------------------------------------------


def _has(words: Sequence[str], description: str) -> bool:
    folded = f" {_key(description)} "
    return any(f" {word} " in folded for word in words)


def _marked(marks: Sequence[str], description: str) -> bool:
    text = unicodedata.normalize("NFC", description).lower()
    return any(re.search(rf"(?<!\w){mark}(?!\w)", text) for mark in marks)


def line_kind(description: str, amount: int) -> str:
    """What a line that is no customer's payment is, by its words and sign: ``fee`` (the
    bank's fee, its VAT, or a fee refunded), ``interest`` (paid by the bank), ``debit`` (any
    other money going out); "" for a credit that may be a customer's payment."""
    if amount < 0:
        if _has(DEBIT_FEE_WORDS, description) or _marked(FEE_MARKS, description):
            return "fee"
        return "debit"
    if _has(INTEREST_WORDS, description) or _marked(INTEREST_MARKS, description):
        return "interest"
    if _has(FEE_WORDS, description):
        return "fee"
    return ""
