"""The Django admin, held to the same scope and roles as the rest of buudien."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from buudien.core.audit import audit_record, snapshot
from buudien.network.choices import UnitKind
from buudien.network.models import Unit
from buudien.people import access


def province_of(request: HttpRequest) -> str | None:
    """The province of an administrator's unit; None for the whole country (a superuser)."""
    user: Any = request.user
    if user.is_superuser:
        return None
    unit = getattr(user, "unit", None)
    return (unit.province_code if unit is not None else "") or None


def provinces_of(request: HttpRequest) -> list[str] | None:
    """The provinces whose provincial post is in an administrator's scope; None for a
    superuser's (all of them)."""
    if request.user.is_superuser:
        return None
    known = getattr(request, "_provinces_of", None)  # read once per request
    if known is None:
        provinces = Unit.objects.filter(kind=UnitKind.PROVINCE)
        known = list(
            access.visible(request.user, provinces, "path").values_list("province_code", flat=True)
        )
        request._provinces_of = known  # type: ignore[attr-defined]
    return list(known)


def province_lookup(model: type[Model], depth: int = 0) -> str | None:
    """The lookup from ``model``'s rows to their province code: its own ``province_code``,
    else through its foreign keys (two steps at most: a token's user's unit); None for a
    table of no province."""
    if any(field.name == "province_code" and field.concrete for field in model._meta.fields):
        return "province_code"
    if depth == 2:
        return None
    for field in model._meta.fields:
        if field.many_to_one or field.one_to_one:
            found = province_lookup(field.related_model, depth + 1)  # type: ignore[arg-type]
            if found:
                return f"{field.name}__{found}"
    return None


class PerProvinceMixin:
    """The rows of the provinces in the administrator's scope only (all of them for a
    superuser), whatever Django permissions they hold; a row added by hand is given one of
    those provinces. ``province_field`` is the lookup of the row's province."""

    province_field = "province_code"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset: QuerySet[Any] = super().get_queryset(request)  # type: ignore[misc]
        codes = provinces_of(request)
        if codes is None:
            return queryset
        return queryset.filter(**{f"{self.province_field}__in": codes})

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        codes = provinces_of(request) if db_field.name == "province_code" else None
        if codes is not None:
            return forms.ChoiceField(
                label=db_field.verbose_name, choices=[(code, code) for code in codes]
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]


class RoleGatedMixin:
    """Open to administrators only, whatever Django's own permissions say."""

    def _allowed(self, request: HttpRequest) -> bool:
        return access.can_manage_network(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)


class ReadOnlyAdmin(RoleGatedMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Rows that are never added, changed or deleted by hand (money, history, events):
    administrators read them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ScopedAdmin(RoleGatedMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Administrators see and change only rows whose ``scope_field`` lies in their subtree."""

    scope_field = "path"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return access.visible(request.user, super().get_queryset(request), self.scope_field)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Units and points are closed with a date, never deleted: history depends on them.
        return False


class ProvinceAdmin(RoleGatedMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """A province's reference rows (agencies, procedures, products, suppliers...):
    administrators see and add those of their province, each save is audited
    (``<audit_app>.<audit_action>`` with the row before and after), the ``frozen`` fields
    are fixed once the row exists, and nothing is deleted (rows point at it: it is made
    inactive instead). ``province_choices`` limits foreign keys to rows of the province,
    ``point_choices`` to the open service points of the administrator's scope."""

    audit_app = ""
    audit_action = ""
    frozen: tuple[str, ...] = ("province_code", "code")
    province_choices: tuple[str, ...] = ()
    point_choices: tuple[str, ...] = ()

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        province = province_of(request)
        return queryset if province is None else queryset.filter(province_code=province)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return list(self.frozen) if obj else []

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("province_code", province_of(request) or "")
        return initial

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name in self.point_choices:
            from buudien.network.models import ServicePoint

            points = ServicePoint.objects.filter(closed_on__isnull=True).order_by("code")
            kwargs["queryset"] = access.visible(request.user, points, "unit_path")
        elif db_field.name in self.province_choices:
            province = province_of(request)
            rows = db_field.related_model.objects.all()
            kwargs["queryset"] = rows if province is None else rows.filter(province_code=province)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action=f"{self.audit_app}.{self.audit_action}",
            obj=obj,
            before=before,
            after=snapshot(obj),
        )
