"""The import kind ``bank_statement``: the receiving account's bank statement (CSV or .xlsx)
as the bank exports it, matched to payment requests. Registered in ``CashlessConfig.ready``.

The file is read by ``statements.read_statement``: the layouts of the main banks (Vietnamese
headers, title lines above the table, separate debit and credit columns or one amount with a
"Nợ/Có" mark) and the system's own columns ``date, amount, description, bank_reference``
(+ ``account_number``). All or nothing for the file's validity: a file without a table, or a
row whose date, amount or reference cannot be read, is refused whole with every problem by
row and column, as the file names them. Once valid, each new line is stored: a credit is
matched by the request code in its description and its amount (the matched requests are
confirmed, their handlers post), or kept unmatched, with the reason, for an accountant to
match by hand; what is no customer's payment (the bank's fees and their VAT, interest, money
going out) is kept as not related, with the reason. That a line does not match is not an
error. A line whose bank reference was imported before is skipped: importing a statement
twice confirms nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import DataError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buudien.cashless import services, statements
from buudien.cashless.choices import LineStatus
from buudien.cashless.models import BankAccount, PaymentRequest, StatementLine
from buudien.core import imports as im
from buudien.core.audit import audit_record
from buudien.core.errors import AccessDenied
from buudien.core.imports import Column, ImportFailed, ImportKind, ImportResult, Row, RowError
from buudien.counter.desk import user_or_none
from buudien.finance.ledger import province_unit
from buudien.finance.selectors import user_province_code
from buudien.people import access

# Columns a statement cannot do without (an amount column is what makes its header).
NEEDED = ("date", "description", "bank_reference")
AMOUNTS = ("credit", "debit", "amount")
_DESCRIPTION = im.text(500)


@dataclass
class StatementResult:
    """What an import of a statement did, line by line."""

    matched: list[StatementLine] = field(default_factory=list)
    unmatched: list[StatementLine] = field(default_factory=list)
    not_related: list[StatementLine] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row, bank reference)

    @property
    def total(self) -> int:
        return len(self.matched) + len(self.unmatched) + len(self.not_related) + len(self.skipped)


@im.register
class BankStatementImport(ImportKind):
    name = "bank_statement"
    help = gettext_lazy(
        "The bank statement of the account receiving cashless payments, as the bank exports "
        "it (Vietcombank, VietinBank, BIDV, Agribank, LPBank: title lines above the table, "
        "Vietnamese headers such as Ngày giao dịch, Số tiền ghi có, Nợ/Có, Nội dung, Số tham "
        "chiếu), or in these columns. Each new credit is matched to a payment request by the "
        "code in its description and its amount, and confirms it; unmatched credits are kept "
        "for matching by hand; the bank's fees, interest and money going out are kept as not "
        "related; lines imported before are skipped. Required: date, description, "
        "bank_reference and an amount (amount, or credit and debit)."
    )
    columns = (
        Column(
            "date",
            statements.date(),
            required=False,  # required, as the others in NEEDED: checked by ``read``
            help=gettext_lazy("the day of the transaction"),
        ),
        Column(
            "amount",
            statements.money(signed=True),
            required=False,
            help=gettext_lazy(
                "the amount in đồng: credited, or gone out when negative or marked D in direction"
            ),
        ),
        Column(
            "credit",
            statements.money(signed=False),
            required=False,
            help=gettext_lazy("the amount credited (money in), in đồng"),
        ),
        Column(
            "debit",
            statements.money(signed=False),
            required=False,
            help=gettext_lazy("the amount debited (money going out), in đồng"),
        ),
        Column(
            "direction",
            statements.direction(),
            required=False,
            help=gettext_lazy("with amount: C for a credit, D for a debit (Nợ/Có)"),
        ),
        Column(
            "description",
            im.Parser(_DESCRIPTION, describe=_DESCRIPTION.describe, blank=""),
            required=False,
            help=gettext_lazy("the transfer's description (its purpose, with the code)"),
        ),
        Column(
            "bank_reference",
            im.text(services.BANK_REFERENCE_MAX),
            required=False,
            help=gettext_lazy("the bank's reference of the transaction (unique)"),
        ),
        Column(
            "account_number",
            im.code(19),
            required=False,
            help=gettext_lazy(
                "the receiving account (blank: the account named above the table, else the "
                "province of the importing user, or of the code in the description)"
            ),
        ),
    )

    def __init__(self, *, actor: Any = None) -> None:
        super().__init__(actor=actor)
        self.source = ""
        self.result = StatementResult()
        self.names: dict[str, str] = {}
        self.account = ""
        self.account_row = 0
        self._province: dict[int, str] = {}

    def check_access(self) -> None:
        if self.actor is not None and not services.can_confirm(self.actor):
            raise AccessDenied(_("Only an accountant or an administrator imports bank statements."))

    # --- reading ------------------------------------------------------------------------------

    def named(self, error: RowError) -> RowError:
        """The problem with its column named as the file names it ("Số tiền ghi có")."""
        if not error.column:
            return error
        column = self.names.get(error.column) or (
            self.names.get("credit", "") if error.column == "amount" else ""
        )
        return RowError(error.row, column or error.column, error.reason)

    def read(self, source: im.Source) -> tuple[list[Row], list[RowError], bool]:
        statement = statements.read_statement(source)
        self.names = statement.names
        self.account, self.account_row = statement.account, statement.account_row
        table = statement.table
        rows, errors = im.parse_rows(type(self), table)
        if not table.header:
            return rows, errors, False
        for name in NEEDED:
            if name not in table.header:
                errors.append(
                    RowError(
                        table.header_row,
                        name,
                        _("no column for it; its header is one of: %(names)s")
                        % {"names": ", ".join(statements.HEADERS[name])},
                    )
                )
        if not set(NEEDED) <= set(table.header):
            return rows, [self.named(error) for error in errors], True
        for row in rows:
            errors.extend(self._complete(row))
        if not rows and not errors:
            errors.append(RowError(0, "", _("The statement has no lines.")))
        return rows, [self.named(error) for error in errors], True

    def _complete(self, row: Row) -> list[RowError]:
        """Required values, and the signed amount (negative: money going out) in ``amount``."""
        errors = [
            row.error(name, _("a value is required"))
            for name in ("date", "bank_reference")
            if row[name] is None and name not in row.invalid
        ]
        if row.invalid & {*AMOUNTS, "direction"}:
            row.invalid.add("amount")
            return errors
        problem = ""
        if row.has("credit") or row.has("debit"):
            credit, debit = row["credit"] or 0, row["debit"] or 0
            if credit and debit:
                problem = _("a line is either a credit or a debit, this has both")
            elif not credit and not debit:
                problem = _("a line is of more than 0 đồng: give its credit or its debit")
            row.values["amount"] = credit or -debit
        else:
            amount = row["amount"]
            if amount is None:
                problem = _("a value is required")
            elif row.has("direction"):
                if row["direction"] is None:
                    errors.append(row.error("direction", _("a value is required")))
                    row.invalid.add("amount")
                    return errors
                row.values["amount"] = abs(amount) if row["direction"] == "credit" else -abs(amount)
            if not problem and row["amount"] == 0:
                problem = _("a credit line is of more than 0 đồng")
        if problem:
            row.invalid.add("amount")
            errors.append(row.error("amount", problem))
        return errors

    # --- checking -----------------------------------------------------------------------------

    def _row_province(self, row: Row, accounts: dict[str, str], codes: dict[str, str]) -> str:
        number = row["account_number"] or self.account
        if number:
            return accounts.get(number, "")
        mine = user_province_code(self.actor) if self.actor is not None else ""
        if mine:
            return mine
        for code in services.codes_in(row.get("description", "")):
            if code in codes:
                return codes[code]
        return ""

    def validate(self, rows: list[Row]) -> list[RowError]:
        errors: list[RowError] = []
        numbers = {r["account_number"] for r in rows if r["account_number"]} | {self.account}
        accounts = dict(
            BankAccount.objects.filter(account_number__in=numbers - {""}).values_list(
                "account_number", "province_code"
            )
        )
        if self.account and self.account not in accounts:
            errors.append(
                RowError(
                    self.account_row,
                    "",
                    _(
                        "the statement's account %(number)s is not a receiving account of any "
                        "province"
                    )
                    % {"number": self.account},
                )
            )
            return errors
        wanted = {c for r in rows for c in services.codes_in(r.get("description", ""))}
        codes = dict(
            PaymentRequest.objects.filter(code__in=wanted).values_list("code", "province_code")
        )
        seen: dict[tuple[str, str], int] = {}
        for row in rows:
            if row.invalid:
                continue
            if row["account_number"] and row["account_number"] not in accounts:
                errors.append(
                    row.error(
                        "account_number",
                        _("%(number)s is not a receiving account of any province")
                        % {"number": row["account_number"]},
                    )
                )
                continue
            province = self._row_province(row, accounts, codes)
            if not province:
                errors.append(
                    row.error(
                        "account_number",
                        _("cannot tell which province's account this is: give account_number"),
                    )
                )
                continue
            if self.actor is not None and not access.in_scope(
                self.actor, province_unit(province).path
            ):
                errors.append(
                    row.error(
                        "account_number",
                        _("the account of province %(code)s is not yours") % {"code": province},
                    )
                )
                continue
            key = (province, row["bank_reference"])
            if key in seen:
                errors.append(
                    row.error(
                        "bank_reference",
                        _("the same bank reference as row %(row)d") % {"row": seen[key]},
                    )
                )
                continue
            seen[key] = row.number
            self._province[row.number] = province
        return [self.named(error) for error in errors]

    # --- writing ------------------------------------------------------------------------------

    def write(self, rows: list[Row]) -> ImportResult:
        now = timezone.now()
        by_province: dict[str, list[Row]] = {}
        for row in rows:
            by_province.setdefault(self._province[row.number], []).append(row)
        for province, members in by_province.items():
            known = set(
                StatementLine.objects.filter(
                    province_code=province,
                    bank_reference__in=[r["bank_reference"] for r in members],
                ).values_list("bank_reference", flat=True)
            )
            wanted = {c for r in members for c in services.codes_in(r.get("description", ""))}
            candidates = {
                r.code: r
                for r in PaymentRequest.objects.select_related("point", "bank_account").filter(
                    province_code=province, code__in=wanted
                )
            }
            confirmed_refs = dict(
                PaymentRequest.objects.filter(
                    province_code=province,
                    bank_reference__in=[r["bank_reference"] for r in members],
                ).values_list("bank_reference", "pk")
            )
            for row in members:
                reference = row["bank_reference"]
                if reference in known:
                    self.result.skipped.append((row.number, reference))
                    continue
                by_hand = confirmed_refs.get(reference)
                line = StatementLine(
                    province_code=province,
                    date=row["date"],
                    amount=row["amount"],
                    description=row.get("description", ""),
                    bank_reference=reference,
                    status=LineStatus.MATCHED if by_hand else LineStatus.UNMATCHED,
                    request_id=by_hand,
                    imported_by=user_or_none(self.actor),
                    imported_at=now,
                    source=self.source[:200],
                )
                reason = "" if by_hand else services.line_not_related(line)
                if reason:
                    line.status, line.reason = LineStatus.NOT_RELATED, reason[:300]
                line.save()
                if line.status == LineStatus.UNMATCHED:
                    line = services.line_match(
                        actor=self.actor, line=line, candidates=candidates, at=now
                    )
                if line.status == LineStatus.MATCHED:
                    self.result.matched.append(line)
                elif line.status == LineStatus.NOT_RELATED:
                    self.result.not_related.append(line)
                else:
                    self.result.unmatched.append(line)
        return ImportResult(
            created=len(self.result.matched)
            + len(self.result.unmatched)
            + len(self.result.not_related),
            updated=len(self.result.matched),
            unchanged=len(self.result.skipped),
        )


def statement_import(source: im.Source, *, actor: Any, name: str = "") -> StatementResult:
    """Import a bank statement (see ``BankStatementImport``) and say what each line did.
    Raises ``ImportFailed`` (every problem, nothing written) or ``AccessDenied``."""
    kind = BankStatementImport(actor=actor)
    kind.check_access()
    file_name = name or im.source_name(source)
    kind.source = file_name
    rows, errors, readable = kind.read(source)
    if readable:
        errors.extend(kind.validate(rows))
    if errors:
        raise ImportFailed(errors)
    try:
        with transaction.atomic():
            result = kind.write(rows)
            audit_record(
                actor=actor,
                action=f"import.{kind.name}",
                object_type="import",
                object_id=kind.name,
                object_repr=file_name[:200],
                after={
                    "file": file_name,
                    "lines": result.created,
                    "matched": len(kind.result.matched),
                    "not_related": len(kind.result.not_related),
                    "skipped": result.unchanged,
                },
            )
    except (IntegrityError, DataError) as exc:
        raise ImportFailed(
            [RowError(0, "", _("The database refused the file: %(error)s") % {"error": exc})]
        ) from exc
    return kind.result
