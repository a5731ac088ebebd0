"""Pages of the ledger: the accounts, the trial balance (and its .xlsx), an account's
statement, a point's daily journal. Views parse, call one selector or service, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from buudien.core.bizdays import local_today
from buudien.core.errors import DomainError
from buudien.finance import exports, ledger, selectors
from buudien.finance.forms import DayForm, RangeForm
from buudien.people import access


def _range_form(request: HttpRequest) -> tuple[RangeForm, str, dt.date, dt.date]:
    today = local_today()
    form = RangeForm(request.GET or None)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    province = data.get("province") or selectors.user_province_code(request.user)
    date_to = data.get("date_to") or today
    date_from = data.get("date_from") or date_to.replace(day=1)
    if not form.is_bound:
        form = RangeForm(initial={"province": province, "date_from": date_from, "date_to": date_to})
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
    return render(
        request,
        "finance/trial_balance.html",
        {"form": form, "report": report, "xlsx_query": query.urlencode()},
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
