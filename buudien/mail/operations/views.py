"""Pages of mail operations: dispatch bags (with their manifest, printable and as PDF), the
postman's delivery round on a phone, the KT1 chain of custody, and the supervisors' lists,
item page and daily counts. Views parse, call one service or selector, and render; the same
view answers htmx with a partial. A refusal of a step shows as a message on the same page;
an object the user may not see is "not found" (the middleware renders it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from buudien.core.bizdays import local_today
from buudien.core.errors import DomainError
from buudien.core.forms import apply_domain_error
from buudien.core.http import HtmxHttpRequest
from buudien.mail.operations import manifest, selectors, services
from buudien.mail.operations.choices import AttemptOutcome, BagStatus, RoundStatus
from buudien.mail.operations.forms import (
    BagFilterForm,
    BagOpenForm,
    BagOpeningForm,
    CountsForm,
    DeliverForm,
    FailForm,
    HandoverForm,
    RegisterForm,
    RoundStartForm,
    ScanForm,
    SupervisorFilterForm,
)
from buudien.mail.operations.models import Bag, DeliveryAttempt
from buudien.network import selectors as network
from buudien.network.models import ServicePoint
from buudien.people.choices import Role
from buudien.people.models import User
from buudien.web.context_processors import press_round_opens

PAGE_SIZE = 50


def _error_message(exc: DomainError) -> str:
    if isinstance(exc.errors, dict):
        problems = [str(p) for values in exc.errors.values() for p in values]
        if len(problems) > 1:
            return " ".join(problems)
    return str(exc.message)


def _step(request: HttpRequest, action: Callable[[], Any], done: str) -> bool:
    """Run one service call; a refusal becomes an error message. True when it was done."""
    try:
        action()
    except DomainError as exc:
        messages.error(request, _error_message(exc))
        return False
    messages.success(request, done)
    return True


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "mail/ops/home.html",
        {
            "is_supervisor": selectors.is_supervisor(user),
            "is_kt1": selectors.is_kt1_operator(user),
            "is_postman": getattr(user, "role", "") == Role.POSTMAN,
        },
    )


# --- bags --------------------------------------------------------------------------------


def _bag_open_form(request: HttpRequest, data: Any = None) -> BagOpenForm:
    day = local_today()
    point = getattr(request.user, "point", None)
    return BagOpenForm(
        data,
        origins=selectors.bag_points(user=request.user, day=day),
        destinations=selectors.bag_destinations(day=day),
        initial={"origin": point.pk if point is not None else None},
    )


@login_required
def bags(request: HtmxHttpRequest) -> HttpResponse:
    """Bags from and to the user's offices; POST opens a new one."""
    form = _bag_open_form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            bag = services.bag_open(
                actor=request.user,
                origin=form.cleaned_data["origin"],
                destination=form.cleaned_data["destination"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Bag %(code)s opened.") % {"code": bag.code})
            return redirect("mailops:bag", code=bag.code)
    filters = BagFilterForm(request.GET or None)
    status = filters.cleaned_data.get("status", "") if filters.is_valid() else ""
    page = Paginator(selectors.bag_list(user=request.user, status=status), PAGE_SIZE)
    context = {
        "form": form,
        "filters": filters,
        "page": page.get_page(request.GET.get("page")),
        "query": f"status={status}" if status else "",
    }
    template = "mail/ops/partials/_bags.html" if request.htmx else "mail/ops/bags.html"
    return render(request, template, context)


def _bag_context(request: HttpRequest, bag: Bag, **extra: Any) -> dict[str, Any]:
    lines = selectors.bag_manifest(bag)
    return {
        "bag": bag,
        "lines": lines,
        "sides": selectors.bag_sides(request.user, bag),
        "scan_form": ScanForm(),
        "opening_form": BagOpeningForm(),
        "missing": [line for line in lines if line.found is False],
        "Status": BagStatus,
        **extra,
    }


@login_required
def bag_detail(request: HttpRequest, code: str) -> HttpResponse:
    bag = selectors.bag_get(user=request.user, code=code)
    return render(request, "mail/ops/bag.html", _bag_context(request, bag))


@login_required
@require_POST
def bag_scan(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """Scan one item into the bag; htmx gets the manifest back with the result."""
    bag = selectors.bag_get(user=request.user, code=code)
    form = ScanForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            item = selectors.item_for_scan(
                user=request.user, s10=form.cleaned_data["s10"], point=bag.origin
            )
            services.bag_add_item(actor=request.user, bag=bag, item=item)
        except DomainError as exc:
            error = _error_message(exc)
        else:
            messages.success(request, _("%(s10)s added.") % {"s10": item.s10})
    else:
        error = _("Scan an item number.")
    if request.htmx:
        context = _bag_context(request, bag, error=error)
        return render(request, "mail/ops/partials/_manifest.html", context)
    if error:
        # Without htmx (a scan sent before the page's script took the form), the whole page
        # with the refusal where the scanner looks, as htmx would show it.
        context = _bag_context(request, bag, error=error)
        return render(request, "mail/ops/bag.html", context, status=400)
    return redirect("mailops:bag", code=bag.code)


@login_required
@require_POST
def bag_remove(request: HtmxHttpRequest, code: str, s10: str) -> HttpResponse:
    bag = selectors.bag_get(user=request.user, code=code)
    error = ""
    try:
        item = selectors.item_for_scan(user=request.user, s10=s10, point=bag.origin)
        services.bag_remove_item(actor=request.user, bag=bag, item=item)
    except DomainError as exc:
        error = _error_message(exc)
    if request.htmx:
        return render(
            request, "mail/ops/partials/_manifest.html", _bag_context(request, bag, error=error)
        )
    if error:
        messages.error(request, error)
    return redirect("mailops:bag", code=bag.code)


BAG_STEPS: dict[str, tuple[Callable[..., Any], Any]] = {
    "close": (services.bag_close, gettext_lazy("Bag closed: its manifest is final.")),
    "dispatch": (
        services.bag_dispatch,
        gettext_lazy("Bag dispatched: every item scanned out."),
    ),
    "receive": (services.bag_receive, gettext_lazy("Bag received: every item scanned in.")),
}


@login_required
@require_POST
def bag_step(request: HttpRequest, code: str, step: str) -> HttpResponse:
    """Close, dispatch or receive the bag."""
    bag = selectors.bag_get(user=request.user, code=code)
    service, done = BAG_STEPS[step]
    _step(request, lambda: service(actor=request.user, bag=bag), str(done))
    return redirect("mailops:bag", code=bag.code)


@login_required
@require_POST
def bag_open_at_destination(request: HttpRequest, code: str) -> HttpResponse:
    bag = selectors.bag_get(user=request.user, code=code)
    form = BagOpeningForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Too many item numbers."))
        return redirect("mailops:bag", code=bag.code)
    try:
        opening = services.bag_open_at_destination(
            actor=request.user, bag=bag, scanned=form.numbers()
        )
    except DomainError as exc:
        messages.error(request, _error_message(exc))
    else:
        if opening.complete:
            messages.success(request, _("Bag opened: everything on the manifest was inside."))
        else:
            messages.warning(
                request,
                _("Bag opened: %(missing)d missing, %(extra)d not on the manifest.")
                % {"missing": len(opening.missing), "extra": len(opening.extra)},
            )
    return redirect("mailops:bag", code=bag.code)


@login_required
def bag_manifest(request: HttpRequest, code: str) -> HttpResponse:
    """The manifest as a page to print (A4)."""
    bag = selectors.bag_get(user=request.user, code=code)
    lines = selectors.bag_manifest(bag)
    return render(request, "mail/ops/manifest_print.html", {"bag": bag, "lines": lines})


@login_required
def bag_manifest_pdf(request: HttpRequest, code: str) -> HttpResponse:
    bag = selectors.bag_get(user=request.user, code=code)
    pdf = manifest.manifest_pdf(bag, selectors.bag_manifest(bag))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{bag.code}.pdf"'
    return response


# --- delivery rounds ---------------------------------------------------------------------


@login_required
def rounds(request: HttpRequest) -> HttpResponse:
    day = local_today()
    if getattr(request.user, "role", "") == Role.POSTMAN:
        mine = selectors.round_today(user=request.user, day=day)
        if mine and mine[0].status == RoundStatus.OPEN:
            return redirect("mailops:round", pk=mine[0].pk)
    listed = selectors.round_list(user=request.user)
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "mail/ops/rounds.html", {"page": page, "day": day, "query": ""})


def _round_point(request: HttpRequest) -> ServicePoint | None:
    code = (request.GET.get("point") or request.POST.get("point") or "")[:16]
    points = selectors.bag_points(user=request.user, day=local_today())
    if code:
        return points.filter(code=code).first()
    own = getattr(request.user, "point", None)
    return own if own is not None and points.filter(pk=own.pk).exists() else points.first()


@login_required
def round_start(request: HttpRequest) -> HttpResponse:
    """Choose the office, the postman and the items waiting there, and start the round."""
    point = _round_point(request)
    ready = selectors.items_ready_for_round(user=request.user, point=point) if point else []
    postmen = selectors.postmen_for(point=point) if point else User.objects.none()
    me: Any = request.user
    if getattr(me, "role", "") == Role.POSTMAN:
        postmen = postmen.filter(pk=me.pk)
    by_s10 = {item.s10: item for item in ready}
    form = RoundStartForm(
        request.POST if request.method == "POST" else None,
        postmen=postmen,
        items=[(item.s10, item.s10) for item in ready],
        initial={"postman": me.pk if getattr(me, "role", "") == Role.POSTMAN else None},
    )
    if request.method == "POST" and point is not None and form.is_valid():
        try:
            started = services.round_start(
                actor=request.user,
                postman=form.cleaned_data["postman"],
                point=point,
                items=[by_s10[s10] for s10 in form.cleaned_data["items"]],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Round started."))
            return redirect("mailops:round", pk=started.pk)
    points = selectors.bag_points(user=request.user, day=local_today())
    return render(
        request,
        "mail/ops/round_start.html",
        {"form": form, "point": point, "points": points, "ready": ready},
    )


def _round_context(request: HttpRequest, pk: Any) -> dict[str, Any]:
    delivery_round = selectors.round_get(user=request.user, pk=pk)
    attempts = selectors.round_attempts(delivery_round)
    return {
        "round": delivery_round,
        "attempts": attempts,
        "pending": sum(1 for a in attempts if a.is_pending),
        "fail_form": FailForm(),
        "Outcome": AttemptOutcome,
        "open": delivery_round.status == RoundStatus.OPEN,
        "press_round": press_round_opens(request.user),
    }


@login_required
def round_detail(request: HttpRequest, pk: str) -> HttpResponse:
    """The postman's page: each item with big Delivered / Not delivered buttons."""
    return render(request, "mail/ops/round.html", _round_context(request, pk))


def _attempt_answer(request: HtmxHttpRequest, attempt: DeliveryAttempt, error: str) -> HttpResponse:
    if request.htmx:
        fresh = selectors.attempt_get(user=request.user, pk=attempt.pk)
        return render(
            request,
            "mail/ops/partials/_attempt.html",
            {
                "attempt": fresh,
                "error": error,
                "fail_form": FailForm(),
                "Outcome": AttemptOutcome,
                "open": fresh.round.status == RoundStatus.OPEN,
            },
        )
    if error:
        messages.error(request, error)
    return redirect("mailops:round", pk=attempt.round_id)


@login_required
@require_POST
def attempt_deliver(request: HtmxHttpRequest, pk: str) -> HttpResponse:
    attempt = selectors.attempt_get(user=request.user, pk=pk)
    form = DeliverForm(request.POST, request.FILES)
    error = ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.attempt_deliver(
                actor=request.user,
                attempt=attempt,
                recipient_name=data["recipient_name"],
                signature=data.get("signature") or "",
                photo=data.get("photo"),
                cod_collected=data["cod_collected"],
            )
        except DomainError as exc:
            error = _error_message(exc)
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    return _attempt_answer(request, attempt, error)


@login_required
@require_POST
def attempt_fail(request: HtmxHttpRequest, pk: str) -> HttpResponse:
    attempt = selectors.attempt_get(user=request.user, pk=pk)
    form = FailForm(request.POST)
    error = ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.attempt_fail(
                actor=request.user,
                attempt=attempt,
                reason=data["reason"],
                action=data["action"],
                note=data.get("note") or "",
            )
        except DomainError as exc:
            error = _error_message(exc)
    else:
        error = _("Choose why, and what now.")
    return _attempt_answer(request, attempt, error)


@login_required
@require_POST
def round_close(request: HttpRequest, pk: str) -> HttpResponse:
    delivery_round = selectors.round_get(user=request.user, pk=pk)
    _step(
        request,
        lambda: services.round_close(actor=request.user, delivery_round=delivery_round),
        _("Round closed."),
    )
    return redirect("mailops:round", pk=delivery_round.pk)


# --- KT1 custody -------------------------------------------------------------------------


def _kt1_refused(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/forbidden.html",
        {"title": _("Not allowed"), "message": _("Only KT1 operators use these pages.")},
        status=403,
    )


@login_required
def kt1_home(request: HttpRequest) -> HttpResponse:
    """Hand-overs waiting for the officer's confirmation, and the KT1 items in scope."""
    if not selectors.can_see_kt1(request.user):
        return _kt1_refused(request)
    page = Paginator(selectors.kt1_items(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    selectors.kt1_audit(request.user, page.object_list, via="kt1_list")
    return render(
        request,
        "mail/ops/kt1_home.html",
        {
            "pending": selectors.kt1_pending_for(user=request.user),
            "handed": selectors.kt1_pending_from(user=request.user),
            "page": page,
            "query": "",
        },
    )


@login_required
@require_GET
def kt1_register(request: HttpRequest) -> HttpResponse:
    """The KT1 hand-over register of a period, to print and sign (sổ giao nhận KT1)."""
    if not selectors.can_see_kt1(request.user):
        return _kt1_refused(request)
    today = local_today()
    form = RegisterForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    wanted = form.cleaned_data if form.is_bound and valid else {}
    date_from = wanted.get("date_from") or today
    date_to = wanted.get("date_to") or date_from
    rows = (
        selectors.kt1_register(user=request.user, date_from=date_from, date_to=date_to)
        if valid
        else []
    )
    return render(
        request,
        "mail/ops/kt1_register.html",
        {
            "form": form,
            "rows": rows,
            "date_from": date_from,
            "date_to": date_to,
            "limit": selectors.REGISTER_LIMIT,
            "unit": network.provinces_visible(request.user).first(),
        },
    )


@login_required
def kt1_item(request: HttpRequest, s10: str) -> HttpResponse:
    item = selectors.kt1_item_get(user=request.user, s10=s10)
    file = selectors.item_file(item)
    holder = selectors.custodian(item)
    waiting = selectors.pending_handover(item)
    form = HandoverForm(receivers=selectors.kt1_receivers(user=request.user))
    operator = selectors.is_kt1_operator(request.user)
    me = request.user.pk
    return render(
        request,
        "mail/ops/kt1_item.html",
        {
            "file": file,
            "item": item,
            "holder": holder,
            "form": form,
            "waiting": waiting,
            "finished": item.status in selectors.FINISHED,
            "may_hand_over": operator
            and waiting is None
            and item.status not in selectors.FINISHED
            and (holder is None or holder.pk == me),
            "may_withdraw": operator and waiting is not None and waiting.from_user_id == me,
            "may_confirm": operator and waiting is not None and waiting.to_user_id == me,
        },
    )


@login_required
@require_POST
def kt1_handover(request: HttpRequest, s10: str) -> HttpResponse:
    item = selectors.kt1_item_get(user=request.user, s10=s10, audit=False)
    form = HandoverForm(request.POST, receivers=selectors.kt1_receivers(user=request.user))
    if form.is_valid():
        _step(
            request,
            lambda: services.kt1_handover(
                actor=request.user,
                item=item,
                to_user=form.cleaned_data["to_user"],
                note=form.cleaned_data.get("note") or "",
            ),
            _("Handed over: waiting for the receiver's confirmation."),
        )
    else:
        messages.error(request, _("Choose the officer who receives the item."))
    return redirect("mailops:kt1_item", s10=item.s10)


@login_required
@require_POST
def kt1_confirm(request: HttpRequest, pk: str) -> HttpResponse:
    transfer = selectors.kt1_transfer_get(user=request.user, pk=pk)
    _step(
        request,
        lambda: services.kt1_confirm(actor=request.user, transfer=transfer),
        _("Hand-over confirmed: the item is in your custody."),
    )
    return redirect("mailops:kt1_home")


@login_required
@require_POST
def kt1_cancel(request: HttpRequest, pk: str) -> HttpResponse:
    transfer = selectors.kt1_transfer_get(user=request.user, pk=pk)
    _step(
        request,
        lambda: services.kt1_handover_cancel(actor=request.user, transfer=transfer),
        _("Hand-over withdrawn: the item stays in your custody."),
    )
    return redirect("mailops:kt1_item", s10=transfer.item.s10)


# --- supervisors -------------------------------------------------------------------------


@login_required
def supervisor_items(request: HtmxHttpRequest) -> HttpResponse:
    selectors.require_supervisor(request.user)
    form = SupervisorFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "", False)}
    if "q" in filters:
        filters["s10"] = filters.pop("q")
    items = selectors.supervisor_items(user=request.user, **filters)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    selectors.kt1_audit(request.user, page.object_list, via="supervisor_list")
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "total": page.paginator.count,
        "query": query.urlencode(),
    }
    template = "mail/ops/partials/_items.html" if request.htmx else "mail/ops/items.html"
    return render(request, template, context)


@login_required
def supervisor_item(request: HttpRequest, s10: str) -> HttpResponse:
    file = selectors.supervisor_item(user=request.user, s10=s10)
    return render(
        request,
        "mail/ops/item.html",
        {"file": file, "item": file.item, "overdue": _overdue(file)},
    )


def _overdue(file: selectors.ItemFile) -> bool:
    return bool(
        file.due_on is not None
        and file.due_on < local_today()
        and file.item.status not in selectors.FINISHED
    )


@login_required
def daily_counts(request: HtmxHttpRequest) -> HttpResponse:
    selectors.require_supervisor(request.user)
    form = CountsForm(request.GET or None, initial={"day": local_today()})
    day = form.cleaned_data["day"] if form.is_valid() else local_today()
    rows = selectors.daily_counts(user=request.user, day=day)
    context = {
        "form": form,
        "day": day,
        "rows": rows,
        "totals": selectors.count_totals(rows),
        "is_today": day == local_today(),
        "items_url": reverse("mailops:supervisor_items"),
    }
    template = "mail/ops/partials/_counts.html" if request.htmx else "mail/ops/counts.html"
    return render(request, template, context)
