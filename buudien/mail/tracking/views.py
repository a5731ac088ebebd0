"""Public tracking pages, no login: a search box for one or several item numbers, and an
item's timeline in Vietnamese. A KT1 item reads exactly as an unknown number."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from buudien.core.http import HtmxHttpRequest
from buudien.core.s10 import S10Error, s10_parse
from buudien.mail.tracking.selectors import MAX_IDS, ItemSummary, item_summaries, item_timeline

# Ids are separated by new lines, commas or semicolons; inside a line by spaces, unless the
# spaces are inside an id typed in groups as printed on a label ("rr 0000 8152 5 vn").
_LINES = re.compile(r"[\n\r,;]+")
_GAPS = re.compile(r"[\s.\-]+")
_RUN_OF_IDS = re.compile(r"(?:[A-Z]{2}\d{9}[A-Z]{2})+")
_ONE_ID = re.compile(r"[A-Z]{2}\d{9}[A-Z]{2}")


@dataclass(frozen=True, slots=True)
class SearchRow:
    given: str
    s10: str
    error: str
    summary: ItemSummary | None


def split_ids(text: str) -> list[str]:
    """The ids in a search box, repeated ones once, in the order given: one per line or
    separated by commas, semicolons or spaces; a line whose letters and digits, spaces,
    dots and dashes left out, make whole ids is read as those ids ("rr 0000 8152 5 vn",
    "RR000081525VN RR123456785VN"); any other line is split at its spaces, so each piece
    is answered with what is wrong with it."""
    found: list[str] = []
    for line in _LINES.split(text):
        packed = _GAPS.sub("", line).upper()
        if _RUN_OF_IDS.fullmatch(packed):
            found += _ONE_ID.findall(packed)
        else:
            found += line.split()
    return list(dict.fromkeys(found))


def _parse(given: str) -> tuple[str, str]:
    """(normalised id, "") or ("", the fault)."""
    try:
        return str(s10_parse(given)), ""
    except S10Error as exc:
        return "", str(exc.message)


@require_GET
def tracking_search(request: HtmxHttpRequest) -> HttpResponse:
    """/tracking/?q=...: one id goes straight to its page; several get a table of where
    each is, with a clear line for each one that is malformed or unknown."""
    text = request.GET.get("q", "")[:2000]
    given = split_ids(text)
    context: dict[str, object] = {"q": text, "rows": [], "error": "", "max_ids": MAX_IDS}
    if len(given) > MAX_IDS:
        context["error"] = _("At most %(max)d item numbers at a time; you gave %(count)d.") % {
            "max": MAX_IDS,
            "count": len(given),
        }
    elif given:
        parsed = [(g, *_parse(g)) for g in given]
        if len(parsed) == 1 and parsed[0][1] and not request.htmx:
            return redirect("tracking:item", s10=parsed[0][1])
        found = item_summaries(s10 for _g, s10, _e in parsed if s10)
        unknown = _("No item with this number.")
        context["rows"] = [
            SearchRow(
                given=g,
                s10=s10,
                error=error or ("" if s10 in found else unknown),
                summary=found.get(s10),
            )
            for g, s10, error in parsed
        ]
    template = "mail/partials/_tracking_results.html" if request.htmx else "mail/tracking.html"
    return render(request, template, context)


@require_GET
def tracking_item(request: HtmxHttpRequest, s10: str) -> HttpResponse:
    """/tracking/<s10>/: the timeline; 400 for a malformed id (saying what is wrong, the
    expected check digit included), 404 for an unknown or KT1 item."""
    key, error = _parse(s10)
    if error:
        context = {"given": s10, "error": error, "timeline": None}
        return render(request, "mail/tracking_item.html", context, status=400)
    timeline = item_timeline(key)
    if timeline is None:
        context = {"given": key, "error": _("No item with this number."), "timeline": None}
        return render(request, "mail/tracking_item.html", context, status=404)
    return render(request, "mail/tracking_item.html", {"given": key, "timeline": timeline})
