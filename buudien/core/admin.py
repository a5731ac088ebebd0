"""The admin of the shared tables.

Who may see them: superusers and staff whose role is ``admin`` (the admin site itself also
asks for ``is_staff``). The audit log and the counters are read-only for everyone, superusers
included: the log is append-only, and a counter moved by hand would hand out a serial twice.
The calendar exceptions are managed by the same people.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from buudien.core.models import AuditEntry, CalendarDay, Sequence

ADMIN_ROLE = "admin"


def is_system_admin(user: Any) -> bool:
    """A superuser, or an active member of staff whose role is admin."""
    if not getattr(user, "is_active", False):
        return False
    return bool(user.is_superuser or getattr(user, "role", None) == ADMIN_ROLE)


class _AdminOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    """Seen by system admins only, whatever Django permissions a user holds."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_system_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_system_admin(request.user)


class _ReadOnly(_AdminOnly):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# The audit entries about KT1 items: the KT1 desk's own actions, and those of an item whose
# number (KT000000014VN) names it.
KT1_AUDIT = Q(action__startswith="kt1.") | Q(object_repr__regex=r"^KT[0-9]{9}[A-Z]{2}")
KT1_ROLE = "kt1_operator"


@admin.register(AuditEntry)
class AuditEntryAdmin(_ReadOnly):
    list_display = ["at", "actor_name", "action", "object_type", "object_repr", "ip"]
    list_filter = ["action", "object_type", "at"]
    search_fields = ["actor_name", "object_repr"]
    date_hierarchy = "at"
    # The log grows without end: no COUNT(*) of the whole table on every page.
    show_full_result_count = False
    list_per_page = 100

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        """Outside the KT1 role (superusers aside), the entries about KT1 items are not
        listed, searched or opened: a KT1 item's number, grade and urgency stay with it."""
        queryset = super().get_queryset(request)
        user = request.user
        if user.is_superuser or getattr(user, "role", None) == KT1_ROLE:
            return queryset
        return queryset.exclude(KT1_AUDIT)

    readonly_fields = fields = (
        "at",
        "actor",
        "actor_name",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "ip",
        "before",
        "after",
    )


@admin.register(CalendarDay)
class CalendarDayAdmin(_AdminOnly):
    list_display = ["date", "is_working_day", "note"]
    list_filter = ["is_working_day"]
    search_fields = ["note"]
    date_hierarchy = "date"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_system_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_system_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_system_admin(request.user)


@admin.register(Sequence)
class SequenceAdmin(_ReadOnly):
    list_display = ["name", "value"]
    search_fields = ["name"]
    ordering = ["name"]
    readonly_fields = fields = ("name", "value")
