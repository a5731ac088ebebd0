"""The agencies' fees passed on: a settlement per agency and range of business days (one
transfer from the post's bank account, a statement as .xlsx), and the reconciliation of what
the dossiers say is owed against the ledger's payable.

The fee an applicant pays at intake is the agency's money from the first moment: the intake
entry credits ``3388.partner.hcc-<agency>``. A settlement debits it by the fees of the
dossiers it claims, so the payable's balance always equals the fees of the dossiers not
settled yet; ``reconciliation`` shows both side by side.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font

from buudien.core.audit import audit_record
from buudien.core.bizdays import local_today
from buudien.core.catalogue import Service
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.sequences import sequence_next
from buudien.core.sheets import text_only
from buudien.counter import fields
from buudien.counter.desk import actor_id, key_clean, once_per_key
from buudien.dossiers.models import Agency, Dossier, FeeSettlement
from buudien.dossiers.services import agency_partner
from buudien.finance import banks, ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import Account
from buudien.people import access
from buudien.people.choices import Role

SETTLEMENT_ROLES = frozenset({Role.ACCOUNTANT, Role.ADMIN})
MONEY_FORMAT = "#,##0"


def can_settle(user: Any) -> bool:
    return access.has_role(user, SETTLEMENT_ROLES)


def _require(actor: Any, agency: Agency) -> None:
    if not can_settle(actor):
        raise AccessDenied(
            _("Only an accountant or an administrator may pass the fees on to an agency.")
        )
    if not access.in_scope(actor, ledger.province_unit(agency.province_code).path):
        raise NotFound(_("No such agency in this province."), field="agency")


def settlements_visible(user: Any) -> Any:
    """The settlements of the provinces whose provincial post is in ``user``'s scope."""
    provinces = [
        code
        for code in FeeSettlement.objects.values_list("province_code", flat=True).distinct()
        if access.in_scope(user, ledger.province_unit(code).path)
    ]
    return FeeSettlement.objects.filter(province_code__in=provinces).select_related(
        "agency", "created_by"
    )


def settlement_get(*, user: Any, reference: str) -> FeeSettlement:
    found = settlements_visible(user).filter(reference=str(reference or "")[:48]).first()
    if found is None:
        raise NotFound(_("No such settlement."))
    return found


def unsettled(agency: Agency, date_from: dt.date, date_to: dt.date) -> Any:
    """The dossiers of ``agency`` received in the range whose fee is not passed on yet."""
    return Dossier.objects.filter(
        agency=agency,
        agency_fee__gt=0,
        settlement__isnull=True,
        business_date__gte=date_from,
        business_date__lte=date_to,
    )


def fees_settle(
    *,
    actor: Any,
    idempotency_key: str,
    agency: Agency,
    date_from: dt.date,
    date_to: dt.date,
    bank: str,
    memo: str = "",
    on: dt.date | None = None,
) -> FeeSettlement:
    """Pass on to ``agency`` the fees of the dossiers received from ``date_from`` to
    ``date_to`` and not passed on yet, in one transfer from the post's account at ``bank``.
    The same key and range again is the same settlement. Refused: nothing to pass on, a
    range that ends before it starts or in the future, a bank account without the money.
    ``on`` is the business day of the transfer (the open day by default)."""
    _require(actor, agency)
    key = key_clean(idempotency_key, limit=128)
    if date_to < date_from:
        raise DomainError(_("The range ends before it starts."), field="date_to")
    if date_to > local_today():
        raise DomainError(
            _("Dossiers of %(day)s have not been received yet.") % {"day": f"{date_to:%d/%m/%Y}"},
            field="date_to",
        )
    note = fields.text(memo, field="memo", label=_("The memo"), limit=500, required=False)
    province = agency.province_code
    bank_account = banks.bank_account(province, bank)

    def same(found: FeeSettlement) -> bool:
        return (found.agency_id, found.date_from, found.date_to) == (
            agency.pk,
            date_from,
            date_to,
        )

    def work() -> FeeSettlement:
        serial = sequence_next(f"dossiers:settlement:{province}")
        settlement = FeeSettlement.objects.create(
            province_code=province,
            reference=f"QT-HCC-{agency.code.upper()}-{serial:05d}"[:48],
            agency=agency,
            date_from=date_from,
            date_to=date_to,
            bank=bank_account.partner or bank,
            idempotency_key=key,
            memo=note,
            created_by_id=actor_id(actor),
        )
        # Claimed in one conditional UPDATE: a dossier settled meanwhile is not taken twice.
        claimed = unsettled(agency, date_from, date_to).update(settlement=settlement)
        if not claimed:
            raise DomainError(
                _("No fees of %(agency)s to pass on from %(start)s to %(end)s.")
                % {
                    "agency": agency.name,
                    "start": f"{date_from:%d/%m/%Y}",
                    "end": f"{date_to:%d/%m/%Y}",
                },
                field="date_to",
            )
        total = Dossier.objects.filter(settlement=settlement).aggregate(t=Sum("agency_fee"))["t"]
        payable = ledger.account_for_partner(province, agency_partner(agency))
        settlement.entry = ledger.entry_post(
            actor=actor,
            idempotency_key=f"dossiers:settlement:{settlement.pk}",
            kind=EntryKind.COLLECTION_SETTLEMENT,
            reference=settlement.reference,
            legs=[ledger.Leg(payable, bank_account, total, Service.DOSSIER)],
            province_code=province,
            business_date=on,
            late=on is not None,
            memo=note or agency.name,
        )
        settlement.count = claimed
        settlement.total = total
        settlement.save(update_fields=["entry", "count", "total"])
        audit_record(actor=actor, action="dossiers.settle", obj=settlement)
        return settlement

    return once_per_key(
        FeeSettlement,
        province_code=province,
        key=key,
        same=same,
        work=work,
    )


@dataclass(frozen=True)
class Reconciled:
    """One agency: the fees its dossiers say the post owes it, and the ledger's payable."""

    agency: Agency
    collected: int
    passed_on: int
    owed: int
    ledger_owed: int

    @property
    def difference(self) -> int:
        return self.ledger_owed - self.owed


def reconciliation(*, user: Any, province_code: str) -> list[Reconciled]:
    """Per agency of the province: fees collected, passed on, still owed, and the balance of
    the agency's payable on the ledger (equal, unless something went wrong)."""
    if not access.in_scope(user, ledger.province_unit(province_code).path):
        raise NotFound(_("No such agency in this province."))
    sums = {
        row["agency_id"]: row
        for row in Dossier.objects.filter(province_code=province_code)
        .values("agency_id")
        .annotate(
            collected=Sum("agency_fee"),
            passed_on=Sum("agency_fee", filter=Q(settlement__isnull=False)),
            n=Count("id"),
        )
    }
    agencies = list(Agency.objects.filter(province_code=province_code).order_by("name"))
    payables = {
        account.code: account
        for account in Account.objects.filter(
            province_code=province_code,
            code__in=[f"{ledger.PARTNER_PREFIX}{agency_partner(a)}" for a in agencies],
        )
    }
    rows = []
    for agency in agencies:
        got = sums.get(agency.pk)
        collected = (got["collected"] if got else 0) or 0
        passed_on = (got["passed_on"] if got else 0) or 0
        account = payables.get(f"{ledger.PARTNER_PREFIX}{agency_partner(agency)}")
        rows.append(
            Reconciled(
                agency=agency,
                collected=collected,
                passed_on=passed_on,
                owed=collected - passed_on,
                ledger_owed=account.balance if account is not None else 0,
            )
        )
    return rows


def statement_xlsx(settlement: FeeSettlement) -> bytes:
    """The statement sent with the transfer: one row per dossier, the total last."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Statement")[:31]
    sheet.append(
        [
            _("Fees passed on to %(agency)s, %(start)s to %(end)s, %(reference)s")
            % {
                "agency": settlement.agency.name,
                "start": f"{settlement.date_from:%d/%m/%Y}",
                "end": f"{settlement.date_to:%d/%m/%Y}",
                "reference": settlement.reference,
            }
        ]
    )
    sheet["A1"].font = Font(bold=True)
    sheet.append(
        [
            _("Dossier"),
            _("Received on"),
            _("Procedure"),
            pgettext("dossier", "Applicant"),
            pgettext("dossier", "Fee"),
        ]
    )
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    rows = settlement.dossiers.select_related("procedure").order_by("business_date", "reference")
    for row in rows:
        sheet.append(
            [
                row.reference,
                row.business_date.strftime("%d/%m/%Y"),
                row.procedure.code,
                row.applicant_name,
                row.agency_fee,
            ]
        )
        sheet.cell(row=sheet.max_row, column=5).number_format = MONEY_FORMAT
    sheet.append([_("Total"), "", "", str(settlement.count), settlement.total])
    sheet.cell(row=sheet.max_row, column=5).number_format = MONEY_FORMAT
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    buffer = io.BytesIO()
    text_only(book).save(buffer)
    return buffer.getvalue()
