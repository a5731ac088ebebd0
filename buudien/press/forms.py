"""Forms of the press pages. They only parse; the services decide and refuse (every problem
at once, each under its field)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from buudien.counter.forms import CHOOSE, CounterForm
from buudien.network.models import ServicePoint
from buudien.press import selectors
from buudien.press.choices import MissReason, PeriodKind, RecipientKind, SubscriberKind


class SubscriptionForm(CounterForm):
    # Not required here: the service refuses what is missing with every other problem.
    title = forms.ChoiceField(label=_("Press title"), required=False)
    period_kind = forms.ChoiceField(
        label=_("Subscription period"), choices=PeriodKind.choices, required=False
    )
    starts_on = forms.CharField(
        label=_("First month"),
        max_length=10,
        required=False,
        help_text=_("mm/yyyy or yyyy-mm; empty: next month."),
        widget=forms.TextInput(attrs={"type": "month"}),
    )
    copies = forms.CharField(
        label=_("Copies"),
        max_length=6,
        required=False,
        initial="1",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    subscriber_name = forms.CharField(label=_("Subscriber"), max_length=150, required=False)
    subscriber_kind = forms.ChoiceField(
        label=_("Subscriber kind"), choices=SubscriberKind.choices, required=False
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    address = forms.CharField(label=_("Delivery address"), max_length=300, required=False)
    delivery_point = forms.ChoiceField(label=_("Delivery point"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        province = selectors.province_of(user)
        titles = selectors.titles_for(province_code=province)
        field = self.fields["title"]
        field.choices = [("", str(CHOOSE)), *((t.code, str(t)) for t in titles)]  # type: ignore[attr-defined]
        field.widget.attrs["autofocus"] = True
        points = ServicePoint.objects.filter(province_code=province).order_by("code")
        own = getattr(user, "point", None)
        self.fields["delivery_point"].choices = [  # type: ignore[attr-defined]
            ("", str(_("The counter's own point"))),
            *((p.code, f"{p.code} · {p.name}") for p in points),
        ]
        if own is not None and not self.is_bound:
            self.initial.setdefault("delivery_point", own.code)
        self.order_fields(["title"])

    def clean_starts_on(self) -> str:
        """``mm/yyyy`` typed as printed on the forms becomes ``yyyy-mm``."""
        text = str(self.cleaned_data.get("starts_on") or "").strip()
        month, _slash, year = text.partition("/")
        if _slash and month.isdigit() and year.isdigit() and len(year) == 4:
            return f"{year}-{int(month):02d}"
        return text


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autofocus": True, "autocomplete": "off"}),
    )
    placeholder = _("Reference, phone, title or name")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = self.placeholder

    @classmethod
    def asked(cls, request: Any) -> tuple[SearchForm, str]:
        """The form of the request's ``?q=`` and the text searched ("" when none)."""
        form = cls(request.GET or None)
        return form, (form.cleaned_data.get("q", "") if form.is_valid() else "")


class RecipientSearchForm(SearchForm):
    placeholder = _("Recipient or commune, diacritics optional")


class DayForm(forms.Form):
    day = forms.DateField(
        label=_("Issue date"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date", "autofocus": True}, format="%Y-%m-%d"),
    )


def _numeric(**attrs: Any) -> forms.TextInput:
    return forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", **attrs})


class ReceiveForm(forms.Form):
    """An issue received at the centre. The title and the day come from the page; the
    service refuses every problem at once."""

    title = forms.CharField(max_length=32, required=False, widget=forms.HiddenInput)
    issue_date = forms.CharField(max_length=10, required=False, widget=forms.HiddenInput)
    received = forms.CharField(
        label=_("Copies counted"), max_length=9, required=False, widget=_numeric(size=6)
    )
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)

    def clean_issue_date(self) -> Any:
        """The day as a date; what is not one goes to the service as typed (it says so)."""
        text = str(self.cleaned_data.get("issue_date") or "").strip()
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return text


class ReturnForm(forms.Form):
    copies = forms.CharField(
        label=_("Unsold copies returned"), max_length=9, required=False, widget=_numeric(size=5)
    )


class CountForm(forms.Form):
    received = forms.CharField(
        label=_("Copies counted"), max_length=9, required=False, widget=_numeric(size=5)
    )


class MissForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why not"), choices=[("", CHOOSE), *MissReason.choices], required=False
    )
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)


class RoundForm(DayForm):
    """A round's day, and its point for an administrator."""

    point = forms.CharField(label=_("Delivery point"), max_length=16, required=False)


class RecipientForm(forms.Form):
    """A recipient added to a programme by an administrator."""

    commune = forms.ChoiceField(label=_("Commune"), required=False)
    name = forms.CharField(label=_("Recipient"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Recipient kind"), choices=RecipientKind.choices)
    delivery_point = forms.ChoiceField(label=_("Delivery point"), required=False)
    copies = forms.CharField(
        label=_("Copies"), max_length=6, required=False, initial="1", widget=_numeric(size=4)
    )

    def __init__(self, *args: Any, province_code: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        communes = selectors.communes_of(province_code=province_code)
        self.fields["commune"].choices = [  # type: ignore[attr-defined]
            ("", str(CHOOSE)),
            *((c.code, c.name) for c in communes),
        ]
        points = ServicePoint.objects.filter(province_code=province_code).order_by("code")
        self.fields["delivery_point"].choices = [  # type: ignore[attr-defined]
            ("", str(CHOOSE)),
            *((p.code, f"{p.code} · {p.name}") for p in points),
        ]
