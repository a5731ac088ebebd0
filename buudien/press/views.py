"""The press pages: the subscriptions of the points in scope, a subscription taken at the
counter with its A6 receipt, the day's allocation per delivery point (printable), and the
public-press programmes with their recipients (an administrator adds one).

The daily work: the centre's day (each title appearing, received with its copies counted,
sent to the points, unsold copies returned) and an issue's page; the copies counted at a
point; the postman's round on the phone (one tap per delivery, htmx swaps the card); the
deliveries missed on a day for the supervisors. Views parse, call one service or selector
and render; a refusal shows every problem at once and changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from buudien.core.bizdays import local_today
from buudien.core.errors import AccessDenied, DomainError
from buudien.core.http import HtmxHttpRequest
from buudien.counter.views import operation_page, pdf_response, posted
from buudien.network.models import ServicePoint
from buudien.people import access
from buudien.press import forms, receipts, selectors, services, work
from buudien.press.choices import DeliveryStatus
from buudien.press.models import PressDelivery, PressIssue, Subscription


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    selectors.require_reader(request.user)
    form, q = forms.SearchForm.asked(request)
    return render(
        request,
        "press/index.html",
        {
            "form": form,
            "subscriptions": selectors.subscription_list(user=request.user, q=q),
            "can_act": services.can_act(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    if not services.can_act(request.user):
        raise AccessDenied(_("Only a counter clerk or an administrator may take subscriptions."))

    def perform(user: Any, point: ServicePoint, key: str, data: dict[str, Any]) -> Subscription:
        return services.subscription_take(actor=user, point=point, idempotency_key=key, **data)

    return operation_page(
        request,
        form_class=forms.SubscriptionForm,
        template="press/subscribe.html",
        perform=perform,
        recorded=lambda row: (
            _("Subscription %(reference)s taken. Print the receipt for the subscriber.")
            % {"reference": row.reference}
        ),
        done=lambda row: redirect("press:subscription", reference=row.reference),
    )


@login_required
@require_GET
def subscription(request: HttpRequest, reference: str) -> HttpResponse:
    row = selectors.subscription_get(user=request.user, reference=reference)
    return render(request, "press/subscription.html", {"row": row, "doc": receipts.receipt(row)})


@login_required
@require_GET
def receipt(request: HttpRequest, reference: str) -> HttpResponse:
    row = selectors.subscription_get(user=request.user, reference=reference)
    return pdf_response(receipts.receipt_file(row), f"{row.reference}.pdf")


def _day_of(request: HttpRequest) -> tuple[forms.DayForm, dt.date]:
    """The day asked for (``?day=``), today when none or not a date."""
    form = forms.DayForm(request.GET or None)
    return form, (form.cleaned_data.get("day") if form.is_valid() else None) or local_today()


def _at_day(name: str, day: dt.date, **more: str) -> str:
    return f"{reverse(name)}?{urlencode({'day': day.isoformat(), **more})}"


def _problems(exc: DomainError) -> str:
    """Every problem of a refusal in one message."""
    if isinstance(exc.errors, dict):
        return " ".join(str(p) for values in exc.errors.values() for p in values)
    return str(exc.message)


def _step(request: HttpRequest, action: Callable[[], Any], said: Callable[[Any], str]) -> None:
    """Run one service call: its result said in a message, or its refusal."""
    try:
        result = action()
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, _problems(exc))
    else:
        messages.success(request, said(result))


def _form_problems(form: Any) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@login_required
@require_GET
def allocation(request: HttpRequest) -> HttpResponse:
    """The copies of each title appearing on the day, per delivery point: one printed page
    per point; as the centre split the issue once received, as forecast before."""
    form, day = _day_of(request)
    lines = selectors.allocation(user=request.user, day=day)
    points: dict[int, dict[str, Any]] = {}
    for line in lines:
        entry = points.setdefault(line.point.pk, {"point": line.point, "lines": [], "copies": 0})
        entry["lines"].append(line)
        entry["copies"] += line.copies
    return render(
        request,
        "press/allocation.html",
        {"form": form, "day": day, "points": list(points.values())},
    )


# --- the centre ---------------------------------------------------------------------------


def _receive_form(title_code: str, day: dt.date, data: Any = None) -> forms.ReceiveForm:
    return forms.ReceiveForm(
        data,
        initial={"title": title_code, "issue_date": day.isoformat()},
        auto_id=f"id_{title_code}_%s",
    )


@login_required
@require_http_methods(["GET", "POST"])
def issues(request: HttpRequest) -> HttpResponse:
    """The centre's day: each title appearing with the copies expected and a form to
    receive it (the copies counted, a note); the issues received with what is missing and
    the single copies, to send to the points and to return unsold."""
    user = request.user
    selectors.require_centre(user)
    day_form, day = _day_of(request)
    form: forms.ReceiveForm | None = None
    if request.method == "POST":
        if not work.can_receive(user):
            raise AccessDenied(_("Only the centre's clerks or an administrator receive the press."))
        code = str(request.POST.get("title", ""))[:32]
        form = _receive_form(code, day, request.POST)
        province = selectors.province_of(user)

        def receive() -> PressIssue:
            data = form.cleaned_data
            title = services.title_for(province, data["title"])
            return work.issue_receive(
                actor=user,
                title=title,
                issue_date=data["issue_date"],
                received=data["received"],
                note=data["note"],
            )

        answer = posted(
            request,
            form,
            act=receive,
            done=lambda issue: redirect(_at_day("press:issues", issue.issue_date)),
            said=lambda issue: (
                _("%(title)s of %(day)s received: %(copies)s copies.")
                % {
                    "title": issue.title.name,
                    "day": f"{issue.issue_date:%d/%m/%Y}",
                    "copies": issue.received,
                }
            ),
        )
        if answer is not None:
            return answer
        if isinstance(form.cleaned_data.get("issue_date"), dt.date):
            day = form.cleaned_data["issue_date"]
    can_receive = work.can_receive(user)
    rows = []
    focused = False
    for row in selectors.centre_day(user=user, day=day):
        own = form if form is not None and form.data.get("title") == row.title.code else None
        receive_form = None
        if row.issue is None and can_receive:
            receive_form = own or _receive_form(row.title.code, day)
            if not focused and (own is not None or form is None):
                receive_form.fields["received"].widget.attrs["autofocus"] = True
                focused = True
        rows.append(
            {"title": row.title, "expected": row.expected, "issue": row.issue, "form": receive_form}
        )
    if focused:
        day_form.fields["day"].widget.attrs.pop("autofocus", None)
    return render(
        request,
        "press/issues.html",
        {
            "day_form": day_form,
            "day": day,
            "rows": rows,
            "unknown": form
            if form is not None and not any(r["form"] is form for r in rows)
            else None,
            "can_receive": can_receive,
            "return_form": forms.ReturnForm(),
        },
    )


@login_required
@require_GET
def issue(request: HttpRequest, pk: int) -> HttpResponse:
    """An issue: its allocation line per point (counted at the point or not) and how its
    deliveries stand."""
    row = selectors.issue_get(user=request.user, pk=pk)
    return render(
        request,
        "press/issue.html",
        {
            "issue": row,
            "lines": selectors.issue_lines(user=request.user, issue=row),
            "summary": selectors.issue_deliveries(issue=row),
            "can_receive": work.can_receive(request.user),
            "return_form": forms.ReturnForm(),
        },
    )


def _issue_back(request: HttpRequest, issue: PressIssue) -> HttpResponse:
    if request.POST.get("back") == "issue":
        return redirect("press:issue", pk=issue.pk)
    return redirect(_at_day("press:issues", issue.issue_date))


@login_required
@require_POST
def issue_dispatch(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.issue_get(user=request.user, pk=pk)
    _step(
        request,
        lambda: work.issue_dispatch(actor=request.user, issue=row),
        lambda done: (
            _("%(title)s of %(day)s sent to the points.")
            % {"title": done.title.name, "day": f"{done.issue_date:%d/%m/%Y}"}
        ),
    )
    return _issue_back(request, row)


@login_required
@require_POST
def issue_return(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.issue_get(user=request.user, pk=pk)
    form = forms.ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_problems(form))
        return _issue_back(request, row)
    _step(
        request,
        lambda: work.issue_return(
            actor=request.user, issue=row, copies=form.cleaned_data["copies"]
        ),
        lambda done: (
            _("%(copies)s unsold copies returned to the publisher; %(returned)s in all.")
            % {"copies": form.cleaned_data["copies"], "returned": done.returned}
        ),
    )
    return _issue_back(request, row)


# --- the point: copies counted ------------------------------------------------------------


@login_required
@require_GET
def copies(request: HttpRequest) -> HttpResponse:
    """The copies of the day sent to the user's point, each line to count as it arrives."""
    form, day = _day_of(request)
    return render(
        request,
        "press/copies.html",
        {
            "form": form,
            "day": day,
            "lines": selectors.point_lines(user=request.user, day=day),
            "count_form": forms.CountForm(),
        },
    )


@login_required
@require_POST
def copies_count(request: HttpRequest, pk: int) -> HttpResponse:
    line = selectors.allocation_get(user=request.user, pk=pk)
    form = forms.CountForm(request.POST)
    if form.is_valid():
        _step(
            request,
            lambda: work.allocation_receive(
                actor=request.user, allocation=line, received=form.cleaned_data["received"]
            ),
            lambda done: (
                _("%(copies)s copies of %(title)s counted at %(point)s.")
                % {
                    "copies": done.received,
                    "title": line.issue.title.name,
                    "point": line.point.name,
                }
            ),
        )
    else:
        messages.error(request, _form_problems(form))
    return redirect(_at_day("press:copies", line.issue.issue_date))


# --- the postman's round ------------------------------------------------------------------


@login_required
@require_GET
def round_page(request: HttpRequest) -> HttpResponse:
    """The postman's phone page: the deliveries of the day at the user's point, those still
    to deliver first in the order of the addresses; one tap each, or all at once."""
    form = forms.RoundForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    day = data.get("day") or local_today()
    point = selectors.round_point(user=request.user, code=data.get("point") or "")
    rows = selectors.round_list(point=point, day=day) if point is not None else []
    pending = [row for row in rows if row.status == DeliveryStatus.PENDING]
    return render(
        request,
        "press/round.html",
        {
            "form": form,
            "day": day,
            "point": point,
            "rows": rows,
            "pending": pending,
            "miss_form": forms.MissForm(auto_id=False),
            "choose_point": work.is_admin(request.user),
        },
    )


def _card(request: HtmxHttpRequest, row: PressDelivery, error: str) -> HttpResponse:
    """The delivery's card again (htmx), or back to the round with the message."""
    if request.htmx:
        row.refresh_from_db()
        return render(
            request,
            "press/partials/_delivery.html",
            {"row": row, "error": error, "miss_form": forms.MissForm(auto_id=False)},
        )
    if error:
        messages.error(request, error)
    return redirect(_at_day("press:round", row.issue_date, point=row.point.code))


def _confirm(action: Callable[[], Any]) -> str:
    try:
        action()
    except DomainError as exc:
        if exc.status == 404:
            raise
        return _problems(exc)
    return ""


@login_required
@require_POST
def delivery_delivered(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    row = selectors.delivery_get(user=request.user, pk=pk)
    error = _confirm(lambda: work.delivery_confirm(actor=request.user, delivery=row))
    return _card(request, row, error)


@login_required
@require_POST
def delivery_missed(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    row = selectors.delivery_get(user=request.user, pk=pk)
    form = forms.MissForm(request.POST)
    if form.is_valid():
        error = _confirm(
            lambda: work.delivery_confirm(
                actor=request.user,
                delivery=row,
                delivered=False,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        )
    else:
        error = _form_problems(form)
    return _card(request, row, error)


@login_required
@require_POST
def round_all(request: HttpRequest) -> HttpResponse:
    """The deliveries listed on the round still to deliver, all delivered."""
    form = forms.RoundForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {}
    point = selectors.round_point(user=request.user, code=data.get("point") or "")
    day = data.get("day") or local_today()
    if point is None:
        raise DomainError(_("Choose the delivery point."), field="point")
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit() and len(v) < 19]
    _step(
        request,
        lambda: work.deliveries_confirm(actor=request.user, point=point, ids=ids),
        lambda count: _("%(count)s deliveries recorded delivered.") % {"count": count},
    )
    return redirect(_at_day("press:round", day, point=point.code))


# --- supervision --------------------------------------------------------------------------


@login_required
@require_GET
def missed(request: HttpRequest) -> HttpResponse:
    """The deliveries of the day not made (recorded so, or still pending after their due
    time), per point, title and commune: a recipient missed is seen the same day."""
    form, day = _day_of(request)
    groups = selectors.missed_list(user=request.user, day=day, now=timezone.now())
    return render(
        request,
        "press/missed.html",
        {
            "form": form,
            "day": day,
            "groups": groups,
            "total": sum(len(group.deliveries) for group in groups),
        },
    )


@login_required
@require_GET
def programmes(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "press/programmes.html",
        {"programmes": selectors.programmes_for(user=request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme(request: HttpRequest, pk: int) -> HttpResponse:
    """A programme's recipients per commune, searched without diacritics; an administrator
    adds one (every problem at once)."""
    row = selectors.programme_by_pk(user=request.user, pk=pk)
    can_add = access.has_role(request.user, services.PROGRAMME_MANAGERS)
    add = None
    if can_add:
        data = request.POST if request.method == "POST" else None
        add = forms.RecipientForm(data, province_code=row.province_code)
    elif request.method == "POST":
        raise AccessDenied(_("Only an administrator may change a programme's recipients."))
    if add is not None:
        form = add
        answer = posted(
            request,
            form,
            act=lambda: services.recipient_add(
                actor=request.user, programme=row, **form.cleaned_data
            ),
            done=lambda added: redirect("press:programme", pk=row.pk),
            said=lambda added: (
                _("%(name)s of %(commune)s added to the programme.")
                % {"name": added.name, "commune": added.commune.name}
            ),
        )
        if answer is not None:
            return answer
    search, q = forms.RecipientSearchForm.asked(request)
    return render(
        request,
        "press/programme.html",
        {
            "programme": row,
            "recipients": selectors.recipient_list(programme=row, q=q),
            "search": search,
            "form": add,
        },
    )
