"""UPU S10 item identifiers: "RR123456785VN".

Two letters of service indicator, an eight-digit serial, one check digit and the two-letter
ISO code of the issuing country. The check digit weighs the serial digits by
8 6 4 2 3 5 9 7; with S the weighted sum, C = 11 - (S mod 11), where 10 becomes 0 and
11 becomes 5. The standard's own example: serial 47312482 has S = 200 and check digit 9.

Input is normalised before it is judged: surrounding and inner spaces go, letters are
uppercased ("rr 12345678 5 vn" reads as "RR123456785VN"). A fault is reported as an
``S10Error`` naming the one thing that is wrong, first fault first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from buudien.core.errors import DomainError
from buudien.core.money import format_number
from buudien.core.sequences import sequence_next

WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
LENGTH = 13
SERIAL_MIN = 1
SERIAL_MAX = 99_999_999

_LETTERS = re.compile(r"[A-Z]{2}")
_DIGITS = re.compile(r"[0-9]{8}")
_SPACES = re.compile(r"\s+")


def _interpolate(message: Any, params: dict[str, Any]) -> str:
    return str(message) % params


# Translated when shown, in the language active then, not when the error is raised.
_lazy_interpolate = lazy(_interpolate, str)


class S10Error(DomainError):
    """An S10 identifier is malformed. ``fault`` names which part, for programs:
    length, service, serial, check_digit, check_digit_mismatch, country."""

    def __init__(self, message: Any, *, fault: str, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.fault = fault


@dataclass(frozen=True, slots=True)
class S10:
    prefix: str
    serial: int
    check: int
    country: str

    def __str__(self) -> str:
        return f"{self.prefix}{self.serial:08d}{self.check}{self.country}"


def check_digit(serial: str | int) -> int:
    """The S10 check digit of an eight-digit serial: check_digit("47312482") == 9."""
    if isinstance(serial, int):
        if isinstance(serial, bool) or not 0 <= serial <= SERIAL_MAX:
            raise ValueError(f"an S10 serial has 8 digits, got {serial!r}")
        serial = f"{serial:08d}"
    if not _DIGITS.fullmatch(serial):
        raise ValueError(f"an S10 serial has 8 digits, got {serial!r}")
    total = sum(int(digit) * weight for digit, weight in zip(serial, WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: 0, 11: 5}.get(check, check)


def _check_letters(value: str, *, fault: str) -> None:
    if _LETTERS.fullmatch(value):
        return
    if fault == "service":
        message = _("The service indicator must be 2 letters, got “%(value)s”.")
    else:
        message = _("The country code must be 2 letters, got “%(value)s”.")
    raise S10Error(_lazy_interpolate(message, {"value": value}), fault=fault)


def s10_make(prefix: str, serial: int, country: str = "VN") -> str:
    """The identifier of one serial: s10_make("RR", 12345678) == "RR123456785VN".

    Any serial of the standard, 0 to 99,999,999, is accepted; counters start at 1.
    """
    prefix, country = prefix.strip().upper(), country.strip().upper()
    _check_letters(prefix, fault="service")
    _check_letters(country, fault="country")
    if isinstance(serial, bool) or not 0 <= serial <= SERIAL_MAX:
        message = _("The serial must be 8 digits, got “%(value)s”.")
        raise S10Error(_lazy_interpolate(message, {"value": serial}), fault="serial")
    return str(S10(prefix, serial, check_digit(serial), country))


def s10_normalise(value: str) -> str:
    """Spaces removed, letters uppercased: " rr 12345678 5 vn " -> "RR123456785VN"."""
    return _SPACES.sub("", value).upper()


def s10_parse(value: str) -> S10:
    """The parts of a well-formed identifier, or an S10Error naming the first fault."""
    text = s10_normalise(value)
    if len(text) != LENGTH:
        message = _("An S10 identifier has 13 characters, got %(count)d.")
        raise S10Error(_lazy_interpolate(message, {"count": len(text)}), fault="length")
    prefix, serial, check, country = text[:2], text[2:10], text[10], text[11:]
    _check_letters(prefix, fault="service")
    if not _DIGITS.fullmatch(serial):
        message = _("The serial must be 8 digits, got “%(value)s”.")
        raise S10Error(_lazy_interpolate(message, {"value": serial}), fault="serial")
    if check not in "0123456789":
        message = _("The check digit must be a digit, got “%(value)s”.")
        raise S10Error(_lazy_interpolate(message, {"value": check}), fault="check_digit")
    _check_letters(country, fault="country")
    expected = check_digit(serial)
    if int(check) != expected:
        message = _("Wrong check digit: expected %(expected)d, got %(given)s.")
        params = {"expected": expected, "given": check}
        raise S10Error(_lazy_interpolate(message, params), fault="check_digit_mismatch")
    return S10(prefix, int(serial), expected, country)


def s10_is_valid(value: object) -> bool:
    """True for a well-formed identifier (after normalising), False for anything else."""
    if not isinstance(value, str):
        return False
    try:
        s10_parse(value)
    except S10Error:
        return False
    return True


def s10_next(prefix: str, *, sequence: str, country: str = "VN", count: int = 1) -> list[str]:
    """``count`` new identifiers, in order, with serials taken from the counter ``sequence``.

    Serials run from 1 to 99,999,999; a counter that would pass the end raises DomainError
    and takes nothing.
    """
    if count < 1:
        raise ValueError("count must be 1 or more")
    prefix, country = prefix.strip().upper(), country.strip().upper()
    _check_letters(prefix, fault="service")
    _check_letters(country, fault="country")
    with transaction.atomic():
        last = sequence_next(sequence, count)
        if last > SERIAL_MAX:
            message = _("The serial numbers of %(sequence)s are used up (the last is %(max)s).")
            params = {"sequence": sequence, "max": format_number(SERIAL_MAX)}
            raise DomainError(_lazy_interpolate(message, params))
    first = last - count + 1
    return [s10_make(prefix, serial, country) for serial in range(first, last + 1)]
