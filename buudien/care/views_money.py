"""The pages of the money of customer care: the compensations to approve and to pay, a
compensation proposed for an upheld complaint (with how the most the rules allow is
computed), approved by an accountant, paid at the counter (the counter's operation page,
its receipt and the A6 PDF), and the refund of a complaint through its service. Views parse,
call one service or selector and render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from buudien.care import selectors_money as selectors
from buudien.care import services_money as services
from buudien.care.choices import CompensationRule, CompensationStatus, StepKind
from buudien.care.compensation import Computation, compensation_max, compensation_rule_for
from buudien.care.forms_money import PayForm, ProposeForm, StatusForm
from buudien.care.models import CompensationPayment
from buudien.care.receipts_money import payment_receipt, payment_receipt_pdf
from buudien.core.errors import DomainError, NotFound
from buudien.counter.desk import can_act
from buudien.counter.views import operation_page, pdf_response, posted
from buudien.network.models import ServicePoint


@login_required
@require_GET
def compensation_list(request: HttpRequest) -> HttpResponse:
    """The compensations of the user's scope: those proposed (to approve), approved (to
    pay), paid."""
    form = StatusForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    rows = selectors.compensation_list(user=request.user, status=status)
    return render(
        request,
        "care/compensation_list.html",
        {
            "form": form,
            "compensations": rows[:200],
            "can_approve": services.can_approve(request.user),
            "can_pay": can_act(request.user),
        },
    )


def _computation(row: Any, data: dict[str, Any]) -> tuple[Computation | None, str]:
    """How the most is computed for the rule and share asked (else the request's own), or
    why there is none."""
    try:
        rule = data.get("rule") or compensation_rule_for(row)
        assert row.item is not None
        return compensation_max(row.item, rule, data.get("loss_bp") or 10_000), ""
    except DomainError as exc:
        return None, exc.message


@login_required
@require_http_methods(["GET", "POST"])
def compensation_propose(request: HttpRequest, code: str) -> HttpResponse:
    row = selectors.request_for_compensation(user=request.user, code=code)
    form = ProposeForm(request.POST or request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    answer = None
    if request.method == "POST":
        answer = posted(
            request,
            form,
            act=lambda: services.compensation_propose(
                actor=request.user,
                request=row,
                rule=data.get("rule") or "",
                loss_bp=data.get("loss_bp") or 10_000,
                amount=data.get("amount"),
            ),
            done=lambda made: redirect("care:compensation", code=row.code),
            said=lambda made: (
                _("Compensation of %(code)s proposed: an accountant approves it.")
                % {"code": row.code}
            ),
        )
    computed, why = _computation(row, data)
    return answer or render(
        request,
        "care/compensation_propose.html",
        {"row": row, "item": selectors.item_label(row), "form": form, "computed": computed,
         "why": why, "rule_label": CompensationRule(computed.rule).label if computed else ""},
    )  # fmt: skip


@login_required
@require_GET
def compensation(request: HttpRequest, code: str) -> HttpResponse:
    found = selectors.compensation_get(user=request.user, code=code)
    payment = CompensationPayment.objects.filter(compensation=found).first()
    return render(
        request,
        "care/compensation.html",
        {
            "compensation": found,
            "row": found.request,
            "item": selectors.item_label(found.request),
            "payment": payment,
            "can_approve": found.status == CompensationStatus.PROPOSED
            and services.can_approve(request.user),
            "can_pay": found.status == CompensationStatus.APPROVED and can_act(request.user),
        },
    )


@login_required
@require_POST
def compensation_approve(request: HttpRequest, code: str) -> HttpResponse:
    found = selectors.compensation_get(user=request.user, code=code)
    try:
        services.compensation_approve(actor=request.user, compensation=found)
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Compensation of %(code)s approved.") % {"code": code})
    return redirect("care:compensation", code=found.request.code)


@login_required
@require_http_methods(["GET", "POST"])
def compensation_pay(request: HttpRequest, code: str) -> HttpResponse:
    """Pay an approved compensation in cash at the user's counter."""
    found = selectors.compensation_get(user=request.user, code=code)

    def perform(user: Any, point: ServicePoint, key: str, data: dict[str, Any]) -> Any:
        return services.compensation_pay(
            actor=user,
            compensation=found,
            point=point,
            idempotency_key=key,
            payee_name=data.get("payee_name") or "",
        )

    return operation_page(
        request,
        form_class=PayForm,
        template="care/compensation_pay.html",
        perform=perform,
        recorded=lambda paid: _("Compensation paid: %(reference)s. Print the receipt.")
        % {"reference": paid.reference},
        done=lambda paid: redirect("care:compensation_receipt", code=found.request.code),
        context={"compensation": found, "row": found.request,
                 "item": selectors.item_label(found.request)},
    )  # fmt: skip


def _payment(user: Any, code: str) -> CompensationPayment:
    found = selectors.compensation_get(user=user, code=code)
    payment = (
        CompensationPayment.objects.select_related("point", "created_by")
        .filter(compensation=found)
        .first()
    )
    if payment is None:
        raise NotFound(_("The compensation is not paid yet."))
    return payment


@login_required
@require_GET
def compensation_receipt(request: HttpRequest, code: str) -> HttpResponse:
    payment = _payment(request.user, code)
    return render(
        request,
        "care/compensation_receipt.html",
        {"payment": payment, "doc": payment_receipt(payment), "code": code},
    )


@login_required
@require_GET
def compensation_receipt_pdf(request: HttpRequest, code: str) -> HttpResponse:
    payment = _payment(request.user, code)
    return pdf_response(payment_receipt_pdf(payment), f"{payment.reference}.pdf")


@login_required
@require_POST
def refund(request: HttpRequest, code: str) -> HttpResponse:
    """Refund an upheld complaint about a bill or a sale through that service."""
    row = selectors.request_for_compensation(user=request.user, code=code)
    try:
        done = services.refund_through_service(
            actor=request.user, request=row, idempotency_key=request.POST.get("token", "")
        )
    except DomainError as exc:
        if exc.status == 404 and exc.field is None:
            raise
        messages.error(request, exc.message)
    else:
        if done.steps.filter(kind=StepKind.REFUNDED).exists():
            messages.success(request, _("Refunded through the service: see the request's steps."))
        else:  # the cancellation waits for a director's or an accountant's approval
            messages.info(
                request, done.steps.order_by("-at", "-id").values_list("text", flat=True)[0]
            )
    return redirect("care:compensations")
