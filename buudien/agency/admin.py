"""The agency in the admin, for administrators only: the rates of their province (editable:
a change takes effect from its ``valid_from``), the operations read-only (they are changed
only through the services, with their ledger entries)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from buudien.agency.models import (
    AgencyRate,
    LoanReferral,
    LoanRepayment,
    PaymentAccount,
    Remittance,
    SavingsBook,
    SavingsTransaction,
)
from buudien.people import access
from buudien.people.admin_scope import ReadOnlyAdmin, RoleGatedMixin


def _province_of(request: HttpRequest) -> str | None:
    """The province of an administrator's unit; None for the whole country."""
    user: Any = request.user
    if user.is_superuser:
        return None
    unit = getattr(user, "unit", None)
    return (unit.province_code if unit is not None else "") or None


@admin.register(AgencyRate)
class AgencyRateAdmin(RoleGatedMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "province_code",
        "service",
        "partner",
        "valid_from",
        "rate_bp",
        "fixed",
        "minimum",
        "maximum",
        "vat_rate_bp",
    ]
    list_filter = ["province_code", "service", "partner"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        province = _province_of(request)
        return queryset if province is None else queryset.filter(province_code=province)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a rate is replaced by a newer one, so past operations stay explained


class _ReadOnly(ReadOnlyAdmin):
    list_per_page = 100
    show_full_result_count = False
    list_select_related = ["point"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return access.visible(request.user, super().get_queryset(request), "point__unit_path")


@admin.register(SavingsBook)
class SavingsBookAdmin(_ReadOnly):
    list_display = ["number", "holder_name", "term_months", "point", "opened_on", "balance"]
    search_fields = ["number", "holder_folded", "citizen_id"]


@admin.register(SavingsTransaction)
class SavingsTransactionAdmin(_ReadOnly):
    list_display = ["reference", "kind", "book", "point", "business_date", "amount"]
    list_filter = ["kind", "business_date"]
    search_fields = ["reference"]
    list_select_related = ["point", "book"]


@admin.register(LoanRepayment)
class LoanRepaymentAdmin(_ReadOnly):
    list_display = ["reference", "contract_number", "borrower_name", "point", "amount"]
    search_fields = ["reference", "contract_number"]


@admin.register(LoanReferral)
class LoanReferralAdmin(_ReadOnly):
    list_display = ["reference", "applicant_name", "point", "business_date", "amount_requested"]
    search_fields = ["reference"]


@admin.register(PaymentAccount)
class PaymentAccountAdmin(_ReadOnly):
    list_display = ["reference", "partner", "account_number", "point", "business_date"]
    list_filter = ["partner", "channel"]
    search_fields = ["reference", "account_number"]


@admin.register(Remittance)
class RemittanceAdmin(_ReadOnly):
    list_display = ["reference", "status", "point", "destination_point", "amount", "paid_date"]
    list_filter = ["status"]
    search_fields = ["reference", "paid_reference"]
    exclude = ["secret_hash"]
