from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from buudien.counter.forms import CHOOSE
from buudien.network.models import ServicePoint, Unit
from buudien.network.selectors import point_list, unit_list
from buudien.people.choices import Role


class UserForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), empty_label=CHOOSE)
    point = forms.ModelChoiceField(
        label=_("Service point"),
        queryset=ServicePoint.objects.none(),
        required=False,
        empty_label=CHOOSE,
    )
    position = forms.CharField(label=_("Position"), max_length=120, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    password = forms.CharField(
        label=_("New password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the password (a new user without one cannot log in)."),
    )

    def __init__(self, *args: Any, user: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_list(user=user)  # type: ignore[attr-defined]
        self.fields["point"].queryset = point_list(user=user)  # type: ignore[attr-defined]
        if editing:
            self.fields["username"].disabled = True


class UserFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("name or phone")}),
    )
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices]
    )
    unit = forms.CharField(
        label=_("Unit code"), required=False, widget=forms.TextInput(attrs={"size": 10})
    )
