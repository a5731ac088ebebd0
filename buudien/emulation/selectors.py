"""Reads of emulation and commendation, scoped by the reader (``people.access`` on unit paths):

- awards and initiatives of the reader's unit subtree (a person's award lies where the
  person's unit was); what was awarded and recognised for everyone, proposals and refusals
  also for recorders, heads, auditors and administrators (``rules.sees_proposals``), and a
  person's own initiatives for their authors;
- movements that concern the reader: launched by a province post of their subtree, or with a
  participating unit in their subtree or above their unit (none named: the whole province);
- pledges of units of their subtree;
- the year at a glance for the index page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from buudien.core.errors import NotFound
from buudien.core.text import fold
from buudien.emulation.choices import (
    AwardKind,
    AwardLevel,
    AwardStatus,
    InitiativeLevel,
    InitiativeStatus,
)
from buudien.emulation.criteria import CRITERIA
from buudien.emulation.models import Award, Initiative, Movement, Pledge, PledgeTarget
from buudien.emulation.rules import sees_proposals
from buudien.network.models import Unit
from buudien.people import access
from buudien.people.models import User

SEARCH_MAX = 60


def _scope_path(user: Any) -> str | None:
    """The path prefix of what ``user`` sees ("" everything, None nothing)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    path: str | None = user.scope_path
    return path


def ancestors(path: str) -> list[str]:
    """ "VNP/BDT20/UA/" -> ["VNP/", "VNP/BDT20/", "VNP/BDT20/UA/"]."""
    parts = [part for part in path.split("/") if part]
    return ["".join(f"{part}/" for part in parts[: i + 1]) for i in range(len(parts))]


def _text(q: Any) -> str:
    return fold(" ".join("".join(ch for ch in str(q or "") if ch.isprintable()).split()))[
        :SEARCH_MAX
    ]


# --- movements ---------------------------------------------------------------------------


def movements_visible(user: Any) -> QuerySet[Movement]:
    scope = _scope_path(user)
    rows = Movement.objects.select_related("province")
    if scope is None:
        return rows.none()
    if scope == "":
        return rows
    above = ancestors(scope)
    members = Movement.units.through.objects
    return rows.filter(
        Q(province__path__startswith=scope)
        | Q(pk__in=members.filter(unit__path__startswith=scope).values("movement_id"))
        | Q(pk__in=members.filter(unit__path__in=above).values("movement_id"))
        | (Q(province__path__in=above) & ~Q(pk__in=members.values("movement_id")))
    )


def movement_list(*, user: Any, year: int | None = None) -> QuerySet[Movement]:
    """The movements of ``user``'s concern running in ``year`` (all years when None)."""
    rows = movements_visible(user)
    if year is not None:
        rows = rows.filter(year_from__lte=year, year_to__gte=year)
    return rows.annotate(pledge_count=Count("pledges", distinct=True)).order_by(
        "-year_to", "-launched_on", "-id"
    )


def _one[M: models.Model](rows: QuerySet[M], pk: int, missing: str) -> M:
    """The row ``pk`` of ``rows``; "not found" (``missing``) when it is not one of them."""
    found = rows.filter(pk=pk).first()
    if found is None:
        raise NotFound(missing)
    return found


def movement_get(*, user: Any, pk: int) -> Movement:
    return _one(movements_visible(user), pk, _("No such movement."))


@dataclass(frozen=True)
class CriterionRow:
    code: str
    label: str
    subject: str
    higher_is_better: bool
    weight: int


def movement_criteria(movement: Movement) -> list[CriterionRow]:
    """A movement's criteria, heaviest first, with their labels."""
    rows = []
    for row in movement.criteria.order_by("-weight", "id"):
        criterion = CRITERIA.get(row.code)
        rows.append(
            CriterionRow(
                row.code,
                str(criterion.label) if criterion else row.code,
                criterion.subject if criterion else "",
                criterion.higher_is_better if criterion else True,
                row.weight,
            )
        )
    return rows


# --- pledges -----------------------------------------------------------------------------


def pledges_visible(user: Any) -> QuerySet[Pledge]:
    return Pledge.objects.filter(access.scope_q(user, "unit_path")).select_related(
        "unit", "movement"
    )


def pledge_list(
    *, user: Any, year: int | None = None, movement: Movement | None = None
) -> QuerySet[Pledge]:
    """Pledges of ``user``'s units, with ``unmet``: their targets not met (or without a
    result): a pledge whose results are recorded and ``unmet`` is 0 was kept."""
    rows = pledges_visible(user)
    if year is not None:
        rows = rows.filter(year=year)
    if movement is not None:
        rows = rows.filter(movement=movement)
    return rows.annotate(
        target_count=Count("targets", distinct=True),
        unmet=Count("targets", filter=~Q(targets__met=True), distinct=True),
    ).order_by("-year", "unit_path", "id")


def pledge_targets(pledge: Pledge) -> list[tuple[PledgeTarget, str, bool]]:
    """A pledge's targets with their criterion's label and whether more is better."""
    return [
        (
            target,
            str(CRITERIA[target.code].label) if target.code in CRITERIA else target.code,
            CRITERIA[target.code].higher_is_better if target.code in CRITERIA else True,
        )
        for target in pledge.targets.order_by("id")
    ]


def pledge_get(*, user: Any, pk: int) -> Pledge:
    return _one(pledges_visible(user), pk, _("No such pledge."))


# --- awards ------------------------------------------------------------------------------


def awards_visible(user: Any) -> QuerySet[Award]:
    rows = Award.objects.filter(access.scope_q(user, "unit_path"))
    if not sees_proposals(user):
        rows = rows.filter(status=AwardStatus.AWARDED)
    return rows.select_related("person", "person__unit", "unit", "movement")


def of_year(year: int) -> Q:
    """Awards for ``year`` (their period ends in it) or decided in it."""
    return Q(year_to=year) | Q(decision_date__year=year)


def award_list(
    *,
    user: Any,
    year: int | None = None,
    kind: str = "",
    level: str = "",
    status: str = "",
    q: str = "",
    movement: Movement | None = None,
    person: Any = None,
) -> QuerySet[Award]:
    """The register: ``q`` is a part of the recipient's name, without its diacritics."""
    rows = awards_visible(user)
    if year is not None:
        rows = rows.filter(of_year(year))
    if kind in AwardKind.values:
        rows = rows.filter(kind=kind)
    if level in AwardLevel.values:
        rows = rows.filter(level=level)
    if status in AwardStatus.values:
        rows = rows.filter(status=status)
    if movement is not None:
        rows = rows.filter(movement=movement)
    if person is not None:
        rows = rows.filter(person=person)
    text = _text(q)
    if text:
        rows = rows.filter(
            Q(person__name_folded__contains=text) | Q(unit__name_folded__contains=text)
        )
    return rows.order_by("-year_to", "level", "kind", "unit_path", "id")


def award_get(*, user: Any, pk: int) -> Award:
    rows = awards_visible(user).select_related("proposed_by", "recorded_by")
    return _one(rows, pk, _("No such title or award."))


# --- initiatives -------------------------------------------------------------------------


def initiatives_visible(user: Any) -> QuerySet[Initiative]:
    rows = Initiative.objects.filter(access.scope_q(user, "unit_path"))
    if not sees_proposals(user):
        own = Initiative.authors.through.objects.filter(user_id=getattr(user, "pk", None) or 0)
        rows = rows.filter(
            Q(status=InitiativeStatus.RECOGNISED) | Q(pk__in=own.values("initiative_id"))
        )
    return rows.select_related("unit")


def initiative_list(
    *,
    user: Any,
    year: int | None = None,
    status: str = "",
    level: str = "",
    q: str = "",
    author: Any = None,
) -> QuerySet[Initiative]:
    """Initiatives of ``user``'s units: ``q`` a part of the title or of an author's name,
    without diacritics."""
    rows = initiatives_visible(user)
    if year is not None:
        rows = rows.filter(year=year)
    if status in InitiativeStatus.values:
        rows = rows.filter(status=status)
    if level in InitiativeLevel.values:
        rows = rows.filter(level=level)
    if author is not None:
        rows = rows.filter(pk__in=Initiative.authors.through.objects.filter(user=author).values(
            "initiative_id"
        ))  # fmt: skip
    text = _text(q)
    if text:
        written = Initiative.authors.through.objects.filter(user__name_folded__contains=text)
        rows = rows.filter(
            Q(title_folded__contains=text) | Q(pk__in=written.values("initiative_id"))
        )
    return rows.prefetch_related("authors").order_by("-year", "title", "id")


def initiative_get(*, user: Any, pk: int) -> Initiative:
    return _one(initiatives_visible(user), pk, _("No such initiative."))


# --- people and units --------------------------------------------------------------------


def people_of(unit: Unit) -> QuerySet[User]:
    """The unit's people: active users whose unit is in its subtree."""
    return User.objects.filter(is_active=True, unit__path__startswith=unit.path)


def person_get(*, user: Any, pk: int) -> User:
    """A person of ``user``'s subtree; NotFound otherwise."""
    found = User.objects.select_related("unit").filter(pk=pk).first()
    if found is None or found.unit is None or not access.in_scope(user, found.unit.path):
        raise NotFound(_("No such person."))
    return found


def people_choices(*, user: Any, limit: int = 2_000) -> list[User]:
    """The active people of ``user``'s subtree, by name (for the pickers)."""
    rows = access.visible(user, User.objects.filter(is_active=True), "unit__path")
    return list(rows.select_related("unit").order_by("name_folded", "id")[:limit])


def units_choices(*, user: Any, province_code: str | None = None) -> list[Unit]:
    """The units of ``user``'s subtree in a province (open ones), in tree order."""
    rows = access.visible(user, Unit.objects.filter(valid_to__isnull=True), "path")
    rows = rows.exclude(province_code="")
    if province_code:
        rows = rows.filter(province_code=province_code)
    return list(rows.order_by("path")[:1_000])


# --- the year at a glance ----------------------------------------------------------------


@dataclass(frozen=True)
class AwardCount:
    level: str
    level_label: str
    kind: str
    label: str
    count: int


@dataclass(frozen=True)
class YearSummary:
    year: int
    movements: list[Movement]
    pledges: int
    pledges_with_results: int
    pledges_kept: int
    awards: list[AwardCount]
    awards_total: int
    proposals: int
    initiatives: dict[str, int]
    initiatives_total: int


def year_summary(*, user: Any, year: int) -> YearSummary:
    """What ``user``'s units did in ``year``: the movements running, the pledges signed (with
    their results recorded, and kept: every target met), the titles and awards by level and
    kind, the proposals waiting, the initiatives recognised by level."""
    pledges = pledge_list(user=user, year=year)
    recorded = pledges.filter(results_at__isnull=False)
    missed = PledgeTarget.objects.exclude(met=True)  # not met, or without a figure
    awarded = awards_visible(user).filter(of_year(year), status=AwardStatus.AWARDED)
    counts = [
        AwardCount(
            row["level"],
            str(AwardLevel(row["level"]).label),
            row["kind"],
            str(AwardKind(row["kind"]).label),
            row["n"],
        )
        for row in awarded.order_by().values("level", "kind").annotate(n=Count("id"))
    ]
    order = {level: i for i, level in enumerate(AwardLevel.values)}
    kinds = {kind: i for i, kind in enumerate(AwardKind.values)}
    counts.sort(key=lambda c: (order[c.level], kinds[c.kind]))
    recognised = initiatives_visible(user).filter(year=year, status=InitiativeStatus.RECOGNISED)
    by_level = dict(
        recognised.order_by().values_list("level").annotate(n=Count("id")).values_list("level", "n")
    )
    return YearSummary(
        year=year,
        movements=list(movement_list(user=user, year=year)),
        pledges=pledges.count(),
        pledges_with_results=recorded.count(),
        pledges_kept=recorded.exclude(pk__in=missed.values("pledge_id")).count(),
        awards=counts,
        awards_total=sum(c.count for c in counts),
        proposals=awards_visible(user).filter(status=AwardStatus.PROPOSED).count()
        if sees_proposals(user)
        else 0,
        initiatives={
            str(label): by_level.get(level, 0) for level, label in InitiativeLevel.choices
        },
        initiatives_total=sum(by_level.values()),
    )
