"""Pages of bill collection: the counter (collect a bill, today's bills at my point, the
receipt, cancel), the bills, the partners, the settlements and the reconciliation. Views
parse, call one service or selector, and render; the lists answer htmx with a partial."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from buudien.collection import exports, receipts, selectors, services
from buudien.collection.choices import BillStatus
from buudien.collection.forms import (
    BillFilterForm,
    CollectForm,
    PartnerForm,
    ReconciliationForm,
    SettlementForm,
    new_token,
)
from buudien.collection.models import Bill
from buudien.core.bizdays import local_today
from buudien.core.errors import AccessDenied, DomainError
from buudien.core.forms import apply_domain_error
from buudien.core.http import HtmxHttpRequest, paged
from buudien.core.money import format_vnd
from buudien.counter.forms import CancelForm
from buudien.counter.views import cancel_panel, cancel_posted
from buudien.finance import ledger
from buudien.network.models import ServicePoint
from buudien.people import access

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50


def _require_reader(user: Any) -> None:
    if not selectors.can_read(user):
        raise AccessDenied(_("Bill collection is for counter clerks and the finance office."))


def _require_office(user: Any) -> None:
    if not selectors.can_read_office(user):
        raise AccessDenied(
            _("Settlements are for accountants, directors, auditors and administrators.")
        )


def _nav(user: Any) -> dict[str, Any]:
    return {
        "can_collect": services.can_collect(user),
        "can_manage_partners": services.can_manage_partners(user),
        "can_settle": services.can_settle(user),
        "office": selectors.can_read_office(user),
    }


def _counter_points(user: Any, day: dt.date) -> Any:
    """None for a clerk (their own point); the points of their scope for an administrator."""
    if getattr(user, "point_id", None) is not None:
        return None
    return (
        ServicePoint.objects.in_force_on(day)
        .with_counter()
        .filter(access.scope_q(user, "unit_path"))
        .order_by("code")
    )


# --- the counter -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def index(request: HtmxHttpRequest) -> HttpResponse:
    """The counter screen: collect a bill; today's bills at my point."""
    user = request.user
    if not services.can_collect(user):
        _require_reader(user)
        return redirect("collection:bills")
    day = local_today()
    point = getattr(user, "point", None)
    points = _counter_points(user, day)
    province = selectors.user_province_code(user)
    form = CollectForm(
        request.POST or None,
        partners=selectors.partner_choices(user=user, province_code=province),
        points=points,
        cashless=bool(point.cashless) if point is not None else True,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            bill = services.bill_collect(
                actor=user,
                idempotency_key=form.idempotency_key(),
                partner=data["partner"],
                customer_code=data["customer_code"],
                customer_name=data["customer_name"],
                period=data.get("period") or "",
                amount=data["amount"],
                method=data["method"],
                point=data.get("point") or point,
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            if bill.status == BillStatus.PENDING:
                messages.success(
                    request,
                    _(
                        "Bill %(reference)s recorded: it awaits the transfer of %(total)s "
                        "(VietQR, reference %(reference)s)."
                    )
                    % {"reference": bill.reference, "total": format_vnd(bill.total)},
                )
            else:
                messages.success(
                    request,
                    _("Bill %(reference)s collected. Print the receipt.")
                    % {"reference": bill.reference},
                )
            return redirect("collection:bill", reference=bill.reference)
    bills = selectors.bill_list(user=user, day=day, point=point) if point else Bill.objects.none()
    if point is None and points is not None:
        bills = selectors.bill_list(user=user, day=day).filter(collected_by_id=user.pk)
    context = {
        "form": form,
        "day": day,
        "point": point,
        "bills": bills[:200],
        "totals": selectors.day_totals(bills),
        **_nav(user),
    }
    return render(request, "collection/index.html", context)


@login_required
@require_GET
def bills(request: HtmxHttpRequest) -> HttpResponse:
    user = request.user
    _require_reader(user)
    province = selectors.user_province_code(user)
    partners = selectors.partner_list(user=user, province_code=province)
    form = BillFilterForm(request.GET or None, partners=partners)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    today = local_today()
    date_to = data.get("date_to") or today
    date_from = data.get("date_from") or date_to
    found = selectors.bill_list(
        user=user,
        date_from=date_from,
        date_to=date_to,
        partner=data.get("partner"),
        point=data.get("point") or None,
        status=data.get("status") or "",
        q=data.get("q") or "",
    )
    if not form.is_bound:
        form = BillFilterForm(
            initial={"date_from": date_from, "date_to": date_to}, partners=partners
        )
    listed = paged(request, found, PAGE_SIZE)
    context = {
        "form": form,
        **listed,
        "bills": listed["page"].object_list,
        "totals": selectors.day_totals(found),
        **_nav(user),
    }
    template = "collection/partials/_bill_rows.html" if request.htmx else "collection/bills.html"
    return render(request, template, context)


def _can_cancel(user: Any, bill: Bill) -> bool:
    if not services.can_collect(user) or bill.status == BillStatus.CANCELLED:
        return False
    if bill.settlement_id is not None:
        return False
    if getattr(user, "point_id", None) not in (None, bill.point_id):
        return False
    if bill.status == BillStatus.PENDING:
        return True
    return bill.business_date == ledger.business_day_open_date(bill.province_code)


def _bill_page(request: HttpRequest, bill: Bill, form: CancelForm | None = None) -> HttpResponse:
    user = request.user
    cancel = cancel_panel(
        kind=services.BILL_CANCEL,
        record=bill,
        allowed=_can_cancel(user, bill),
        action=reverse("collection:cancel", args=[bill.reference]),
        title=_("Cancel this bill"),
        note=_(
            "A bill is cancelled only the business day it was collected; its entry is reversed."
        ),
        form=form,
    )
    return render(request, "collection/bill.html", {"bill": bill, "cancel": cancel, **_nav(user)})


@login_required
@require_GET
def bill_detail(request: HttpRequest, reference: str) -> HttpResponse:
    _require_reader(request.user)
    return _bill_page(request, selectors.bill_get(user=request.user, reference=reference))


@login_required
@require_GET
def bill_receipt(request: HttpRequest, reference: str) -> HttpResponse:
    _require_reader(request.user)
    bill = selectors.bill_get(user=request.user, reference=reference)
    response = HttpResponse(receipts.bill_receipt_pdf(bill), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{bill.reference}.pdf"'
    return response


@login_required
@require_POST
def bill_cancel(request: HttpRequest, reference: str) -> HttpResponse:
    user = request.user
    _require_reader(user)
    bill = selectors.bill_get(user=user, reference=reference)
    return cancel_posted(
        request,
        act=lambda reason: services.bill_cancel(actor=user, bill=bill, reason=reason),
        done=lambda _result: redirect("collection:bill", reference=bill.reference),
        page=lambda form: _bill_page(request, bill, form),
    )


# --- partners ----------------------------------------------------------------------------


@login_required
@require_GET
def partners(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_reader(user)
    q = request.GET.get("q", "")[:60]
    return render(
        request,
        "collection/partners.html",
        {"partners": selectors.partner_list(user=user, q=q), "q": q, **_nav(user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def partner_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not services.can_manage_partners(user):
        raise AccessDenied(_("Only an accountant or an administrator may manage partners."))
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.partner_create(
                actor=user,
                province_code=selectors.user_province_code(user),
                code=form.cleaned_data["code"],
                **form.values(),
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Partner %(name)s added.") % {"name": partner.name})
            return redirect("collection:partner", pk=partner.pk)
    return render(
        request, "collection/partner_form.html", {"form": form, "partner": None, **_nav(user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def partner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    partner = selectors.partner_get(user=user, pk=pk)
    if not services.can_manage_partners(user):
        raise AccessDenied(_("Only an accountant or an administrator may manage partners."))
    initial = {name: getattr(partner, name) for name in services.PARTNER_FIELDS}
    form = PartnerForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_update(actor=user, partner=partner, **form.values())
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Partner %(name)s saved.") % {"name": partner.name})
            return redirect("collection:partner", pk=partner.pk)
    return render(
        request,
        "collection/partner_form.html",
        {"form": form, "partner": partner, **_nav(user)},
    )


@login_required
@require_GET
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    _require_reader(user)
    partner = selectors.partner_get(user=user, pk=pk)
    today = local_today()
    office = selectors.can_read_office(user)
    payable = ledger.account_for_partner(partner.province_code, partner.code) if office else None
    return render(
        request,
        "collection/partner.html",
        {
            "partner": partner,
            "payable": payable,
            "unsettled": selectors.settlement_preview(partner, dt.date(2000, 1, 1), today)
            if office
            else None,
            "settlements": selectors.settlement_list(user=user, partner=partner)[:12],
            "example": [(a, partner.commission_for(a)) for a in (100_000, 500_000, 2_000_000)],
            **_nav(user),
        },
    )


# --- settlements -------------------------------------------------------------------------


@login_required
@require_GET
def settlements(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_office(user)
    rows = selectors.settlement_list(user=user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "collection/settlements.html",
        {"page": page, "rows": page.object_list, **_nav(user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def settlement_new(request: HttpRequest) -> HttpResponse:
    """Choose a partner and a range: the page shows what would be paid (and the bank's
    balance); confirming makes the settlement."""
    user = request.user
    if not services.can_settle(user):
        raise AccessDenied(_("Only an accountant or an administrator may settle with partners."))
    province = selectors.user_province_code(user)
    partners = selectors.partner_list(user=user, province_code=province)
    today = local_today()
    last_month_end = today.replace(day=1) - dt.timedelta(days=1)
    initial = {"date_from": last_month_end.replace(day=1), "date_to": last_month_end}
    data: QueryDict | None = request.POST if request.method == "POST" else None
    if request.method == "GET" and request.GET:
        data = request.GET.copy()
        data.setdefault("token", new_token())
    form = SettlementForm(data, partners=partners, initial=initial)
    preview = None
    balance = None
    if form.is_valid():
        chosen = form.cleaned_data
        if request.method == "POST":
            try:
                settlement = services.settlement_create(
                    actor=user,
                    idempotency_key=form.idempotency_key(),
                    partner=chosen["partner"],
                    date_from=chosen["date_from"],
                    date_to=chosen["date_to"],
                    memo=chosen.get("memo") or "",
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Settlement %(reference)s made: %(net)s paid to %(partner)s.")
                    % {
                        "reference": settlement.reference,
                        "net": format_vnd(settlement.net),
                        "partner": settlement.partner.name,
                    },
                )
                return redirect("collection:settlement", pk=settlement.pk)
        if chosen["date_to"] >= chosen["date_from"]:
            preview = selectors.settlement_preview(
                chosen["partner"], chosen["date_from"], chosen["date_to"]
            )
        balance = selectors.bank_balance(chosen["partner"].province_code, chosen["partner"].bank)
    return render(
        request,
        "collection/settlement_new.html",
        {"form": form, "preview": preview, "balance": balance, **_nav(user)},
    )


@login_required
@require_GET
def settlement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    _require_office(user)
    settlement = selectors.settlement_get(user=user, pk=pk)
    bills = settlement.bills.select_related("point").order_by("business_date", "id")
    page = Paginator(bills, PAGE_SIZE * 2).get_page(request.GET.get("page"))
    return render(
        request,
        "collection/settlement.html",
        {"settlement": settlement, "page": page, "bills": page.object_list, **_nav(user)},
    )


# --- reconciliation ----------------------------------------------------------------------


@login_required
@require_GET
def reconciliation(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_reader(user)
    province = selectors.user_province_code(user)
    form = ReconciliationForm(
        request.GET or None,
        partners=selectors.partner_list(user=user, province_code=province),
        units=selectors.units_for_filter(user, province),
    )
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    date_to = data.get("date_to") or local_today()
    date_from = data.get("date_from") or date_to.replace(day=1)
    report = None
    try:
        report = selectors.reconciliation(
            user=user,
            province_code=province,
            date_from=date_from,
            date_to=date_to,
            partner=data.get("partner"),
            unit=data.get("unit"),
        )
    except DomainError as exc:
        if exc.status != 400:
            raise
        apply_domain_error(form, exc)
    if report is not None and request.GET.get("format") == "xlsx":
        response = HttpResponse(exports.reconciliation_xlsx(report), content_type=XLSX)
        name = f"reconciliation-{province}-{date_from:%Y%m%d}-{date_to:%Y%m%d}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    if not form.is_bound:
        form = ReconciliationForm(
            initial={"date_from": date_from, "date_to": date_to},
            partners=selectors.partner_list(user=user, province_code=province),
            units=selectors.units_for_filter(user, province),
        )
    query = request.GET.copy()
    query["format"] = "xlsx"
    return render(
        request,
        "collection/reconciliation.html",
        {"form": form, "report": report, "xlsx_query": query.urlencode(), **_nav(user)},
    )
