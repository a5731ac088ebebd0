"""The workforce's imports, all or nothing, every problem by row, column and reason:

- ``staff``: the payroll's staff list; a row per person, created or updated by staff code
  (a new person is a member of staff without a login);
- ``average_income``: the payroll's average number of workers and average income of a unit
  in a year (đồng per person per month), created or replaced per unit and year.

The files come from the payroll system with Vietnamese headers ("Mã nhân viên", "Họ và
tên" ...): ``staff_import`` and ``income_import`` (the upload page, the API, the demo) read
those, with or without diacritics, as well as the column names (``staff_code`` ...) that
``buudien import staff FILE`` reads; a problem names the column as the file does. Both go
through ``core.imports`` (reading, parsing each cell, the refusal) and are registered for the
console (``PeopleConfig.ready``).
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buudien.core import imports as im
from buudien.core.audit import audit_record
from buudien.core.imports import Column, ImportFailed, ImportKind, ImportResult, Row, RowError
from buudien.core.text import fold
from buudien.network.models import ServicePoint, Unit
from buudien.people import access, services
from buudien.people.choices import ContractType, Role
from buudien.people.models import AverageIncome, User

# What a contract is called in payroll files (folded; the codes and labels are read too).
CONTRACT_WORDS = {
    ContractType.INDEFINITE: (
        "hdld khong xac dinh thoi han",
        "hop dong lao dong khong xac dinh thoi han",
        "khong xac dinh thoi han",
        "khong thoi han",
        "kxdth",
    ),
    ContractType.FIXED_TERM: (
        "hdld xac dinh thoi han",
        "hop dong lao dong xac dinh thoi han",
        "xac dinh thoi han",
        "co thoi han",
        "xdth",
    ),
    ContractType.SEASONAL: ("thoi vu", "hop dong thoi vu", "hdld thoi vu", "duoi 12 thang"),
    ContractType.SERVICE: ("dich vu", "hop dong dich vu", "khoan", "hop dong khoan", "hdkv"),
}
_PUNCTUATION = re.compile(r"[()\[\],.;:/\-–]+")
_BRACKETS = re.compile(r"\(.*?\)")


def _words(value: Any) -> str:
    return " ".join(_PUNCTUATION.sub(" ", fold(str(value))).split())


def contract() -> im.Parser[str]:
    """A contract type: its code or what a payroll calls it, in Vietnamese or English."""

    def parse(value: Any) -> str:
        word = _words(value)
        for code, label in ContractType.choices:
            names = {_words(code), _words(label), *CONTRACT_WORDS[ContractType(code)]}
            if word in names:
                return str(code)
        raise im.CellError(
            _("expected a contract type (%(names)s), not %(value)s")
            % {
                "names": ", ".join(str(label) for label in ContractType.labels),
                "value": str(value).strip(),
            }
        )

    return im.Parser(
        parse,
        describe=gettext_lazy(
            "indefinite, fixed_term, seasonal or service (or their Vietnamese names: "
            "không xác định thời hạn, xác định thời hạn, thời vụ, dịch vụ/khoán)"
        ),
    )


class _WorkforceKind(ImportKind):
    """A kind whose file may carry the payroll's Vietnamese headers: ``headers`` gives each
    column the names a file may call it, the first as a problem names it."""

    headers: dict[str, tuple[str, ...]] = {}

    def __init__(self, *, actor: Any = None, source: str = "") -> None:
        super().__init__(actor=actor)
        self.source = source
        self.units: dict[str, Unit] = {}

    def check_access(self) -> None:
        if self.actor is not None:
            access.require_workforce_manager(self.actor)

    def _units(self, rows: list[Row], column: str, errors: list[RowError]) -> None:
        """The units named in ``column``, those of the actor's scope (others are unknown)."""
        codes = {row[column] for row in rows if row[column]}
        self.units = {
            unit.code: unit
            for unit in Unit.objects.filter(code__in=codes)
            if self.actor is None or access.in_scope(self.actor, unit.path)
        }
        for row in rows:
            if row[column] and row[column] not in self.units:
                errors.append(row.error(column, _("unknown unit %(code)s") % {"code": row[column]}))


STAFF_HEADERS = {
    "staff_code": ("Mã nhân viên", "Mã NV"),
    "full_name": ("Họ và tên", "Họ tên"),
    "unit_code": ("Đơn vị", "Mã đơn vị"),
    "point_code": ("Điểm phục vụ", "Mã điểm phục vụ", "Bưu cục"),
    "position": ("Chức danh", "Chức vụ"),
    "contract_type": ("Loại hợp đồng", "Hợp đồng"),
    "employed_from": ("Ngày vào làm",),
    "employed_until": ("Ngày nghỉ việc",),
    "phone": ("Điện thoại", "Số điện thoại"),
}


@im.register
class StaffImport(_WorkforceKind):
    name = "staff"
    help = gettext_lazy(
        "The payroll's staff list: a row per person, created or updated by staff code (a new "
        "person is staff without a login). The upload page also reads the Vietnamese "
        "headers: Mã nhân viên, Họ và tên, Đơn vị, Điểm phục vụ, Chức danh, Loại hợp đồng, "
        "Ngày vào làm, Ngày nghỉ việc, Điện thoại."
    )
    headers = STAFF_HEADERS
    columns = (
        Column("staff_code", im.code(services.STAFF_CODE_MAX), help=gettext_lazy("staff code")),
        Column("full_name", im.text(150), help=gettext_lazy("full name")),
        Column("unit_code", im.code(32), help=gettext_lazy("the code of the person's unit")),
        Column(
            "point_code",
            im.code(16),
            required=False,
            help=gettext_lazy("the service point where the person works, if any"),
        ),
        Column("position", im.text(120), required=False, help=gettext_lazy("position")),
        Column("contract_type", contract(), help=gettext_lazy("contract type")),
        Column("employed_from", im.date(), help=gettext_lazy("the first day of work")),
        Column(
            "employed_until",
            im.date(),
            required=False,
            help=gettext_lazy("the first day no longer employed; blank while employed"),
        ),
        Column("phone", im.text(20), required=False, help=gettext_lazy("phone")),
    )

    def __init__(self, *, actor: Any = None, source: str = "") -> None:
        super().__init__(actor=actor, source=source)
        self.points: dict[str, ServicePoint] = {}
        self.existing: dict[str, User] = {}

    def validate(self, rows: list[Row]) -> list[RowError]:
        errors: list[RowError] = []
        self._units(rows, "unit_code", errors)
        wanted = {row["point_code"] for row in rows if row["point_code"]}
        self.points = {p.code: p for p in ServicePoint.objects.filter(code__in=wanted)}
        codes = {row["staff_code"] for row in rows if row["staff_code"]}
        self.existing = {
            user.staff_code: user
            for user in User.objects.filter(staff_code__in=codes).select_related("unit")
        }
        admin = self.actor is None or access.can_manage_users(self.actor)
        seen: dict[str, int] = {}
        for row in rows:
            code = row["staff_code"]
            if code in seen:
                errors.append(
                    row.error(
                        "staff_code",
                        _("the staff code is on row %(row)d already") % {"row": seen[code]},
                    )
                )
            elif code:
                seen[code] = row.number
            errors.extend(self._check_row(row, admin))
        return errors

    def _check_row(self, row: Row, admin: bool) -> list[RowError]:
        errors: list[RowError] = []
        unit = self.units.get(row["unit_code"] or "")
        point_code = row["point_code"]
        point = self.points.get(point_code or "")
        if point_code and (point is None or (unit and not point.unit_path.startswith(unit.path))):
            errors.append(
                row.error(
                    "point_code",
                    _("no service point %(code)s in the unit") % {"code": point_code},
                )
            )
        problem = services.employment_problem(row["employed_from"], row["employed_until"])
        if problem:
            errors.append(row.error("employed_until", problem))
        user = self.existing.get(row["staff_code"] or "")
        if user is None:
            return errors
        if self.actor is not None and (
            user.unit is None or not access.in_scope(self.actor, user.unit.path)
        ):
            errors.append(
                row.error("staff_code", _("the staff code is someone's outside your units"))
            )
        elif user.has_login and not admin:
            # The personnel officer keeps the workforce fields of those who log in, not who
            # and where they are: that is an administrator's.
            for column, value in self._person(row, unit, point).items():
                unknown = column in ("unit_code", "point_code") and value is None
                if column in row.invalid or (unknown and row[column]) or not row.has(column):
                    continue
                if getattr(user, _FIELD[column]) != value:
                    errors.append(
                        row.error(
                            column,
                            _("differs from the user's; only an administrator changes it"),
                        )
                    )
        return errors

    def _person(self, row: Row, unit: Unit | None, point: ServicePoint | None) -> dict[str, Any]:
        return {
            "full_name": row.get("full_name", ""),
            "unit_code": unit,
            "point_code": point,
            "position": row.get("position", ""),
            "phone": row.get("phone", ""),
        }

    def write(self, rows: list[Row]) -> ImportResult:
        taken = set(User.objects.values_list("username", flat=True))
        unusable = make_password(None)
        created: list[User] = []
        updated: list[User] = []
        for row in rows:
            unit = self.units[row["unit_code"]]
            point = self.points.get(row["point_code"] or "")
            values = {
                _FIELD[column]: value
                for column, value in self._person(row, unit, point).items()
                if row.has(column)
            }
            values.update(
                staff_code=row["staff_code"],
                contract_type=row["contract_type"],
                employed_from=row["employed_from"],
            )
            if row.has("employed_until"):
                values["employed_until"] = row["employed_until"]
            user = self.existing.get(row["staff_code"])
            if user is None:
                user = User(password=unusable, role=_role_of(row.get("position", "")), **values)
                user.username = services.username_for(user.full_name, taken)
                taken.add(user.username)
                created.append(user)
            elif any(getattr(user, field) != value for field, value in values.items()):
                for field, value in values.items():
                    setattr(user, field, value)
                updated.append(user)
        for user in (*created, *updated):
            user.name_folded = fold(f"{user.full_name} {user.username}")
        User.objects.bulk_create(created, batch_size=500)
        User.objects.bulk_update(updated, ["name_folded", *_FIELD.values()], batch_size=500)
        return ImportResult(len(created), len(updated), len(rows) - len(created) - len(updated))


# The user's field of each column of the staff list.
_FIELD = {
    "staff_code": "staff_code",
    "full_name": "full_name",
    "unit_code": "unit",
    "point_code": "point",
    "position": "position",
    "contract_type": "contract_type",
    "employed_from": "employed_from",
    "employed_until": "employed_until",
    "phone": "phone",
}


def _role_of(position: str) -> str:
    """The role of a new member of staff, from their position: a postman or a clerk (an
    administrator gives another role with a login)."""
    return Role.POSTMAN if "buu ta" in fold(position) else Role.CLERK


INCOME_HEADERS = {
    "unit_code": ("Mã đơn vị", "Đơn vị"),
    "year": ("Năm",),
    "headcount": ("Lao động bình quân", "Số lao động bình quân"),
    "average_income": (
        "Thu nhập bình quân (đồng/người/tháng)",
        "Thu nhập bình quân",
        "Thu nhập bình quân đồng người tháng",
    ),
}


@im.register
class IncomeImport(_WorkforceKind):
    name = "average_income"
    help = gettext_lazy(
        "The payroll's average number of workers and average income (đồng per person per "
        "month) of a unit in a year, created or replaced per unit and year. The upload page "
        "also reads the Vietnamese headers: Mã đơn vị, Năm, Lao động bình quân, Thu nhập "
        "bình quân (đồng/người/tháng)."
    )
    headers = INCOME_HEADERS
    columns = (
        Column("unit_code", im.code(32), help=gettext_lazy("the unit's code")),
        Column("year", im.integer(min_value=1990, max_value=2100), help=gettext_lazy("year")),
        Column(
            "headcount",
            im.integer(min_value=1, max_value=1_000_000),
            help=gettext_lazy("the average number of workers in the year"),
        ),
        Column(
            "average_income",
            im.money(),
            help=gettext_lazy("the average income, đồng per person per month"),
        ),
    )

    def validate(self, rows: list[Row]) -> list[RowError]:
        errors: list[RowError] = []
        self._units(rows, "unit_code", errors)
        seen: dict[tuple[str, int], int] = {}
        for row in rows:
            if row["average_income"] == 0:
                errors.append(
                    row.error("average_income", _("an average income is more than 0 đồng"))
                )
            key = (row["unit_code"], row["year"])
            if None in key:
                continue
            if key in seen:
                errors.append(
                    row.error(
                        "year",
                        _("the unit's year is on row %(row)d already") % {"row": seen[key]},
                    )
                )
            seen.setdefault(key, row.number)
        return errors

    def write(self, rows: list[Row]) -> ImportResult:
        now = timezone.now()
        by = self.actor if isinstance(self.actor, User) else None
        stored = {
            (row.unit_id, row.year): row
            for row in AverageIncome.objects.filter(
                unit__in=list(self.units.values()), year__in={r["year"] for r in rows}
            )
        }
        created = updated = 0
        for row in rows:
            unit = self.units[row["unit_code"]]
            found = stored.get((unit.pk, row["year"]))
            figures = {"headcount": row["headcount"], "average_income": row["average_income"]}
            if found is not None and all(getattr(found, k) == v for k, v in figures.items()):
                continue
            AverageIncome.objects.update_or_create(
                unit=unit,
                year=row["year"],
                defaults={**figures, "imported_at": now, "imported_by": by, "source": self.source},
            )
            created, updated = (created + 1, updated) if found is None else (created, updated + 1)
        return ImportResult(created, updated, len(rows) - created - updated)


# --- reading the payroll's files ---------------------------------------------------------------


def _heading(name: str) -> str:
    return " ".join(fold(_BRACKETS.sub(" ", name.replace("_", " "))).split())


def _rename(kind: type[_WorkforceKind], table: im.Table) -> tuple[dict[str, str], list[RowError]]:
    """Give the table's columns the kind's names. Returns the name a problem gives each
    column (as the file calls it: the Vietnamese header, or the column's own name) and the
    problems of the header (a column the kind does not know)."""
    names: dict[str, str] = {}
    for key, aliases in kind.headers.items():
        names[_heading(key)] = key
        names.update((_heading(alias), key) for alias in aliases)
    renamed: dict[str, str] = {}
    shown: dict[str, str] = {}
    errors: list[RowError] = []
    for index, header in enumerate(table.header):
        if not header:
            continue
        key = names.get(_heading(header), "")
        if not key:
            errors.append(
                RowError(
                    table.header_row,
                    header.replace("_", " "),
                    _("unknown column; the columns are %(columns)s")
                    % {"columns": ", ".join(aliases[0] for aliases in kind.headers.values())},
                )
            )
        else:
            # The alias as the file spells it, else the first that reads alike.
            alike = [a for a in kind.headers[key] if _heading(a) == _heading(header)]
            exact = [a for a in alike if im.normalise_header(a) == header]
            shown[key] = (exact or alike or [key])[0]
        renamed[header] = key
        table.header[index] = key
    table.rows = [
        (number, {renamed.get(name, name): value for name, value in values.items()})
        for number, values in table.rows
    ]
    vietnamese = any(shown[key] != key for key in shown)
    for key, aliases in kind.headers.items():
        shown.setdefault(key, aliases[0] if vietnamese else key)
    return shown, errors


def _import(kind: _WorkforceKind, source: im.Source) -> ImportResult:
    kind.check_access()
    table = im.read_table(source)
    shown, errors = _rename(type(kind), table)
    rows, problems = im.parse_rows(type(kind), table)
    errors.extend(problems)
    if table.header:
        errors.extend(kind.validate(rows))
    if table.header and not rows and not errors:
        errors.append(RowError(0, "", _("The file has a header but no rows.")))
    if errors:
        raise ImportFailed(
            [RowError(e.row, shown.get(e.column, e.column), e.reason) for e in errors]
        )
    try:
        with transaction.atomic():
            result = kind.write(rows)
            audit_record(
                actor=kind.actor,
                action=f"import.{kind.name}",
                object_type="import",
                object_id=kind.name,
                object_repr=kind.source[:200],
                after={"file": kind.source, "created": result.created, "updated": result.updated},
            )
    except (IntegrityError, DataError) as exc:
        raise ImportFailed(
            [RowError(0, "", _("The database refused the file: %(error)s") % {"error": exc})]
        ) from exc
    return result


def staff_import(source: im.Source, *, actor: Any, name: str = "") -> ImportResult:
    """Import a staff list (see ``StaffImport``), all or nothing. Raises ``ImportFailed``
    (every problem, nothing written) or ``AccessDenied``."""
    return _import(StaffImport(actor=actor, source=name or im.source_name(source)), source)


def income_import(source: im.Source, *, actor: Any, name: str = "") -> ImportResult:
    """Import the average incomes of units and years (see ``IncomeImport``), all or nothing.
    Raises ``ImportFailed`` (every problem, nothing written) or ``AccessDenied``."""
    return _import(IncomeImport(actor=actor, source=name or im.source_name(source)), source)


# The kinds the upload page and the API take, by name.
IMPORTS = {StaffImport.name: staff_import, IncomeImport.name: income_import}
