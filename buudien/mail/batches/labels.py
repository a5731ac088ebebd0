"""The labels of a list of items in one PDF, a page each (to print a customer's list at
once): ``labels.label_page`` draws each page as ``labels.label_pdf`` draws a single label;
and the items a user asks labels for, through their scope."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from buudien.core.audit import audit_record
from buudien.core.errors import NotFound
from buudien.core.s10 import s10_normalise
from buudien.mail import selectors
from buudien.mail.acceptance import labels
from buudien.mail.models import PostalItem


def labels_pdf(
    items: Iterable[PostalItem], *, size: str = "100x150", request: HttpRequest | None = None
) -> bytes:
    """One PDF with the label of every item, in the order given; ``size`` is "100x150" or
    "a6". An empty list gives an empty page."""
    if size not in labels.LABEL_SIZES:
        raise ValueError(f"unknown label size {size!r}")
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=labels.LABEL_SIZES[size], invariant=1, pageCompression=1)
    canvas.setTitle("Nhãn bưu gửi")
    canvas.setAuthor("buudien")
    canvas.setCreator("buudien")
    pages = 0
    for item in items:
        labels.label_page(canvas, item, size=size, request=request)
        canvas.showPage()
        pages += 1
    if not pages:
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def items_for_labels(*, user: Any, numbers: Iterable[str]) -> list[PostalItem]:
    """The items of these numbers that ``user`` may see, in the order given, each once;
    NotFound for the first one that is not (a KT1 item too, for anyone who may not see it).
    Every read of a KT1 item is audited."""
    wanted = list(dict.fromkeys(s10_normalise(str(n)) for n in numbers if str(n).strip()))
    found: dict[str, PostalItem] = {}
    for item in (
        selectors.items_visible(user)
        .filter(s10__in=wanted)
        .select_related("accepted_point", "delivery_point", "recipient_commune")
        .order_by("id")
    ):
        found.setdefault(item.s10, item)
    missing = [n for n in wanted if n not in found]
    if missing:
        raise NotFound(_("No item %(s10)s.") % {"s10": missing[0][:20]}, field="s10")
    items = [found[n] for n in wanted]
    for item in items:
        if item.is_kt1:
            audit_record(actor=user, action="item.kt1_view", obj=item)
    return items
