"""Vietnamese numbers in templates, loaded as a builtin (no ``{% load %}`` needed).

    {{ item.fee|vnd }}            138.500.000.000 ₫
    {{ invoice.total|vnd_words }} Một triệu không trăm linh năm nghìn đồng
    {{ count|number }}            1.234.567      {{ weight|number:1 }}  1.234,5
    {{ pct|percent }}             101,2%         {{ pct|percent:0 }}    101%   (pct = 101.2)

Like Django's own filters these never raise: an empty or unreadable value shows as "".
A float (what ``Avg`` returns) is read through its shortest decimal form, then rounded half
up like any amount.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from buudien.core.money import (
    amount_in_words,
    format_number,
    format_percent,
    format_vnd,
    round_vnd,
)

register = template.Library()

Readable = int | Decimal | float | str | None


def _decimal(value: Readable) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip()
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None
    return number if number.is_finite() else None


def _whole_vnd(value: Readable) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    number = _decimal(value)
    return None if number is None else round_vnd(number)


def _digits(arg: int | str | None, default: int) -> int | None:
    if arg is None or arg == "":
        return default
    try:
        digits = int(arg)
    except (TypeError, ValueError):
        return None
    return digits if 0 <= digits <= 10 else None


@register.filter(is_safe=True)
def vnd(value: Readable) -> str:
    """An amount of đồng: 138500000000 -> "138.500.000.000 ₫" (no-break space)."""
    amount = _whole_vnd(value)
    return "" if amount is None else format_vnd(amount)


@register.filter(is_safe=True)
def vnd_words(value: Readable) -> str:
    """An amount in words, capitalised as on an invoice: "Một trăm linh năm đồng"."""
    amount = _whole_vnd(value)
    return "" if amount is None else amount_in_words(amount, capitalize=True)


@register.filter(is_safe=True)
def number(value: Readable, digits: int | str | None = None) -> str:
    """Vietnamese grouping: 1234567 -> "1.234.567"; ``number:1`` keeps one decimal."""
    places = _digits(digits, 0)
    parsed = _decimal(value)
    return "" if parsed is None or places is None else format_number(parsed, places)


@register.filter(is_safe=True)
def percent(value: Readable, digits: int | str | None = None) -> str:
    """A value in percent: 101.2 -> "101,2%"; ``percent:0`` -> "101%"."""
    places = _digits(digits, 1)
    parsed = _decimal(value)
    return "" if parsed is None or places is None else format_percent(parsed, places)
