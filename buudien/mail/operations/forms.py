"""Forms of the mail operations pages. They parse and bound what a person types; the rules
live in ``operations.services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from buudien.core.forms import DateRangeForm
from buudien.counter.forms import CHOOSE, MoneyField, date_field
from buudien.mail.choices import FailureAction, FailureReason, ItemStatus, MailService
from buudien.mail.operations.choices import BagStatus
from buudien.mail.operations.services import MAX_SCANS, NAME_MAX, NOTE_MAX, SIGNATURE_MAX
from buudien.network.models import ServicePoint
from buudien.people.models import User

MAX_AMOUNT = 10**12


def _blank(choices: Any, label: Any = "—") -> list[tuple[str, Any]]:
    return [("", label), *choices]


class PointChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} · {obj.name}"


class BagOpenForm(forms.Form):
    origin = PointChoiceField(
        label=pgettext_lazy("place", "From"), queryset=ServicePoint.objects.none()
    )
    destination = PointChoiceField(
        label=pgettext_lazy("place", "To"), queryset=ServicePoint.objects.none()
    )

    def __init__(
        self,
        *args: Any,
        origins: QuerySet[ServicePoint],
        destinations: QuerySet[ServicePoint],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["origin"].queryset = origins  # type: ignore[attr-defined]
        self.fields["destination"].queryset = destinations  # type: ignore[attr-defined]


class BagFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_blank(BagStatus.choices, _("All"))
    )


class ScanForm(forms.Form):
    s10 = forms.CharField(
        label=_("Item number"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "placeholder": "RR123456785VN"}
        ),
    )


class BagOpeningForm(forms.Form):
    scanned = forms.CharField(
        label=_("Item numbers scanned out of the bag"),
        required=False,
        max_length=MAX_SCANS * 16,
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": _("One number per line")}),
        help_text=_("Scan every item taken out of the bag, one per line."),
    )

    def numbers(self) -> list[str]:
        text: str = self.cleaned_data.get("scanned") or ""
        return [part for part in text.replace(",", " ").split() if part]


class RoundStartForm(forms.Form):
    postman = forms.ModelChoiceField(
        label=_("Postman"), queryset=User.objects.none(), empty_label=CHOOSE
    )
    items = forms.MultipleChoiceField(
        label=_("Items to take out"), widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(
        self,
        *args: Any,
        postmen: QuerySet[User],
        items: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["postman"].queryset = postmen  # type: ignore[attr-defined]
        self.fields["items"].choices = items  # type: ignore[attr-defined]


class DeliverForm(forms.Form):
    recipient_name = forms.CharField(label=_("Received by"), max_length=NAME_MAX)
    cod_collected = MoneyField(
        label=_("Cash collected (đồng)"), allow_zero=True, max_value=MAX_AMOUNT, initial=0
    )
    signature = forms.CharField(
        required=False, max_length=SIGNATURE_MAX, widget=forms.HiddenInput()
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png", "capture": "environment"}
        ),
    )


class FailForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why"), choices=_blank(FailureReason.choices))
    action = forms.ChoiceField(label=_("What now"), choices=_blank(FailureAction.choices))
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX, required=False)


class HandoverForm(forms.Form):
    to_user = forms.ModelChoiceField(
        label=_("Hand over to"), queryset=User.objects.none(), empty_label=CHOOSE
    )
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX, required=False)

    def __init__(self, *args: Any, receivers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = receivers  # type: ignore[attr-defined]


class SupervisorFilterForm(forms.Form):
    q = forms.CharField(label=_("Item number"), required=False, max_length=40)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_blank(ItemStatus.choices, _("All"))
    )
    office = forms.CharField(label=_("Office code"), required=False, max_length=16)
    service = forms.ChoiceField(
        label=_("Service"), required=False, choices=_blank(MailService.choices, _("All"))
    )
    date_from = forms.DateField(
        label=_("Accepted from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Accepted to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


class CountsForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))


class RegisterForm(DateRangeForm):
    """The days of the KT1 hand-over register (today when none is given)."""

    date_from = date_field(pgettext_lazy("date range", "From"))
    date_to = date_field(pgettext_lazy("date range", "To"))
