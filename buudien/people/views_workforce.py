"""Pages of the workforce (lao động): the headcount of a unit's subtree on a day per child
unit and point by contract type, the average income of a year against the year before, the
staff list with the workforce fields, a member of staff without a login added or changed,
a leaving recorded, and the payroll's files imported (every problem at once, or the counts).

The personnel officer and administrators change it; directors and auditors read it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from buudien.core.bizdays import local_today
from buudien.core.errors import DomainError
from buudien.core.forms import apply_domain_error
from buudien.core.http import HtmxHttpRequest, paged
from buudien.core.imports import ImportFailed
from buudien.counter.views import posted
from buudien.network.models import Unit
from buudien.people import access, importers, selectors, services
from buudien.people.choices import ContractType
from buudien.people.forms import (
    LeaveForm,
    StaffFilterForm,
    StaffForm,
    WorkforceFilterForm,
    WorkforceImportForm,
)
from buudien.people.models import User


def staff_url(unit: Unit | None) -> str:
    """The staff list of ``unit``."""
    return f"{reverse('people:staff')}?{urlencode({'unit': unit.code if unit else ''})}"


@login_required
@require_GET
def workforce(request: HttpRequest) -> HttpResponse:
    """The headcount on a day per child unit and point, by contract type; the average income
    of a year per child unit against the year before."""
    today = local_today()
    form = WorkforceFilterForm(request.GET or None)
    wanted = form.cleaned_data if form.is_valid() else {}
    unit = selectors.workforce_unit(user=request.user, code=wanted.get("unit") or "")
    day, year = wanted.get("day") or today, wanted.get("year") or today.year
    context: dict[str, Any] = {
        "form": form,
        "unit": unit,
        "day": day,
        "year": year,
        "contracts": [*ContractType.choices, (selectors.UNSPECIFIED, _("Not recorded"))],
        "can_manage": access.can_manage_workforce(request.user),
    }
    if unit is not None:
        context.update(
            headcount=selectors.headcount_by_unit(unit, day),
            income=selectors.income(unit, year),
            incomes=selectors.income_by_unit(unit, year),
            staff_link=staff_url(unit),
        )
    return render(request, "people/workforce.html", context)


@login_required
@require_GET
def staff(request: HtmxHttpRequest) -> HttpResponse:
    """The staff of the reader's units with their workforce fields; names searched without
    diacritics."""
    access.require_workforce_reader(request.user)
    form = StaffFilterForm(request.GET or None)
    wanted = form.cleaned_data if form.is_valid() else {}
    rows = selectors.staff_list(user=request.user, **{k: v for k, v in wanted.items() if v})
    context = {
        "form": form,
        "can_manage": access.can_manage_workforce(request.user),
        **paged(request, rows),
    }
    if request.htmx:
        return render(request, "people/partials/_staff_rows.html", context)
    return render(request, "people/staff.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def staff_new(request: HttpRequest) -> HttpResponse:
    """A member of staff who does not log in (a postman, a BĐVHX's staff ...)."""
    access.require_workforce_manager(request.user)
    form = StaffForm(request.POST or None, user=request.user)
    answer = posted(
        request,
        form,
        act=lambda: services.staff_create(actor=request.user, **form.cleaned_data),
        done=lambda person: redirect(staff_url(person.unit)),
        said=lambda person: (
            _("%(name)s added to the staff (user name %(username)s, no login).")
            % {"name": person, "username": person.username}
        ),
    )
    return answer or render(
        request, "people/staff_form.html", {"form": form, "title": _("New member of staff")}
    )


def _person(request: HttpRequest, pk: int) -> User:
    access.require_workforce_manager(request.user)
    return selectors.user_get(user=request.user, pk=pk)


def _staff_form(request: HttpRequest, person: User, data: Any = None) -> StaffForm:
    initial = {name: getattr(person, name) for name in StaffForm.base_fields if name != "role"}
    return StaffForm(data, user=request.user, person=person, initial=initial)


def _edit_page(
    request: HttpRequest,
    person: User,
    form: StaffForm | None = None,
    leave_form: LeaveForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "people/staff_form.html",
        {
            "form": form or _staff_form(request, person),
            "person": person,
            "leave_form": leave_form or LeaveForm(initial={"day": local_today()}),
            "title": _("Staff member %(name)s") % {"name": person},
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The workforce fields of anyone; the rest of a member of staff without a login."""
    person = _person(request, pk)
    if request.method != "POST":
        return _edit_page(request, person)
    form = _staff_form(request, person, request.POST)
    answer = posted(
        request,
        form,
        act=lambda: services.staff_update(actor=request.user, user=person, **form.changes()),
        done=lambda saved: redirect(staff_url(saved.unit)),
        said=lambda saved: _("%(name)s saved.") % {"name": saved},
    )
    return answer or _edit_page(request, person, form=form, status=400)


@login_required
@require_POST
def staff_leave(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    form = LeaveForm(request.POST)
    answer = posted(
        request,
        form,
        act=lambda: services.staff_leave(
            actor=request.user, user=person, day=form.cleaned_data["day"]
        ),
        done=lambda saved: redirect(staff_url(saved.unit)),
        said=lambda saved: (
            _("%(name)s left on %(day)s.")
            % {"name": saved, "day": f"{saved.employed_until:%d/%m/%Y}"}
        ),
    )
    return answer or _edit_page(request, person, leave_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def workforce_import(request: HtmxHttpRequest) -> HttpResponse:
    """Upload a payroll file: every problem by row and column, or the counts imported."""
    access.require_workforce_manager(request.user)
    form = WorkforceImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {
        "form": form,
        "kinds": [importers.StaffImport, importers.IncomeImport],
    }
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            run = importers.IMPORTS[form.cleaned_data["kind"]]
            try:
                result = run(upload, actor=request.user, name=str(upload.name))
            except ImportFailed as exc:
                context.update(refusal=exc.message, problems=exc.errors)
            except DomainError as exc:
                if exc.status in (403, 404):
                    raise
                apply_domain_error(form, exc)
            else:
                status = 200
                context.update(result=result)
    template = "people/partials/_import_result.html" if request.htmx else "people/import.html"
    return render(request, template, context, status=status)
