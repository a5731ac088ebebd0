"""Forms only parse and offer choices in the user's scope; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from buudien.core.catalogue import Service
from buudien.counter.forms import CHOOSE
from buudien.network.choices import AdminAreaLevel, AdminAreaStructure, PointKind, UnitKind
from buudien.network.models import AdminArea, ServicePoint, Unit
from buudien.network.selectors import unit_list


class VnDateInput(forms.DateInput):
    input_type = "text"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "size": 10})


def _date_field(label: Any, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=VnDateInput(),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
    )


class CommuneChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: AdminArea) -> str:
        return f"{obj.name} ({obj.code})"


def _communes(user: Any, structure: str) -> Any:
    provinces = set(
        unit_list(user=user).exclude(province_code="").values_list("province_code", flat=True)
    )
    communes = AdminArea.objects.filter(structure=structure, level=AdminAreaLevel.COMMUNE)
    if not user.is_superuser:
        communes = communes.filter(province_code__in=provinces)
    return communes.order_by("name_folded")


class UnitForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices)
    parent = forms.ModelChoiceField(
        label=_("Parent unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=CHOOSE,
    )
    province_code = forms.CharField(
        label=_("Province code"),
        max_length=2,
        required=False,
        help_text=_("Two digits (GSO); empty for the corporation."),
    )
    valid_from = _date_field(_("Valid from"))
    valid_to = _date_field(_("Valid to"))

    def __init__(self, *args: Any, user: Any, unit: Unit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parents = unit_list(user=user)
        if unit is not None:
            parents = parents.exclude(path__startswith=unit.path)
            self.fields["code"].disabled = True
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]


class PointForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=16)
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=PointKind.choices)
    multi_service = forms.BooleanField(label=_("Multi-service"), required=False)
    cashless = forms.BooleanField(label=_("Takes cashless payments"), required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), empty_label=CHOOSE)
    commune = CommuneChoiceField(
        label=_("Commune (structure since 1 July 2025)"),
        queryset=AdminArea.objects.none(),
        required=False,
        help_text=_("Leave empty for a point that closed before 1 July 2025."),
    )
    commune_legacy = CommuneChoiceField(
        label=_("Commune (structure before 1 July 2025)"),
        queryset=AdminArea.objects.none(),
        required=False,
        help_text=_("Filled from the succession of communes when left empty."),
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    opened_on = _date_field(_("Opened on"), required=True)
    closed_on = _date_field(_("Closed on"))
    services = forms.MultipleChoiceField(
        label=_("Services offered"),
        choices=Service.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, user: Any, point: ServicePoint | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_list(user=user)  # type: ignore[attr-defined]
        self.fields["commune"].queryset = _communes(  # type: ignore[attr-defined]
            user, AdminAreaStructure.V2025
        )
        self.fields["commune_legacy"].queryset = _communes(  # type: ignore[attr-defined]
            user, AdminAreaStructure.LEGACY
        )
        if point is not None:
            self.fields["code"].disabled = True

    @staticmethod
    def initial_for(point: ServicePoint) -> dict[str, Any]:
        return {
            "code": point.code,
            "name": point.name,
            "kind": point.kind,
            "multi_service": point.multi_service,
            "cashless": point.cashless,
            "unit": point.unit,
            "commune": point.commune,
            "commune_legacy": point.commune_legacy,
            "address": point.address,
            "phone": point.phone,
            "opened_on": point.opened_on,
            "closed_on": point.closed_on,
            "services": [o.service for o in point.offers.all()],
        }


class PointFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("name, code or commune"), "type": "search"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *PointKind.choices]
    )
    unit = forms.CharField(
        label=_("Unit code"), required=False, widget=forms.TextInput(attrs={"size": 10})
    )
    service = forms.ChoiceField(
        label=_("Service"), required=False, choices=[("", _("All services")), *Service.choices]
    )
    multi_service = forms.NullBooleanField(
        label=_("Multi-service"),
        required=False,
        widget=forms.Select(choices=[("", "—"), ("true", _("Yes")), ("false", _("No"))]),
    )
    cashless = forms.NullBooleanField(
        label=_("Cashless"),
        required=False,
        widget=forms.Select(choices=[("", "—"), ("true", _("Yes")), ("false", _("No"))]),
    )
    active_on = _date_field(_("Active on"))
    include_closed = forms.BooleanField(label=_("Include closed points"), required=False)


class CoverageForm(forms.Form):
    province = forms.ChoiceField(label=_("Province"))
    on = _date_field(_("Date"))

    def __init__(self, *args: Any, provinces: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = provinces  # type: ignore[attr-defined]
