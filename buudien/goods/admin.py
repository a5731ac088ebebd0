"""Goods in the Django admin (administrators only, in their province): the warehouse,
suppliers, products and their prices are set up here (checked, audited, never deleted: a
retired product is made inactive); stock levels, movements and every document are read-only
(they change only through the services, with their ledger entries)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from buudien.core.errors import DomainError
from buudien.core.text import fold
from buudien.goods.barcodes import barcode_clean
from buudien.goods.models import (
    GoodsReceipt,
    Price,
    Product,
    Sale,
    SaleReturn,
    StockLevel,
    StockMovement,
    Stocktake,
    Supplier,
    Transfer,
    Warehouse,
    WriteOff,
)
from buudien.people import access
from buudien.people.admin_scope import ProvinceAdmin, ReadOnlyAdmin


def _same_province(form: forms.ModelForm, field: str, other: Any, message: Any) -> None:  # type: ignore[type-arg]
    province = form.cleaned_data.get("province_code") or form.instance.province_code
    if other is not None and province and other.province_code != province:
        form.add_error(field, message)


class WarehouseForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Warehouse
        fields = ["province_code", "point"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _same_province(self, "point", data.get("point"), _("Choose a point of the province."))
        return data


@admin.register(Warehouse)
class WarehouseAdmin(ProvinceAdmin):
    form = WarehouseForm
    audit_app = "goods"
    audit_action = "warehouse"
    frozen = ("province_code",)
    list_display = ["province_code", "point"]
    list_select_related = ["point"]

    point_choices = ("point",)


@admin.register(Supplier)
class SupplierAdmin(ProvinceAdmin):
    audit_app = "goods"
    audit_action = "supplier"
    list_display = ["code", "name", "tax_code", "mode", "commission_bp", "is_active"]
    list_filter = ["mode", "is_active"]
    search_fields = ["code", "name_folded", "tax_code"]
    fields = ["province_code", "code", "name", "tax_code", "mode", "commission_bp", "is_active"]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        text = search_term.strip()[:60]
        if not text:
            return queryset, False
        found = Q(code=text) | Q(tax_code=text) | Q(name_folded__contains=fold(text))
        return queryset.filter(found), False


class ProductForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Product
        fields = [
            "province_code",
            "code",
            "barcode",
            "name",
            "group",
            "unit",
            "vat_rate",
            "supplier",
            "is_active",
        ]

    def clean_barcode(self) -> str:
        try:
            return barcode_clean(self.cleaned_data.get("barcode"))
        except DomainError as exc:
            raise forms.ValidationError(str(exc.message)) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _same_province(
            self, "supplier", data.get("supplier"), _("Choose a supplier of the province.")
        )
        return data


@admin.register(Product)
class ProductAdmin(ProvinceAdmin):
    form = ProductForm
    audit_app = "goods"
    audit_action = "product"
    list_display = ["code", "barcode", "name", "group", "unit", "vat_rate", "supplier", "is_active"]
    list_filter = ["group", "vat_rate", "is_active", "supplier"]
    search_fields = ["code", "barcode", "name_folded"]
    list_select_related = ["supplier"]

    province_choices = ("supplier",)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        """A barcode, a code, or a name typed with or without its diacritics."""
        text = search_term.strip()[:60]
        if not text:
            return queryset, False
        found = Q(code=text) | Q(barcode=text.upper()) | Q(name_folded__contains=fold(text))
        return queryset.filter(found), False


class PriceForm(forms.ModelForm):  # type: ignore[type-arg]
    price = forms.IntegerField(label=_("price incl. VAT (đồng)"), min_value=1, max_value=10**12)

    class Meta:
        model = Price
        fields = ["province_code", "product", "valid_from", "price"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _same_province(self, "product", data.get("product"), _("Choose a product of the province."))
        return data


@admin.register(Price)
class PriceAdmin(ProvinceAdmin):
    """A new price is a new row from its day: the prices of past days stay as they were."""

    form = PriceForm
    audit_app = "goods"
    audit_action = "price"
    frozen = ("province_code", "product", "valid_from")
    list_display = ["product", "valid_from", "price"]
    list_filter = ["valid_from"]
    search_fields = ["product__code", "product__barcode", "product__name_folded"]
    list_select_related = ["product"]
    autocomplete_fields = ["product"]


class _ReadOnly(ReadOnlyAdmin):
    """Rows of points in the administrator's scope, never changed by hand."""

    list_per_page = 100
    show_full_result_count = False
    scope_field = "point__unit_path"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return access.visible(request.user, super().get_queryset(request), self.scope_field)


@admin.register(StockLevel)
class StockLevelAdmin(_ReadOnly):
    list_display = ["point", "product", "quantity", "value"]
    list_select_related = ["point", "product"]
    search_fields = ["point__code", "product__code", "product__barcode"]


@admin.register(StockMovement)
class StockMovementAdmin(_ReadOnly):
    list_display = ["at", "point", "product", "kind", "quantity", "unit_cost", "value", "reference"]
    list_filter = ["kind"]
    list_select_related = ["point", "product"]
    search_fields = ["reference", "point__code", "product__code", "product__barcode"]
    date_hierarchy = "business_date"


class _DocumentAdmin(_ReadOnly):
    search_fields = ["reference"]
    date_hierarchy = "business_date"

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        code = search_term.strip().upper()[:24]
        return (queryset.filter(reference=code), False) if code else (queryset, False)


@admin.register(GoodsReceipt)
class GoodsReceiptAdmin(_DocumentAdmin):
    list_display = ["reference", "point", "supplier", "supplier_document", "total", "created_at"]
    list_select_related = ["point", "supplier"]


@admin.register(Transfer)
class TransferAdmin(_DocumentAdmin):
    list_display = ["reference", "point", "to_point", "status", "total", "created_at"]
    list_filter = ["status"]
    list_select_related = ["point", "to_point"]


@admin.register(Sale)
class SaleAdmin(_DocumentAdmin):
    list_display = ["reference", "point", "total", "vat", "revenue", "cost", "created_at"]
    list_filter = ["payment_method"]
    list_select_related = ["point"]


@admin.register(SaleReturn)
class SaleReturnAdmin(_DocumentAdmin):
    list_display = ["reference", "sale", "point", "total", "reason", "created_at"]
    list_select_related = ["point", "sale"]


@admin.register(WriteOff)
class WriteOffAdmin(_DocumentAdmin):
    list_display = ["reference", "point", "status", "reason", "total", "created_at"]
    list_filter = ["status"]
    list_select_related = ["point"]


@admin.register(Stocktake)
class StocktakeAdmin(_DocumentAdmin):
    list_display = ["reference", "point", "status", "total", "created_at"]
    list_filter = ["status"]
    list_select_related = ["point"]
