"""/api/cashdesk/: a drawer's day, closings and their decisions, cash handed to the bank,
COD owed to senders and paid out. Operations that move money take an ``Idempotency-Key``
header (or an ``idempotency_key`` field): a retry returns what the first request did."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import StrictInt

from buudien.cashdesk import selectors, services
from buudien.cashdesk.choices import ClosingStatus, HandoverKind, HandoverStatus, PayoutMethod
from buudien.cashdesk.models import CashClosing, CashHandover, CodPayout
from buudien.core.bizdays import local_today
from buudien.core.errors import DomainError
from buudien.counter.api import payload_arguments
from buudien.network.models import ServicePoint

router = Router(tags=["cashdesk"])


# --- schemas -----------------------------------------------------------------------------------


class DrawerDayOut(Schema):
    point: str
    drawer: str
    day: dt.date
    opening: int
    receipts: int
    payments: int
    closing: int


class ClosingIn(Schema):
    point: str = Field(..., max_length=16)
    business_date: dt.date | None = Field(None, description="Today by default.")
    counts: dict[str, StrictInt] = Field(
        ..., description='Notes per denomination in đồng, e.g. {"500000": 4, "10000": 3}.'
    )
    coins: StrictInt = Field(0, description="Coins and small change, in đồng.")
    note: str = Field("", max_length=500)


class DecisionIn(Schema):
    recounts: StrictInt | None = Field(
        None, description="The count you looked at (refused if recounted since)."
    )
    note: str = Field("", max_length=500)


class ClosingOut(Schema):
    id: int
    point: str = Field(..., alias="point.code")
    business_date: dt.date
    status: ClosingStatus
    counts: dict[str, int]
    coins: int
    counted_total: int
    opening: int
    receipts: int
    payments: int
    expected: int
    difference: int
    recounts: int
    note: str
    counted_at: dt.datetime
    decided_at: dt.datetime | None
    decision_note: str
    entry_id: int | None


class HandoverIn(Schema):
    idempotency_key: str | None = Field(None, max_length=100)
    point: str = Field(..., max_length=16)
    amount: StrictInt
    bank: str = Field("", max_length=32, description="The bank's short code, e.g. vietinbank.")
    to_point: str | None = Field(None, max_length=16, description="Or another counter's safe.")
    slip: str = Field("", max_length=64)


class HandoverOut(Schema):
    id: int
    point: str = Field(..., alias="point.code")
    kind: HandoverKind
    bank: str
    to_point: str | None = Field(None, alias="to_point.code")
    amount: int
    slip: str
    business_date: dt.date
    created_at: dt.datetime
    status: HandoverStatus = Field(
        ...,
        description="pending: in cash in transit, waiting for the receiving point's "
        "confirmation or an accountant's approval; confirmed: received; refused: back in "
        "the drawer.",
    )
    decided_at: dt.datetime | None
    refusal: str
    entry_id: int = Field(..., description="Out of the drawer.")
    settled_entry_id: int | None = Field(
        None, description="Out of cash in transit: received, or back into the drawer."
    )


class RefusalIn(Schema):
    reason: str = Field(..., max_length=services.REFUSAL_MAX)


class SenderOwedOut(Schema):
    point: str
    sender_name: str
    sender_phone: str
    items: int
    total: int


class OwedItemOut(Schema):
    s10: str
    service: str
    sender_name: str
    sender_phone: str
    cod_amount: int
    delivered_at: dt.datetime | None


class PayoutIn(Schema):
    idempotency_key: str | None = Field(None, max_length=100)
    items: list[str] = Field(..., min_length=1, max_length=services.MAX_PAYOUT_ITEMS)
    method: PayoutMethod
    bank: str = Field("", max_length=32)
    payee_name: str = Field("", max_length=200)
    payee_id_number: str = Field("", max_length=20)
    payee_account: str = Field("", max_length=40)


class PayoutLineOut(Schema):
    s10: str = Field(..., alias="item.s10")
    amount: int


class PayoutOut(Schema):
    id: int
    number: str
    method: PayoutMethod
    point: str
    bank: str
    sender_name: str
    sender_phone: str
    payee_name: str
    total: int
    item_count: int
    business_date: dt.date
    paid_at: dt.datetime
    entry_id: int
    lines: list[PayoutLineOut]


def _closing(closing: CashClosing) -> CashClosing:
    return CashClosing.objects.select_related("point").get(pk=closing.pk)


def _payout(payout: CodPayout) -> dict[str, Any]:
    lines = list(payout.lines.select_related("item").order_by("item__s10"))
    return {
        "id": payout.pk,
        "number": payout.number,
        "method": payout.method,
        "point": payout.point.code,
        "bank": payout.bank,
        "sender_name": payout.sender_name,
        "sender_phone": payout.sender_phone,
        "payee_name": payout.payee_name,
        "total": payout.total,
        "item_count": payout.item_count,
        "business_date": payout.business_date,
        "paid_at": payout.paid_at,
        "entry_id": payout.entry_id,
        "lines": lines,
    }


# --- drawers and closings ----------------------------------------------------------------------


@router.get("/drawers/{point}", response=DrawerDayOut, summary="A drawer's day on the ledger")
def drawer_get(request: HttpRequest, point: str, day: dt.date | None = None) -> Any:
    found = selectors.point_get(user=request.user, code=point)
    books = selectors.drawer_day(point=found, day=day or local_today())
    return {
        "point": found.code,
        "drawer": books.drawer.code,
        "day": books.day,
        "opening": books.opening,
        "receipts": books.receipts,
        "payments": books.payments,
        "closing": books.closing,
    }


@router.get("/closings", response=list[ClosingOut], summary="Closings you may see")
def closings_list(
    request: HttpRequest,
    point: str | None = None,
    status: ClosingStatus | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> Any:
    found = selectors.point_get(user=request.user, code=point) if point else None
    closings = selectors.closing_list(
        user=request.user,
        point=found,
        status=status or "",
        date_from=date_from,
        date_to=date_to,
    )
    return closings[:500]


@router.post("/closings", response={201: ClosingOut}, summary="Submit the count of a drawer")
def closings_submit(request: HttpRequest, payload: ClosingIn) -> Any:
    """The clerk of the point counts its drawer. The same count again returns the closing; a
    different one replaces a count not yet decided; a final closing is never changed."""
    point = selectors.point_get(user=request.user, code=payload.point)
    closing = services.closing_submit(
        actor=request.user, point=point, **payload.dict(exclude={"point"})
    )
    return Status(201, _closing(closing))


@router.get("/closings/{closing_id}", response=ClosingOut, summary="One closing")
def closings_get(request: HttpRequest, closing_id: int) -> Any:
    return selectors.closing_get(user=request.user, closing_id=closing_id)


@router.post(
    "/closings/{closing_id}/approve", response=ClosingOut, summary="Approve and book a difference"
)
def closings_approve(request: HttpRequest, closing_id: int, payload: DecisionIn) -> Any:
    """An accountant of the point's subtree. Approving twice books once."""
    closing = services.closing_approve(
        actor=request.user, closing_id=closing_id, recounts=payload.recounts, note=payload.note
    )
    return _closing(closing)


@router.post("/closings/{closing_id}/reject", response=ClosingOut, summary="Ask for a recount")
def closings_reject(request: HttpRequest, closing_id: int, payload: DecisionIn) -> Any:
    closing = services.closing_reject(
        actor=request.user, closing_id=closing_id, recounts=payload.recounts, note=payload.note
    )
    return _closing(closing)


# --- cash handed over --------------------------------------------------------------------------


@router.post("/handovers", response={201: HandoverOut}, summary="Cash to the bank or a safe")
def handovers_create(request: HttpRequest, payload: HandoverIn) -> Any:
    point = selectors.point_get(user=request.user, code=payload.point)
    to_point = None
    if payload.to_point:
        to_point = ServicePoint.objects.filter(
            code=payload.to_point, province_code=point.province_code
        ).first()
        if to_point is None:
            raise DomainError(_("No such service point."), field="to_point")
    done = services.handover_record(
        **payload_arguments(
            request, payload, key_field="idempotency_key", exclude=frozenset({"point", "to_point"})
        ),
        point=point,
        to_point=to_point,
    )
    return Status(201, _handover(done))


def _handover(handover: CashHandover) -> CashHandover:
    return CashHandover.objects.select_related("point", "to_point").get(pk=handover.pk)


@router.get("/handovers", response=list[HandoverOut], summary="Handovers you may see")
def handovers_list(
    request: HttpRequest,
    point: str | None = None,
    status: HandoverStatus | None = None,
    awaiting: bool = False,
) -> Any:
    """Newest first; ``point``: out of its drawer. ``awaiting``: only those in transit that
    wait for you to confirm or approve, oldest first."""
    if awaiting:
        return selectors.handovers_awaiting(user=request.user)[:500]
    found = selectors.point_get(user=request.user, code=point) if point else None
    return selectors.handover_list(user=request.user, point=found, status=status or "")[:500]


@router.get("/handovers/{handover_id}", response=HandoverOut, summary="One handover")
def handovers_get(request: HttpRequest, handover_id: int) -> Any:
    return selectors.handover_get(user=request.user, handover_id=handover_id)


@router.post(
    "/handovers/{handover_id}/confirm",
    response=HandoverOut,
    summary="Confirm cash received at a safe",
)
def handovers_confirm(request: HttpRequest, handover_id: int) -> Any:
    """A clerk of the receiving point, or a director or an accountant over it; never who
    recorded it. Confirming twice books once."""
    return _handover(services.handover_confirm(actor=request.user, handover_id=handover_id))


@router.post(
    "/handovers/{handover_id}/approve",
    response=HandoverOut,
    summary="Approve a deposit at the bank",
)
def handovers_approve(request: HttpRequest, handover_id: int) -> Any:
    """An accountant or a director of the point's units; never who recorded it. Approving
    twice books once."""
    return _handover(services.handover_approve(actor=request.user, handover_id=handover_id))


@router.post(
    "/handovers/{handover_id}/refuse",
    response=HandoverOut,
    summary="Refuse a handover: the cash goes back into the drawer",
)
def handovers_refuse(request: HttpRequest, handover_id: int, payload: RefusalIn) -> Any:
    return _handover(
        services.handover_refuse(actor=request.user, handover_id=handover_id, reason=payload.reason)
    )


# --- COD ---------------------------------------------------------------------------------------


@router.get("/cod/owed", response=list[SenderOwedOut], summary="COD owed, per sender")
def cod_owed(request: HttpRequest, point: str | None = None, q: str = "") -> Any:
    found = selectors.point_get(user=request.user, code=point) if point else None
    return [
        {
            "point": o.point_code,
            "sender_name": o.sender_name,
            "sender_phone": o.sender_phone,
            "items": o.items,
            "total": o.total,
        }
        for o in selectors.cod_owed_by_sender(user=request.user, point=found, q=q[:100])
    ]


@router.get("/cod/owed/{point}/items", response=list[OwedItemOut], summary="Items owed")
def cod_owed_items(
    request: HttpRequest,
    point: str,
    sender_name: str | None = None,
    sender_phone: str | None = None,
) -> Any:
    found = selectors.point_get(user=request.user, code=point)
    return selectors.cod_owed_items(
        user=request.user, point=found, sender_name=sender_name, sender_phone=sender_phone
    )[:1000]


@router.post("/cod/payouts", response={201: PayoutOut}, summary="Pay COD to a sender")
def cod_payouts_create(request: HttpRequest, payload: PayoutIn) -> Any:
    """Cash at the counter where the items were posted (its clerk) or a bank transfer (an
    accountant). Each item's COD is paid once; a retry with the same key returns the payout."""
    payout = services.cod_payout(**payload_arguments(request, payload, key_field="idempotency_key"))
    return Status(201, _payout(payout))


@router.get("/cod/payouts/{payout_id}", response=PayoutOut, summary="One COD payout")
def cod_payouts_get(request: HttpRequest, payout_id: int) -> Any:
    return _payout(selectors.payout_get(user=request.user, payout_id=payout_id))
