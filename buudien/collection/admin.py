"""Bill collection in the Django admin (administrators only, in their scope): partners are
made and changed through the services (validated, audited, their accounts made); bills and
settlements are read-only (they change only through the counter and the settlements)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from buudien.collection import selectors, services
from buudien.collection.models import Bill, Partner, Settlement
from buudien.core.errors import DomainError
from buudien.people.admin_scope import ReadOnlyAdmin, RoleGatedMixin


class PartnerAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Partner
        fields = [
            "province_code",
            "code",
            "name",
            "kind",
            "bank",
            "payee_account",
            "commission_fixed",
            "commission_bp",
            "commission_min",
            "customer_fee",
            "fee_vat_rate_bp",
            "active",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        values = {name: data[name] for name in services.PARTNER_FIELDS if name in data}
        try:
            if not self.instance.pk:
                services.slug_check(data.get("code"), field="code")
            services.partner_values_clean(values)
        except DomainError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, str(exc.message))
        return data


@admin.register(Partner)
class PartnerAdmin(RoleGatedMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    form = PartnerAdminForm
    list_display = [
        "code",
        "name",
        "kind",
        "province_code",
        "bank",
        "commission_fixed",
        "commission_bp",
        "commission_min",
        "customer_fee",
        "active",
    ]
    list_filter = ["province_code", "kind", "active"]
    search_fields = ["code", "name", "name_folded"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return (
            super()
            .get_queryset(request)
            .filter(province_code__in=selectors.provinces_in_scope(request.user))
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["province_code", "code"] if obj else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a partner with bills is made inactive, never deleted

    def save_model(
        self, request: HttpRequest, obj: Partner, form: forms.ModelForm[Partner], change: bool
    ) -> None:
        values = {
            n: form.cleaned_data[n] for n in services.PARTNER_FIELDS if n in form.cleaned_data
        }
        if change:
            original = Partner.objects.get(pk=obj.pk)
            saved = services.partner_update(actor=request.user, partner=original, **values)
        else:
            saved = services.partner_create(
                actor=request.user, province_code=obj.province_code, code=obj.code, **values
            )
        obj.pk = saved.pk


class _ReadOnly(ReadOnlyAdmin):
    show_full_result_count = False
    list_per_page = 100


@admin.register(Bill)
class BillAdmin(_ReadOnly):
    list_display = [
        "reference",
        "partner",
        "customer_code",
        "customer_name",
        "period",
        "amount",
        "commission",
        "method",
        "status",
        "business_date",
        "settlement",
    ]
    list_filter = ["province_code", "status", "method", "partner"]
    search_fields = ["reference", "customer_code", "customer_folded"]
    list_select_related = ["partner", "settlement"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return selectors.bills_visible(request.user)


@admin.register(Settlement)
class SettlementAdmin(_ReadOnly):
    list_display = [
        "reference",
        "partner",
        "date_from",
        "date_to",
        "bill_count",
        "gross",
        "commission",
        "net",
        "created_at",
    ]
    list_filter = ["province_code", "partner"]
    list_select_related = ["partner"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return selectors.settlements_visible(request.user)
