"""Reads of the cancellations that wait for a supervisor (``counter.cancellations``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from buudien.core.errors import AccessDenied, NotFound
from buudien.counter.cancellations import Kind, can_decide
from buudien.counter.choices import CancelStatus
from buudien.counter.models import CancelRequest
from buudien.people import access


def cancel_request_list(
    *, user: Any, status: str = CancelStatus.PENDING
) -> QuerySet[CancelRequest]:
    """The requests in ``user``'s units (those of ``status``; every one for ""): the waiting
    ones oldest first, as they are to be decided; the decided ones newest first. Directors and
    accountants only."""
    if not can_decide(user):
        raise AccessDenied(
            _("Only a director or an accountant approves or refuses a cancellation.")
        )
    rows = CancelRequest.objects.select_related("point", "requested_by", "decided_by").filter(
        access.scope_q(user, "unit_path")
    )
    if status:
        rows = rows.filter(status=status)
    if status == CancelStatus.PENDING:
        return rows.order_by("requested_at", "id")
    return rows.order_by("-decided_at", "-requested_at", "-id")


def cancel_request_get(*, user: Any, pk: int) -> CancelRequest:
    """One request: for a director or an accountant of its units, or for whoever asked."""
    row = (
        CancelRequest.objects.select_related("point", "requested_by", "decided_by")
        .filter(pk=pk)
        .first()
    )
    if row is None or not access.in_scope(user, row.unit_path):
        raise NotFound(_("No such cancellation request."))
    if not can_decide(user) and row.requested_by_id != getattr(user, "pk", None):
        raise NotFound(_("No such cancellation request."))
    return row


def record_requests(kind: Kind, record: Any) -> list[CancelRequest]:
    """The requests asked for ``record``, the newest first (shown on its page)."""
    return list(
        CancelRequest.objects.select_related("requested_by", "decided_by")
        .filter(kind=kind.name, record_id=str(record.pk))
        .order_by("-requested_at", "-id")
    )
