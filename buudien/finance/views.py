"""Pages of the ledger: the accounts, the trial balance (and its .xlsx), an account's
statement, a point's daily journal. Views parse, call one selector or service, render."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from buudien.core.bizdays import local_today
from buudien.core.errors import AccessDenied, DomainError
from buudien.core.forms import apply_domain_error
from buudien.core.money import format_vnd
from buudien.finance import budget, costs, exports, jobs, ledger, selectors
from buudien.finance.forms import BudgetPaymentForm, CostFileForm, CostForm, DayForm, RangeForm
from buudien.jobs.services import import_start
from buudien.network.models import ServicePoint, Unit
from buudien.people import access
from buudien.web.context_processors import FINANCE_ROLES


def _range_form(request: HttpRequest) -> tuple[RangeForm, str, dt.date, dt.date]:
    """The province (one the user may read: their own, or the only one, unless they choose)
    and the range (this month to today unless they choose) of a report; a field given wrong
    keeps its error on the form and its default for the report."""
    today = local_today()
    provinces = selectors.province_choices(request.user)
    codes = [code for code, _name in provinces]
    own = access.user_province(request.user)
    default = own if own in codes else (codes[0] if len(codes) == 1 else "")
    form = RangeForm(request.GET or None, provinces=provinces)
    data: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()  # the fields given right are kept; a wrong one shows its error
        data = form.cleaned_data
    province = data.get("province") or default
    date_to = data.get("date_to") or today
    date_from = data.get("date_from") or date_to.replace(day=1)
    if not form.is_bound:
        form = RangeForm(
            initial={"province": province, "date_from": date_from, "date_to": date_to},
            provinces=provinces,
        )
    return form, province, date_from, date_to


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def index(request: HttpRequest) -> HttpResponse:
    form, province, _start, _end = _range_form(request)
    accounts = selectors.account_list(user=request.user, province_code=province)
    return render(
        request,
        "finance/index.html",
        {
            "form": form,
            "province": province,
            "accounts": accounts,
            "open_day": ledger.business_day_open_date(province) if province else None,
            "can_close": access.has_role(request.user, ledger.CLOSE_ROLES),
            "close_form": DayForm(initial={"day": local_today()}),
        },
    )


@login_required
def trial_balance(request: HttpRequest) -> HttpResponse:
    form, province, date_from, date_to = _range_form(request)
    report = selectors.trial_balance(
        user=request.user, province_code=province, date_from=date_from, date_to=date_to
    )
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            exports.trial_balance_xlsx(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = f"trial-balance-{province}-{date_from:%Y%m%d}-{date_to:%Y%m%d}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    query = request.GET.copy()
    query["format"] = "xlsx"
    statement_query = urlencode(
        {
            "province": province,
            "date_from": f"{date_from:%Y-%m-%d}",
            "date_to": f"{date_to:%Y-%m-%d}",
        }
    )
    return render(
        request,
        "finance/trial_balance.html",
        {
            "form": form,
            "report": report,
            "xlsx_query": query.urlencode(),
            "statement_query": statement_query,
            "can_rebuild": bool(province) and jobs.can_rebuild(request.user, province),
            "province": province,
        },
    )


@login_required
def account_statement(request: HttpRequest, code: str) -> HttpResponse:
    form, province, date_from, date_to = _range_form(request)
    statement = selectors.account_statement(
        user=request.user,
        province_code=province,
        code=code,
        date_from=date_from,
        date_to=date_to,
    )
    if request.GET.get("format") == "xlsx":
        name = f"statement-{code}-{date_from:%Y%m%d}-{date_to:%Y%m%d}.xlsx"
        return _xlsx(exports.statement_xlsx(statement), name)
    query = request.GET.copy()
    query["format"] = "xlsx"
    return render(
        request,
        "finance/statement.html",
        {"form": form, "statement": statement, "xlsx_query": query.urlencode()},
    )


@login_required
def point_journal(request: HttpRequest, point_code: str) -> HttpResponse:
    form = DayForm(request.GET or None)
    day = (form.cleaned_data.get("day") if form.is_valid() else None) or local_today()
    if not form.is_bound:
        form = DayForm(initial={"day": day})
    journal = selectors.point_journal(user=request.user, point_code=point_code, day=day)
    if request.GET.get("format") == "xlsx":
        return _xlsx(exports.journal_xlsx(journal), f"journal-{point_code}-{day:%Y%m%d}.xlsx")
    query = request.GET.copy()
    query["format"] = "xlsx"
    query.setdefault("day", day.isoformat())
    return render(
        request,
        "finance/journal.html",
        {"form": form, "journal": journal, "xlsx_query": query.urlencode()},
    )


@login_required
@require_POST
def day_close(request: HttpRequest) -> HttpResponse:
    form = DayForm(request.POST)
    province = request.POST.get("province") or selectors.user_province_code(request.user)
    if not form.is_valid() or not form.cleaned_data.get("day"):
        messages.error(request, _("Give the day to close."))
        return redirect("finance:index")
    try:
        day = ledger.business_day_close(
            actor=request.user, province_code=province, date=form.cleaned_data["day"]
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request, _("Business day %(day)s is closed.") % {"day": f"{day.date:%d/%m/%Y}"}
        )
    return redirect("finance:index")


# --- costs -----------------------------------------------------------------------------------


def _payers(user: Any, province: str) -> list[tuple[str, str]]:
    """What may pay a cost, for the form: the accounts owed (wages, suppliers ...), then the
    banks and drawers the user may see."""
    owed = [(code, f"{code} · {name}") for code, (_kind, name) in costs.COUNTERPARTS.items()]
    cash = [
        (account.code, f"{account.code} · {account.name}")
        for account in selectors.account_list(user=user, province_code=province).filter(
            code__regex=r"^(1121|1111)\."
        )
    ]
    return owed + cash


def _owners(user: Any, province: str) -> list[tuple[str, str]]:
    units = access.visible(user, Unit.objects.filter(province_code=province), "path")
    points = access.visible(
        user,
        ServicePoint.objects.filter(province_code=province, closed_on__isnull=True),
        "unit_path",
    )
    return [(u.code, u.name) for u in units.order_by("path").only("code", "name")] + [
        (p.code, p.name) for p in points.order_by("code").only("code", "name")
    ]


@login_required
def cost_list(request: HttpRequest) -> HttpResponse:
    """The costs booked in a range (this month by default), by category, and the forms to
    book one or to load the accounting system's monthly file."""
    if not access.has_role(request.user, FINANCE_ROLES):
        raise PermissionDenied
    range_form, province, date_from, date_to = _range_form(request)
    can_book = access.has_role(request.user, ledger.ENTRY_ROLES) and bool(province)
    form = None
    if can_book:
        payers = _payers(request.user, province)
        if request.method == "POST":
            form = CostForm(request.POST, payers=payers)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    entry = costs.cost_book(
                        actor=request.user,
                        province_code=province,
                        idempotency_key=f"cost-form:{data['token']}",
                        category=data["category"],
                        owner_code=data["owner"].strip(),
                        amount=data["amount"],
                        day=data["date"],
                        paid_from=data["paid_from"],
                        memo=data["memo"],
                        reference=data["reference"],
                    )
                except DomainError as exc:
                    apply_domain_error(form, exc)
                else:
                    messages.success(
                        request,
                        _("Cost booked: %(amount)s on %(day)s.")
                        % {
                            "amount": format_vnd(data["amount"]),
                            "day": f"{entry.business_date:%d/%m/%Y}",
                        },
                    )
                    return redirect(f"{reverse('finance:costs')}?{request.GET.urlencode()}")
        else:
            form = CostForm(initial={"date": local_today()}, payers=payers)
    entries = []
    if province:
        selectors.check_range(date_from, date_to)
        entries = costs.cost_rows(
            costs.cost_entries(
                user=request.user, province_code=province, date_from=date_from, date_to=date_to
            )[:500]
        )
    by_category: dict[str, list[Any]] = {}
    for row in entries:
        total = by_category.setdefault(row["category"], [row["category_name"], 0])
        total[1] += row["amount"]
    return render(
        request,
        "finance/costs.html",
        {
            "range_form": range_form,
            "province": province,
            "form": form,
            "file_form": CostFileForm() if can_book else None,
            "owners": _owners(request.user, province) if can_book else [],
            "rows": entries,
            "by_category": sorted(by_category.items()),
            "total": sum(row["amount"] for row in entries),
            "columns": costs.CostImport.columns,
            "query": request.GET.urlencode(),
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_POST
def cost_import(request: HttpRequest) -> HttpResponse:
    back = f"{reverse('finance:costs')}?{request.GET.urlencode()}"
    form = CostFileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the file to load."))
        return redirect(back)
    upload = form.cleaned_data["file"]
    # In the background: the job's page shows its progress, then the counts or every problem
    # of the file (row, column, reason), and the way back to the costs.
    try:
        job = import_start(
            actor=request.user, kind="costs", data=upload.read(), name=upload.name, back=back
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(back)
    return redirect("jobs:detail", job_id=job.pk)


@login_required
@require_POST
def rollups_rebuild(request: HttpRequest) -> HttpResponse:
    """An administrator rebuilds the province's rollups: a background job, whose page shows the
    days done."""
    province = request.POST.get("province", "")
    try:
        job = jobs.rollups_rebuild_start(actor=request.user, province_code=province)
    except AccessDenied:
        raise PermissionDenied from None
    return redirect("jobs:detail", job_id=job.pk)


# --- payments to the state budget ------------------------------------------------------------


@login_required
def budget_page(request: HttpRequest) -> HttpResponse:
    """What is owed per tax, the payments of a range, and the form to pay one."""
    range_form, province, date_from, date_to = _range_form(request)
    if not province:
        raise PermissionDenied
    try:
        budget.require_reader(request.user, province)
    except AccessDenied:
        raise PermissionDenied from None
    form = None
    if access.has_role(request.user, ledger.ENTRY_ROLES):
        banks = [
            (code, label)
            for code, label in _payers(request.user, province)
            if code.startswith("1121.")
        ]
        if request.method == "POST":
            form = BudgetPaymentForm(request.POST, banks=banks)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    payment = budget.budget_pay(
                        actor=request.user,
                        province_code=province,
                        idempotency_key=f"budget-form:{data['token']}",
                        tax=data["tax"],
                        level=data["level"],
                        amount=data["amount"],
                        day=data["date"],
                        paid_from=data["paid_from"],
                        treasury_reference=data["treasury_reference"],
                        memo=data["memo"],
                    )
                except DomainError as exc:
                    apply_domain_error(form, exc)
                else:
                    messages.success(
                        request,
                        _("Paid to the budget: %(amount)s on %(day)s.")
                        % {
                            "amount": format_vnd(payment.amount),
                            "day": f"{payment.paid_on:%d/%m/%Y}",
                        },
                    )
                    return redirect(f"{reverse('finance:budget')}?{request.GET.urlencode()}")
        else:
            form = BudgetPaymentForm(initial={"date": local_today()}, banks=banks)
    selectors.check_range(date_from, date_to)
    payments = list(
        budget.payment_list(province_code=province, date_from=date_from, date_to=date_to)[:500]
    )
    return render(
        request,
        "finance/budget.html",
        {
            "range_form": range_form,
            "province": province,
            "form": form,
            "owed": budget.owed(province),
            "payments": payments,
            "total": sum(p.amount for p in payments),
            "query": request.GET.urlencode(),
        },
        status=400 if form is not None and form.errors else 200,
    )
