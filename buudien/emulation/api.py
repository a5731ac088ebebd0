"""/api/emulation/: movements (with the candidates' ranking by their criteria) and pledges
(recorders create them and have their results computed from the figures), titles and awards
(proposed by the heads of units, decided or recorded by the emulation officer and the
province post's director), initiatives (proposed, recognised, not approved) and what the
records show for a person's or a unit's next titles (``GET /eligibility``). Everyone reads
what lies in their unit's subtree; every refusal is a 4xx with its message (and every
problem under ``errors``, by field)."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from buudien.core.errors import DomainError, NotFound
from buudien.emulation import eligibility, evidence, rules, selectors, services
from buudien.emulation.models import Movement
from buudien.emulation.schemas import (
    AwardOut,
    AwardProposeIn,
    AwardRecordIn,
    DecideIn,
    EligibilityOut,
    InitiativeIn,
    InitiativeOut,
    MovementIn,
    MovementOut,
    PledgeIn,
    PledgeOut,
    PledgeResultsIn,
    PledgeResultsOut,
    RankingOut,
    RecogniseIn,
    RejectIn,
)
from buudien.network.models import Unit
from buudien.people.models import User

router = Router(tags=["emulation"])


class YearFilter(Schema):
    year: int | None = Field(None, ge=1945, le=2100)


class AwardFilters(YearFilter):
    kind: str = Field("", max_length=24)
    level: str = Field("", max_length=16)
    status: str = Field("", max_length=16)
    q: str = Field("", max_length=60, description="A part of the recipient's name, any accents.")


class InitiativeFilters(YearFilter):
    level: str = Field("", max_length=16)
    status: str = Field("", max_length=16)
    q: str = Field("", max_length=60, description="A part of the title or an author's name.")


def _unit(code: str, *, field: str = "unit") -> Unit | None:
    """The unit of ``code`` (None when empty; "not found" when unknown)."""
    text = code.strip()[:32]
    if not text:
        return None
    found = Unit.objects.filter(code=text).first()
    if found is None:
        raise NotFound(_("No such unit."), field=field)
    return found


def _province(request: HttpRequest, code: str) -> Unit | None:
    """The province post of ``code``, else the one of the user's unit."""
    found = _unit(code, field="province")
    if found is None:
        unit = getattr(request.user, "unit", None)
        found = rules.province_of(unit) if unit is not None else None
    return found


def _person(request: HttpRequest, pk: int | None, *, field: str = "person") -> User | None:
    if pk is None:
        return None
    try:
        return selectors.person_get(user=request.user, pk=pk)
    except NotFound:
        raise NotFound(_("No such person."), field=field) from None


def _movement(request: HttpRequest, pk: int | None) -> Movement | None:
    return None if pk is None else selectors.movement_get(user=request.user, pk=pk)


# --- movements ---------------------------------------------------------------------------


@router.get("/movements", response=list[MovementOut], summary="Movements of your units")
@paginate
def movements_list(request: HttpRequest, filters: Query[YearFilter]) -> Any:
    return selectors.movement_list(user=request.user, year=filters.year).prefetch_related(
        "units", "criteria"
    )


@router.post("/movements", response={201: MovementOut}, summary="Launch a movement")
def movements_launch(request: HttpRequest, payload: MovementIn) -> Any:
    user = request.user
    province = _province(request, payload.province)
    units = [_unit(code, field="units") for code in payload.units]
    data = payload.dict(exclude={"province", "units"})
    row = services.movement_launch(
        actor=user, province=province, units=[u for u in units if u], **data
    )
    return Status(201, row)


@router.get("/movements/{pk}", response=MovementOut, summary="One movement")
def movements_get(request: HttpRequest, pk: int) -> Any:
    return selectors.movement_get(user=request.user, pk=pk)


@router.get("/movements/{pk}/ranking", response=RankingOut, summary="The candidates' ranking")
def movements_ranking(request: HttpRequest, pk: int, filters: Query[YearFilter]) -> Any:
    """The movement's candidates ranked by its criteria over ``year`` (one of its years that
    has begun; by default the last, cut at today), as the movement's page shows them: only
    the units and people of your units, with their positions among all the candidates."""
    movement = selectors.movement_get(user=request.user, pk=pk)
    found = evidence.movement_ranking(user=request.user, movement=movement, year=filters.year)
    return found or evidence.MovementRanking(movement.pk, None, [], None, None, None, None)


# --- pledges -----------------------------------------------------------------------------


@router.get("/pledges", response=list[PledgeOut], summary="Pledges of your units")
@paginate
def pledges_list(request: HttpRequest, filters: Query[YearFilter]) -> Any:
    return selectors.pledge_list(user=request.user, year=filters.year).prefetch_related("targets")


@router.post("/pledges", response={201: PledgeOut}, summary="Record a pledge")
def pledges_record(request: HttpRequest, payload: PledgeIn) -> Any:
    data = payload.dict(exclude={"unit", "movement", "targets"})
    row = services.pledge_record(
        actor=request.user,
        unit=_unit(payload.unit),
        movement=_movement(request, payload.movement),
        targets=[(t.code, t.target) for t in payload.targets],
        **data,
    )
    return Status(201, row)


@router.post("/pledges/results", response=PledgeResultsOut, summary="Compute pledges' results")
def pledges_results(request: HttpRequest, payload: PledgeResultsIn) -> Any:
    """Once ``year`` has ended, the results of the province's pledges of the year not
    recorded yet, computed from the system's own figures and recorded."""
    province = _province(request, payload.province)
    count = services.pledges_compute_results(
        actor=request.user, province=province, year=payload.year
    )
    return {"year": payload.year, "recorded": count}


# --- titles and awards -------------------------------------------------------------------


@router.get("/awards", response=list[AwardOut], summary="The register of titles and awards")
@paginate
def awards_list(request: HttpRequest, filters: Query[AwardFilters]) -> Any:
    return selectors.award_list(user=request.user, **filters.dict())


def _award_args(request: HttpRequest, payload: AwardProposeIn) -> dict[str, Any]:
    data = payload.dict()
    data["person"] = _person(request, payload.person)
    data["unit"] = _unit(payload.unit)
    data["movement"] = _movement(request, payload.movement)
    return data


@router.post("/awards", response={201: AwardOut}, summary="Record a title or award decided")
def awards_record(request: HttpRequest, payload: AwardRecordIn) -> Any:
    row = services.award_record(actor=request.user, **_award_args(request, payload))
    return Status(201, row)


@router.post("/awards/propose", response={201: AwardOut}, summary="Propose a title or award")
def awards_propose(request: HttpRequest, payload: AwardProposeIn) -> Any:
    row = services.award_propose(actor=request.user, **_award_args(request, payload))
    return Status(201, row)


@router.get("/awards/{pk}", response=AwardOut, summary="One title or award")
def awards_get(request: HttpRequest, pk: int) -> Any:
    return selectors.award_get(user=request.user, pk=pk)


@router.post("/awards/{pk}/decide", response=AwardOut, summary="Decide on a proposal")
def awards_decide(request: HttpRequest, pk: int, payload: DecideIn) -> Any:
    award = selectors.award_get(user=request.user, pk=pk)
    return services.award_decide(actor=request.user, award=award, **payload.dict())


# --- initiatives -------------------------------------------------------------------------


@router.get("/initiatives", response=list[InitiativeOut], summary="Initiatives of your units")
@paginate
def initiatives_list(request: HttpRequest, filters: Query[InitiativeFilters]) -> Any:
    return selectors.initiative_list(user=request.user, **filters.dict())


@router.post("/initiatives", response={201: InitiativeOut}, summary="Propose an initiative")
def initiatives_create(request: HttpRequest, payload: InitiativeIn) -> Any:
    """Proposed to the council; an emulation officer giving the decision's number records
    one recognised already."""
    user = request.user
    authors = [_person(request, pk, field="authors") for pk in dict.fromkeys(payload.authors)]
    data = payload.dict(exclude={"unit", "authors", "decision_number", "decision_date"})
    data.update(unit=_unit(payload.unit), authors=authors)
    if payload.decision_number.strip() or payload.decision_date:
        row = services.initiative_record(
            actor=user,
            decision_number=payload.decision_number,
            decision_date=payload.decision_date,
            **data,
        )
    else:
        row = services.initiative_propose(actor=user, **data)
    return Status(201, row)


@router.get("/initiatives/{pk}", response=InitiativeOut, summary="One initiative")
def initiatives_get(request: HttpRequest, pk: int) -> Any:
    return selectors.initiative_get(user=request.user, pk=pk)


@router.post(
    "/initiatives/{pk}/recognise", response=InitiativeOut, summary="Recognise an initiative"
)
def initiatives_recognise(request: HttpRequest, pk: int, payload: RecogniseIn) -> Any:
    found = selectors.initiative_get(user=request.user, pk=pk)
    return services.initiative_decide(
        actor=request.user, initiative=found, outcome="recognised", **payload.dict()
    )


@router.post("/initiatives/{pk}/reject", response=InitiativeOut, summary="Not approve one")
def initiatives_reject(request: HttpRequest, pk: int, payload: RejectIn) -> Any:
    found = selectors.initiative_get(user=request.user, pk=pk)
    return services.initiative_decide(
        actor=request.user, initiative=found, outcome="rejected", **payload.dict()
    )


# --- eligibility -------------------------------------------------------------------------


class EligibilityQuery(Schema):
    person: int | None = Field(None, description="A user id.")
    unit: str = Field("", max_length=32, description="Or a unit's code.")
    year: int = Field(ge=1945, le=2100)


@router.get("/eligibility", response=EligibilityOut, summary="What the records show")
def eligibility_get(request: HttpRequest, query: Query[EligibilityQuery]) -> Any:
    """For a person (``person``) or a unit (``unit``) in ``year``: each title or award the
    records can speak of, whether its conditions are met, and what the records show."""
    user = request.user
    if query.person is not None:
        person = _person(request, query.person)
        checks = eligibility.eligibility(person, query.year)
        return {"person": query.person, "unit": None, "year": query.year, "checks": checks}
    unit = _unit(query.unit)
    if unit is None:
        raise DomainError(_("Give a person or a unit."), field="person")
    rules.unit_in_scope(user, unit)
    checks = eligibility.unit_eligibility(unit, query.year)
    return {"person": None, "unit": unit.code, "year": query.year, "checks": checks}
