"""A subscription's receipt as the subscriber takes it, on the result page and on the A6 PDF
alike (``counter.receipts``): the title, the subscriber, the period, the copies, the delivery
point, the price in figures and in words."""

from __future__ import annotations

from django.utils.translation import gettext as _

from buudien.counter.receipts import Receipt, receipt_pdf
from buudien.press.models import Subscription


def receipt(row: Subscription) -> Receipt:
    lines = [
        (_("Press title"), row.title.name),
        (_("Publisher"), row.title.publisher.name),
        (_("Subscriber"), row.subscriber_name),
        (_("Delivery address"), row.address),
        (_("Delivery point"), f"{row.delivery_point.code} · {row.delivery_point.name}"),
        (
            _("Subscription period"),
            _("from %(start)s to %(end)s")
            % {"start": f"{row.starts_on:%d/%m/%Y}", "end": f"{row.ends_on:%d/%m/%Y}"},
        ),
        (_("Copies"), str(row.copies)),
    ]
    return Receipt.of(
        row,
        title=_("Press subscription receipt"),
        lines=lines,
        total=row.total,
        total_label=_("Subscription price"),
        notes=[_("Keep this receipt: it proves the subscription if an issue goes missing.")],
        signatures=[_("Subscriber"), _("Clerk")],
    )


def receipt_file(row: Subscription) -> bytes:
    return receipt_pdf(lambda: receipt(row))
