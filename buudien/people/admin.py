from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buudien.core.audit import audit_record, snapshot
from buudien.people import access
from buudien.people.admin_scope import RoleGatedMixin
from buudien.people.models import ApiToken, AverageIncome, User
from buudien.people.services import SAFE, STAFF_SAFE, api_token_create


@admin.register(User)
class UserAdmin(RoleGatedMixin, DjangoUserAdmin):  # type: ignore[type-arg]
    list_display = ["username", "full_name", "staff_code", "role", "unit", "point", "is_active"]
    list_filter = ["role", "is_active", "contract_type"]
    search_fields = ["username", "full_name", "name_folded", "phone", "staff_code"]
    autocomplete_fields = ["unit", "point"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "position", "phone", "email")}),
        (_("Place and role"), {"fields": ("role", "unit", "point", "is_active")}),
        (
            _("Workforce"),
            {"fields": ("staff_code", "contract_type", "employed_from", "employed_until")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "password1", "password2")}),
        (_("Place and role"), {"fields": ("full_name", "role", "unit", "point")}),
    )
    readonly_fields = ["last_login", "date_joined"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return access.visible(request.user, super().get_queryset(request), "unit__path")

    def _allowed(self, request: HttpRequest) -> bool:
        return access.can_manage_users(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # people are disabled, not deleted: the audit log names them

    def save_model(
        self, request: HttpRequest, obj: User, form: ModelForm[User], change: bool
    ) -> None:
        if obj.unit is None or not access.in_scope(request.user, obj.unit.path):
            messages.error(request, _("The unit is outside your scope; nothing was saved."))
            return
        fields = [*SAFE, *STAFF_SAFE]
        before = snapshot(User.objects.get(pk=obj.pk), fields) if change else None
        obj.is_staff = obj.role == "admin" or obj.is_superuser
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="user.update" if change else "user.create",
            obj=obj,
            before=before,
            after=snapshot(obj, fields),
        )


@admin.register(ApiToken)
class ApiTokenAdmin(RoleGatedMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    fields = ["user", "name"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiToken]:
        return access.visible(request.user, super().get_queryset(request), "user__unit__path")

    def _allowed(self, request: HttpRequest) -> bool:
        return access.can_manage_users(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: ApiToken, form: ModelForm[ApiToken], change: bool
    ) -> None:
        token, key = api_token_create(actor=request.user, user=obj.user, name=obj.name)
        obj.pk = token.pk
        messages.warning(request, _("The token is shown once, copy it now: %(key)s") % {"key": key})


@admin.register(AverageIncome)
class AverageIncomeAdmin(RoleGatedMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """The payroll's average incomes, imported per unit and year (``/people/workforce/``);
    an administrator corrects one here, within their scope."""

    list_display = ["unit", "year", "headcount", "average_income", "source", "imported_at"]
    list_filter = ["year"]
    search_fields = ["unit__code", "unit__name"]
    autocomplete_fields = ["unit"]
    fields = ["unit", "year", "headcount", "average_income", "source", "imported_at", "imported_by"]
    readonly_fields = ["source", "imported_at", "imported_by"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AverageIncome]:
        rows = super().get_queryset(request).select_related("unit", "imported_by")
        return access.visible(request.user, rows, "unit__path")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: AverageIncome, form: ModelForm[AverageIncome], change: bool
    ) -> None:
        if not access.in_scope(request.user, obj.unit.path):
            messages.error(request, _("The unit is outside your scope; nothing was saved."))
            return
        before = snapshot(AverageIncome.objects.get(pk=obj.pk)) if change else None
        obj.imported_at = timezone.now()
        obj.imported_by = request.user if isinstance(request.user, User) else None
        obj.source = "admin"
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="people.average_income",
            obj=obj,
            before=before,
            after=snapshot(obj),
        )
