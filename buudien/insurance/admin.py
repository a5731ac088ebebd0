"""Insurance in the Django admin (administrators only, in their province): insurers and
their products are set up here (audited, never deleted: a product no longer sold is made
inactive); policies are read-only (they change only through the services, with their ledger
entries)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from buudien.core.text import fold
from buudien.insurance.models import Insurer, Policy, Product
from buudien.people import access
from buudien.people.admin_scope import ProvinceAdmin, ReadOnlyAdmin


class InsurerForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Insurer
        fields = ["province_code", "code", "name", "is_active"]

    def clean_code(self) -> str:
        """The ledger's partner slugs are lowercase (``3388.partner.bh-<code>``)."""
        return str(self.cleaned_data.get("code") or "").strip().lower()


@admin.register(Insurer)
class InsurerAdmin(ProvinceAdmin):
    form = InsurerForm
    audit_app = "insurance"
    audit_action = "insurer"
    list_display = ["code", "name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]
    fields = ["province_code", "code", "name", "is_active"]


class ProductForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Product
        fields = [
            "province_code",
            "insurer",
            "code",
            "name",
            "kind",
            "term_months",
            "premium",
            "premium_min",
            "premium_max",
            "commission_bp",
            "plate_required",
            "is_active",
        ]

    def clean_code(self) -> str:
        return str(self.cleaned_data.get("code") or "").strip().upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        province = data.get("province_code") or self.instance.province_code
        insurer = data.get("insurer")
        if insurer is not None and province and insurer.province_code != province:
            self.add_error("insurer", _("Choose an insurer of the province."))
        low, high = data.get("premium_min") or 0, data.get("premium_max") or 0
        if not data.get("premium") and high and low > high:
            self.add_error("premium_max", _("The highest premium is below the lowest."))
        return data


@admin.register(Product)
class ProductAdmin(ProvinceAdmin):
    form = ProductForm
    audit_app = "insurance"
    audit_action = "product"
    list_display = [
        "code",
        "name",
        "insurer",
        "kind",
        "term_months",
        "premium",
        "commission_bp",
        "plate_required",
        "is_active",
    ]
    list_filter = ["kind", "insurer", "is_active"]
    search_fields = ["code", "name"]
    list_select_related = ["insurer"]
    province_choices = ("insurer",)


@admin.register(Policy)
class PolicyAdmin(ReadOnlyAdmin):
    list_display = [
        "reference",
        "policy_number",
        "point",
        "insurer",
        "insured_name",
        "plate",
        "premium",
        "commission",
        "status",
        "business_date",
    ]
    list_filter = ["status", "kind", "insurer"]
    list_select_related = ["point", "insurer"]
    list_per_page = 100
    show_full_result_count = False
    date_hierarchy = "business_date"
    search_fields = ["reference"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return access.visible(request.user, super().get_queryset(request), "point__unit_path")

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        text = search_term.strip()[:60]
        if not text:
            return queryset, False
        found = (
            Q(reference=text.upper())
            | Q(policy_number=text.upper())
            | Q(insured_folded__contains=fold(text))
        )
        return queryset.filter(found), False
