"""Money and numbers as a Vietnamese post office writes them.

Money is an integer number of đồng, never a float. A ``Decimal`` (an average, a share of a
fee) becomes đồng by rounding half up, away from zero: 2.5 -> 3, -2.5 -> -3, the way an
accountant rounds, not the banker's rounding that Python and Babel use by default.

Display follows Babel's ``vi`` locale whatever the active language: 138.500.000.000 ₫ with a
no-break space before the sign, 1.234.567, 101,2% (from 101.2: a percentage is kept in
percent, as the selectors compute it). Invoices also carry the amount in words: "một triệu
không trăm linh năm nghìn đồng".
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel import Locale
from babel.numbers import format_currency, format_decimal

# Parsed once: given its name, Babel parses the locale again on every number it writes (half
# the time of writing one; a report writes some thousands).
LOCALE = Locale.parse("vi")
CURRENCY = "VND"

Number = int | Decimal | float


def _to_decimal(value: Number | str) -> Decimal:
    """A finite Decimal from an int, a Decimal, a float (through its shortest repr) or a str."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        return Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"not a number: {value!r}") from None
    else:
        raise TypeError(f"not a number: {value!r}")
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return number


def _quantize(value: Decimal, digits: int) -> Decimal:
    """``value`` rounded half up (away from zero) to ``digits`` decimal places; never -0."""
    rounded = value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return rounded.copy_abs() if rounded.is_zero() else rounded


def round_vnd(value: Decimal | int | str) -> int:
    """Whole đồng, rounded half up, away from zero: "2.5" -> 3, Decimal("-2.5") -> -3.

    A float is refused with TypeError: money never passes through binary floating point.
    """
    if isinstance(value, float):
        raise TypeError("money is never a float; pass an int, a Decimal or a str")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(_quantize(_to_decimal(value), 0))


_VND_SIGN = re.compile(r"\s*(đồng|đ|₫|vnd|vnđ)\s*$", re.IGNORECASE)
_VND_GROUPED = re.compile(r"^-?(\d+|\d{1,3}(\.\d{3})+|\d{1,3}(,\d{3})+|\d{1,3}( \d{3})+)$")
VND_DIGITS_MAX = 16


def vnd_parse(value: object) -> int:
    """Whole đồng as people write them at a counter or in a spreadsheet: ``1500000``,
    ``1.500.000``, ``1 500 000``, ``1,500,000``, with or without ``₫``, ``đ``, ``đồng`` or
    ``VND``; an int, or a float with no fraction (a spreadsheet cell), as it is. A minus sign
    is read (the caller says whether a negative amount makes sense). ValueError for anything
    else: a fraction, groups of other than three digits, more than 16 digits."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError(value)
    text = unicodedata.normalize("NFC", str(value)).replace("\u00a0", " ").replace("\u202f", " ")
    text = _VND_SIGN.sub("", text.strip())
    if not _VND_GROUPED.match(text):
        raise ValueError(text)
    digits = re.sub(r"[., ]", "", text)
    if len(digits.lstrip("-")) > VND_DIGITS_MAX:
        raise ValueError(text)
    return int(digits)


def format_vnd(amount: int | Decimal | None) -> str:
    """138500000000 -> "138.500.000.000\\xa0₫"; -5000 -> "-5.000\\xa0₫"; None -> ""."""
    if amount is None:
        return ""
    return format_currency(round_vnd(amount), CURRENCY, locale=LOCALE)


def _pattern(digits: int) -> str:
    if digits < 0:
        raise ValueError("digits must be 0 or more")
    return "#,##0" + ("." + "0" * digits if digits else "")


def format_number(n: Number | None, digits: int = 0) -> str:
    """Vietnamese grouping and decimal comma, rounded half up to ``digits`` places.

    1234567 -> "1.234.567"; format_number(Decimal("1234.5"), 1) -> "1.234,5"; None -> "".
    """
    if n is None:
        return ""
    value = _quantize(_to_decimal(n), digits)
    return format_decimal(value, format=_pattern(digits), locale=LOCALE)


def format_percent(x: Number | None, digits: int = 1, *, ratio: bool = False) -> str:
    """A percentage the Vietnamese way, rounded half up: 101.2 -> "101,2%"; None -> "".

    ``x`` is in percent already (66.7 is two thirds), as the selectors compute it; with
    ``ratio=True`` it is a fraction to multiply by 100 (format_percent(0.5, ratio=True) is
    "50,0%").
    """
    if x is None:
        return ""
    value = _to_decimal(x) * 100 if ratio else _to_decimal(x)
    return format_decimal(_quantize(value, digits), format=_pattern(digits), locale=LOCALE) + "%"


# --- the amount in words -------------------------------------------------------------------

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_BILLION = 10**9
# Groups of three digits below a billion, from the highest: triệu, nghìn, then the units.
_SCALES = ((10**6, "triệu"), (10**3, "nghìn"), (1, ""))


def _group_words(group: int, *, in_full: bool) -> list[str]:
    """The words of 1..999. ``in_full``: a higher group came before, so the hundreds are read
    even when zero ("không trăm linh năm") and a lone unit takes "linh"."""
    hundreds, rest = divmod(group, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or in_full:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units == 1 and tens >= 2:
        words.append("mốt")
    elif units == 5 and tens >= 1:
        words.append("lăm")
    elif units:
        words.append(_DIGITS[units])
    return words


def _number_words(n: int, *, in_full: bool) -> list[str]:
    """The words of n > 0. Above a billion the count of billions is read as a number of its
    own before "tỷ" (1.500 tỷ is "một nghìn năm trăm tỷ"), which gives "nghìn tỷ", "triệu tỷ"
    and "tỷ tỷ" without a table of names."""
    words: list[str] = []
    billions, below = divmod(n, _BILLION)
    if billions:
        words += [*_number_words(billions, in_full=in_full), "tỷ"]
        in_full = True
    for scale, name in _SCALES:
        group, below = divmod(below, scale)
        if not group:
            continue  # a group of 000 is not read at all
        words += _group_words(group, in_full=in_full)
        if name:
            words.append(name)
        in_full = True
    return words


def amount_in_words(amount: int, *, capitalize: bool = False) -> str:
    """The amount as written on an invoice: 1005000 -> "một triệu không trăm linh năm nghìn
    đồng"; 0 -> "không đồng"; -5 -> "âm năm đồng". ``capitalize`` raises the first letter, as
    the line "Số tiền viết bằng chữ: Một triệu ..." wants."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError("the amount in words takes whole đồng (an int); round it first")
    words = ["âm"] if amount < 0 else []
    words += _number_words(abs(amount), in_full=False) if amount else ["không"]
    words.append("đồng")
    text = " ".join(words)
    return text[0].upper() + text[1:] if capitalize else text


def amount_in_words_capitalized(amount: int) -> str:
    """``amount_in_words`` with a capital first letter: "Một trăm linh năm đồng"."""
    return amount_in_words(amount, capitalize=True)
