"""Emulation in the Django admin (administrators only, in their province): every record is
read-only there, since each one changes only through the services, with their rules and
audit records; the children (criteria, targets, applications) are listed inline and on
their own."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from buudien.emulation.models import (
    Award,
    Initiative,
    InitiativeApplication,
    Movement,
    MovementCriterion,
    Pledge,
    PledgeTarget,
)
from buudien.people.admin_scope import ReadOnlyAdmin, province_of


class _ProvinceReadOnly(ReadOnlyAdmin):
    """Rows of the administrator's province (all of them for a superuser)."""

    list_per_page = 100
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        province = province_of(request)
        return queryset if province is None else queryset.filter(province_code=province)


class _Inline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MovementCriterionInline(_Inline):
    model = MovementCriterion


class PledgeTargetInline(_Inline):
    model = PledgeTarget


class InitiativeApplicationInline(_Inline):
    model = InitiativeApplication


@admin.register(Movement)
class MovementAdmin(_ProvinceReadOnly):
    list_display = ["theme", "year_from", "year_to", "launched_on", "province"]
    list_filter = ["year_to"]
    search_fields = ["theme"]
    list_select_related = ["province"]
    inlines = [MovementCriterionInline]


@admin.register(MovementCriterion)
class MovementCriterionAdmin(_ProvinceReadOnly):
    list_display = ["movement", "code", "weight"]
    list_select_related = ["movement"]


@admin.register(Pledge)
class PledgeAdmin(_ProvinceReadOnly):
    list_display = ["unit", "year", "signed_on", "movement", "results_at"]
    list_filter = ["year"]
    list_select_related = ["unit", "movement"]
    search_fields = ["unit__code", "unit__name", "management_signatory", "union_signatory"]
    inlines = [PledgeTargetInline]


@admin.register(PledgeTarget)
class PledgeTargetAdmin(_ProvinceReadOnly):
    list_display = ["pledge", "code", "target", "result", "met"]
    list_select_related = ["pledge", "pledge__unit"]


@admin.register(Award)
class AwardAdmin(_ProvinceReadOnly):
    list_display = [
        "kind",
        "name",
        "person",
        "unit",
        "year_from",
        "year_to",
        "level",
        "status",
        "decision_number",
        "decision_date",
    ]
    list_filter = ["status", "level", "kind", "year_to"]
    list_select_related = ["person", "unit"]
    search_fields = ["decision_number", "name"]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        """A name is found without its diacritics, as on the register."""
        from buudien.core.text import fold

        found, duplicates = super().get_search_results(request, queryset, search_term)
        text = fold(search_term)[:60]
        if text:
            found = found | queryset.filter(
                Q(person__name_folded__contains=text) | Q(unit__name_folded__contains=text)
            )
        return found, duplicates


@admin.register(Initiative)
class InitiativeAdmin(_ProvinceReadOnly):
    list_display = ["title", "unit", "year", "level", "status", "decision_number"]
    list_filter = ["status", "level", "year"]
    list_select_related = ["unit"]
    search_fields = ["title", "title_folded", "decision_number"]
    inlines = [InitiativeApplicationInline]


@admin.register(InitiativeApplication)
class InitiativeApplicationAdmin(_ProvinceReadOnly):
    list_display = ["initiative", "unit", "applied_on"]
    list_select_related = ["initiative", "unit"]
