"""/api/care/: customer care requests.

Handlers (care officers, clerks, directors, administrators; KT1 operators for KT1 items)
lodge a request for a customer, list and read those of their units, assign, note, answer,
escalate and close them. Every problem of a request refused comes back at once, under
``errors`` by field. ``GET /api/care/public/{code}`` needs no login and answers only what
the customer sees: the status, the public steps and the answer.
"""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from buudien.care import selectors, services
from buudien.care.models import CareRequest
from buudien.care.schemas import (
    AssignIn,
    CloseIn,
    LodgeIn,
    PublicOut,
    RequestDetailOut,
    RequestFilters,
    RequestOut,
    TextIn,
)
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.network.models import Unit
from buudien.people.models import User

router = Router(tags=["care"])


def _handler(request: HttpRequest) -> Any:
    if not services.can_handle(request.user):
        raise AccessDenied(_("Only customer care staff handle requests."))
    return request.user


def _get(request: HttpRequest, code: str) -> CareRequest:
    return selectors.request_get(user=_handler(request), code=code)


@router.get("/requests", response=list[RequestOut], summary="Requests of your units")
@paginate
def requests_list(request: HttpRequest, filters: Query[RequestFilters]) -> Any:
    """Open requests nearest their deadline first, then the closed ones, newest first."""
    return selectors.request_list(user=_handler(request), **filters.dict())


@router.post("/requests", response={201: RequestDetailOut}, summary="Lodge a request")
def requests_lodge(request: HttpRequest, payload: LodgeIn) -> Any:
    """A request taken on the hotline, at the counter or from a partner. A complaint about
    a mail item is checked against the law's time limits and lodged once per ground."""
    user = _handler(request)
    row = services.request_lodge(actor=user, point=getattr(user, "point", None), **payload.dict())
    return Status(201, selectors.request_get(user=user, code=row.code))


@router.get("/requests/{code}", response=RequestDetailOut, summary="One request with its steps")
def requests_get(request: HttpRequest, code: str) -> Any:
    return _get(request, code)


@router.post("/requests/{code}/assign", response=RequestDetailOut, summary="Assign a request")
def requests_assign(request: HttpRequest, code: str, payload: AssignIn) -> Any:
    found = _get(request, code)
    unit = Unit.objects.filter(code=payload.unit.strip()[:32]).first()
    if unit is None:
        raise NotFound(_("No such unit."), field="unit")
    owner = None
    if payload.owner.strip():
        owner = User.objects.select_related("unit").filter(username=payload.owner.strip()).first()
        if owner is None:
            raise DomainError(_("Choose who handles the request."), field="owner")
    services.request_assign(actor=request.user, request=found, unit=unit, owner=owner)
    return _get(request, code)


@router.post("/requests/{code}/notes", response=RequestDetailOut, summary="Add a staff note")
def requests_note(request: HttpRequest, code: str, payload: TextIn) -> Any:
    services.request_note(actor=request.user, request=_get(request, code), text=payload.text)
    return _get(request, code)


@router.post("/requests/{code}/answer", response=RequestDetailOut, summary="Answer the customer")
def requests_answer(request: HttpRequest, code: str, payload: TextIn) -> Any:
    services.request_answer(actor=request.user, request=_get(request, code), text=payload.text)
    return _get(request, code)


@router.post(
    "/requests/{code}/escalate", response=RequestDetailOut, summary="Escalate near the deadline"
)
def requests_escalate(request: HttpRequest, code: str) -> Any:
    services.request_escalate(actor=request.user, request=_get(request, code))
    return _get(request, code)


@router.post("/requests/{code}/close", response=RequestDetailOut, summary="Close a request")
def requests_close(request: HttpRequest, code: str, payload: CloseIn) -> Any:
    services.request_close(actor=request.user, request=_get(request, code), **payload.dict())
    return _get(request, code)


@router.get("/public/{code}", auth=None, response=PublicOut, summary="Follow a request (public)")
def public(request: HttpRequest, code: str) -> Any:
    """For anyone with the code: the status, the public steps and the answer; never a
    staff note, never who handled it."""
    return selectors.public_get(code=code)


# Compensations and refunds (care.api_money), under the same prefix.
from buudien.care.api_money import router as money_router  # noqa: E402

router.add_router("", money_router)

# The figures of a year (care.api_figures), under the same prefix.
from buudien.care.api_figures import router as figures_router  # noqa: E402

router.add_router("", figures_router)
