"""The Django admin of payouts: payers are kept here by administrators; lists, lines and
payments are read only (they change through their services). Each administrator sees the
rows of the provinces in their scope only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from buudien.payouts.models import Payer, Payment, PayoutLine, PayoutList
from buudien.people.admin_scope import PerProvinceMixin, ReadOnlyAdmin, RoleGatedMixin


@admin.register(Payer)
class PayerAdmin(PerProvinceMixin, RoleGatedMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "name",
        "code",
        "province_code",
        "service",
        "bank",
        "commission_per_line",
        "commission_rate_bp",
        "active",
    ]
    list_filter = ["service", "active", "province_code"]
    search_fields = ["name", "code"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request) and (obj is None or not obj.lists.exists())


@admin.register(PayoutList)
class PayoutListAdmin(PerProvinceMixin, ReadOnlyAdmin):
    list_display = ["code", "payer", "period", "status", "line_count", "total_amount"]
    list_filter = ["status", "service", "province_code"]
    search_fields = ["code"]


@admin.register(PayoutLine)
class PayoutLineAdmin(PerProvinceMixin, ReadOnlyAdmin):
    list_display = ["payout_list", "number", "beneficiary_name", "amount", "point", "status"]
    list_filter = ["status", "province_code"]
    search_fields = ["citizen_id", "name_folded"]
    list_select_related = ["payout_list", "point"]


@admin.register(Payment)
class PaymentAdmin(PerProvinceMixin, ReadOnlyAdmin):
    list_display = ["line", "point", "clerk", "paid_at", "proxy_name"]
    list_filter = ["province_code"]
    search_fields = ["proxy_name", "proxy_citizen_id", "proxy_document"]
