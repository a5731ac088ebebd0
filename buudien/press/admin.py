"""The press in the Django admin (administrators only, in their province): publishers,
titles, their subscription prices and the public-press programmes are set up here (audited,
never deleted: a title no longer distributed is made inactive); subscriptions are read-only
(they change only through the services, with their ledger entries), and so are the daily
work's records: the issues received, their allocation lines and the deliveries (made and
confirmed only through ``press.work``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from buudien.people import access
from buudien.people.admin_scope import ProvinceAdmin, ReadOnlyAdmin, province_of
from buudien.press.models import (
    IssueAllocation,
    PressDelivery,
    PressIssue,
    Programme,
    ProgrammeSettlement,
    Publisher,
    PublisherSettlement,
    Subscription,
    Title,
    TitlePrice,
)


class PublisherForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Publisher
        fields = ["province_code", "code", "name", "bank", "is_active"]

    def clean_code(self) -> str:
        """The ledger's partner slugs are lowercase (``3388.partner.nxb-<code>``)."""
        return str(self.cleaned_data.get("code") or "").strip().lower()

    def clean_bank(self) -> str:
        """The short code of a bank account in the ledger (``1121.<bank>``), lowercase."""
        return str(self.cleaned_data.get("bank") or "").strip().lower()


@admin.register(Publisher)
class PublisherAdmin(ProvinceAdmin):
    form = PublisherForm
    audit_app = "press"
    audit_action = "publisher"
    list_display = ["code", "name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]


class TitleForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Title
        fields = [
            "province_code",
            "code",
            "name",
            "publisher",
            "periodicity",
            "weekdays",
            "month_days",
            "issue_price",
            "margin_bp",
            "is_active",
        ]

    def clean_code(self) -> str:
        return str(self.cleaned_data.get("code") or "").strip().upper()

    def clean_weekdays(self) -> str:
        text = str(self.cleaned_data.get("weekdays") or "").strip()
        if any(ch not in "1234567" for ch in text):
            raise forms.ValidationError(Title._meta.get_field("weekdays").help_text)
        return "".join(sorted(set(text)))

    def clean_month_days(self) -> str:
        parts = [p.strip() for p in str(self.cleaned_data.get("month_days") or "").split(",")]
        days = [p for p in parts if p]
        if any(not d.isdigit() or not 1 <= int(d) <= 31 for d in days):
            raise forms.ValidationError(Title._meta.get_field("month_days").help_text)
        return ",".join(str(n) for n in sorted({int(d) for d in days}))


@admin.register(Title)
class TitleAdmin(ProvinceAdmin):
    form = TitleForm
    audit_app = "press"
    audit_action = "title"
    list_display = ["code", "name", "publisher", "periodicity", "weekdays", "issue_price"]
    list_filter = ["periodicity", "publisher", "is_active"]
    search_fields = ["code", "name"]
    list_select_related = ["publisher"]
    province_choices = ("publisher",)


@admin.register(TitlePrice)
class TitlePriceAdmin(ProvinceAdmin):
    audit_app = "press"
    audit_action = "title_price"
    frozen = ("province_code", "title", "period_kind", "valid_from")
    fields = ["province_code", "title", "period_kind", "price", "valid_from"]
    list_display = ["title", "period_kind", "price", "valid_from"]
    list_filter = ["period_kind"]
    list_select_related = ["title"]
    province_choices = ("title",)


@admin.register(Programme)
class ProgrammeAdmin(ProvinceAdmin):
    audit_app = "press"
    audit_action = "programme"
    frozen = ("province_code", "code", "year")
    fields = [
        "province_code",
        "code",
        "year",
        "name",
        "ordering_agency",
        "funding_decision",
        "fee_per_copy",
        "titles",
        "is_active",
    ]
    list_display = ["code", "year", "name", "ordering_agency", "is_active"]
    list_filter = ["year", "is_active"]
    search_fields = ["code", "name"]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        province = province_of(request)
        if db_field.name == "titles" and province is not None:
            kwargs["queryset"] = Title.objects.filter(province_code=province)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = [
        "reference",
        "point",
        "title",
        "subscriber_name",
        "copies",
        "starts_on",
        "ends_on",
        "total",
        "business_date",
    ]
    list_filter = ["period_kind", "subscriber_kind"]
    list_select_related = ["point", "title"]
    list_per_page = 100
    show_full_result_count = False
    date_hierarchy = "business_date"
    search_fields = ["reference"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return access.visible(request.user, super().get_queryset(request), "point__unit_path")


# --- the settlements (press.settlements): read-only, made only through the services ------


class _SettlementAdmin(ReadOnlyAdmin):
    search_fields = ["reference"]
    date_hierarchy = "created_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        province = province_of(request)
        return queryset if province is None else queryset.filter(province_code=province)


@admin.register(PublisherSettlement)
class PublisherSettlementAdmin(_SettlementAdmin):
    list_display = ["reference", "publisher", "date_from", "date_to", "count", "amount", "bank"]
    list_filter = ["publisher"]
    list_select_related = ["publisher"]


@admin.register(ProgrammeSettlement)
class ProgrammeSettlementAdmin(_SettlementAdmin):
    list_display = ["reference", "programme", "date_from", "date_to", "copies", "amount"]
    list_filter = ["programme"]
    list_select_related = ["programme"]


@admin.register(PressIssue)
class PressIssueAdmin(ReadOnlyAdmin):
    list_display = [
        "issue_date",
        "title",
        "expected",
        "received",
        "returned",
        "received_at",
        "dispatched_at",
    ]
    list_select_related = ["title"]
    list_per_page = 100
    show_full_result_count = False
    date_hierarchy = "issue_date"
    search_fields = ["title__code"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        province = province_of(request)
        rows = super().get_queryset(request)
        return rows if province is None else rows.filter(province_code=province)


@admin.register(IssueAllocation)
class IssueAllocationAdmin(ReadOnlyAdmin):
    list_display = ["issue", "point", "subscribed", "public", "received", "received_at"]
    list_select_related = ["issue__title", "point"]
    list_per_page = 100
    show_full_result_count = False
    search_fields = ["point__code", "issue__title__code"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return access.visible(request.user, super().get_queryset(request), "point__unit_path")


@admin.register(PressDelivery)
class PressDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "issue_date",
        "title",
        "point",
        "name",
        "copies",
        "status",
        "reason",
        "confirmed_at",
        "on_time",
    ]
    list_filter = ["status", "reason", "on_time"]
    list_select_related = ["title", "point"]
    list_per_page = 100
    show_full_result_count = False
    date_hierarchy = "issue_date"
    search_fields = ["name", "point__code"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return access.visible(request.user, super().get_queryset(request), "point__unit_path")
