"""What the counter makes of what a customer gives."""

from __future__ import annotations

import re

import pytest

from buudien.core.errors import DomainError
from buudien.counter import fields

pytestmark = pytest.mark.usefixtures("english")


def test_text_folds_white_space_and_refuses_what_is_missing_or_too_long() -> None:
    assert fields.text("  Nguyễn   Thị\tHoa ", field="name", label="Name") == "Nguyễn Thị Hoa"
    assert fields.text("", field="note", label="Note", required=False) == ""
    for value, limit, words in [
        ("", 150, "is required"),
        ("a\x00b", 150, "null character"),
        ("x" * 11, 10, "longer than 10"),
    ]:
        with pytest.raises(DomainError, match=words) as refused:
            fields.text(value, field="name", label="Name", limit=limit)
        assert refused.value.field == "name"


def test_citizen_ids_and_phones_are_cleaned_or_refused() -> None:
    assert fields.citizen_id(" 001 234 567 890 ") == "001234567890"
    assert fields.citizen_id("", required=False) == ""
    assert fields.phone("+84 912.345-678") == "0912345678"
    assert fields.phone("", required=False) == ""
    with pytest.raises(DomainError, match="12 digits"):
        fields.citizen_id("12345")
    with pytest.raises(DomainError, match="starting with 0") as refused:
        fields.phone("12345", field="sender_phone")
    assert refused.value.field == "sender_phone"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (0, "more than zero"),
        (-1, "more than zero"),
        (True, "whole number"),
        ("1000", "whole number"),
        (10**12 + 1, "cannot be more than"),
    ],
)
def test_an_amount_is_whole_dong_above_zero(value: object, words: str) -> None:
    with pytest.raises(DomainError, match=words):
        fields.amount(value)


def test_whole_numbers_keep_to_their_range() -> None:
    assert fields.whole(0, field="fee", label="The fee", low=0, high=10) == 0
    with pytest.raises(DomainError, match=re.escape("between 1\xa0₫ and 10\xa0₫")):
        fields.whole(11, field="fee", label="The fee", low=1, high=10)


def test_a_pattern_is_read_without_spaces_in_capitals() -> None:
    book = re.compile(r"^[A-Z0-9]{6,20}$")
    assert fields.pattern(" lp 000111 ", book, field="book", message="bad") == "LP000111"
    with pytest.raises(DomainError, match="bad"):
        fields.pattern("lp-1", book, field="book", message="bad")
