"""All-or-nothing imports (and exports) of tabular files: CSV or .xlsx with a header row.

An import kind (units, points, plans, revenue ...) declares its columns and two steps:
``validate`` (checks across rows and against the database) and ``write``. ``import_file``
reads the file, parses every cell, runs the kind's checks and collects *every* problem; if
there is one, it raises :class:`ImportFailed` and nothing is written. Otherwise the kind
writes everything in one transaction, with one audit entry.

Row numbers are those a spreadsheet shows: the header is row 1, the first data row is row 2.
Problems with the file as a whole are reported on row 0.

Kinds register themselves (``@register``) from their app's ``importers.py``, imported by the
app's ``ready()``; the ``import`` and ``export`` management commands list them for ``--help``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import textwrap
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, ClassVar

from django.db import DataError, IntegrityError, models, transaction
from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from buudien.core.audit import audit_record
from buudien.core.errors import DomainError, NotFound
from buudien.core.money import vnd_parse
from buudien.core.sheets import as_text, csv_text, csv_unquote
from buudien.core.text import fold

# A text that may still be lazy (translated when shown).
Text = str | Promise

_MISSING: Any = object()

# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class RowError:
    """One problem: the spreadsheet row (1 = header, 0 = the file as a whole), the column
    (blank when it concerns the whole row) and what was wrong, in the active language."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        if self.row == 0:
            return self.reason
        if not self.column:
            return _("row %(row)d: %(reason)s") % {"row": self.row, "reason": self.reason}
        return _("row %(row)d, column %(column)s: %(reason)s") % {
            "row": self.row,
            "column": self.column,
            "reason": self.reason,
        }


class ImportFailed(DomainError):
    """The file was refused; nothing was written. ``errors`` lists every problem found."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors: list[RowError] = sorted(errors)
        count = len(self.errors)
        message = ngettext(
            "Nothing was imported: the file has %(count)d problem.",
            "Nothing was imported: the file has %(count)d problems.",
            count,
        ) % {"count": count}
        super().__init__(message, errors=self.errors)

    def lines(self) -> list[str]:
        """One line per problem, e.g. ``row 3, column kind: expected one of bc1, bc2``."""
        return [str(error) for error in self.errors]


class CellError(ValueError):
    """Raised by a parser; the message is the translated reason."""


# --------------------------------------------------------------------------------------------
# Parsers: a raw cell (a string from CSV; a string, number, date or bool from .xlsx) -> value
# --------------------------------------------------------------------------------------------


class Parser[T]:
    """Turns one non-blank cell into a value, or raises :class:`CellError`.

    ``describe`` says what is expected (shown by ``--help``). ``blank`` is the value of a blank
    cell when blank has a meaning of its own (a boolean: no); otherwise a blank cell is an
    error in a required column and ``None`` in an optional one.
    """

    def __init__(self, func: Callable[[Any], T], *, describe: Text, blank: Any = _MISSING):
        self.func = func
        self.describe = describe
        self.blank = blank

    def __call__(self, value: Any) -> T:
        return self.func(value)

    @property
    def has_blank(self) -> bool:
        return self.blank is not _MISSING


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _as_text(value: Any) -> str:
    """A cell as text: whole numbers from a spreadsheet lose their ".0", text becomes NFC."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value)).strip()


def text(max_length: int | None = None) -> Parser[str]:
    """Free text (spaces collapsed), at most ``max_length`` characters."""

    def parse(value: Any) -> str:
        result = " ".join(_as_text(value).split())
        if max_length is not None and len(result) > max_length:
            raise CellError(
                _("at most %(max)d characters, this has %(length)d")
                % {"max": max_length, "length": len(result)}
            )
        return result

    describe: Text = (
        gettext_lazy("text")
        if max_length is None
        else format_lazy(gettext_lazy("text, at most {max} characters"), max=max_length)
    )
    return Parser(parse, describe=describe)


_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


def code(max_length: int = 32, *, digits: int | None = None) -> Parser[str]:
    """An identifier: letters, digits, ``- _ .``; with ``digits``, a number of that many digits
    (``6001``, from a spreadsheet that took ``06001`` for a number, gets its zero back)."""

    def parse(value: Any) -> str:
        result = _as_text(value)
        if digits is not None:
            if result.isascii() and result.isdigit() and len(result) < digits:
                result = result.zfill(digits)
            if not (result.isascii() and result.isdigit() and len(result) == digits):
                raise CellError(
                    _("expected a code of %(digits)d digits, not %(value)s")
                    % {"digits": digits, "value": result}
                )
            return result
        if not _CODE.match(result):
            raise CellError(
                _("expected a code of letters, digits, '-', '_' or '.', not %(value)s")
                % {"value": result}
            )
        if len(result) > max_length:
            raise CellError(
                _("a code has at most %(max)d characters, this has %(length)d")
                % {"max": max_length, "length": len(result)}
            )
        return result

    describe: Text = (
        format_lazy(gettext_lazy("a code of {digits} digits"), digits=digits)
        if digits is not None
        else format_lazy(
            gettext_lazy("a code (letters, digits, - _ .), at most {max} characters"),
            max=max_length,
        )
    )
    return Parser(parse, describe=describe)


# 1234567, -12, 1.234.567 (Vietnamese grouping), 1 234 567
_INTEGER = re.compile(r"^-?(\d+|\d{1,3}(\.\d{3})+|\d{1,3}( \d{3})+)$")


def _parse_integer(value: Any) -> int:
    if isinstance(value, bool):
        raise CellError(_("expected a whole number"))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError(_("expected a whole number, not %(value)s") % {"value": value})
    raw = str(value).strip().replace("\u00a0", " ").replace("\u202f", " ")
    if not _INTEGER.match(raw):
        raise CellError(_("expected a whole number, not %(value)s") % {"value": raw})
    return int(raw.replace(".", "").replace(" ", ""))


def integer(*, min_value: int | None = None, max_value: int | None = None) -> Parser[int]:
    """A whole number; ``1.234.567`` (Vietnamese grouping) and ``1 234 567`` are accepted."""

    def parse(value: Any) -> int:
        result = _parse_integer(value)
        if min_value is not None and result < min_value:
            raise CellError(_("must be at least %(min)d") % {"min": min_value})
        if max_value is not None and result > max_value:
            raise CellError(_("must be at most %(max)d") % {"max": max_value})
        return result

    return Parser(parse, describe=gettext_lazy("a whole number, e.g. 1234567 or 1.234.567"))


def money() -> Parser[int]:
    """An amount in whole đồng, 0 or more; "1.500.000", "1.500.000 đ" and "1500000" alike."""

    def parse(value: Any) -> int:
        try:
            result = vnd_parse(value)
        except ValueError:
            raise CellError(
                _("expected an amount in whole đồng, e.g. 1500000 or 1.500.000, not %(value)s")
                % {"value": _as_text(value)}
            ) from None
        if result < 0:
            raise CellError(_("an amount cannot be negative"))
        return result

    return Parser(parse, describe=gettext_lazy("an amount in whole đồng, 0 or more"))


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_VN_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def date() -> Parser[dt.date]:
    """A day: ``2025-07-01``, ``01/07/2025`` (day first) or a spreadsheet date cell."""

    def parse(value: Any) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        raw = _as_text(value)
        if raw.endswith(" 00:00:00"):
            raw = raw[: -len(" 00:00:00")]
        if match := _ISO_DATE.match(raw):
            year, month, day = (int(part) for part in match.groups())
        elif match := _VN_DATE.match(raw):
            day, month, year = (int(part) for part in match.groups())
        else:
            raise CellError(
                _("expected a date as YYYY-MM-DD or DD/MM/YYYY, not %(value)s") % {"value": raw}
            )
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise CellError(_("%(value)s is not a real day") % {"value": raw}) from None

    return Parser(parse, describe=gettext_lazy("a date, YYYY-MM-DD or DD/MM/YYYY"))


_TRUE = frozenset({"1", "true", "yes", "y", "x", "co", "dung", "t"})
_FALSE = frozenset({"0", "false", "no", "n", "khong", "sai", "f"})


def boolean() -> Parser[bool]:
    """Yes or no: 1/0, true/false, yes/no, có/không, x/blank (a blank cell is no)."""

    def parse(value: Any) -> bool:
        if isinstance(value, bool):
            return value
        word = fold(_as_text(value))
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        raise CellError(
            _("expected yes or no (1/0, true/false, yes/no, có/không, x/blank), not %(value)s")
            % {"value": _as_text(value)}
        )

    return Parser(
        parse, describe=gettext_lazy("yes/no: 1/0, true/false, có/không, x/blank"), blank=False
    )


def choice(choices: type[models.TextChoices]) -> Parser[str]:
    """One of the values of ``choices`` (case does not matter)."""
    by_value = {str(value).casefold(): str(value) for value in choices.values}

    def parse(value: Any) -> str:
        raw = _as_text(value)
        try:
            return by_value[raw.casefold()]
        except KeyError:
            raise CellError(
                _("expected one of %(values)s, not %(value)s")
                % {"values": ", ".join(by_value.values()), "value": raw}
            ) from None

    return Parser(
        parse,
        describe=format_lazy(gettext_lazy("one of {values}"), values=", ".join(by_value)),
    )


def choice_list(choices: type[models.TextChoices]) -> Parser[list[str]]:
    """Values of ``choices`` separated by spaces or commas, in the catalogue's order."""
    single = choice(choices)
    order = {str(value): index for index, value in enumerate(choices.values)}

    def parse(value: Any) -> list[str]:
        words = [word for word in re.split(r"[\s,;]+", _as_text(value)) if word]
        result: set[str] = set()
        unknown: list[str] = []
        for word in words:
            try:
                result.add(single(word))
            except CellError:
                unknown.append(word)
        if unknown:
            raise CellError(
                _("unknown %(values)s; expected some of %(choices)s")
                % {"values": ", ".join(unknown), "choices": ", ".join(order)}
            )
        return sorted(result, key=order.__getitem__)

    return Parser(
        parse,
        describe=format_lazy(
            gettext_lazy("some of {values}, separated by spaces or commas"),
            values=", ".join(order),
        ),
        blank=[],
    )


# --------------------------------------------------------------------------------------------
# Columns, rows, kinds
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of a file. A required column must be in the header and have a value in every
    row (unless its parser gives blank a meaning); an optional one may be left out."""

    name: str
    parse: Parser[Any]
    required: bool = True
    help: Text = ""


@dataclass
class Row:
    """One data row, parsed. A column that is blank, absent or failed to parse holds None
    (``invalid`` names those that failed, with their problem already reported)."""

    number: int
    values: dict[str, Any]
    present: frozenset[str] = frozenset()
    invalid: set[str] = field(default_factory=set)

    def __getitem__(self, name: str) -> Any:
        return self.values.get(name)

    def get(self, name: str, default: Any = None) -> Any:
        value = self.values.get(name)
        return default if value is None else value

    def has(self, name: str) -> bool:
        """True when the file has this column (an optional column left out leaves the stored
        value alone)."""
        return name in self.present

    def error(self, column: str, reason: str) -> RowError:
        return RowError(self.number, column, reason)


@dataclass(frozen=True)
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return _("%(created)d created, %(updated)d updated, %(unchanged)d unchanged") % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


class ImportKind:
    """What can be imported (and exported): subclass, declare, ``@register``.

    One instance serves one import, so ``validate`` may keep what it looked up (``self``) for
    ``write``. ``self.actor`` is the user behind an API or web upload, ``None`` for the
    operator at the console (full rights).
    """

    name: ClassVar[str]
    help: ClassVar[Text] = ""
    columns: ClassVar[tuple[Column, ...]] = ()
    exportable: ClassVar[bool] = False

    def __init__(self, *, actor: Any = None) -> None:
        self.actor = actor

    @classmethod
    def column(cls, name: str) -> Column:
        for column in cls.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    def check_access(self) -> None:
        """Raise :class:`~buudien.core.errors.AccessDenied` when ``self.actor`` may not import
        this kind at all. Row-level scope checks belong in ``validate``."""

    def read(self, source: Source) -> tuple[list[Row], list[RowError], bool]:
        """The file's data rows, parsed, every problem found reading them, and whether the
        file had a header (``validate`` runs only then). Row 1 is the header of the kind's
        ``columns``; a kind whose files come in other layouts (a bank's statement, with title
        lines and each bank's own headers) reads them its own way."""
        table = read_table(source)
        rows, errors = parse_rows(type(self), table)
        return rows, errors, bool(table.header)

    def validate(self, rows: list[Row]) -> list[RowError]:
        """Checks across rows and against the database; every problem, not the first."""
        return []

    def write(self, rows: list[Row]) -> ImportResult:
        """Write the (valid) rows. Runs inside the import's transaction."""
        raise NotImplementedError

    def export_header(self) -> list[str]:
        return [column.name for column in self.columns]

    def export(self) -> Iterable[Sequence[Any]]:
        """The rows of an export, in the order of ``export_header``, as plain values
        (str, int, bool, date or None), limited to what ``self.actor`` may see."""
        raise NotImplementedError


_KINDS: dict[str, type[ImportKind]] = {}


def register[K: type[ImportKind]](kind: K) -> K:
    """Class decorator: make ``kind`` importable by its name."""
    existing = _KINDS.get(kind.name)
    if existing is not None and existing.__qualname__ != kind.__qualname__:
        raise ValueError(f"import kind {kind.name!r} is already registered by {existing!r}")
    _KINDS[kind.name] = kind
    return kind


def get_kind(name: str) -> type[ImportKind]:
    try:
        return _KINDS[name]
    except KeyError:
        raise NotFound(
            _("Unknown kind %(name)s; known kinds: %(kinds)s")
            % {"name": name, "kinds": ", ".join(sorted(_KINDS)) or "-"}
        ) from None


def kinds() -> list[type[ImportKind]]:
    return [_KINDS[name] for name in sorted(_KINDS)]


# --------------------------------------------------------------------------------------------
# Reading files
# --------------------------------------------------------------------------------------------

Source = str | os.PathLike[str] | IO[bytes] | IO[str]


@dataclass
class Table:
    """A file as read: normalised header names and the data rows with their row numbers."""

    header: list[str]
    rows: list[tuple[int, dict[str, Any]]]
    errors: list[RowError] = field(default_factory=list)
    header_row: int = 1


def source_name(source: Source) -> str:
    if isinstance(source, (str, os.PathLike)):
        return os.path.basename(os.fspath(source))
    return os.path.basename(str(getattr(source, "name", "") or ""))


def _read_bytes(source: Source) -> bytes:
    if isinstance(source, (str, os.PathLike)):
        return Path(source).read_bytes()
    data = source.read()
    if isinstance(data, str):
        return data.encode("utf-8")
    return bytes(data)


def normalise_header(name: Any) -> str:
    """``" Commune code "`` -> ``commune_code``."""
    return "" if name is None else "_".join(_as_text(name).split()).lower()


def read_table(source: Source) -> Table:
    """Read a CSV (UTF-8, with or without BOM; ',' or ';') or an .xlsx (first sheet)."""
    records, errors = read_records(source)
    return Table([], [], errors) if errors else _table(records)


def read_records(
    source: Source, *, sniff_lines: int = 1
) -> tuple[list[Sequence[Any]], list[RowError]]:
    """The rows of a CSV or of an .xlsx's first sheet as they are, blank ones included (row
    1 first), or the problem that kept the file from being read. A CSV's delimiter (',', ';'
    or tab) is the one its first line uses most, or, with ``sniff_lines``, the one used most
    over that many first lines (a bank's export opens with title lines without any)."""
    data = _read_bytes(source)
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or _HTML.match(data[:512]):
        # An .xls of Excel 97-2003, or a web page a bank's site names .xls.
        return [], [
            RowError(
                0,
                "",
                _(
                    "The file is an old Excel workbook (.xls) or a web page: open it in a "
                    "spreadsheet and save it as .xlsx or CSV UTF-8."
                ),
            )
        ]
    return _read_csv(data, sniff_lines)


_HTML = re.compile(rb"^(\xef\xbb\xbf)?\s*<(!doctype html|html|table|\?xml)", re.IGNORECASE)


def _table(records: Iterable[Sequence[Any]]) -> Table:
    """Rows are numbered as a spreadsheet shows them (the header is normally row 1; blank
    rows above it or between data rows still count)."""
    iterator = enumerate(records, start=1)
    found = next(
        ((number, row) for number, row in iterator if any(not is_blank(cell) for cell in row)),
        None,
    )
    if found is None:
        return Table([], [], [RowError(0, "", _("The file is empty: it has no header row."))])
    header_number, header_row = found
    header = [normalise_header(cell) for cell in header_row]
    table = Table(header, [], header_row=header_number)
    for number, record in iterator:
        cells = list(record)
        if all(is_blank(cell) for cell in cells):
            continue
        values: dict[str, Any] = {}
        for index, cell in enumerate(cells):
            if index >= len(header) or not header[index]:
                if not is_blank(cell):
                    table.errors.append(
                        RowError(number, "", _("a value in a column without a header name"))
                    )
                continue
            values[header[index]] = cell
        table.rows.append((number, values))
    return table


def _read_csv(data: bytes, sniff_lines: int = 1) -> tuple[list[Sequence[Any]], list[RowError]]:
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [
            RowError(
                0,
                "",
                _("The file is not UTF-8 text (byte %(position)d); save it as CSV UTF-8.")
                % {"position": exc.start},
            )
        ]
    sample = "\n".join(content.split("\n", sniff_lines)[:sniff_lines])
    delimiter = max((";", ",", "\t"), key=sample.count) if sample else ","
    if sample.count(delimiter) == 0:
        delimiter = ","
    rows = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    return [[csv_unquote(cell) for cell in row] for row in rows], []


def _read_xlsx(data: bytes) -> tuple[list[Sequence[Any]], list[RowError]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors for a damaged file
        return [], [
            RowError(
                0,
                "",
                _("The file is not a readable .xlsx workbook: %(error)s") % {"error": exc},
            )
        ]
    try:
        sheet = workbook.worksheets[0]
        return list(sheet.iter_rows(values_only=True)), []
    finally:
        workbook.close()


def parse_rows(kind: type[ImportKind], table: Table) -> tuple[list[Row], list[RowError]]:
    """Check the header against the kind's columns and parse every cell."""
    errors = list(table.errors)
    known = {column.name for column in kind.columns}
    seen: set[str] = set()
    for name in table.header:
        if not name:
            continue
        if name in seen:
            errors.append(
                RowError(table.header_row, name, _("the column appears twice in the header"))
            )
        elif name not in known:
            errors.append(
                RowError(
                    table.header_row,
                    name,
                    _("unknown column; the columns are %(columns)s")
                    % {"columns": ", ".join(column.name for column in kind.columns)},
                )
            )
        seen.add(name)
    present = frozenset(seen & known)
    if table.header:
        for column in kind.columns:
            if column.required and column.name not in present:
                errors.append(RowError(table.header_row, column.name, _("the column is missing")))

    rows: list[Row] = []
    for number, raw in table.rows:
        row = Row(number, {}, present)
        for column in kind.columns:
            if column.name not in present:
                row.values[column.name] = None
                continue
            value = raw.get(column.name)
            if is_blank(value):
                if column.parse.has_blank:
                    row.values[column.name] = column.parse.blank
                elif column.required:
                    row.values[column.name] = None
                    row.invalid.add(column.name)
                    errors.append(RowError(number, column.name, _("a value is required")))
                else:
                    row.values[column.name] = None
                continue
            try:
                row.values[column.name] = column.parse(value)
            except ValueError as exc:  # CellError and any parser's own ValueError
                row.values[column.name] = None
                row.invalid.add(column.name)
                errors.append(RowError(number, column.name, str(exc)))
        rows.append(row)
    return rows, errors


# --------------------------------------------------------------------------------------------
# Importing and exporting
# --------------------------------------------------------------------------------------------


def import_file(
    kind_name: str,
    source: Source,
    *,
    actor: Any = None,
    dry_run: bool = False,
    name: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> ImportResult:
    """Import a file of ``kind_name``, all or nothing.

    Raises :class:`ImportFailed` (every problem, nothing written), ``AccessDenied`` when
    ``actor`` may not import this kind, ``NotFound`` for an unknown kind. With ``dry_run`` the
    writes are made and rolled back, so the counts are exact and nothing is kept.
    ``progress(step, done, total)`` is told each of the three steps as it begins.
    """
    kind = get_kind(kind_name)(actor=actor)
    kind.check_access()
    file_name = name or source_name(source)
    if progress:
        progress(_("Reading the file"), 0, 3)
    rows, errors, readable = kind.read(source)
    if readable:
        if progress:
            progress(_("Checking %(n)d rows") % {"n": len(rows)}, 1, 3)
        errors.extend(kind.validate(rows))
    if errors:
        raise ImportFailed(errors)
    if progress:
        progress(_("Writing %(n)d rows") % {"n": len(rows)}, 2, 3)
    try:
        with transaction.atomic():
            result = kind.write(rows)
            if dry_run:
                transaction.set_rollback(True)
            else:
                audit_record(
                    actor=actor,
                    action=f"import.{kind.name}",
                    object_type="import",
                    object_id=kind.name,
                    object_repr=file_name[:200],
                    after={
                        "file": file_name,
                        "created": result.created,
                        "updated": result.updated,
                        "unchanged": result.unchanged,
                    },
                )
    except (IntegrityError, DataError) as exc:
        raise ImportFailed(
            [RowError(0, "", _("The database refused the file: %(error)s") % {"error": exc})]
        ) from exc
    return result


def export_rows(kind_name: str, *, actor: Any = None) -> tuple[list[str], list[list[Any]]]:
    """The header and rows of an export of ``kind_name`` (what ``actor`` may see)."""
    kind = get_kind(kind_name)(actor=actor)
    if not kind.exportable:
        raise NotFound(_("%(name)s cannot be exported") % {"name": kind_name})
    return kind.export_header(), [list(row) for row in kind.export()]


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return csv_text(" ".join(str(item) for item in value))
    if isinstance(value, str):
        return csv_text(value)
    return str(value)


def write_csv(
    header: Sequence[str], rows: Iterable[Sequence[Any]], out: IO[str], *, bom: bool = False
) -> None:
    """CSV, comma separated, UTF-8 (``bom`` for a file Excel is to open)."""
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])


def write_xlsx(
    header: Sequence[str], rows: Iterable[Sequence[Any]], out: str | os.PathLike[str] | IO[bytes]
) -> None:
    """One sheet: the header in bold, dates as date cells, codes as text."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    bold = Font(bold=True)
    header_cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        cells: list[Any] = []
        for value in row:
            if isinstance(value, (dt.date, dt.datetime)):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            elif isinstance(value, (list, tuple)):
                cells.append(as_text(WriteOnlyCell(sheet, value=" ".join(map(str, value)))))
            elif isinstance(value, str):
                cells.append(as_text(WriteOnlyCell(sheet, value=value)))
            else:
                cells.append(value)
        sheet.append(cells)
    workbook.save(out)


def describe_kinds(width: int = 100) -> str:
    """Every registered kind with its columns, for ``import --help`` and the README."""
    lines: list[str] = []
    for kind in kinds():
        lines.extend(textwrap.wrap(f"{kind.name}: {kind.help}", width, subsequent_indent="  "))
        name_width = max((len(column.name) for column in kind.columns), default=0) + 2
        indent = " " * (name_width + 4)
        for column in kind.columns:
            mark = "*" if column.required else " "
            lines.extend(
                textwrap.wrap(
                    f"  {column.name:<{name_width}}{mark} {column.help}",
                    width,
                    subsequent_indent=indent,
                )
            )
            lines.extend(
                textwrap.wrap(
                    f"({column.parse.describe})",
                    width,
                    initial_indent=indent,
                    subsequent_indent=indent,
                )
            )
        lines.append("")
    lines.extend(
        textwrap.wrap(
            _(
                "* = required column. Row 1 is the header; columns may come in any order. "
                "An optional column left out of the file leaves the stored values alone."
            ),
            width,
        )
    )
    return "\n".join(lines)


# --- uploads ---------------------------------------------------------------------------------

UPLOAD_EXTENSIONS = (".csv", ".xlsx")
UPLOAD_MAX_BYTES = 10 * 1024 * 1024


def upload_problem(
    name: str | None,
    size: int | None,
    *,
    max_bytes: int = UPLOAD_MAX_BYTES,
    extensions: tuple[str, ...] = UPLOAD_EXTENSIONS,
) -> str | None:
    """What is wrong with an uploaded file before it is read (its kind, its size), or None."""
    if extensions and not str(name or "").lower().endswith(extensions):
        return _("Send a .csv or .xlsx file.")
    if size is not None and size > max_bytes:
        return _("The file is larger than %(mb)d MB.") % {"mb": max_bytes // (1024 * 1024)}
    return None


def upload_check(upload: Any, *, max_bytes: int = UPLOAD_MAX_BYTES) -> None:
    """An API's uploaded file refused (DomainError on ``file``) when it is too large."""
    problem = upload_problem(upload.name, upload.size, max_bytes=max_bytes, extensions=())
    if problem:
        raise DomainError(problem, field="file")


def template_csv(names: Sequence[str], example: dict[str, str], filename: str) -> HttpResponse:
    """A CSV with the columns ``names`` and one example row, to fill in and import (UTF-8
    with a BOM, so that a spreadsheet opens it with its Vietnamese letters)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    writer.writerow([example.get(name, "") for name in names])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def import_for_api(
    kind_name: str, upload: Any, *, actor: Any, dry_run: bool = False
) -> dict[str, int]:
    """``import_file`` of an API upload: the counts, or a DomainError on ``file`` that lists
    every problem as ``{"row", "column", "reason"}`` (a 400, nothing written)."""
    upload_check(upload)
    try:
        result = import_file(kind_name, upload, actor=actor, dry_run=dry_run, name=upload.name)
    except ImportFailed as exc:
        errors = [
            {"row": error.row, "column": error.column, "reason": error.reason}
            for error in exc.errors
        ]
        raise DomainError(exc.message, field="file", errors=errors) from exc
    return {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
