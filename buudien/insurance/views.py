"""The insurance pages: the policies (searched as typed, htmx), a policy issued at the
counter with its certificate, a policy's page with its cancellation, the policies to renew,
and an insurer's monthly statement (page and .xlsx). Views parse, call one service or
selector and render."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from buudien.core.bizdays import local_today
from buudien.core.errors import AccessDenied
from buudien.core.http import HtmxHttpRequest
from buudien.counter.forms import CancelForm
from buudien.counter.views import cancel_panel, cancel_posted, operation_page, pdf_response
from buudien.insurance import exports, forms, receipts, selectors, services
from buudien.insurance.choices import PolicyStatus
from buudien.insurance.models import Policy
from buudien.network.models import ServicePoint
from buudien.people import access


def _require_counter(user: Any) -> None:
    if not services.can_act(user):
        raise AccessDenied(_("Only a counter clerk or an administrator may issue policies."))


@login_required
@require_GET
def index(request: HtmxHttpRequest) -> HttpResponse:
    """The policies the user may see, the newest first; the search answers htmx with rows."""
    selectors.require_reader(request.user)
    form = forms.SearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = selectors.policy_list(
        user=request.user, q=data.get("q", ""), status=data.get("status", "")
    )
    context = {
        "form": form,
        "policies": rows,
        "can_act": services.can_act(request.user),
        "can_read_statement": access.has_role(request.user, selectors.STATEMENT_READERS),
    }
    if request.htmx:
        return render(request, "insurance/partials/_rows.html", context)
    return render(request, "insurance/index.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def issue(request: HttpRequest) -> HttpResponse:
    _require_counter(request.user)

    def perform(user: Any, point: ServicePoint, key: str, data: dict[str, Any]) -> Policy:
        return services.policy_issue(actor=user, point=point, idempotency_key=key, **data)

    return operation_page(
        request,
        form_class=forms.IssueForm,
        template="insurance/issue.html",
        perform=perform,
        recorded=lambda policy: (
            _("Policy %(number)s issued. Print the certificate for the customer.")
            % {"number": policy.policy_number}
        ),
        done=lambda policy: redirect("insurance:policy", number=policy.reference),
        initial={"product": request.GET.get("product", "")[:32]},
    )


@login_required
@require_GET
def product_part(request: HttpRequest) -> HttpResponse:
    """The fields that follow the chosen product (htmx, on change)."""
    _require_counter(request.user)
    form = forms.IssueForm(
        user=request.user, initial={"product": request.GET.get("product", "")[:32]}
    )
    return render(request, "insurance/partials/_product.html", {"form": form})


def _policy_page(request: HttpRequest, policy: Policy, form: CancelForm | None = None) -> Any:
    can_cancel = (
        policy.status == PolicyStatus.ISSUED
        and policy.business_date == local_today()
        and services.can_act(request.user)
        and getattr(request.user, "point_id", None) in (None, policy.point_id)
    )
    cancel = cancel_panel(
        kind=services.POLICY_CANCEL,
        record=policy,
        allowed=can_cancel,
        action=reverse("insurance:policy_cancel", args=[policy.reference]),
        title=_("Cancel the policy"),
        note=_(
            "Only the day it was issued: the premium goes back to the customer from the drawer."
        ),
        form=form,  # a refused cancellation shows its form with the reason it was refused
    )
    return render(
        request,
        "insurance/policy.html",
        {"policy": policy, "doc": receipts.certificate(policy), "cancel": cancel},
    )


@login_required
@require_GET
def policy(request: HttpRequest, number: str) -> HttpResponse:
    found = selectors.policy_get(user=request.user, number=number)
    return _policy_page(request, found)


@login_required
@require_POST
def policy_cancel(request: HttpRequest, number: str) -> HttpResponse:
    found = selectors.policy_get(user=request.user, number=number)
    return cancel_posted(
        request,
        act=lambda reason: services.policy_cancel(actor=request.user, policy=found, reason=reason),
        done=lambda _result: redirect("insurance:policy", number=found.reference),
        page=lambda form: _policy_page(request, found, form),
    )


@login_required
@require_GET
def certificate(request: HttpRequest, number: str) -> HttpResponse:
    found = selectors.policy_get(user=request.user, number=number)
    return pdf_response(receipts.certificate_pdf(found), f"{found.reference}.pdf")


@login_required
@require_GET
def expiring(request: HttpRequest) -> HttpResponse:
    """The policies of the point whose cover ends in the next 30 days: whom to call."""
    selectors.require_reader(request.user)
    today = local_today()
    return render(
        request,
        "insurance/expiring.html",
        {
            "policies": selectors.expiring(user=request.user, today=today),
            "days": selectors.EXPIRING_DAYS,
            "today": today,
        },
    )


def _statement(request: HttpRequest) -> tuple[forms.StatementForm, selectors.Statement | None]:
    if not access.has_role(request.user, selectors.STATEMENT_READERS):
        raise AccessDenied(_("Only accounting and management staff may read the statements."))
    today = local_today()
    data = request.GET.copy()
    data.setdefault("month", f"{today:%Y-%m}")
    if not data.get("insurer"):
        first = selectors.insurers_for(province_code=selectors.province_of(request.user)).first()
        data["insurer"] = first.code if first is not None else ""
    form = forms.StatementForm(data, user=request.user)
    if not form.is_valid():
        return form, None
    year, month = form.cleaned_data["month"]
    report = selectors.statement(
        user=request.user, insurer=form.cleaned_data["insurer"], year=year, month=month
    )
    return form, report


@login_required
@require_GET
def statement(request: HttpRequest) -> HttpResponse:
    form, report = _statement(request)
    return render(request, "insurance/statement.html", {"form": form, "report": report})


@login_required
@require_GET
def statement_xlsx(request: HttpRequest) -> HttpResponse:
    form, report = _statement(request)
    if report is None:
        return render(
            request, "insurance/statement.html", {"form": form, "report": None}, status=400
        )
    response = HttpResponse(
        exports.statement_xlsx(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"bao-hiem-{report.insurer.code}-{report.year}-{report.month:02d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
