"""The import kind ``bank_statement``: the credit lines of the receiving account's bank
statement (CSV or .xlsx), matched to payment requests. Registered in ``CashlessConfig.ready``.

All or nothing for the file's validity (every problem by row and column); once valid, each
new line is stored and matched by the request code in its description and its amount: the
matched requests are confirmed (their handlers post), the others are kept unmatched, with
the reason, for an accountant to match by hand. That a line does not match is not an error.
A line whose bank reference was imported before is skipped: importing a statement twice
confirms nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import DataError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buudien.cashless import services
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


@dataclass
class StatementResult:
    """What an import of a statement did, line by line."""

    matched: list[StatementLine] = field(default_factory=list)
    unmatched: list[StatementLine] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row, bank reference)

    @property
    def total(self) -> int:
        return len(self.matched) + len(self.unmatched) + len(self.skipped)


@im.register
class BankStatementImport(ImportKind):
    name = "bank_statement"
    help = gettext_lazy(
        "Credit lines of the bank statement of the account receiving cashless payments: each "
        "new line is matched to a payment request by the code in its description and its "
        "amount, and confirms it; unmatched lines are kept for matching by hand; lines "
        "imported before are skipped."
    )
    columns = (
        Column("date", im.date(), help=gettext_lazy("the day the money arrived")),
        Column("amount", im.money(), help=gettext_lazy("the amount credited, in đồng")),
        Column(
            "description",
            im.text(500),
            help=gettext_lazy("the transfer's description (its purpose, with the code)"),
        ),
        Column(
            "bank_reference",
            im.text(services.BANK_REFERENCE_MAX),
            help=gettext_lazy("the bank's reference of the transaction (unique)"),
        ),
        Column(
            "account_number",
            im.code(19),
            required=False,
            help=gettext_lazy(
                "the receiving account (blank: the province of the importing user, or of the "
                "code in the description)"
            ),
        ),
    )

    def __init__(self, *, actor: Any = None) -> None:
        super().__init__(actor=actor)
        self.source = ""
        self.result = StatementResult()
        self._province: dict[int, str] = {}
        self._new: list[Row] = []

    def check_access(self) -> None:
        if self.actor is not None and not services.can_confirm(self.actor):
            raise AccessDenied(_("Only an accountant or an administrator imports bank statements."))

    def _row_province(self, row: Row, accounts: dict[str, str], codes: dict[str, str]) -> str:
        if row["account_number"]:
            return accounts.get(row["account_number"], "")
        mine = user_province_code(self.actor) if self.actor is not None else ""
        if mine:
            return mine
        for code in services.codes_in(row.get("description", "")):
            if code in codes:
                return codes[code]
        return ""

    def validate(self, rows: list[Row]) -> list[RowError]:
        errors: list[RowError] = []
        accounts = dict(
            BankAccount.objects.filter(
                account_number__in={r["account_number"] for r in rows if r["account_number"]}
            ).values_list("account_number", "province_code")
        )
        wanted = {c for r in rows for c in services.codes_in(r.get("description", ""))}
        codes = dict(
            PaymentRequest.objects.filter(code__in=wanted).values_list("code", "province_code")
        )
        seen: dict[tuple[str, str], int] = {}
        for row in rows:
            if row.invalid:
                continue
            if row["amount"] == 0:
                errors.append(row.error("amount", _("a credit line is of more than 0 đồng")))
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
        return errors

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
                line = StatementLine.objects.create(
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
                if by_hand is None:
                    line = services.line_match(
                        actor=self.actor, line=line, candidates=candidates, at=now
                    )
                if line.status == LineStatus.MATCHED:
                    self.result.matched.append(line)
                else:
                    self.result.unmatched.append(line)
        return ImportResult(
            created=len(self.result.matched) + len(self.result.unmatched),
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
    table = im.read_table(source)
    rows, errors = im.parse_rows(BankStatementImport, table)
    if table.header:
        errors.extend(kind.validate(rows))
    if not rows and not errors:
        errors.append(RowError(0, "", _("The statement has no lines.")))
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
                    "skipped": result.unchanged,
                },
            )
    except (IntegrityError, DataError) as exc:
        raise ImportFailed(
            [RowError(0, "", _("The database refused the file: %(error)s") % {"error": exc})]
        ) from exc
    return kind.result
