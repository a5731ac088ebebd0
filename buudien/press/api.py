"""/api/press/: the titles distributed, subscriptions taken at the counter, the public-press
programmes with their recipients, and a day's allocation per delivery point.

Taking a subscription needs an ``Idempotency-Key`` header: a retry under the same key returns
the subscription already taken (and posts nothing twice). A clerk acts at their own point; an
administrator names the point (``point``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from buudien.counter.api import counter_arguments
from buudien.press import selectors, services
from buudien.press.figures import year_summary
from buudien.press.models import ProgrammeRecipient, Subscription
from buudien.press.schemas import (
    AllocationOut,
    FiguresOut,
    ProgrammeOut,
    RecipientIn,
    RecipientOut,
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
