"""/api/press/ (continued): the settlements with the publishers and the programmes' ordering
agencies, and the attestation of a programme's delivery over a period.

Making a settlement needs an ``Idempotency-Key`` header: a retry under the same key and range
returns the settlement already made (and posts nothing twice). By an accountant or an
administrator of the province; the lists and the attestation for those who read them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from buudien.core.errors import NotFound
from buudien.counter.api import idempotency_key
from buudien.press import attestation, selectors, settlements
from buudien.press.models import Publisher
from buudien.press.schemas import (
    AttestationOut,
    ProgrammeSettlementIn,
    ProgrammeSettlementOut,
    PublisherSettlementIn,
    PublisherSettlementOut,
)

router = Router(tags=["press"])


def _attestation_row(row: attestation.AttestationRow) -> dict[str, Any]:
    return {
        "commune": row.commune,
        "commune_name": row.commune_name,
        "title": row.title,
        "title_name": row.title_name,
        "recipients": row.recipients,
        "due": row.due,
        "delivered": row.delivered,
        "on_time": row.on_time,
        "late": row.late,
        "not_delivered": row.not_delivered,
    }


@router.post(
    "/publisher-settlements",
    response={201: PublisherSettlementOut},
    summary="Pay a publisher its share of the subscriptions of a range",
)
def publisher_settle(request: HttpRequest, payload: PublisherSettlementIn) -> Any:
    """One transfer from the post's bank account for the subscriptions of the publisher's
    titles taken in the range and not settled yet. Needs an Idempotency-Key: the same key
    and range again is the same settlement."""
    publisher = Publisher.objects.filter(
        province_code=selectors.province_of(request.user), code=payload.publisher.lower()
    ).first()
    if publisher is None:
        raise NotFound(_("No such publisher."), field="publisher")
    row = settlements.publisher_settle(
        actor=request.user,
        idempotency_key=idempotency_key(request),
        publisher=publisher,
        date_from=payload.date_from,
        date_to=payload.date_to,
        memo=payload.memo,
    )
    return Status(201, row)


@router.get(
    "/publisher-settlements",
    response=list[PublisherSettlementOut],
    summary="The settlements with publishers",
)
@paginate
def publisher_settlements(request: HttpRequest) -> Any:
    return settlements.publisher_settlements(request.user)


@router.get(
    "/publisher-settlements/{reference}",
    response=PublisherSettlementOut,
    summary="A settlement with a publisher",
)
def publisher_settlement(request: HttpRequest, reference: str) -> Any:
    return settlements.publisher_settlement_get(user=request.user, reference=reference)


@router.post(
    "/programme-settlements",
    response={201: ProgrammeSettlementOut},
    summary="Bill a programme's ordering agency for the copies delivered in a range",
)
def programme_settle(request: HttpRequest, payload: ProgrammeSettlementIn) -> Any:
    """The copies of the programme delivered of the issues of the range and not billed yet,
    at its fee per copy: owed by the ordering agency, revenue of public press. Needs an
    Idempotency-Key."""
    programme = selectors.programme_get(
        user=request.user, code=payload.programme, year=payload.year
    )
    row = settlements.programme_settle(
        actor=request.user,
        idempotency_key=idempotency_key(request),
        programme=programme,
        date_from=payload.date_from,
        date_to=payload.date_to,
        memo=payload.memo,
    )
    return Status(201, row)


@router.get(
    "/programme-settlements",
    response=list[ProgrammeSettlementOut],
    summary="The settlements with ordering agencies",
)
@paginate
def programme_settlements(request: HttpRequest) -> Any:
    return settlements.programme_settlements(request.user)


@router.get(
    "/programme-settlements/{reference}",
    response=ProgrammeSettlementOut,
    summary="A settlement with an ordering agency",
)
def programme_settlement(request: HttpRequest, reference: str) -> Any:
    return settlements.programme_settlement_get(user=request.user, reference=reference)


@router.get(
    "/programmes/{code}/{year}/attestation",
    response=AttestationOut,
    summary="The attestation of a programme's delivery over a period",
)
def programme_attestation(
    request: HttpRequest,
    code: str,
    year: int,
    date_from: dt.date,
    date_to: dt.date,
    title: str = "",
    commune: str = "",
) -> Any:
    """Per commune and title: the recipients, the copies due, delivered (on time, late) and
    not delivered, as the postmen confirmed them; the totals."""
    programme = selectors.programme_get(user=request.user, code=code, year=year)
    report = attestation.attestation(
        user=request.user,
        programme=programme,
        date_from=date_from,
        date_to=date_to,
        title=title,
        commune=commune,
    )
    return {
        "programme": programme.code,
        "year": programme.year,
        "date_from": report.date_from,
        "date_to": report.date_to,
        "rows": [_attestation_row(row) for row in report.rows],
        "totals": _attestation_row(report.totals),
        "fee_per_copy": report.fee_per_copy,
        "amount": report.amount,
    }
