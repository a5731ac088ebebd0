"""Pages of the cash desk: the clerk's closing of the drawer (a table of banknotes with a
live total), the accountant's queue of differences, a closing and its printed sheet, a
point's history, cash handed to the bank, and COD paid to senders. Views parse, call one
service or selector, and render; the same view answers htmx with a partial."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from buudien.cashdesk import selectors, services, sheets
from buudien.cashdesk.choices import ClosingStatus, HandoverKind, HandoverStatus, PayoutMethod
from buudien.cashdesk.forms import (
    ClosingFilterForm,
    CountForm,
    DecisionForm,
    HandoverForm,
    PayoutForm,
    new_token,
)
from buudien.cashdesk.models import CashClosing, CashHandover
from buudien.core.bizdays import local_today
from buudien.core.errors import DomainError, NotFound
from buudien.core.forms import apply_domain_error
from buudien.core.http import HtmxHttpRequest, paged
from buudien.core.money import format_vnd
from buudien.counter.forms import RefuseForm
from buudien.finance.banks import bank_choices
from buudien.network.models import ServicePoint
from buudien.people import access


def _own_point(user: Any) -> ServicePoint | None:
    """The point whose counter the user works at, if they are a clerk of one."""
    if getattr(user, "point_id", None) is None or not access.has_role(user, services.COUNT_ROLES):
        return None
    return user.point


def _tabs(user: Any) -> dict[str, Any]:
    return {
        "own_point": _own_point(user),
        "can_approve": access.has_role(user, services.APPROVE_ROLES),
    }


def _counts_initial(closing: CashClosing | None) -> dict[str, Any]:
    if closing is None:
        return {}
    initial: dict[str, Any] = {f"count_{d}": n for d, n in closing.counts.items()}
    initial["coins"] = closing.coins
    return initial


# --- the clerk's closing of the day --------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def index(request: HtmxHttpRequest) -> HttpResponse:
    """The clerk's closing of today: the drawer's day from the ledger, the banknotes counted,
    the live total and difference; after the count, where the closing stands."""
    user = request.user
    point = _own_point(user)
    if point is None:
        if access.has_role(user, services.APPROVE_ROLES):
            return redirect("cashdesk:queue")
        return render(request, "cashdesk/no_counter.html", _tabs(user))
    day = local_today()
    closing = selectors.closing_of_day(point=point, day=day)
    form = CountForm(request.POST or None, initial=_counts_initial(closing))
    if request.method == "POST" and form.is_valid():
        try:
            closing = services.closing_submit(
                actor=user,
                point=point,
                counts=form.counts(),
                coins=form.coins_value(),
                note=form.cleaned_data.get("note") or "",
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            if closing.status == ClosingStatus.CLOSED:
                messages.success(request, _("The drawer matches the ledger: the day is closed."))
            else:
                messages.warning(
                    request,
                    _("The count differs from the ledger: an accountant must approve it."),
                )
            return redirect("cashdesk:closing", closing_id=closing.pk)
    books = selectors.drawer_day(point=point, day=day)
    total = _form_total(form)
    return render(
        request,
        "cashdesk/index.html",
        {
            **_tabs(user),
            "point": point,
            "day": day,
            "books": books,
            "closing": closing,
            "form": form,
            "total": total,
            "difference": total - books.closing,
            "gap": abs(total - books.closing),
            "can_count": closing is None or not closing.is_final,
        },
    )


def _form_total(form: CountForm) -> int:
    if not form.is_bound:
        initial = form.initial
        counts = {k.removeprefix("count_"): int(v or 0) for k, v in initial.items() if k != "coins"}
        return services.counts_total(counts, int(initial.get("coins") or 0))
    if not form.is_valid():
        return 0
    return services.counts_total(form.counts(), form.coins_value())


@login_required
@require_POST
def count_total(request: HtmxHttpRequest) -> HttpResponse:
    """The live total of the count form and its difference with the ledger (htmx)."""
    point = _own_point(request.user)
    if point is None:
        raise NotFound(_("No such service point."))
    form = CountForm(request.POST)
    books = selectors.drawer_day(point=point, day=local_today())
    total = _form_total(form)
    return render(
        request,
        "cashdesk/partials/_count_total.html",
        {
            "form": form,
            "total": total,
            "books": books,
            "difference": total - books.closing,
            "gap": abs(total - books.closing),
        },
    )


# --- a closing, its decision and its sheet -------------------------------------------------


@login_required
@require_GET
def closing_detail(request: HttpRequest, closing_id: int) -> HttpResponse:
    closing = selectors.closing_get(user=request.user, closing_id=closing_id)
    can_decide = (
        access.has_role(request.user, services.APPROVE_ROLES)
        and closing.status == ClosingStatus.PENDING
    )
    return _closing_page(request, closing, can_decide, DecisionForm(initial=_seen(closing)))


def _seen(closing: CashClosing) -> dict[str, Any]:
    return {"recounts": closing.recounts}


def _closing_page(
    request: HttpRequest, closing: CashClosing, can_decide: bool, form: DecisionForm
) -> HttpResponse:
    rows = [(int(d), n, int(d) * n) for d, n in closing.counts.items()]
    return render(
        request,
        "cashdesk/closing.html",
        {
            **_tabs(request.user),
            "closing": closing,
            "rows": sorted(rows, reverse=True),
            "events": closing.events.select_related("actor"),
            "can_decide": can_decide,
            "form": form,
            "is_own": _own_point(request.user) == closing.point,
        },
    )


@login_required
@require_POST
def closing_decide(request: HttpRequest, closing_id: int) -> HttpResponse:
    """The accountant approves the difference (booked on the ledger) or asks for a recount."""
    closing = selectors.closing_get(user=request.user, closing_id=closing_id)
    form = DecisionForm(request.POST)
    approve = request.POST.get("decision") == "approve"
    if form.is_valid():
        note = form.cleaned_data.get("decision_note") or ""
        try:
            if approve:
                closing = services.closing_approve(
                    actor=request.user,
                    closing_id=closing.pk,
                    recounts=form.cleaned_data["recounts"],
                    note=note,
                )
                messages.success(request, _("The difference is approved and booked."))
            else:
                closing = services.closing_reject(
                    actor=request.user,
                    closing_id=closing.pk,
                    recounts=form.cleaned_data["recounts"],
                    note=note,
                )
                messages.success(request, _("The clerk is asked to count the drawer again."))
        except DomainError as exc:
            if exc.status == 404:
                raise
            apply_domain_error(form, exc)
        else:
            return redirect("cashdesk:closing", closing_id=closing.pk)
    return _closing_page(request, closing, True, form)


@login_required
@require_GET
def closing_sheet(request: HttpRequest, closing_id: int) -> HttpResponse:
    closing = selectors.closing_get(user=request.user, closing_id=closing_id)
    response = HttpResponse(sheets.closing_sheet_pdf(closing), content_type="application/pdf")
    name = f"closing-{closing.point.code}-{closing.business_date:%Y%m%d}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Closings with a difference in the user's subtree: waiting for a decision, and those
    sent back for a recount."""
    pending = selectors.closing_queue(user=request.user)
    rejected = selectors.closing_list(user=request.user, status=ClosingStatus.REJECTED)
    return render(
        request,
        "cashdesk/queue.html",
        {**_tabs(request.user), "pending": pending[:200], "rejected": rejected[:200]},
    )


@login_required
@require_GET
def history(request: HtmxHttpRequest, point_code: str) -> HttpResponse:
    point = selectors.point_get(user=request.user, code=point_code)
    form = ClosingFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    closings = selectors.closing_list(
        user=request.user,
        point=point,
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )
    listed = paged(request, closings, 50)
    return render(
        request,
        "cashdesk/history.html",
        {
            **_tabs(request.user),
            "point": point,
            "form": form,
            **listed,
            "handovers": selectors.handover_list(user=request.user, point=point)[:20],
        },
    )


@login_required
@require_GET
def history_index(request: HttpRequest) -> HttpResponse:
    """The history of the user's own point, or a choice of the points they may see."""
    point = _own_point(request.user)
    if point is not None:
        return redirect("cashdesk:history", point_code=point.code)
    closings = selectors.closing_list(user=request.user)
    points = (
        ServicePoint.objects.filter(pk__in=closings.values("point"))
        .filter(access.scope_q(request.user, "unit_path"))
        .order_by("code")
    )
    return render(request, "cashdesk/points.html", {**_tabs(request.user), "points": points})


# --- cash handed over ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def handover(request: HttpRequest) -> HttpResponse:
    point = _own_point(request.user)
    if point is None:
        raise NotFound(_("No such service point."))
    safes = (
        ServicePoint.objects.filter(unit=point.unit, closed_on__isnull=True)
        .with_counter()
        .exclude(pk=point.pk)
        .order_by("code")
    )
    form = HandoverForm(
        request.POST or None,
        initial={"token": new_token()},
        points=safes,
        banks=bank_choices(point.province_code),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = services.handover_record(
                actor=request.user,
                point=point,
                amount=data["amount"],
                bank=data.get("bank") or "",
                to_point=data.get("to_point"),
                slip=data.get("slip") or "",
                idempotency_key=data["token"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _handed_said(done))
            return redirect("cashdesk:handover")
    return render(
        request,
        "cashdesk/handover.html",
        {
            **_tabs(request.user),
            "point": point,
            "form": form,
            "books": selectors.drawer_day(point=point, day=local_today()),
            "handovers": selectors.handover_list(user=request.user, point=point)[:20],
            "limit": services.handover_threshold(),
        },
    )


def _handed_said(done: CashHandover) -> str:
    amount = format_vnd(done.amount)
    if not done.is_pending:
        return _("%(amount)s handed over and taken out of the drawer.") % {"amount": amount}
    if done.kind == HandoverKind.POINT:
        return _(
            "%(amount)s taken out of the drawer: it is in transit until %(point)s confirms "
            "receiving it."
        ) % {"amount": amount, "point": done.to_point}
    return _(
        "%(amount)s taken out of the drawer: above %(limit)s the deposit is in transit until "
        "an accountant approves it."
    ) % {"amount": amount, "limit": format_vnd(services.handover_threshold())}


# How many decided handovers the page of cash in transit lists under those waiting.
DECIDED_SHOWN = 20


def _accept_question(handover: CashHandover) -> str:
    values = {"amount": format_vnd(handover.amount), "point": handover.point}
    if handover.kind == HandoverKind.POINT:
        return _("Confirm that %(amount)s from %(point)s was received in your safe?") % values
    return _("Approve the deposit of %(amount)s from %(point)s at %(bank)s?") % {
        **values,
        "bank": handover.bank.upper(),
    }


def _transit_page(
    request: HttpRequest,
    *,
    row_id: int | None = None,
    form: RefuseForm | None = None,
    error: str = "",
) -> HttpResponse:
    """Cash in transit: the handovers waiting for ``request.user`` (to confirm at their
    point's safe, or to approve at the bank), each with its buttons; those waiting for
    others; the last ones decided. ``row_id`` is the row a refused decision came from."""
    user = request.user
    rows: list[dict[str, Any]] = []
    for handover in selectors.handovers_awaiting(user=user)[:200]:
        here = handover.pk == row_id
        rows.append(
            {
                "handover": handover,
                "form": form
                if here and form is not None
                else RefuseForm(auto_id=f"id_%s_{handover.pk}"),
                "error": error if here else "",
                "confirm": _accept_question(handover),
            }
        )
    waiting_here = {row["handover"].pk for row in rows}
    others = [
        h
        for h in selectors.handover_list(user=user, status=HandoverStatus.PENDING)[:200]
        if h.pk not in waiting_here
    ]
    decided = (
        selectors.handover_list(user=user)
        .filter(decided_at__isnull=False)
        .order_by("-decided_at", "-id")[:DECIDED_SHOWN]
    )
    refused = bool(error) or (form is not None and bool(form.errors))
    return render(
        request,
        "cashdesk/transit.html",
        {
            **_tabs(user),
            "rows": rows,
            "others": others,
            "decided": decided,
            "limit": services.handover_threshold(),
        },
        status=400 if refused else 200,
    )


@login_required
@require_GET
def transit(request: HttpRequest) -> HttpResponse:
    return _transit_page(request)


@login_required
@require_POST
def transit_accept(request: HttpRequest, handover_id: int) -> HttpResponse:
    """The receiving point confirms the cash in its safe; an accountant approves a deposit."""
    handover = selectors.handover_get(user=request.user, handover_id=handover_id)
    receive = (
        services.handover_confirm
        if handover.kind == HandoverKind.POINT
        else services.handover_approve
    )
    try:
        done = receive(actor=request.user, handover_id=handover.pk)
    except DomainError as exc:
        if exc.status == 404:
            raise
        return _transit_page(request, row_id=handover.pk, error=str(exc.message))
    said = (
        _("Received: %(amount)s from %(point)s is in your drawer.")
        if done.kind == HandoverKind.POINT
        else _("Approved: %(amount)s from %(point)s is on the bank account.")
    )
    messages.success(request, said % {"amount": format_vnd(done.amount), "point": done.point})
    return redirect("cashdesk:transit")


@login_required
@require_POST
def transit_refuse(request: HttpRequest, handover_id: int) -> HttpResponse:
    """Refused, with a reason: the cash goes back into the drawer it came from."""
    handover = selectors.handover_get(user=request.user, handover_id=handover_id)
    form = RefuseForm(request.POST, auto_id=f"id_%s_{handover.pk}")
    form.is_valid()  # the reason as typed; the service decides whether it will do
    try:
        done = services.handover_refuse(
            actor=request.user, handover_id=handover.pk, reason=form.cleaned_data.get("reason")
        )
    except DomainError as exc:
        if exc.status == 404:
            raise
        apply_domain_error(form, exc)
    else:
        messages.success(
            request,
            _("Refused: %(amount)s goes back into the drawer of %(point)s.")
            % {"amount": format_vnd(done.amount), "point": done.point},
        )
        return redirect("cashdesk:transit")
    form.focus()
    return _transit_page(request, row_id=handover.pk, form=form)


# --- COD paid to senders -------------------------------------------------------------------


@login_required
@require_GET
def cod(request: HtmxHttpRequest) -> HttpResponse:
    """COD collected and owed to senders, one row per sender, in the user's reach."""
    q = (request.GET.get("q") or "").strip()[:100]
    owed = selectors.cod_owed_by_sender(user=request.user, q=q)
    context = {
        **_tabs(request.user),
        "q": q,
        "owed": owed[:300],
        "total": sum(o.total for o in owed),
        "payouts": selectors.payout_list(user=request.user)[:20],
    }
    template = "cashdesk/partials/_cod_rows.html" if request.htmx else "cashdesk/cod.html"
    return render(request, template, context)


def _methods(user: Any) -> list[str]:
    methods = []
    if _own_point(user) is not None:
        methods.append(PayoutMethod.CASH.value)
    if access.has_role(user, services.BANK_ROLES):
        methods.append(PayoutMethod.BANK.value)
    return methods


@login_required
@require_http_methods(["GET", "POST"])
def cod_pay(request: HttpRequest) -> HttpResponse:
    """The items one sender is owed COD for, and the payout in cash or by transfer."""
    source = request.POST if request.method == "POST" else request.GET
    point = selectors.point_get(user=request.user, code=source.get("point", ""))
    done = selectors.payout_list(user=request.user, point=point).filter(
        idempotency_key=request.POST.get("token", "")
    )
    if request.method == "POST" and done.exists():
        # The same form sent again (a double click, a retry): the payout it already made.
        return redirect("cashdesk:payout", payout_id=done.values_list("pk", flat=True)[0])
    name = source.get("name", "")
    phone = source.get("phone", "")
    items = list(
        selectors.cod_owed_items(user=request.user, point=point, sender_name=name).filter(
            sender_phone=phone
        )[: services.MAX_PAYOUT_ITEMS]
    )
    methods = _methods(request.user)
    s10s = [item.s10 for item in items]
    form = PayoutForm(
        request.POST or None,
        items=s10s,
        methods=methods,
        banks=bank_choices(point.province_code),
        initial={"token": new_token(), "items": s10s, "payee_name": name},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payout = services.cod_payout(
                actor=request.user,
                items=data["items"],
                method=data["method"],
                idempotency_key=data["token"],
                bank=data.get("bank") or "",
                payee_name=data.get("payee_name") or "",
                payee_id_number=data.get("payee_id_number") or "",
                payee_account=data.get("payee_account") or "",
            )
        except DomainError as exc:
            if exc.status == 404:
                raise
            apply_domain_error(form, exc)
        else:
            messages.success(
                request, _("COD paid to the sender. Print the receipt for them to sign.")
            )
            return redirect("cashdesk:payout", payout_id=payout.pk)
    return render(
        request,
        "cashdesk/cod_pay.html",
        {
            **_tabs(request.user),
            "point": point,
            "name": name,
            "phone": phone,
            "items": items,
            "total": sum(item.cod_amount for item in items),
            "form": form,
            "methods": methods,
        },
    )


@login_required
@require_GET
def payout_detail(request: HttpRequest, payout_id: int) -> HttpResponse:
    payout = selectors.payout_get(user=request.user, payout_id=payout_id)
    return render(
        request,
        "cashdesk/payout.html",
        {
            **_tabs(request.user),
            "payout": payout,
            "lines": payout.lines.select_related("item"),
            "receipt_url": reverse("cashdesk:payout_receipt", args=[payout.pk]),
        },
    )


@login_required
@require_GET
def payout_receipt(request: HttpRequest, payout_id: int) -> HttpResponse:
    payout = selectors.payout_get(user=request.user, payout_id=payout_id)
    response = HttpResponse(sheets.payout_receipt_pdf(payout), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{payout.number}.pdf"'
    return response
