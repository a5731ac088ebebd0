"""/api/payouts/: payout lists (import a file, read, close), their lines (search, read, pay)
and the receipts of payments. Money is an integer number of đồng. Paying needs an
``Idempotency-Key`` header: a retry with the same key answers the payment already made. A
refused import answers 400 with every problem: ``errors`` is a list of ``{row, column,
reason}``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from buudien.core.bizdays import VIETNAM, local_today
from buudien.core.errors import DomainError, NotFound
from buudien.core.imports import ImportFailed, upload_check
from buudien.counter.api import idempotency_key
from buudien.payouts import selectors, services
from buudien.payouts.importers import list_import_file
from buudien.payouts.models import Payer, Payment, PayoutLine, PayoutList
from buudien.payouts.receipts import receipt_pdf

router = Router(tags=["payouts"])

MAX_FILE_BYTES = 20 * 1024 * 1024


class PayerOut(Schema):
    code: str
    name: str
    province_code: str
    service: str
    bank: str
    commission_per_line: int
    commission_rate_bp: int


class PointProgressOut(Schema):
    point_code: str
    point_name: str
    lines: int
    amount: int
    paid_count: int
    paid_amount: int
    unpaid_count: int
    unpaid_amount: int
    returned_count: int
    returned_amount: int


class ListOut(Schema):
    id: int
    code: str
    province_code: str
    payer: str
    payer_name: str
    service: str
    period: str = Field(..., description="YYYY-MM")
    status: str
    reference: str
    line_count: int
    total_amount: int
    commission_total: int
    paid_count: int
    paid_amount: int
    unpaid_count: int
    unpaid_amount: int
    returned_count: int
    returned_amount: int
    created_at: dt.datetime
    closed_at: dt.datetime | None


class ListDetailOut(ListOut):
    points: list[PointProgressOut]


class PaymentOut(Schema):
    paid_at: dt.datetime
    point_code: str
    clerk: str
    by_proxy: bool
    proxy_name: str
    proxy_citizen_id: str
    proxy_document: str
    entry_id: int | None


class LineOut(Schema):
    id: int
    code: str
    list_id: int
    list_code: str
    period: str
    service: str
    payer_name: str
    number: int
    beneficiary_name: str
    citizen_id: str
    amount: int
    commission: int
    point_code: str
    address: str
    phone: str
    line_reference: str
    status: str
    payment: PaymentOut | None


class PayIn(Schema):
    presented_id: str = Field(
        ..., max_length=20, description="The number typed from the ID card presented."
    )
    proxy_name: str = Field("", max_length=200)
    proxy_citizen_id: str = Field("", max_length=20)
    proxy_document: str = Field("", max_length=50, description="The authorisation's number.")


class ReceiptOut(Schema):
    line_id: int
    line_code: str
    beneficiary_name: str
    amount: int
    paid_at: dt.datetime
    point_code: str
    by_proxy: bool
    receipt_url: str


def _payer_out(payer: Payer) -> dict[str, Any]:
    return {
        "code": payer.code,
        "name": payer.name,
        "province_code": payer.province_code,
        "service": payer.service,
        "bank": payer.bank,
        "commission_per_line": payer.commission_per_line,
        "commission_rate_bp": payer.commission_rate_bp,
    }


def _list_out(payout_list: PayoutList, progress: list[selectors.PointProgress]) -> dict[str, Any]:
    return {
        "id": payout_list.pk,
        "code": payout_list.code,
        "province_code": payout_list.province_code,
        "payer": payout_list.payer.code,
        "payer_name": payout_list.payer.name,
        "service": payout_list.service,
        "period": f"{payout_list.period:%Y-%m}",
        "status": payout_list.status,
        "reference": payout_list.reference,
        "line_count": payout_list.line_count,
        "total_amount": payout_list.total_amount,
        "commission_total": payout_list.commission_total,
        "paid_count": sum(p.paid_count for p in progress),
        "paid_amount": sum(p.paid_amount for p in progress),
        "unpaid_count": sum(p.unpaid_count for p in progress),
        "unpaid_amount": sum(p.unpaid_amount for p in progress),
        "returned_count": sum(p.returned_count for p in progress),
        "returned_amount": sum(p.returned_amount for p in progress),
        "created_at": payout_list.created_at,
        "closed_at": payout_list.closed_at,
        "points": progress,
    }


def _list_detail(request: HttpRequest, payout_list: PayoutList) -> dict[str, Any]:
    found = selectors.list_get(user=request.user, list_id=payout_list.pk)
    return _list_out(found, selectors.list_progress(user=request.user, payout_list=found))


def _payment_out(payment: Payment) -> dict[str, Any]:
    return {
        "paid_at": payment.paid_at,
        "point_code": payment.point.code,
        "clerk": str(payment.clerk) if payment.clerk else "",
        "by_proxy": payment.by_proxy,
        "proxy_name": payment.proxy_name,
        "proxy_citizen_id": payment.proxy_citizen_id,
        "proxy_document": payment.proxy_document,
        "entry_id": payment.entry_id,
    }


def _line_out(line: PayoutLine, user: Any) -> dict[str, Any]:
    payment = getattr(line, "payment", None) if line.status == "paid" else None
    line = selectors.personal_hidden(user, line)
    return {
        "id": line.pk,
        "code": line.code,
        "list_id": line.payout_list_id,
        "list_code": line.payout_list.code,
        "period": f"{line.payout_list.period:%Y-%m}",
        "service": line.payout_list.service,
        "payer_name": line.payout_list.payer.name,
        "number": line.number,
        "beneficiary_name": line.beneficiary_name,
        "citizen_id": line.citizen_id,
        "amount": line.amount,
        "commission": line.commission,
        "point_code": line.point.code,
        "address": line.address,
        "phone": line.phone,
        "line_reference": line.line_reference,
        "status": line.status,
        "payment": _payment_out(payment) if payment is not None else None,
    }


def _period(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return services.period_parse(value)
    except ValueError as exc:
        raise DomainError(str(exc), field="period") from None


@router.get("/payers", response=list[PayerOut], summary="Payers you may import lists of")
def payers_list(request: HttpRequest) -> Any:
    return [_payer_out(p) for p in selectors.payer_list(user=request.user)]


@router.get("/lists", response=list[ListOut], summary="Payout lists with their progress")
def lists_list(
    request: HttpRequest,
    period: str | None = None,
    payer: str | None = None,
    status: str | None = None,
) -> Any:
    found = selectors.list_list(
        user=request.user,
        period=_period(period),
        payer=selectors.payer_get(user=request.user, code=payer) if payer else None,
        status=status or "",
    )[:500]
    result = []
    for item in found:
        data = _list_out(item, [])
        data.update(
            paid_count=item.paid_count,  # type: ignore[attr-defined]
            paid_amount=item.paid_amount,  # type: ignore[attr-defined]
            unpaid_count=item.unpaid_count,  # type: ignore[attr-defined]
            unpaid_amount=item.unpaid_amount,  # type: ignore[attr-defined]
            returned_count=item.returned_lines,  # type: ignore[attr-defined]
            returned_amount=item.returned_amount,
        )
        result.append(data)
    return result


@router.post(
    "/lists",
    response={201: ListDetailOut},
    summary="Import a payer's monthly list (CSV or .xlsx), all or nothing, and fund it",
)
def lists_import(
    request: HttpRequest,
    file: File[UploadedFile],
    payer: Form[str],
    period: Form[str],
    reference: Form[str] = "",
) -> Any:
    upload_check(file, max_bytes=MAX_FILE_BYTES)
    found_payer = selectors.payer_get(user=request.user, code=payer)
    try:
        payout_list = list_import_file(
            file,
            actor=request.user,
            payer=found_payer,
            period=_period(period),
            reference=reference[:100],
            name=file.name or "",
        )
    except ImportFailed as exc:
        raise DomainError(
            exc.message,
            field="file",
            errors=[{"row": e.row, "column": e.column, "reason": e.reason} for e in exc.errors],
        ) from exc
    assert payout_list is not None
    return Status(201, _list_detail(request, payout_list))


@router.get("/lists/{list_id}", response=ListDetailOut, summary="A payout list, per pay point")
def lists_get(request: HttpRequest, list_id: int) -> Any:
    return _list_detail(request, selectors.list_get(user=request.user, list_id=list_id))


@router.post(
    "/lists/{list_id}/close",
    response=ListDetailOut,
    summary="Close a list: return its unpaid lines to the payer (idempotent)",
)
def lists_close(request: HttpRequest, list_id: int) -> Any:
    closed = services.list_close(actor=request.user, list_id=list_id)
    return _list_detail(request, closed)


@router.get("/lines", response=list[LineOut], summary="Search lines by citizen ID or name")
def lines_search(
    request: HttpRequest,
    q: str = "",
    list_id: int | None = None,
    status: str | None = None,
    point: str | None = None,
) -> Any:
    payout_list = selectors.list_get(user=request.user, list_id=list_id) if list_id else None
    lines = selectors.line_list(
        user=request.user,
        payout_list=payout_list,
        q=q[:100],
        status=status or "",
        point_code=point or "",
    )
    return [_line_out(line, request.user) for line in lines[:200]]


@router.get("/lines/{line_id}", response=LineOut, summary="One line")
def lines_get(request: HttpRequest, line_id: int) -> Any:
    return _line_out(selectors.line_get(user=request.user, line_id=line_id), request.user)


@router.post(
    "/lines/{line_id}/pay",
    response={201: LineOut},
    summary="Pay a line at your counter (Idempotency-Key header required)",
)
def lines_pay(request: HttpRequest, line_id: int, payload: PayIn) -> Any:
    key = idempotency_key(request)
    proxy = services.Proxy(
        name=payload.proxy_name,
        citizen_id=payload.proxy_citizen_id,
        document=payload.proxy_document,
    )
    payment = services.line_pay(
        actor=request.user,
        line_id=line_id,
        presented_id=payload.presented_id,
        idempotency_key=key,
        proxy=proxy,
    )
    line = selectors.line_get(user=request.user, line_id=payment.line_id)
    return Status(201, _line_out(line, request.user))


@router.get("/lines/{line_id}/receipt.pdf", summary="The receipt of a paid line (A6 PDF)")
def lines_receipt(request: HttpRequest, line_id: int) -> HttpResponse:
    line = selectors.line_get(user=request.user, line_id=line_id)
    if line.status != "paid":
        raise NotFound(_("Line %(line)s has not been paid.") % {"line": line.code})
    response = HttpResponse(receipt_pdf(line), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{line.code}.pdf"'
    return response


@router.get("/receipts", response=list[ReceiptOut], summary="Payments of a day at a point")
def receipts_list(
    request: HttpRequest, day: dt.date | None = None, point: str | None = None
) -> Any:
    """The payments made on ``day`` (today by default) at ``point`` (your own by default)
    that you may see, each with the address of its receipt."""
    the_day = day or local_today()
    own = selectors.user_point(request.user)
    code = point or (own.code if own else "")
    start = dt.datetime.combine(the_day, dt.time(), tzinfo=VIETNAM)
    lines = (
        selectors.line_list(user=request.user, status="paid", point_code="")
        .filter(payment__paid_at__gte=start, payment__paid_at__lt=start + dt.timedelta(days=1))
        .order_by("payment__paid_at")
    )
    if code:
        lines = lines.filter(payment__point__code=code)
    return [
        {
            "line_id": line.pk,
            "line_code": line.code,
            "beneficiary_name": line.beneficiary_name,
            "amount": line.amount,
            "paid_at": line.payment.paid_at,
            "point_code": line.payment.point.code,
            "by_proxy": line.payment.by_proxy,
            "receipt_url": f"/api/payouts/lines/{line.pk}/receipt.pdf",
        }
        for line in lines[:500]
    ]
