"""Vietnamese text folding for search: "Lạng Sơn", "LANG  SON" and "lang son" fold alike.

The folded form is stored in an indexed column beside the name, so a search is a plain
``LIKE`` on both SQLite and PostgreSQL, with no database extension.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """NFC input -> NFD, combining marks dropped, đ -> d, casefolded, spaces collapsed."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = bare.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", bare.casefold()).strip()
