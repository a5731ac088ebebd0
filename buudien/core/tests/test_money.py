from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from buudien.core.money import (
    amount_in_words,
    amount_in_words_capitalized,
    format_number,
    format_percent,
    format_vnd,
    round_vnd,
    vnd_parse,
)

NBSP = "\xa0"

# --- format_vnd ----------------------------------------------------------------------------


def test_it_formats_an_amount_with_dots_and_the_dong_sign_after_a_no_break_space() -> None:
    # given an amount of đồng
    amount = 138_500_000_000
    # when it is formatted
    text = format_vnd(amount)
    # then it reads as in Vietnam
    assert text == "138.500.000.000\xa0₫"


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (0, "0\xa0₫"),
        (5, "5\xa0₫"),
        (999, "999\xa0₫"),
        (1000, "1.000\xa0₫"),
        (25_000, "25.000\xa0₫"),
        (-5000, "-5.000\xa0₫"),
        (-138_500_000_000, "-138.500.000.000\xa0₫"),
        (Decimal("1234567"), "1.234.567\xa0₫"),
    ],
)
def test_it_formats_whole_amounts(amount: int | Decimal, expected: str) -> None:
    assert format_vnd(amount) == expected


def test_it_formats_none_as_an_empty_string() -> None:
    assert format_vnd(None) == ""


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("2.5"), "3\xa0₫"),
        (Decimal("3.5"), "4\xa0₫"),
        (Decimal("-2.5"), "-3\xa0₫"),
        (Decimal("2.49"), "2\xa0₫"),
        (Decimal("-0.4"), "0\xa0₫"),
        (Decimal("1499.5"), "1.500\xa0₫"),
    ],
)
def test_it_rounds_a_decimal_half_up_not_half_even(amount: Decimal, expected: str) -> None:
    assert format_vnd(amount) == expected


# --- round_vnd -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("2.5"), 3),
        (Decimal("3.5"), 4),
        (Decimal("0.5"), 1),
        (Decimal("-2.5"), -3),
        (Decimal("-0.5"), -1),
        (Decimal("2.4999"), 2),
        (Decimal("-2.4999"), -2),
        (Decimal("-0.4"), 0),
        (Decimal("7"), 7),
        (12, 12),
        (-12, -12),
        ("10.5", 11),
        (" 99.5 ", 100),
        ("-1E+3", -1000),
    ],
)
def test_it_rounds_to_whole_dong_half_away_from_zero(
    value: Decimal | int | str, expected: int
) -> None:
    assert round_vnd(value) == expected


def test_it_returns_a_plain_int() -> None:
    assert type(round_vnd(Decimal("2.5"))) is int


def test_it_refuses_a_float_for_money() -> None:
    with pytest.raises(TypeError):
        round_vnd(2.5)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["abc", "", "NaN", "Infinity", "1,5"])
def test_it_refuses_a_string_that_is_not_a_finite_number(value: str) -> None:
    with pytest.raises(ValueError):
        round_vnd(value)


# --- format_number and format_percent ------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "digits", "expected"),
    [
        (0, 0, "0"),
        (999, 0, "999"),
        (1000, 0, "1.000"),
        (1_234_567, 0, "1.234.567"),
        (-1_234_567, 0, "-1.234.567"),
        (Decimal("1234.5"), 0, "1.235"),
        (Decimal("1234.5"), 1, "1.234,5"),
        (Decimal("1234.25"), 1, "1.234,3"),
        (Decimal("-1234.25"), 1, "-1.234,3"),
        (1234, 2, "1.234,00"),
        (0.1 + 0.2, 2, "0,30"),
        (2.675, 2, "2,68"),
        (Decimal("-0.0004"), 2, "0,00"),
    ],
)
def test_it_formats_numbers_with_vietnamese_grouping(
    n: int | Decimal | float, digits: int, expected: str
) -> None:
    assert format_number(n, digits) == expected


def test_it_formats_no_number_as_an_empty_string() -> None:
    assert format_number(None) == ""
    assert format_percent(None) == ""


@pytest.mark.parametrize(
    ("x", "digits", "expected"),
    [
        (Decimal("101.2"), 1, "101,2%"),
        (101.2, 1, "101,2%"),
        (66.7, 1, "66,7%"),
        (100, 1, "100,0%"),
        (Decimal("12.345"), 1, "12,3%"),
        (Decimal("12.345"), 2, "12,35%"),
        (Decimal("12.345"), 0, "12%"),
        (Decimal("0.05"), 1, "0,1%"),
        (Decimal("-0.05"), 1, "-0,1%"),
        (Decimal("-0.04"), 1, "0,0%"),
        (1200, 1, "1.200,0%"),
        (0, 0, "0%"),
    ],
)
def test_it_formats_a_percentage_the_vietnamese_way(
    x: Decimal | float | int, digits: int, expected: str
) -> None:
    assert format_percent(x, digits) == expected


def test_it_formats_percent_with_one_decimal_by_default() -> None:
    assert format_percent(Decimal("101.2")) == "101,2%"


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (Decimal("1.012"), "101,2%"),
        (1.012, "101,2%"),
        (0.5, "50,0%"),
        (Decimal("-0.0005"), "-0,1%"),
    ],
)
def test_it_formats_a_ratio_as_a_percentage_when_asked(x: Decimal | float, expected: str) -> None:
    assert format_percent(x, ratio=True) == expected


def test_it_refuses_negative_digits() -> None:
    with pytest.raises(ValueError):
        format_number(1, -1)


# --- amount_in_words -----------------------------------------------------------------------

# Each line read aloud and checked by hand against the invoice convention.
AMOUNTS_IN_WORDS = [
    (0, "không đồng"),
    (1, "một đồng"),
    (4, "bốn đồng"),
    (5, "năm đồng"),
    (10, "mười đồng"),
    (11, "mười một đồng"),
    (14, "mười bốn đồng"),
    (15, "mười lăm đồng"),
    (19, "mười chín đồng"),
    (20, "hai mươi đồng"),
    (21, "hai mươi mốt đồng"),
    (24, "hai mươi bốn đồng"),
    (25, "hai mươi lăm đồng"),
    (31, "ba mươi mốt đồng"),
    (45, "bốn mươi lăm đồng"),
    (55, "năm mươi lăm đồng"),
    (71, "bảy mươi mốt đồng"),
    (99, "chín mươi chín đồng"),
    (100, "một trăm đồng"),
    (101, "một trăm linh một đồng"),
    (104, "một trăm linh bốn đồng"),
    (105, "một trăm linh năm đồng"),
    (110, "một trăm mười đồng"),
    (111, "một trăm mười một đồng"),
    (115, "một trăm mười lăm đồng"),
    (121, "một trăm hai mươi mốt đồng"),
    (125, "một trăm hai mươi lăm đồng"),
    (500, "năm trăm đồng"),
    (1000, "một nghìn đồng"),
    (1001, "một nghìn không trăm linh một đồng"),
    (1010, "một nghìn không trăm mười đồng"),
    (1015, "một nghìn không trăm mười lăm đồng"),
    (1021, "một nghìn không trăm hai mươi mốt đồng"),
    (1100, "một nghìn một trăm đồng"),
    (1500, "một nghìn năm trăm đồng"),
    (2005, "hai nghìn không trăm linh năm đồng"),
    (10_000, "mười nghìn đồng"),
    (10_005, "mười nghìn không trăm linh năm đồng"),
    (15_000, "mười lăm nghìn đồng"),
    (21_000, "hai mươi mốt nghìn đồng"),
    (25_500, "hai mươi lăm nghìn năm trăm đồng"),
    (100_000, "một trăm nghìn đồng"),
    (105_000, "một trăm linh năm nghìn đồng"),
    (1_000_000, "một triệu đồng"),
    (1_000_001, "một triệu không trăm linh một đồng"),
    (1_000_005, "một triệu không trăm linh năm đồng"),
    (1_000_100, "một triệu một trăm đồng"),
    (1_001_000, "một triệu không trăm linh một nghìn đồng"),
    (1_005_000, "một triệu không trăm linh năm nghìn đồng"),
    (1_050_000, "một triệu không trăm năm mươi nghìn đồng"),
    (1_500_000, "một triệu năm trăm nghìn đồng"),
    (2_000_021, "hai triệu không trăm hai mươi mốt đồng"),
    (
        12_345_678,
        "mười hai triệu ba trăm bốn mươi lăm nghìn sáu trăm bảy mươi tám đồng",
    ),
    (21_000_000, "hai mươi mốt triệu đồng"),
    (1_000_000_000, "một tỷ đồng"),
    (1_000_000_005, "một tỷ không trăm linh năm đồng"),
    (1_000_001_000, "một tỷ không trăm linh một nghìn đồng"),
    (2_500_000_000, "hai tỷ năm trăm triệu đồng"),
    (
        1_234_567_891,
        "một tỷ hai trăm ba mươi bốn triệu năm trăm sáu mươi bảy nghìn tám trăm chín mươi mốt đồng",
    ),
    (138_500_000_000, "một trăm ba mươi tám tỷ năm trăm triệu đồng"),
    (1_000_000_000_000, "một nghìn tỷ đồng"),
    (1_500_000_000_000, "một nghìn năm trăm tỷ đồng"),
    (1_005_000_000_000, "một nghìn không trăm linh năm tỷ đồng"),
    (1_000_000_000_021, "một nghìn tỷ không trăm hai mươi mốt đồng"),
    (1_000_000_000_000_000, "một triệu tỷ đồng"),
    (1_000_000_000_000_000_000, "một tỷ tỷ đồng"),
    (-5, "âm năm đồng"),
    (-1_005_000, "âm một triệu không trăm linh năm nghìn đồng"),
]


@pytest.mark.parametrize(
    ("amount", "words"), AMOUNTS_IN_WORDS, ids=[str(a) for a, _ in AMOUNTS_IN_WORDS]
)
def test_it_reads_amounts_as_written_on_invoices(amount: int, words: str) -> None:
    assert amount_in_words(amount) == words


def test_it_reads_105_as_mot_tram_linh_nam() -> None:
    assert amount_in_words(105) == "một trăm linh năm đồng"


def test_it_reads_1005000_with_khong_tram_in_the_inner_group() -> None:
    assert amount_in_words(1_005_000) == "một triệu không trăm linh năm nghìn đồng"


def test_it_reads_24_as_hai_muoi_bon_not_the_regional_tu() -> None:
    assert amount_in_words(24) == "hai mươi bốn đồng"
    assert "tư" not in amount_in_words(444_444_444).split()


def test_it_capitalises_the_first_letter_for_an_invoice() -> None:
    assert amount_in_words(1_005_000, capitalize=True) == (
        "Một triệu không trăm linh năm nghìn đồng"
    )
    assert amount_in_words_capitalized(0) == "Không đồng"
    assert amount_in_words_capitalized(-15) == "Âm mười lăm đồng"


@pytest.mark.parametrize("amount", [Decimal("5"), 5.0, "5", True])
def test_it_refuses_anything_but_whole_dong(amount: object) -> None:
    with pytest.raises(TypeError):
        amount_in_words(amount)  # type: ignore[arg-type]


# --- a reader of the words, to check the writer on any amount -----------------------------

_DIGIT_VALUE = {
    "không": 0,
    "một": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "năm": 5,
    "sáu": 6,
    "bảy": 7,
    "tám": 8,
    "chín": 9,
}


_AFTER_MUOI_TEN = {**{w: v for w, v in _DIGIT_VALUE.items() if v not in (0, 5)}, "lăm": 5}
_AFTER_MUOI = {**{w: v for w, v in _AFTER_MUOI_TEN.items() if v != 1}, "mốt": 1}
_AFTER_LINH = {w: v for w, v in _DIGIT_VALUE.items() if v}


def _read_group(words: list[str], *, leading: bool) -> int:
    """1..999 from its words, strictly: refuses any form the convention does not write."""
    value, rest = 0, list(words)
    if len(rest) >= 2 and rest[1] == "trăm":
        hundreds = _DIGIT_VALUE[rest[0]]
        assert hundreds or not leading, "a leading group never starts with không trăm"
        value, rest = 100 * hundreds, rest[2:]
        if rest and rest[0] == "linh":
            assert len(rest) == 2, f"unexpected words {words}"
            return value + _AFTER_LINH[rest[1]]
    else:
        assert leading, "an inner group is read in full, with its hundreds"
    match rest:
        case []:
            return value
        case ["mười", *units]:
            assert len(units) <= 1, f"unexpected words {words}"
            return value + 10 + (_AFTER_MUOI_TEN[units[0]] if units else 0)
        case [tens, "mươi", *units]:
            assert _DIGIT_VALUE[tens] >= 2 and len(units) <= 1, f"unexpected words {words}"
            return value + 10 * _DIGIT_VALUE[tens] + (_AFTER_MUOI[units[0]] if units else 0)
        case [unit] if leading and value == 0:
            return _AFTER_LINH[unit]
    raise AssertionError(f"unexpected words {words}")


def _read_below_billion(words: list[str], *, leading: bool) -> int:
    value = 0
    for scale, name in ((10**6, "triệu"), (10**3, "nghìn")):
        if name in words:
            at = words.index(name)
            value += scale * _read_group(words[:at], leading=leading)
            words = words[at + 1 :]
            leading = False
    if words:
        value += _read_group(words, leading=leading)
    return value


def _read(words: list[str], *, leading: bool = True) -> int:
    if "tỷ" in words:
        at = len(words) - 1 - words[::-1].index("tỷ")
        return 10**9 * _read(words[:at], leading=leading) + _read_below_billion(
            words[at + 1 :], leading=False
        )
    return _read_below_billion(words, leading=leading)


def read_amount(text: str) -> int:
    words = text.split(" ")
    assert words[-1] == "đồng"
    words = words[:-1]
    sign = 1
    if words[0] == "âm":
        sign, words = -1, words[1:]
    if words == ["không"]:
        return 0
    return sign * _read(words)


def test_the_reader_reads_the_hand_checked_table() -> None:
    for amount, words in AMOUNTS_IN_WORDS:
        assert read_amount(words) == amount


@given(st.integers(min_value=-(10**24), max_value=10**24))
def test_it_writes_words_that_read_back_as_the_same_amount(amount: int) -> None:
    words = amount_in_words(amount)
    assert read_amount(words) == amount
    assert "  " not in words
    assert words == words.strip()


@given(st.integers(min_value=0, max_value=10**15))
def test_it_writes_only_the_invoice_vocabulary(amount: int) -> None:
    vocabulary = {*_DIGIT_VALUE, "mười", "mươi", "mốt", "lăm", "linh", "trăm"}
    vocabulary |= {"nghìn", "triệu", "tỷ", "đồng"}
    assert set(amount_in_words(amount).split()) <= vocabulary


@pytest.mark.parametrize(
    ("written", "amount"),
    [
        ("1500000", 1_500_000),
        ("1.500.000", 1_500_000),
        ("1 500 000", 1_500_000),
        ("1\u00a0500\u00a0000 ₫", 1_500_000),
        ("1,500,000đ", 1_500_000),
        ("1.500.000 đồng", 1_500_000),
        ("25000 VND", 25_000),
        ("-5.000", -5_000),
        (1_500_000, 1_500_000),
        (1_500_000.0, 1_500_000),
    ],
)
def test_it_reads_amounts_as_people_write_them(written: object, amount: int) -> None:
    assert vnd_parse(written) == amount


@pytest.mark.parametrize(
    "written", ["", "abc", "1.500.00", "1.500,000", "15.5", 15.5, True, "1" * 17, "1 5000"]
)
def test_it_refuses_what_is_no_whole_amount(written: object) -> None:
    with pytest.raises(ValueError):
        vnd_parse(written)


@given(st.integers(min_value=0, max_value=10**15))
def test_what_it_writes_it_reads_back(amount: int) -> None:
    assert vnd_parse(format_vnd(amount)) == amount
    assert vnd_parse(format_number(amount)) == amount
