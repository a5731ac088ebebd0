"""/api/mail/ops/: dispatch bags, delivery rounds, KT1 custody, supervisors' lists and daily
counts. Endpoints parse, call one service or selector, and answer; a refusal is a
DomainError, answered 4xx by the API's handler with ``detail`` (and ``field``). Every input
is bounded, so nothing reaches the database out of range.

A KT1 item answers every endpoint here, for anyone but a KT1 operator, exactly as a number
nobody gave.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictInt

from buudien.core.bizdays import local_today
from buudien.core.errors import DomainError, NotFound
from buudien.mail.choices import ItemStatus, MailService
from buudien.mail.models import PostalItem
from buudien.mail.operations import selectors, services
from buudien.mail.operations.models import Bag, CustodyTransfer, DeliveryAttempt, DeliveryRound
from buudien.mail.operations.services import MAX_SCANS, NAME_MAX, NOTE_MAX, SIGNATURE_MAX
from buudien.network.models import ServicePoint
from buudien.people.models import User

# Each operation_id is the one the schema gave before mail was split by stage (module
# ``buudien.mail.ops_api``), so clients generated from /api/openapi.json keep their names.
router = Router(tags=["mail operations"])

NO_NUL = r"^[^\x00]*$"
S10 = Annotated[str, Field(min_length=1, max_length=40, pattern=NO_NUL)]
Username = Annotated[str, Field(min_length=1, max_length=150, pattern=NO_NUL)]
POINT_CODE = r"^[A-Za-z0-9_.-]{1,16}$"
MAX_AMOUNT = 10**12
MAX_ROUND_ITEMS = 1_000


class DetailOut(Schema):
    detail: str
    field: str | None = None


class StepIn(Schema):
    at: dt.datetime | None = Field(None, description="When it happened; now when left out.")


class BagOpenIn(StepIn):
    origin_code: str | None = Field(
        None, pattern=POINT_CODE, description="Your own office when left out."
    )
    destination_code: str = Field(..., pattern=POINT_CODE)


class ScanIn(StepIn):
    s10: S10


class OpeningIn(StepIn):
    scanned: list[S10] = Field(..., max_length=MAX_SCANS)


class BagLineOut(Schema):
    s10: str
    service: str
    status: str
    delivery_point_code: str | None
    cod_amount: int
    added_at: dt.datetime
    found: bool | None


class BagOut(Schema):
    code: str
    status: str
    origin_code: str
    destination_code: str
    created_at: dt.datetime
    closed_at: dt.datetime | None
    dispatched_at: dt.datetime | None
    received_at: dt.datetime | None
    opened_at: dt.datetime | None
    items: list[BagLineOut]
    extra_s10: list[str]


class BagListOut(Schema):
    code: str
    status: str
    origin_code: str
    destination_code: str
    created_at: dt.datetime
    item_count: int


class OpeningOut(Schema):
    bag: BagOut
    found: list[str]
    missing: list[str]
    extra: list[str]


class RoundStartIn(StepIn):
    postman: Username = Field(..., description="The postman's username.")
    point_code: str | None = Field(
        None, pattern=POINT_CODE, description="Your own office when left out."
    )
    s10: list[S10] = Field(..., min_length=1, max_length=MAX_ROUND_ITEMS)


class DeliverIn(StepIn):
    recipient_name: str = Field(..., max_length=NAME_MAX)
    cod_collected: StrictInt = Field(0, ge=0, le=MAX_AMOUNT)
    signature: str = Field("", max_length=SIGNATURE_MAX, description="data:image/png;base64,…")


class FailIn(StepIn):
    reason: str = Field(..., max_length=16)
    action: str = Field(..., max_length=16)
    note: str = Field("", max_length=NOTE_MAX)


class AttemptOut(Schema):
    id: int
    s10: str
    outcome: str
    recipient_name: str
    delivered_at: dt.datetime | None
    attempted_at: dt.datetime | None
    reason: str
    action: str
    cod_amount: int
    cod_collected: int
    has_signature: bool
    has_photo: bool


class RoundOut(Schema):
    id: int
    point_code: str
    postman: str
    day: dt.date
    status: str
    started_at: dt.datetime
    closed_at: dt.datetime | None
    attempts: list[AttemptOut]


class HandoverIn(StepIn):
    s10: S10
    to_username: Username
    note: str = Field("", max_length=NOTE_MAX)


class TransferOut(Schema):
    id: int
    s10: str
    from_user: str
    to_user: str
    from_point_code: str | None
    to_point_code: str | None
    handed_at: dt.datetime
    confirmed_at: dt.datetime | None
    confirmed_by: str | None
    cancelled_at: dt.datetime | None = Field(None, description="When its giver withdrew it.")
    cancelled_by: str | None = None
    note: str


class EventOut(Schema):
    code: str
    occurred_at: dt.datetime
    office_code: str
    reason: str
    action: str
    recipient_name: str
    note: str


class Kt1ItemOut(Schema):
    s10: str
    status: str
    kt1_grade: str
    kt1_urgency: str
    kt1_deadline: dt.datetime | None
    custodian: str | None
    transfers: list[TransferOut]
    events: list[EventOut]


class ItemRowOut(Schema):
    s10: str
    service: str
    status: str
    accepted_point_code: str
    accepted_on: dt.date
    delivery_point_code: str | None
    last_event_code: str
    last_event_at: dt.datetime | None


class ItemListOut(Schema):
    count: int
    items: list[ItemRowOut]


class ItemFilters(Schema):
    status: ItemStatus | None = None
    office: str | None = Field(None, pattern=POINT_CODE)
    service: MailService | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    overdue: bool = False
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10**9)


class BagRefOut(Schema):
    code: str
    origin_code: str
    destination_code: str
    status: str
    added_at: dt.datetime
    removed_at: dt.datetime | None
    found: bool | None


class ItemFileOut(ItemRowOut):
    due_on: dt.date | None
    overdue: bool
    delivered_at: dt.datetime | None
    events: list[EventOut]
    bags: list[BagRefOut]
    attempts: list[AttemptOut]


class CountRowOut(Schema):
    office_code: str
    office_name: str
    service: str
    accepted: int
    delivered: int
    returned: int
    overdue: int


class CountsOut(Schema):
    day: dt.date
    rows: list[CountRowOut]
    totals: dict[str, int]


# --- answers -----------------------------------------------------------------------------


def _bag_out(bag: Bag) -> dict[str, Any]:
    lines = selectors.bag_manifest(bag)
    return {
        "code": bag.code,
        "status": bag.status,
        "origin_code": bag.origin.code,
        "destination_code": bag.destination.code,
        "created_at": bag.created_at,
        "closed_at": bag.closed_at,
        "dispatched_at": bag.dispatched_at,
        "received_at": bag.received_at,
        "opened_at": bag.opened_at,
        "extra_s10": bag.extra_s10 or [],
        "items": [
            {
                "s10": line.item.s10,
                "service": line.item.service,
                "status": line.item.status,
                "delivery_point_code": line.item.delivery_point.code
                if line.item.delivery_point
                else None,
                "cod_amount": line.item.cod_amount,
                "added_at": line.added_at,
                "found": line.found,
            }
            for line in lines
        ],
    }


def _attempt_out(attempt: DeliveryAttempt) -> dict[str, Any]:
    return {
        "id": attempt.pk,
        "s10": attempt.item.s10,
        "outcome": attempt.outcome,
        "recipient_name": attempt.recipient_name,
        "delivered_at": attempt.delivered_at,
        "attempted_at": attempt.attempted_at,
        "reason": attempt.reason,
        "action": attempt.action,
        "cod_amount": attempt.item.cod_amount,
        "cod_collected": attempt.cod_collected,
        "has_signature": bool(attempt.signature),
        "has_photo": bool(attempt.photo),
    }


def _round_out(delivery_round: DeliveryRound) -> dict[str, Any]:
    return {
        "id": delivery_round.pk,
        "point_code": delivery_round.point.code,
        "postman": delivery_round.postman.get_username(),
        "day": delivery_round.day,
        "status": delivery_round.status,
        "started_at": delivery_round.started_at,
        "closed_at": delivery_round.closed_at,
        "attempts": [_attempt_out(a) for a in selectors.round_attempts(delivery_round)],
    }


def _transfer_out(transfer: CustodyTransfer) -> dict[str, Any]:
    return {
        "id": transfer.pk,
        "s10": transfer.item.s10,
        "from_user": transfer.from_user.get_username(),
        "to_user": transfer.to_user.get_username(),
        "from_point_code": transfer.from_point.code if transfer.from_point else None,
        "to_point_code": transfer.to_point.code if transfer.to_point else None,
        "handed_at": transfer.handed_at,
        "confirmed_at": transfer.confirmed_at,
        "confirmed_by": transfer.confirmed_by.get_username() if transfer.confirmed_by else None,
        "cancelled_at": transfer.cancelled_at,
        "cancelled_by": transfer.cancelled_by.get_username() if transfer.cancelled_by else None,
        "note": transfer.note,
    }


def _event_out(event: Any) -> dict[str, Any]:
    return {
        "code": event.code,
        "occurred_at": event.occurred_at,
        "office_code": event.office_code,
        "reason": event.reason,
        "action": event.action,
        "recipient_name": event.recipient_name,
        "note": event.note,
    }


def _item_row(item: PostalItem) -> dict[str, Any]:
    return {
        "s10": item.s10,
        "service": item.service,
        "status": item.status,
        "accepted_point_code": item.accepted_point.code,
        "accepted_on": item.accepted_on,
        "delivery_point_code": item.delivery_point.code if item.delivery_point else None,
        "last_event_code": item.last_event_code,
        "last_event_at": item.last_event_at,
    }


def _point(request: HttpRequest, code: str | None, field: str) -> ServicePoint:
    if code:
        point = ServicePoint.objects.select_related("unit").filter(code=code).first()
        if point is None:
            raise NotFound(_("No such service point."), field=field)
        return point
    point = getattr(request.user, "point", None)
    if point is None:
        raise DomainError(_("Say at which office."), field=field)
    return point


# --- bags --------------------------------------------------------------------------------


@router.get(
    "/bags",
    response=list[BagListOut],
    summary="Bags from and to your offices",
    operation_id="buudien_mail_ops_api_bags_list",
)
def bags_list(request: HttpRequest, status: str = "", limit: int = 50) -> Any:
    bags = selectors.bag_list(user=request.user, status=status[:16])
    return [
        {
            "code": bag.code,
            "status": bag.status,
            "origin_code": bag.origin.code,
            "destination_code": bag.destination.code,
            "created_at": bag.created_at,
            "item_count": bag.item_count,  # type: ignore[attr-defined]
        }
        for bag in bags[: max(1, min(limit, 500))]
    ]


@router.post(
    "/bags",
    response={201: BagOut},
    summary="Open a bag at an office for another office",
    operation_id="buudien_mail_ops_api_bags_open",
)
def bags_open(request: HttpRequest, payload: BagOpenIn) -> Any:
    bag = services.bag_open(
        actor=request.user,
        origin=_point(request, payload.origin_code, "origin_code"),
        destination=_point(request, payload.destination_code, "destination_code"),
        at=payload.at,
    )
    return Status(201, _bag_out(bag))


@router.get(
    "/bags/{code}",
    response=BagOut,
    summary="A bag with its manifest",
    operation_id="buudien_mail_ops_api_bags_get",
)
def bags_get(request: HttpRequest, code: str) -> Any:
    return _bag_out(selectors.bag_get(user=request.user, code=code))


@router.post(
    "/bags/{code}/items",
    response=BagOut,
    summary="Scan an item into an open bag",
    operation_id="buudien_mail_ops_api_bags_add_item",
)
def bags_add_item(request: HttpRequest, code: str, payload: ScanIn) -> Any:
    bag = selectors.bag_get(user=request.user, code=code)
    item = selectors.item_for_scan(user=request.user, s10=payload.s10, point=bag.origin)
    services.bag_add_item(actor=request.user, bag=bag, item=item, at=payload.at)
    return _bag_out(bag)


@router.delete(
    "/bags/{code}/items/{s10}",
    response=BagOut,
    summary="Take an item out of an open bag",
    operation_id="buudien_mail_ops_api_bags_remove_item",
)
def bags_remove_item(request: HttpRequest, code: str, s10: str) -> Any:
    bag = selectors.bag_get(user=request.user, code=code)
    item = selectors.item_for_scan(user=request.user, s10=s10, point=bag.origin)
    services.bag_remove_item(actor=request.user, bag=bag, item=item)
    return _bag_out(bag)


@router.post(
    "/bags/{code}/close",
    response=BagOut,
    summary="Close a bag: its manifest is final",
    operation_id="buudien_mail_ops_api_bags_close",
)
def bags_close(request: HttpRequest, code: str, payload: StepIn | None = None) -> Any:
    bag = selectors.bag_get(user=request.user, code=code)
    return _bag_out(
        services.bag_close(actor=request.user, bag=bag, at=payload.at if payload else None)
    )


@router.post(
    "/bags/{code}/dispatch",
    response=BagOut,
    summary="Scan a closed bag out (EMC, or EDE)",
    operation_id="buudien_mail_ops_api_bags_dispatch",
)
def bags_dispatch(request: HttpRequest, code: str, payload: StepIn | None = None) -> Any:
    bag = selectors.bag_get(user=request.user, code=code)
    return _bag_out(
        services.bag_dispatch(actor=request.user, bag=bag, at=payload.at if payload else None)
    )


@router.post(
    "/bags/{code}/receive",
    response=BagOut,
    summary="Scan a bag in at its destination (EMD, or EDD; EMG for items delivered there)",
    operation_id="buudien_mail_ops_api_bags_receive",
)
def bags_receive(request: HttpRequest, code: str, payload: StepIn | None = None) -> Any:
    bag = selectors.bag_get(user=request.user, code=code)
    return _bag_out(
        services.bag_receive(actor=request.user, bag=bag, at=payload.at if payload else None)
    )


@router.post(
    "/bags/{code}/open",
    response=OpeningOut,
    summary="Open a received bag: the items scanned out of it against its manifest",
    operation_id="buudien_mail_ops_api_bags_open_at_destination",
)
def bags_open_at_destination(request: HttpRequest, code: str, payload: OpeningIn) -> Any:
    bag = selectors.bag_get(user=request.user, code=code)
    opening = services.bag_open_at_destination(
        actor=request.user, bag=bag, scanned=payload.scanned, at=payload.at
    )
    return {
        "bag": _bag_out(opening.bag),
        "found": opening.found,
        "missing": opening.missing,
        "extra": opening.extra,
    }


# --- rounds ------------------------------------------------------------------------------


@router.post(
    "/rounds",
    response={201: RoundOut},
    summary="Start a postman's delivery round",
    operation_id="buudien_mail_ops_api_rounds_start",
)
def rounds_start(request: HttpRequest, payload: RoundStartIn) -> Any:
    point = _point(request, payload.point_code, "point_code")
    postman = User.objects.filter(username=payload.postman).first()
    if postman is None:
        raise NotFound(_("No such postman."), field="postman")
    items = selectors.items_for_scan(user=request.user, numbers=payload.s10, point=point)
    started = services.round_start(
        actor=request.user, postman=postman, point=point, items=items, at=payload.at
    )
    return Status(201, _round_out(selectors.round_get(user=request.user, pk=started.pk)))


@router.get(
    "/rounds/{round_id}",
    response=RoundOut,
    summary="A round with its items",
    operation_id="buudien_mail_ops_api_rounds_get",
)
def rounds_get(request: HttpRequest, round_id: str) -> Any:
    return _round_out(selectors.round_get(user=request.user, pk=round_id))


@router.post(
    "/rounds/{round_id}/items/{s10}/deliver",
    response=AttemptOut,
    summary="Record an item of the round delivered (EMI); COD must be the item's amount",
    operation_id="buudien_mail_ops_api_rounds_deliver",
)
def rounds_deliver(request: HttpRequest, round_id: str, s10: str, payload: DeliverIn) -> Any:
    delivery_round = selectors.round_get(user=request.user, pk=round_id)
    attempt = selectors.round_attempt_by_s10(delivery_round=delivery_round, s10=s10)
    done = services.attempt_deliver(
        actor=request.user,
        attempt=attempt,
        recipient_name=payload.recipient_name,
        signature=payload.signature,
        cod_collected=payload.cod_collected,
        at=payload.at,
    )
    return _attempt_out(done)


@router.post(
    "/rounds/{round_id}/items/{s10}/fail",
    response=AttemptOut,
    summary="Record an item of the round not delivered (EMH) with the reason and action",
    operation_id="buudien_mail_ops_api_rounds_fail",
)
def rounds_fail(request: HttpRequest, round_id: str, s10: str, payload: FailIn) -> Any:
    delivery_round = selectors.round_get(user=request.user, pk=round_id)
    attempt = selectors.round_attempt_by_s10(delivery_round=delivery_round, s10=s10)
    done = services.attempt_fail(
        actor=request.user,
        attempt=attempt,
        reason=payload.reason,
        action=payload.action,
        note=payload.note,
        at=payload.at,
    )
    return _attempt_out(done)


@router.post(
    "/rounds/{round_id}/close",
    response=RoundOut,
    summary="Close a round; refused, naming them, while items have no outcome",
    operation_id="buudien_mail_ops_api_rounds_close",
)
def rounds_close(request: HttpRequest, round_id: str, payload: StepIn | None = None) -> Any:
    delivery_round = selectors.round_get(user=request.user, pk=round_id)
    services.round_close(
        actor=request.user, delivery_round=delivery_round, at=payload.at if payload else None
    )
    return _round_out(selectors.round_get(user=request.user, pk=round_id))


# --- KT1 custody -------------------------------------------------------------------------


@router.get(
    "/kt1/items/{s10}",
    response=Kt1ItemOut,
    summary="A KT1 item and its custody",
    operation_id="buudien_mail_ops_api_kt1_item",
)
def kt1_item(request: HttpRequest, s10: str) -> Any:
    item = selectors.kt1_item_get(user=request.user, s10=s10)
    holder = selectors.custodian(item)
    return {
        "s10": item.s10,
        "status": item.status,
        "kt1_grade": item.kt1_grade,
        "kt1_urgency": item.kt1_urgency,
        "kt1_deadline": item.kt1_deadline,
        "custodian": holder.get_username() if holder is not None else None,
        "transfers": [_transfer_out(t) for t in selectors.custody_chain(item)],
        "events": [_event_out(e) for e in item.events.order_by("occurred_at", "id")],
    }


@router.post(
    "/kt1/handovers",
    response={201: TransferOut},
    summary="Hand a KT1 item over to another KT1 officer",
    operation_id="buudien_mail_ops_api_kt1_handover",
)
def kt1_handover(request: HttpRequest, payload: HandoverIn) -> Any:
    item = selectors.kt1_item_get(user=request.user, s10=payload.s10, audit=False)
    to_user = User.objects.filter(username=payload.to_username).first()
    if to_user is None:
        raise NotFound(_("No such officer."), field="to_username")
    transfer = services.kt1_handover(
        actor=request.user, item=item, to_user=to_user, note=payload.note, at=payload.at
    )
    return Status(201, _transfer_out(transfer))


@router.post(
    "/kt1/handovers/{transfer_id}/confirm",
    response=TransferOut,
    summary="Confirm, as the receiving officer, that you received a KT1 item",
    operation_id="buudien_mail_ops_api_kt1_confirm",
)
def kt1_confirm(request: HttpRequest, transfer_id: str, payload: StepIn | None = None) -> Any:
    transfer = selectors.kt1_transfer_get(user=request.user, pk=transfer_id)
    done = services.kt1_confirm(
        actor=request.user, transfer=transfer, at=payload.at if payload else None
    )
    return _transfer_out(done)


@router.post(
    "/kt1/handovers/{transfer_id}/cancel",
    response=TransferOut,
    summary="Withdraw, as the giving officer, a hand-over not confirmed yet",
    operation_id="buudien_mail_ops_api_kt1_cancel",
)
def kt1_cancel(request: HttpRequest, transfer_id: str, payload: StepIn | None = None) -> Any:
    transfer = selectors.kt1_transfer_get(user=request.user, pk=transfer_id)
    done = services.kt1_handover_cancel(
        actor=request.user, transfer=transfer, at=payload.at if payload else None
    )
    return _transfer_out(done)


# --- supervisors -------------------------------------------------------------------------


@router.get(
    "/items",
    response=ItemListOut,
    summary="Items in your scope, with filters",
    operation_id="buudien_mail_ops_api_items_list",
)
def items_list(request: HttpRequest, filters: Query[ItemFilters]) -> Any:
    items = selectors.supervisor_items(
        user=request.user,
        status=filters.status or "",
        office=filters.office or "",
        service=filters.service or "",
        date_from=filters.date_from,
        date_to=filters.date_to,
        overdue=filters.overdue,
    )
    shown = list(items[filters.offset : filters.offset + filters.limit])
    selectors.kt1_audit(request.user, shown, via="supervisor_list")
    return {"count": items.count(), "items": [_item_row(item) for item in shown]}


@router.get(
    "/items/{s10}",
    response=ItemFileOut,
    summary="One item: events, bags, attempts",
    operation_id="buudien_mail_ops_api_items_get",
)
def items_get(request: HttpRequest, s10: str) -> Any:
    file = selectors.supervisor_item(user=request.user, s10=s10)
    item = file.item
    return {
        **_item_row(item),
        "due_on": file.due_on,
        "overdue": bool(
            file.due_on is not None
            and file.due_on < local_today()
            and item.status not in selectors.FINISHED
        ),
        "delivered_at": item.delivered_at,
        "events": [_event_out(e) for e in file.events],
        "bags": [
            {
                "code": line.bag.code,
                "origin_code": line.bag.origin.code,
                "destination_code": line.bag.destination.code,
                "status": line.bag.status,
                "added_at": line.added_at,
                "removed_at": line.removed_at,
                "found": line.found,
            }
            for line in file.bag_lines
        ],
        "attempts": [_attempt_out(a) for a in file.attempts],
    }


@router.get(
    "/daily-counts",
    response=CountsOut,
    summary="Accepted, delivered, returned and overdue items per office and service",
    operation_id="buudien_mail_ops_api_daily_counts",
)
def daily_counts(request: HttpRequest, day: dt.date | None = None) -> Any:
    chosen = day or local_today()
    rows = selectors.daily_counts(user=request.user, day=chosen)
    return {
        "day": chosen,
        "rows": [
            {
                "office_code": row.office_code,
                "office_name": row.office_name,
                "service": row.service,
                "accepted": row.accepted,
                "delivered": row.delivered,
                "returned": row.returned,
                "overdue": row.overdue,
            }
            for row in rows
        ],
        "totals": selectors.count_totals(rows),
    }
