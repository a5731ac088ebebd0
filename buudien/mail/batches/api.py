"""/api/mail/batches: a customer's list of items (bảng kê), accepted all or nothing, as JSON
or as a CSV/.xlsx file, and the labels of its items in one PDF. A refused list answers 400
with every problem: ``errors`` is a list of ``{row, column, reason}`` (rows numbered from 1
in the order of ``items``; the file's own row numbers for a file)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import StrictInt

from buudien.core.errors import DomainError, NotFound
from buudien.core.imports import ImportFailed, upload_check
from buudien.mail.acceptance.pricing import MAX_AMOUNT
from buudien.mail.acceptance.schemas import (
    COMMUNE_CODE,
    MAX_WEIGHT_G,
    POINT_CODE,
    AddOnCode,
    ItemListOut,
    Side,
)
from buudien.mail.batches.importers import batches_import
from buudien.mail.batches.labels import items_for_labels, labels_pdf
from buudien.mail.batches.services import MAX_ROWS, BatchResult, BatchRow, items_accept_batch
from buudien.mail.choices import Kt1Grade, Kt1Urgency, MailService
from buudien.network.choices import AdminAreaStructure
from buudien.network.geography_selectors import commune_get
from buudien.network.models import AdminArea, ServicePoint

# Each operation_id is the one the schema gave before mail was split by stage (module
# ``buudien.mail.batch_api``), so clients generated from /api/openapi.json keep their names.
router = Router(tags=["mail"])

MAX_FILE_BYTES = 10 * 1024 * 1024


class BatchItemIn(Schema):
    recipient_name: str = Field(..., max_length=200)
    recipient_phone: str = Field("", max_length=20)
    recipient_address: str = Field(..., max_length=300)
    recipient_commune_code: str = Field(..., pattern=COMMUNE_CODE)
    recipient_commune_structure: AdminAreaStructure = AdminAreaStructure.V2025
    weight_g: StrictInt = Field(..., gt=0, le=MAX_WEIGHT_G)
    length_mm: Side = 0
    width_mm: Side = 0
    height_mm: Side = 0
    declared_value: StrictInt = Field(0, ge=0, le=MAX_AMOUNT)
    cod_amount: StrictInt = Field(0, ge=0, le=MAX_AMOUNT)
    addons: list[AddOnCode] = Field(default_factory=list, max_length=10)
    kt1_grade: Kt1Grade | None = None
    kt1_urgency: Kt1Urgency = Kt1Urgency.NORMAL
    kt1_deadline: dt.datetime | None = None


class BatchIn(Schema):
    service: MailService
    point_code: str | None = Field(
        None, pattern=POINT_CODE, description="The accepting point; the user's own by default."
    )
    sender_name: str = Field(..., max_length=200)
    sender_phone: str = Field("", max_length=20)
    sender_address: str = Field("", max_length=300)
    reference: str = Field("", max_length=100, description="The customer's number of the list.")
    key: str = Field(
        "",
        max_length=100,
        description="Names the list once: a list sent again under the same key is refused.",
    )
    items: list[BatchItemIn] = Field(..., min_length=1, max_length=MAX_ROWS)


class BatchOut(Schema):
    key: str
    reference: str
    entry_ids: list[int]  # the ledger entries: one per item with a price, in list order
    count: int
    total: int
    vat: int
    items: list[ItemListOut]


class BatchesOut(Schema):
    count: int
    total: int
    vat: int
    lists: list[BatchOut]


class LabelsIn(Schema):
    s10: list[Annotated[str, Field(max_length=20)]] = Field(..., min_length=1, max_length=MAX_ROWS)
    size: Literal["100x150", "a6"] = "100x150"


def _point(request: HttpRequest, code: str | None) -> ServicePoint:
    if code:
        point = ServicePoint.objects.select_related("unit").filter(code=code).first()
        if point is None:
            raise NotFound(_("No such service point."), field="point_code")
        return point
    point = getattr(request.user, "point", None)
    if point is None:
        raise DomainError(
            _("Say at which service point the items are accepted."), field="point_code"
        )
    return point


def refused(exc: ImportFailed) -> DomainError:
    """The problems of a refused list as plain data for the answer."""
    return DomainError(
        exc.message,
        field="items",
        errors=[
            {"row": error.row, "column": error.column, "reason": error.reason}
            for error in exc.errors
        ],
    )


def _rows(payload: BatchIn) -> list[BatchRow]:
    """The rows, with their communes; an unknown commune is the row's problem."""
    codes: dict[tuple[str, str], AdminArea | None] = {}
    problems = []
    rows = []
    for index, item in enumerate(payload.items, start=1):
        key = (str(item.recipient_commune_structure), item.recipient_commune_code)
        if key not in codes:
            try:
                codes[key] = commune_get(structure=key[0], code=key[1])
            except DomainError:
                codes[key] = None
        if codes[key] is None:
            problems.append(
                {
                    "row": index,
                    "column": "recipient_commune_code",
                    "reason": _("There is no commune with code %(code)s in that structure.")
                    % {"code": item.recipient_commune_code},
                }
            )
        rows.append(
            BatchRow(
                recipient_name=item.recipient_name,
                recipient_phone=item.recipient_phone,
                recipient_address=item.recipient_address,
                recipient_commune=codes[key],
                weight_g=item.weight_g,
                length_mm=item.length_mm,
                width_mm=item.width_mm,
                height_mm=item.height_mm,
                declared_value=item.declared_value,
                cod_amount=item.cod_amount,
                addons=tuple(item.addons),
                kt1_grade=item.kt1_grade or "",
                kt1_urgency=item.kt1_urgency,
                kt1_deadline=item.kt1_deadline,
            )
        )
    if problems:
        raise DomainError(
            _("Nothing was accepted: the list has problems."), field="items", errors=problems
        )
    return rows


def _out(result: BatchResult) -> dict[str, Any]:
    return {
        "key": result.key,
        "reference": result.reference,
        "entry_ids": [entry.pk for entry in result.entries],
        "count": len(result.items),
        "total": result.total,
        "vat": result.vat,
        "items": result.items,
    }


@router.post(
    "",
    response={201: BatchOut},
    summary="Accept a customer's list of items, all or nothing",
    operation_id="buudien_mail_batch_api_batches_accept",
)
def batches_accept(request: HttpRequest, payload: BatchIn) -> Any:
    point = _point(request, payload.point_code)
    rows = _rows(payload)
    try:
        result = items_accept_batch(
            actor=request.user,
            point=point,
            service=payload.service,
            sender_name=payload.sender_name,
            sender_phone=payload.sender_phone,
            sender_address=payload.sender_address,
            rows=rows,
            reference=payload.reference,
            key=payload.key,
            columns={"recipient_commune": "recipient_commune_code", "point": "point_code"},
        )
    except ImportFailed as exc:
        raise refused(exc) from exc
    return Status(201, _out(result))


@router.post(
    "/file",
    response={201: BatchesOut},
    summary="Accept the lists of a CSV or .xlsx file (the import kind items), all or nothing",
    operation_id="buudien_mail_batch_api_batches_accept_file",
)
def batches_accept_file(
    request: HttpRequest, file: File[UploadedFile], reference: Form[str] = ""
) -> Any:
    upload_check(file, max_bytes=MAX_FILE_BYTES)
    try:
        results = batches_import(
            file, actor=request.user, reference=reference[:100], name=file.name or ""
        )
    except ImportFailed as exc:
        raise refused(exc) from exc
    return Status(
        201,
        {
            "count": sum(len(r.items) for r in results),
            "total": sum(r.total for r in results),
            "vat": sum(r.vat for r in results),
            "lists": [_out(r) for r in results],
        },
    )


@router.post(
    "/labels.pdf",
    summary="The labels of several items in one PDF, a page each",
    operation_id="buudien_mail_batch_api_batches_labels",
)
def batches_labels(request: HttpRequest, payload: LabelsIn) -> HttpResponse:
    items = items_for_labels(user=request.user, numbers=payload.s10)
    pdf = labels_pdf(items, size=payload.size, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="labels-{payload.size}.pdf"'
    return response
