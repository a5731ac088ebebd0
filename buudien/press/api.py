"""/api/press/: the titles distributed, subscriptions taken at the counter, the public-press
programmes with their recipients, and a day's allocation per delivery point; the daily work:
an issue received at the centre, sent to the points, its unsold copies returned; the copies
counted at a point; the deliveries of a day, confirmed one by one or many at once.

Taking a subscription needs an ``Idempotency-Key`` header: a retry under the same key returns
the subscription already taken (and posts nothing twice). A clerk acts at their own point; an
administrator names the point (``point``). The daily work is done once: a second receipt, a
second confirmation is refused (400) and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from buudien.core.bizdays import local_today
from buudien.core.errors import DomainError
from buudien.counter.api import counter_arguments
from buudien.press import selectors, services, work
from buudien.press.figures import year_summary
from buudien.press.models import (
    IssueAllocation,
    PressDelivery,
    PressIssue,
    ProgrammeRecipient,
    Subscription,
)
from buudien.press.schemas import (
    AllocationLineOut,
    AllocationOut,
    AllocationReceiveIn,
    ConfirmIn,
    ConfirmManyIn,
    ConfirmManyOut,
    DeliveryOut,
    FiguresOut,
    IssueIn,
    IssueOut,
    ProgrammeOut,
    RecipientIn,
    RecipientOut,
    ReturnIn,
    SubscriptionIn,
    SubscriptionOut,
    TitleOut,
)

router = Router(tags=["press"])


def _subscription(row: Subscription) -> dict[str, Any]:
    return {
        "reference": row.reference,
        "point": row.point.code,
        "business_date": row.business_date,
        "title": row.title.code,
        "subscriber_name": row.subscriber_name,
        "subscriber_kind": row.subscriber_kind,
        "phone": row.phone,
        "address": row.address,
        "delivery_point": row.delivery_point.code,
        "copies": row.copies,
        "period_kind": row.period_kind,
        "starts_on": row.starts_on,
        "ends_on": row.ends_on,
        "price": row.price,
        "total": row.total,
        "publisher_share": row.publisher_share,
        "margin": row.margin,
        "entry_id": row.entry_id,
    }


def _recipient(row: ProgrammeRecipient) -> dict[str, Any]:
    return {
        "commune": row.commune.code,
        "commune_name": row.commune.name,
        "name": row.name,
        "kind": row.kind,
        "delivery_point": row.delivery_point.code,
        "copies": row.copies,
    }


@router.get("/titles", response=list[TitleOut], summary="The titles distributed")
def titles(request: HttpRequest) -> Any:
    selectors.require_reader(request.user)
    return [
        {
            "code": t.code,
            "name": t.name,
            "publisher": t.publisher.code,
            "publisher_name": t.publisher.name,
            "periodicity": t.periodicity,
            "weekdays": t.weekdays,
            "month_days": t.month_days,
            "issue_price": t.issue_price,
            "margin_bp": t.margin_bp,
            "prices": [
                {"period_kind": p.period_kind, "price": p.price, "valid_from": p.valid_from}
                for p in t.prices.all()
            ],
        }
        for t in selectors.titles_for(province_code=selectors.province_of(request.user))
    ]


@router.post(
    "/subscriptions", response={201: SubscriptionOut}, summary="Take a subscription at the counter"
)
def subscription_take(request: HttpRequest, payload: SubscriptionIn) -> Any:
    """The price is taken in cash: owed to the publisher, less the post's margin. The same
    Idempotency-Key and body return the subscription already taken."""
    row = services.subscription_take(**counter_arguments(request, payload, scoped=True))
    return Status(201, _subscription(row))


@router.get("/subscriptions", response=list[SubscriptionOut], summary="Subscriptions")
def subscription_list(request: HttpRequest, q: str = "") -> Any:
    """The newest first, at most 200; ``q``: a reference, a phone, a title's code or part of
    the subscriber's name."""
    return [_subscription(r) for r in selectors.subscription_list(user=request.user, q=q)]


@router.get("/subscriptions/{reference}", response=SubscriptionOut, summary="A subscription")
def subscription_get(request: HttpRequest, reference: str) -> Any:
    return _subscription(selectors.subscription_get(user=request.user, reference=reference))


@router.get("/programmes", response=list[ProgrammeOut], summary="Public press programmes")
def programmes(request: HttpRequest) -> Any:
    return [
        {
            "code": p.code,
            "name": p.name,
            "ordering_agency": p.ordering_agency,
            "funding_decision": p.funding_decision,
            "year": p.year,
            "titles": [t.code for t in p.titles.all()],
            "recipients": [_recipient(r) for r in p.recipients.all()],
        }
        for p in selectors.programmes_for(user=request.user)
    ]


@router.post(
    "/programmes/{code}/{year}/recipients",
    response={201: RecipientOut},
    summary="Add a recipient to a programme",
)
def recipient_add(request: HttpRequest, code: str, year: int, payload: RecipientIn) -> Any:
    programme = selectors.programme_get(user=request.user, code=code, year=year)
    row = services.recipient_add(actor=request.user, programme=programme, **payload.dict())
    return Status(201, _recipient(row))


@router.get("/allocation", response=list[AllocationOut], summary="A day's copies per point")
def allocation(request: HttpRequest, day: dt.date) -> Any:
    """Per delivery point and title appearing on ``day``: the copies subscribed and those
    of the public-press programmes."""
    return [
        {
            "point": line.point.code,
            "point_name": line.point.name,
            "title": line.title.code,
            "title_name": line.title.name,
            "subscribed": line.subscribed,
            "public": line.public,
            "copies": line.copies,
        }
        for line in selectors.allocation(user=request.user, day=day)
    ]


# --- the daily work -----------------------------------------------------------------------


def _issue(row: PressIssue) -> dict[str, Any]:
    return {
        "id": row.pk,
        "title": row.title.code,
        "title_name": row.title.name,
        "issue_date": row.issue_date,
        "expected": row.expected,
        "received": row.received,
        "missing": row.missing,
        "single_copies": row.single_copies,
        "returned": row.returned,
        "received_at": row.received_at,
        "dispatched_at": row.dispatched_at,
        "note": row.note,
    }


def _line(row: IssueAllocation) -> dict[str, Any]:
    return {
        "id": row.pk,
        "issue": row.issue_id,
        "point": row.point.code,
        "title": row.issue.title.code,
        "issue_date": row.issue.issue_date,
        "subscribed": row.subscribed,
        "public": row.public,
        "copies": row.copies,
        "received": row.received,
        "received_at": row.received_at,
    }


def _delivery(row: PressDelivery) -> dict[str, Any]:
    return {
        "id": row.pk,
        "issue": row.issue_id,
        "issue_date": row.issue_date,
        "point": row.point.code,
        "title": row.title.code,
        "name": row.name,
        "address": row.address,
        "phone": row.phone,
        "commune": row.commune.code if row.commune is not None else None,
        "public": row.public,
        "copies": row.copies,
        "due_at": row.due_at,
        "status": row.status,
        "reason": row.reason,
        "note": row.note,
        "confirmed_at": row.confirmed_at,
        "on_time": row.on_time,
    }


@router.get("/issues", response=list[IssueOut], summary="The issues received on a day")
def issue_list(request: HttpRequest, day: dt.date | None = None) -> Any:
    """The issues of ``day`` (today when left out) received at the province's centre."""
    return [
        _issue(row) for row in selectors.issue_list(user=request.user, day=day or local_today())
    ]


@router.post("/issues", response={201: IssueOut}, summary="Receive an issue at the centre")
def issue_receive(request: HttpRequest, payload: IssueIn) -> Any:
    """The copies of a title's issue counted at the centre: split at once per delivery
    point with one delivery per recipient. Once per title and date; every problem at once."""
    selectors.require_centre(request.user)
    title = services.title_for(selectors.province_of(request.user), payload.title)
    row = work.issue_receive(
        actor=request.user,
        title=title,
        issue_date=payload.issue_date,
        received=payload.received,
        note=payload.note,
    )
    return Status(201, _issue(row))


@router.post("/issues/{id}/dispatch", response=IssueOut, summary="Send an issue to the points")
def issue_dispatch(request: HttpRequest, id: int) -> Any:
    row = selectors.issue_get(user=request.user, pk=id)
    return _issue(work.issue_dispatch(actor=request.user, issue=row))


@router.post("/issues/{id}/returns", response=IssueOut, summary="Return unsold single copies")
def issue_return(request: HttpRequest, id: int, payload: ReturnIn) -> Any:
    row = selectors.issue_get(user=request.user, pk=id)
    return _issue(work.issue_return(actor=request.user, issue=row, copies=payload.copies))


@router.post(
    "/allocations/{id}/receive",
    response=AllocationLineOut,
    summary="Count an issue's copies at the point",
)
def allocation_receive(request: HttpRequest, id: int, payload: AllocationReceiveIn) -> Any:
    line = selectors.allocation_get(user=request.user, pk=id)
    return _line(
        work.allocation_receive(actor=request.user, allocation=line, received=payload.received)
    )


@router.get("/deliveries", response=list[DeliveryOut], summary="The deliveries of a day")
def delivery_list(request: HttpRequest, day: dt.date | None = None, status: str = "") -> Any:
    """A postman's point's deliveries of ``day`` (today when left out); for the others those
    of the points in their scope. ``status``: pending, delivered or missed."""
    rows = selectors.delivery_list(user=request.user, day=day or local_today(), status=status)
    return [_delivery(row) for row in rows]


@router.post("/deliveries/confirm", response=ConfirmManyOut, summary="All delivered")
def deliveries_confirm(request: HttpRequest, payload: ConfirmManyIn) -> Any:
    """The deliveries ``ids`` of the point still to deliver, all delivered now; those
    confirmed meanwhile are left as they are. ``confirmed``: how many were."""
    point = selectors.round_point(user=request.user, code=payload.point)
    if point is None:
        raise DomainError(_("Choose the delivery point."), field="point")
    return {"confirmed": work.deliveries_confirm(actor=request.user, point=point, ids=payload.ids)}


@router.post("/deliveries/{id}/confirm", response=DeliveryOut, summary="Confirm a delivery")
def delivery_confirm(request: HttpRequest, id: int, payload: ConfirmIn) -> Any:
    """Delivered (on time before the title's due time), or not with the ``reason``: once."""
    row = selectors.delivery_get(user=request.user, pk=id)
    done = work.delivery_confirm(
        actor=request.user,
        delivery=row,
        delivered=payload.delivered,
        reason=payload.reason,
        note=payload.note,
    )
    return _delivery(done)


# --- the figures of a year ---------------------------------------------------------------------


@router.get("/figures", response=FiguresOut, summary="Subscriptions and deliveries of a year")
def figures_of_year(request: HttpRequest, year: int, unit: str | None = None) -> Any:
    """For a unit of your scope (the province, or your own unit, when ``unit`` is left out):
    in total against last year, per title, quarter, month, child unit, point and (the public
    press) commune, at the BĐVHX; the recipients reached and never reached."""
    selectors.require_reader(request.user)
    return year_summary(
        user=request.user,
        province_code=selectors.province_of(request.user),
        year=year,
        unit_code=(unit or "").strip()[:32] or None,
    )


# The settlements and the attestation (press.api_money), under the same prefix.
from buudien.press.api_money import router as money_router  # noqa: E402

router.add_router("", money_router)
