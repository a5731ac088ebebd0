from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from buudien.core.text import fold


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lạng Sơn", "lang son"),
        ("Đồng Đăng", "dong dang"),
        ("  LẠNG   SƠN ", "lang son"),
        ("Lạng\tSơn\n", "lang son"),
        ("Bưu điện tỉnh Lạng Sơn", "buu dien tinh lang son"),
        ("ĐẮK LẮK", "dak lak"),
        ("Điện Biên Phủ", "dien bien phu"),
        ("Nguyễn Thị Ánh", "nguyen thi anh"),
        ("Chi Lăng", "chi lang"),
        ("Bưu cục 240001", "buu cuc 240001"),
        ("lang son", "lang son"),
    ],
)
def test_it_folds_vietnamese_names_for_search(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_it_folds_decomposed_input_like_composed_input() -> None:
    # given "Lạng Sơn" typed on a system that sends combining marks (NFD)
    decomposed = unicodedata.normalize("NFD", "Lạng Sơn")
    assert decomposed != "Lạng Sơn"
    # when it is folded
    # then it folds as the composed text does
    assert fold(decomposed) == "lang son"
    assert fold(unicodedata.normalize("NFD", "Đồng Đăng")) == "dong dang"


@pytest.mark.parametrize("text", [None, "", "   "])
def test_it_folds_nothing_to_an_empty_string(text: str | None) -> None:
    assert fold(text) == ""


def test_it_lets_the_folded_query_match_the_folded_name_as_a_substring() -> None:
    assert fold("lạng") in fold("Bưu điện tỉnh LẠNG SƠN")


@given(st.text())
def test_folding_twice_is_folding_once(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậ ĐÂĂƯƠÊÔ"))
def test_a_folded_vietnamese_text_has_no_marks_and_no_capitals(text: str) -> None:
    folded = fold(text)
    assert folded.isascii()
    assert folded == folded.lower()
    assert "  " not in folded
