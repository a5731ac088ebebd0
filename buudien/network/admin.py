from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms import ModelForm
from django.http import HttpRequest

from buudien.core.errors import DomainError
from buudien.network import services
from buudien.network.models import AdminArea, CommuneChange, ServicePoint, Unit, UnitSuccession
from buudien.people import access
from buudien.people.admin_scope import ScopedAdmin


def _through_service(call: Any) -> None:
    try:
        call()
    except DomainError as exc:
        raise ValidationError(str(exc.message)) from exc


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    list_display = ["code", "name", "kind", "parent", "province_code", "valid_from", "valid_to"]
    list_filter = ["kind", "province_code"]
    search_fields = ["code", "name", "name_folded"]
    fields = ["code", "name", "kind", "parent", "province_code", "valid_from", "valid_to"]
    autocomplete_fields = ["parent"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["code"] if obj else []

    def save_model(
        self, request: HttpRequest, obj: Unit, form: ModelForm[Unit], change: bool
    ) -> None:
        data = {f: form.cleaned_data[f] for f in services.UNIT_FIELDS if f in form.cleaned_data}
        if change:
            original = Unit.objects.get(pk=obj.pk)
            saved = services.unit_update(actor=request.user, unit=original, **data)
        else:
            saved = services.unit_create(actor=request.user, code=obj.code, **data)
        obj.pk, obj.path = saved.pk, saved.path


@admin.register(ServicePoint)
class ServicePointAdmin(ScopedAdmin):
    scope_field = "unit_path"
    list_display = [
        "code",
        "name",
        "kind",
        "multi_service",
        "cashless",
        "unit",
        "opened_on",
        "closed_on",
    ]
    list_filter = ["kind", "multi_service", "cashless", "province_code"]
    search_fields = ["code", "name", "name_folded"]
    fields = [
        "code",
        "name",
        "kind",
        "multi_service",
        "cashless",
        "unit",
        "commune",
        "commune_legacy",
        "address",
        "phone",
        "opened_on",
        "closed_on",
    ]
    autocomplete_fields = ["unit", "commune", "commune_legacy"]
    list_select_related = ["unit"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["code"] if obj else []

    def save_model(
        self, request: HttpRequest, obj: ServicePoint, form: ModelForm[ServicePoint], change: bool
    ) -> None:
        data = {f: form.cleaned_data[f] for f in services.POINT_FIELDS if f in form.cleaned_data}
        if change:
            original = ServicePoint.objects.get(pk=obj.pk)
            saved = services.point_update(actor=request.user, point=original, **data)
        else:
            saved = services.point_create(actor=request.user, code=obj.code, **data)
        obj.pk = saved.pk


@admin.register(AdminArea)
class AdminAreaAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "structure", "level", "province_code", "valid_from", "valid_to"]
    list_filter = ["structure", "level"]
    search_fields = ["code", "name", "name_folded"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return access.can_manage_network(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.can_manage_network(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CommuneChange)
class CommuneChangeAdmin(AdminAreaAdmin):
    """The mergers of communes before 2025, read only (the ``legacy_communes`` import loads a
    dated commune list at once)."""

    list_display = ["predecessor", "successor", "effective_on", "seat"]
    list_filter = ["effective_on", "seat"]
    search_fields = ["predecessor__code", "predecessor__name", "successor__code", "successor__name"]
    list_select_related = ["predecessor", "successor"]


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(ScopedAdmin):
    """Which unit replaced which, and the share it took (the ``unit_successions`` import
    loads a whole reorganisation at once)."""

    scope_field = "predecessor__path"
    list_display = ["predecessor", "successor", "share_bp", "effective_on"]
    list_filter = ["effective_on"]
    search_fields = ["predecessor__code", "successor__code", "predecessor__name"]
    autocomplete_fields = ["predecessor", "successor"]
    list_select_related = ["predecessor", "successor"]
