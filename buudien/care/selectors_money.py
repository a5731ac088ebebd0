"""Reads of the money of customer care: the compensations a user may see (the care staff of
the request's unit and the accountants and administrators above it; a request about a KT1
item only for KT1 roles, accountants and administrators, never with the item's number), and
one by its request's code."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from buudien.care.models import CareRequest, Compensation
from buudien.care.selectors import code_of
from buudien.care.services import HANDLERS, KT1_HANDLERS, require_handler
from buudien.care.services_money import APPROVERS
from buudien.core.errors import AccessDenied, NotFound
from buudien.people import access

READERS = HANDLERS | APPROVERS
# Who sees the compensation of a request about a KT1 item (its number never shown).
KT1_READERS = KT1_HANDLERS | APPROVERS


def require_reader(user: Any) -> None:
    if not access.has_role(user, READERS):
        raise AccessDenied(_("Only customer care and accounting staff see compensations."))


def compensation_list(*, user: Any, status: str = "") -> QuerySet[Compensation]:
    """The compensations of the requests in ``user``'s scope, those awaiting a step first."""
    require_reader(user)
    rows = Compensation.objects.select_related("request", "payment").filter(
        access.scope_q(user, "request__unit_path")
    )
    if not access.has_role(user, KT1_READERS):
        rows = rows.filter(Q(request__is_kt1=False))
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("status", "-proposed_at", "-id")


def compensation_get(*, user: Any, code: str) -> Compensation:
    found = compensation_list(user=user).filter(request__code=code_of(code)).first()
    if found is None:
        raise NotFound(_("No such compensation."))
    return found


def request_for_compensation(*, user: Any, code: str) -> CareRequest:
    """The request of ``code`` that ``user`` handles (else "not found")."""
    found = CareRequest.objects.select_related("item", "item__tariff").filter(code=code_of(code))
    row = found.first()
    if row is None:
        raise NotFound(_("No such request."))
    require_handler(user, row)
    return row


def item_label(row: CareRequest) -> str:
    """The item's number as shown on the money pages: never a KT1 item's."""
    if row.item is None or row.is_kt1:
        return "—"
    return row.item.s10
