"""Figures as the year-end report writes them: "138,2 tỷ đồng", "101,2%", "—" for no data.

The report's content is a Vietnamese document (Decree 30/2020/NĐ-CP), so these words are
Vietnamese whatever the language of the page around it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TypeGuard

from buudien.core.money import format_number, format_percent

DASH = "—"  # a figure without data, in tables
BILLION = 10**9
MILLION = 10**6


def is_number(value: Any) -> TypeGuard[int | float | Decimal]:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def billions(amount: Any, digits: int = 1) -> str:
    """138215000000 -> "138,2"; with ``digits=3`` 133643000000 -> "133,643", trailing zeros
    of the fraction dropped (140000000000 -> "140"). None -> ""."""
    if not is_number(amount):
        return ""
    text = format_number(Decimal(amount) / BILLION, digits)
    if digits > 1 and "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


def amount_words(amount: Any, digits: int = 1) -> str:
    """An amount in a sentence: "138,2 tỷ đồng", "850 triệu đồng", "12.500 đồng"."""
    if not is_number(amount):
        return ""
    size = abs(Decimal(amount))
    if size >= BILLION:
        return f"{billions(amount, digits)} tỷ đồng"
    if size >= MILLION:
        return f"{format_number(Decimal(amount) / MILLION, 0)} triệu đồng"
    return f"{format_number(amount)} đồng"


def short_billions(amount: Any) -> str:
    """A chart or dashboard label: "138,2 tỷ"."""
    if not is_number(amount):
        return DASH
    return f"{billions(amount)} tỷ"


def millions(amount: Any) -> str:
    """A table cell in millions of đồng: 138215000000 -> "138.215"; None -> "—"."""
    if not is_number(amount):
        return DASH
    return format_number(Decimal(amount) / MILLION, 0)


def number(n: Any) -> str:
    return format_number(n) if is_number(n) else DASH


def decimal(x: Any, digits: int = 2) -> str:
    """A ratio such as complaints per 10,000 items: 1.25 -> "1,25"; None -> "—"."""
    return format_number(Decimal(str(x)), digits) if is_number(x) else DASH


def percent(x: Any) -> str:
    """101.2 -> "101,2%"; None -> "—"."""
    return format_percent(x) if is_number(x) else DASH


def percent_short(x: Any) -> str:
    """100.0 -> "100%", 99.5 -> "99,5%": for prose where ",0" reads oddly."""
    if not is_number(x):
        return ""
    text = format_percent(x)
    return text.replace(",0%", "%")


def growth_words(pct: Any) -> str:
    """5.3 -> "tăng 5,3%", -2.1 -> "giảm 2,1%", 0 -> "bằng"; None -> ""."""
    if not is_number(pct):
        return ""
    if pct > 0:
        return f"tăng {format_percent(pct)}"
    if pct < 0:
        return f"giảm {format_percent(-pct)}"
    return "bằng"


def signed_percent(x: Any) -> str:
    """A growth in a table: "+13,3%", "-2,1%", "—"."""
    if not is_number(x):
        return DASH
    return ("+" if x > 0 else "") + format_percent(x)


def date_line(day: dt.date) -> str:
    """Decree 30/2020, Appendix I: "ngày 05 tháng 01 năm 2024"; days below 10 and the months
    1 and 2 take a leading zero, the others do not ("ngày 28 tháng 12 năm 2023")."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def day(value: Any) -> str:
    """An ISO date (or a date) as "05/01/2024"; "" without one."""
    if isinstance(value, str) and value:
        value = dt.date.fromisoformat(value)
    return value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else ""
