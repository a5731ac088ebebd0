"""The page of one counter operation, the PDF answer of a receipt, the amount in words that
the money input shows as it is typed, and the cancellations: the panel a record's page shows
(the form with its confirmation, the request waiting, the decisions), the answer to its form,
and the page where directors and accountants approve or refuse what waits for them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from buudien.core.errors import DomainError
from buudien.core.forms import apply_domain_error
from buudien.core.money import format_vnd
from buudien.counter import cancellations, selectors
from buudien.counter.cancellations import Cancellation, Kind
from buudien.counter.choices import CancelStatus
from buudien.counter.forms import CancelForm, CounterForm, RefuseForm, words_typed
from buudien.counter.models import CancelRequest
from buudien.network.models import ServicePoint

# How many decided cancellations the supervisors' page lists under those waiting.
DECIDED_SHOWN = 20

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


# --- cancellations -------------------------------------------------------------------------


@dataclass
class CancelPanel:
    """What a record's page shows of its cancellation: the form (None when the user may not
    cancel it now, or a request waits), the question asked before it is sent, the request
    waiting and the decided ones."""

    action: str
    title: str
    note: str
    confirm: str
    button: str
    form: CancelForm | None = None
    pending: CancelRequest | None = None
    decided: list[CancelRequest] = field(default_factory=list)


def cancel_panel(
    *,
    kind: Kind,
    record: Any,
    allowed: bool,
    action: str,
    title: str,
    note: str = "",
    form: CancelForm | None = None,
) -> CancelPanel:
    """The panel of ``record``; ``allowed`` says whether the user may cancel it now (the
    service decides again when the form is sent)."""
    asked = selectors.record_requests(kind, record)
    pending = next((row for row in asked if row.status == CancelStatus.PENDING), None)
    # A form sent back with its error is shown whatever changed since.
    shown = form if form is not None else (CancelForm() if allowed and pending is None else None)
    panel = CancelPanel(
        action=action,
        title=title,
        note=note,
        confirm="",
        button=title,
        form=shown,
        pending=pending,
        decided=[row for row in asked if row.status != CancelStatus.PENDING],
    )
    if shown is not None:
        subject = kind.subject(record, {})
        panel.confirm = cancellations.confirm_text(subject)
        if cancellations.needs_approval(subject.amount):
            panel.button = _("Ask for approval to cancel")
    return panel


def cancel_posted(
    request: HttpRequest,
    *,
    act: Callable[[str], Cancellation],
    done: Callable[[Cancellation], HttpResponse],
    page: Callable[[CancelForm], HttpResponse],
) -> HttpResponse:
    """The answer to a record's cancel form: ``act(reason)``, the reason as typed; done or
    asked, the message says which and ``done`` answers; a refusal (no reason, another day,
    a request waiting ...) shows ``page`` with the form and its error, the reason focused. A
    record the user may not see or touch is the error page."""
    form = CancelForm(request.POST)
    form.is_valid()  # the reason as typed; the service decides whether it will do
    try:
        result = act(form.cleaned_data.get("reason", ""))
    except DomainError as exc:
        if exc.status != 400:
            raise
        apply_domain_error(form, exc)
    else:
        if result.done:
            messages.success(request, result.said())
        else:
            messages.info(request, result.said())
        return done(result)
    form.focus()
    return page(form)


def _decisions_page(
    request: HttpRequest,
    *,
    row_id: int | None = None,
    form: RefuseForm | None = None,
    error: str = "",
) -> HttpResponse:
    """The cancellations waiting for ``request.user`` (a director or an accountant), each
    with its approve and refuse buttons, and the last ones decided; ``row_id`` is the row a
    refused decision came from (its ``form`` or ``error`` shown there)."""
    user = request.user
    rows = []
    for row in selectors.cancel_request_list(user=user):
        what, url = cancellations.describe(row)
        here = row.pk == row_id
        rows.append(
            {
                "request": row,
                "what": what,
                "url": url,
                "own": row.requested_by_id == user.pk,
                "form": form
                if here and form is not None
                else RefuseForm(auto_id=f"id_%s_{row.pk}"),
                "error": error if here else "",
                "confirm": _(
                    "Approve the cancellation of %(what)s of %(amount)s? It is done at once."
                )
                % {"what": what, "amount": format_vnd(row.amount)},
            }
        )
    decided = [
        dict(zip(("what", "url"), cancellations.describe(row), strict=True), request=row)
        for row in selectors.cancel_request_list(user=user, status="").exclude(
            status=CancelStatus.PENDING
        )[:DECIDED_SHOWN]
    ]
    refused = bool(error) or (form is not None and bool(form.errors))
    return render(
        request,
        "counter/cancellations.html",
        {"rows": rows, "decided": decided, "limit": cancellations.threshold()},
        status=400 if refused else 200,
    )


@login_required
@require_GET
def cancel_requests(request: HttpRequest) -> HttpResponse:
    return _decisions_page(request)


@login_required
@require_POST
def cancel_request_approve(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.cancel_request_get(user=request.user, pk=pk)
    try:
        result = cancellations.cancel_request_approve(actor=request.user, request=row)
    except DomainError as exc:
        if exc.status != 400:
            raise
        return _decisions_page(request, row_id=row.pk, error=str(exc.message))
    messages.success(request, result.said())
    return redirect("counter:cancel_requests")


@login_required
@require_POST
def cancel_request_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.cancel_request_get(user=request.user, pk=pk)
    form = RefuseForm(request.POST, auto_id=f"id_%s_{row.pk}")
    form.is_valid()  # the reason as typed; the service decides whether it will do
    try:
        cancellations.cancel_request_refuse(
            actor=request.user, request=row, reason=form.cleaned_data.get("reason", "")
        )
    except DomainError as exc:
        if exc.status != 400:
            raise
        apply_domain_error(form, exc)
    else:
        messages.success(
            request,
            _("Refused: the cancellation of %(what)s.") % {"what": cancellations.describe(row)[0]},
        )
        return redirect("counter:cancel_requests")
    form.focus()
    return _decisions_page(request, row_id=row.pk, form=form)
