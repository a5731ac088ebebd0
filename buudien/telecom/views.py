"""Pages of telecom at the counter: the day's sales at a point, the top-up (the number first,
its operator found from the prefix as it is typed), the sale of card codes and its one-time
result (the codes shown once, with the A6 receipt that carries them), the stock of codes and
the import of an operator's file. Views parse, call one service or selector and render."""

from __future__ import annotations

import base64
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from buudien.core.bizdays import local_today
from buudien.core.errors import NotFound
from buudien.core.imports import ImportFailed
from buudien.counter.forms import CancelForm
from buudien.counter.receipts import receipt_pdf
from buudien.counter.views import cancel_panel, cancel_posted, operation_page, pdf_response, posted
from buudien.network.models import ServicePoint
from buudien.people import access
from buudien.telecom import forms, receipts, selectors, services
from buudien.telecom.importers import pins_import as import_file
from buudien.telecom.models import PinBatch, PinSale, Topup


def _point(request: HttpRequest) -> ServicePoint | None:
    """The user's own point, or the point of their scope they asked for (``?point=``)."""
    code = str(request.GET.get("point", ""))[:16].strip()
    if not code:
        return getattr(request.user, "point", None)
    point = ServicePoint.objects.filter(code=code).first()
    if point is None or not access.in_scope(request.user, point.unit_path):
        raise NotFound(_("No such service point."), field="point")
    return point


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The day's top-ups and code sales at the user's point (or one of their scope)."""
    user = request.user
    selectors.require_reader(user)
    point, today = _point(request), local_today()
    day = selectors.sales_of_day(user=user, point=point, day=today) if point else None
    return render(
        request,
        "telecom/index.html",
        {
            "point": point,
            "today": today,
            "day": day,
            "can_sell": selectors.can_sell(user),
            "can_import": selectors.can_import(user),
        },
    )


@login_required
@require_GET
def operator_of(request: HttpRequest) -> HttpResponse:
    """The operator owning the prefix of the number typed (htmx, as it is typed)."""
    digits = "".join(ch for ch in str(request.GET.get("phone", ""))[:20] if ch.isdigit())
    if digits.startswith("84"):
        digits = "0" + digits[2:]
    province = selectors.province_of(request.user)
    found = services.operator_of_prefix(province, digits[:3]) if len(digits) >= 3 else None
    if found is not None:
        text = found.name
    elif len(digits) >= 3:
        text = _("No operator owns the prefix %(prefix)s.") % {"prefix": digits[:3]}
    else:
        text = ""
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


@login_required
@require_http_methods(["GET", "POST"])
def topup(request: HttpRequest) -> HttpResponse:
    selectors.require_seller(request.user)

    def perform(user: Any, point: ServicePoint, key: str, data: dict[str, Any]) -> Topup:
        return services.topup_sell(
            actor=user,
            point=point,
            idempotency_key=key,
            phone=data["phone"],
            amount=data["amount"],
            operator=data.get("operator") or None,
        )

    return operation_page(
        request,
        form_class=forms.TopupForm,
        template="telecom/form.html",
        perform=perform,
        recorded=lambda row: _("Top-up %(reference)s recorded.") % {"reference": row.reference},
        done=lambda row: redirect("telecom:topup_detail", reference=row.reference),
        context={"title": _("Mobile top-up"), "submit": _("Top up"), "topup": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def pins_sell(request: HttpRequest) -> HttpResponse:
    selectors.require_seller(request.user)

    def perform(user: Any, point: ServicePoint, key: str, data: dict[str, Any]) -> PinSale:
        return services.pins_sell(actor=user, point=point, idempotency_key=key, **data)

    return operation_page(
        request,
        form_class=forms.PinSaleForm,
        template="telecom/form.html",
        perform=perform,
        recorded=lambda sale: _("Sale %(reference)s recorded.") % {"reference": sale.reference},
        done=lambda sale: redirect("telecom:pin_sale", reference=sale.reference),
        context={"title": _("Sell card codes (e-PIN)"), "submit": _("Sell the codes")},
    )


def _topup(user: Any, reference: str) -> Topup:
    found = selectors.sale_get(user=user, reference=reference)
    if not isinstance(found, Topup):
        raise NotFound(_("No sale with the reference %(reference)s.") % {"reference": reference})
    return found


def _topup_page(request: HttpRequest, found: Topup, form: CancelForm | None = None) -> HttpResponse:
    may_cancel = (
        not found.is_cancelled
        and selectors.can_sell(request.user)
        and found.business_date == local_today()
    )
    cancel = cancel_panel(
        kind=services.TOPUP_CANCEL,
        record=found,
        allowed=may_cancel,
        action=reverse("telecom:topup_cancel", args=[found.reference]),
        title=_("Cancel the top-up"),
        note=_(
            "Only the same day, when the operator took the top-up back: the amount is given "
            "back to the customer."
        ),
        form=form,
    )
    return render(
        request,
        "telecom/sale.html",
        {"doc": receipts.topup_receipt(found), "row": found, "cancel": cancel},
    )


@login_required
@require_GET
def topup_detail(request: HttpRequest, reference: str) -> HttpResponse:
    return _topup_page(request, _topup(request.user, reference))


@login_required
@require_POST
def topup_cancel(request: HttpRequest, reference: str) -> HttpResponse:
    found = _topup(request.user, reference)
    return cancel_posted(
        request,
        act=lambda reason: services.topup_cancel(actor=request.user, topup=found, reason=reason),
        done=lambda _result: redirect("telecom:topup_detail", reference=found.reference),
        page=lambda form: _topup_page(request, found, form),
    )


@never_cache
@login_required
@require_GET
def pin_sale(request: HttpRequest, reference: str) -> HttpResponse:
    """The result of a code sale: the first view by the clerk who sold them shows the codes
    (and offers the A6 receipt that carries them, made now and never again); every later
    view shows them masked."""
    sale = selectors.pin_sale_get(user=request.user, reference=reference)
    shown = services.codes_reveal(actor=request.user, sale=sale)
    pdf = ""
    if shown is not None:
        made = receipt_pdf(lambda: receipts.pin_receipt(sale, shown))
        pdf = base64.b64encode(made).decode("ascii")
    else:
        services.codes_access(actor=request.user, sale=sale, how="viewed")
    return render(
        request,
        "telecom/sale.html",
        {"doc": receipts.pin_receipt(sale, shown), "row": sale, "shown": shown, "pdf": pdf},
    )


@login_required
@require_GET
def receipt(request: HttpRequest, reference: str) -> HttpResponse:
    """A copy of a sale's A6 receipt: a code sale's codes masked."""
    found = selectors.sale_get(user=request.user, reference=reference)
    if isinstance(found, PinSale):
        services.codes_access(actor=request.user, sale=found, how="reprinted")
        made = receipt_pdf(lambda: receipts.pin_receipt(found, None))
    else:
        made = receipt_pdf(lambda: receipts.topup_receipt(found))
    return pdf_response(made, f"{found.reference}.pdf")


@login_required
@require_GET
def stock(request: HttpRequest) -> HttpResponse:
    user = request.user
    rows = selectors.pin_stock(user=user, province_code=selectors.province_of(user))
    batches = PinBatch.objects.filter(province_code=selectors.province_of(user)).select_related(
        "operator"
    )[:20]
    return render(
        request,
        "telecom/stock.html",
        {"rows": rows, "batches": batches, "can_import": selectors.can_import(user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def pins_import(request: HttpRequest) -> HttpResponse:
    user = request.user
    selectors.require_importer(user)
    province = selectors.province_of(user)
    form = forms.ImportForm(request.POST or None, request.FILES or None, province_code=province)
    problems: list[str] = []

    def act() -> PinBatch:
        operator = services.operator_get(province, form.cleaned_data["operator"])
        upload = form.cleaned_data["file"]
        try:
            return import_file(upload, actor=user, operator=operator, name=upload.name)
        except ImportFailed as exc:
            problems.extend(exc.lines())
            raise

    answer = posted(
        request,
        form,
        act=act,
        done=lambda batch: redirect("telecom:stock"),
        said=lambda batch: _("%(count)s codes imported.") % {"count": batch.count},
    )
    if answer is not None:
        return answer
    return render(request, "telecom/import.html", {"form": form, "problems": problems})
