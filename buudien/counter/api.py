"""What every counter endpoint of the API shares: the idempotency key of a request and the
point it acts at; and /api/counter/cancellations, where directors and accountants list the
cancellations waiting for their approval, approve or refuse them.

A money-moving call needs a key: the ``Idempotency-Key`` header (or, where the schema has
one, an ``idempotency_key`` field). A retry under the same key returns what was recorded.
"""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import paginate

from buudien.core.errors import DomainError, NotFound
from buudien.counter import cancellations, selectors
from buudien.counter.choices import CancelStatus
from buudien.counter.models import CancelRequest
from buudien.counter.schemas import CancelIn, CancelRequestOut
from buudien.network.choices import AdminAreaStructure
from buudien.network.geography_selectors import commune_get
from buudien.network.models import AdminArea, ServicePoint
from buudien.people import access

IDEMPOTENCY_HEADER = "Idempotency-Key"

_NO_BODY_FIELD = object()


def idempotency_key(request: HttpRequest, given: Any = _NO_BODY_FIELD) -> str:
    """The key of the request: its header, else ``given`` (the schema's ``idempotency_key``
    field, for the endpoints that have one)."""
    body = None if given is _NO_BODY_FIELD else given
    key = (request.headers.get(IDEMPOTENCY_HEADER) or body or "").strip()
    if not key:
        message = (
            _("An idempotency key is required: the Idempotency-Key header.")
            if given is _NO_BODY_FIELD
            else _("An idempotency key is required: the Idempotency-Key header or idempotency_key.")
        )
        raise DomainError(message, field="idempotency_key")
    return key


def point_for(
    user: Any,
    code: str | None,
    *,
    field: str = "point",
    missing: str | None = None,
    scoped: bool = False,
) -> ServicePoint:
    """The point named by ``code``, or the user's own counter when none is named (refused
    with ``missing`` when they have none). With ``scoped``, a point outside the user's scope
    is not found either."""
    if not code:
        own = getattr(user, "point", None)
        if not isinstance(own, ServicePoint):
            raise DomainError(missing or _("Say at which point: point=CODE."), field=field)
        return own
    point = ServicePoint.objects.select_related("unit").filter(code=code).first()
    if point is None or (scoped and not access.in_scope(user, point.unit_path)):
        raise NotFound(_("No such service point."), field=field)
    return point


def payload_arguments(
    request: HttpRequest,
    payload: Schema,
    *,
    key_field: str | None = None,
    exclude: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """The keyword arguments of a service for an API call: the actor, the idempotency key
    (the header, or the payload's ``key_field``) and the payload's other fields under their
    own names (the schemas name them as the services do)."""
    given: Any = getattr(payload, key_field) if key_field else _NO_BODY_FIELD
    fields = payload.dict(exclude={*([key_field] if key_field else []), *exclude})
    return {"actor": request.user, "idempotency_key": idempotency_key(request, given), **fields}


def counter_arguments(
    request: HttpRequest,
    payload: Schema,
    *,
    point_field: str = "point",
    key_field: str | None = None,
    exclude: frozenset[str] = frozenset(),
    **point_options: Any,
) -> dict[str, Any]:
    """``payload_arguments`` and the point the payload names (or the user's own counter)."""
    code = getattr(payload, point_field)
    point = point_for(request.user, code, field=point_field, **point_options)
    fields = payload_arguments(
        request, payload, key_field=key_field, exclude=exclude | {point_field}
    )
    return {**fields, "point": point}


def commune_of_code(code: str, *, field: str) -> AdminArea | None:
    """The commune of a 2025 code given in a request (None when none is given); an unknown
    code is refused under ``field``."""
    if not code:
        return None
    try:
        return commune_get(structure=AdminAreaStructure.V2025, code=code)
    except DomainError as exc:
        exc.field = field
        raise


# --- cancellations waiting for a supervisor ---------------------------------------------------

router = Router(tags=["counter"])


def _request_out(row: CancelRequest) -> CancelRequest:
    return CancelRequest.objects.select_related("point", "requested_by", "decided_by").get(
        pk=row.pk
    )


@router.get(
    "/cancellations",
    response=list[CancelRequestOut],
    summary="Cancellations in your units (waiting for approval by default)",
)
@paginate
def cancellations_list(request: HttpRequest, status: CancelStatus | None = None) -> Any:
    """Directors and accountants: the requests of their units, those waiting the oldest
    first. ``status`` chooses approved or refused ones instead."""
    return selectors.cancel_request_list(user=request.user, status=status or CancelStatus.PENDING)


@router.get("/cancellations/{request_id}", response=CancelRequestOut, summary="One cancellation")
def cancellations_get(request: HttpRequest, request_id: int) -> Any:
    return selectors.cancel_request_get(user=request.user, pk=request_id)


@router.post(
    "/cancellations/{request_id}/approve",
    response=CancelRequestOut,
    summary="Approve a cancellation: it is done now",
)
def cancellations_approve(request: HttpRequest, request_id: int) -> Any:
    """By a director or an accountant of the record's units, not the one who asked; the
    service's rules of the day apply (refused: the request still waits)."""
    row = selectors.cancel_request_get(user=request.user, pk=request_id)
    cancellations.cancel_request_approve(actor=request.user, request=row)
    return _request_out(row)


@router.post(
    "/cancellations/{request_id}/refuse",
    response=CancelRequestOut,
    summary="Refuse a cancellation, with a reason",
)
def cancellations_refuse(request: HttpRequest, request_id: int, payload: CancelIn) -> Any:
    row = selectors.cancel_request_get(user=request.user, pk=request_id)
    cancellations.cancel_request_refuse(actor=request.user, request=row, reason=payload.reason)
    return _request_out(row)
