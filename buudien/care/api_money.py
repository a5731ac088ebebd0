"""The money of customer care in the API (a router the care router attaches): the
compensations, one proposed for an upheld complaint, approved by an accountant, paid once
(the ``Idempotency-Key`` header: a retry returns the payment made), and a refund through
the service a complaint was about."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import StrictInt

from buudien.care import selectors_money as selectors
from buudien.care import services_money as services
from buudien.care.models import Compensation, CompensationPayment
from buudien.counter.api import idempotency_key, point_for

router = Router(tags=["care"])


class ProposeIn(Schema):
    rule: str = Field("", description="whole, declared, partial or delay; empty: the ground's.")
    loss_bp: StrictInt = Field(10_000, description="The share lost, 1 to 10000 (partial).")
    amount: StrictInt | None = Field(None, description="Đồng; empty: the most the rules allow.")


class PayIn(Schema):
    method: str = Field("cash", description="cash (at a counter) or transfer (an accountant).")
    point: str | None = Field(None, description="The point's code; empty: your own counter.")
    bank: str = ""
    payee_name: str = ""
    payee_account: str = ""


class CompensationOut(Schema):
    request: str
    rule: str
    charge: int
    declared_value: int
    loss_bp: int
    amount_max: int
    amount: int
    status: str
    proposed_at: dt.datetime
    approved_at: dt.datetime | None
    paid_on: dt.date | None
    entry_id: int | None
    payment_reference: str | None


class RefundOut(Schema):
    request: str
    steps: list[str]


def _out(row: Compensation) -> dict[str, Any]:
    payment = CompensationPayment.objects.filter(compensation=row).only("reference").first()
    return {
        "request": row.request.code,
        "rule": row.rule,
        "charge": row.charge,
        "declared_value": row.declared_value,
        "loss_bp": row.loss_bp,
        "amount_max": row.amount_max,
        "amount": row.amount,
        "status": row.status,
        "proposed_at": row.proposed_at,
        "approved_at": row.approved_at,
        "paid_on": row.paid_on,
        "entry_id": row.entry_id,
        "payment_reference": payment.reference if payment is not None else None,
    }


@router.get("/compensations", response=list[CompensationOut], summary="Compensations")
def compensation_list(request: HttpRequest, status: str = "") -> Any:
    return [
        _out(row) for row in selectors.compensation_list(user=request.user, status=status)[:500]
    ]


@router.get("/compensations/{code}", response=CompensationOut, summary="One compensation")
def compensation_get(request: HttpRequest, code: str) -> Any:
    return _out(selectors.compensation_get(user=request.user, code=code))


@router.post(
    "/requests/{code}/compensation",
    response={201: CompensationOut},
    summary="Propose the compensation of an upheld complaint",
)
def compensation_propose(request: HttpRequest, code: str, payload: ProposeIn) -> Any:
    row = selectors.request_for_compensation(user=request.user, code=code)
    made = services.compensation_propose(actor=request.user, request=row, **payload.dict())
    return 201, _out(made)


@router.post(
    "/compensations/{code}/approve", response=CompensationOut, summary="Approve a compensation"
)
def compensation_approve(request: HttpRequest, code: str) -> Any:
    found = selectors.compensation_get(user=request.user, code=code)
    return _out(services.compensation_approve(actor=request.user, compensation=found))


@router.post(
    "/compensations/{code}/pay", response={201: CompensationOut}, summary="Pay a compensation"
)
def compensation_pay(request: HttpRequest, code: str, payload: PayIn) -> Any:
    """Once: the same Idempotency-Key returns the payment made; another payment is refused."""
    found = selectors.compensation_get(user=request.user, code=code)
    point = (
        point_for(request.user, payload.point, scoped=True)
        if payload.point or payload.method == "cash"
        else None
    )
    services.compensation_pay(
        actor=request.user,
        compensation=found,
        point=point,
        idempotency_key=idempotency_key(request),
        **payload.dict(exclude={"point"}),
    )
    found.refresh_from_db()
    return 201, _out(found)


@router.post(
    "/requests/{code}/refund",
    response=RefundOut,
    summary="Refund an upheld complaint about a bill or a sale through its service",
)
def refund(request: HttpRequest, code: str) -> Any:
    row = selectors.request_for_compensation(user=request.user, code=code)
    key = request.headers.get("Idempotency-Key", "")
    done = services.refund_through_service(actor=request.user, request=row, idempotency_key=key)
    return {
        "request": done.code,
        "steps": list(done.steps.filter(public=True).values_list("text", flat=True)),
    }
