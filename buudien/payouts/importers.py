"""The import kind ``payout_list``: a payer's monthly list of beneficiaries as a CSV or .xlsx
file, imported and funded through ``services.list_import``. Registered when the app is ready
(see ``apps.py``).

The payer and the month come from the caller (``buudien payouts import FILE --payer bhxh
--period 2026-11``, the upload page, the API) or from the file's own ``payer`` and ``period``
columns (``buudien import payout_list FILE``): every row must name the same ones, and the
same as the caller's when both are given. All or nothing: every problem of every row is
reported, by row and column.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import DataError, IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buudien.core import imports as im
from buudien.core.audit import audit_record
from buudien.core.errors import AccessDenied, DomainError
from buudien.core.imports import (
    Column,
    ImportFailed,
    ImportKind,
    ImportResult,
    Parser,
    Row,
    RowError,
    register,
)
from buudien.payouts import selectors, services
from buudien.payouts.models import Payer, PayoutList
from buudien.people import access


def _citizen_id() -> Parser[str]:
    """12 digits. A spreadsheet that stored the number as a number lost its leading zeros:
    they are put back; typed text must have all twelve."""

    def parse(value: Any) -> str:
        if isinstance(value, int | float) and not isinstance(value, bool):
            if isinstance(value, float) and not value.is_integer():
                raise im.CellError(_("expected 12 digits, not %(value)s") % {"value": value})
            text = str(int(value)).zfill(12)
        else:
            text = services.citizen_id_clean(value)
        problem = services.citizen_id_problem(text)
        if problem:
            raise im.CellError(problem)
        return text

    return Parser(parse, describe=gettext_lazy("a citizen ID (CCCD) of exactly 12 digits"))


def _amount() -> Parser[int]:
    money = im.money()

    def parse(value: Any) -> int:
        amount = money(value)
        if amount <= 0:
            raise im.CellError(_("an amount must be more than 0 đồng"))
        if amount > services.MAX_LINE_AMOUNT:
            raise im.CellError(_("an amount this large is not a line of a list"))
        return amount

    return Parser(parse, describe=gettext_lazy("an amount in whole đồng, more than 0"))


def _period() -> Parser[dt.date]:
    def parse(value: Any) -> dt.date:
        try:
            return services.period_parse(value)
        except ValueError as exc:
            raise im.CellError(str(exc)) from None

    return Parser(parse, describe=gettext_lazy("a month, YYYY-MM or MM/YYYY"))


COLUMNS = (
    Column("beneficiary_name", im.text(200), help=gettext_lazy("the beneficiary's full name")),
    Column("citizen_id", _citizen_id(), help=gettext_lazy("the beneficiary's citizen ID")),
    Column("amount", _amount(), help=gettext_lazy("the amount to pay, in đồng")),
    Column("point_code", im.code(16), help=gettext_lazy("the pay point's code")),
    Column(
        "period",
        _period(),
        required=False,
        help=gettext_lazy("the month the list pays, when not given to the command (--period)"),
    ),
    Column("address", im.text(300), required=False, help=gettext_lazy("the beneficiary's address")),
    Column("phone", im.text(20), required=False, help=gettext_lazy("the beneficiary's phone")),
    Column(
        "line_reference",
        im.text(50),
        required=False,
        help=gettext_lazy("the payer's own number of the line (e.g. the social insurance number)"),
    ),
    Column(
        "payer",
        im.code(32),
        required=False,
        help=gettext_lazy("the payer's code, when not given to the command (--payer)"),
    ),
)


@register
class PayoutListImport(ImportKind):
    name = "payout_list"
    help = gettext_lazy(
        "A payer's monthly list of pensions, allowances or disbursements to pay at the "
        "counters (use `buudien payouts import FILE --payer CODE --period YYYY-MM`, or the "
        "payer and period columns). The list is funded on the ledger. All or nothing."
    )
    columns = COLUMNS

    def __init__(
        self,
        *,
        actor: Any = None,
        payer: Payer | None = None,
        period: dt.date | None = None,
        reference: str = "",
        file_name: str = "",
        at: dt.datetime | None = None,
    ) -> None:
        super().__init__(actor=actor)
        self.payer = payer
        self.period = period.replace(day=1) if period else None
        self.reference = reference
        self.file_name = file_name
        self.at = at
        self.payout_list: PayoutList | None = None
        self._rows: list[services.ListRow] = []
        self._checked: Any = None

    def check_access(self) -> None:
        if self.actor is not None and not access.has_role(self.actor, services.LIST_ROLES):
            raise AccessDenied(
                _("Only an accountant or an administrator may import and close payout lists.")
            )

    def _payer_of(self, rows: list[Row], errors: list[RowError]) -> Payer | None:
        if self.payer is not None:
            for row in rows:
                code = row["payer"]
                if code and code != self.payer.code:
                    errors.append(
                        row.error(
                            "payer",
                            _("this list is for payer %(payer)s, not %(code)s")
                            % {"payer": self.payer.code, "code": code},
                        )
                    )
            return self.payer
        codes = {row["payer"] for row in rows if row["payer"]}
        if not codes:
            errors.append(
                RowError(1, "payer", _("say which payer: a payer column or --payer CODE"))
            )
            return None
        first = next(row["payer"] for row in rows if row["payer"])
        if self.actor is not None:
            payers = selectors.payer_list(user=self.actor, active_only=False).filter(code=first)
        else:
            payers = Payer.objects.filter(code=first).order_by("province_code")
        payer = payers.first()
        for row in rows:
            code = row["payer"]
            if code is None and "payer" not in row.invalid:
                errors.append(row.error("payer", _("a value is required")))
            elif code and code != first:
                errors.append(
                    row.error(
                        "payer",
                        _("one list has one payer: %(first)s, not %(code)s")
                        % {"first": first, "code": code},
                    )
                )
        if payer is None:
            errors.append(RowError(1, "payer", _("unknown payer %(code)s") % {"code": first}))
        return payer

    def _period_of(self, rows: list[Row], errors: list[RowError]) -> dt.date | None:
        """The month given (``--period``) or the file's; a file whose column says another
        month than the one given is refused once, naming both."""
        given = self.period
        first = next((row["period"] for row in rows if row["period"]), None)
        if given is not None and first is not None and first != given:
            errors.append(
                RowError(
                    1,
                    "period",
                    _("the file's period is %(value)s, but %(period)s was given (--period)")
                    % {"value": f"{first:%m/%Y}", "period": f"{given:%m/%Y}"},
                )
            )
            return None
        period = given or first
        if period is None:
            errors.append(
                RowError(1, "period", _("say which month: a period column or --period YYYY-MM"))
            )
            return None
        for row in rows:
            value = row["period"]
            if value is None and given is None and "period" not in row.invalid:
                errors.append(row.error("period", _("a value is required")))
            elif value and value != period:
                errors.append(
                    row.error(
                        "period",
                        _("this list pays %(period)s, not %(value)s")
                        % {"period": f"{period:%m/%Y}", "value": f"{value:%m/%Y}"},
                    )
                )
        return period

    def validate(self, rows: list[Row]) -> list[RowError]:
        errors: list[RowError] = []
        payer = self._payer_of(rows, errors)
        period = self._period_of(rows, errors)
        if payer is None or period is None:
            return errors
        try:
            services._list_access(self.actor, payer)
        except DomainError as exc:
            errors.append(RowError(0, "", str(exc.message)))
            return errors
        self.payer, self.period = payer, period
        if any(c.required and not any(r.has(c.name) for r in rows[:1]) for c in self.columns):
            return errors  # a required column is missing: the header's problem says so
        self._rows = [
            services.ListRow(
                row=row.number,
                beneficiary_name=row.get("beneficiary_name", ""),
                citizen_id=row.get("citizen_id", ""),
                amount=row.get("amount", 0),
                point_code=row.get("point_code", ""),
                address=row.get("address", ""),
                phone=row.get("phone", ""),
                line_reference=row.get("line_reference", ""),
            )
            for row in rows
        ]
        problems, self._checked = services.list_problems(
            actor=self.actor, payer=payer, period=period, rows=self._rows
        )
        # A cell that failed to parse was reported already, not its consequences.
        invalid = {(row.number, name) for row in rows for name in row.invalid}
        errors.extend(p for p in problems if (p.row, p.column) not in invalid)
        return errors

    def write(self, rows: list[Row]) -> ImportResult:
        assert self.payer is not None and self.period is not None
        self.payout_list = services._list_write(
            actor=self.actor,
            payer=self.payer,
            period=self.period,
            rows=self._rows,
            points=self._checked.points,
            reference=self.reference,
            file_name=self.file_name,
            at=self.at,
        )
        return ImportResult(created=len(self._rows))


def list_import_file(
    source: im.Source,
    *,
    actor: Any,
    payer: Payer | None = None,
    period: dt.date | None = None,
    reference: str = "",
    name: str = "",
    dry_run: bool = False,
    at: dt.datetime | None = None,
) -> PayoutList | None:
    """Import a list from a file (see the module's docstring), all or nothing, and return it
    (None for a dry run). Raises ``ImportFailed`` (every problem, nothing written),
    ``AccessDenied`` or ``NotFound``."""
    file_name = name or im.source_name(source)
    kind = PayoutListImport(
        actor=actor, payer=payer, period=period, reference=reference, file_name=file_name, at=at
    )
    kind.check_access()
    if payer is not None:
        services._list_access(actor, payer)
    table = im.read_table(source)
    rows, errors = im.parse_rows(PayoutListImport, table)
    if table.header:
        errors.extend(kind.validate(rows))
    if not rows and not errors:
        errors.append(RowError(0, "", _("The list has no lines.")))
    if errors:
        raise ImportFailed(errors)
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
                        "list": kind.payout_list.code if kind.payout_list else "",
                    },
                )
    except (IntegrityError, DataError) as exc:
        raise ImportFailed(
            [RowError(0, "", _("The database refused the file: %(error)s") % {"error": exc})]
        ) from exc
    return None if dry_run else kind.payout_list
