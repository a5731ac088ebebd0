"""The press pages: the subscriptions of the points in scope, a subscription taken at the
counter with its A6 receipt, the day's allocation per delivery point (printable), and the
public-press programmes with their recipients. Views parse, call one service or selector and
render."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from buudien.core.bizdays import local_today
from buudien.core.errors import AccessDenied
from buudien.counter.views import operation_page, pdf_response
from buudien.network.models import ServicePoint
from buudien.press import forms, receipts, selectors, services
from buudien.press.models import Subscription


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    selectors.require_reader(request.user)
    form = forms.SearchForm(request.GET or None)
    q = form.cleaned_data.get("q", "") if form.is_valid() else ""
    return render(
        request,
        "press/index.html",
        {
            "form": form,
            "subscriptions": selectors.subscription_list(user=request.user, q=q),
            "can_act": services.can_act(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    if not services.can_act(request.user):
        raise AccessDenied(_("Only a counter clerk or an administrator may take subscriptions."))

    def perform(user: Any, point: ServicePoint, key: str, data: dict[str, Any]) -> Subscription:
        return services.subscription_take(actor=user, point=point, idempotency_key=key, **data)

    return operation_page(
        request,
        form_class=forms.SubscriptionForm,
        template="press/subscribe.html",
        perform=perform,
        recorded=lambda row: (
            _("Subscription %(reference)s taken. Print the receipt for the subscriber.")
            % {"reference": row.reference}
        ),
        done=lambda row: redirect("press:subscription", reference=row.reference),
    )


@login_required
@require_GET
def subscription(request: HttpRequest, reference: str) -> HttpResponse:
    row = selectors.subscription_get(user=request.user, reference=reference)
    return render(request, "press/subscription.html", {"row": row, "doc": receipts.receipt(row)})


@login_required
@require_GET
def receipt(request: HttpRequest, reference: str) -> HttpResponse:
    row = selectors.subscription_get(user=request.user, reference=reference)
    return pdf_response(receipts.receipt_file(row), f"{row.reference}.pdf")


@login_required
@require_GET
def allocation(request: HttpRequest) -> HttpResponse:
    """The copies of each title appearing on the day, per delivery point: one printed page
    per point."""
    form = forms.DayForm(request.GET or None)
    day = (form.cleaned_data.get("day") if form.is_valid() else None) or local_today()
    lines = selectors.allocation(user=request.user, day=day)
    points: dict[int, dict[str, Any]] = {}
    for line in lines:
        entry = points.setdefault(line.point.pk, {"point": line.point, "lines": [], "copies": 0})
        entry["lines"].append(line)
        entry["copies"] += line.copies
    return render(
        request,
        "press/allocation.html",
        {"form": form, "day": day, "points": list(points.values())},
    )


@login_required
@require_GET
def programmes(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "press/programmes.html",
        {"programmes": selectors.programmes_for(user=request.user)},
    )
