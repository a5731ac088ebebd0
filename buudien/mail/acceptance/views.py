"""Pages of the mail service: acceptance at the counter with a live price, the day's items,
an item's page with its label and receipt, and the public price calculator. Views parse,
call one service or selector, and render; the same view answers htmx with a partial."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from buudien.core.bizdays import local_today
from buudien.core.errors import AccessDenied, DomainError
from buudien.core.http import HtmxHttpRequest
from buudien.counter.views import posted
from buudien.mail import selectors
from buudien.mail.acceptance import labels, pricing, services
from buudien.mail.acceptance.forms import AcceptForm, ItemFilterForm, QuoteForm, commune_options
from buudien.mail.choices import MailService
from buudien.mail.models import PostalItem
from buudien.network.models import ServicePoint

LABEL_SIZES = tuple(labels.LABEL_SIZES)


def _public_services(user: Any) -> list[str]:
    """Every service but KT1, whose prices only KT1 operators need."""
    if selectors.can_see_kt1(user):
        return list(MailService.values)
    return [s for s in MailService.values if s != MailService.KT1]


def _user_province(user: Any) -> str:
    point = getattr(user, "point", None)
    if point is not None:
        return str(point.province_code)
    unit = getattr(user, "unit", None)
    if unit is not None and unit.province_code:
        return str(unit.province_code)
    return selectors.home_province()


def _quote_form(data: QueryDict | None, user: Any) -> QuoteForm:
    province = _user_province(user)
    return QuoteForm(
        data,
        services=_public_services(user),
        provinces=selectors.provinces_2025(),
        day=local_today(),
        province_code=province,
        initial={"origin_province": province, "service": MailService.REGISTERED},
    )


def _price(form: QuoteForm) -> tuple[pricing.Quote | None, str]:
    """The quote of a valid form, or the reason there is none."""
    if not form.is_valid():
        return None, ""
    data = form.cleaned_data
    day = local_today()
    try:
        tariff = pricing.tariff_in_force(data["service"], day)
        return (
            pricing.quote(
                service=data["service"],
                sender_province=data["origin_province"],
                recipient_commune=data.get("recipient_commune"),
                recipient_province=data.get("recipient_province") or "",
                weight_g=data["weight_g"],
                dims=form.dims(),
                declared_value=data.get("declared_value") or 0,
                addons=pricing.addons_for_item(
                    tariff, data.get("addons") or [], cod_amount=data.get("cod_amount") or 0
                ),
                day=day,
            ),
            "",
        )
    except DomainError as exc:
        return None, str(exc.message)


def _problems(form: QuoteForm) -> list[str]:
    """The form's errors on what was filled in; a field not filled in yet is no error in a
    price preview."""
    if not form.is_bound:
        return []
    problems: list[str] = []
    for name, errors in form.errors.items():
        if name != "__all__" and form.data.get(form.add_prefix(name)) in (None, ""):
            continue
        problems.extend(str(error) for error in errors)
    return problems


def _quote_context(form: QuoteForm) -> dict[str, Any]:
    result, refusal = _price(form)
    return {
        "form": form,
        "quote": result,
        "refusal": refusal,
        "problems": _problems(form),
        "day": local_today(),
    }


@require_GET
def price(request: HtmxHttpRequest) -> HttpResponse:
    """The public price calculator: anyone, no login."""
    form = _quote_form(request.GET or None, request.user)
    context = _quote_context(form)
    template = "mail/partials/_quote.html" if request.htmx else "mail/price.html"
    return render(request, template, context)


@require_POST
def quote(request: HtmxHttpRequest) -> HttpResponse:
    """The price of what the acceptance form (or the calculator) holds so far."""
    data = request.POST.copy()
    if not data.get("origin_province"):
        pk = _pk(data.get("point"))
        point = ServicePoint.objects.filter(pk=pk).first() if pk is not None else None
        data["origin_province"] = point.province_code if point else _user_province(request.user)
    form = _quote_form(data, request.user)
    context = _quote_context(form)
    template = "mail/partials/_quote.html" if request.htmx else "mail/price.html"
    return render(request, template, context)


def _pk(value: Any) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) < 12 else None


@require_GET
def communes(request: HttpRequest) -> HttpResponse:
    """The options of the commune select: a search over both structures (no login; the
    geography is public)."""
    q = request.GET.get("q", "")[:60].replace("\x00", "")
    province = request.GET.get("province", "")[:2]
    found = selectors.commune_search(q=q, province_code=province if province.isdigit() else "")
    return render(
        request,
        "mail/partials/_commune_options.html",
        {"options": commune_options(found), "q": q},
    )


@login_required
@require_http_methods(["GET", "POST"])
def accept(request: HtmxHttpRequest) -> HttpResponse:
    user = request.user
    if not selectors.services_acceptable_by(user):
        raise AccessDenied(_("Only a counter clerk or an administrator may accept items."))
    day = local_today()
    initial: dict[str, Any] = {"point": getattr(user, "point", None)}
    form = AcceptForm(
        request.POST or None,
        user=user,
        day=day,
        province_code=_user_province(user),
        initial=initial,
    )
    answer = posted(
        request,
        form,
        act=lambda: services.item_accept(actor=user, **form.service_data()),
        done=lambda item: redirect("mail:item", s10=item.s10),
        said=lambda item: (
            _("Item %(s10)s accepted. Print its label and receipt.") % {"s10": item.s10}
        ),
    )
    return answer or render(
        request,
        "mail/accept.html",
        {
            "form": form,
            "day": day,
            "kt1": MailService.KT1 in selectors.services_acceptable_by(user),
        },
    )


@login_required
@require_GET
def items(request: HtmxHttpRequest) -> HttpResponse:
    """The items of a day (today by default) at a point (the user's own by default)."""
    user = request.user
    own_point = getattr(user, "point", None)
    data = request.GET.copy() if request.GET else QueryDict(mutable=True)
    if "day" not in data:
        data["day"] = local_today().isoformat()
    if "point" not in data and own_point is not None:
        data["point"] = own_point.code
    form = ItemFilterForm(data, user=user)
    filters: dict[str, Any] = {"day": local_today()}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    queryset = selectors.item_list(user=user, **filters)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    query = data.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "total": page.paginator.count,
        "query": query.urlencode(),
        "day": filters.get("day"),
        "can_accept": bool(selectors.services_acceptable_by(user)),
    }
    template = "mail/partials/_item_rows.html" if request.htmx else "mail/items.html"
    return render(request, template, context)


@login_required
@require_GET
def item_detail(request: HttpRequest, s10: str) -> HttpResponse:
    """One item, with its price, its events and the links to print its label and receipt."""
    item: PostalItem = selectors.item_get(user=request.user, s10=s10)
    events = item.events.select_related("point").order_by("occurred_at", "id")
    return render(
        request,
        "mail/item.html",
        {
            "item": item,
            "events": events,
            "net": item.price_total - item.price_vat,
            "vat_rate": pricing.rate_text(item.tariff.vat_rate_bp),
            "tracking_url": labels.tracking_url(item, request),
            "can_accept": bool(selectors.services_acceptable_by(request.user)),
        },
    )


def _pdf(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
@require_GET
def item_label(request: HttpRequest, s10: str) -> HttpResponse:
    size = request.GET.get("size", "100x150")
    if size not in LABEL_SIZES:
        size = "100x150"
    item = selectors.item_get(user=request.user, s10=s10)
    return _pdf(labels.label_pdf(item, size=size, request=request), f"{item.s10}-{size}.pdf")


@login_required
@require_GET
def item_receipt(request: HttpRequest, s10: str) -> HttpResponse:
    item = selectors.item_get(user=request.user, s10=s10)
    return _pdf(labels.receipt_pdf(item, request=request), f"{item.s10}-receipt.pdf")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("mail:items")
