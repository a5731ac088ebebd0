"""The cancellations asked for a supervisor's approval, in the Django admin: read-only for
administrators, in their scope (they are decided on the supervisors' page or the API, through
the services, never edited by hand)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from buudien.counter.models import CancelRequest
from buudien.people import access
from buudien.people.admin_scope import ReadOnlyAdmin


@admin.register(CancelRequest)
class CancelRequestAdmin(ReadOnlyAdmin):
    list_display = [
        "requested_at",
        "kind",
        "reference",
        "amount",
        "point",
        "requested_by",
        "reason",
        "status",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["status", "kind", "province_code"]
    search_fields = ["reference", "reason", "refusal"]
    list_select_related = ["point", "requested_by", "decided_by"]
    show_full_result_count = False
    list_per_page = 100

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return access.visible(request.user, super().get_queryset(request), "unit_path")
