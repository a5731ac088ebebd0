"""/api/telecom/: the operators, top-ups and card codes (e-PIN) sold at a counter, the stock
of codes, the operators' files imported, the figures of a year.

A sale takes an ``Idempotency-Key`` header (a retry returns what was recorded; the same key
with another body is refused). The answer to a code sale is the only read that gives the
codes in clear, once: a retry of it, or any later read, gives them masked. A clerk sells at
their own point; an accountant or an administrator imports codes; everyone reads their scope.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from buudien.core.errors import DomainError
from buudien.core.imports import ImportFailed, upload_check
from buudien.counter.api import counter_arguments
from buudien.counter.schemas import CancelIn, CancelRequestOut
from buudien.goods.catalogue import code_clean
from buudien.telecom import figures, selectors, services
from buudien.telecom.importers import pins_import
from buudien.telecom.models import Pin, PinSale, Topup
from buudien.telecom.schemas import (
    BatchOut,
    FiguresOut,
    OperatorOut,
    PinSaleIn,
    PinSaleOut,
    StockOut,
    TopupIn,
    TopupOut,
)

router = Router(tags=["telecom"])


def _province(request: HttpRequest, given: str | None = None) -> str:
    code = code_clean(given, 2) if given else selectors.province_of(request.user)
    if not code:
        raise DomainError(_("Say which province: province=NN."), field="province")
    return code


def _topup(row: Topup) -> dict[str, Any]:
    return {
        "reference": row.reference,
        "point": row.point.code,
        "business_date": row.business_date,
        "created_at": row.created_at,
        "operator": row.operator.code,
        "phone": row.phone,
        "amount": row.amount,
        "commission": row.commission,
        "cancelled": row.is_cancelled,
        "cancel_reason": row.cancel_reason,
    }


def _pin_sale(sale: PinSale, shown: list[Pin] | None) -> dict[str, Any]:
    pins = shown if shown is not None else list(sale.pins.order_by("id"))
    return {
        "reference": sale.reference,
        "point": sale.point.code,
        "business_date": sale.business_date,
        "created_at": sale.created_at,
        "operator": sale.operator.code,
        "face_value": sale.face_value,
        "quantity": sale.quantity,
        "amount": sale.amount,
        "commission": sale.commission,
        "shown": shown is not None,
        "pins": [
            {
                "serial": pin.serial,
                "face_value": pin.face_value,
                "masked": pin.masked,
                "code": pin.code if shown is not None else None,
            }
            for pin in pins
        ],
    }


@router.get("/operators", response=list[OperatorOut], summary="The mobile operators")
def operators_list(request: HttpRequest, province: str | None = None) -> Any:
    selectors.require_reader(request.user)
    return [
        {
            "code": op.code,
            "name": op.name,
            "prefixes": op.prefix_list(),
            "topup_commission_bp": op.topup_commission_bp,
            "pin_commission_bp": op.pin_commission_bp,
        }
        for op in selectors.operator_list(province_code=_province(request, province))
    ]


@router.post("/topups", response={201: TopupOut}, summary="Top up a subscriber's account")
def topups_sell(request: HttpRequest, payload: TopupIn) -> Any:
    """Paid in cash; the operator is the one owning the number's prefix (when given, it must
    be)."""
    payload.point = code_clean(payload.point, 16) or None
    row = services.topup_sell(**counter_arguments(request, payload))
    return Status(201, _topup(row))


@router.get("/topups/{reference}", response=TopupOut, summary="A top-up")
def topups_get(request: HttpRequest, reference: str) -> Any:
    found = selectors.sale_get(user=request.user, reference=reference)
    if not isinstance(found, Topup):
        raise DomainError(_("%(reference)s is not a top-up.") % {"reference": reference})
    return _topup(found)


@router.post(
    "/topups/{reference}/cancel",
    response={200: TopupOut, 202: CancelRequestOut},
    summary="Cancel a top-up, for a reason",
)
def topups_cancel(request: HttpRequest, reference: str, payload: CancelIn) -> Any:
    """The same business day only: its entry is reversed. The reason is required; above the
    amount a clerk cancels alone the cancellation is asked (202, the request) and done when a
    director or an accountant approves it (/api/counter/cancellations)."""
    found = selectors.sale_get(user=request.user, reference=reference)
    if not isinstance(found, Topup):
        raise DomainError(_("%(reference)s is not a top-up.") % {"reference": reference})
    result = services.topup_cancel(actor=request.user, topup=found, reason=payload.reason)
    if result.request is not None:
        return Status(202, result.request)
    return _topup(result.record)


@router.post("/pin-sales", response={201: PinSaleOut}, summary="Sell card codes (e-PIN)")
def pin_sales_sell(request: HttpRequest, payload: PinSaleIn) -> Any:
    """The codes are in clear in this answer only (``shown``); a retry gives them masked."""
    payload.point = code_clean(payload.point, 16) or None
    sale = services.pins_sell(**counter_arguments(request, payload))
    return Status(201, _pin_sale(sale, services.codes_reveal(actor=request.user, sale=sale)))


@router.get("/pin-sales/{reference}", response=PinSaleOut, summary="A code sale (masked)")
def pin_sales_get(request: HttpRequest, reference: str) -> Any:
    sale = selectors.pin_sale_get(user=request.user, reference=reference)
    services.codes_access(actor=request.user, sale=sale, how="read")
    return _pin_sale(sale, None)


@router.get("/pins/stock", response=list[StockOut], summary="Codes in stock")
def pins_stock(request: HttpRequest, province: str | None = None) -> Any:
    """Per operator and face value: available and sold."""
    return [
        {
            "operator": one.operator.code,
            "operator_name": one.operator.name,
            "face_value": one.face_value,
            "available": one.available,
            "sold": one.sold,
        }
        for one in selectors.pin_stock(
            user=request.user, province_code=_province(request, province)
        )
    ]


@router.post("/pins/import", response={201: BatchOut}, summary="Import an operator's codes")
def pins_upload(request: HttpRequest, file: File[UploadedFile], operator: Form[str]) -> Any:
    """A CSV or .xlsx with serial, code, face_value; all or nothing, every problem by row and
    column under ``errors``."""
    upload_check(file)
    selectors.require_importer(request.user)
    chosen = services.operator_get(_province(request), operator)
    try:
        batch = pins_import(file, actor=request.user, operator=chosen, name=file.name or "")
    except ImportFailed as exc:
        raise DomainError(
            exc.message,
            field="file",
            errors=[{"row": e.row, "column": e.column, "reason": e.reason} for e in exc.errors],
        ) from exc
    return Status(
        201,
        {
            "id": batch.pk,
            "operator": chosen.code,
            "count": batch.count,
            "total": batch.total,
            "face_value": batch.face_value,
            "received_at": batch.received_at,
        },
    )


@router.get("/figures", response=FiguresOut, summary="Sales and commission of a year")
def figures_of_year(
    request: HttpRequest, year: int, unit: str | None = None, province: str | None = None
) -> Any:
    """Per operator, kind, month, child unit and point, against last year; the BĐVHX."""
    selectors.require_reader(request.user)
    return figures.year_summary(
        user=request.user,
        province_code=_province(request, province),
        year=year,
        unit_code=code_clean(unit, 32) or None,
    )
