"""The admin of the shared tables.

Who may see them: superusers and staff whose role is ``admin`` (the admin site itself also
asks for ``is_staff``). The audit log and the counters are read-only for everyone, superusers
included: the log is append-only, and a counter moved by hand would hand out a serial twice.
The calendar exceptions are managed by the same people.

An administrator reads the audit entries of the provinces in their scope
(``people.admin_scope.provinces_of``), as on the other screens of a province's rows; a
superuser reads them all. An entry is of the province of whoever acted: the province of its
actor's unit (their unit today). An entry nobody of a province made (the system's: the demo,
an import or a command at the console, a citizen's form; or someone of the whole country's,
a corporation's staff or a superuser without a unit) is of the province of what it is about:
its object (``object_type``, ``object_id``), when that is a row of a table that has a
province (``people.admin_scope.province_lookup``) and still exists. An entry about nothing
of a province (an import's file, the national calendar) is read by superusers only.
"""

from __future__ import annotations

import functools
from typing import Any

from django.apps import apps
from django.contrib import admin
from django.db.models import (
    BigIntegerField,
    Case,
    Exists,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    When,
)
from django.db.models.functions import Cast
from django.http import HttpRequest

from buudien.core.models import AuditEntry, CalendarDay, Sequence
from buudien.people.admin_scope import province_lookup, provinces_of

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


@functools.cache
def _tables_of_provinces() -> tuple[tuple[type[Model], str], ...]:
    """(model, lookup of its province code) of every table whose rows have a province."""
    found = []
    for model in apps.get_models():
        lookup = province_lookup(model) if model is not AuditEntry else None
        # A whole-number key, which the entry's object_id names as text.
        if lookup is not None and isinstance(model._meta.pk, IntegerField):
            found.append((model, lookup))
    return tuple(found)


def audit_of_provinces(queryset: QuerySet[AuditEntry], codes: list[str]) -> QuerySet[AuditEntry]:
    """The entries of ``queryset`` that are of the provinces ``codes`` (see the module's
    docstring): by their actor's unit, else by their object's row."""
    # The object's id as a number, only where it is one: an import's entry names its kind
    # ("payout_list"), and PostgreSQL refuses to cast that, whatever the type it is of.
    object_pk = Case(
        When(object_id__regex=r"^[0-9]{1,18}$", then=Cast("object_id", BigIntegerField()))
    )
    return queryset.alias(object_pk=object_pk).filter(_of_provinces(tuple(sorted(codes))))


@functools.lru_cache(maxsize=64)
def _of_provinces(codes: tuple[str, ...]) -> Q:
    """The condition of ``audit_of_provinces`` (built once: it names every table of a
    province)."""
    of_actor = Q(actor__unit__province_code__in=codes)
    nobody_of_a_province = (
        Q(actor__isnull=True) | Q(actor__unit__isnull=True) | Q(actor__unit__province_code="")
    )
    of_object = Q(pk__in=[])  # nothing, for a start
    for model, lookup in _tables_of_provinces():
        rows = model._base_manager.filter(pk=OuterRef("object_pk"), **{f"{lookup}__in": codes})
        # The type first: the database need not look for the row of every other table.
        of_object |= Q(object_type=model._meta.label_lower) & Q(Exists(rows))
    return of_actor | (nobody_of_a_province & of_object)


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
        """The entries of the administrator's provinces (see the module's docstring); outside
        the KT1 role, not the entries about KT1 items, neither listed, searched nor opened: a
        KT1 item's number, grade and urgency stay with it. A superuser reads everything."""
        queryset = super().get_queryset(request)
        user = request.user
        if user.is_superuser:
            return queryset
        queryset = audit_of_provinces(queryset, provinces_of(request) or [])
        if getattr(user, "role", None) == KT1_ROLE:
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
