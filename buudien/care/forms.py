"""Forms of the customer care pages. They only parse: the services check every rule and
refuse every problem at once, so nothing is required here and each refusal comes back next
to its field (the page marks with * what the service asks for)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from buudien.care.choices import Channel, Ground, Outcome, RequestKind, Status, Subject
from buudien.care.selectors import DUE_SOON, OVERDUE
from buudien.care.services import can_handle
from buudien.core.bizdays import local_today
from buudien.counter.forms import CHOOSE
from buudien.network.models import Unit
from buudien.people import access
from buudien.people.models import User


def _choices(choices: Any) -> list[tuple[str, Any]]:
    return [("", CHOOSE), *choices]


class RequestFilterForm(forms.Form):
    q = forms.CharField(label=_("Code, phone or name"), max_length=60, required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    due = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[
            ("", "—"),
            (DUE_SOON, _("Due within 7 days")),
            (OVERDUE, pgettext_lazy("care", "Overdue")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "—"), *Status.choices]  # type: ignore[attr-defined]
        self.fields["kind"].choices = [("", "—"), *RequestKind.choices]  # type: ignore[attr-defined]
        self.fields["channel"].choices = [("", "—"), *Channel.choices]  # type: ignore[attr-defined]


class _CustomerForm(forms.Form):
    """What a customer says, the same on the staff's form and the public one."""

    kind = forms.ChoiceField(
        label=_("Kind of request"), choices=_choices(RequestKind.choices), required=False
    )
    ground = forms.ChoiceField(
        label=_("What the complaint is about"),
        choices=_choices(Ground.choices),
        required=False,
        help_text=_("For a complaint only."),
    )
    s10 = forms.CharField(
        label=_("Mail item number"),
        max_length=20,
        required=False,
        help_text=_("The 13 characters on the receipt, e.g. RR123456785VN."),
    )
    customer_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    customer_phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    customer_email = forms.CharField(label=_("Email"), max_length=300, required=False)
    description = forms.CharField(
        label=_("What happened"),
        max_length=5_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if data.get("s10") and not data.get("subject"):
            data["subject"] = Subject.ITEM
        return data


class LodgeForm(_CustomerForm):
    """A request taken on the hotline or at the counter: where it came from first."""

    channel = forms.ChoiceField(
        label=_("Received through"),
        choices=[
            (Channel.HOTLINE.value, Channel.HOTLINE.label),
            (Channel.COUNTER.value, Channel.COUNTER.label),
            (Channel.PARTNER.value, Channel.PARTNER.label),
        ],
        initial=Channel.HOTLINE,
        required=False,
        widget=forms.Select(attrs={"autofocus": True}),
    )
    subject = forms.ChoiceField(
        label=_("About"), choices=Subject.choices, initial=Subject.ITEM, required=False
    )
    subject_ref = forms.CharField(
        label=_("Reference"),
        max_length=80,
        required=False,
        help_text=_("The bill, payout, dossier or sale number, when not about a mail item."),
    )
    international = forms.BooleanField(label=_("International item"), required=False)

    field_order = [
        "channel",
        "kind",
        "ground",
        "subject",
        "s10",
        "subject_ref",
        "international",
        "customer_name",
        "customer_phone",
        "customer_email",
        "description",
    ]

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["subject"] = data.get("subject") or Subject.NONE
        if data["subject"] != Subject.ITEM:
            data["s10"] = ""
        return data


class PublicForm(_CustomerForm):
    """The public form: the customer's own words; about a mail item when they give its
    number. ``website`` is a field people never see: a robot that fills it is ignored."""

    website = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["autofocus"] = True

    def data_for_service(self) -> dict[str, Any]:
        data = super().data_for_service()
        data.pop("website", None)
        data["subject"] = Subject.ITEM if data.get("s10") else Subject.NONE
        data["channel"] = Channel.WEB
        return data


class AssignForm(forms.Form):
    unit = forms.ChoiceField(label=_("Unit in charge"), required=False)
    owner = forms.ChoiceField(label=_("Handled by"), required=False)

    def __init__(self, *args: Any, user: Any, province_code: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = access.visible(
            user,
            Unit.objects.filter(province_code=province_code).filter(
                Q(valid_to__isnull=True) | Q(valid_to__gte=local_today())
            ),
            "path",
        ).order_by("path")
        self.units = {unit.code: unit for unit in units[:300]}
        self.fields["unit"].choices = _choices(  # type: ignore[attr-defined]
            (code, unit.name) for code, unit in self.units.items()
        )
        people = (
            access.visible(user, User.objects.filter(is_active=True), "unit__path")
            .filter(unit__province_code=province_code)
            .select_related("unit")
            .order_by("full_name", "username")
        )
        self.people = {p.username: p for p in people[:500] if can_handle(p)}
        self.fields["owner"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((name, f"{p} · {p.unit}") for name, p in self.people.items()),
        ]


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Investigation note"),
        max_length=5_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For the staff only: the customer never sees it."),
    )


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Answer to the customer"),
        max_length=5_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Shown on the public page, printed as a letter, sent as an SMS or email."),
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=_choices(Outcome.choices), required=False
    )
    cause = forms.CharField(label=_("Cause found"), max_length=400, required=False)


class FollowForm(forms.Form):
    code = forms.CharField(
        label=_("Request code"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autofocus": True, "placeholder": "CS26000001"}),
    )
