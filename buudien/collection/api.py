"""/api/collection/: partners, bills at the counter (collect, list, get, cancel, receipt),
settlements with partners, the reconciliation (JSON and .xlsx).

Writes carry an ``Idempotency-Key`` header (or the ``idempotency_key`` field): a retry with
the same key and body returns what the first request made and posts nothing again."""

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from buudien.collection import exports, receipts, selectors, services
from buudien.collection.choices import BillStatus, PaymentMethod
from buudien.collection.models import Bill, Partner, Settlement
from buudien.collection.schemas import (
    BillIn,
    BillOut,
    PartnerIn,
    PartnerOut,
    PartnerPatch,
    ReconciliationOut,
    SettlementIn,
    SettlementOut,
)
from buudien.core.bizdays import local_today
from buudien.core.errors import DomainError, NotFound
from buudien.counter.api import payload_arguments
from buudien.counter.schemas import CancelIn, CancelRequestOut
from buudien.network.models import ServicePoint

router = Router(tags=["collection"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _province(request: HttpRequest, given: str | None) -> str:
    province = given or selectors.user_province_code(request.user)
    if not province:
        raise DomainError(_("Say which province: province=NN."), field="province")
    return province


def _partner(request: HttpRequest, code: str, province: str | None) -> Partner:
    return selectors.partner_get(
        user=request.user, code=code, province_code=_province(request, province)
    )


def _bill(bill: Bill) -> Bill:
    return Bill.objects.select_related("partner", "point", "collected_by", "settlement").get(
        pk=bill.pk
    )


# --- partners ----------------------------------------------------------------------------


@router.get("/partners", response=list[PartnerOut], summary="Partners you may see")
def partners_list(
    request: HttpRequest,
    province: str | None = None,
    q: str = "",
    kind: str = "",
    active: bool | None = None,
) -> Any:
    return selectors.partner_list(
        user=request.user, province_code=province or "", q=q[:60], kind=kind[:20], active=active
    )


@router.post("/partners", response={201: PartnerOut}, summary="Add a partner")
def partners_create(request: HttpRequest, payload: PartnerIn) -> Any:
    values = payload.dict(exclude={"code", "province_code"})
    partner = services.partner_create(
        actor=request.user,
        province_code=_province(request, payload.province_code),
        code=payload.code,
        **values,
    )
    return Status(201, partner)


@router.get("/partners/{code}", response=PartnerOut, summary="One partner")
def partners_get(request: HttpRequest, code: str, province: str | None = None) -> Any:
    return _partner(request, code, province)


@router.patch("/partners/{code}", response=PartnerOut, summary="Change a partner")
def partners_update(
    request: HttpRequest, code: str, payload: PartnerPatch, province: str | None = None
) -> Any:
    partner = _partner(request, code, province)
    values = payload.dict(exclude_unset=True, exclude_none=True)
    return services.partner_update(actor=request.user, partner=partner, **values)


# --- bills -------------------------------------------------------------------------------


class BillFilters(Schema):
    point: str | None = None
    day: dt.date | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    partner: str | None = None
    province: str | None = None
    status: BillStatus | None = None
    method: PaymentMethod | None = None
    q: str = ""


@router.get("/bills", response=list[BillOut], summary="Bills you may see, newest first")
@paginate
def bills_list(request: HttpRequest, filters: Query[BillFilters]) -> Any:
    partner = _partner(request, filters.partner, filters.province) if filters.partner else None
    return selectors.bill_list(
        user=request.user,
        point=(filters.point or "")[:16] or None,
        day=filters.day,
        date_from=filters.date_from,
        date_to=filters.date_to,
        partner=partner,
        status=filters.status or "",
        method=filters.method or "",
        q=filters.q[:60],
    )


@router.post("/bills", response={201: BillOut}, summary="Collect a bill at the counter")
def bills_create(request: HttpRequest, payload: BillIn) -> Any:
    """Cash is posted at once; a transfer waits (``pending``) for the cashless app to
    confirm it (payment kind ``collection``, reference = the bill's reference)."""
    point: ServicePoint | None = None
    if payload.point_code:
        point = ServicePoint.objects.filter(code=payload.point_code).first()
        if point is None:
            raise NotFound(_("No such service point."), field="point_code")
    bill = services.bill_collect(
        **payload_arguments(
            request, payload, key_field="idempotency_key", exclude=frozenset({"point_code"})
        ),
        point=point,
    )
    # The bill as collected holds its partner, point and clerk already (a retry's, read
    # back, reads them as the answer names them).
    return Status(201, bill)


@router.get("/bills/{reference}", response=BillOut, summary="One bill")
def bills_get(request: HttpRequest, reference: str) -> Any:
    return selectors.bill_get(user=request.user, reference=reference)


@router.post(
    "/bills/{reference}/cancel",
    response={200: BillOut, 202: CancelRequestOut},
    summary="Cancel a bill today, for a reason",
)
def bills_cancel(request: HttpRequest, reference: str, payload: CancelIn) -> Any:
    """The reason is required. Above the amount a clerk cancels alone the cancellation is
    asked (202, the request): a director or an accountant approves it
    (/api/counter/cancellations)."""
    bill = selectors.bill_get(user=request.user, reference=reference)
    result = services.bill_cancel(actor=request.user, bill=bill, reason=payload.reason)
    if result.request is not None:
        return Status(202, result.request)
    return _bill(result.record)


@router.get("/bills/{reference}/receipt.pdf", summary="The customer's receipt, A6")
def bills_receipt(request: HttpRequest, reference: str) -> HttpResponse:
    bill = selectors.bill_get(user=request.user, reference=reference)
    response = HttpResponse(receipts.bill_receipt_pdf(bill), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{bill.reference}.pdf"'
    return response


# --- settlements -------------------------------------------------------------------------


def _settlement(settlement: Settlement) -> Settlement:
    return Settlement.objects.select_related("partner", "created_by").get(pk=settlement.pk)


@router.get("/settlements", response=list[SettlementOut], summary="Settlements with partners")
@paginate
def settlements_list(
    request: HttpRequest,
    partner: str | None = None,
    province: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> Any:
    found = _partner(request, partner, province) if partner else None
    return selectors.settlement_list(
        user=request.user, partner=found, date_from=date_from, date_to=date_to
    )


@router.post("/settlements", response={201: SettlementOut}, summary="Settle with a partner")
def settlements_create(request: HttpRequest, payload: SettlementIn) -> Any:
    """Pays the partner, by one bank transfer, the bills collected in the range and not
    settled yet, net of the commission. Refused when there is nothing to settle or the bank
    account does not hold the money."""
    partner = _partner(request, payload.partner, payload.province_code)
    settlement = services.settlement_create(
        **payload_arguments(
            request,
            payload,
            key_field="idempotency_key",
            exclude=frozenset({"partner", "province_code"}),
        ),
        partner=partner,
    )
    return Status(201, _settlement(settlement))


@router.get("/settlements/{settlement_id}", response=SettlementOut, summary="One settlement")
def settlements_get(request: HttpRequest, settlement_id: int) -> Any:
    return selectors.settlement_get(user=request.user, pk=settlement_id)


# --- reconciliation ----------------------------------------------------------------------


def _report(
    request: HttpRequest,
    province: str | None,
    partner: str | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
    unit: str | None,
) -> selectors.Reconciliation:
    code = _province(request, province)
    end = date_to or local_today()
    found = (
        selectors.partner_get(user=request.user, code=partner, province_code=code)
        if partner
        else None
    )
    return selectors.reconciliation(
        user=request.user,
        province_code=code,
        date_from=date_from or end.replace(day=1),
        date_to=end,
        partner=found,
        unit=(unit or "")[:32] or None,
    )


def _row(row: selectors.ReconRow) -> dict[str, Any]:
    return {
        "day": row.day,
        "partner": row.partner.code if row.partner else "",
        "count": row.count,
        "gross": row.gross,
        "commission": row.commission,
        "net": row.net,
        "fees": row.fees,
        "cancelled": row.cancelled,
        "settled_count": row.settled_count,
        "settled_net": row.settled_net,
        "unsettled_net": row.unsettled_net,
        "settled": row.settled,
        "ledger_gross": row.ledger_gross,
        "ledger_commission": row.ledger_commission,
        "ledger_net": row.ledger_net,
        "difference": row.difference,
        "matches": row.matches,
    }


@router.get(
    "/reconciliation", response=ReconciliationOut, summary="Bills against the ledger, per day"
)
def reconciliation(
    request: HttpRequest,
    province: str | None = None,
    partner: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    unit: str | None = None,
) -> Any:
    report = _report(request, province, partner, date_from, date_to, unit)
    return {
        "province_code": report.province_code,
        "date_from": report.date_from,
        "date_to": report.date_to,
        "partner": report.partner.code if report.partner else None,
        "unit": report.unit.code if report.unit else None,
        "differences": report.differences,
        "rows": [_row(row) for row in report.rows],
        "totals": _row(report.totals) if report.totals else None,
    }


@router.get("/reconciliation.xlsx", summary="The reconciliation as .xlsx")
def reconciliation_xlsx(
    request: HttpRequest,
    province: str | None = None,
    partner: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    unit: str | None = None,
) -> HttpResponse:
    report = _report(request, province, partner, date_from, date_to, unit)
    response = HttpResponse(exports.reconciliation_xlsx(report), content_type=XLSX)
    span = f"{report.date_from:%Y%m%d}-{report.date_to:%Y%m%d}"
    name = f"reconciliation-{report.province_code}-{span}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
