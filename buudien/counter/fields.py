"""Cleaning what a customer gives at the counter. Each function returns the clean value or
raises a DomainError naming the field, in the user's language."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from buudien.core.errors import DomainError
from buudien.core.money import format_vnd

MAX_AMOUNT = 10**12  # a thousand billion đồng: no counter operation is larger

_CITIZEN_ID = re.compile(r"^\d{12}$")
_PHONE = re.compile(r"^0\d{8,10}$")


def text(value: Any, *, field: str, label: str, required: bool = True, limit: int = 150) -> str:
    """``value`` with its white space folded; refused when it holds a NUL, is empty and
    ``required``, or is longer than ``limit``."""
    cleaned = " ".join(str(value or "").split())
    if "\x00" in cleaned:
        raise DomainError(_("%(label)s contains a null character.") % {"label": label}, field=field)
    if required and not cleaned:
        raise DomainError(_("%(label)s is required.") % {"label": label}, field=field)
    if len(cleaned) > limit:
        raise DomainError(
            _("%(label)s is longer than %(limit)s characters.") % {"label": label, "limit": limit},
            field=field,
        )
    return cleaned


def citizen_id(value: Any, *, field: str = "citizen_id", required: bool = True) -> str:
    cleaned = str(value or "").strip().replace(" ", "")
    if not cleaned and not required:
        return ""
    if not _CITIZEN_ID.match(cleaned):
        raise DomainError(_("A citizen ID is 12 digits."), field=field)
    return cleaned


def phone(value: Any, *, field: str = "phone", required: bool = True) -> str:
    cleaned = re.sub(r"[\s.\-]", "", str(value or ""))
    if cleaned.startswith("+84"):
        cleaned = "0" + cleaned[3:]
    if not cleaned and not required:
        return ""
    if not _PHONE.match(cleaned):
        raise DomainError(
            _("A phone number is 9 to 11 digits starting with 0, e.g. 0912345678."), field=field
        )
    return cleaned


def pattern(value: Any, regex: re.Pattern[str], *, field: str, message: str) -> str:
    """``value`` without spaces, in capitals, when it matches ``regex``."""
    cleaned = str(value or "").strip().replace(" ", "").upper()
    if not regex.match(cleaned):
        raise DomainError(message, field=field)
    return cleaned


def amount(value: Any, *, field: str = "amount", maximum: int = MAX_AMOUNT) -> int:
    """A whole number of đồng, more than zero and at most ``maximum``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(
            _("An amount is a whole number of đồng, not %(value)r.") % {"value": value},
            field=field,
        )
    if value <= 0:
        raise DomainError(_("The amount must be more than zero."), field=field)
    if value > maximum:
        raise DomainError(
            _("The amount cannot be more than %(max)s.") % {"max": format_vnd(maximum)},
            field=field,
        )
    return value


def whole(value: Any, *, field: str, label: str, low: int, high: int) -> int:
    """A whole number of đồng from ``low`` to ``high``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(
            _("%(label)s is a whole number of đồng, not %(value)r.")
            % {"label": label, "value": value},
            field=field,
        )
    if value < low or value > high:
        raise DomainError(
            _("%(label)s must be between %(low)s and %(high)s.")
            % {"label": label, "low": format_vnd(low), "high": format_vnd(high)},
            field=field,
        )
    return value
