"""The report's charts, drawn with matplotlib's Agg backend (no display, no pyplot state):
plan against actual per business line, the monthly trend (this year against last) and the
growth per service. SVG (text kept as text) for the page, PNG for the .docx.

Every chart answers None when the report has nothing to draw, so a report without data has
no empty axes.
"""

from __future__ import annotations

import functools
import hashlib
import io
import itertools
import json
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from buudien.core.money import format_number
from buudien.planning.render.numbers import BILLION, MILLION, is_number

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FONTS = ["Liberation Sans", "DejaVu Sans"]  # both draw every Vietnamese letter
VIETNAMESE = "ảẻễậốừữỳỹđ"  # letters a font without Vietnamese lacks


@functools.cache
def _matplotlib() -> Any:
    """matplotlib, imported and readied at the first chart (not when the site's URLs are
    imported: it and its font list cost every process a few seconds it mostly never needs)."""
    import matplotlib

    matplotlib.use("Agg")
    _only_fonts_with_vietnamese()
    return matplotlib


@contextmanager
def drawing() -> Iterator[Any]:
    """The report's style around a drawing; gives the ``matplotlib.ticker`` module."""
    matplotlib = _matplotlib()
    from matplotlib import ticker

    with matplotlib.rc_context(RC):
        yield ticker


def _only_fonts_with_vietnamese() -> None:
    """Forget the files of FONTS that cannot draw Vietnamese. Debian may hold two Liberation
    Sans: fonts-liberation 1.x (which Chromium brings, without Vietnamese) beside
    fonts-liberation2; matplotlib would take either, and a chart of the .docx would lose
    its accents to empty boxes."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    manager = font_manager.fontManager
    kept = []
    for entry in manager.ttflist:
        if entry.name in FONTS:
            try:
                charmap = FT2Font(entry.fname).get_charmap()
            except (OSError, RuntimeError):
                continue
            if not all(ord(letter) in charmap for letter in VIETNAMESE):
                continue
        kept.append(entry)
    if len(kept) != len(manager.ttflist):
        manager.ttflist = kept
        manager._findfont_cached.cache_clear()  # type: ignore[attr-defined]  # found before


ACTUAL, PLAN, PREVIOUS = "#f5a300", "#0b5cad", "#9aa5b1"
UP, DOWN = "#1f7a3d", "#b42318"
RC: Any = {  # typed loosely: matplotlib types rc keys as literals
    "font.family": "sans-serif",
    "font.sans-serif": FONTS,
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.fonttype": "none",
    "svg.hashsalt": "buudien",  # the same report gives the same SVG
    "axes.unicode_minus": False,
}


@dataclass(frozen=True)
class _Unit:
    """The money unit of a chart's axis: tỷ đồng when its largest figure reaches a billion,
    else triệu đồng (a commune post's year would read 0,0 tỷ on every tick)."""

    divisor: int
    name: str

    @classmethod
    def of(cls, amounts: Sequence[Any]) -> _Unit:
        largest = max((abs(Decimal(a)) for a in amounts if is_number(a)), default=Decimal(0))
        return cls(BILLION, "tỷ đồng") if largest >= BILLION else cls(MILLION, "triệu đồng")

    def scale(self, amount: Any) -> float | None:
        """Đồng in the unit, for plotting (a drawing, not a figure printed anywhere)."""
        return float(Decimal(amount) / self.divisor) if is_number(amount) else None

    def label(self, value: float) -> str:
        """A bar's own figure: "138,2" (tỷ) or "350" (triệu)."""
        return format_number(Decimal(repr(value)), 1 if self.divisor == BILLION else 0)


def _whole(value: float) -> bool:
    return abs(value - round(value)) < 1e-6


def _money_axis(ax: Any, ticker: Any, unit: _Unit) -> None:
    """The axis in ``unit``, named once beside it, each tick with as many decimals as their
    spacing needs and no more: 0 · 0,5 · 1 · 1,5, never 0 · 0 · 1 · 1."""

    class Ticks(ticker.Formatter):
        places = 0

        def set_locs(self, locs: Sequence[float]) -> None:
            super().set_locs(locs)
            steps = [abs(b - a) for a, b in itertools.pairwise(locs) if b != a]
            step = min(steps, default=1.0)
            self.places = 0
            while self.places < 3 and not _whole(step * 10**self.places):
                self.places += 1

        def __call__(self, value: float, pos: Any = None) -> str:
            return format_number(Decimal(repr(round(float(value), self.places))), self.places)

    ax.set_ylabel(unit.name)
    ax.yaxis.set_major_formatter(Ticks())


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    with drawing():
        figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    return figure


def lines_chart(report: dict[str, Any]) -> Figure | None:
    """Grouped bars per business line: actual, plan and last year, in tỷ (or triệu) đồng."""
    lines = [
        line
        for line in report.get("lines") or []
        if any(is_number(line.get(key)) for key in ("actual", "plan", "previous"))
    ]
    if not lines:
        return None
    year = report.get("year")
    unit = _Unit.of([line.get(k) for line in lines for k in ("actual", "plan", "previous")])
    with drawing() as ticker:
        figure = _figure(7.0, 3.4)
        ax = figure.add_subplot()
        names = [_wrap(str(line.get("name") or line.get("code"))) for line in lines]
        series = [
            ("actual", f"Thực hiện {year}", ACTUAL),
            ("plan", f"Kế hoạch {year}", PLAN),
            (
                "previous",
                f"Thực hiện {year - 1}" if isinstance(year, int) else "Năm trước",
                PREVIOUS,
            ),
        ]
        width = 0.26
        for index, (key, label, color) in enumerate(series):
            xs = [i + (index - 1) * width for i in range(len(lines))]
            values = [unit.scale(line.get(key)) for line in lines]
            drawn = [(x, v) for x, v in zip(xs, values, strict=True) if v is not None]
            if not drawn:
                continue
            bars = ax.bar(
                [x for x, _ in drawn], [v for _, v in drawn], width, label=label, color=color
            )
            if key == "actual":
                ax.bar_label(
                    bars,
                    labels=[unit.label(v) for _, v in drawn],
                    fontsize=7,
                )
        ax.set_xticks(range(len(lines)), names)
        _money_axis(ax, ticker, unit)
        ax.set_title("Doanh thu theo mảng kinh doanh: thực hiện và kế hoạch")
        ax.legend(fontsize=8, frameon=False)
    return figure


def monthly_chart(report: dict[str, Any]) -> Figure | None:
    """Revenue per month, this year against last, in tỷ (or triệu) đồng."""
    rows = report.get("monthly") or []
    if not any(is_number(row.get("actual")) or is_number(row.get("previous")) for row in rows):
        return None
    year = report.get("year")
    unit = _Unit.of([row.get(k) for row in rows for k in ("actual", "previous")])
    with drawing() as ticker:
        figure = _figure(7.0, 3.0)
        ax = figure.add_subplot()
        months = [_month(row.get("month"), i) for i, row in enumerate(rows)]
        for key, label, color, style in (
            (
                "previous",
                f"Năm {year - 1}" if isinstance(year, int) else "Năm trước",
                PREVIOUS,
                "--",
            ),
            ("actual", f"Năm {year}" if year else "Năm nay", ACTUAL, "-"),
        ):
            points = [
                (m, unit.scale(row.get(key)))
                for m, row in zip(months, rows, strict=True)
                if key == "previous" or not row.get("estimated")
            ]
            drawn = [(m, v) for m, v in points if v is not None]
            if drawn:
                ax.plot(
                    [m for m, _ in drawn],
                    [v for _, v in drawn],
                    style,
                    marker="o",
                    markersize=3,
                    color=color,
                    label=label,
                )
        # The months of an estimate with days to come: drawn dotted, from the last lived one.
        estimated = [i for i, row in enumerate(rows) if row.get("estimated")]
        if estimated:
            start = max(0, estimated[0] - 1)
            tail = [
                (months[i], value)
                for i in range(start, len(rows))
                if (value := unit.scale(rows[i].get("actual"))) is not None
            ]
            if tail:
                ax.plot(
                    [m for m, _ in tail],
                    [v for _, v in tail],
                    ":",
                    marker="o",
                    markersize=3,
                    markerfacecolor="white",
                    color=ACTUAL,
                    label=f"Năm {year} (ước)" if year else "Năm nay (ước)",
                )
        ax.set_xticks(months, [f"T{m}" for m in months])
        _money_axis(ax, ticker, unit)
        ax.set_ylim(bottom=0)
        ax.set_title("Doanh thu theo tháng")
        ax.legend(fontsize=8, frameon=False)
    return figure


def services_chart(report: dict[str, Any]) -> Figure | None:
    """Horizontal bars: each service's revenue growth on last year, in percent."""
    services = [s for s in report.get("services") or [] if is_number(s.get("growth_pct"))]
    if not services:
        return None
    with drawing() as ticker:
        figure = _figure(7.0, 0.8 + 0.28 * len(services))
        ax = figure.add_subplot()
        names = [str(s.get("name") or s.get("code")) for s in services]
        values = [float(s["growth_pct"]) for s in services]
        ys = list(range(len(services)))[::-1]
        bars = ax.barh(ys, values, color=[UP if v >= 0 else DOWN for v in values], height=0.6)
        ax.bar_label(
            bars, labels=[_signed(s["growth_pct"]) for s in services], fontsize=7, padding=2
        )
        ax.set_yticks(ys, names)
        ax.axvline(0, color="#616e7c", linewidth=0.8)
        ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _p: f"{v:.0f}%"))
        low, high = min(0.0, *values), max(0.0, *values)
        margin = (high - low) * 0.18 or 5
        ax.set_xlim(low - (margin if low < 0 else 0), high + margin)
        year = report.get("year")
        ax.set_title(
            f"Tăng trưởng doanh thu theo dịch vụ so với năm {year - 1}"
            if isinstance(year, int)
            else "Tăng trưởng doanh thu theo dịch vụ"
        )
    return figure


def _signed(value: Any) -> str:
    text = format_number(Decimal(repr(float(value))), 1) + "%"
    return ("+" + text) if value > 0 else text


def _month(value: Any, index: int) -> int:
    """The month of a row: 1..12, or "2023-07"."""
    if isinstance(value, int):
        return value
    match = re.search(r"(\d{1,2})$", str(value or ""))
    return int(match.group(1)) if match else index + 1


def _wrap(name: str, width: int = 16) -> str:
    words, lines, current = name.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    lines.append(current)
    return "\n".join(lines)


def svg(figure: Figure, *, title: str = "") -> str:
    """The chart as inline SVG: no XML prolog, scalable to its container, titled for readers."""
    buffer = io.StringIO()
    with drawing():
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(
        r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1 width="100%"', text, count=1
    )
    if title:
        from django.utils.html import escape

        text = text.replace(">", f' role="img" aria-label="{escape(title)}">', 1)
    return text


def png(figure: Figure, *, dpi: int = 200) -> bytes:
    buffer = io.BytesIO()
    with drawing():
        figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


# What each chart draws from: the report's keys it reads, and its drawing.
_CHARTS: dict[str, tuple[tuple[str, ...], Callable[[dict[str, Any]], Figure | None]]] = {
    "lines": (("year", "lines"), lines_chart),
    "monthly": (("year", "monthly"), monthly_chart),
    "services": (("year", "services"), services_chart),
}
# A chart kept is the drawing of the same figures: it stays right as long as it is kept.
# Raise CHARTS_VERSION when a drawing changes (a process keeps its cache until it ends).
CHARTS_VERSION = 1
CHART_SECONDS = 24 * 60 * 60


def _chart_key(report: dict[str, Any], key: str, title: str) -> str:
    """The cache key of a chart: the province, the unit, the period and the language it is
    of, and a digest of the figures it draws (so a change of them is another chart)."""
    from django.utils.translation import get_language

    reads, _draw = _CHARTS[key]
    data = json.dumps([title, *(report.get(name) for name in reads)], sort_keys=True, default=str)
    digest = hashlib.sha256(data.encode()).hexdigest()[:32]
    period = report.get("period") or {}
    return ":".join(
        [
            f"buudien:chart:{CHARTS_VERSION}",
            str((report.get("province") or {}).get("code", "")),
            str((report.get("unit") or {}).get("code", "")),
            f"{period.get('from', '')}-{period.get('to', '')}",
            get_language() or "",
            key,
            digest,
        ]
    )


def svg_charts(report: dict[str, Any], titles: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
    """The charts ``titles`` names ((key, title), in that order) that the report has data
    for, each as inline SVG: ``{"key", "title", "svg"}``. Drawn once for the same figures
    and kept (Django's cache, a day): a page shown again draws nothing."""
    from django.core.cache import cache
    from django.utils.safestring import mark_safe

    out = []
    for key, title in titles:
        cache_key = _chart_key(report, key, title)
        text = cache.get(cache_key)
        if text is None:
            figure = _CHARTS[key][1](report)
            text = svg(figure, title=title) if figure is not None else ""  # "": no data
            cache.set(cache_key, text, CHART_SECONDS)
        if text:
            out.append({"key": key, "title": title, "svg": mark_safe(text)})
    return out


# The report's charts, in reading order: (key, title).
REPORT_CHARTS = (
    ("lines", "Thực hiện và kế hoạch doanh thu theo mảng kinh doanh"),
    ("monthly", "Doanh thu theo tháng, năm nay và năm trước"),
    ("services", "Tăng trưởng doanh thu theo dịch vụ"),
)


def all_charts(report: dict[str, Any]) -> list[tuple[str, str, Figure]]:
    """(key, title, figure) of every chart the report has data for, in reading order."""
    charts = [(key, title, _CHARTS[key][1](report)) for key, title in REPORT_CHARTS]
    return [(key, title, figure) for key, title, figure in charts if figure is not None]
