"""The ledger in the admin: read-only for everyone (postings go through the ledger's
services, corrections are reversals), shown to administrators only, in their scope."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from buudien.finance import selectors
from buudien.finance.models import (
    Account,
    BudgetPayment,
    BusinessDay,
    DailyBalance,
    Entry,
    Transfer,
)
from buudien.finance.selectors import account_scope_q
from buudien.people.admin_scope import PerProvinceMixin, ReadOnlyAdmin


class _ReadOnly(ReadOnlyAdmin):
    show_full_result_count = False
    list_per_page = 100


class _PerProvince(PerProvinceMixin, _ReadOnly):
    """The rows of the provinces in the user's scope only."""


def _kt1_references(prefix: str = "") -> Q:
    """The references of a KT1 item's entries: its id now, its number in those before."""
    field = f"{prefix}reference__startswith"
    return Q(**{field: "kt1:"}) | Q(**{field: "item:KT"})


class _NoKt1(_PerProvince):
    """Outside the KT1 role, the entries of KT1 items are not listed, searched or opened."""

    kt1_prefix = ""  # the path to the entry's reference

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if selectors.kt1_visible(request.user):
            return queryset
        return queryset.exclude(_kt1_references(self.kt1_prefix))


@admin.register(Account)
class AccountAdmin(_ReadOnly):
    list_display = ["code", "name", "kind", "province_code", "balance", "allow_negative"]
    list_filter = ["province_code", "kind"]
    search_fields = ["code", "name"]
    list_select_related = ["point", "unit"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).filter(account_scope_q(request.user))


@admin.register(Entry)
class EntryAdmin(_NoKt1):
    list_display = ["id", "province_code", "kind", "business_date", "reference", "late_for"]
    list_filter = ["province_code", "kind", "business_date"]
    search_fields = ["reference", "idempotency_key"]
    date_hierarchy = "business_date"


@admin.register(Transfer)
class TransferAdmin(_NoKt1):
    kt1_prefix = "entry__"
    list_display = ["id", "entry", "debit", "credit", "amount", "service", "business_date"]
    list_filter = ["province_code", "business_date"]
    list_select_related = ["entry", "debit", "credit"]


@admin.register(BusinessDay)
class BusinessDayAdmin(_PerProvince):
    list_display = ["province_code", "date", "closed_at", "closed_by"]
    list_filter = ["province_code"]


@admin.register(DailyBalance)
class DailyBalanceAdmin(_PerProvince):
    list_display = ["province_code", "date", "account", "debit_total", "credit_total"]
    list_filter = ["province_code", "date"]
    list_select_related = ["account"]


@admin.register(BudgetPayment)
class BudgetPaymentAdmin(_PerProvince):
    list_display = ["paid_on", "province_code", "tax", "level", "amount", "treasury_reference"]
    list_filter = ["province_code", "tax", "level"]
    search_fields = ["treasury_reference"]
    date_hierarchy = "paid_on"
