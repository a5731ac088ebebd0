"""The admin of telecom: the operators of a province are set up here (audited, never
deleted); the sales and the batches of codes are read only. A card's secret code is never
shown here: a code appears masked, and only its serial and status are listed."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from buudien.people.admin_scope import ProvinceAdmin, ReadOnlyAdmin, province_of
from buudien.telecom.models import Operator, Pin, PinBatch, PinSale, Topup


@admin.register(Operator)
class OperatorAdmin(ProvinceAdmin):
    audit_app = "telecom"
    audit_action = "operator_save"
    list_display = ("code", "name", "prefixes", "topup_commission_bp", "pin_commission_bp")
    list_filter = ("is_active",)
    fields = (
        "province_code",
        "code",
        "name",
        "prefixes",
        "topup_commission_bp",
        "pin_commission_bp",
        "is_active",
    )


class _ProvinceReadOnly(ReadOnlyAdmin):
    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        rows = super().get_queryset(request)
        province = province_of(request)
        return rows if province is None else rows.filter(province_code=province)


@admin.register(Topup)
class TopupAdmin(_ProvinceReadOnly):
    list_display = ("reference", "business_date", "point", "operator", "phone", "amount")
    list_filter = ("operator",)
    search_fields = ("reference", "phone")
    exclude = ("fingerprint",)


@admin.register(PinSale)
class PinSaleAdmin(_ProvinceReadOnly):
    list_display = ("reference", "business_date", "point", "operator", "face_value", "quantity")
    list_filter = ("operator",)
    search_fields = ("reference",)
    exclude = ("fingerprint",)


@admin.register(PinBatch)
class PinBatchAdmin(_ProvinceReadOnly):
    list_display = ("received_at", "operator", "count", "total", "file_name")


@admin.register(Pin)
class PinAdmin(_ProvinceReadOnly):
    list_display = ("serial", "operator", "face_value", "status", "masked_code", "sale")
    list_filter = ("operator", "status", "face_value")
    search_fields = ("serial",)
    fields = ("operator", "face_value", "serial", "masked_code", "status", "sale", "shown_at")
    readonly_fields = fields

    @admin.display(description=_("secret code"))
    def masked_code(self, pin: Pin) -> str:
        return pin.masked
