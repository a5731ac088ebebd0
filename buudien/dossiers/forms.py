"""Forms of the dossier pages. They only parse: the services check every rule and refuse
every problem of a request at once, so the fields here are lenient (nothing is required by
the form, a document or dossier code is not checked against a list) and each refusal comes
back next to its field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from buudien.counter.forms import CHOOSE, CounterForm, TokenForm, citizen_id_field, date_field
from buudien.dossiers import selectors
from buudien.dossiers.choices import Mode, ReturnBy, Status
from buudien.dossiers.models import Procedure
from buudien.finance.banks import bank_choices
from buudien.mail.acceptance.forms import CommuneField, offer_communes
from buudien.people import access
from buudien.people.choices import Role

province_of = access.user_province


class CodesField(forms.MultipleChoiceField):
    """Ticked boxes (document numbers, dossier codes) whose values the service checks: any
    short value passes here, so that a stale list is refused by the service, with its
    reason, next to this field."""

    widget = forms.CheckboxSelectMultiple

    def valid_value(self, value: Any) -> bool:
        return 0 < len(str(value)) <= 24


class DocumentsField(CodesField):
    def clean(self, value: Any) -> list[int]:
        return [int(v) for v in super().clean(value) if str(v).isdigit()]


def _agency_choices(province: str) -> list[tuple[str, str]]:
    return [
        ("", str(CHOOSE)),
        *((a.code, a.name) for a in selectors.agencies_for(province_code=province)),
    ]


class DossierFilterForm(forms.Form):
    q = forms.CharField(label=_("Code, citizen ID or name"), max_length=60, required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    agency = forms.ChoiceField(label=_("Agency"), required=False)
    due = forms.ChoiceField(
        label=_("Promised return"),
        required=False,
        choices=[
            ("", "—"),
            ("today", _("Due today")),
            ("overdue", pgettext_lazy("dossier", "Overdue")),
        ],
    )
    point = forms.CharField(required=False, max_length=16, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "—"), *Status.choices]  # type: ignore[attr-defined]
        self.fields["agency"].choices = _agency_choices(province_of(user))  # type: ignore[attr-defined]


class ReceiveForm(CounterForm):
    """A dossier at the counter: the procedure first (its documents, agency, days, fee and
    charge come with it), then the applicant."""

    procedure = forms.ChoiceField(label=_("Procedure"), required=False)
    documents = DocumentsField(label=_("Documents received"), required=False)
    mode = forms.ChoiceField(
        label=pgettext_lazy("dossier", "Service"),
        choices=[
            (Mode.BOTH.value, Mode.BOTH.label),
            (Mode.RECEIVE.value, Mode.RECEIVE.label),
            (Mode.RETURN.value, Mode.RETURN.label),
        ],
        initial=Mode.BOTH,
        required=False,
    )
    return_by = forms.ChoiceField(
        label=_("Result returned"),
        choices=[("", "—"), *ReturnBy.choices],
        initial=ReturnBy.COUNTER,
        required=False,
    )
    agency_reference = forms.CharField(
        label=_("Agency's receipt number"),
        max_length=40,
        required=False,
        help_text=_("Only for a dossier lodged at the agency: the post returns its result."),
    )
    applicant_name = forms.CharField(
        label=pgettext_lazy("dossier", "Applicant"), max_length=150, required=False
    )
    citizen_id = citizen_id_field(required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    address = forms.CharField(
        label=_("Address"),
        max_length=300,
        required=False,
        help_text=_("Required when the result is taken to the applicant's address."),
    )
    commune = CommuneField(
        label=_("Commune"),
        required=False,
        help_text=_("Where the result is posted, when it goes to the applicant's address."),
    )

    at_address = forms.BooleanField(
        label=_("Received at the applicant's address"),
        required=False,
        help_text=_("A postman's pickup: the address is then required."),
    )

    # The fields the service always asks for (marked * on the page).
    required_names = ("point", "procedure", "documents", "mode", "applicant_name", "citizen_id")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        province = province_of(user)
        offer_communes(self, "commune", province)
        procedures = selectors.procedures_for(province_code=province)
        field = self.fields["procedure"]
        field.choices = [("", str(CHOOSE)), *((p.code, str(p)) for p in procedures)]  # type: ignore[attr-defined]
        if "point" in self.fields:
            self.fields["point"].widget.attrs["autofocus"] = True
        if getattr(user, "role", "") == Role.POSTMAN:  # a postman receives at the address only
            self.fields["at_address"].initial = True
            self.fields["at_address"].disabled = True
        source = self.data if self.is_bound else self.initial
        code = str(source.get("procedure") or "")[:32]
        self.chosen: Procedure | None = procedures.filter(code=code).first() if code else None
        mode = str(source.get("mode") or Mode.BOTH)
        self.charge = self.chosen.charge_for(mode) if self.chosen is not None else None
        # The fee of a dossier lodged at the agency is paid there.
        self.fee = 0 if self.chosen is None or mode == Mode.RETURN else self.chosen.agency_fee
        self.fields["documents"].choices = [  # type: ignore[attr-defined]
            (str(index), document_label(doc))
            for index, doc in enumerate(self.chosen.documents if self.chosen else [])
        ]


def document_label(doc: dict[str, Any]) -> str:
    """ "Đơn đăng ký (bản chính × 1)": a required document as the counter reads it."""
    kind = _("original") if doc.get("original") else _("copy")
    return f"{doc.get('name', '')} ({kind} × {int(doc.get('copies') or 1)})"


class ReturnForm(CounterForm):
    presented_id = citizen_id_field(_("Citizen ID shown"), required=False)
    receiver_name = forms.CharField(
        label=_("Received by"),
        max_length=150,
        required=False,
        help_text=_("Empty when the applicant takes it in person."),
    )


class HandoverForm(CounterForm):
    agency = forms.ChoiceField(label=_("Agency"), required=False)
    dossiers = CodesField(label=_("Dossiers"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["agency"].choices = _agency_choices(province_of(user))  # type: ignore[attr-defined]


class ResultsForm(HandoverForm):
    late_reason = forms.CharField(
        label=_("Reason for the delay"),
        max_length=300,
        required=False,
        help_text=_("The agency's reason, required when a result is later than promised."),
    )
    receiver_name = forms.CharField(
        label=_("Handed back by (agency)"), max_length=150, required=False
    )


class ConfirmForm(forms.Form):
    receiver_name = forms.CharField(label=_("Agency's receiver"), max_length=150, required=False)


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("Dossier code"),
        max_length=24,
        required=False,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )
    citizen_id = citizen_id_field(required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )


class SettlementForm(TokenForm):
    """The fees of one agency over a range of business days, passed on from a bank account."""

    agency = forms.ChoiceField(label=_("Agency"), required=False)
    date_from = date_field(pgettext_lazy("date range", "From"))
    date_to = date_field(pgettext_lazy("date range", "To"))
    bank = forms.ChoiceField(label=_("From the bank account at"), required=False)
    memo = forms.CharField(label=_("Memo"), max_length=500, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = _agency_choices(province_of(user))  # type: ignore[attr-defined]
        # The province's open bank accounts only.
        self.fields["bank"].choices = [("", CHOOSE), *bank_choices(province_of(user))]  # type: ignore[attr-defined]
        self.fields["agency"].widget.attrs["autofocus"] = True
