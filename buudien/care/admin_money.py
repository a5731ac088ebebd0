"""The compensations and their payments in the Django admin: read-only (they change only
through the services, with their ledger entries), in the administrator's scope; the item's
number is never listed (a KT1 item's must appear nowhere)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from buudien.care.models import Compensation, CompensationPayment
from buudien.people import access
from buudien.people.admin_scope import ReadOnlyAdmin


@admin.register(Compensation)
class CompensationAdmin(ReadOnlyAdmin):
    list_display = ["request", "rule", "charge", "amount_max", "amount", "status", "proposed_at"]
    list_filter = ["status", "rule"]
    list_select_related = ["request"]
    list_per_page = 100
    show_full_result_count = False
    search_fields = ["request__code"]
    exclude = ["request"]
    readonly_fields = ["request_code"]

    @admin.display(description=_("request"))
    def request_code(self, obj: Compensation) -> str:
        return obj.request.code

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return access.visible(request.user, super().get_queryset(request), "request__unit_path")


@admin.register(CompensationPayment)
class CompensationPaymentAdmin(ReadOnlyAdmin):
    list_display = ["reference", "point", "method", "amount", "payee_name", "business_date"]
    list_filter = ["method"]
    list_select_related = ["point"]
    list_per_page = 100
    show_full_result_count = False
    date_hierarchy = "business_date"
    search_fields = ["reference"]
    exclude = ["compensation"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return access.visible(request.user, super().get_queryset(request), "point__unit_path")
