"""/api/dossiers/: administrative dossiers received and returned through the post.

Procedures and agencies of the user's province; dossiers received at the counter (with an
``Idempotency-Key`` header: a retry under the same key returns the dossier already received
and posts nothing twice); hand-overs to the agencies and the results they hand back; the
return of a result; the deadlines per point; and the public lookup, which needs no login and
shows only the steps, the dates and the applicant's initials.

A clerk acts at their own point; an administrator names the point (``point``). Every problem
of a dossier refused at intake comes back at once, under ``errors`` by field.
"""

from typing import Any

from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from buudien.core.errors import DomainError
from buudien.counter.api import commune_of_code, counter_arguments, idempotency_key, point_for
from buudien.dossiers import selectors, services, settlements
from buudien.dossiers.models import Dossier, DossierStep, Handover
from buudien.dossiers.schemas import (
    AgencyOut,
    ConfirmIn,
    DeadlineOut,
    DossierDetailOut,
    DossierFilters,
    DossierIn,
    DossierOut,
    HandoverIn,
    HandoverOut,
    LookupOut,
    PersonLookupIn,
    ProcedureOut,
    ReconciledOut,
    ResultsIn,
    ReturnIn,
    SettlementIn,
    SettlementOut,
)

router = Router(tags=["dossiers"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _province(request: HttpRequest, given: str | None) -> str:
    """The province asked for, else the user's (their point's, else their unit's)."""
    if given:
        return given.strip()[:2]
    point = getattr(request.user, "point", None)
    unit = getattr(request.user, "unit", None)
    code = point.province_code if point is not None else unit.province_code if unit else ""
    if not code:
        raise DomainError(_("Say which province: province=NN."), field="province")
    return str(code)


def _with_links(rows: Any) -> Any:
    return rows.select_related("handover", "result_handover", "returned_point")


def _dossier(request: HttpRequest, code: str) -> Dossier:
    """A dossier of the user's scope with its steps (each with its point)."""
    dossier = selectors.dossier_get(user=request.user, reference=code)
    steps = DossierStep.objects.select_related("point").order_by("at", "id")
    prefetch_related_objects(
        [dossier],
        "handover",
        "result_handover",
        "returned_point",
        "commune",
        "result_item",
        Prefetch("steps", queryset=steps),
    )
    return dossier


def _handovers(request: HttpRequest) -> Any:
    """Hand-overs of the user's scope, with the codes of their dossiers."""
    codes = Dossier.objects.only("reference", "handover_id", "result_handover_id")
    return selectors.handovers_visible(request.user).prefetch_related(
        Prefetch("dossiers_sent", queryset=codes), Prefetch("dossiers_back", queryset=codes)
    )


def _handover(request: HttpRequest, number: str) -> Handover:
    found = selectors.handover_get(user=request.user, number=number)
    return _handovers(request).get(pk=found.pk)


# --- procedures and agencies -----------------------------------------------------------------


@router.get(
    "/procedures", response=list[ProcedureOut], summary="Procedures received through the post"
)
def procedures_list(request: HttpRequest, q: str = "", province: str | None = None) -> Any:
    """Procedures in force in your province (or ``province``), found by code or by name
    without its diacritics: their documents, the agency's fee, the post's charges and the
    processing time."""
    return selectors.procedures_for(province_code=_province(request, province), q=q)


@router.get("/agencies", response=list[AgencyOut], summary="Agencies that settle dossiers")
def agencies_list(request: HttpRequest, province: str | None = None) -> Any:
    return selectors.agencies_for(province_code=_province(request, province))


# --- dossiers --------------------------------------------------------------------------------


@router.get("/dossiers", response=list[DossierOut], summary="Dossiers you may see, newest first")
@paginate
def dossiers_list(request: HttpRequest, filters: Query[DossierFilters]) -> Any:
    """``q`` finds a code, a citizen ID or a name without its diacritics; ``due`` is
    ``today`` (promised today, still open) or ``overdue`` (promised before today)."""
    rows = selectors.dossier_list(user=request.user, **filters.dict())
    return _with_links(rows).order_by("-created_at", "-id")


@router.post(
    "/dossiers", response={201: DossierDetailOut}, summary="Receive a dossier at the counter"
)
def dossiers_receive(request: HttpRequest, payload: DossierIn) -> Any:
    """Takes the agency's fee and the post's charge in one ledger entry and promises the
    result the procedure's business days later. The same key and body return the dossier
    already received; the same key with another body is refused."""
    arguments = counter_arguments(
        request, payload, scoped=True, exclude=frozenset({"commune_code"})
    )
    if payload.commune_code:
        arguments["commune"] = commune_of_code(payload.commune_code, field="commune_code")
    dossier = services.dossier_receive(**arguments)
    return Status(201, _dossier(request, dossier.reference))


@router.get("/dossiers/{code}", response=DossierDetailOut, summary="One dossier with its steps")
def dossiers_get(request: HttpRequest, code: str) -> Any:
    return _dossier(request, code)


@router.post(
    "/dossiers/{code}/return",
    response=DossierDetailOut,
    summary="Return a dossier's result to the applicant",
)
def dossiers_return(request: HttpRequest, code: str, payload: ReturnIn) -> Any:
    """The applicant shows the citizen ID the dossier was received under; never twice."""
    dossier = services.dossier_return(
        actor=request.user,
        point=point_for(request.user, payload.point, scoped=True),
        dossier=code,
        presented_id=payload.presented_id,
        receiver_name=payload.receiver_name,
    )
    return _dossier(request, dossier.reference)


# --- hand-overs and results ------------------------------------------------------------------


@router.get("/handovers", response=list[HandoverOut], summary="Hand-overs, newest first")
@paginate
def handovers_list(
    request: HttpRequest,
    direction: str = "",
    agency: str = "",
    point: str = "",
) -> Any:
    """``direction`` is ``to_agency`` (dossiers sent) or ``from_agency`` (results back)."""
    rows = _handovers(request)
    if direction:
        rows = rows.filter(direction=direction[:16])
    if agency:
        rows = rows.filter(agency__code=agency[:32])
    if point:
        rows = rows.filter(point__code=point[:16])
    return rows


@router.post("/handovers", response={201: HandoverOut}, summary="Hand dossiers over to an agency")
def handovers_send(request: HttpRequest, payload: HandoverIn) -> Any:
    """Dossiers received at the point, all for the agency and none handed over yet, in one
    record."""
    handover = services.handover_send(
        actor=request.user,
        point=point_for(request.user, payload.point, scoped=True),
        agency=payload.agency,
        dossiers=payload.dossiers,
    )
    return Status(201, _handover(request, handover.number))


@router.get("/handovers/{number}", response=HandoverOut, summary="One hand-over")
def handovers_get(request: HttpRequest, number: str) -> Any:
    return _handover(request, number)


@router.post(
    "/handovers/{number}/confirm",
    response=HandoverOut,
    summary="Record the agency's receiver of a hand-over",
)
def handovers_confirm(request: HttpRequest, number: str, payload: ConfirmIn) -> Any:
    handover = selectors.handover_get(user=request.user, number=number)
    services.handover_confirm(
        actor=request.user, handover=handover, receiver_name=payload.receiver_name
    )
    return _handover(request, number)


@router.post("/results", response={201: HandoverOut}, summary="Receive results back from an agency")
def results_receive(request: HttpRequest, payload: ResultsIn) -> Any:
    """A result later than its promised date needs the agency's reason (``late_reason``)."""
    handover = services.results_receive(
        actor=request.user,
        point=point_for(request.user, payload.point, scoped=True),
        agency=payload.agency,
        dossiers=payload.dossiers,
        late_reason=payload.late_reason,
        receiver_name=payload.receiver_name,
    )
    return Status(201, _handover(request, handover.number))


# --- deadlines and the public lookup ---------------------------------------------------------


@router.get(
    "/deadlines", response=list[DeadlineOut], summary="Open dossiers per point against deadlines"
)
def deadlines(request: HttpRequest) -> Any:
    """Per point of your scope with open dossiers: how many, due today, overdue."""
    return [
        {
            "point": row.point_code,
            "point_name": row.point_name,
            "open": row.open,
            "due_today": row.due_today,
            "overdue": row.overdue,
        }
        for row in selectors.deadlines(user=request.user)
    ]


@router.get("/lookup", auth=None, response=LookupOut, summary="Look a dossier up (public)")
def lookup(request: HttpRequest, code: str = "") -> Any:
    """For anyone: a dossier by the code on its slip. Only the steps, the dates and the
    applicant's initials."""
    return selectors.public_lookup(code=code)


@router.post(
    "/lookup",
    auth=None,
    response=LookupOut,
    summary="Look an applicant's latest dossier up (public)",
)
def lookup_by_person(request: HttpRequest, payload: PersonLookupIn) -> Any:
    """For anyone: the latest dossier of the applicant with this citizen ID and phone
    together, asked in the body (a citizen ID has no place in an address, which proxies and
    logs keep). Only the steps, the dates and the applicant's initials."""
    return selectors.public_lookup(code="", citizen_id=payload.citizen_id, phone=payload.phone)


# --- the agencies' fees passed on ------------------------------------------------------------


@router.post(
    "/settlements",
    response={201: SettlementOut},
    summary="Pass an agency's fees on (one transfer)",
)
def settlements_make(request: HttpRequest, payload: SettlementIn) -> Any:
    """The fees of the agency's dossiers received in the range and not passed on yet, in one
    transfer from the post's bank account. The same Idempotency-Key and range again is the
    same settlement."""
    settlement = settlements.fees_settle(
        actor=request.user,
        idempotency_key=idempotency_key(request),
        agency=services.agency_for(_province(request, None), payload.agency),
        date_from=payload.date_from,
        date_to=payload.date_to,
        bank=payload.bank,
        memo=payload.memo,
    )
    return Status(201, settlement)


@router.get("/settlements", response=list[SettlementOut], summary="The settlements made")
@paginate
def settlements_list(request: HttpRequest) -> Any:
    return settlements.settlements_visible(request.user).order_by("-created_at", "-id")


@router.get(
    "/settlements/{reference}/statement.xlsx",
    summary="The statement of a settlement (.xlsx)",
)
def settlements_statement(request: HttpRequest, reference: str) -> HttpResponse:
    found = settlements.settlement_get(user=request.user, reference=reference)
    response = HttpResponse(settlements.statement_xlsx(found), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{found.reference}.xlsx"'
    return response


@router.get(
    "/reconciliation",
    response=list[ReconciledOut],
    summary="Fees owed to each agency, against the ledger",
)
def reconciliation(request: HttpRequest, province: str | None = None) -> Any:
    rows = settlements.reconciliation(user=request.user, province_code=_province(request, province))
    return [
        {
            "agency": row.agency.code,
            "collected": row.collected,
            "passed_on": row.passed_on,
            "owed": row.owed,
            "ledger_owed": row.ledger_owed,
            "difference": row.difference,
        }
        for row in rows
    ]
