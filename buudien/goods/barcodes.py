"""Barcodes of products: an EAN-13 (GS1, with its check digit) or the post's own code.

A code of digits only is an EAN-13 and must carry the right check digit (a scanner that
misreads one digit gives a code that is refused, not another product). Anything else is the
post's internal code: 4 to 20 capital letters, digits and dashes, with at least one letter
(so it can never be taken for a misread EAN-13).
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from buudien.core.errors import DomainError

_INTERNAL = re.compile(r"^(?=.*[A-Z])[A-Z0-9-]{4,20}$")


def ean13_check_digit(first_twelve: str) -> int:
    """The check digit of an EAN-13 from its first 12 digits (weights 1, 3, 1, 3 ...)."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first_twelve))
    return (10 - total % 10) % 10


def is_ean13(code: str) -> bool:
    return (
        len(code) == 13
        and code.isascii()
        and code.isdigit()
        and ean13_check_digit(code[:12]) == int(code[12])
    )


def barcode_clean(value: Any, *, field: str = "barcode") -> str:
    """A barcode as scanned or typed (spaces dropped, letters in capitals), or a refusal."""
    code = "".join(str(value or "").split()).upper()
    if code.isascii() and code.isdigit():
        if len(code) != 13:
            raise DomainError(
                _("A barcode of digits is an EAN-13: 13 digits, not %(n)s.") % {"n": len(code)},
                field=field,
            )
        if not is_ean13(code):
            raise DomainError(
                _("%(code)s is not a valid EAN-13: its check digit should be %(digit)s.")
                % {"code": code, "digit": ean13_check_digit(code[:12])},
                field=field,
            )
        return code
    if not _INTERNAL.match(code):
        raise DomainError(
            _(
                "%(code)r is neither an EAN-13 nor an internal code (4 to 20 capital letters, "
                "digits and dashes, at least one letter)."
            )
            % {"code": code[:40]},
            field=field,
        )
    return code
