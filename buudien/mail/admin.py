"""The admin of the mail service: tariffs (with their steps, extras and add-ons) and remote
communes are kept here by administrators; items and bookings are shown read-only, in the
user's scope, and KT1 items only to KT1 operators (every opening of one is audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from buudien.core.audit import audit_record
from buudien.mail import selectors
from buudien.mail.models import (
    AddOn,
    PostalItem,
    RemoteCommune,
    Tariff,
    TariffExtra,
    TariffStep,
)
from buudien.people import access
from buudien.people.admin_scope import ReadOnlyAdmin, RoleGatedMixin


class _Inline(admin.TabularInline):  # type: ignore[type-arg]
    """Steps, extras and add-ons: kept by whoever may keep the tariff."""

    extra = 0

    def _allowed(self, request: HttpRequest) -> bool:
        return access.can_manage_network(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)


class _StepInline(_Inline):
    model = TariffStep
    ordering = ["zone", "up_to_g"]


class _ExtraInline(_Inline):
    model = TariffExtra


class _AddOnInline(_Inline):
    model = AddOn


@admin.register(Tariff)
class TariffAdmin(RoleGatedMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "service", "valid_from", "valid_to", "vat_rate_bp", "max_weight_g"]
    list_filter = ["service", "vat_rate_bp"]
    search_fields = ["name"]
    date_hierarchy = "valid_from"
    inlines = [_StepInline, _ExtraInline, _AddOnInline]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A tariff that priced items stays: the items point to it.
        return self._allowed(request) and (obj is None or not obj.items.exists())


@admin.register(RemoteCommune)
class RemoteCommuneAdmin(RoleGatedMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["commune", "commune_code", "valid_from", "valid_to"]
    list_filter = ["commune__province_code"]
    search_fields = ["commune__name", "commune__name_folded", "commune__code"]
    autocomplete_fields = ["commune"]
    list_select_related = ["commune"]

    @admin.display(description="GSO")
    def commune_code(self, obj: RemoteCommune) -> str:
        return obj.commune.code

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)


@admin.register(PostalItem)
class PostalItemAdmin(ReadOnlyAdmin):
    list_display = [
        "s10",
        "service",
        "status",
        "accepted_point",
        "accepted_on",
        "recipient_name",
        "price_total",
    ]
    list_filter = ["service", "status", "accepted_on"]
    search_fields = ["s10"]
    date_hierarchy = "accepted_on"
    list_select_related = ["accepted_point"]
    show_full_result_count = False  # millions of rows: no COUNT(*) of the whole table
    list_per_page = 100

    def _allowed(self, request: HttpRequest) -> bool:
        return access.can_manage_network(request.user) or selectors.can_see_kt1(request.user)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return selectors.items_visible(request.user).select_related("accepted_point")

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        item = super().get_object(request, object_id, from_field)
        if item is not None and item.is_kt1:
            audit_record(actor=request.user, action="kt1.view", obj=item)
        return item
