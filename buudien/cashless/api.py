"""/api/cashless/: payment requests (make, read, confirm, cancel), reading a VietQR payload
back, bank statement import and the cashless points."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Status
from ninja.files import UploadedFile

from buudien.cashless import registry, selectors, services, vietqr
from buudien.cashless.importers import statement_import
from buudien.cashless.models import PaymentRequest, StatementLine
from buudien.cashless.schemas import (
    CancelIn,
    ConfirmIn,
    DecodeIn,
    DecodeOut,
    LineOut,
    MatchIn,
    PointsOut,
    RequestIn,
    RequestOut,
    StatementOut,
)
from buudien.core.bizdays import local_today
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.imports import ImportFailed, upload_check
from buudien.core.pagination import MAX_OFFSET
from buudien.counter.api import counter_arguments, point_for
from buudien.network.models import ServicePoint

router = Router(tags=["cashless"])

MAX_FILE_BYTES = 10 * 1024 * 1024


def _point(request: HttpRequest, code: str | None) -> ServicePoint:
    missing = _("Say at which point: point_code.")
    return point_for(request.user, code, field="point_code", missing=missing, scoped=True)


@router.get("/kinds", response=list[str], summary="The kinds of payment a service settles")
def kinds(request: HttpRequest) -> Any:
    return registry.kinds()


@router.post("/requests", response={201: RequestOut}, summary="Make a VietQR payment request")
def request_create(request: HttpRequest, payload: RequestIn) -> Any:
    arguments = counter_arguments(
        request,
        payload,
        point_field="point_code",
        key_field="idempotency_key",
        missing=_("Say at which point: point_code."),
        scoped=True,
    )
    payment = services.payment_request_create(**arguments)
    return Status(201, services.payment_request_get(user=request.user, pk=payment.pk))


@router.get("/requests", response=list[RequestOut], summary="Payment requests you may see")
def request_list(
    request: HttpRequest,
    status: str = "",
    point: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    q: str = "",
    limit: int = 100,
    offset: Annotated[int, Field(ge=0, le=MAX_OFFSET)] = 0,
) -> Any:
    found = selectors.payment_request_list(
        user=request.user,
        point=_point(request, point) if point else None,
        status=status[:16],
        date_from=date_from,
        date_to=date_to,
        q=q[:64],
    ).select_related("bank_account")
    limit = max(1, min(limit, 500))
    return list(found[offset : offset + limit])


def _get(request: HttpRequest, request_id: int) -> PaymentRequest:
    return services.payment_request_get(user=request.user, pk=request_id)


@router.get("/requests/{request_id}", response=RequestOut, summary="One payment request")
def request_get(request: HttpRequest, request_id: int) -> Any:
    return _get(request, request_id)


@router.post(
    "/requests/{request_id}/confirm",
    response=RequestOut,
    summary="Confirm by hand that the money arrived (accountants); idempotent",
)
def request_confirm(request: HttpRequest, request_id: int, payload: ConfirmIn) -> Any:
    payment = services.payment_request_confirm(
        actor=request.user,
        request=_get(request, request_id),
        bank_reference=payload.bank_reference,
        paid_on=payload.paid_on,
        note=payload.note,
    )
    return _get(request, payment.pk)


@router.post(
    "/requests/{request_id}/cancel", response=RequestOut, summary="Cancel an unconfirmed request"
)
def request_cancel(request: HttpRequest, request_id: int, payload: CancelIn) -> Any:
    payment = services.payment_request_cancel(
        actor=request.user, request=_get(request, request_id), note=payload.note
    )
    return _get(request, payment.pk)


@router.post("/decode", response=DecodeOut, summary="Read a VietQR payload and verify its CRC")
def decode(request: HttpRequest, payload: DecodeIn) -> Any:
    try:
        decoded = vietqr.parse(payload.payload)
    except vietqr.VietQRError as exc:
        raise DomainError(
            _("Not a valid VietQR payload: %(reason)s") % {"reason": str(exc)}, field="payload"
        ) from exc
    return {"valid": True, **dataclasses.asdict(decoded)}


def _refused(exc: ImportFailed) -> DomainError:
    return DomainError(
        exc.message,
        field="file",
        errors=[
            {"row": error.row, "column": error.column, "reason": error.reason}
            for error in exc.errors
        ],
    )


def _lines(lines: list[StatementLine]) -> list[StatementLine]:
    ids = [line.pk for line in lines]
    found = {
        line.pk: line for line in StatementLine.objects.filter(pk__in=ids).select_related("request")
    }
    return [found[pk] for pk in ids]


@router.post(
    "/statements",
    response={201: StatementOut},
    summary="Import a bank statement (CSV or .xlsx; the import kind bank_statement)",
)
def statements_import(request: HttpRequest, file: File[UploadedFile]) -> Any:
    upload_check(file, max_bytes=MAX_FILE_BYTES)
    try:
        result = statement_import(file, actor=request.user, name=file.name or "")
    except ImportFailed as exc:
        raise _refused(exc) from exc
    return Status(
        201,
        {
            "matched": _lines(result.matched),
            "unmatched": _lines(result.unmatched),
            "not_related": _lines(result.not_related),
            "skipped": [{"row": row, "bank_reference": ref} for row, ref in result.skipped],
        },
    )


@router.get(
    "/statement-lines",
    response=list[LineOut],
    summary="Lines of a province's bank statements (accountants), newest first",
)
def statement_lines(
    request: HttpRequest,
    province: str | None = None,
    status: str = "",
    limit: int = 100,
    offset: Annotated[int, Field(ge=0, le=MAX_OFFSET)] = 0,
) -> Any:
    if not services.can_confirm(request.user):
        raise AccessDenied(_("Only an accountant or an administrator matches bank lines."))
    code = province or selectors.user_province(request.user)
    if not code:
        raise DomainError(_("Say which province: province=NN."), field="province")
    found = selectors.statement_line_list(
        user=request.user, province_code=code[:2], status=status[:16]
    )
    limit = max(1, min(limit, 500))
    return list(found[offset : offset + limit])


@router.get(
    "/statement-lines/{line_id}/candidates",
    response=list[RequestOut],
    summary="The open payment requests a statement line may pay, most likely first",
)
def statement_line_candidates(request: HttpRequest, line_id: int) -> Any:
    line = services.statement_line_get(user=request.user, pk=line_id)
    found = selectors.statement_line_candidates(user=request.user, lines=[line])
    return found[line.pk]


@router.post(
    "/statement-lines/{line_id}/match",
    response=LineOut,
    summary="Match a statement line by hand to a payment request, which it confirms",
)
def statement_line_match(request: HttpRequest, line_id: int, payload: MatchIn) -> Any:
    line = services.statement_line_get(user=request.user, pk=line_id)
    if payload.request_id is not None:
        payment = _get(request, payload.request_id)
    else:
        code = payload.code.strip().upper()
        found = PaymentRequest.objects.filter(province_code=line.province_code, code=code).first()
        if not code or found is None:
            raise NotFound(_("No payment request with code %(code)s.") % {"code": code or "-"})
        payment = _get(request, found.pk)
    services.statement_line_match(actor=request.user, line=line, request=payment)
    return services.statement_line_get(user=request.user, pk=line.pk)


@router.get("/points", response=PointsOut, summary="Points taking cashless payments on a day")
def points(request: HttpRequest, province: str | None = None, as_of: dt.date | None = None) -> Any:
    code = province or selectors.user_province(request.user)
    if not code:
        raise DomainError(_("Say which province: province=NN."), field="province")
    day = as_of or local_today()
    rows = selectors.cashless_point_rows(user=request.user, province_code=code, as_of=day)
    return {
        "province_code": code,
        "as_of": day,
        "count": len(rows),
        "points": [
            {
                "code": row.point.code,
                "name": row.point.name,
                "kind": row.point.kind,
                "since": row.since,
                "payments": row.payments,
                "amount": row.amount,
            }
            for row in rows
        ],
    }
