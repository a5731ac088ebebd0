"""Counter screens of the agency services and the director's figures. Views parse, call one
service or selector and render; the figures answer htmx with their table only."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from buudien.agency import forms, receipts, selectors, services
from buudien.agency.models import LoanReferral, PaymentAccount, Remittance
from buudien.core.bizdays import local_today
from buudien.core.errors import AccessDenied
from buudien.core.http import HtmxHttpRequest
from buudien.counter.forms import CounterForm
from buudien.counter.views import Perform, operation_page, pdf_response
from buudien.network.models import ServicePoint


def _require_counter(user: Any) -> None:
    if not services.can_act(user):
        raise AccessDenied(
            _("Only a counter clerk or an administrator may take operations at the counter.")
        )


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The hub: the counter's operations, today's at the user's point, the figures."""
    user = request.user
    point = services.counter_point_of(user)
    today = local_today()
    return render(
        request,
        "agency/index.html",
        {
            "can_act": services.can_act(user),
            "point": point,
            "today": today,
            "operations": selectors.operations_of_day(user=user, point=point, day=today)
            if point is not None
            else [],
            "waiting": selectors.remittances_to_pay(user=user, point=point)[:20],
        },
    )


def _recorded_as(operation: Any) -> str:
    return getattr(operation, "paid_reference", "") or operation.reference


def _operation_page(
    request: HttpRequest,
    *,
    form_class: type[CounterForm],
    title: str,
    submit: str,
    perform: Perform,
    intro: str = "",
    initial: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    _require_counter(request.user)
    return operation_page(
        request,
        form_class=form_class,
        template="agency/form.html",
        perform=perform,
        recorded=lambda operation: (
            _("Recorded as %(reference)s. Print the receipt for the customer.")
            % {"reference": _recorded_as(operation)}
        ),
        done=lambda operation: redirect("agency:operation", reference=_recorded_as(operation)),
        initial=initial,
        context={"title": title, "submit": submit, "intro": intro, **(extra or {})},
    )


@login_required
@require_http_methods(["GET", "POST"])
def deposit(request: HttpRequest) -> HttpResponse:
    def perform(user: Any, point: ServicePoint, key: str, data: dict[str, Any]) -> Any:
        return services.savings_deposit(actor=user, point=point, idempotency_key=key, **data)

    return _operation_page(
        request,
        form_class=forms.DepositForm,
        title=_("Savings deposit"),
        submit=_("Take the deposit"),
        perform=perform,
        intro=_(
            "A new book number opens a passbook of the partner bank (choose its term); an "
            "existing one takes the deposit. The post earns the bank's commission."
        ),
        initial={"book_number": request.GET.get("book", "")[:20]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest) -> HttpResponse:
    def perform(user: Any, point: ServicePoint, key: str, data: dict[str, Any]) -> Any:
        return services.savings_withdraw(actor=user, point=point, idempotency_key=key, **data)

    return _operation_page(
        request,
        form_class=forms.WithdrawalForm,
        title=_("Savings withdrawal"),
        submit=_("Pay the withdrawal"),
        perform=perform,
        intro=_("Paid to the holder of a book kept at this point, on their citizen ID."),
        initial={"book_number": request.GET.get("book", "")[:20]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def loan_repayment(request: HttpRequest) -> HttpResponse:
    def perform(user: Any, point: ServicePoint, key: str, data: dict[str, Any]) -> Any:
        return services.loan_repayment_collect(actor=user, point=point, idempotency_key=key, **data)

    return _operation_page(
        request,
        form_class=forms.LoanRepaymentForm,
        title=_("Loan repayment"),
        submit=_("Collect the repayment"),
        perform=perform,
        intro=_("Collected for the partner bank, which pays the post a commission."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def loan_referral(request: HttpRequest) -> HttpResponse:
    def perform(user: Any, point: ServicePoint, key: str, data: dict[str, Any]) -> Any:
        return services.loan_referral_record(actor=user, point=point, idempotency_key=key, **data)

    return _operation_page(
        request,
        form_class=forms.ReferralForm,
        title=_("Refer a loan application"),
        submit=_("Refer the application"),
        perform=perform,
        intro=_("The partner bank contacts the applicant; no money is taken."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_open(request: HttpRequest) -> HttpResponse:
    def perform(user: Any, point: ServicePoint, key: str, data: dict[str, Any]) -> Any:
        return services.payment_account_open(actor=user, point=point, idempotency_key=key, **data)

    return _operation_page(
        request,
        form_class=forms.PaymentAccountForm,
        title=_("Payment account opened"),
        submit=_("Record the account"),
        perform=perform,
        intro=_("Free for the customer; the partner pays the post a commission per account."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def remittance_send(request: HttpRequest) -> HttpResponse:
    def perform(user: Any, point: ServicePoint, key: str, data: dict[str, Any]) -> Any:
        sent = services.remittance_send(actor=user, point=point, idempotency_key=key, **data)
        if sent.secret_code:  # kept for this clerk's next page and its receipt, then gone
            request.session[_code_key(sent.reference)] = sent.secret_code
        return sent

    return _operation_page(
        request,
        form_class=forms.RemittanceForm,
        title=_("Send a remittance"),
        submit=_("Send the money"),
        perform=perform,
        intro=_(
            "Paid in cash at a post office (to the recipient's ID and the code on the receipt) "
            "or credited to a bank account. The fee and its VAT come on top of the amount."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def remittance_pay(request: HttpRequest) -> HttpResponse:
    def perform(user: Any, point: ServicePoint, key: str, data: dict[str, Any]) -> Any:
        return services.remittance_pay(actor=user, point=point, idempotency_key=key, **data)

    point = services.counter_point_of(request.user)
    return _operation_page(
        request,
        form_class=forms.PayForm,
        title=_("Pay a remittance"),
        submit=_("Pay the remittance"),
        perform=perform,
        intro=_("The recipient gives the remittance number, the code and their citizen ID."),
        initial={"number": request.GET.get("number", "")[:24]},
        extra={"waiting": selectors.remittances_to_pay(user=request.user, point=point)[:100]},
    )


def _code_key(reference: str) -> str:
    return f"remittance-code:{reference.upper()}"


def _with_code(request: HttpRequest, found: Any, reference: str, *, printed: bool) -> Any:
    """A remittance just sent by this clerk, with its payment code: shown on its page until
    its receipt is printed once (the code is kept nowhere else)."""
    if isinstance(found, Remittance):
        key = _code_key(reference)
        found.secret_code = (
            request.session.pop(key, "") if printed else request.session.get(key, "")
        )
    return found


@login_required
@require_GET
def operation(request: HttpRequest, reference: str) -> HttpResponse:
    """An operation as its receipt shows it, with the link to print it."""
    found = _with_code(
        request,
        selectors.operation_get(user=request.user, reference=reference),
        reference,
        printed=False,
    )
    return render(
        request,
        "agency/operation.html",
        {
            "doc": receipts.document_for(found, reference),
            "operation": found,
            "reference": reference.upper(),
            "can_act": services.can_act(request.user),
        },
    )


@login_required
@require_GET
def receipt(request: HttpRequest, reference: str) -> HttpResponse:
    found = _with_code(
        request,
        selectors.operation_get(user=request.user, reference=reference),
        reference,
        printed=True,
    )
    return pdf_response(receipts.receipt_pdf(found, reference), f"{reference.upper()}.pdf")


@login_required
@require_GET
def books(request: HttpRequest) -> HttpResponse:
    form = forms.BookSearchForm(request.GET or None)
    q = form.cleaned_data.get("q", "") if form.is_valid() else ""
    return render(
        request,
        "agency/books.html",
        {"form": form, "books": selectors.books_search(user=request.user, q=q)},
    )


@login_required
@require_GET
def book(request: HttpRequest, number: str) -> HttpResponse:
    found = selectors.book_get(user=request.user, number=number)
    return render(
        request,
        "agency/book.html",
        {
            "book": found,
            "transactions": selectors.book_transactions(found),
            "can_act": services.can_act(request.user)
            and getattr(request.user, "point_id", None) == found.point_id,
        },
    )


@login_required
@require_GET
def mobilised(request: HtmxHttpRequest) -> HttpResponse:
    """The balance mobilised per point as at a day, for a unit's subtree."""
    form = forms.MobilisedForm(request.GET or None, user=request.user)
    on, unit = local_today(), None
    if form.is_valid():
        on = form.cleaned_data.get("on") or on
        unit = selectors.unit_for(user=request.user, code=form.cleaned_data.get("unit"))
    report = selectors.savings_mobilised(user=request.user, on=on, unit=unit)
    template = "agency/partials/_mobilised.html" if request.htmx else "agency/mobilised.html"
    return render(request, template, {"form": form, "report": report})


def _monthly_page(
    request: HtmxHttpRequest, *, model: type[PaymentAccount] | type[LoanReferral], title: str
) -> HttpResponse:
    form = forms.MonthlyForm(request.GET or None, user=request.user)
    year, unit = local_today().year, None
    if form.is_valid():
        year = form.cleaned_data.get("year") or year
        unit = selectors.unit_for(user=request.user, code=form.cleaned_data.get("unit"))
    report = selectors.monthly_counts(user=request.user, model=model, year=year, unit=unit)
    template = "agency/partials/_monthly.html" if request.htmx else "agency/monthly.html"
    return render(
        request,
        template,
        {"form": form, "report": report, "title": title, "month_numbers": range(1, 13)},
    )


@login_required
@require_GET
def accounts_opened(request: HtmxHttpRequest) -> HttpResponse:
    return _monthly_page(
        request, model=PaymentAccount, title=_("Payment accounts opened per point and month")
    )


@login_required
@require_GET
def referrals_counted(request: HtmxHttpRequest) -> HttpResponse:
    return _monthly_page(
        request, model=LoanReferral, title=_("Loan applications referred per point and month")
    )
