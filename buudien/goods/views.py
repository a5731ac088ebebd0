"""Pages of goods: the stock of a point, the sale at the counter (built for a barcode scanner
and the keyboard) with its receipt, returns by the receipt's number, the warehouse's
receipts and transfers (with their delivery note, received at the point), write-offs and
stocktakes asked for at a point and approved by an accountant. Views parse, call one
service or selector and render; a refusal goes next to its line or field, every problem at
once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from buudien.cashless.choices import PaymentStatus
from buudien.cashless.models import PaymentRequest
from buudien.core.bizdays import local_today
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.http import HtmxHttpRequest, paged
from buudien.core.money import format_vnd
from buudien.counter import cancellations
from buudien.counter.views import cancel_panel, pdf_response
from buudien.goods import adjustments, forms, lines, orders, pdf, selectors, services
from buudien.goods.catalogue import (
    APPROVER_ROLES,
    check_warehouse_staff,
    code_clean,
    is_warehouse,
    no_price,
)
from buudien.goods.choices import ApprovalStatus, OrderStatus, PaymentMethod, TransferStatus
from buudien.goods.lines import Row
from buudien.goods.models import (
    GoodsOrder,
    Sale,
    SaleLine,
    SaleReturn,
    SaleReturnLine,
    Stocktake,
    StocktakeLine,
    Transfer,
    TransferLine,
    WriteOff,
    WriteOffLine,
)
from buudien.mail.choices import ItemStatus
from buudien.network.models import ServicePoint
from buudien.people import access
from buudien.people.choices import Role

# Who asks for write-offs and submits stocktakes (an accountant at the warehouse only).
ADJUSTERS = frozenset({Role.CLERK, Role.ADMIN, Role.ACCOUNTANT})


def can_adjust(user: Any) -> bool:
    return access.has_role(user, ADJUSTERS)


def can_approve(user: Any) -> bool:
    return access.has_role(user, APPROVER_ROLES)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise AccessDenied(message)


def _require_reader(user: Any) -> None:
    _require(selectors.can_read(user), _("Your role does not handle goods."))


def _warehouse(user: Any) -> ServicePoint:
    point = selectors.warehouse_for(user=user)
    if point is None:
        raise AccessDenied(
            _("Only the warehouse's own staff, an accountant or an administrator move its stock.")
        )
    check_warehouse_staff(user, point)
    return point


# --- home: the stock of a point --------------------------------------------------------------


@login_required
@require_GET
def index(request: HtmxHttpRequest) -> HttpResponse:
    """The stock of the user's point (or a point of their scope they choose), with its
    value, searched by barcode or name without diacritics; the actions the role may take."""
    user = request.user
    _require_reader(user)
    form = forms.PointChoiceForm(request.GET or None, user=user)
    point: ServicePoint | None = getattr(user, "point", None)
    if request.GET.get("point"):
        point = form.cleaned_data["point"] if form.is_valid() else None
        if point is None and "point" in form.errors:
            raise NotFound(_("No such service point."), field="point")
    elif point is None:
        point = selectors.warehouse_for(user=user)
    if point is not None:
        form.initial["point"] = point.code
    q = str(request.GET.get("q", ""))[:60]
    context: dict[str, Any] = {"form": form, "point": point, "q": q}
    if point is not None:
        rows = selectors.stock_search(point=point, q=q)
        totals = selectors.stock_at(point=point).aggregate(
            quantity=Sum("quantity"), value=Sum("value")
        )
        context |= {"totals": totals, **paged(request, rows, 50)}
    if request.htmx and request.htmx.target == "stock-rows":
        return render(request, "goods/partials/_stock_rows.html", context)
    warehouse = selectors.warehouse_for(user=user)
    context |= {
        "can_sell": selectors.can_sell(user),
        "warehouse": warehouse,
        "can_adjust": can_adjust(user),
        "can_approve": can_approve(user),
    }
    return render(request, "goods/index.html", context)


# --- the lines editor (htmx) -----------------------------------------------------------------


def _lines_point(request: HttpRequest, kind: str) -> ServicePoint | None:
    """The point whose stock the lines show: the one the page names (in the user's
    scope), else the user's own, else the warehouse for the warehouse's documents."""
    code = code_clean(request.GET.get("point") or request.GET.get("at"), 16)
    if code:
        try:
            return selectors.point_visible(user=request.user, code=code)
        except NotFound:
            return None
    if kind in (lines.RECEIPT, lines.TRANSFER):
        return selectors.warehouse_for(user=request.user)
    return getattr(request.user, "point", None)


def _lines_asked(request: HttpRequest) -> tuple[str, str, ServicePoint | None, list[Row]]:
    """The kind of document, the province, the point and the lines the editor sent."""
    user = request.user
    _require(selectors.can_sell(user) or can_adjust(user), _("Your role does not handle goods."))
    kind = str(request.GET.get("kind", ""))
    kind = kind if kind in lines.KINDS else lines.SALE
    return kind, forms.province_of(user), _lines_point(request, kind), lines.rows_from(request.GET)


@login_required
@require_GET
def lines_part(request: HttpRequest) -> HttpResponse:
    """The lines of a document being written: a code scanned (or chosen by name) added,
    a line removed, the quantities as typed; with each product's price, stock and total."""
    kind, province, point, rows = _lines_asked(request)
    today = local_today()
    if "remove" in request.GET:
        rows = lines.rows_drop(rows, request.GET["remove"])
    lines.rows_fill(rows, province=province, point=point, day=today, kind=kind)
    scan_error = ""
    added = code_clean(request.GET.get("add"))
    if added:
        try:
            found = selectors.product_by_barcode(province_code=province, barcode=added, day=today)
            if not found.product.is_active:
                scan_error = _("%(product)s is no longer sold.") % {"product": found.product.name}
            elif kind == lines.SALE and found.price is None:
                scan_error = no_price(found.product, today)
            else:
                lines.row_add(rows, found.product, kind)
        except DomainError as exc:
            scan_error = str(exc.message)
    elif request.GET.get("all") and point is not None:
        held = {row.product.pk for row in rows if row.product is not None}
        for level in selectors.stock_at(point=point):
            if level.product_id not in held:
                rows.append(Row(len(rows), level.product.barcode or level.product.code))
    lines.rows_fill(rows, province=province, point=point, day=today, kind=kind)
    return render(
        request,
        "goods/partials/_lines.html",
        _lines_context(rows, kind, point, scan_error=scan_error, oob=True),
    )


@login_required
@require_GET
def lines_totals(request: HttpRequest) -> HttpResponse:
    """The figures of the lines as typed (each line's amount, what is short, the total),
    swapped in place so that no input is replaced while the clerk types."""
    kind, province, point, rows = _lines_asked(request)
    lines.rows_fill(rows, province=province, point=point, day=local_today(), kind=kind)
    return render(request, "goods/partials/_lines_totals.html", _lines_context(rows, kind, point))


def _lines_context(
    rows: list[Row],
    kind: str,
    point: ServicePoint | None,
    *,
    general: list[str] | None = None,
    scan_error: str = "",
    oob: bool = False,
) -> dict[str, Any]:
    totals = [row.total for row in rows if row.total is not None]
    return {
        "rows": rows,
        "kind": kind,
        "at": point.code if point is not None else "",
        "lines_total": sum(totals) if totals else 0,
        "units": sum(row.count or 0 for row in rows),
        "general": general or [],
        "scan_error": scan_error,
        "oob": oob,
    }


@login_required
@require_GET
def find(request: HttpRequest) -> HttpResponse:
    """Products found by name typed without diacritics (or by code), to add to the lines."""
    user = request.user
    _require(selectors.can_sell(user) or can_adjust(user), _("Your role does not handle goods."))
    kind = str(request.GET.get("kind", ""))
    kind = kind if kind in lines.KINDS else lines.SALE
    q = str(request.GET.get("q", ""))[:60]
    found = (
        selectors.product_search(
            province_code=forms.province_of(user), q=q, day=local_today(), limit=20
        )
        if q.strip()
        else []
    )
    return render(request, "goods/partials/_found.html", {"found": found, "kind": kind, "q": q})


# --- a document with lines: the sale, the warehouse's documents, write-offs, stocktakes -------


def _document_page(
    request: HttpRequest,
    *,
    form: django_forms.Form,
    kind: str,
    point: ServicePoint | None,
    perform: Callable[[str, list[dict[str, Any]]], Any],
    done: Callable[[Any], HttpResponse],
    said: Callable[[Any], str],
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """The page of a document made of lines: on a valid post ``perform(token, lines)``;
    a refusal goes next to its line or field, every problem at once."""
    rows = lines.rows_from(request.POST) if request.method == "POST" else []
    general: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = perform(form.cleaned_data["token"], lines.service_lines(rows, kind))
        except DomainError as exc:
            general = lines.errors_place(form, rows, exc)
        else:
            messages.success(request, said(result))
            return done(result)
    lines.rows_fill(
        rows, province=forms.province_of(request.user), point=point, day=local_today(), kind=kind
    )
    return render(
        request,
        template,
        {"form": form, **_lines_context(rows, kind, point, general=general), **context},
    )


def _chosen_point(form: forms.GoodsForm) -> ServicePoint | None:
    """The point a document is written at: the user's own, or the one chosen (as posted)."""
    if form.own_point is not None:
        return form.own_point
    field = form.fields["point"]
    assert isinstance(field, django_forms.ModelChoiceField)
    code = code_clean(form.data.get("point"), 16)
    if not code or field.queryset is None:
        return None
    found: ServicePoint | None = field.queryset.filter(code=code).first()
    return found


def _at_point(form: forms.GoodsForm) -> ServicePoint:
    point = _chosen_point(form)
    if point is None:
        raise DomainError(_("Choose the service point."), field="point")
    return point


def _point_page(
    request: HttpRequest,
    form: forms.GoodsForm,
    make: Callable[..., Any],
    *,
    kind: str = lines.SALE,
    done: Callable[[Any], HttpResponse],
    said: Callable[[Any], str],
    template: str,
) -> HttpResponse:
    """The page of a document of lines at the clerk's point (or the one chosen): ``make``
    is the service, given the form's data."""

    def perform(token: str, wanted: list[dict[str, Any]]) -> Any:
        return make(
            actor=request.user,
            point=_at_point(form),
            idempotency_key=token,
            lines=wanted,
            **form.data_for_service(),
        )

    return _document_page(
        request,
        form=form,
        kind=kind,
        point=_chosen_point(form),
        perform=perform,
        done=done,
        said=said,
        template=template,
        context={},
    )


@login_required
@require_http_methods(["GET", "POST"])
def sale(request: HttpRequest) -> HttpResponse:
    """A sale at the counter: scan (or find by name) each product, check the quantities,
    take the cash; on success the sale's page with its receipt to print."""
    user = request.user
    _require(selectors.can_sell(user), _("Only a counter clerk or an administrator sells goods."))
    return _point_page(
        request,
        forms.SaleForm(request.POST or None, user=user),
        services.sale_make,
        done=lambda row: redirect("goods:sale_detail", number=row.reference),
        said=lambda row: (
            _("Sale %(number)s recorded: %(total)s. Print the receipt.")
            % {"number": row.reference, "total": format_vnd(row.total)}
        ),
        template="goods/sale.html",
    )


def _sale_full(request: HttpRequest, number: str) -> Sale:
    found = selectors.sale_get(user=request.user, number=number)
    return (
        Sale.objects.select_related("point", "created_by")
        .prefetch_related(
            Prefetch("lines", queryset=SaleLine.objects.select_related("product").order_by("pk")),
            Prefetch(
                "returns",
                queryset=SaleReturn.objects.select_related("created_by")
                .prefetch_related(
                    Prefetch(
                        "lines",
                        queryset=SaleReturnLine.objects.select_related(
                            "sale_line__product"
                        ).order_by("pk"),
                    )
                )
                .order_by("pk"),
            ),
        )
        .get(pk=found.pk)
    )


@login_required
@require_GET
def sale_detail(request: HttpRequest, number: str) -> HttpResponse:
    _require_reader(request.user)
    found = _sale_full(request, number)
    sold = list(found.lines.all())
    left = any(line.quantity > line.returned for line in sold)
    transfer = None
    if found.payment_method == PaymentMethod.VIETQR:
        requests = PaymentRequest.objects.filter(
            province_code=found.province_code, kind="goods", reference=found.reference
        ).exclude(status=PaymentStatus.CANCELLED)
        transfer = (
            requests.filter(status=PaymentStatus.CONFIRMED).first()
            or requests.order_by("-pk").first()
        )
    return render(
        request,
        "goods/sale_detail.html",
        {
            "sale": found,
            "sold": sold,
            "returns": list(found.returns.all()),
            "may_return": left and selectors.can_sell(request.user),
            "transfer": transfer,
            # A return above the amount a clerk gives back alone, waiting, and the decisions.
            "cancel": cancel_panel(
                kind=services.SALE_RETURN,
                record=found,
                allowed=False,
                action="",
                title=_("Take goods back"),
            ),
        },
    )


@login_required
@require_GET
def sale_receipt(request: HttpRequest, number: str) -> HttpResponse:
    _require_reader(request.user)
    found = _sale_full(request, number)
    return pdf_response(
        pdf.sale_receipt_pdf(found, list(found.lines.all())), f"{found.reference}.pdf"
    )


# --- orders sent by parcel, cash on delivery --------------------------------------------------


@login_required
@require_GET
def orders_list(request: HttpRequest) -> HttpResponse:
    """The orders of the points in the user's scope, newest first: each with its parcel and
    what became of it (on its way, paid on delivery, back in stock)."""
    user = request.user
    _require_reader(user)
    status = str(request.GET.get("status", ""))
    rows = (
        GoodsOrder.objects.select_related("sale", "sale__point", "item", "buyer_commune")
        .filter(access.scope_q(user, "sale__point__unit_path"))
        .order_by("-sale_id")
    )
    if status in OrderStatus.values:
        rows = rows.filter(status=status)
    return render(
        request,
        "goods/orders.html",
        {
            "status": status,
            "statuses": OrderStatus.choices,
            "can_sell": selectors.can_sell(user),
            **paged(request, rows, 50),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def order_new(request: HttpRequest) -> HttpResponse:
    """Goods ordered at the counter or by phone: scan the products, say who and where to;
    the goods are sold and a parcel posted to the buyer, cash on delivery."""
    user = request.user
    _require(selectors.can_sell(user), _("Only a counter clerk or an administrator sells goods."))
    return _point_page(
        request,
        forms.OrderForm(request.POST or None, user=user),
        orders.order_take,
        done=lambda row: redirect("goods:order", number=row.sale.reference),
        said=lambda row: (
            _("Order %(number)s taken: parcel %(s10)s, %(cod)s to collect on delivery.")
            % {
                "number": row.sale.reference,
                "s10": row.item.s10,
                "cod": format_vnd(row.cod_amount),
            }
        ),
        template="goods/order_new.html",
    )


def _order_page(request: HttpRequest, order: GoodsOrder, form: Any = None) -> HttpResponse:
    item = order.item
    may_return = (
        order.status == OrderStatus.SENT
        and item.status == ItemStatus.RETURNED
        and selectors.can_sell(request.user)
    )
    return render(
        request,
        "goods/order.html",
        {
            "order": order,
            "sale": order.sale,
            "item": item,
            "sold": list(order.sale.lines.select_related("product").order_by("pk")),
            "may_return": may_return,
            "form": form or forms.ReturnForm(),
        },
    )


@login_required
@require_GET
def order(request: HttpRequest, number: str) -> HttpResponse:
    _require_reader(request.user)
    return _order_page(request, orders.order_get(user=request.user, number=number))


@login_required
@require_POST
def order_return(request: HttpRequest, number: str) -> HttpResponse:
    """The parcel of an order came back: its goods checked back into stock."""
    user = request.user
    _require(selectors.can_sell(user), _("Only a counter clerk or an administrator sells goods."))
    found = orders.order_get(user=user, number=number)
    form = forms.ReturnForm(request.POST)
    if form.is_valid():
        try:
            orders.order_return(actor=user, order=found, idempotency_key=form.cleaned_data["token"])
        except DomainError as exc:
            if exc.status == 404:
                raise
            form.add_error(None, str(exc.message))
        else:
            messages.success(
                request,
                _("The goods of order %(number)s are back in stock.")
                % {"number": found.sale.reference},
            )
            return redirect("goods:order", number=found.sale.reference)
    return _order_page(request, found, form)


# --- returns ---------------------------------------------------------------------------------


@login_required
@require_GET
def returns(request: HttpRequest) -> HttpResponse:
    """Find a sale by the number on its receipt (scanned or typed) to take goods back."""
    user = request.user
    _require(
        selectors.can_sell(user), _("Only a counter clerk or an administrator takes goods back.")
    )
    form = forms.ReturnFindForm(request.GET or None)
    if form.is_bound and form.is_valid() and form.cleaned_data["number"]:
        number = services.reference_clean(form.cleaned_data["number"])
        try:
            found = selectors.sale_get(user=user, number=number)
        except NotFound as exc:
            form.add_error("number", str(exc.message))
        else:
            return redirect("goods:sale_return", number=found.reference)
    return render(request, "goods/returns.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def sale_return(request: HttpRequest, number: str) -> HttpResponse:
    """The goods of one sale brought back: a quantity per line (never more than was sold
    less what came back already), the reason; the money back from the drawer."""
    user = request.user
    _require(
        selectors.can_sell(user), _("Only a counter clerk or an administrator takes goods back.")
    )
    found = _sale_full(request, number)
    sold = list(found.lines.all())
    form = forms.ReturnForm(request.POST or None)
    typed = {line.pk: str(request.POST.get(f"back-{line.pk}", ""))[:12] for line in sold}
    asked = [line for line in sold if typed[line.pk].strip() not in ("", "0")]
    rows = [Row(index, line.product.code, typed[line.pk]) for index, line in enumerate(asked)]
    general: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = services.sale_return_ask(
                actor=user,
                point=found.point,
                idempotency_key=form.cleaned_data["token"],
                sale=found,
                lines=lines.service_lines(rows, lines.SALE),
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            if exc.status == 404 and exc.field != "sale":
                raise
            general = lines.errors_place(form, rows, exc)
            general += [str(e) for e in form.errors.pop("__all__", [])]
        else:
            if result.done:
                back = result.record
                messages.success(
                    request,
                    _("Return %(number)s recorded: pay %(total)s back to the customer.")
                    % {"number": back.reference, "total": format_vnd(back.total)},
                )
            else:  # above the amount: a director or an accountant approves it first
                messages.info(request, result.said())
            return redirect("goods:sale_detail", number=found.reference)
    errors = {line.pk: row.errors for line, row in zip(asked, rows, strict=True)}
    table = [
        {
            "line": line,
            "typed": typed[line.pk],
            "left": line.quantity - line.returned,
            "errors": errors.get(line.pk, []),
        }
        for line in sold
    ]
    confirm = _(
        "Take goods of sale %(number)s (%(total)s) back and pay their money back? Above "
        "%(limit)s a director or an accountant approves it first."
    ) % {
        "number": found.reference,
        "total": format_vnd(found.total),
        "limit": format_vnd(cancellations.threshold()),
    }
    return render(
        request,
        "goods/sale_return.html",
        {"sale": found, "form": form, "table": table, "general": general, "confirm": confirm},
    )


# --- the warehouse: receipts from suppliers, transfers to the points --------------------------


@login_required
@require_http_methods(["GET", "POST"])
def receipt_new(request: HttpRequest) -> HttpResponse:
    """Goods received from a supplier at the provincial warehouse (phiếu nhập kho)."""
    user = request.user
    warehouse = _warehouse(user)
    form = forms.ReceiptForm(request.POST or None, user=user)

    def perform(token: str, wanted: list[dict[str, Any]]) -> Any:
        data = form.cleaned_data
        return services.receipt_make(
            actor=user,
            point=warehouse,
            idempotency_key=token,
            supplier=data["supplier"],
            supplier_document=data["supplier_document"],
            lines=wanted,
        )

    return _document_page(
        request,
        form=form,
        kind=lines.RECEIPT,
        point=warehouse,
        perform=perform,
        done=lambda row: redirect(
            f"{reverse('goods:index')}?{urlencode({'point': warehouse.code})}"
        ),
        said=lambda row: (
            _("Goods receipt %(number)s recorded: %(value)s at cost.")
            % {"number": row.reference, "value": format_vnd(row.total)}
        ),
        template="goods/receipt_new.html",
        context={"warehouse": warehouse},
    )


@login_required
@require_http_methods(["GET", "POST"])
def transfer_new(request: HttpRequest) -> HttpResponse:
    """Goods sent from the warehouse to a point, with the delivery note to print."""
    user = request.user
    warehouse = _warehouse(user)
    form = forms.TransferForm(request.POST or None, user=user)

    def perform(token: str, wanted: list[dict[str, Any]]) -> Transfer:
        return services.transfer_send(
            actor=user,
            point=warehouse,
            idempotency_key=token,
            to_point=form.cleaned_data["to_point"],
            lines=wanted,
        )

    return _document_page(
        request,
        form=form,
        kind=lines.TRANSFER,
        point=warehouse,
        perform=perform,
        done=lambda row: redirect("goods:transfer", number=row.reference),
        said=lambda row: (
            _("Transfer %(number)s sent to %(point)s. Print the delivery note.")
            % {"number": row.reference, "point": row.to_point.name}
        ),
        template="goods/transfer_new.html",
        context={"warehouse": warehouse},
    )


@login_required
@require_GET
def transfers(request: HttpRequest) -> HttpResponse:
    """Transfers awaiting receipt at the user's point (every point of their scope for who
    has none), and the latest ones."""
    user = request.user
    _require_reader(user)
    rows = selectors.transfers_visible(user=user)
    waiting = rows.filter(status=TransferStatus.SENT)
    own = getattr(user, "point", None)
    if own is not None and not is_warehouse(own):
        waiting = waiting.filter(to_point=own)
    return render(
        request,
        "goods/transfers.html",
        {
            "waiting": list(waiting[:100]),
            "warehouse": selectors.warehouse_for(user=user),
            **paged(request, rows, 30),
        },
    )


def _may_receive(user: Any, transfer: Transfer) -> bool:
    if transfer.status != TransferStatus.SENT or not selectors.can_sell(user):
        return False
    if user.role == Role.ADMIN or user.is_superuser:
        return access.in_scope(user, transfer.to_point.unit_path)
    return bool(user.point_id == transfer.to_point_id)


def _transfer_lines(transfer: Transfer) -> list[TransferLine]:
    return list(transfer.lines.select_related("product").order_by("pk"))


@login_required
@require_GET
def transfer(request: HttpRequest, number: str) -> HttpResponse:
    _require_reader(request.user)
    found = selectors.transfer_get(user=request.user, number=number)
    return render(
        request,
        "goods/transfer.html",
        {
            "transfer": found,
            "moved": _transfer_lines(found),
            "may_receive": _may_receive(request.user, found),
        },
    )


@login_required
@require_POST
def transfer_receive(request: HttpRequest, number: str) -> HttpResponse:
    """The goods of a transfer received at its point, by its clerk; never twice."""
    _require_reader(request.user)
    found = selectors.transfer_get(user=request.user, number=number)
    try:
        row = services.transfer_receive(actor=request.user, transfer=found)
    except DomainError as exc:
        if exc.status != 400:
            raise
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("Transfer %(number)s received: the goods are in the stock of %(point)s.")
            % {"number": row.reference, "point": row.to_point.name},
        )
    return redirect("goods:transfer", number=found.reference)


@login_required
@require_GET
def delivery_note(request: HttpRequest, number: str) -> HttpResponse:
    _require_reader(request.user)
    found = selectors.transfer_get(user=request.user, number=number)
    return pdf_response(
        pdf.delivery_note_pdf(found, _transfer_lines(found)), f"{found.reference}.pdf"
    )


# --- write-offs and stocktakes ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def write_off_new(request: HttpRequest) -> HttpResponse:
    """Goods to write off (damaged, expired, lost) at a point, with the reason: booked
    when an accountant approves."""
    user = request.user
    _require(can_adjust(user), _("Your role does not handle goods."))
    return _point_page(
        request,
        forms.ReasonForm(request.POST or None, user=user),
        adjustments.write_off_request,
        kind=lines.WRITE_OFF,
        done=lambda row: redirect("goods:write_off", number=row.reference),
        said=lambda row: (
            _("Write-off %(number)s asked for: an accountant approves it.")
            % {"number": row.reference}
        ),
        template="goods/write_off_new.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def stocktake_new(request: HttpRequest) -> HttpResponse:
    """The goods counted at a point: the differences are booked when an accountant
    approves."""
    user = request.user
    _require(can_adjust(user), _("Your role does not handle goods."))
    return _point_page(
        request,
        forms.StocktakeForm(request.POST or None, user=user),
        adjustments.stocktake_submit,
        kind=lines.STOCKTAKE,
        done=lambda row: redirect("goods:stocktake", number=row.reference),
        said=lambda row: (
            _("Stocktake %(number)s submitted: an accountant approves its differences.")
            % {"number": row.reference}
        ),
        template="goods/stocktake_new.html",
    )


def _adjustment_page(request: HttpRequest, row: WriteOff | Stocktake, items: Any) -> HttpResponse:
    user = request.user
    may_approve = (
        row.status == ApprovalStatus.REQUESTED
        and can_approve(user)
        and row.created_by_id != user.pk
    )
    return render(
        request,
        "goods/adjustment.html",
        {
            "doc": row,
            "items": items,
            "is_stocktake": isinstance(row, Stocktake),
            "may_approve": may_approve,
        },
    )


@login_required
@require_GET
def write_off(request: HttpRequest, number: str) -> HttpResponse:
    _require_reader(request.user)
    found = selectors.write_off_get(user=request.user, number=number)
    items = WriteOffLine.objects.filter(write_off=found).select_related("product").order_by("pk")
    return _adjustment_page(request, found, items)


@login_required
@require_GET
def stocktake(request: HttpRequest, number: str) -> HttpResponse:
    _require_reader(request.user)
    found = selectors.stocktake_get(user=request.user, number=number)
    items = StocktakeLine.objects.filter(stocktake=found).select_related("product").order_by("pk")
    return _adjustment_page(request, found, items)


@login_required
@require_GET
def approvals(request: HttpRequest) -> HttpResponse:
    """Write-offs and stocktakes of the accountant's scope awaiting approval."""
    user = request.user
    _require(can_approve(user), _("Only an accountant approves write-offs and stocktakes."))
    write_offs = selectors.pending_approval(user=user, model=WriteOff).prefetch_related(
        Prefetch("lines", queryset=WriteOffLine.objects.select_related("product").order_by("pk"))
    )
    stocktakes = selectors.pending_approval(user=user, model=Stocktake).prefetch_related(
        Prefetch("lines", queryset=StocktakeLine.objects.select_related("product").order_by("pk"))
    )
    return render(
        request,
        "goods/approvals.html",
        {"write_offs": list(write_offs[:100]), "stocktakes": list(stocktakes[:100])},
    )


def _approve(request: HttpRequest, action: Callable[[], Any], number: str) -> HttpResponse:
    try:
        row = action()
    except DomainError as exc:
        if exc.status != 400:
            raise
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("%(number)s approved and booked.") % {"number": row.reference})
    return redirect("goods:approvals")


@login_required
@require_POST
def write_off_approve(request: HttpRequest, number: str) -> HttpResponse:
    _require(can_approve(request.user), _("Only an accountant approves write-offs and stocktakes."))
    found = selectors.write_off_get(user=request.user, number=number)
    return _approve(
        request,
        lambda: adjustments.write_off_approve(actor=request.user, write_off=found),
        number,
    )


@login_required
@require_POST
def stocktake_approve(request: HttpRequest, number: str) -> HttpResponse:
    _require(can_approve(request.user), _("Only an accountant approves write-offs and stocktakes."))
    found = selectors.stocktake_get(user=request.user, number=number)
    return _approve(
        request,
        lambda: adjustments.stocktake_approve(actor=request.user, stocktake=found),
        number,
    )
