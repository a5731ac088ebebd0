from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from buudien.core.errors import DomainError
from buudien.core.forms import apply_domain_error
from buudien.core.http import HtmxHttpRequest
from buudien.people import access, selectors, services
from buudien.people.forms import UserFilterForm, UserForm


@login_required
def people(request: HtmxHttpRequest) -> HttpResponse:
    form = UserFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    page = Paginator(selectors.user_list(user=request.user, **filters), 50).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_manage": access.can_manage_users(request.user),
    }
    template = "people/partials/_rows.html" if request.htmx else "people/list.html"
    return render(request, template, context)


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    access.require_user_manager(request.user)
    form = UserForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("is_active", None)
        try:
            person = services.user_create(actor=request.user, **data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("User %(name)s created.") % {"name": person})
            return redirect("people:list")
    return render(
        request, "network/form.html", {"form": form, "title": _("New user"), "back": "people:list"}
    )


@login_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_user_manager(request.user)
    person = selectors.user_get(user=request.user, pk=pk)
    initial = {
        f: getattr(person, f)
        for f in [
            "username",
            "full_name",
            "role",
            "unit",
            "point",
            "position",
            "phone",
            "email",
            "is_active",
        ]
    }
    form = UserForm(request.POST or None, user=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("username")
        try:
            services.user_update(actor=request.user, user=person, **data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("User %(name)s saved.") % {"name": person})
            return redirect("people:list")
    return render(
        request,
        "network/form.html",
        {"form": form, "title": _("Edit user %(name)s") % {"name": person}, "back": "people:list"},
    )
