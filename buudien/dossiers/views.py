"""Pages of administrative dossiers: the list and the deadlines, intake at the counter with
its slip, hand-overs to the agencies and results back, the return to the applicant, and
the public lookup (no login). Views parse, call one service or selector and render; a
refusal goes next to its field, every problem at once."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from buudien.core.bizdays import local_today
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.http import HtmxHttpRequest, paged
from buudien.core.money import format_vnd
from buudien.counter.problems import Problems
from buudien.counter.views import operation_page, pdf_response, posted
from buudien.dossiers import forms, pdf, selectors, services, settlements
from buudien.dossiers.choices import Direction, Status
from buudien.dossiers.models import Dossier, Handover
from buudien.network.models import ServicePoint
from buudien.people import access
from buudien.people.choices import Role

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Who reads the dossiers of their scope; who acts on them is ``services.DOSSIER_ROLES``.
READERS = frozenset(
    {
        Role.CLERK,
        Role.HCC_OFFICER,
        Role.ADMIN,
        Role.DIRECTOR,
        Role.AUDITOR,
        Role.POSTMAN,
        Role.ACCOUNTANT,
    }
)


def can_read(user: Any) -> bool:
    return access.has_role(user, READERS)


def can_act(user: Any) -> bool:
    return access.has_role(user, services.DOSSIER_ROLES)


def _require_reader(user: Any) -> None:
    if not can_read(user):
        raise AccessDenied(_("Your role does not handle administrative dossiers."))


def _require_actor(user: Any) -> None:
    if not can_act(user):
        raise AccessDenied(
            _("Only a clerk, a public administration officer or an administrator acts here.")
        )


@login_required
@require_GET
def index(request: HtmxHttpRequest) -> HttpResponse:
    """The dossiers of the user's scope, filtered, and the deadlines per point."""
    user = request.user
    _require_reader(user)
    form = forms.DossierFilterForm(request.GET or None, user=user)
    wanted: dict[str, str] = form.cleaned_data if form.is_valid() else {}
    today = local_today()
    rows = selectors.dossier_list(
        user=user,
        q=wanted.get("q", ""),
        status=wanted.get("status", ""),
        agency=wanted.get("agency", ""),
        due=wanted.get("due", ""),
        point=wanted.get("point", ""),
        today=today,
    ).order_by("-created_at", "-id")
    context = {
        "form": form,
        "today": today,
        "open_statuses": sorted(Status.open()),
        **paged(request, rows, 30),
    }
    if request.htmx:
        return render(request, "dossiers/partials/_rows.html", context)
    context |= {"can_act": can_act(user), "deadlines": selectors.deadlines(user=user, today=today)}
    return render(request, "dossiers/index.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def receive(request: HttpRequest) -> HttpResponse:
    """Intake at the counter (or a postman's pickup at the applicant's address): on
    success, the dossier's page with its slip to print."""
    if not access.has_role(request.user, services.PICKUP_ROLES):
        _require_actor(request.user)

    def perform(user: Any, point: ServicePoint, key: str, data: dict[str, Any]) -> Dossier:
        return services.dossier_receive(actor=user, point=point, idempotency_key=key, **data)

    return operation_page(
        request,
        form_class=forms.ReceiveForm,
        template="dossiers/receive.html",
        perform=perform,
        recorded=lambda dossier: (
            _("Dossier %(code)s received, to be returned on %(day)s. Print the slip.")
            % {"code": dossier.reference, "day": f"{dossier.due_date:%d/%m/%Y}"}
        ),
        done=lambda dossier: redirect("dossiers:dossier", code=dossier.reference),
    )


@login_required
@require_GET
def procedure_part(request: HttpRequest) -> HttpResponse:
    """The chosen procedure's documents, agency, days, fee and charge (htmx, on change)."""
    if not access.has_role(request.user, services.PICKUP_ROLES):
        _require_actor(request.user)
    initial = {name: request.GET.get(name, "")[:32] for name in ("procedure", "mode")}
    form = forms.ReceiveForm(user=request.user, initial=initial)
    return render(request, "dossiers/partials/_procedure.html", {"form": form})


def _dossier_page(
    request: HttpRequest, dossier: Dossier, form: forms.ReturnForm | None
) -> HttpResponse:
    steps = dossier.steps.select_related("point", "actor").order_by("at", "id")
    return render(
        request,
        "dossiers/dossier.html",
        {
            "dossier": dossier,
            "steps": steps,
            "total": dossier.agency_fee + dossier.charge,
            "overdue": dossier.status in Status.open() and dossier.due_date < local_today(),
            "return_form": form,
            "lookup_url": pdf.lookup_url(dossier.reference),
        },
    )


@login_required
@require_GET
def dossier(request: HttpRequest, code: str) -> HttpResponse:
    _require_reader(request.user)
    found = selectors.dossier_get(user=request.user, reference=code)
    form = None
    if found.status == Status.RESULT_BACK and can_act(request.user):
        form = forms.ReturnForm(user=request.user)
    return _dossier_page(request, found, form)


@login_required
@require_POST
def dossier_return(request: HttpRequest, code: str) -> HttpResponse:
    """The result given to the applicant, who shows the citizen ID of the dossier."""
    _require_actor(request.user)
    found = selectors.dossier_get(user=request.user, reference=code)
    form = forms.ReturnForm(request.POST, user=request.user)

    def act() -> Dossier:
        point = form.point()
        if point is None:
            raise DomainError(_("Choose the service point."), field="point")
        return services.dossier_return(
            actor=request.user, point=point, dossier=found, **form.data_for_service()
        )

    answer = posted(
        request,
        form,
        act=act,
        done=lambda row: redirect("dossiers:dossier", code=row.reference),
        said=lambda row: _("The result of %(code)s was returned.") % {"code": row.reference},
    )
    return answer or _dossier_page(request, found, form)


@login_required
@require_GET
def slip(request: HttpRequest, code: str) -> HttpResponse:
    _require_reader(request.user)
    found = selectors.dossier_get(user=request.user, reference=code)
    return pdf_response(pdf.slip_pdf(found, request), f"{found.reference}.pdf")


# --- hand-overs ------------------------------------------------------------------------------


@login_required
@require_GET
def handovers(request: HttpRequest) -> HttpResponse:
    _require_reader(request.user)
    rows = selectors.handovers_visible(request.user).order_by("-created_at", "-id")
    return render(
        request,
        "dossiers/handovers.html",
        {"can_act": can_act(request.user), **paged(request, rows, 30)},
    )


def _point_asked(request: HttpRequest, form: forms.HandoverForm) -> ServicePoint | None:
    """The point the page works at: the user's own, or the one an administrator chose."""
    if form.own_point is not None:
        return form.own_point
    code = str(form.data.get("point") or form.initial.get("point") or "")[:16]
    field = form.fields["point"]
    queryset = getattr(field, "queryset", None)
    return queryset.filter(code=code).first() if code and queryset is not None else None


def _batch_page(
    request: HtmxHttpRequest,
    *,
    form_class: type[forms.HandoverForm],
    template: str,
    candidates: Any,
    perform: Any,
    said: Any,
) -> HttpResponse:
    """A page that sends or receives a batch of dossiers for one agency: the agency (and
    the point, for an administrator) chosen in the query, the dossiers ticked, one service
    call."""
    _require_actor(request.user)
    initial = {name: request.GET.get(name, "")[:32] for name in ("agency", "point")}
    form = form_class(request.POST or None, user=request.user, initial=initial)
    point = _point_asked(request, form)
    agency = str(form.data.get("agency") or initial["agency"])[:32]

    def act() -> Handover:
        if point is None:
            raise DomainError(_("Choose the service point."), field="point")
        return perform(point, form.data_for_service())

    answer = posted(
        request,
        form,
        act=act,
        done=lambda handover: redirect("dossiers:handover", number=handover.number),
        said=said,
    )
    if answer is not None:
        return answer
    rows = candidates(point, agency) if agency and point is not None else []
    ticked = set(request.POST.getlist("dossiers"))
    context = {
        "form": form,
        "rows": rows,
        "ticked": ticked,
        "agency": agency,
        "point": point,
        "today": local_today(),
    }
    if request.htmx and request.method == "GET":
        return render(request, "dossiers/partials/_batch_rows.html", context)
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def handover_new(request: HtmxHttpRequest) -> HttpResponse:
    """Dossiers received at the point, handed over to one agency."""
    user = request.user

    def candidates(point: ServicePoint, agency: str) -> Any:
        return selectors.ready_to_hand_over(user=user, point_code=point.code).filter(
            agency__code=agency
        )

    def perform(point: ServicePoint, data: dict[str, Any]) -> Handover:
        return services.handover_send(
            actor=user, point=point, agency=data["agency"], dossiers=data["dossiers"]
        )

    return _batch_page(
        request,
        form_class=forms.HandoverForm,
        template="dossiers/handover_new.html",
        candidates=candidates,
        perform=perform,
        said=lambda h: (
            _("Hand-over %(number)s recorded: %(n)s dossiers. Print the record.")
            % {"number": h.number, "n": h.count}
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def results_new(request: HtmxHttpRequest) -> HttpResponse:
    """The results an agency hands back, a late one with the agency's reason."""
    user = request.user

    def candidates(point: ServicePoint, agency: str) -> Any:
        return selectors.awaiting_results(user=user, agency_code=agency)

    def perform(point: ServicePoint, data: dict[str, Any]) -> Handover:
        return services.results_receive(actor=user, point=point, **data)

    return _batch_page(
        request,
        form_class=forms.ResultsForm,
        template="dossiers/results_new.html",
        candidates=candidates,
        perform=perform,
        said=lambda h: (
            _("Results received in %(number)s: %(n)s dossiers.")
            % {"number": h.number, "n": h.count}
        ),
    )


def _handover_dossiers(handover: Handover) -> list[Dossier]:
    rows = (
        handover.dossiers_sent.all()
        if handover.direction == Direction.TO_AGENCY
        else handover.dossiers_back.all()
    )
    return list(rows.select_related("procedure", "result_item").order_by("reference"))


@login_required
@require_http_methods(["GET", "POST"])
def handover(request: HttpRequest, number: str) -> HttpResponse:
    """A hand-over with its dossiers, the agency's receiver's confirmation, its record."""
    _require_reader(request.user)
    found = selectors.handover_get(user=request.user, number=number)
    may_confirm = found.confirmed_at is None and can_act(request.user)
    form = forms.ConfirmForm(request.POST or None) if may_confirm else None
    if request.method == "POST":
        if form is None:
            raise AccessDenied(_("This hand-over cannot be confirmed here."))
        confirm = form
        answer = posted(
            request,
            confirm,
            act=lambda: services.handover_confirm(
                actor=request.user,
                handover=found,
                receiver_name=confirm.cleaned_data["receiver_name"],
            ),
            done=lambda h: redirect("dossiers:handover", number=h.number),
            said=lambda h: _("Hand-over %(number)s confirmed.") % {"number": h.number},
        )
        if answer is not None:
            return answer
    return render(
        request,
        "dossiers/handover.html",
        {"handover": found, "dossiers": _handover_dossiers(found), "form": form},
    )


@login_required
@require_GET
def handover_record(request: HttpRequest, number: str) -> HttpResponse:
    _require_reader(request.user)
    found = selectors.handover_get(user=request.user, number=number)
    return pdf_response(pdf.handover_pdf(found, _handover_dossiers(found)), f"{found.number}.pdf")


# --- the public lookup -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """/dossiers/lookup/: anyone with the slip's code (the QR code links here), or with the
    citizen ID and phone together (posted, never in the address), sees the steps and dates
    of the dossier and the applicant's initials; an unknown one is a clear "not found"."""
    form = forms.LookupForm(request.POST or request.GET or None)
    found, missing, hint = None, "", ""
    if form.is_bound and form.is_valid():
        asked = dict(form.cleaned_data)
        if request.method == "GET":
            asked = {"code": asked["code"]}
        if asked.get("code") or (asked.get("citizen_id") and asked.get("phone")):
            try:
                found = selectors.public_lookup(**asked)
            except NotFound as exc:
                missing = str(exc.message)
        else:
            hint = _("Give the dossier code, or both the citizen ID and the phone.")
    return render(
        request,
        "dossiers/lookup.html",
        {"form": form, "found": found, "missing": missing, "hint": hint},
        status=404 if missing else 200,
    )


# --- the agencies' fees passed on ------------------------------------------------------------

SETTLEMENT_READERS = frozenset({Role.ACCOUNTANT, Role.ADMIN, Role.DIRECTOR, Role.AUDITOR})


@login_required
@require_http_methods(["GET", "POST"])
def settlements_page(request: HttpRequest) -> HttpResponse:
    """The fees owed to each agency against the ledger, the settlements made, and (for an
    accountant) the form that passes an agency's fees on."""
    user = request.user
    if not access.has_role(user, SETTLEMENT_READERS):
        raise AccessDenied(_("Your role does not handle the agencies' fees."))
    province = forms.province_of(user)
    form = forms.SettlementForm(request.POST or None, user=user)

    def act() -> Any:
        if not settlements.can_settle(user):
            raise AccessDenied(
                _("Only an accountant or an administrator may pass the fees on to an agency.")
            )
        data = form.cleaned_data
        problems = Problems()
        agency = problems.check(services.agency_for, province, data["agency"])
        for name in ("date_from", "date_to"):
            if data.get(name) is None:
                problems.add(name, _("Choose the day."))
        if not data.get("bank"):
            problems.add("bank", _("Say from which bank account."))
        problems.raise_any()
        assert agency is not None
        return settlements.fees_settle(
            actor=user,
            idempotency_key=data["token"],
            agency=agency,
            date_from=data["date_from"],
            date_to=data["date_to"],
            bank=data["bank"],
            memo=data["memo"],
        )

    answer = posted(
        request,
        form,
        act=act,
        done=lambda _row: redirect("dossiers:settlements"),
        said=lambda row: (
            _("%(reference)s: %(total)s passed on to %(agency)s.")
            % {"reference": row.reference, "total": format_vnd(row.total), "agency": row.agency}
        ),
    )
    if answer is not None:
        return answer
    rows = settlements.settlements_visible(user).order_by("-created_at", "-id")
    context = {
        "form": form,
        "can_settle": settlements.can_settle(user),
        "reconciliation": settlements.reconciliation(user=user, province_code=province)
        if province
        else [],
        **paged(request, rows, 30),
    }
    return render(request, "dossiers/settlements.html", context)


@login_required
@require_GET
def settlement_statement(request: HttpRequest, reference: str) -> HttpResponse:
    """The statement sent with a settlement's transfer, as .xlsx."""
    if not access.has_role(request.user, SETTLEMENT_READERS):
        raise AccessDenied(_("Your role does not handle the agencies' fees."))
    found = settlements.settlement_get(user=request.user, reference=reference)
    response = HttpResponse(settlements.statement_xlsx(found), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{found.reference}.xlsx"'
    return response
