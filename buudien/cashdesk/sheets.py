"""Printed documents of the cash desk: the closing sheet of a drawer (A5, denominations,
the ledger's figures, the difference and the signatures) and the receipt of a COD payout
(the counter receipt at A6). In Vietnamese, whatever the language of the page."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib.units import mm  # type: ignore[import-untyped]

from buudien.cashdesk.choices import DENOMINATIONS, ClosingStatus, PayoutMethod
from buudien.cashdesk.models import CashClosing, CodPayout
from buudien.core.bizdays import VIETNAM
from buudien.core.money import amount_in_words, format_number, format_vnd
from buudien.core.pdf import FONT, Sheet, counter_receipt_pdf, pdf_render, province_post_name

A5 = (148 * mm, 210 * mm)
# More items than this do not fit the A6 counter receipt: they are listed on an A5 sheet.
RECEIPT_LINES = 12


def closing_sheet_pdf(closing: CashClosing) -> bytes:
    point = closing.point

    def draw(sheet: Sheet) -> None:
        sheet.text(province_post_name(point), size=9, bold=True)
        sheet.text(f"{point.code} · {point.name}", size=8)
        sheet.space(4)
        sheet.center(_("CASH CLOSING SHEET"), size=13, bold=True)
        sheet.center(
            _("Business day %(day)s") % {"day": f"{closing.business_date:%d/%m/%Y}"}, size=9
        )
        sheet.rule()
        sheet.text(_("Banknotes counted"), size=9, bold=True)
        for denomination in DENOMINATIONS:
            count = int(closing.counts.get(str(denomination), 0))
            sheet.pair(
                f"{format_number(denomination)} ₫ × {format_number(count)}",
                format_vnd(denomination * count),
            )
        sheet.pair(_("Coins and small change"), format_vnd(closing.coins))
        sheet.rule(2)
        sheet.pair(_("Counted"), format_vnd(closing.counted_total), size=10, bold=True)
        sheet.text(
            _("In words: %(words)s")
            % {"words": amount_in_words(closing.counted_total, capitalize=True)},
            size=7,
        )
        sheet.rule()
        sheet.text(_("According to the ledger"), size=9, bold=True)
        sheet.pair(pgettext("drawer", "Opening balance"), format_vnd(closing.opening))
        sheet.pair(_("Received during the day"), format_vnd(closing.receipts))
        sheet.pair(_("Paid out during the day"), format_vnd(closing.payments))
        sheet.pair(_("Balance of the drawer"), format_vnd(closing.expected), bold=True)
        sheet.rule(2)
        if closing.difference < 0:
            caption = _("Shortage")
        elif closing.difference > 0:
            caption = _("Surplus")
        else:
            caption = _("Difference")
        sheet.pair(caption, format_vnd(abs(closing.difference)), size=10, bold=True)
        sheet.text(_("Status: %(status)s") % {"status": closing.get_status_display()}, size=8)
        if closing.status == ClosingStatus.APPROVED and closing.entry_id:
            sheet.text(
                _("Booked as ledger entry #%(entry)s.") % {"entry": closing.entry_id}, size=8
            )
        if closing.note:
            sheet.text(_("Clerk's note: %(note)s") % {"note": closing.note}, size=8)
        if closing.decision_note:
            sheet.text(_("Accountant's note: %(note)s") % {"note": closing.decision_note}, size=8)
        counted_at = timezone.localtime(closing.counted_at, VIETNAM)
        sheet.text(
            _("Counted by %(name)s at %(when)s")
            % {
                "name": closing.counted_by or "—",
                "when": f"{counted_at:%d/%m/%Y %H:%M}",
            },
            size=8,
        )
        if closing.decided_by and closing.decided_at:
            decided_at = timezone.localtime(closing.decided_at, VIETNAM)
            sheet.text(
                _("Decided by %(name)s at %(when)s")
                % {"name": closing.decided_by, "when": f"{decided_at:%d/%m/%Y %H:%M}"},
                size=8,
            )
        sheet.space(10)
        captions = [_("Counter clerk"), _("Accountant"), _("Head of the post office")]
        column = sheet.inner / len(captions)
        sheet.y -= 9
        for index, caption in enumerate(captions):
            sheet.canvas.setFont(FONT, 8)
            sheet.canvas.drawCentredString(sheet.left + column * (index + 0.5), sheet.y, caption)
        sheet.y -= 10
        for index in range(len(captions)):
            sheet.canvas.setFont(FONT, 6)
            sheet.canvas.drawCentredString(
                sheet.left + column * (index + 0.5), sheet.y, _("(signature, full name)")
            )

    return pdf_render(A5, f"{point.code}-{closing.business_date:%Y%m%d}", draw)


def payout_receipt_pdf(payout: CodPayout) -> bytes:
    """The receipt of a COD payout: the counter receipt at A6 for a few items; for more, an
    A5 sheet listing every item in columns (up to a hundred fit), with the same figures and
    signatures."""
    lines = [(line.item.s10, line.amount) for line in payout.lines.select_related("item")]
    notes = [
        _("Sender: %(name)s %(phone)s")
        % {"name": payout.sender_name, "phone": payout.sender_phone},
        _("Received by: %(name)s") % {"name": payout.payee_name},
    ]
    if payout.payee_id_number:
        notes.append(_("ID card number: %(id)s") % {"id": payout.payee_id_number})
    if payout.method == PayoutMethod.BANK:
        notes.append(
            _("Paid by transfer from %(bank)s to account %(account)s")
            % {"bank": payout.bank.upper(), "account": payout.payee_account}
        )
    title = _("COD payment to the sender")
    signatures = [pgettext("COD payout", "Received by"), _("Counter clerk")]
    if len(lines) <= RECEIPT_LINES:
        return counter_receipt_pdf(
            title=title,
            point=payout.point,
            when=payout.paid_at,
            reference=payout.number,
            lines=[(s10, format_vnd(amount)) for s10, amount in lines],
            total=payout.total,
            total_label=_("COD paid"),
            clerk=payout.paid_by,
            notes=notes,
            signatures=signatures,
        )
    point = payout.point

    def draw(sheet: Sheet) -> None:
        sheet.text(province_post_name(point), size=9, bold=True)
        sheet.text(f"{point.code} · {point.name}", size=7)
        sheet.space(2)
        sheet.text(title.upper(), size=11, bold=True)
        paid_at = timezone.localtime(payout.paid_at, VIETNAM)
        sheet.text(f"{payout.number} · {paid_at:%d/%m/%Y %H:%M}", size=7)
        sheet.barcode(payout.number, height=7 * mm, width=sheet.inner * 0.5)
        sheet.rule()
        columns = 2 if len(lines) <= 60 else 3
        rows = -(-len(lines) // columns)
        width = sheet.inner / columns
        top = sheet.y
        for index, (s10, amount) in enumerate(lines):
            column, row = divmod(index, rows)
            y = top - (row + 1) * 8
            left = sheet.left + column * width
            sheet.canvas.setFont(FONT, 6.5)
            sheet.canvas.drawString(left, y, s10)
            sheet.canvas.drawRightString(left + width - 4, y, format_vnd(amount))
        sheet.y = top - rows * 8
        sheet.rule(2)
        sheet.pair(
            _("COD paid") + f" ({format_number(len(lines))})",
            format_vnd(payout.total),
            size=10,
            bold=True,
        )
        sheet.text(
            _("In words: %(words)s") % {"words": amount_in_words(payout.total, capitalize=True)},
            size=7,
        )
        for note in notes:
            sheet.text(note, size=7)
        sheet.rule()
        sheet.text(_("Clerk: %(name)s") % {"name": payout.paid_by or "—"}, size=7)
        column_width = sheet.inner / len(signatures)
        sheet.y -= 9
        for index, caption in enumerate(signatures):
            sheet.canvas.setFont(FONT, 7)
            sheet.canvas.drawCentredString(
                sheet.left + column_width * (index + 0.5), sheet.y, caption
            )

    return pdf_render(A5, payout.number, draw)
