"""Administrative dossiers in the Django admin (administrators only, in their scope): the
agencies and their procedures are set up here (checked, audited, never deleted: a retired
one is made inactive); dossiers, their steps, hand-overs and fee settlements are read-only
(they change only through the counter and the services, with their ledger entries)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buudien.core.audit import audit_record
from buudien.core.text import fold
from buudien.dossiers import agency_api, selectors
from buudien.dossiers.models import (
    Agency,
    AgencyToken,
    Dossier,
    DossierStep,
    FeeSettlement,
    Handover,
    Procedure,
)
from buudien.people import access
from buudien.people.admin_scope import ProvinceAdmin, ReadOnlyAdmin, province_of

MAX_DOCUMENTS = 30
MAX_COPIES = 20


def documents_clean(value: Any) -> list[dict[str, Any]]:
    """The required documents of a procedure: a list of ``{"name": text, "original": true or
    false, "copies": 1 to 20}``; refused with the number of the first wrong one."""
    if not isinstance(value, list):
        raise forms.ValidationError(_("The documents are a list: [{...}, {...}]."))
    if len(value) > MAX_DOCUMENTS:
        raise forms.ValidationError(
            _("A procedure has at most %(max)s documents.") % {"max": MAX_DOCUMENTS}
        )
    cleaned = []
    for index, doc in enumerate(value, start=1):
        name = doc.get("name") if isinstance(doc, dict) else None
        original = doc.get("original", True) if isinstance(doc, dict) else None
        copies = doc.get("copies", 1) if isinstance(doc, dict) else None
        if (
            not isinstance(doc, dict)
            or set(doc) - {"name", "original", "copies"}
            or not isinstance(name, str)
            or not name.strip()
            or len(name.strip()) > 200
            or not isinstance(original, bool)
            or isinstance(copies, bool)
            or not isinstance(copies, int)
            or not 1 <= copies <= MAX_COPIES
        ):
            raise forms.ValidationError(
                _(
                    'Document %(n)s: give {"name": its name, "original": true or false, '
                    '"copies": 1 to %(max)s}.'
                )
                % {"n": index, "max": MAX_COPIES}
            )
        cleaned.append({"name": " ".join(name.split()), "original": original, "copies": copies})
    return cleaned


class AgencyAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Agency
        fields = [
            "province_code",
            "code",
            "name",
            "kind",
            "handover_point",
            "address",
            "contact_name",
            "contact_phone",
            "is_active",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        province = data.get("province_code") or self.instance.province_code
        point = data.get("handover_point")
        if point is not None and province and point.province_code != province:
            self.add_error("handover_point", _("Choose a post office of the agency's province."))
        return data


@admin.register(Agency)
class AgencyAdmin(ProvinceAdmin):
    form = AgencyAdminForm
    audit_app = "dossiers"
    audit_action = "agency"
    point_choices = ("handover_point",)
    list_display = ["code", "name", "kind", "handover_point", "contact_phone", "is_active"]
    list_filter = ["province_code", "kind", "is_active"]
    search_fields = ["code", "name", "name_folded"]
    list_select_related = ["handover_point"]
    actions = ["issue_token"]

    @admin.action(description=_("Issue an API token for the agency's one-stop system"))
    def issue_token(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        """One token per agency chosen, shown once in the message (only its hash is kept)."""
        for agency in queryset:
            _row, key = agency_api.token_issue(
                actor=request.user, agency=agency, name=str(_("One-stop system"))
            )
            audit_record(actor=request.user, action="dossiers.agency_token", obj=agency)
            self.message_user(
                request,
                _("Token for %(agency)s (shown once, keep it safe): %(key)s")
                % {"agency": agency.name, "key": key},
                messages.WARNING,
            )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        text = search_term.strip()[:60]
        if not text:
            return queryset, False
        return queryset.filter(Q(code=text) | Q(name_folded__contains=fold(text))), False


class ProcedureAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    documents = forms.JSONField(
        label=_("required documents"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 90}),
        help_text=_(
            'One {"name": ..., "original": true or false, "copies": n} per document, e.g. '
            '[{"name": "Tờ khai", "original": true, "copies": 1}].'
        ),
    )
    agency_fee = forms.IntegerField(label=_("agency's fee (đồng)"), min_value=0)
    charge_receive = forms.IntegerField(label=_("charge to receive and send (đồng)"), min_value=0)
    charge_return = forms.IntegerField(label=_("charge to return the result (đồng)"), min_value=0)

    class Meta:
        model = Procedure
        fields = [
            "province_code",
            "agency",
            "code",
            "name",
            "documents",
            "agency_fee",
            "charge_receive",
            "charge_return",
            "processing_days",
            "is_active",
        ]

    def clean_documents(self) -> list[dict[str, Any]]:
        value = self.cleaned_data.get("documents")
        return documents_clean([] if value is None else value)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        province = data.get("province_code") or self.instance.province_code
        agency = data.get("agency")
        if agency is not None and province and agency.province_code != province:
            self.add_error("agency", _("Choose an agency of the procedure's province."))
        return data


@admin.register(Procedure)
class ProcedureAdmin(ProvinceAdmin):
    form = ProcedureAdminForm
    audit_app = "dossiers"
    audit_action = "procedure"
    province_choices = ("agency",)
    list_display = [
        "code",
        "name",
        "agency",
        "agency_fee",
        "charge_receive",
        "charge_return",
        "processing_days",
        "is_active",
    ]
    list_filter = ["province_code", "is_active", "agency"]
    search_fields = ["code", "name", "name_folded"]
    list_select_related = ["agency"]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        text = search_term.strip()[:60]
        if not text:
            return queryset, False
        return queryset.filter(Q(code=text) | Q(name_folded__contains=fold(text))), False


class _ReadOnly(ReadOnlyAdmin):
    list_per_page = 100
    show_full_result_count = False


class DossierStepInline(admin.TabularInline):  # type: ignore[type-arg]
    model = DossierStep
    fields = ["kind", "at", "point", "actor", "note"]
    readonly_fields = ["kind", "at", "point", "actor", "note"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Dossier)
class DossierAdmin(_ReadOnly):
    list_display = [
        "reference",
        "procedure",
        "applicant_name",
        "citizen_id",
        "point",
        "status",
        "due_date",
        "agency_fee",
        "charge",
        "created_at",
    ]
    list_filter = ["status", "mode", "agency"]
    search_fields = ["reference", "citizen_id", "applicant_folded"]
    date_hierarchy = "business_date"
    inlines = [DossierStepInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return selectors.dossiers_visible(request.user)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        """A dossier code, a citizen ID, or a name typed with or without its diacritics."""
        text = search_term.strip()[:60]
        if not text:
            return queryset, False
        found = Q(reference=text.upper()[:24]) | Q(citizen_id=text[:12])
        return queryset.filter(found | Q(applicant_folded__contains=fold(text))), False


@admin.register(DossierStep)
class DossierStepAdmin(_ReadOnly):
    list_display = ["dossier", "kind", "at", "point", "actor", "note"]
    list_filter = ["kind"]
    search_fields = ["dossier__reference", "dossier__citizen_id", "dossier__applicant_folded"]
    list_select_related = ["dossier", "point", "actor"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        steps = super().get_queryset(request)
        return access.visible(request.user, steps, "dossier__point__unit_path")

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        text = search_term.strip()[:60]
        if not text:
            return queryset, False
        found = Q(dossier__reference=text.upper()[:24]) | Q(dossier__citizen_id=text[:12])
        return queryset.filter(found | Q(dossier__applicant_folded__contains=fold(text))), False


@admin.register(Handover)
class HandoverAdmin(_ReadOnly):
    list_display = [
        "number",
        "direction",
        "agency",
        "point",
        "count",
        "created_at",
        "receiver_name",
        "confirmed_at",
    ]
    list_filter = ["direction", "agency"]
    search_fields = ["number", "dossiers_sent__reference", "dossiers_back__reference"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return selectors.handovers_visible(request.user)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        """A hand-over by its number, or by the code of a dossier it carried."""
        code = search_term.strip().upper()[:24]
        if not code:
            return queryset, False
        found = Q(number=code) | Q(dossiers_sent__reference=code) | Q(dossiers_back__reference=code)
        return queryset.filter(found), True


@admin.register(FeeSettlement)
class FeeSettlementAdmin(_ReadOnly):
    list_display = ["reference", "agency", "date_from", "date_to", "count", "total", "created_at"]
    list_filter = ["agency"]
    search_fields = ["reference"]
    list_select_related = ["agency"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        province = province_of(request)
        return queryset if province is None else queryset.filter(province_code=province)


@admin.register(AgencyToken)
class AgencyTokenAdmin(ReadOnlyAdmin):
    """The agencies' API tokens: read, and revoked (never shown again, never deleted)."""

    list_display = ["agency", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    list_select_related = ["agency"]
    actions = ["revoke"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        province = province_of(request)
        return queryset if province is None else queryset.filter(agency__province_code=province)

    @admin.action(description=_("Revoke the chosen tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for token in queryset.filter(revoked_at__isnull=True):
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(actor=request.user, action="dossiers.agency_token_revoke", obj=token)
