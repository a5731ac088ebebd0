"""The money input, the token and the point chooser of every counter form."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django import forms

from buudien.counter.forms import CHOOSE, CounterForm, MoneyField, MoneyInput, WholeField


class _Form(forms.Form):
    amount = MoneyField(label="Amount", max_value=5_000_000)
    fee = MoneyField(label="Fee", allow_zero=True, required=False)


@pytest.mark.parametrize(
    "typed", ["1500000", "1.500.000", "1 500 000", "1.500.000 ₫", "1,500,000đ"]
)
def test_the_money_input_reads_amounts_as_the_counter_writes_them(typed: str) -> None:
    form = _Form({"amount": typed, "fee": "0"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"amount": 1_500_000, "fee": 0}


def test_every_money_error_shows_at_once_in_the_counters_words(english: Any) -> None:
    form = _Form({"amount": "0", "fee": "mười nghìn"})
    assert not form.is_valid()
    assert form.errors == {
        "amount": ["The amount must be more than zero."],
        "fee": ["Write an amount in đồng, e.g. 1.500.000."],
    }
    too_much = _Form({"amount": "5.000.001"})
    assert not too_much.is_valid()
    assert too_much.errors["amount"] == ["The amount cannot be more than 5.000.000\xa0₫."]


def test_the_money_input_shows_the_amount_grouped_and_in_words() -> None:
    html = MoneyInput().render("amount", 1_500_000, attrs={"id": "id_amount"})
    assert 'value="1.500.000"' in html
    assert 'inputmode="numeric"' in html
    assert 'hx-get="/counter/words/"' in html
    assert 'hx-target="#id_amount-words"' in html
    assert '<small class="money-words" id="id_amount-words"' in html
    assert "Một triệu năm trăm nghìn đồng" in html
    assert "min=" not in html  # no browser validation bubble


@pytest.mark.django_db
def test_an_administrator_without_a_point_chooses_one_from_a_vietnamese_empty_choice(
    admin_user: Any, clerk_a: Any
) -> None:
    admin_form = CounterForm(user=admin_user)
    assert list(admin_form.fields) == ["point", "token"]
    assert str(CHOOSE) == "— Chọn —"
    assert "— Chọn —" in str(admin_form["point"])
    clerk_form = CounterForm(user=clerk_a)
    assert "point" not in clerk_form.fields
    assert len(clerk_form.initial["token"]) == 32
    assert clerk_form.initial["token"] != CounterForm(user=clerk_a).initial["token"]


def test_whole_numbers_are_refused_in_the_counters_words_without_a_browser_bubble(
    english: Any,
) -> None:
    class Parcel(forms.Form):
        weight_g = WholeField(label="Weight (g)", min_value=1, max_value=30_000)

    assert 'min="' not in str(Parcel()["weight_g"]) and 'max="' not in str(Parcel()["weight_g"])
    assert Parcel({"weight_g": "1200"}).is_valid()
    for typed, words in [
        ("0", "It must be at least 1."),
        ("30001", "It must be at most 30000."),
        ("1,2 kg", "Write a whole number, e.g. 1200."),
    ]:
        form = Parcel({"weight_g": typed})
        assert not form.is_valid()
        assert form.errors["weight_g"] == [words]


def test_every_form_that_posts_leaves_its_errors_to_the_server() -> None:
    """No browser validation bubble speaks for the server: every form that posts says
    ``novalidate``, so every problem comes back at once, next to its field."""
    root = Path(__file__).resolve().parents[2]
    without = [
        f"{path.relative_to(root)}: {tag[:60]}"
        for path in sorted(root.glob("**/templates/**/*.html"))
        for tag in re.findall(r"<form\b[^>]*>", path.read_text())
        if re.search(r'method="post"', tag, re.I) and "novalidate" not in tag
    ]
    assert without == []
