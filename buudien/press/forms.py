"""Forms of the press pages. They only parse; the services decide and refuse (every problem
at once, each under its field)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from buudien.counter.forms import CHOOSE, CounterForm
from buudien.network.models import ServicePoint
from buudien.press import selectors
from buudien.press.choices import PeriodKind, SubscriberKind


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
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autofocus": True,
                "autocomplete": "off",
                "placeholder": _("Reference, phone, title or name"),
            }
        ),
    )


class DayForm(forms.Form):
    day = forms.DateField(
        label=_("Issue date"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date", "autofocus": True}, format="%Y-%m-%d"),
    )
