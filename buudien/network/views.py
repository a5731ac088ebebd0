"""Pages of the network: the unit tree, service points, coverage. Views parse, call one
service or selector, and render; the same view answers htmx with a partial."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from buudien.core.bizdays import local_today
from buudien.core.errors import DomainError
from buudien.core.forms import apply_domain_error
from buudien.core.http import HtmxHttpRequest
from buudien.network import selectors, services
from buudien.network.choices import AdminAreaStructure
from buudien.network.forms import CoverageForm, PointFilterForm, PointForm, UnitForm
from buudien.network.models import ServicePoint
from buudien.people import access


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    day = local_today()
    show_all = request.GET.get("all") == "1"
    nodes = selectors.unit_tree(user=request.user, day=day, include_inactive=show_all)
    return render(
        request,
        "network/tree.html",
        {
            "nodes": nodes,
            "day": day,
            "show_all": show_all,
            "can_manage": access.can_manage_network(request.user),
        },
    )


@login_required
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = selectors.unit_get(user=request.user, code=code)
    day = local_today()
    points = selectors.point_list(user=request.user, unit=unit.code, active_on=day)
    return render(
        request,
        "network/unit_detail.html",
        {
            "unit": unit,
            # Above the user's own unit the parent is named, not linked: its page is not theirs.
            "parent_visible": unit.parent is not None
            and access.in_scope(request.user, unit.parent.path),
            "children": unit.children.order_by("code"),
            "points_active": points.count(),
            "by_kind": selectors.point_counts_by_kind(points),
            "staff": unit.staff.filter(is_active=True).order_by("role", "full_name")[:200],
            "can_manage": access.can_manage_network(request.user),
            "replaced_by": _linked(
                request.user,
                unit.successions.select_related("successor").order_by("successor__code"),
                "successor",
            ),
            "replaces": _linked(
                request.user,
                unit.predecessions.select_related("predecessor").order_by("predecessor__code"),
                "predecessor",
            ),
        },
    )


def _linked(user: Any, successions: Any, side: str) -> list[Any]:
    """The successions, each marked ``linked`` when the unit on ``side`` is one the user may
    open (a district post of another subtree is named, not linked to a 404)."""
    rows = list(successions)
    for row in rows:
        row.linked = access.in_scope(user, getattr(row, side).path)
    return rows


def _unit_data(form: UnitForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data.pop("code", None)
    return data


@login_required
def unit_create(request: HttpRequest) -> HttpResponse:
    access.require_network_manager(request.user)
    form = UnitForm(
        request.POST or None, user=request.user, initial={"parent": request.GET.get("parent")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(
                actor=request.user, code=form.cleaned_data["code"], **_unit_data(form)
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Unit %(name)s created.") % {"name": unit.name})
            return redirect("network:unit", code=unit.code)
    return render(
        request, "network/form.html", {"form": form, "title": _("New unit"), "back": "network:tree"}
    )


@login_required
def unit_edit(request: HttpRequest, code: str) -> HttpResponse:
    access.require_network_manager(request.user)
    unit = selectors.unit_get(user=request.user, code=code)
    initial = {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "parent": unit.parent,
        "province_code": unit.province_code,
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
    }
    form = UnitForm(request.POST or None, user=request.user, unit=unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(actor=request.user, unit=unit, **_unit_data(form))
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Unit %(name)s saved.") % {"name": unit.name})
            return redirect("network:unit", code=unit.code)
    return render(
        request,
        "network/form.html",
        {
            "form": form,
            "title": _("Edit unit %(name)s") % {"name": unit.name},
            "back": "network:tree",
        },
    )


@login_required
def points(request: HtmxHttpRequest) -> HttpResponse:
    form = PointFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    include_closed = filters.pop("include_closed", False)
    active_on = filters.pop("active_on", None) or (None if include_closed else local_today())
    queryset = selectors.point_list(user=request.user, active_on=active_on, **filters)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "total": page.paginator.count,
        "query": query.urlencode(),
        "active_on": active_on,
        "can_manage": access.can_manage_network(request.user),
    }
    template = "network/partials/_point_rows.html" if request.htmx else "network/points.html"
    return render(request, template, context)


@login_required
def point_detail(request: HttpRequest, code: str) -> HttpResponse:
    point = selectors.point_get(user=request.user, code=code)
    today = local_today()
    return render(
        request,
        "network/point_detail.html",
        {
            "point": point,
            "services": [o.get_service_display() for o in point.offers.all()],
            "staff": selectors.point_staff(point),
            "active": point.is_active_on(today),
            "can_manage": access.can_manage_network(request.user),
        },
    )


def _point_data(form: PointForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data.pop("code", None)
    return data


@login_required
def point_create(request: HttpRequest) -> HttpResponse:
    access.require_network_manager(request.user)
    form = PointForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            point = services.point_create(
                actor=request.user, code=form.cleaned_data["code"], **_point_data(form)
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Service point %(name)s created.") % {"name": point.name})
            return redirect("network:point", code=point.code)
    return render(
        request,
        "network/form.html",
        {"form": form, "title": _("New service point"), "back": "network:points"},
    )


@login_required
def point_edit(request: HttpRequest, code: str) -> HttpResponse:
    access.require_network_manager(request.user)
    point: ServicePoint = selectors.point_get(user=request.user, code=code)
    form = PointForm(
        request.POST or None, user=request.user, point=point, initial=PointForm.initial_for(point)
    )
    if request.method == "POST" and form.is_valid():
        data = _point_data(form)
        try:
            services.point_update(
                actor=request.user, point=point, services=data.pop("services"), **data
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Service point %(name)s saved.") % {"name": point.name})
            return redirect("network:point", code=point.code)
    return render(
        request,
        "network/form.html",
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": point.name},
            "back": "network:points",
        },
    )


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    provinces = [(u.province_code, u.name) for u in selectors.provinces_visible(request.user)]
    data = request.GET.copy() if request.GET else None
    if data is not None and "province" not in data and provinces:
        data["province"] = provinces[0][0]
    form: CoverageForm | None = CoverageForm(
        data,
        provinces=provinces,
        initial={"on": local_today(), "province": provinces[0][0] if provinces else None},
    )
    result = None
    if not provinces:
        form = None  # nothing the user may read
    elif data is None:
        result = selectors.coverage(
            user=request.user, province_code=provinces[0][0], day=local_today()
        )
    elif form is not None and form.is_valid():
        result = selectors.coverage(
            user=request.user,
            province_code=form.cleaned_data["province"],
            day=form.cleaned_data["on"] or local_today(),
        )
    return render(
        request,
        "network/coverage.html",
        {
            "form": form,
            "result": result,
            "legacy": result is not None and result.structure == AdminAreaStructure.LEGACY,
        },
    )
