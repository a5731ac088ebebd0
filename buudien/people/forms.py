from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from buudien.counter.forms import CHOOSE, UploadField, WholeField, date_field
from buudien.network.models import ServicePoint, Unit
from buudien.network.selectors import point_list, unit_list
from buudien.people import access
from buudien.people.choices import ContractType, Role
from buudien.people.selectors import UNSPECIFIED
from buudien.people.services import PERSON_FIELDS


class PersonForm(forms.Form):
    """Who a member of staff is and where they work (the units and points of ``user``'s
    scope)."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), empty_label=CHOOSE)
    point = forms.ModelChoiceField(
        label=_("Service point"),
        queryset=ServicePoint.objects.none(),
        required=False,
        empty_label=CHOOSE,
    )
    position = forms.CharField(label=_("Position"), max_length=120, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_list(user=user)  # type: ignore[attr-defined]
        self.fields["point"].queryset = point_list(user=user)  # type: ignore[attr-defined]


class UserForm(PersonForm):
    field_order = ["username", "full_name", "role", "unit", "point", "position", "phone"]

    username = forms.CharField(label=_("User name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    email = forms.EmailField(label=_("Email"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    password = forms.CharField(
        label=_("New password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the password (a new user without one cannot log in)."),
    )

    def __init__(self, *args: Any, user: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
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


# --- the workforce ---------------------------------------------------------------------------

STAFF_ROLES = [(value, label) for value, label in Role.choices if value != Role.ADMIN]


class WorkforceFilterForm(forms.Form):
    """The unit (its code; the user's own by default), the day of the headcount and the year
    of the average income."""

    unit = forms.CharField(
        label=_("Unit code"), required=False, widget=forms.TextInput(attrs={"size": 10})
    )
    day = date_field(_("Headcount on"))
    year = WholeField(label=_("Income of year"), required=False, min_value=1990, max_value=2100)


class StaffFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("name, staff code or phone")}
        ),
    )
    unit = forms.CharField(
        label=_("Unit code"), required=False, widget=forms.TextInput(attrs={"size": 10})
    )
    contract = forms.ChoiceField(
        label=_("Contract type"),
        required=False,
        choices=[
            ("", _("All contracts")),
            *ContractType.choices,
            (UNSPECIFIED, _("Contract not recorded")),
        ],
    )
    status = forms.ChoiceField(
        label=_("Employment"),
        required=False,
        choices=[("", _("Everyone")), ("employed", _("Employed today")), ("left", _("Left"))],
    )


class StaffForm(PersonForm):
    """A member of staff: who and where (for staff without a login, or by an administrator),
    and the workforce fields."""

    field_order = ["full_name", "unit", "point", "role"]

    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLES, initial=Role.POSTMAN)
    staff_code = forms.CharField(label=_("Staff code"), max_length=20, required=False)
    contract_type = forms.ChoiceField(
        label=_("Contract type"), choices=[("", CHOOSE), *ContractType.choices], required=False
    )
    employed_from = date_field(_("Employed from"))
    employed_until = date_field(_("Left on"))

    def __init__(self, *args: Any, user: Any, person: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        if person is None:
            del self.fields["employed_until"]  # a new member of staff has not left
            return
        del self.fields["role"]  # a role is an administrator's (the user's page)
        if person.has_login and not access.can_manage_users(user):
            for name in PERSON_FIELDS:
                self.fields[name].disabled = True

    def changes(self) -> dict[str, Any]:
        """What the form changes, for ``services.staff_update`` (not the disabled fields)."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if not self.fields[name].disabled
        }


class LeaveForm(forms.Form):
    day = date_field(_("Left on (the first day no longer at work)"), required=True)


IMPORT_KINDS = [
    ("staff", _("Staff list")),
    ("average_income", _("Average income per unit and year")),
]


class WorkforceImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=IMPORT_KINDS)
    file = UploadField(label=_("File (.csv or .xlsx)"))
