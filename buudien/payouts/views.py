"""Pages of disbursements and pensions: the counter screen (search a line, check the ID,
pay, print the receipt), the lists with their progress, a list's detail, the import page
with its table of problems, and closing a list. Views parse, call one service or selector,
and render; the same view answers htmx with a partial."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from buudien.core.bizdays import local_today
from buudien.core.errors import AccessDenied, DomainError
from buudien.core.forms import apply_domain_error
from buudien.core.http import HtmxHttpRequest, paged
from buudien.core.imports import ImportFailed, template_csv
from buudien.payouts import selectors, services
from buudien.payouts.choices import LineStatus
from buudien.payouts.forms import (
    CloseForm,
    ImportForm,
    LineFilterForm,
    ListFilterForm,
    PayForm,
    SearchForm,
    new_token,
)
from buudien.payouts.importers import COLUMNS, list_import_file
from buudien.payouts.models import PayoutLine, PayoutList
from buudien.payouts.receipts import receipt_pdf
from buudien.people import access


def can_pay(user: Any) -> bool:
    return access.has_role(user, services.PAY_ROLES) and selectors.user_point(user) is not None


def can_manage_lists(user: Any) -> bool:
    return access.has_role(user, services.LIST_ROLES)


@login_required
@require_GET
def index(request: HtmxHttpRequest) -> HttpResponse:
    """The counter screen: find a line by citizen ID or name."""
    form = SearchForm(request.GET or None)
    lines: list[PayoutLine] = []
    searched = False
    if form.is_valid() and form.cleaned_data["q"]:
        searched = True
        lines = [
            selectors.personal_hidden(request.user, line)
            for line in selectors.line_search(
                user=request.user, q=form.cleaned_data["q"], include_done=form.cleaned_data["done"]
            )
        ]
    context = {
        "form": form,
        "lines": lines,
        "searched": searched,
        "limit": selectors.SEARCH_LIMIT,
        "can_pay": can_pay(request.user),
        "point": selectors.user_point(request.user),
        "can_manage": can_manage_lists(request.user),
    }
    template = "payouts/partials/_search_results.html" if request.htmx else "payouts/index.html"
    return render(request, template, context)


def _pay_form(data: Any = None) -> PayForm:
    return PayForm(data, initial={"token": new_token()})


@login_required
@require_http_methods(["GET", "POST"])
def line_detail(request: HttpRequest, line_id: int) -> HttpResponse:
    """A line: who, how much, where listed; the pay form for a clerk; the payment and its
    receipt once paid."""
    line = selectors.line_get(user=request.user, line_id=line_id)
    form = _pay_form(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if not can_pay(request.user):
            raise AccessDenied(_("Only a counter clerk may pay a payout line."))
        if form.is_valid():
            try:
                services.line_pay(
                    actor=request.user,
                    line_id=line.pk,
                    presented_id=form.cleaned_data["presented_id"],
                    idempotency_key=form.cleaned_data["token"],
                    proxy=form.proxy(),
                )
            except DomainError as exc:
                if exc.status == 404 or exc.status == 403:
                    raise
                apply_domain_error(form, exc)
                status = 400
            else:
                messages.success(
                    request,
                    _("Line %(line)s paid: %(name)s. Print the receipt and have it signed.")
                    % {"line": line.code, "name": line.beneficiary_name},
                )
                return redirect("payouts:line", line_id=line.pk)
        else:
            status = 400
    return render(
        request,
        "payouts/line.html",
        {
            "line": selectors.personal_hidden(request.user, line),
            "payment": getattr(line, "payment", None) if line.status == LineStatus.PAID else None,
            "form": form,
            "can_pay": can_pay(request.user) and line.status == LineStatus.UNPAID,
            "point": selectors.user_point(request.user),
            "can_manage": can_manage_lists(request.user),
        },
        status=status,
    )


@login_required
@require_GET
def line_receipt(request: HttpRequest, line_id: int) -> HttpResponse:
    line = selectors.line_get(user=request.user, line_id=line_id)
    if line.status != LineStatus.PAID:
        raise DomainError(_("Line %(line)s has not been paid.") % {"line": line.code})
    response = HttpResponse(receipt_pdf(line), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{line.code}.pdf"'
    return response


@login_required
@require_GET
def lists(request: HtmxHttpRequest) -> HttpResponse:
    """The lists with their progress: lines and amounts paid and not paid yet."""
    form = ListFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "period": form.cleaned_data.get("period"),
            "status": form.cleaned_data.get("status") or "",
        }
    found = selectors.list_list(user=request.user, **filters)
    listed = paged(request, found, 50)
    context = {
        "form": form,
        **listed,
        "can_manage": can_manage_lists(request.user),
    }
    template = "payouts/partials/_list_rows.html" if request.htmx else "payouts/lists.html"
    return render(request, template, context)


@login_required
@require_GET
def list_detail(request: HtmxHttpRequest, list_id: int) -> HttpResponse:
    """One list: progress per pay point, its lines with filters, closing it."""
    payout_list = selectors.list_get(user=request.user, list_id=list_id)
    form = LineFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "q": form.cleaned_data["q"],
            "status": form.cleaned_data["status"],
            "point_code": form.cleaned_data["point"].strip(),
        }
    lines = selectors.line_list(user=request.user, payout_list=payout_list, **filters)
    listed = paged(request, lines, 50)
    context: dict[str, Any] = {
        "payout_list": payout_list,
        "form": form,
        **listed,
        "can_manage": can_manage_lists(request.user),
    }
    if request.htmx:
        return render(request, "payouts/partials/_line_rows.html", context)
    progress = selectors.list_progress(user=request.user, payout_list=payout_list)
    context.update(
        progress=progress,
        totals={
            "paid_count": sum(p.paid_count for p in progress),
            "paid_amount": sum(p.paid_amount for p in progress),
            "unpaid_count": sum(p.unpaid_count for p in progress),
            "unpaid_amount": sum(p.unpaid_amount for p in progress),
            "returned_count": sum(p.returned_count for p in progress),
            "returned_amount": sum(p.returned_amount for p in progress),
        },
        close_form=CloseForm(),
        can_close=can_manage_lists(request.user)
        and payout_list.is_open
        and access.in_scope(request.user, payout_list.unit.path),
        period_over=services.period_is_over(payout_list),
    )
    return render(request, "payouts/list.html", context)


@login_required
@require_POST
def list_close(request: HttpRequest, list_id: int) -> HttpResponse:
    payout_list: PayoutList = selectors.list_get(user=request.user, list_id=list_id)
    form = CloseForm(request.POST)
    if not can_manage_lists(request.user):
        raise AccessDenied(
            _("Only an accountant or an administrator may import and close payout lists.")
        )
    if not form.is_valid():
        messages.error(request, _("Tick the confirmation to close the list."))
        return redirect("payouts:list", list_id=payout_list.pk)
    closed = services.list_close(actor=request.user, list_id=payout_list.pk)
    messages.success(
        request,
        _("List %(list)s closed: %(count)d unpaid lines returned to %(payer)s.")
        % {"list": closed.code, "count": closed.returned_count, "payer": closed.payer.name},
    )
    return redirect("payouts:list", list_id=closed.pk)


@login_required
@require_http_methods(["GET", "POST"])
def list_import(request: HtmxHttpRequest) -> HttpResponse:
    """Upload a payer's list: every problem by row and column, or the list made and funded."""
    if not can_manage_lists(request.user):
        raise AccessDenied(
            _("Only an accountant or an administrator may import and close payout lists.")
        )
    payers = selectors.payer_list(user=request.user)
    today = local_today()
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        payers=payers,
        initial={"period": f"{today:%Y-%m}", "payer": payers.first()},
    )
    context: dict[str, Any] = {"form": form, "columns": COLUMNS}
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                payout_list = list_import_file(
                    upload,
                    actor=request.user,
                    payer=form.cleaned_data["payer"],
                    period=form.cleaned_data["period"],
                    reference=form.cleaned_data["reference"],
                    name=str(upload.name),
                )
            except ImportFailed as exc:
                context.update(refusal=exc.message, problems=exc.errors)
            except DomainError as exc:
                if exc.status in (403, 404):
                    raise
                apply_domain_error(form, exc)
            else:
                assert payout_list is not None
                status = 200
                context.update(payout_list=payout_list)
                if not request.htmx:
                    messages.success(
                        request,
                        _("List %(list)s imported: %(count)d lines, funded on the ledger.")
                        % {"list": payout_list.code, "count": payout_list.line_count},
                    )
                    return redirect("payouts:list", list_id=payout_list.pk)
    template = "payouts/partials/_import_result.html" if request.htmx else "payouts/import.html"
    return render(request, template, context, status=status)


@require_GET
def template(request: HttpRequest) -> HttpResponse:
    """A CSV with the columns of a list and one example row (UTF-8 with BOM, so that a
    spreadsheet opens it with its Vietnamese letters)."""
    names = [column.name for column in COLUMNS if column.name != "payer"]
    point = selectors.user_point(request.user) if request.user.is_authenticated else None
    example = {
        "beneficiary_name": "Hoàng Văn An",
        "citizen_id": "020056001234",
        "amount": "4500000",
        "point_code": point.code if point is not None else "",
        "period": f"{local_today():%Y-%m}",
        "address": "Thôn Bản Chu",
        "phone": "0912345678",
        "line_reference": "2001234567",
    }
    return template_csv(names, example, "danh-sach-chi-tra.csv")
