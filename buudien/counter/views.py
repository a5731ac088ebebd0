"""The page of one counter operation, the PDF answer of a receipt, and the amount in words
that the money input shows as it is typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from buudien.core.errors import DomainError
from buudien.core.forms import apply_domain_error
from buudien.counter.forms import CounterForm, words_typed
from buudien.network.models import ServicePoint

Perform = Callable[[Any, ServicePoint, str, dict[str, Any]], Any]


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """A PDF shown in the browser (printed from there), saved under ``filename``."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def operation_page(
    request: HttpRequest,
    *,
    form_class: type[CounterForm],
    template: str,
    perform: Perform,
    done: Callable[[Any], HttpResponse],
    recorded: Callable[[Any], str],
    initial: dict[str, Any] | None = None,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """The form of one operation at the user's counter (or a point they choose): on a valid
    post, ``perform(user, point, token, data)``; a refusal goes next to its field, every
    problem at once; success says ``recorded(operation)`` and answers ``done(operation)``."""
    user = request.user
    form = form_class(request.POST or None, user=user, initial=initial or {})

    def act() -> Any:
        point = form.point()
        if point is None:
            raise DomainError(_("Choose the service point."))
        return perform(user, point, form.cleaned_data["token"], form.data_for_service())

    answer = posted(request, form, act=act, done=done, said=recorded)
    return answer or render(request, template, {"form": form, **(context or {})})


def posted[T](
    request: HttpRequest,
    form: forms.Form,
    *,
    act: Callable[[], T],
    done: Callable[[T], HttpResponse],
    said: Callable[[T], str],
    missing: bool = False,
) -> HttpResponse | None:
    """The answer to a form posted to a service: on a valid post, ``act()``; success says
    ``said(result)`` and answers ``done(result)``; a refusal goes next to its field (a
    "not found" is the 404 page when ``missing``) and the answer is None: the page shows
    the form again with every problem at once."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = act()
    except DomainError as exc:
        if missing and exc.status == 404:
            raise
        apply_domain_error(form, exc)
        return None
    messages.success(request, said(result))
    return done(result)


@login_required
@require_GET
def amount_words(request: HttpRequest) -> HttpResponse:
    """The amount typed in a money input, in Vietnamese words (htmx asks as it is typed):
    empty when it is not an amount yet."""
    typed = next(iter(request.GET.values()), "")
    words = words_typed(typed)
    return HttpResponse(words, content_type="text/plain; charset=utf-8")
