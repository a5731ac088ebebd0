"""Vietnamese vehicle plates as the counter types them, checked and written one way.

- a motorbike: the province's two digits, a series of a letter and a letter or digit, then
  four or five digits: ``29-B1 123.45``, ``12-AB 1234`` (typed ``29B112345``, ``29-b1 12345``);
- a car: the province's two digits, a series of one or two letters, then four or five
  digits: ``30A-123.45``, ``29LD-1234`` (typed ``30A12345``).

Province codes run from 11 to 99 (Circular 24/2023/TT-BCA, annex 2).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from buudien.core.errors import DomainError

_MOTORBIKE = re.compile(r"^(\d{2})([A-Z][A-Z0-9])(\d{4,5})$")
_CAR = re.compile(r"^(\d{2})([A-Z]{1,2})(\d{4,5})$")
TYPED = re.compile(r"[\s.\-]")


def _digits(number: str) -> str:
    return f"{number[:3]}.{number[3:]}" if len(number) == 5 else number


def plate_clean(value: object, *, car: bool, field: str = "plate") -> str:
    """The plate ``value`` written as on the plate, or a refusal naming ``field``."""
    typed = TYPED.sub("", str(value or "")).upper()
    found = (_CAR if car else _MOTORBIKE).match(typed)
    if found is None or not 11 <= int(found.group(1)) <= 99:
        example = "30A-123.45" if car else "29-B1 123.45"
        raise DomainError(
            _("Write the vehicle plate as on the plate, e.g. %(example)s.") % {"example": example},
            field=field,
        )
    province, series, number = found.groups()
    if car:
        return f"{province}{series}-{_digits(number)}"
    return f"{province}-{series} {_digits(number)}"
