"""Pages of cashless payment: the requests of a point (or of the province, for accountants),
a new request, its QR code shown big for the customer's phone with its status polled by htmx,
confirming and cancelling, the bank statement import, the cashless points and the receiving
bank account. Views parse, call one service or selector, and render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from buudien.cashless import documents, selectors, services, vietqr
from buudien.cashless.choices import LineStatus, PaymentStatus
from buudien.cashless.forms import (
    BankAccountForm,
    CancelForm,
    ConfirmForm,
    DecodeForm,
    FilterForm,
    MatchForm,
    PointsForm,
    RequestForm,
    StatementForm,
)
from buudien.cashless.importers import statement_import
from buudien.cashless.models import PaymentRequest
from buudien.core.bizdays import local_today
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.forms import apply_domain_error
from buudien.core.http import HtmxHttpRequest, paged
from buudien.core.imports import ImportFailed

POLL_SECONDS = 3


def _province(request: HttpRequest) -> str:
    given = request.GET.get("province", "") or request.POST.get("province", "")
    if len(given) == 2 and given.isdigit():
        return given
    return selectors.user_province(request.user)


def _pk(value: Any) -> int:
    text = str(value or "")
    if not (text.isdigit() and len(text) < 12):
        raise NotFound(_("No such payment request."))
    return int(text)


@login_required
@require_GET
def index(request: HtmxHttpRequest) -> HttpResponse:
    """The payment requests the user may see (a clerk: those of their point), newest first,
    with what is pending on top of the page's mind: counts and the unmatched bank lines."""
    user = request.user
    province = _province(request)
    if province:
        services.payment_requests_expire(province_code=province)
    form = FilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    requests = selectors.payment_request_list(user=user, **filters)
    listed = paged(request, requests, 50)
    context = {
        "form": form,
        **listed,
        "province": province,
        "can_create": services.can_create(user),
        "can_confirm": services.can_confirm(user),
        "pending": selectors.payment_request_list(user=user, status=PaymentStatus.PENDING).count(),
        "unmatched": selectors.unmatched_count(user=user, province_code=province)
        if services.can_confirm(user) and province
        else 0,
    }
    template = "cashless/partials/_rows.html" if request.htmx else "cashless/index.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    user = request.user
    # Another service's page links here with what is owed filled in
    # (?kind=collection&reference=...&amount=...&purpose=...).
    prefill = {
        name: request.GET[name]
        for name in ("kind", "reference", "amount", "purpose")
        if request.GET.get(name)
    }
    form = RequestForm(request.POST or None, user=user, initial=prefill)
    if not services.can_create(user):
        raise AccessDenied(_("Only a counter clerk or an administrator may ask for a payment."))
    if request.method == "POST" and form.is_valid():
        point = form.chosen_point()
        data = form.cleaned_data
        try:
            if point is None:
                raise DomainError(_("Choose the service point."), field="point")
            payment = services.payment_request_create(
                actor=user,
                point=point,
                kind=data["kind"],
                reference=data.get("reference") or "",
                amount=data["amount"],
                purpose=data["purpose"],
                idempotency_key=data["idempotency_key"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return redirect("cashless:detail", pk=payment.pk)
    return render(request, "cashless/create.html", {"form": form})


def _detail_context(request: HttpRequest, payment: PaymentRequest) -> dict[str, Any]:
    user = request.user
    open_ = payment.is_open()
    return {
        "payment": payment,
        "status": payment.shown_status,
        "open": open_,
        "poll": POLL_SECONDS if open_ else 0,
        "can_confirm": open_ and services.can_confirm(user, payment),
        "can_cancel": open_ and services.can_cancel(user, payment),
    }


@login_required
@require_GET
def detail(request: HtmxHttpRequest, pk: str) -> HttpResponse:
    """The code, big, for the customer's phone; while it is open the page asks for its
    status every few seconds (htmx) and shows the confirmation as soon as it comes."""
    payment = services.payment_request_get(user=request.user, pk=_pk(pk))
    context = _detail_context(request, payment)
    if request.htmx and request.GET.get("part") == "status":
        return render(request, "cashless/partials/_status.html", context)
    context.update(
        {
            "qr": documents.qr_svg(payment.payload),
            "confirm_form": ConfirmForm(initial={"paid_on": local_today()}),
            "cancel_form": CancelForm(),
            "events": payment.events.select_related("actor").order_by("at", "id"),
        }
    )
    return render(request, "cashless/detail.html", context)


@login_required
@require_GET
def show(request: HttpRequest, pk: str) -> HttpResponse:
    """The code alone, as large as the screen allows, turned to the customer as at a bank's
    counter: the amount in big figures, the beneficiary and the purpose under it, the status
    polled as on the payment's page; Esc or Enter on its button goes back. A code no longer
    waiting for its transfer is not shown to be paid again, only its status."""
    payment = services.payment_request_get(user=request.user, pk=_pk(pk))
    context = _detail_context(request, payment)
    if context["status"] == PaymentStatus.PENDING:
        context["qr"] = documents.qr_svg(payment.payload)
    return render(request, "cashless/show.html", context)


@login_required
@require_POST
def confirm(request: HttpRequest, pk: str) -> HttpResponse:
    payment = services.payment_request_get(user=request.user, pk=_pk(pk))
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            services.payment_request_confirm(
                actor=request.user,
                request=payment,
                bank_reference=form.cleaned_data["bank_reference"],
                paid_on=form.cleaned_data.get("paid_on"),
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Payment %(code)s confirmed.") % {"code": payment.code})
            return redirect("cashless:detail", pk=payment.pk)
    context = _detail_context(request, payment)
    context.update(
        {
            "qr": documents.qr_svg(payment.payload),
            "confirm_form": form,
            "cancel_form": CancelForm(),
            "events": payment.events.select_related("actor").order_by("at", "id"),
        }
    )
    return render(request, "cashless/detail.html", context, status=400)


@login_required
@require_POST
def cancel(request: HttpRequest, pk: str) -> HttpResponse:
    payment = services.payment_request_get(user=request.user, pk=_pk(pk))
    form = CancelForm(request.POST)
    note = form.cleaned_data.get("note", "") if form.is_valid() else ""
    try:
        services.payment_request_cancel(actor=request.user, request=payment, note=note)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Payment %(code)s cancelled.") % {"code": payment.code})
    return redirect("cashless:detail", pk=payment.pk)


@login_required
@require_GET
def receipt(request: HttpRequest, pk: str) -> HttpResponse:
    payment = services.payment_request_get(user=request.user, pk=_pk(pk))
    response = HttpResponse(documents.receipt_pdf(payment), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{payment.code}.pdf"'
    return response


SHOWN_LINES = 200
SHOWN_NOT_RELATED = 50


@login_required
@require_http_methods(["GET", "POST"])
def statements(request: HttpRequest) -> HttpResponse:
    """Import a bank statement and see what it matched; the lines still unmatched, each with
    the open payments of its amount to match it with one click (or a code typed by hand);
    the lines that are no customer's payment (fees, interest, money going out), with why."""
    user = request.user
    if not services.can_confirm(user):
        raise AccessDenied(_("Only an accountant or an administrator imports bank statements."))
    province = _province(request)
    form = StatementForm(request.POST or None, request.FILES or None)
    result = None
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = statement_import(upload, actor=user, name=upload.name)
        except ImportFailed as exc:
            form.add_error("file", str(exc.message))
            problems = exc.lines()
        except DomainError as exc:
            apply_domain_error(form, exc)
    lines = selectors.statement_line_list(
        user=user, province_code=province, status=LineStatus.UNMATCHED
    )
    unmatched = list(lines[:SHOWN_LINES])
    candidates = selectors.statement_line_candidates(user=user, lines=unmatched)
    others = selectors.statement_line_list(
        user=user, province_code=province, status=LineStatus.NOT_RELATED
    )
    return render(
        request,
        "cashless/statements.html",
        {
            "form": form,
            "result": result,
            "problems": problems,
            "unmatched": [(line, candidates[line.pk]) for line in unmatched],
            "unmatched_total": lines.count() if len(unmatched) == SHOWN_LINES else len(unmatched),
            "not_related": others[:SHOWN_NOT_RELATED],
            "not_related_total": others.count(),
            "province": province,
            "match_form": MatchForm(),
        },
        status=400 if problems else 200,
    )


@login_required
@require_POST
def match(request: HttpRequest, pk: str) -> HttpResponse:
    """Match a statement line to the payment whose code is sent (typed, or a suggested
    candidate's button)."""
    user = request.user
    if not services.can_confirm(user):
        raise AccessDenied(_("Only an accountant or an administrator matches bank lines."))
    line = services.statement_line_get(user=user, pk=_pk(pk))
    form = MatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the payment code."))
        return redirect(f"{_statements_url()}?province={line.province_code}")
    code = form.cleaned_data["code"].strip().upper()
    payment = PaymentRequest.objects.filter(province_code=line.province_code, code=code).first()
    try:
        if payment is None:
            raise NotFound(_("No payment request with code %(code)s.") % {"code": code})
        payment = services.payment_request_get(user=user, pk=payment.pk)
        services.statement_line_match(actor=user, line=line, request=payment)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("Line %(ref)s matched: payment %(code)s confirmed.")
            % {"ref": line.bank_reference, "code": code},
        )
    return redirect(f"{_statements_url()}?province={line.province_code}")


def _statements_url() -> str:
    from django.urls import reverse

    return reverse("cashless:statements")


@login_required
@require_GET
def points(request: HttpRequest) -> HttpResponse:
    """The points that take cashless payments as at a day (today by default)."""
    province = _province(request)
    form = PointsForm(request.GET or None)
    as_of = local_today()
    if form.is_valid() and form.cleaned_data.get("as_of"):
        as_of = form.cleaned_data["as_of"]
    rows = (
        selectors.cashless_point_rows(user=request.user, province_code=province, as_of=as_of)
        if province
        else []
    )
    return render(
        request,
        "cashless/points.html",
        {"form": form, "rows": rows, "as_of": as_of, "province": province},
    )


@login_required
@require_http_methods(["GET", "POST"])
def bank_accounts(request: HttpRequest) -> HttpResponse:
    user = request.user
    province = _province(request)
    can_manage = services.can_manage_bank_accounts(user)
    form = BankAccountForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise AccessDenied(
                _("Only an accountant or an administrator may set the receiving bank account.")
            )
        if form.is_valid():
            try:
                services.bank_account_set(actor=user, province_code=province, **form.cleaned_data)
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("The receiving bank account is set."))
                return redirect(f"{request.path}?province={province}")
    return render(
        request,
        "cashless/bank_accounts.html",
        {
            "form": form,
            "accounts": selectors.bank_account_list(user=user, province_code=province)
            if province
            else [],
            "province": province,
            "can_manage": can_manage,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def decode(request: HttpRequest) -> HttpResponse:
    """Read a VietQR payload back and check its CRC (a code a customer or a bank queries)."""
    form = DecodeForm(request.POST or None)
    decoded = None
    if request.method == "POST" and form.is_valid():
        try:
            decoded = vietqr.parse(form.cleaned_data["payload"])
        except vietqr.VietQRError as exc:
            form.add_error(
                "payload",
                _("Not a valid VietQR payload: %(reason)s") % {"reason": str(exc)},
            )
    return render(request, "cashless/decode.html", {"form": form, "decoded": decoded})
