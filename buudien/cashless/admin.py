"""Cashless payment in the Django admin, for administrators only, each in the provinces of
their scope: the receiving bank accounts and the points that take cashless payments are kept
here; requests and statement lines change through their services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from buudien.cashless.models import BankAccount, CashlessPoint, PaymentRequest, StatementLine
from buudien.people.admin_scope import PerProvinceMixin, ReadOnlyAdmin, RoleGatedMixin


@admin.register(BankAccount)
class BankAccountAdmin(PerProvinceMixin, RoleGatedMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "province_code",
        "bank_name",
        "bank_bin",
        "account_number",
        "ledger_slug",
        "active",
    )
    list_filter = ("province_code", "active")


@admin.register(PaymentRequest)
class PaymentRequestAdmin(PerProvinceMixin, ReadOnlyAdmin):
    """Read only: requests change through their services (confirm, cancel) only."""

    list_display = ("code", "province_code", "point", "kind", "amount", "status", "created_at")
    list_filter = ("province_code", "status", "kind")
    search_fields = ("code", "reference", "bank_reference")
    raw_id_fields = ("point", "entry", "created_by", "confirmed_by", "cancelled_by")


@admin.register(StatementLine)
class StatementLineAdmin(PerProvinceMixin, RoleGatedMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("bank_reference", "province_code", "date", "amount", "status", "request")
    list_filter = ("province_code", "status")
    search_fields = ("bank_reference", "description")
    raw_id_fields = ("request", "imported_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CashlessPoint)
class CashlessPointAdmin(PerProvinceMixin, RoleGatedMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("point", "province_code", "since")
    list_filter = ("province_code",)
    raw_id_fields = ("point", "first_request")
