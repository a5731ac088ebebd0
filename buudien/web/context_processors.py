"""The navigation: each domain appears here once it is built, and only to who may use it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from buudien.people import access
from buudien.people.choices import Role


@dataclass
class NavItem:
    label: str | Promise
    url: str
    active: bool


FINANCE_ROLES = frozenset({"accountant", "director", "auditor", "admin"})
SUPERVISORS = frozenset({"director", "auditor", "admin"})
COUNTER_ROLES = frozenset({"clerk", "admin", "kt1_operator"})
# Who approves the cancellations above the amount a clerk cancels alone (counter.cancellations),
# and the cash handed over that waits in transit (cashdesk.services.handover_approve).
CANCEL_DECIDERS = frozenset({"director", "accountant"})
CASHDESK_TRANSIT = "/cashdesk/transit/"
# The cash desk's pages but cash in transit.
CASHDESK_PAGES = tuple(
    f"/cashdesk/{page}/"
    for page in ("total", "approvals", "closings", "history", "handover", "cod")
)


def _has(user: Any, roles: frozenset[str]) -> bool:
    return bool(user.is_superuser or user.role in roles)


def press_round_opens(user: Any) -> bool:
    from buudien.press.work import can_open_round

    return can_open_round(user)


def _mail_subnav(user: Any) -> list[tuple[Any, str, str]]:
    entries: list[tuple[Any, str, str]] = []
    if _has(user, COUNTER_ROLES):
        entries.append((_("Accept an item"), "mail:accept", "/mail/accept"))
        entries.append((_("Accept a list"), "mailbatch:new", "/mail/batches"))
    entries.append((_("Items"), "mail:items", "/mail/items"))
    entries.append((_("Dispatch bags"), "mailops:bags", "/mail/ops/bags"))
    entries.append((_("Delivery rounds"), "mailops:rounds", "/mail/ops/rounds"))
    if press_round_opens(user):
        # The press is on the postman's round too: its deliveries beside the mail's.
        entries.append((_("Press deliveries"), "press:round", "/press/round/"))
    if _has(user, frozenset({"kt1_operator"})):
        entries.append((_("KT1"), "mailops:kt1_home", "/mail/ops/kt1"))
    if _has(user, SUPERVISORS):
        entries.append((_("Supervision"), "mailops:supervisor_items", "/mail/ops/items"))
        entries.append((_("Daily counts"), "mailops:daily_counts", "/mail/ops/counts"))
    entries.append((_("Price calculator"), "mail:price", "/mail/price"))
    entries.append((_("Public tracking"), "tracking:search", "/tracking"))
    return entries


def _finance_subnav(user: Any) -> list[tuple[Any, str, Any]]:
    """The counter's financial services, then the cash desk; the ledger for who keeps it."""
    deciders = _has(user, CANCEL_DECIDERS)
    entries: list[tuple[Any, str, Any]] = [
        (_("Bill collection"), "collection:index", "/collection/"),
        (_("Disbursements and pensions"), "payouts:index", "/payouts/"),
        (_("Savings, credit and accounts"), "agency:index", "/agency/"),
        (_("QR payment"), "cashless:index", "/cashless/"),
        (_("Insurance"), "insurance:index", "/insurance/"),
        # Who decides on cash in transit has an entry for it (below): the cash desk's is
        # active on the desk's other pages.
        (_("Cash desk"), "cashdesk:index", CASHDESK_PAGES if deciders else "/cashdesk/"),
    ]
    if deciders:
        entries.append(
            (_("Cancellations to approve"), "counter:cancel_requests", "/counter/cancellations/")
        )
        entries.append((_("Cash in transit to approve"), "cashdesk:transit", CASHDESK_TRANSIT))
    if _has(user, FINANCE_ROLES):
        ledger_pages = ("/finance/accounts/", "/finance/trial-balance/", "/finance/journal/")
        entries.append((_("Ledger"), "finance:index", ledger_pages))
        entries.append((_("Costs"), "finance:costs", "/finance/costs/"))
        entries.append((_("State budget"), "finance:budget", "/finance/budget/"))
    return entries


FINANCE_SECTIONS = (
    "/collection/",
    "/payouts/",
    "/agency/",
    "/cashless/",
    "/insurance/",
    "/cashdesk/",
    "/finance/",
    "/counter/cancellations/",
)
# Who works the financial services' counters (KT1 operators handle confidential mail only).
CASH_COUNTER_ROLES = frozenset({"clerk", "admin"})
SERVICE_ROLES = CASH_COUNTER_ROLES | FINANCE_ROLES
PLANNING_ROLES = frozenset({"director", "accountant", "auditor", "admin"})
# Administrative dossiers (hành chính công): who reads them, who receives and returns them.
DOSSIER_ROLES = frozenset(
    {"clerk", "hcc_officer", "admin", "director", "auditor", "postman", "accountant"}
)
DOSSIER_FEE_ROLES = frozenset({"accountant", "admin", "director", "auditor"})
DOSSIER_DESK_ROLES = frozenset({"clerk", "hcc_officer", "admin"})
DOSSIER_PICKUP_ROLES = DOSSIER_DESK_ROLES | {"postman"}


def _dossiers_subnav(user: Any) -> list[tuple[Any, str, Any]]:
    entries: list[tuple[Any, str, Any]] = [(_("Dossiers"), "dossiers:index", ())]
    if _has(user, DOSSIER_PICKUP_ROLES):
        entries.append((_("Receive a dossier"), "dossiers:receive", "/dossiers/receive/"))
    entries.append((_("Hand-overs"), "dossiers:handovers", "/dossiers/handovers/"))
    if _has(user, DOSSIER_DESK_ROLES):
        entries.append((_("Results back"), "dossiers:results_new", "/dossiers/results/"))
    if _has(user, DOSSIER_FEE_ROLES):
        entries.append((_("Agencies' fees"), "dossiers:settlements", "/dossiers/settlements/"))
    entries.append((_("Look up a dossier"), "dossiers:lookup", "/dossiers/lookup/"))
    return entries


# Goods (phân phối hàng hóa): who reads the stock, sells, moves it, counts it, approves.
GOODS_ROLES = frozenset({"clerk", "admin", "accountant", "director", "auditor"})
GOODS_ADJUSTERS = frozenset({"clerk", "admin", "accountant"})


def _goods_subnav(user: Any) -> list[tuple[Any, str, Any]]:
    from buudien.goods.selectors import can_sell, warehouse_for

    entries: list[tuple[Any, str, Any]] = [(_("Stock"), "goods:index", ())]
    if can_sell(user):
        entries.append((_("Sell goods"), "goods:sale", ("/goods/sale", "/goods/sales/")))
        entries.append((_("Take goods back"), "goods:returns", "/goods/returns/"))
    entries.append((pgettext_lazy("goods", "Orders"), "goods:orders", "/goods/orders/"))
    entries.append((_("Transfers"), "goods:transfers", ("/goods/transfers/",)))
    if warehouse_for(user=user) is not None:
        entries.append((_("Receive goods"), "goods:receipt_new", "/goods/receipts/"))
    if _has(user, GOODS_ADJUSTERS):
        entries.append((_("Write goods off"), "goods:write_off_new", "/goods/write-offs/"))
        entries.append((_("Stocktake"), "goods:stocktake_new", "/goods/stocktakes/"))
    if _has(user, frozenset({"accountant"})):
        entries.append((_("Approvals"), "goods:approvals", "/goods/approvals/"))
    # Telecom (top-ups, e-PIN codes) is of the same distribution line: under the same subnav.
    entries.append((_("Top-ups and card codes"), "telecom:index", ("/telecom/",)))
    return entries


# Press and public press (báo chí, báo chí công ích): who reads them; clerks take subscriptions.
PRESS_ROLES = frozenset({"clerk", "admin", "accountant", "director", "auditor"})
# The settlements with publishers and ordering agencies: the finance office reads them.
PRESS_OFFICE_ROLES = frozenset({"admin", "accountant", "director", "auditor"})
# Who confirms the press deliveries of a point's round, and counts the copies it receives.
PRESS_ROUND_ROLES = frozenset({"postman", "clerk", "admin"})


def _press_subnav(user: Any) -> list[tuple[Any, str, Any]]:
    from buudien.press.work import can_receive

    entries: list[tuple[Any, str, Any]] = [(_("Press subscriptions"), "press:index", ())]
    if _has(user, CASH_COUNTER_ROLES):
        entries.append((_("Take a subscription"), "press:subscribe", "/press/subscribe/"))
    if can_receive(user) or _has(user, FINANCE_ROLES):
        entries.append((_("Press issues"), "press:issues", "/press/issues/"))
    entries.append((_("Allocation of the day"), "press:allocation", "/press/allocation/"))
    if _has(user, PRESS_ROUND_ROLES):
        entries.append((_("Copies at the point"), "press:copies", "/press/copies/"))
        entries.append((_("Press deliveries"), "press:round", "/press/round/"))
    entries.append((_("Not delivered"), "press:missed", "/press/missed/"))
    entries.append((_("Public press programmes"), "press:programmes", "/press/programmes/"))
    if _has(user, PRESS_OFFICE_ROLES):
        entries.append((_("Press settlements"), "press:settlements", "/press/settlements/"))
    return entries


# Customer care (chăm sóc khách hàng): who handles the requests (``care.services.HANDLERS``).
CARE_ROLES = frozenset({"care_officer", "clerk", "director", "admin", "kt1_operator"})


def _care_subnav(user: Any) -> list[tuple[Any, str, Any]]:
    return [
        (_("Requests"), "care:index", ()),
        (_("Take a request"), "care:lodge", "/care/lodge/"),
        (_("Public form"), "care:new", "/care/new/"),
        (_("Follow a request"), "care:follow", "/care/follow/"),
    ]


def _emulation_subnav(user: Any) -> list[tuple[Any, str, Any]]:
    return [
        (_("Overview"), "emulation:index", ()),
        (pgettext_lazy("emulation", "Movements"), "emulation:movements", "/emulation/movements/"),
        (_("Pledges"), "emulation:pledges", "/emulation/pledges/"),
        (_("Titles and awards"), "emulation:awards", "/emulation/awards"),
        (_("Initiatives"), "emulation:initiatives", "/emulation/initiatives/"),
    ]


def _planning_subnav(user: Any) -> list[tuple[Any, str, Any]]:
    return [
        (_("Plans"), "planning:index", ("/planning/uplift", "/planning/import")),
        (_("Year-end report"), "planning:report", "/planning/report"),
        # The report's files and the imports asked for here are made in the background.
        (_("My background work"), "jobs:index", "/jobs/"),
    ]


def _items(entries: list[tuple[Any, str, Any]], path: str) -> list[NavItem]:
    """``prefix`` (a string or a tuple of them) marks the entry active for the pages under it;
    the entry's own page always does."""
    items = []
    for label, name, prefix in entries:
        url = reverse(name)
        active = path == url or (prefix != "/" and path.startswith(prefix))
        items.append(NavItem(label, url, active))
    return items


def _main_entries(user: Any) -> list[tuple[Any, str, Any]]:
    """The main menu of a signed-in ``user``."""
    entries: list[tuple[Any, str, Any]] = [
        (_("Home"), "web:home", "/"),
        (_("Units"), "network:tree", "/network/units"),
        (_("Service points"), "network:points", "/network/points"),
        (_("Mail"), "mail:items", "/mail/"),
    ]
    if _has(user, CASH_COUNTER_ROLES):
        entries.append((_("Financial services"), "collection:index", FINANCE_SECTIONS))
    elif _has(user, FINANCE_ROLES):
        entries.append((_("Finance"), "finance:index", FINANCE_SECTIONS))
    if _has(user, DOSSIER_ROLES):
        entries.append((_("Public administration dossiers"), "dossiers:index", "/dossiers/"))
    if _has(user, GOODS_ROLES):
        entries.append((_("Goods"), "goods:index", ("/goods/", "/telecom/")))
    if _has(user, PRESS_ROLES):
        entries.append((_("Press"), "press:index", "/press/"))
    if _has(user, CARE_ROLES):
        entries.append((_("Customer care"), "care:index", "/care/"))
    if _has(user, PLANNING_ROLES):
        entries.append((_("Plans and reports"), "planning:index", "/planning/"))
    if access.can_read_workforce(user):
        entries.append((_("Workforce"), "people:workforce", "/people/workforce/"))
    # Everyone sees the titles, awards and movements of their units (emulation.selectors).
    entries.append((_("Emulation and awards"), "emulation:index", "/emulation/"))
    entries += [
        (_("Coverage"), "network:coverage", "/network/coverage"),
        (_("Staff"), "people:list", "/people/"),
    ]
    if access.can_manage_users(user):
        entries.append((_("Administration"), "admin:index", "/admin/"))
    return entries


Subnav = Any  # (user) -> list of (label, url name, prefix)
EVERYONE = frozenset(role.value for role in Role)


def _sections() -> list[tuple[tuple[str, ...], frozenset[str], Subnav]]:
    """Each area's pages (by path prefix), who is shown its sub-menu there, and the sub-menu:
    the first that matches a page gives it its sub-menu."""
    return [
        (("/mail/",), EVERYONE, _mail_subnav),
        (("/care/",), CARE_ROLES, _care_subnav),
        (("/emulation/",), EVERYONE, _emulation_subnav),
        (("/planning/", "/jobs/"), PLANNING_ROLES, _planning_subnav),
        (("/dossiers/",), DOSSIER_ROLES, _dossiers_subnav),
        (("/goods/", "/telecom/"), GOODS_ROLES, _goods_subnav),
        (("/press/",), PRESS_ROLES, _press_subnav),
        # A postman reaches the press round from the mail's section, and keeps it there.
        (("/press/",), PRESS_ROUND_ROLES, _mail_subnav),
        (FINANCE_SECTIONS, SERVICE_ROLES, _finance_subnav),
    ]


def reachable(user: Any) -> set[str]:
    """The url names of every page the menus offer ``user``: what a page may link to without
    sending them to a 403 (the counter home's shortcuts are chosen among them)."""
    names = {name for _label, name, _prefix in _main_entries(user)}
    for _prefixes, roles, subnav in _sections():
        if _has(user, roles):
            names |= {name for _label, name, _prefix in subnav(user)}
    return names


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    path = request.path
    if user is None or not user.is_authenticated:
        public = [
            (_("Track an item"), "tracking:search", "/tracking"),
            (_("Look up a dossier"), "dossiers:lookup", "/dossiers/lookup"),
            (_("Price calculator"), "mail:price", "/mail/price"),
        ]
        return {"nav_items": _items(public, path)}
    context: dict[str, Any] = {"nav_items": _items(_main_entries(user), path)}
    for prefixes, roles, subnav in _sections():
        if path.startswith(prefixes) and _has(user, roles):
            context["subnav_items"] = _items(subnav(user), path)
            break
    return context
