"""Pages of customer care: the requests of the handler's units with the law's clock, a
request taken on the hotline or at the counter, one request with the item's own tracking
beside it and the forms that handle it (assign, note, answer, escalate, close), the answer
as a letter; and the public pages (no login) to lodge a request and follow it by its code.
Views parse, call one service or selector and render; a refusal goes next to its field,
every problem at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from buudien.care import forms, letters, selectors, services
from buudien.care.models import CareRequest
from buudien.core.bizdays import local_today
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.forms import apply_domain_error
from buudien.core.http import HtmxHttpRequest, paged
from buudien.counter.views import pdf_response, posted
from buudien.mail.selectors import home_province

# The forms of the request page, by name: each posts to its own address.
ACTIONS = ("assign", "note", "answer", "escalate", "close")


def _require_handler(user: Any) -> None:
    if not services.can_handle(user):
        raise AccessDenied(_("Only customer care staff handle requests."))


def follow_url(code: str) -> str:
    return f"{reverse('care:follow')}?{urlencode({'code': code})}"


@login_required
@require_GET
def index(request: HtmxHttpRequest) -> HttpResponse:
    """The requests of the user's units, open ones nearest their deadline first."""
    user = request.user
    _require_handler(user)
    form = forms.RequestFilterForm(request.GET or None)
    wanted: dict[str, str] = form.cleaned_data if form.is_valid() else {}
    today = local_today()
    rows = selectors.request_list(user=user, today=today, **wanted)
    context = {"form": form, "today": today, "soon": services.ESCALATE_DAYS, **paged(request, rows)}
    if request.htmx:
        return render(request, "care/partials/_rows.html", context)
    context["to_escalate"] = selectors.to_escalate(user=user, today=today).count()
    return render(request, "care/index.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def lodge(request: HttpRequest) -> HttpResponse:
    """A request taken on the hotline, at the counter or from a partner."""
    user = request.user
    _require_handler(user)
    form = forms.LodgeForm(request.POST or None)
    answer = posted(
        request,
        form,
        act=lambda: services.request_lodge(
            actor=user, point=getattr(user, "point", None), **form.data_for_service()
        ),
        done=lambda row: redirect("care:request", code=row.code),
        said=lambda row: (
            _("Request %(code)s lodged: to resolve by %(day)s. Give the customer the code.")
            % {"code": row.code, "day": f"{row.resolve_by:%d/%m/%Y}"}
        ),
    )
    return answer or render(request, "care/lodge.html", {"form": form})


def _page(
    request: HttpRequest, found: CareRequest, bound: dict[str, Any] | None = None
) -> HttpResponse:
    """The request with its steps, the item's tracking beside it, and the forms (the one
    just posted, bound with its errors, in place of its empty twin)."""
    user = request.user
    page_forms: dict[str, Any] = {}
    if found.is_open:
        page_forms = {
            "assign": forms.AssignForm(
                user=user,
                province_code=found.province_code,
                initial={"unit": found.unit.code, "owner": getattr(found.owner, "username", "")},
            ),
            "note": forms.NoteForm(),
            "answer": forms.AnswerForm(initial={"text": found.answer}),
            "escalate": django_forms.Form(),
            "close": forms.CloseForm(),
        }
        page_forms.update(bound or {})
    events = (
        found.item.events.select_related("point").order_by("occurred_at", "id")
        if found.item is not None
        else None
    )
    today = local_today()
    return render(
        request,
        "care/request.html",
        {
            "req": found,
            "steps": selectors.steps_of(found),
            "events": events,
            "days_left": selectors.days_left(found, today),
            "may_escalate": found.is_open
            and found.escalated_at is None
            and selectors.days_left(found, today) <= services.ESCALATE_DAYS,
            "forms": page_forms,
            "text_forms": [
                (name, page_forms[name], label)
                for name, label in (
                    ("note", _("Add the note")),
                    ("answer", _("Answer the customer")),
                )
                if name in page_forms
            ],
            "message": letters.answer_message(found) if found.answer else "",
            "follow_url": follow_url(found.code),
        },
        status=400 if bound else 200,
    )


@login_required
@require_GET
def request_page(request: HttpRequest, code: str) -> HttpResponse:
    _require_handler(request.user)
    return _page(request, selectors.request_get(user=request.user, code=code))


def _action(
    request: HttpRequest,
    code: str,
    name: str,
    form: django_forms.Form,
    act: Callable[[CareRequest], Any],
    said: str,
) -> HttpResponse:
    """One of the request page's forms posted: ``act(request)`` on success, else the page
    with the form's problems."""
    _require_handler(request.user)
    found = selectors.request_get(user=request.user, code=code)
    answer = posted(
        request,
        form,
        act=lambda: act(found),
        done=lambda _row: redirect("care:request", code=found.code),
        said=lambda _row: said,
        missing=True,
    )
    if answer is not None:
        return answer
    return _page(request, selectors.request_get(user=request.user, code=code), {name: form})


@login_required
@require_POST
def assign(request: HttpRequest, code: str) -> HttpResponse:
    _require_handler(request.user)
    found = selectors.request_get(user=request.user, code=code)
    form = forms.AssignForm(request.POST, user=request.user, province_code=found.province_code)

    def act(row: CareRequest) -> CareRequest:
        data = form.cleaned_data
        unit = form.units.get(data.get("unit") or "")
        if unit is None:
            raise DomainError(_("Choose the unit in charge."), field="unit")
        owner = form.people.get(data.get("owner") or "") if data.get("owner") else None
        if data.get("owner") and owner is None:
            raise DomainError(_("Choose who handles the request."), field="owner")
        return services.request_assign(actor=request.user, request=row, unit=unit, owner=owner)

    return _action(request, code, "assign", form, act, _("The request was assigned."))


def _service_action(
    request: HttpRequest,
    code: str,
    name: str,
    form: django_forms.Form,
    service: Callable[..., Any],
    said: str,
) -> HttpResponse:
    """A form whose fields are the service's own arguments."""
    return _action(
        request,
        code,
        name,
        form,
        lambda row: service(actor=request.user, request=row, **form.cleaned_data),
        said,
    )


@login_required
@require_POST
def note(request: HttpRequest, code: str) -> HttpResponse:
    form = forms.NoteForm(request.POST)
    return _service_action(
        request, code, "note", form, services.request_note, _("The note was added.")
    )


@login_required
@require_POST
def answer(request: HttpRequest, code: str) -> HttpResponse:
    said = _("The answer was recorded: print the letter or send the text to the customer.")
    form = forms.AnswerForm(request.POST)
    return _service_action(request, code, "answer", form, services.request_answer, said)


@login_required
@require_POST
def escalate(request: HttpRequest, code: str) -> HttpResponse:
    said = _("The request was escalated to the unit above.")
    form = django_forms.Form(request.POST)
    return _service_action(request, code, "escalate", form, services.request_escalate, said)


@login_required
@require_POST
def close(request: HttpRequest, code: str) -> HttpResponse:
    form = forms.CloseForm(request.POST)
    said = _("The request was closed.")
    return _service_action(request, code, "close", form, services.request_close, said)


@login_required
@require_GET
def letter(request: HttpRequest, code: str) -> HttpResponse:
    """The answer as a printed letter (A4)."""
    _require_handler(request.user)
    found = selectors.request_get(user=request.user, code=code)
    if not found.answer:
        raise DomainError(_("The customer has not been answered yet."))
    return pdf_response(letters.answer_letter_pdf(found), f"{found.code}.pdf")


# --- the public pages ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def public_new(request: HttpRequest) -> HttpResponse:
    """/care/new/: anyone lodges a complaint, an enquiry or a suggestion (a phone number is
    needed to answer them) and gets the code to follow it."""
    form = forms.PublicForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not form.cleaned_data.get("website"):
        try:
            row = services.request_lodge(
                actor=None, province_code=home_province(), **form.data_for_service()
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("Your request was received. Its code is %(code)s: keep it to follow it.")
                % {"code": row.code},
            )
            return redirect(follow_url(row.code))
    status = 400 if request.method == "POST" else 200
    return render(
        request, "care/public_new.html", {"form": form, "hotline": letters.hotline()}, status=status
    )


@require_GET
def follow(request: HttpRequest) -> HttpResponse:
    """/care/follow/?code=: the request's status, its public steps and the answer."""
    form = forms.FollowForm(request.GET or None)
    found, missing = None, ""
    code = str(form.cleaned_data.get("code") or "") if form.is_valid() else ""
    if code.strip():
        try:
            found = selectors.public_get(code=code)
        except NotFound as exc:
            missing = str(exc.message)
    return render(
        request,
        "care/follow.html",
        {"form": form, "found": found, "missing": missing, "hotline": letters.hotline()},
        status=404 if missing else 200,
    )
