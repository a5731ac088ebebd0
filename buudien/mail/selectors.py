"""Reads of mail items, always through the reader's scope.

An item is visible to a user whose scope holds the unit of the point that accepted it or of
its delivery office. KT1 items are visible to KT1 operators (and superusers) only; for
everyone else they do not exist: not found, never "forbidden". Every read of one KT1 item
goes into the audit log.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from buudien.core.audit import audit_record
from buudien.core.errors import NotFound
from buudien.core.s10 import s10_is_valid, s10_normalise
from buudien.core.text import fold
from buudien.mail.choices import MailService
from buudien.mail.models import AddOn, PostalItem, Tariff
from buudien.network.choices import AdminAreaLevel, AdminAreaStructure, PointKind
from buudien.network.models import AdminArea, ServicePoint, Unit
from buudien.people import access
from buudien.people.choices import Role

# Who may accept items at a counter, and of which services.
ACCEPTING_ROLES = frozenset({Role.CLERK, Role.ADMIN})
KT1_ROLES = frozenset({Role.KT1_OPERATOR})


def _active(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can_see_kt1(user: Any) -> bool:
    """KT1 operators and superusers; nobody else learns that a KT1 item exists."""
    return _active(user) and bool(user.is_superuser or user.role in KT1_ROLES)


def services_acceptable_by(user: Any) -> list[str]:
    """The services ``user`` may accept: KT1 for KT1 operators only, administrative
    deliveries (HC) for public administration officers, the others for clerks,
    administrators and superusers."""
    if not _active(user):
        return []
    if user.role in KT1_ROLES:
        return [MailService.KT1.value]
    if user.role == Role.HCC_OFFICER:  # hands the dossiers' results in for delivery
        return [MailService.ADMIN_DELIVERY.value]
    if user.is_superuser or user.role in ACCEPTING_ROLES:
        return [s for s in MailService.values if s != MailService.KT1]
    return []


def can_accept_at(user: Any, point: ServicePoint) -> bool:
    """The user works at ``point`` or the point lies in their unit's subtree."""
    if not _active(user):
        return False
    return bool(user.point_id == point.pk or access.in_scope(user, point.unit_path))


def _scope(user: Any) -> Q:
    accepted = access.scope_q(user, "accepted_point__unit_path")
    delivering = access.scope_q(user, "delivery_point__unit_path")
    if not accepted:  # a superuser: Q() | Q(x) would narrow it to x
        return accepted
    return accepted | delivering


def items_visible(user: Any) -> QuerySet[PostalItem]:
    items = PostalItem.objects.filter(_scope(user))
    if not can_see_kt1(user):
        items = items.exclude(service=MailService.KT1)
    return items


def item_get(*, user: Any, s10: str) -> PostalItem:
    """One item by its S10 id, or NotFound (also for an item outside the user's scope and,
    for anyone but a KT1 operator, for a KT1 item). A KT1 read is written to the audit log."""
    number = s10_normalise(str(s10))
    if not s10_is_valid(number):
        raise NotFound(_("No such item."), field="s10")
    item = (
        items_visible(user)
        .select_related(
            "accepted_point",
            "accepted_point__unit",
            "delivery_point",
            "recipient_commune",
            "sender_commune",
            "tariff",
            "accepted_by",
        )
        .filter(s10=number)
        .order_by("-accepted_at")
        .first()
    )
    if item is None:
        raise NotFound(_("No such item."), field="s10")
    if item.is_kt1:
        audit_record(actor=user, action="kt1.view", obj=item)
    return item


def item_list(
    *,
    user: Any,
    point: ServicePoint | str | None = None,
    day: dt.date | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    status: str = "",
    service: str = "",
    q: str = "",
) -> QuerySet[PostalItem]:
    """Items in the user's scope, newest first. ``day`` is one business day (the counter's
    list); ``date_from``/``date_to`` a range of business days, both included."""
    items = items_visible(user).select_related(
        "accepted_point", "delivery_point", "recipient_commune"
    )
    if isinstance(point, ServicePoint):
        items = items.filter(accepted_point=point)
    elif point:
        items = items.filter(accepted_point__code=point)
    if day is not None:
        items = items.filter(accepted_on=day)
    if date_from is not None:
        items = items.filter(accepted_on__gte=date_from)
    if date_to is not None:
        items = items.filter(accepted_on__lte=date_to)
    if status:
        items = items.filter(status=status)
    if service:
        items = items.filter(service=service)
    if q:
        text = q.strip().replace("\x00", "")
        items = items.filter(
            Q(s10=s10_normalise(text))
            | Q(recipient_name__icontains=text)
            | Q(sender_name__icontains=text)
        )
    return items.order_by("-accepted_at", "-id")


def points_for_acceptance(*, user: Any, day: dt.date) -> QuerySet[ServicePoint]:
    """Points with a counter, serving on ``day``, where ``user`` may accept items."""
    points = ServicePoint.objects.in_force_on(day).with_counter()
    if not _active(user):
        return points.none()
    return points.filter(access.scope_q(user, "unit_path") | Q(pk=user.point_id)).order_by("code")


def addon_choices(*, day: dt.date, services: list[str] | None = None) -> list[tuple[str, str]]:
    """(code, name) of the add-ons offered with the tariffs in force on ``day``."""
    tariffs = Tariff.objects.filter(valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )
    if services is not None:
        tariffs = tariffs.filter(service__in=services)
    rows = (
        AddOn.objects.filter(tariff__in=tariffs).order_by("code", "id").values_list("code", "name")
    )
    return list(dict(rows).items())


def province_names() -> dict[tuple[str, str], str]:
    """{(structure, province code): name} of the provinces in the database."""
    rows = AdminArea.objects.filter(level=AdminAreaLevel.PROVINCE).values_list(
        "structure", "code", "name"
    )
    return {(structure, code): name for structure, code, name in rows}


def provinces_2025() -> list[tuple[str, str]]:
    """(code, name) of the 34 provinces since 1 July 2025, from the database when loaded,
    else from the ``vietnam_provinces`` package."""
    rows = list(
        AdminArea.objects.filter(level=AdminAreaLevel.PROVINCE, structure=AdminAreaStructure.V2025)
        .order_by("code")
        .values_list("code", "name")
    )
    known = dict(rows)
    from vietnam_provinces import Province

    for province in Province.iter_all():
        code = f"{int(getattr(province.code, 'value', province.code)):02d}"
        known.setdefault(code, str(province.name))
    return sorted(known.items())


def home_province() -> str:
    """The province of this installation: that of its first provincial post."""
    code = (
        Unit.objects.filter(kind="province")
        .exclude(province_code="")
        .order_by("code")
        .values_list("province_code", flat=True)
        .first()
    )
    return code or "01"


def commune_search(*, q: str = "", province_code: str = "", limit: int = 50) -> list[AdminArea]:
    """Communes whose name (without diacritics) or code matches ``q``: those of the 2025
    structure first, then legacy ones (converted when an item is accepted)."""
    communes = AdminArea.objects.filter(level=AdminAreaLevel.COMMUNE)
    text = q.strip()
    if text:
        folded = fold(text)
        communes = communes.filter(Q(name_folded__contains=folded) | Q(code__startswith=text))
    elif province_code:
        communes = communes.filter(province_code=province_code, structure=AdminAreaStructure.V2025)
    else:
        return []
    # "2025" sorts before "legacy": current communes first.
    return list(communes.order_by("structure", "name_folded", "code")[:limit])


def delivery_point_for(commune: AdminArea, day: dt.date) -> ServicePoint | None:
    """The office that delivers in a 2025 commune: its first serving post office (level I,
    then II, then III), else its first commune cultural post office, else none."""
    return delivery_points(commune, day).first()


_DELIVERING = [PointKind.BC1, PointKind.BC2, PointKind.BC3, PointKind.BDVHX]


def delivery_point_sql(commune: AdminArea, day: dt.date, column: str) -> tuple[str, list[Any]]:
    """SQL (and its parameters) of ``column`` of the point that delivers in ``commune`` on
    ``day`` (``delivery_points().first()``), to read with another query."""
    when = connection.ops.adapt_datefield_value(day)
    ranks = " ".join("WHEN %s THEN %s" for _kind in _DELIVERING)
    sql = (
        f"SELECT p.{connection.ops.quote_name(column)} FROM {ServicePoint._meta.db_table} p "
        "WHERE p.commune_id = %s AND p.opened_on <= %s AND (p.closed_on IS NULL "
        f"OR p.closed_on > %s) AND p.kind IN ({', '.join(['%s'] * len(_DELIVERING))}) "
        f"ORDER BY CASE p.kind {ranks} END, p.code LIMIT 1"
    )
    kinds = [kind.value for kind in _DELIVERING]
    params: list[Any] = [commune.pk, when, when, *kinds]
    for index, kind in enumerate(kinds):
        params += [kind, index]
    return sql, params


def delivery_points(commune: AdminArea, day: dt.date) -> QuerySet[ServicePoint]:
    """The points that may deliver in ``commune`` on ``day``, the delivering one first (as a
    subquery, the acceptance reads the first with its price: ``item_accept``)."""
    rank = Case(
        *(When(kind=kind, then=Value(index)) for index, kind in enumerate(_DELIVERING)),
        output_field=IntegerField(),
    )
    return (
        ServicePoint.objects.in_force_on(day)
        .filter(commune=commune, kind__in=_DELIVERING)
        .order_by(rank, "code")
    )
