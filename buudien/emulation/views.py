"""Pages of emulation and commendation: the year at a glance, the movements (with the
candidates' ranking by their criteria), the pledges (with their results computed from the
figures once the year has ended), the register of titles and awards (with its .xlsx), the
initiatives (with their impact where applied), and a person's record with what the records
show for the next titles. Views parse, call one service or selector and render; a refusal
goes next to its field, every problem at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from buudien.core.bizdays import local_today
from buudien.core.http import HtmxHttpRequest, paged
from buudien.counter.views import posted
from buudien.emulation import eligibility, evidence, exports, forms, rules, selectors, services
from buudien.emulation.choices import AwardStatus, InitiativeStatus
from buudien.emulation.models import Award, Initiative

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _asked_year(data: Any) -> int | None:
    """The year given in ``data`` (``year``), when it is one."""
    form = forms.YearForm(data or None)
    year = form.cleaned_data.get("year") if form.is_valid() else None
    return year if isinstance(year, int) and 1945 <= year <= 2100 else None


def _year(request: HttpRequest, default: int | None = None) -> int:
    """The year asked for (``?year=``), else ``default``, else this year."""
    return _asked_year(request.GET) or default or local_today().year


def _province(user: Any) -> Any:
    """The province post of ``user``'s unit (None without one)."""
    unit = getattr(user, "unit", None)
    return rules.province_of(unit) if unit is not None else None


def _roles(user: Any) -> dict[str, bool]:
    return {"may_record": rules.is_recorder(user), "may_propose": rules.can_propose(user)}


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The year at a glance (``?year=``): movements, pledges signed and kept, titles and
    awards by level and kind, initiatives recognised."""
    year = _year(request)
    summary = selectors.year_summary(user=request.user, year=year)
    context = {"summary": summary, "year": year, **_roles(request.user)}
    return render(request, "emulation/index.html", context)


# --- movements ---------------------------------------------------------------------------


@login_required
@require_GET
def movements(request: HttpRequest) -> HttpResponse:
    form = forms.YearForm(request.GET or None)
    year = form.cleaned_data.get("year") if form.is_valid() else None
    rows = selectors.movement_list(user=request.user, year=year)
    context = {"form": form, **paged(request, rows), **_roles(request.user)}
    return render(request, "emulation/movements.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def movement_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    rules.require_recorder(user)
    today = local_today()
    form = forms.MovementForm(
        request.POST or None, user=user, initial={"year_from": today.year, "launched_on": today}
    )
    answer = posted(
        request,
        form,
        act=lambda: services.movement_launch(actor=user, **form.data_for_service()),
        done=lambda row: redirect("emulation:movement", pk=row.pk),
        said=lambda row: _("The movement “%(theme)s” was recorded.") % {"theme": row.theme},
    )
    return answer or render(request, "emulation/movement_new.html", {"form": form})


@login_required
@require_GET
def movement_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A movement with its criteria, units, pledges and awards, and the candidates' ranking
    by its criteria (``evidence.movement_ranking``) in the year asked for (``?year=``, one of
    its years that has begun), else its last year that has begun."""
    user = request.user
    movement = selectors.movement_get(user=user, pk=pk)
    today = local_today()
    year = _asked_year(request.GET)
    if year not in evidence.ranking_years(movement, today):
        year = None
    context = {
        "ranking": evidence.movement_ranking(user=user, movement=movement, year=year, today=today),
        "movement": movement,
        "criteria": selectors.movement_criteria(movement),
        "units": list(movement.units.order_by("path")),
        "pledges": selectors.pledge_list(user=user, movement=movement),
        "awards": selectors.award_list(user=user, movement=movement),
        **_roles(user),
    }
    return render(request, "emulation/movement.html", context)


# --- pledges -----------------------------------------------------------------------------


def _pledges_page(
    request: HttpRequest, year: int, results_form: forms.YearForm | None = None
) -> HttpResponse:
    user = request.user
    rows = selectors.pledge_list(user=user, year=year)
    may_compute = (
        rules.is_recorder(user)
        and year < local_today().year
        and _province(user) is not None
        and rows.filter(results_at__isnull=True).exists()
    )
    context = {
        "year": year,
        "may_compute": may_compute,
        "results_form": results_form,
        **paged(request, rows),
        **_roles(user),
    }
    status = 400 if results_form is not None else 200
    return render(request, "emulation/pledges.html", context, status=status)


@login_required
@require_GET
def pledges(request: HttpRequest) -> HttpResponse:
    """The pledges of a year (``?year=``); for a recorder, once the year has ended and while
    some pledge of theirs has no results, the button that computes them."""
    return _pledges_page(request, _year(request))


@login_required
@require_POST
def pledges_results(request: HttpRequest) -> HttpResponse:
    """A recorder has the results of the year's pledges of their province computed from the
    figures (``services.pledges_compute_results``): back to the year's pledges, or the page
    again with why not."""
    user = request.user
    rules.require_recorder(user)
    form = forms.YearForm(request.POST)
    year = _asked_year(request.POST)
    answer = posted(
        request,
        form,
        act=lambda: services.pledges_compute_results(
            actor=user, province=_province(user), year=form.cleaned_data["year"]
        ),
        done=lambda count: redirect(f"{reverse('emulation:pledges')}?year={year}"),
        said=lambda count: (
            ngettext(
                "The results of %(n)s pledge were computed from the figures and recorded.",
                "The results of %(n)s pledges were computed from the figures and recorded.",
                count,
            )
            % {"n": count}
        ),
        missing=True,
    )
    return answer or _pledges_page(request, year or local_today().year, form)


@login_required
@require_http_methods(["GET", "POST"])
def pledge_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    rules.require_recorder(user)
    form = forms.PledgeForm(request.POST or None, user=user, initial={"year": local_today().year})
    answer = posted(
        request,
        form,
        act=lambda: services.pledge_record(actor=user, **form.data_for_service()),
        done=lambda row: redirect("emulation:pledge", pk=row.pk),
        said=lambda row: (
            _("The pledge of %(unit)s for %(year)s was recorded.")
            % {"unit": row.unit, "year": row.year}
        ),
    )
    return answer or render(request, "emulation/pledge_new.html", {"form": form})


@login_required
@require_GET
def pledge_page(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = selectors.pledge_get(user=request.user, pk=pk)
    context = {"pledge": pledge, "targets": selectors.pledge_targets(pledge)}
    return render(request, "emulation/pledge.html", context)


# --- titles and awards -------------------------------------------------------------------


def _award_filters(request: HttpRequest) -> tuple[forms.AwardFilterForm, dict[str, Any]]:
    form = forms.AwardFilterForm(request.GET or None)
    wanted: dict[str, Any] = dict(form.cleaned_data) if form.is_valid() else {}
    return form, wanted


@login_required
@require_GET
def awards(request: HtmxHttpRequest) -> HttpResponse:
    """The register of titles and awards: by year, kind, level, status and the recipient's
    name typed without diacritics."""
    form, wanted = _award_filters(request)
    rows = selectors.award_list(user=request.user, **wanted)
    context = {"form": form, **paged(request, rows), **_roles(request.user)}
    if request.htmx:
        return render(request, "emulation/partials/_award_rows.html", context)
    return render(request, "emulation/awards.html", context)


@login_required
@require_GET
def awards_xlsx(request: HttpRequest) -> HttpResponse:
    """The register as filtered, in an .xlsx workbook."""
    _form, wanted = _award_filters(request)
    rows = selectors.award_list(user=request.user, **wanted)
    response = HttpResponse(exports.awards_xlsx(rows), content_type=XLSX)
    year = wanted.get("year")
    name = f"khen-thuong-{year}.xlsx" if year else "khen-thuong.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _award_form(request: HttpRequest, *, record: bool) -> HttpResponse:
    user = request.user
    form_class = forms.AwardRecordForm if record else forms.AwardForm
    year = rules.review_year(local_today())
    form = form_class(request.POST or None, user=user, initial={"year_from": year})
    service = services.award_record if record else services.award_propose
    answer = posted(
        request,
        form,
        act=lambda: service(actor=user, **form.data_for_service()),
        done=lambda row: redirect("emulation:award", pk=row.pk),
        said=lambda row: (
            (
                _("%(title)s for %(recipient)s was recorded.")
                if record
                else _("%(title)s for %(recipient)s was proposed.")
            )
            % {"title": row.title, "recipient": row.recipient}
        ),
    )
    return answer or render(request, "emulation/award_form.html", {"form": form, "record": record})


@login_required
@require_http_methods(["GET", "POST"])
def award_propose(request: HttpRequest) -> HttpResponse:
    """The head of a unit proposes a title or an award for a person or a unit of theirs."""
    rules.require_proposer(request.user)
    return _award_form(request, record=False)


@login_required
@require_http_methods(["GET", "POST"])
def award_record(request: HttpRequest) -> HttpResponse:
    """A recorder records a title or an award decided (by the post or a higher level)."""
    rules.require_recorder(request.user)
    return _award_form(request, record=True)


def _award_page(
    request: HttpRequest, award: Award, form: forms.DecisionForm | None = None
) -> HttpResponse:
    may_decide = award.status == AwardStatus.PROPOSED and rules.is_recorder(request.user)
    context = {
        "award": award,
        "form": form or (forms.award_decision() if may_decide else None),
        "may_decide": may_decide,
    }
    return render(request, "emulation/award.html", context, status=400 if form else 200)


@login_required
@require_GET
def award_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _award_page(request, selectors.award_get(user=request.user, pk=pk))


def _decide(
    request: HttpRequest,
    form: forms.DecisionForm,
    decide: Callable[[dict[str, Any]], Any],
    page: Callable[[], HttpResponse],
) -> HttpResponse:
    """A decision posted: ``decide(data)``, then the page of what was decided; the page with
    the form's problems otherwise (``page()``)."""
    answer = posted(
        request,
        form,
        act=lambda: decide(form.cleaned_data),
        done=lambda row: redirect(request.path.removesuffix("decide/")),
        said=lambda row: (
            _("The decision was recorded: %(status)s.") % {"status": row.get_status_display()}
        ),
        missing=True,
    )
    return answer or page()


@login_required
@require_POST
def award_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    rules.require_recorder(user)
    award = selectors.award_get(user=user, pk=pk)
    form = forms.award_decision(request.POST)
    return _decide(
        request,
        form,
        lambda data: services.award_decide(actor=user, award=award, **data),
        lambda: _award_page(request, award, form),
    )


# --- initiatives -------------------------------------------------------------------------


@login_required
@require_GET
def initiatives(request: HttpRequest) -> HttpResponse:
    form = forms.InitiativeFilterForm(request.GET or None)
    wanted: dict[str, Any] = dict(form.cleaned_data) if form.is_valid() else {}
    rows = selectors.initiative_list(user=request.user, **wanted)
    context = {"form": form, **paged(request, rows), **_roles(request.user)}
    return render(request, "emulation/initiatives.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def initiative_new(request: HttpRequest) -> HttpResponse:
    """The head of a unit proposes an initiative; a recorder records one recognised already
    (with its decision) or proposes it."""
    user = request.user
    rules.require_proposer(user)
    recorder = rules.is_recorder(user)
    form = forms.InitiativeForm(
        request.POST or None,
        user=user,
        recorder=recorder,
        initial={"year": local_today().year, "level": "unit"},
    )

    def act() -> Initiative:
        data = form.data_for_service()
        number, day = data.pop("decision_number", ""), data.pop("decision_date", None)
        if recorder and (number or day):
            return services.initiative_record(
                actor=user, decision_number=number, decision_date=day, **data
            )
        return services.initiative_propose(actor=user, **data)

    answer = posted(
        request,
        form,
        act=act,
        done=lambda row: redirect("emulation:initiative", pk=row.pk),
        said=lambda row: _("The initiative “%(title)s” was recorded.") % {"title": row.title},
    )
    return answer or render(request, "emulation/initiative_new.html", {"form": form})


def _initiative_page(
    request: HttpRequest, initiative: Initiative, bound: dict[str, Any] | None = None
) -> HttpResponse:
    user = request.user
    page_forms: dict[str, Any] = {}
    if initiative.status == InitiativeStatus.PROPOSED and rules.is_recorder(user):
        page_forms["decide"] = forms.initiative_decision()
    if initiative.status != InitiativeStatus.REJECTED and rules.can_propose(user):
        page_forms["apply"] = forms.ApplicationForm(
            user=user, province_code=initiative.province_code
        )
    page_forms.update(bound or {})
    applications = list(initiative.applications.select_related("unit").order_by("applied_on"))
    context = {
        "initiative": initiative,
        "authors": list(initiative.authors.select_related("unit").order_by("name_folded")),
        "applications": applications,
        "impact": evidence.initiative_impact(
            user=user, initiative=initiative, applications=applications
        ),
        "impact_months": evidence.IMPACT_MONTHS,
        "forms": page_forms,
    }
    return render(request, "emulation/initiative.html", context, status=400 if bound else 200)


@login_required
@require_GET
def initiative_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _initiative_page(request, selectors.initiative_get(user=request.user, pk=pk))


@login_required
@require_POST
def initiative_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    rules.require_recorder(user)
    initiative = selectors.initiative_get(user=user, pk=pk)
    form = forms.initiative_decision(request.POST)
    return _decide(
        request,
        form,
        lambda data: services.initiative_decide(actor=user, initiative=initiative, **data),
        lambda: _initiative_page(request, initiative, {"decide": form}),
    )


@login_required
@require_POST
def initiative_apply(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    rules.require_proposer(user)
    initiative = selectors.initiative_get(user=user, pk=pk)
    form = forms.ApplicationForm(request.POST, user=user, province_code=initiative.province_code)
    answer = posted(
        request,
        form,
        act=lambda: services.initiative_apply(
            actor=user, initiative=initiative, **form.data_for_service()
        ),
        done=lambda row: redirect("emulation:initiative", pk=initiative.pk),
        said=lambda row: (
            _("Applied in %(unit)s since %(day)s.")
            % {"unit": row.unit, "day": f"{row.applied_on:%d/%m/%Y}"}
        ),
        missing=True,
    )
    return answer or _initiative_page(request, initiative, {"apply": form})


# --- a person's record -------------------------------------------------------------------


@login_required
@require_GET
def person_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A person of the reader's subtree: their titles and awards by year, their initiatives,
    and what the records show for the next titles in the year (``?year=``; by default the
    year under review, ``rules.review_year``: in January the year just ended)."""
    user = request.user
    person = selectors.person_get(user=user, pk=pk)
    year = _year(request, rules.review_year(local_today()))
    context = {
        "person": person,
        "year": year,
        "awards": selectors.award_list(user=user, person=person),
        "initiatives": selectors.initiative_list(user=user, author=person),
        "checks": eligibility.eligibility(person, year),
    }
    return render(request, "emulation/person.html", context)
