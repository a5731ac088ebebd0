"""The customer's receipt of a counter operation: what it says (``Receipt``), shown on the
operation's page and printed at A6 with one layout (``core.pdf.counter_receipt_pdf``): the
post and the point, the title, the reference and its barcode, the lines, the total in
figures and in words, the notes, the clerk and the signatures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation

from buudien.core.pdf import LANGUAGE, counter_receipt_pdf
from buudien.counter.models import CounterOperation
from buudien.network.models import ServicePoint


@dataclass
class Receipt:
    title: str
    reference: str
    point: ServicePoint
    when: dt.datetime
    clerk: Any
    lines: list[tuple[str, str]]
    total: int | None = None
    total_label: str | None = None
    notes: list[str] = field(default_factory=list)
    signatures: list[str] = field(default_factory=list)
    qr_payload: str | None = None

    @classmethod
    def of(
        cls, row: CounterOperation, *, title: str, lines: list[tuple[str, str]], **more: Any
    ) -> Receipt:
        """The receipt of a counter operation's row: its reference, point, time and clerk."""
        return cls(
            title=title,
            reference=row.reference,
            point=row.point,
            when=row.created_at,
            clerk=row.created_by,
            lines=lines,
            **more,
        )

    def pdf(self) -> bytes:
        return counter_receipt_pdf(
            title=self.title,
            point=self.point,
            when=self.when,
            reference=self.reference,
            lines=self.lines,
            total=self.total,
            total_label=self.total_label,
            clerk=self.clerk,
            notes=self.notes,
            signatures=self.signatures,
            qr_payload=self.qr_payload,
        )


def receipt_pdf(build: Callable[[], Receipt]) -> bytes:
    """The A6 PDF of the receipt ``build`` makes, in Vietnamese whatever the page's language."""
    with translation.override(LANGUAGE):
        receipt = build()
    return receipt.pdf()
