from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.template import engines


def render(source: str, **context: Any) -> str:
    """Renders with the project's engine, where the vn filters are builtins (no load)."""
    return engines["django"].from_string(source).render(context)


def test_it_renders_an_amount_of_dong() -> None:
    # given an invoice total in a template
    # when the page is rendered
    html = render("{{ total|vnd }}", total=138_500_000_000)
    # then the total reads as in Vietnam, the sign after a no-break space
    assert html == "138.500.000.000\xa0₫"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (-5000, "-5.000\xa0₫"),
        (Decimal("2.5"), "3\xa0₫"),
        (Decimal("-2.5"), "-3\xa0₫"),
        (2.5, "3\xa0₫"),
        ("25000", "25.000\xa0₫"),
        (None, ""),
        ("", ""),
        ("n/a", ""),
        ([1], ""),
    ],
)
def test_it_renders_amounts_of_any_kind_and_nothing_for_the_unreadable(
    value: Any, expected: str
) -> None:
    assert render("{{ v|vnd }}", v=value) == expected


def test_it_renders_nothing_for_a_missing_variable() -> None:
    assert render("[{{ missing|vnd }}][{{ missing|vnd_words }}][{{ missing|percent }}]") == "[][][]"


def test_it_renders_an_amount_in_words_with_a_capital_as_on_an_invoice() -> None:
    html = render("Bằng chữ: {{ total|vnd_words }}.", total=1_005_000)
    assert html == "Bằng chữ: Một triệu không trăm linh năm nghìn đồng."


def test_it_rounds_before_writing_an_amount_in_words() -> None:
    assert render("{{ v|vnd_words }}", v=Decimal("104.5")) == "Một trăm linh năm đồng"


@pytest.mark.parametrize(
    ("source", "value", "expected"),
    [
        ("{{ v|number }}", 1_234_567, "1.234.567"),
        ("{{ v|number }}", Decimal("1234.5"), "1.235"),
        ("{{ v|number:1 }}", Decimal("1234.5"), "1.234,5"),
        ("{{ v|number:'2' }}", 0.5, "0,50"),
        ("{{ v|number }}", "", ""),
        ("{{ v|number:'x' }}", 5, ""),
        ("{{ v|percent }}", Decimal("101.2"), "101,2%"),
        ("{{ v|percent:0 }}", Decimal("101.2"), "101%"),
        ("{{ v|percent:2 }}", 50, "50,00%"),
        ("{{ v|percent }}", 66.7, "66,7%"),
        ("{{ v|percent }}", None, ""),
        ("{{ v|percent:-1 }}", 0.5, ""),
    ],
)
def test_it_renders_numbers_and_percentages_the_vietnamese_way(
    source: str, value: Any, expected: str
) -> None:
    assert render(source, v=value) == expected


def test_the_filters_are_there_without_loading_a_library() -> None:
    html = render("{{ a|vnd }} | {{ a|vnd_words }} | {{ n|number }} | {{ r|percent }}",
                  a=105, n=10_000, r=Decimal("25"))  # fmt: skip
    assert html == "105\xa0₫ | Một trăm linh năm đồng | 10.000 | 25,0%"
