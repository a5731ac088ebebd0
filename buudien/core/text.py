"""Vietnamese text folding for search: "Lạng Sơn", "LANG  SON" and "lang son" fold alike.

The folded form is stored in an indexed column beside the name, so a search is a plain
``LIKE`` on both SQLite and PostgreSQL, with no database extension.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_SPACES = re.compile(r"\s+")
_NUMBERS = re.compile(r"(\d+)")


def fold(text: str | None) -> str:
    """NFC input -> NFD, combining marks dropped, đ -> d, casefolded, spaces collapsed."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = bare.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", bare.casefold()).strip()


def natural_key(text: str | None) -> tuple[Any, ...]:
    """A sort key that puts "Số 13" before "Số 103" (a postman's round, a press round): the
    numbers in ``text`` compared as numbers, the words without their diacritics."""
    return tuple(
        int(part) if index % 2 else fold(part)
        for index, part in enumerate(_NUMBERS.split(text or ""))
    )
