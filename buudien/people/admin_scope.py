"""The Django admin, held to the same scope and roles as the rest of buudien."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from buudien.people import access


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
