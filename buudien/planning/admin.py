"""Plans and imported history in the Django admin: administrators read them within their
scope. They change only through the plans page, the API and the imports, which validate
them (a plan set here by hand would skip the sums and checks)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from buudien.people.admin_scope import ScopedAdmin
from buudien.planning.models import FinanceHistory, Plan, RevenueHistory


class _ReadOnly(ScopedAdmin):
    scope_field = "unit__path"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Plan)
class PlanAdmin(_ReadOnly):
    list_display = ["year", "unit", "metric", "subject", "amount", "updated_at"]
    list_filter = ["year", "metric"]
    search_fields = ["unit__code", "subject"]


@admin.register(RevenueHistory)
class RevenueHistoryAdmin(_ReadOnly):
    list_display = ["month", "unit", "point", "service", "amount", "volume"]
    list_filter = ["service"]
    search_fields = ["unit__code"]


@admin.register(FinanceHistory)
class FinanceHistoryAdmin(_ReadOnly):
    list_display = ["month", "unit", "kind", "amount"]
    list_filter = ["kind"]
    search_fields = ["unit__code"]
