"""Forms of the mail pages: they parse and offer choices; the services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from buudien.counter.forms import CHOOSE, MoneyField, WholeField, new_token
from buudien.mail import selectors
from buudien.mail.acceptance.pricing import COD_ADDON, MAX_AMOUNT, MAX_SIDE_MM
from buudien.mail.choices import ItemStatus, Kt1Grade, Kt1Urgency, MailService
from buudien.network.choices import AdminAreaLevel, AdminAreaStructure
from buudien.network.models import AdminArea, ServicePoint
from buudien.people.choices import Role

MAX_WEIGHT_G = 1_000_000


def commune_label(commune: AdminArea, provinces: dict[tuple[str, str], str]) -> str:
    """ "Xã Chi Lăng · Tỉnh Lạng Sơn (06002)"; a legacy commune says so."""
    province = provinces.get((commune.structure, commune.province_code), "")
    text = f"{commune.name} · {province}" if province else commune.name
    text += f" ({commune.code})"
    if commune.structure == AdminAreaStructure.LEGACY:
        text += " · " + str(_("before 1 July 2025"))
    return text


def commune_options(communes: list[AdminArea]) -> list[tuple[Any, str]]:
    provinces = selectors.province_names()
    return [(commune.pk, commune_label(commune, provinces)) for commune in communes]


class CommuneField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Any commune of either structure; the widget offers only a few at a time (those of the
    province, or those a search found), since the whole country has over ten thousand."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            queryset=AdminArea.objects.filter(level=AdminAreaLevel.COMMUNE),
            widget=forms.Select(attrs={"data-testid": "commune-select"}),
            **kwargs,
        )

    def label_from_instance(self, obj: AdminArea) -> str:
        return f"{obj.name} ({obj.code})"


def offer_communes(form: forms.Form, name: str, province_code: str) -> None:
    """The commune select ``name`` of ``form`` offers the communes of the province and the
    one chosen, if any."""
    communes = selectors.commune_search(province_code=province_code, limit=500)
    chosen = str((form.data.get(form.add_prefix(name)) if form.is_bound else None) or "")
    if chosen.isdigit() and len(chosen) < 12 and all(str(c.pk) != chosen for c in communes):
        extra = AdminArea.objects.filter(pk=int(chosen), level=AdminAreaLevel.COMMUNE).first()
        if extra is not None:
            communes.insert(0, extra)
    form.fields[name].widget.choices = [("", "—"), *commune_options(communes)]


def _int(label: Any, *, minimum: int, maximum: int, required: bool = False) -> forms.IntegerField:
    return WholeField(label=label, required=required, min_value=minimum, max_value=maximum)


def _money(label: Any) -> MoneyField:
    return MoneyField(label=label, required=False, allow_zero=True, max_value=MAX_AMOUNT)


class _ItemFields(forms.Form):
    """What prices an item: service, destination, weight, size, value and add-ons."""

    service = forms.ChoiceField(label=_("Service"))
    recipient_commune = CommuneField(label=_("Recipient's commune"), required=False)
    weight_g = _int(_("Weight (g)"), minimum=1, maximum=MAX_WEIGHT_G, required=True)
    length_mm = _int(_("Length (mm)"), minimum=0, maximum=MAX_SIDE_MM)
    width_mm = _int(_("Width (mm)"), minimum=0, maximum=MAX_SIDE_MM)
    height_mm = _int(_("Height (mm)"), minimum=0, maximum=MAX_SIDE_MM)
    declared_value = _money(_("Declared value (đồng)"))
    addons = forms.MultipleChoiceField(
        label=_("Add-ons"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        *args: Any,
        services: list[str],
        day: dt.date,
        province_code: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.province_code = province_code
        labels = dict(MailService.choices)
        self.fields["service"].choices = [(s, labels[s]) for s in services]  # type: ignore[attr-defined]
        self.fields["addons"].choices = selectors.addon_choices(day=day, services=services)  # type: ignore[attr-defined]
        offer_communes(self, "recipient_commune", province_code)
        if "cod_amount" in self.fields:
            # Typing the amount ticks the COD box, unticking it clears the amount (buudien.js).
            self.fields["cod_amount"].widget.attrs["data-ticks"] = f"addons={COD_ADDON}"

    def dims(self) -> tuple[int, int, int]:
        data = self.cleaned_data
        return (data.get("length_mm") or 0, data.get("width_mm") or 0, data.get("height_mm") or 0)


class QuoteForm(_ItemFields):
    """The public price calculator: from a province to a commune (or a province)."""

    origin_province = forms.ChoiceField(label=_("Sent from (province)"))
    recipient_province = forms.ChoiceField(
        label=_("Or to the province"),
        required=False,
        help_text=_(
            "When you do not know the commune; the remote-commune surcharge is then left out."
        ),
    )
    cod_amount = _money(_("COD amount (đồng)"))

    field_order = [
        "service",
        "origin_province",
        "recipient_commune",
        "recipient_province",
        "weight_g",
        "length_mm",
        "width_mm",
        "height_mm",
        "declared_value",
        "cod_amount",
        "addons",
    ]

    def __init__(self, *args: Any, provinces: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        origin = str(self.data.get(self.add_prefix("origin_province")) or "")
        if origin.isdigit() and len(origin) == 2 and origin not in dict(provinces):
            # A point's own province code (one merged away in 2025) is still a place to price from.
            provinces = [*provinces, (origin, origin)]
        self.fields["origin_province"].choices = provinces  # type: ignore[attr-defined]
        self.fields["recipient_province"].choices = [("", "—"), *provinces]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("recipient_commune") and not data.get("recipient_province"):
            self.add_error("recipient_commune", _("Choose the recipient's commune or province."))
        return data


class AcceptForm(_ItemFields):
    """The counter's acceptance form. Its hidden ``token``, made when it is shown, is the
    acceptance's idempotency key: a form sent twice accepts one item."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    point = forms.ModelChoiceField(
        label=_("Service point"), queryset=ServicePoint.objects.none(), empty_label=CHOOSE
    )
    sender_name = forms.CharField(label=_("Sender"), max_length=200)
    sender_phone = forms.CharField(label=_("Sender's phone"), max_length=20, required=False)
    sender_address = forms.CharField(label=_("Sender's address"), max_length=300, required=False)
    recipient_name = forms.CharField(label=_("Recipient"), max_length=200)
    recipient_phone = forms.CharField(label=_("Recipient's phone"), max_length=20, required=False)
    recipient_address = forms.CharField(
        label=_("Recipient's address"),
        max_length=300,
        help_text=_("House number, street, hamlet or village."),
    )
    cod_amount = _money(_("COD amount (đồng)"))
    kt1_grade = forms.ChoiceField(
        label=_("Secrecy grade"), required=False, choices=[("", "—"), *Kt1Grade.choices]
    )
    kt1_urgency = forms.ChoiceField(label=_("Urgency"), required=False, choices=Kt1Urgency.choices)
    kt1_deadline = forms.DateTimeField(
        label=_("Deliver by"),
        required=False,
        input_formats=["%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    field_order = [
        "point",
        "service",
        "sender_name",
        "sender_phone",
        "sender_address",
        "recipient_name",
        "recipient_phone",
        "recipient_address",
        "recipient_commune",
        "weight_g",
        "length_mm",
        "width_mm",
        "height_mm",
        "declared_value",
        "cod_amount",
        "addons",
        "kt1_grade",
        "kt1_urgency",
        "kt1_deadline",
    ]
    kt1_fields = ("kt1_grade", "kt1_urgency", "kt1_deadline")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, services=selectors.services_acceptable_by(user), **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", new_token())
        points = selectors.points_for_acceptance(user=user, day=kwargs["day"])
        self.fields["point"].queryset = points  # type: ignore[attr-defined]
        if not self.is_bound and getattr(user, "role", "") == Role.KT1_OPERATOR:
            self.initial.setdefault("service", MailService.KT1)  # what a KT1 desk accepts
        self.fields["recipient_commune"].required = True
        if MailService.KT1 not in selectors.services_acceptable_by(user):
            for name in self.kt1_fields:
                del self.fields[name]

    def service_data(self) -> dict[str, Any]:
        """The cleaned data as the arguments of ``services.item_accept``."""
        data = dict(self.cleaned_data)
        data["idempotency_key"] = data.pop("token", "") or ""
        data.pop("length_mm", None), data.pop("width_mm", None), data.pop("height_mm", None)
        length, width, height = self.dims()
        data.update(length_mm=length, width_mm=width, height_mm=height)
        for name in ("declared_value", "cod_amount"):
            data[name] = data.get(name) or 0
        for name in ("kt1_grade", "kt1_urgency"):
            data[name] = data.get(name) or ""
        data.setdefault("kt1_deadline", None)
        return data


class ItemFilterForm(forms.Form):
    day = forms.DateField(
        label=_("Day"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    point = forms.CharField(
        label=_("Point code"), required=False, max_length=16, widget=forms.TextInput({"size": 8})
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *ItemStatus.choices]
    )
    service = forms.ChoiceField(
        label=_("Service"), required=False, choices=[("", _("All services")), *MailService.choices]
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("item number or name")}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not selectors.can_see_kt1(user):
            field: Any = self.fields["service"]
            field.choices = [c for c in field.choices if c[0] != MailService.KT1]
