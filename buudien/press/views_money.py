"""The press's money pages: the settlements with the publishers and the programmes' ordering
agencies (the list, a new one with what it would take, one settlement with its rows), and
the attestation of a programme's delivery over a period (page, .xlsx, PDF). Views parse,
call one service or selector and render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from buudien.core.bizdays import local_today
from buudien.core.errors import AccessDenied, DomainError
from buudien.core.forms import apply_domain_error
from buudien.core.money import format_vnd
from buudien.counter.forms import new_token
from buudien.counter.views import pdf_response
from buudien.finance import ledger
from buudien.finance.models import Account
from buudien.press import attestation as proof
from buudien.press import settlements
from buudien.press.forms_money import (
    AttestationForm,
    ProgrammeSettlementForm,
    PublisherSettlementForm,
)
from buudien.press.models import Programme, Publisher
from buudien.press.selectors import province_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 100


def _require_settler(user: Any) -> None:
    if not settlements.can_settle(user):
        raise AccessDenied(
            _("Only an accountant or an administrator may settle the press with its partners.")
        )


def _last_month() -> dict[str, dt.date]:
    end = local_today().replace(day=1) - dt.timedelta(days=1)
    return {"date_from": end.replace(day=1), "date_to": end}


@login_required
@require_GET
def settlements_page(request: HttpRequest) -> HttpResponse:
    """The settlements made with the publishers and with the ordering agencies."""
    user = request.user
    return render(
        request,
        "press/settlements.html",
        {
            "publisher_rows": settlements.publisher_settlements(user)[:PAGE_SIZE],
            "programme_rows": settlements.programme_settlements(user)[:PAGE_SIZE],
            "can_settle": settlements.can_settle(user),
        },
    )


def _settle_page(
    request: HttpRequest,
    *,
    kind: str,
    form_of: Callable[[QueryDict | None], Any],
    partner: str,
    owed: Callable[[Any, dt.date, dt.date], settlements.Owed],
    settle: Callable[..., Any],
) -> HttpResponse:
    """Choose a partner (``partner``: the form's field) and a range: the page shows what
    the settlement would take; confirming (POST) makes it."""
    user = request.user
    _require_settler(user)
    data: QueryDict | None = request.POST if request.method == "POST" else None
    if request.method == "GET" and request.GET:
        data = request.GET.copy()
        data.setdefault("token", new_token())
    form = form_of(data)
    preview = None
    if form.is_valid():
        chosen = dict(form.cleaned_data)
        start, end, whom = chosen["date_from"], chosen["date_to"], chosen[partner]
        if request.method == "POST":
            try:
                done = settle(
                    actor=user,
                    idempotency_key=form.idempotency_key(),
                    date_from=start,
                    date_to=end,
                    memo=chosen.get("memo") or "",
                    **{partner: whom},
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Settlement %(reference)s made: %(amount)s.")
                    % {"reference": done.reference, "amount": format_vnd(done.amount)},
                )
                return redirect(f"press:{kind}_settlement", reference=done.reference)
        if end >= start:
            preview = owed(whom, start, end)
        elif "date_to" not in form.errors:
            form.add_error("date_to", _("The range ends before it starts."))
    return render(
        request,
        "press/settlement_new.html",
        {"form": form, "preview": preview, "kind": kind, "partner": partner, **_balance(form)},
    )


def _balance(form: Any) -> dict[str, Any]:
    """The balance of the bank account a publisher is paid from (for the preview)."""
    chosen = getattr(form, "cleaned_data", {}).get("publisher")
    if not isinstance(chosen, Publisher) or not chosen.bank:
        return {}
    balance = (
        Account.objects.filter(
            province_code=chosen.province_code, code=f"{ledger.BANK_PREFIX}{chosen.bank}"
        )
        .values_list("balance", flat=True)
        .first()
    )
    return {"bank": chosen.bank, "balance": balance or 0}


@login_required
@require_http_methods(["GET", "POST"])
def publisher_settlement_new(request: HttpRequest) -> HttpResponse:
    publishers = Publisher.objects.filter(province_code=province_of(request.user)).order_by("name")
    return _settle_page(
        request,
        kind="publisher",
        form_of=lambda data: PublisherSettlementForm(
            data, publishers=publishers, initial=_last_month()
        ),
        partner="publisher",
        owed=settlements.publisher_owed,
        settle=settlements.publisher_settle,
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_settlement_new(request: HttpRequest) -> HttpResponse:
    programmes = Programme.objects.filter(province_code=province_of(request.user)).order_by(
        "-year", "code"
    )
    return _settle_page(
        request,
        kind="programme",
        form_of=lambda data: ProgrammeSettlementForm(
            data, programmes=programmes, initial=_last_month()
        ),
        partner="programme",
        owed=settlements.programme_owed,
        settle=settlements.programme_settle,
    )


@login_required
@require_GET
def publisher_settlement(request: HttpRequest, reference: str) -> HttpResponse:
    found = settlements.publisher_settlement_get(user=request.user, reference=reference)
    rows = found.subscriptions.select_related("title", "point").order_by("business_date", "id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "press/settlement.html",
        {"settlement": found, "kind": "publisher", "page": page, "rows": page.object_list},
    )


@login_required
@require_GET
def programme_settlement(request: HttpRequest, reference: str) -> HttpResponse:
    found = settlements.programme_settlement_get(user=request.user, reference=reference)
    rows = found.deliveries.select_related("title", "commune").order_by("issue_date", "id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "press/settlement.html",
        {"settlement": found, "kind": "programme", "page": page, "rows": page.object_list},
    )


# --- the attestation ------------------------------------------------------------------------


def _attestation(request: HttpRequest, pk: int) -> tuple[Programme, AttestationForm, Any]:
    """The programme, the form of the period and the attestation it asks for (None while
    the form is wrong; its errors are on the form). Last month when no period is given."""
    programme = proof.programme_for(user=request.user, pk=pk)
    given = request.GET.copy()
    if not given.get("from") and not given.get("to"):
        month = _last_month()
        given["from"], given["to"] = f"{month['date_from']}", f"{month['date_to']}"
    form = AttestationForm(given)
    if not form.is_valid():
        return programme, form, None
    chosen = form.cleaned_data
    try:
        report = proof.attestation(
            user=request.user,
            programme=programme,
            date_from=chosen["from"],
            date_to=chosen["to"],
            title=chosen.get("title") or "",
            commune=chosen.get("commune") or "",
        )
    except DomainError as exc:
        apply_domain_error(form, exc)
        return programme, form, None
    return programme, form, report


@login_required
@require_GET
def attestation_page(request: HttpRequest, pk: int) -> HttpResponse:
    programme, form, report = _attestation(request, pk)
    return render(
        request,
        "press/attestation.html",
        {
            "form": form,
            "programme": programme,
            "report": report,
            "columns": proof.columns(),
            "query": request.GET.urlencode(),
        },
    )


def _file(request: HttpRequest, pk: int, extension: str) -> HttpResponse:
    _programme, form, report = _attestation(request, pk)
    if report is None:
        raise DomainError(
            " ".join(str(e) for errors in form.errors.values() for e in errors), field="to"
        )
    if extension == "pdf":
        return pdf_response(proof.attestation_pdf(report), proof.file_name(report, "pdf"))
    response = HttpResponse(proof.attestation_xlsx(report), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{proof.file_name(report, "xlsx")}"'
    return response


@login_required
@require_GET
def attestation_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    return _file(request, pk, "xlsx")


@login_required
@require_GET
def attestation_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _file(request, pk, "pdf")
