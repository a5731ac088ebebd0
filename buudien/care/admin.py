"""Customer care in the Django admin (administrators only, in their province): requests and
their steps are read-only (they change only through the services, each with its step and
audit record); a request about a KT1 item is listed only to who may see KT1 items."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from buudien.care.models import CareRequest, CareStep
from buudien.mail.selectors import can_see_kt1
from buudien.people.admin_scope import ReadOnlyAdmin, province_of


class CareStepInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CareStep
    fields = ("at", "kind", "by", "public", "text")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["at", "id"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CareRequest)
class CareRequestAdmin(ReadOnlyAdmin):
    list_display = [
        "code",
        "received_on",
        "channel",
        "kind",
        "ground",
        "customer_name",
        "unit",
        "status",
        "resolve_by",
        "outcome",
    ]
    list_filter = ["status", "kind", "channel", "ground", "outcome"]
    list_select_related = ["unit"]
    list_per_page = 100
    show_full_result_count = False
    date_hierarchy = "received_on"
    search_fields = ["code", "customer_phone"]
    inlines = [CareStepInline]
    exclude = ["item"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        province = province_of(request)
        if province is not None:
            queryset = queryset.filter(province_code=province)
        if not can_see_kt1(request.user):
            queryset = queryset.filter(is_kt1=False)
        return queryset

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        """A name is found without its diacritics, as on the care pages."""
        from buudien.core.text import fold

        found, duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            found = found | queryset.filter(customer_folded__contains=fold(search_term)[:60])
        return found, duplicates


# The compensations and their payments (care.admin_money) register themselves on import.
from buudien.care import admin_money  # noqa: E402, F401
