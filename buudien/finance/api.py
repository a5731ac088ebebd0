"""/api/finance/: the ledger's reports and the accountant's manual entries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile

from buudien.core.bizdays import local_today
from buudien.core.errors import DomainError, NotFound
from buudien.core.imports import import_for_api
from buudien.counter.api import idempotency_key
from buudien.counter.schemas import CancelRequestOut
from buudien.finance import banks, budget, costs, ledger, reversals, selectors
from buudien.finance.jobs import rollups_rebuild_start
from buudien.finance.models import BusinessDay, Entry
from buudien.finance.schemas import (
    AccountOut,
    BankAccountIn,
    BankAccountOut,
    BudgetPaymentIn,
    BudgetPaymentOut,
    BusinessDayOut,
    CostCategoryOut,
    CostIn,
    CostOut,
    EntryIn,
    EntryOut,
    ReverseIn,
    RollupsRebuildIn,
    StatementOut,
    TaxOwedOut,
    TrialBalanceOut,
)
from buudien.jobs.api import accepted
from buudien.jobs.schemas import JobOut
from buudien.people import access
from buudien.planning.schemas import ImportOut

router = Router(tags=["finance"])


def _province(request: HttpRequest, given: str | None) -> str:
    """The province asked for (the user's own by default): one of those the user may read,
    else refused with the codes they may give."""
    province = given or selectors.user_province_code(request.user)
    if not province:
        raise DomainError(_("Say which province: province=NN."), field="province")
    codes = [code for code, _name in selectors.province_choices(request.user)]
    if province not in codes:
        raise NotFound(
            _("Province %(code)s is not one you may see; give one of: %(codes)s.")
            % {"code": province[:8], "codes": ", ".join(codes) or "-"},
            field="province",
        )
    return province


def _range(date_from: dt.date | None, date_to: dt.date | None) -> tuple[dt.date, dt.date]:
    today = local_today()
    end = date_to or today
    return date_from or end.replace(day=1), end


def _entry_out(entry: Entry) -> Entry:
    return (
        Entry.objects.select_related("point", "created_by")
        .prefetch_related("transfers__debit", "transfers__credit")
        .get(pk=entry.pk)
    )


@router.get("/accounts", response=list[AccountOut], summary="Accounts of a province you may see")
def accounts_list(request: HttpRequest, province: str | None = None) -> Any:
    return selectors.account_list(user=request.user, province_code=_province(request, province))


@router.get("/trial-balance", response=TrialBalanceOut, summary="Trial balance of a province")
def trial_balance(
    request: HttpRequest,
    province: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> Any:
    start, end = _range(date_from, date_to)
    report = selectors.trial_balance(
        user=request.user, province_code=_province(request, province), date_from=start, date_to=end
    )

    def row(r: selectors.TrialBalanceRow) -> dict[str, Any]:
        return {
            "code": r.account.code if r.account else None,
            "name": r.account.name if r.account else None,
            "kind": r.account.kind if r.account else None,
            "opening_debit": r.opening_debit,
            "opening_credit": r.opening_credit,
            "debit": r.debit,
            "credit": r.credit,
            "closing_debit": r.closing_debit,
            "closing_credit": r.closing_credit,
            "transfers": r.transfers,
        }

    return {
        "province_code": report.province_code,
        "date_from": report.date_from,
        "date_to": report.date_to,
        "complete": report.complete,
        "balanced": report.balanced,
        "rows": [row(r) for r in report.rows],
        "totals": row(report.totals),
    }


@router.get("/accounts/{code}/statement", response=StatementOut, summary="Statement of one account")
def account_statement(
    request: HttpRequest,
    code: str,
    province: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> Any:
    start, end = _range(date_from, date_to)
    statement = selectors.account_statement(
        user=request.user,
        province_code=_province(request, province),
        code=code,
        date_from=start,
        date_to=end,
    )
    return {
        "account": statement.account,
        "date_from": statement.date_from,
        "date_to": statement.date_to,
        "opening": statement.opening,
        "debit_total": statement.debit_total,
        "credit_total": statement.credit_total,
        "closing": statement.closing,
        "truncated": statement.truncated,
        "lines": [
            {
                "transfer_id": line.transfer_id,
                "business_date": line.business_date,
                "entry_id": line.entry.pk,
                "kind": line.entry.kind,
                "reference": line.entry.reference,
                "memo": line.entry.memo,
                "other_account": line.other.code,
                "debit": line.debit,
                "credit": line.credit,
                "balance": line.balance,
                "service": line.service,
            }
            for line in statement.lines
        ],
    }


@router.post("/entries", response={201: EntryOut}, summary="Post a manual entry")
def entries_create(request: HttpRequest, payload: EntryIn) -> Any:
    """Accountants and administrators: expenses, payments to the budget, bank deposits,
    settlements, opening balances. Send an ``Idempotency-Key`` header (or the
    ``idempotency_key`` field): a retry with the same key and body returns the same entry."""
    entry = ledger.entry_post_manual(
        actor=request.user,
        idempotency_key=idempotency_key(request, payload.idempotency_key),
        kind=payload.kind,
        province_code=_province(request, payload.province_code),
        legs=[
            ledger.ManualLeg(
                debit=leg.debit, credit=leg.credit, amount=leg.amount, service=leg.service
            )
            for leg in payload.legs
        ],
        reference=payload.reference,
        business_date=payload.business_date,
        late=payload.late,
        memo=payload.memo,
    )
    return Status(201, _entry_out(entry))


@router.get("/entries/{entry_id}", response=EntryOut, summary="One entry")
def entries_get(request: HttpRequest, entry_id: int) -> Any:
    entry = _entry_out(ledger.entry_get(user=request.user, entry_id=entry_id))
    return selectors.kt1_masked(entry, request.user)


@router.post(
    "/entries/{entry_id}/reverse",
    response={201: EntryOut, 202: CancelRequestOut},
    summary="Reverse an entry, for a reason",
)
def entries_reverse(request: HttpRequest, entry_id: int, payload: ReverseIn) -> Any:
    """The reason (``reason``, or ``memo``) is required and is the reversal's memo. Above the
    amount a clerk cancels alone (the entry's total) the reversal is asked (202, the request)
    and posted when a director or an accountant, not the one who asked, approves it
    (/api/counter/cancellations)."""
    result = reversals.entry_reverse_asked(
        actor=request.user,
        entry_id=entry_id,
        idempotency_key=idempotency_key(request, payload.idempotency_key),
        reason=payload.reason or payload.memo,
    )
    if result.request is not None and not result.done:
        return Status(202, result.request)
    return Status(201, _entry_out(result.record))


@router.post("/days/{day}/close", response=BusinessDayOut, summary="Close a business day")
def days_close(request: HttpRequest, day: dt.date, province: str | None = None) -> Any:
    closed = ledger.business_day_close(
        actor=request.user, province_code=_province(request, province), date=day
    )
    return BusinessDay.objects.select_related("closed_by").get(pk=closed.pk)


# --- costs -----------------------------------------------------------------------------------


@router.get(
    "/cost-categories", response=list[CostCategoryOut], summary="The cost accounts of the chart"
)
def cost_categories(request: HttpRequest) -> Any:
    return [
        {"code": category.code, "group": category.group, "name": str(category.name)}
        for category in costs.CATEGORIES
    ]


@router.get("/costs", response=list[CostOut], summary="Costs booked in a range")
def costs_list(
    request: HttpRequest,
    province: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> Any:
    start, end = _range(date_from, date_to)
    selectors.check_range(start, end)
    entries = costs.cost_entries(
        user=request.user, province_code=_province(request, province), date_from=start, date_to=end
    )
    return costs.cost_rows(entries[:1000])


@router.post("/costs", response={201: CostOut}, summary="Book a cost of a unit or a point")
def costs_create(request: HttpRequest, payload: CostIn) -> Any:
    """Accountants and administrators: a cost of a unit or a point of their subtree, paid
    from a bank, a drawer, or owed (wages 334, suppliers 331 …). Send an ``Idempotency-Key``."""
    entry = costs.cost_book(
        actor=request.user,
        province_code=_province(request, payload.province_code),
        idempotency_key=idempotency_key(request, payload.idempotency_key),
        category=payload.category,
        owner_code=payload.owner,
        amount=payload.amount,
        day=payload.date,
        paid_from=payload.paid_from,
        memo=payload.memo,
        reference=payload.reference,
    )
    entry = Entry.objects.prefetch_related(
        "transfers__debit__point", "transfers__debit__unit", "transfers__credit"
    ).get(pk=entry.pk)
    return Status(201, costs.cost_rows([entry])[0])


@router.post(
    "/costs/file",
    response=ImportOut,
    summary="Book the costs of the accounting system's monthly file (CSV or .xlsx, all or nothing)",
)
def costs_file(request: HttpRequest, file: File[UploadedFile], dry_run: bool = False) -> Any:
    """Columns ``date, owner_code, account, amount, paid_from`` and optionally ``reference,
    memo``. Every problem is answered with its row and column, and nothing is booked; the
    same file twice books once."""
    return import_for_api("costs", file, actor=request.user, dry_run=dry_run)


# --- payments to the state budget ------------------------------------------------------------


@router.get(
    "/budget-payments",
    response=list[BudgetPaymentOut],
    summary="Payments to the state budget in a range, by tax and level",
)
def budget_payments(
    request: HttpRequest,
    province: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> Any:
    code = _province(request, province)
    budget.require_reader(request.user, code)
    start, end = _range(date_from, date_to)
    selectors.check_range(start, end)
    return budget.payment_list(province_code=code, date_from=start, date_to=end)[:1000]


@router.post(
    "/budget-payments",
    response={201: BudgetPaymentOut},
    summary="Pay a tax to the state budget from a bank account",
)
def budget_payments_create(request: HttpRequest, payload: BudgetPaymentIn) -> Any:
    """Accountants and administrators: debit the tax's 333x account (3331 for VAT), credit
    the bank; ``level`` is the budget it goes to (a provincial post pays the ``local`` one)."""
    return Status(
        201,
        budget.budget_pay(
            actor=request.user,
            province_code=_province(request, payload.province_code),
            idempotency_key=idempotency_key(request, payload.idempotency_key),
            tax=payload.tax,
            level=payload.level,
            amount=payload.amount,
            day=payload.date,
            paid_from=payload.paid_from,
            treasury_reference=payload.treasury_reference,
            memo=payload.memo,
        ),
    )


@router.get("/taxes-owed", response=list[TaxOwedOut], summary="What is still owed per tax")
def taxes_owed(request: HttpRequest, province: str | None = None) -> Any:
    code = _province(request, province)
    budget.require_reader(request.user, code)
    return [{"tax": tax, "name": name, "owed": owed} for tax, name, owed in budget.owed(code)]


def _bank_out(account: Any) -> dict[str, str]:
    return {
        "bank": account.code.removeprefix(ledger.BANK_PREFIX),
        "code": account.code,
        "name": account.name,
    }


@router.get(
    "/bank-accounts",
    response=list[BankAccountOut],
    summary="The province's open bank accounts (where cash is handed and transfers paid from)",
)
def bank_accounts_list(request: HttpRequest, province: str) -> Any:
    """The bank accounts of your province a hand-over, a COD payout or a compensation by
    transfer may name; any other is refused."""
    mine = access.user_province(request.user)  # blank: the corporation's, every province
    if not request.user.is_superuser and mine and mine != province:
        raise NotFound(_("No such province in your scope."))
    return [_bank_out(account) for account in banks.bank_accounts(province)]


@router.post(
    "/bank-accounts",
    response={201: BankAccountOut},
    summary="Open a bank account of the province (administrators)",
)
def bank_accounts_open(request: HttpRequest, payload: BankAccountIn) -> Any:
    account = banks.bank_open(
        actor=request.user, province_code=payload.province, bank=payload.bank, name=payload.name
    )
    return Status(201, _bank_out(account))


@router.post(
    "/rollups/rebuild",
    response={202: JobOut},
    summary="Rebuild a province's daily rollups from its transfers, in the background",
)
def rollups_rebuild(request: HttpRequest, payload: RollupsRebuildIn) -> Any:
    """Administrators of the whole province. Idempotent; answers 202 with the job, whose
    progress counts the days rebuilt (``GET /api/jobs/{id}``)."""
    return accepted(
        rollups_rebuild_start(
            actor=request.user, province_code=payload.province, date_from=payload.date_from
        )
    )
