"""Forms of the emulation pages. They only parse: the services check every rule and refuse
every problem at once, so nothing is required here and each refusal comes back next to its
field. People are chosen from a list that a name typed without its diacritics filters
(``PeoplePicker``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from buudien.core.text import fold
from buudien.counter.forms import CHOOSE, MoneyField, WholeField, date_field
from buudien.emulation import criteria as registry
from buudien.emulation import selectors
from buudien.emulation.choices import (
    AwardKind,
    AwardLevel,
    AwardStatus,
    InitiativeLevel,
    InitiativeStatus,
)
from buudien.network.choices import UnitKind
from buudien.network.models import Unit
from buudien.people.models import User

TARGET_ROWS = 6


def _choices(choices: Any) -> list[tuple[str, Any]]:
    return [("", CHOOSE), *choices]


def _any(choices: Any) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


def _text(label: Any, *, limit: int = 400, rows: int = 0, **kwargs: Any) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(label=label, max_length=limit, required=False, widget=widget, **kwargs)


class _Folded:
    """Each option carries its label without diacritics, for the picker's filter."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(*args, **kwargs)  # type: ignore[misc]
        option["attrs"]["data-folded"] = fold(str(option["label"]))
        return option


class PeopleCheckboxes(_Folded, forms.CheckboxSelectMultiple):
    pass


class PeopleRadios(_Folded, forms.RadioSelect):
    pass


def _people(user: Any) -> dict[str, User]:
    return {str(p.pk): p for p in selectors.people_choices(user=user)}


def _person_label(person: User) -> str:
    return f"{person} · {person.unit}" if person.unit_id else str(person)


def _units(user: Any, province_code: str | None = None) -> dict[str, Unit]:
    return {u.code: u for u in selectors.units_choices(user=user, province_code=province_code)}


class YearForm(forms.Form):
    year = WholeField(label=_("Year"), required=False)


class MovementForm(forms.Form):
    theme = forms.CharField(
        label=_("Theme"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "autofocus": True}),
    )
    description = _text(_("Description"), limit=5_000, rows=3)
    province = forms.ChoiceField(label=_("Launched by the post"), required=False)
    launched_by = _text(_("Launched by"), limit=200, help_text=_("e.g. Director of the post."))
    launched_on = date_field(_("Launched on"))
    year_from = WholeField(label=_("From the year"), required=False)
    year_to = WholeField(
        label=_("To the year"), required=False, help_text=_("Empty: the same year.")
    )
    units = forms.MultipleChoiceField(
        label=_("Participating units"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every unit of the province."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.all_units = _units(user)
        self.provinces = {
            code: u for code, u in self.all_units.items() if u.kind == UnitKind.PROVINCE
        }
        self.fields["province"].choices = [  # type: ignore[attr-defined]
            (code, u.name) for code, u in self.provinces.items()
        ]
        self.fields["units"].choices = [  # type: ignore[attr-defined]
            (code, u.name) for code, u in self.all_units.items() if u.kind != UnitKind.PROVINCE
        ]
        if not self.is_bound and self.provinces:
            first = next(iter(self.provinces.values()))
            self.initial.setdefault("province", first.code)
            self.initial.setdefault("launched_by", _("Director of %(unit)s") % {"unit": first})
        self.weights = []
        for code, label in registry.choices():
            name = f"weight_{code}"
            self.fields[name] = WholeField(label=label, required=False)
            self.weights.append(name)

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.weights]

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["province"] = self.provinces.get(data.pop("province") or "")
        data["units"] = [self.all_units[code] for code in data.pop("units") or ()]
        data["criteria"] = {
            name.removeprefix("weight_"): data.pop(name)
            for name in self.weights
            if data.get(name) is not None
        }
        for name in self.weights:
            data.pop(name, None)
        return data


class PledgeForm(forms.Form):
    unit = forms.ChoiceField(
        label=_("Unit"), required=False, widget=forms.Select(attrs={"autofocus": True})
    )
    year = WholeField(label=_("Year"), required=False)
    movement = forms.ChoiceField(label=_("Movement"), required=False)
    signed_on = date_field(_("Signed on"))
    management_signatory = _text(_("Signed for the management"), limit=200)
    union_signatory = _text(_("Signed for the trade union"), limit=200)
    note = _text(_("Note"), limit=5_000, rows=2)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = _units(user)
        self.fields["unit"].choices = _choices(  # type: ignore[attr-defined]
            (code, u.name) for code, u in self.units.items()
        )
        self.movements = {str(m.pk): m for m in selectors.movement_list(user=user)[:100]}
        self.fields["movement"].choices = _any(  # type: ignore[attr-defined]
            (pk, f"{m.years} · {m.theme[:80]}") for pk, m in self.movements.items()
        )
        for i in range(TARGET_ROWS):
            self.fields[f"code_{i}"] = forms.ChoiceField(
                label=_("Criterion"), required=False, choices=_choices(registry.choices("unit"))
            )
            self.fields[f"target_{i}"] = forms.CharField(
                label=pgettext_lazy("emulation", "Target"),
                required=False,
                max_length=20,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )

    def target_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"code_{i}"], self[f"target_{i}"]) for i in range(TARGET_ROWS)]

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        targets = []
        for i in range(TARGET_ROWS):
            code, target = data.pop(f"code_{i}", ""), data.pop(f"target_{i}", "")
            if code or target:
                targets.append((code, target))
        data["targets"] = targets
        data["unit"] = self.units.get(data.pop("unit") or "")
        data["movement"] = self.movements.get(data.pop("movement") or "")
        return data


class AwardFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), max_length=60, required=False)
    year = WholeField(label=_("Year"), required=False)
    kind = forms.ChoiceField(
        label=_("Title or award"), required=False, choices=_any(AwardKind.choices)
    )
    level = forms.ChoiceField(
        label=pgettext_lazy("emulation", "Level"), required=False, choices=_any(AwardLevel.choices)
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_any(AwardStatus.choices))


class AwardForm(forms.Form):
    """A proposal: the title or award, to whom, for which years, and why."""

    kind = forms.ChoiceField(
        label=_("Title or award"),
        required=False,
        choices=_choices(AwardKind.choices),
        widget=forms.Select(attrs={"autofocus": True}),
    )
    name = _text(_("Name"), limit=250, help_text=_("For another title or award: its name."))
    person = forms.ChoiceField(
        label=pgettext_lazy("emulation", "Person"), required=False, widget=PeopleRadios
    )
    unit = forms.ChoiceField(
        label=_("Or a unit"), required=False, help_text=_("For a collective title or award.")
    )
    year_from = WholeField(label=_("For the year"), required=False)
    year_to = WholeField(
        label=_("To the year"), required=False, help_text=_("For an award over several years.")
    )
    level = forms.ChoiceField(
        label=pgettext_lazy("emulation", "Level"),
        required=False,
        choices=[("", _("The usual level of the kind")), *AwardLevel.choices],
    )
    movement = forms.ChoiceField(label=_("Movement"), required=False)
    citation = _text(_("Achievements"), limit=5_000, rows=3)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = _people(user)
        self.fields["person"].choices = [  # type: ignore[attr-defined]
            (pk, _person_label(p)) for pk, p in self.people.items()
        ]
        self.units = _units(user)
        self.fields["unit"].choices = _any(  # type: ignore[attr-defined]
            (code, u.name) for code, u in self.units.items()
        )
        self.movements = {str(m.pk): m for m in selectors.movement_list(user=user)[:100]}
        self.fields["movement"].choices = _any(  # type: ignore[attr-defined]
            (pk, f"{m.years} · {m.theme[:80]}") for pk, m in self.movements.items()
        )

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["person"] = self.people.get(data.get("person") or "")
        data["unit"] = self.units.get(data.get("unit") or "")
        data["movement"] = self.movements.get(data.get("movement") or "")
        return data


class AwardRecordForm(AwardForm):
    """An award decided: the proposal's facts and the decision."""

    issuer = _text(
        _("Conferred by"), limit=250, help_text=_("e.g. Minister, Director of the post.")
    )
    decision_number = _text(_("Decision number"), limit=80)
    decision_date = date_field(_("Decision date"))


class DecisionForm(forms.Form):
    """A recorder's decision on a proposal: its outcome, the decision's number and date (and
    who conferred an award), and a note (why, when it is not approved)."""

    outcome = forms.ChoiceField(label=_("Decision"), required=False, widget=forms.RadioSelect)
    decision_number = _text(_("Decision number"), limit=80)
    decision_date = date_field(_("Decision date"))
    note = _text(_("Note"), limit=5_000, rows=2, help_text=_("Why, when it is not approved."))

    def __init__(self, *args: Any, positive: tuple[str, Any], issuer: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [  # type: ignore[attr-defined]
            positive,
            (AwardStatus.REJECTED.value, pgettext_lazy("emulation", "Not approved")),
        ]
        if issuer:
            self.fields["issuer"] = _text(_("Conferred by"), limit=250)
            self.order_fields(["outcome", "decision_number", "decision_date", "issuer", "note"])


def award_decision(data: Any = None) -> DecisionForm:
    return DecisionForm(data, positive=(AwardStatus.AWARDED.value, _("Awarded")), issuer=True)


def initiative_decision(data: Any = None) -> DecisionForm:
    positive = (InitiativeStatus.RECOGNISED.value, _("Recognised"))
    return DecisionForm(data, positive=positive, issuer=False)


class InitiativeFilterForm(forms.Form):
    q = forms.CharField(label=_("Title or author"), max_length=60, required=False)
    year = WholeField(label=_("Year"), required=False)
    level = forms.ChoiceField(
        label=pgettext_lazy("emulation", "Level"),
        required=False,
        choices=_any(InitiativeLevel.choices),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_any(InitiativeStatus.choices)
    )


class InitiativeForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=400,
        required=False,
        widget=forms.TextInput(attrs={"autofocus": True}),
    )
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    authors = forms.MultipleChoiceField(label=_("Authors"), required=False, widget=PeopleCheckboxes)
    level = forms.ChoiceField(
        label=pgettext_lazy("emulation", "Level"),
        required=False,
        choices=_choices(InitiativeLevel.choices),
        initial=InitiativeLevel.UNIT,
    )
    year = WholeField(label=_("Year"), required=False)
    summary = _text(_("Summary"), limit=5_000, rows=4)
    benefit = _text(_("Benefit"), limit=5_000, rows=2)
    benefit_amount = MoneyField(label=_("Benefit in đồng a year"), required=False, allow_zero=True)

    def __init__(self, *args: Any, user: Any, recorder: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = _people(user)
        self.fields["authors"].choices = [  # type: ignore[attr-defined]
            (pk, _person_label(p)) for pk, p in self.people.items()
        ]
        self.units = _units(user)
        self.fields["unit"].choices = _choices(  # type: ignore[attr-defined]
            (code, u.name) for code, u in self.units.items()
        )
        if recorder:
            help_text = _("Only for an initiative recognised already.")
            self.fields["decision_number"] = forms.CharField(
                label=_("Decision number"), max_length=80, required=False, help_text=help_text
            )
            self.fields["decision_date"] = date_field(_("Decision date"))

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["unit"] = self.units.get(data.get("unit") or "")
        data["authors"] = [self.people[pk] for pk in data.get("authors") or () if pk in self.people]
        return data


class ApplicationForm(forms.Form):
    unit = forms.ChoiceField(label=_("Applied in"), required=False)
    applied_on = date_field(_("Since"))

    def __init__(self, *args: Any, user: Any, province_code: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = _units(user, province_code)
        self.fields["unit"].choices = _choices(  # type: ignore[attr-defined]
            (code, u.name) for code, u in self.units.items()
        )

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["unit"] = self.units.get(data.get("unit") or "")
        return data
