"""/api/mail/: acceptance, items, price quotes, labels and receipts."""

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from buudien.core.bizdays import local_today
from buudien.core.errors import DomainError, NotFound
from buudien.core.money import amount_in_words
from buudien.counter.api import IDEMPOTENCY_HEADER
from buudien.counter.views import pdf_response
from buudien.mail import selectors
from buudien.mail.acceptance import labels, pricing, services
from buudien.mail.acceptance.schemas import (
    ItemFilters,
    ItemIn,
    ItemListOut,
    ItemOut,
    QuoteIn,
    QuoteOut,
)
from buudien.network.geography_selectors import commune_get
from buudien.network.models import AdminArea, ServicePoint

# Each operation_id is the one the schema gave before mail was split by stage (module
# ``buudien.mail.api``), so clients generated from /api/openapi.json keep their names.
router = Router(tags=["mail"])


def _point(request: HttpRequest, code: str | None) -> ServicePoint:
    if code:
        point = ServicePoint.objects.select_related("unit").filter(code=code).first()
        if point is None:
            raise NotFound(_("No such service point."), field="point_code")
        return point
    point = getattr(request.user, "point", None)
    if point is None:
        raise DomainError(_("Say at which service point the item is accepted."), field="point_code")
    return point


def _commune(code: str, structure: str) -> AdminArea:
    try:
        return commune_get(structure=structure, code=code)
    except DomainError as exc:
        exc.field = "recipient_commune_code"
        raise


# ItemIn fields that item_accept takes in another shape (or not at all).
_NOT_ARGUMENTS = {
    "point_code",
    "recipient_commune_code",
    "recipient_commune_structure",
    "kt1_grade",
}


@router.post(
    "/items",
    response={201: ItemOut},
    summary="Accept an item at a counter",
    operation_id="buudien_mail_api_items_accept",
)
def items_accept(request: HttpRequest, payload: ItemIn) -> Any:
    item = services.item_accept(
        actor=request.user,
        point=_point(request, payload.point_code),
        recipient_commune=_commune(
            payload.recipient_commune_code, payload.recipient_commune_structure
        ),
        kt1_grade=payload.kt1_grade or "",
        # Optional here: a retry with the same header accepts the item once.
        idempotency_key=(request.headers.get(IDEMPOTENCY_HEADER) or "").strip(),
        **payload.dict(exclude=_NOT_ARGUMENTS),
    )
    return Status(201, item)


@router.get(
    "/items",
    response=list[ItemListOut],
    summary="List items in your scope",
    operation_id="buudien_mail_api_items_list",
)
@paginate
def items_list(request: HttpRequest, filters: Query[ItemFilters]) -> Any:
    return selectors.item_list(
        user=request.user,
        point=filters.point,
        status=filters.status or "",
        service=filters.service or "",
        date_from=filters.date_from,
        date_to=filters.date_to,
    )


@router.get(
    "/items/{s10}", response=ItemOut, summary="One item", operation_id="buudien_mail_api_items_get"
)
def items_get(request: HttpRequest, s10: str) -> Any:
    return selectors.item_get(user=request.user, s10=s10)


@router.get(
    "/items/{s10}/label.pdf",
    summary="The item's label, 100×150 mm or A6",
    operation_id="buudien_mail_api_items_label",
)
def items_label(
    request: HttpRequest, s10: str, size: Literal["100x150", "a6"] = "100x150"
) -> HttpResponse:
    item = selectors.item_get(user=request.user, s10=s10)
    return pdf_response(
        labels.label_pdf(item, size=size, request=request), f"{item.s10}-{size}.pdf"
    )


@router.get(
    "/items/{s10}/receipt.pdf",
    summary="The item's receipt, A6",
    operation_id="buudien_mail_api_items_receipt",
)
def items_receipt(request: HttpRequest, s10: str) -> HttpResponse:
    item = selectors.item_get(user=request.user, s10=s10)
    return pdf_response(labels.receipt_pdf(item, request=request), f"{item.s10}-receipt.pdf")


@router.post(
    "/quote",
    response=QuoteOut,
    auth=None,
    summary="Price an item (no login)",
    operation_id="buudien_mail_api_quote",
)
def quote(request: HttpRequest, payload: QuoteIn) -> Any:
    if payload.origin_province:
        origin = payload.origin_province.zfill(2)
    elif payload.point_code:
        origin = _point(request, payload.point_code).province_code
    else:
        raise DomainError(
            _("Give the sender's province or the accepting point."), field="origin_province"
        )
    commune = None
    if payload.recipient_commune_code:
        commune = _commune(payload.recipient_commune_code, payload.recipient_commune_structure)
    destination = payload.recipient_province.zfill(2) if payload.recipient_province else ""
    day = payload.day or local_today()
    tariff = pricing.tariff_in_force(payload.service, day)
    result = pricing.quote(
        service=payload.service,
        sender_province=origin,
        recipient_commune=commune,
        recipient_province=destination,
        weight_g=payload.weight_g,
        dims=pricing.Dims(payload.length_mm, payload.width_mm, payload.height_mm),
        declared_value=payload.declared_value,
        addons=pricing.addons_for_item(tariff, payload.addons, cod_amount=payload.cod_amount),
        day=day,
    )
    return {
        "service": payload.service,
        "day": day,
        "tariff": result.tariff.name,
        "zone": result.zone,
        "charged_weight_g": result.charged_weight_g,
        "volumetric_weight_g": result.volumetric_weight_g,
        "remote": result.remote,
        "base": result.base,
        "surcharge": result.surcharge,
        "addons": result.addons,
        "addon_lines": [
            {"code": line.code, "name": line.name, "amount": line.amount}
            for line in result.addon_lines
        ],
        "vat_rate_bp": result.vat_rate_bp,
        "vat": result.vat,
        "total": result.total,
        "total_in_words": amount_in_words(result.total, capitalize=True),
    }
