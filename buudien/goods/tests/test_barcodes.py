"""Barcodes: an EAN-13 with its check digit, or the post's own code."""

from __future__ import annotations

import pytest

from buudien.core.errors import DomainError
from buudien.goods.barcodes import barcode_clean, ean13_check_digit, is_ean13


def test_the_check_digit_of_real_ean13s():
    assert ean13_check_digit("893460000001") == 1
    assert is_ean13("4006381333931")  # GS1's own example
    assert is_ean13("8935049500018")
    assert not is_ean13("8935049500017")


def test_a_scanned_ean13_and_an_internal_code_are_accepted():
    assert barcode_clean(" 8934600000011 ") == "8934600000011"
    assert barcode_clean("bd-ocop-0012") == "BD-OCOP-0012"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("8934600000012", "check digit should be 1"),
        ("893460000001", "13 digits, not 12"),
        ("12", "13 digits, not 2"),
        ("BD", "neither an EAN-13 nor an internal code"),
        ("BD_01", "neither an EAN-13 nor an internal code"),
        ("", "neither an EAN-13 nor an internal code"),
        ("٨٩٣٤٦٠٠٠٠٠٠١١", "neither an EAN-13 nor an internal code"),  # not ASCII digits
    ],
)
def test_a_wrong_code_is_refused_saying_why(english, code, message):
    with pytest.raises(DomainError, match=message):
        barcode_clean(code)
