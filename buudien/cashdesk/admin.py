"""The cash desk in the admin: read-only (closings, handovers and payouts change only through
their services), shown to administrators only, in their scope."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from buudien.cashdesk.models import CashClosing, CashHandover, CodPayout
from buudien.people import access
from buudien.people.admin_scope import ReadOnlyAdmin


class _ReadOnly(ReadOnlyAdmin):
    show_full_result_count = False
    list_per_page = 100

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return (
            super()
            .get_queryset(request)
            .filter(access.scope_q(request.user, "point__unit_path"))
            .select_related("point")
        )


@admin.register(CashClosing)
class CashClosingAdmin(_ReadOnly):
    list_display = ["business_date", "point", "status", "expected", "counted_total", "difference"]
    list_filter = ["province_code", "status", "business_date"]
    search_fields = ["point__code", "point__name"]
    date_hierarchy = "business_date"


@admin.register(CashHandover)
class CashHandoverAdmin(_ReadOnly):
    list_display = [
        "business_date",
        "point",
        "kind",
        "bank",
        "to_point",
        "amount",
        "slip",
        "status",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["province_code", "kind", "status", "business_date"]
    list_select_related = ["point", "to_point", "decided_by"]


@admin.register(CodPayout)
class CodPayoutAdmin(_ReadOnly):
    list_display = ["number", "paid_at", "point", "method", "sender_name", "item_count", "total"]
    list_filter = ["province_code", "method"]
    search_fields = ["number", "sender_name", "sender_phone"]
