"""The answer to a customer as it leaves the post, in Vietnamese whatever the page's
language: a printed letter (A4, the provincial post's letterhead with the hotline,
``settings.CARE_HOTLINE``) and a short text to send by SMS or email."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]

from buudien.care.choices import RequestKind
from buudien.care.models import CareRequest
from buudien.core.bizdays import VIETNAM
from buudien.core.pdf import LANGUAGE, Sheet, pdf_render, province_name
from buudien.network.choices import UnitKind
from buudien.network.models import Unit

SMS_ANSWER_MAX = 300  # the answer's share of a text message; the letter has all of it


def hotline() -> str:
    return str(getattr(settings, "CARE_HOTLINE", "") or "")


def post_name(request: CareRequest) -> str:
    """ "Bưu điện tỉnh Lạng Sơn": the provincial post the request belongs to."""
    unit = Unit.objects.filter(province_code=request.province_code, kind=UnitKind.PROVINCE)
    name = unit.values_list("name", flat=True).order_by("code").first()
    return name or request.unit.name


def _about(request: CareRequest) -> str:
    received = f"{timezone.localtime(request.received_at, VIETNAM):%d/%m/%Y}"
    if request.kind == RequestKind.COMPLAINT:
        text = _("Your complaint (%(ground)s), received on %(day)s") % {
            "ground": request.get_ground_display().lower(),
            "day": received,
        }
    else:
        text = _("Your %(kind)s, received on %(day)s") % {
            "kind": request.get_kind_display().lower(),
            "day": received,
        }
    if request.item_id is not None:
        text += _(", about the mail item %(item)s") % {"item": request.subject_ref}
    elif request.subject_ref:
        text += _(", about %(reference)s") % {"reference": request.subject_ref}
    return text


def answer_message(request: CareRequest) -> str:
    """The SMS or email text of the answer, in Vietnamese."""
    with translation.override(LANGUAGE):
        answer = " ".join(request.answer.split())
        if len(answer) > SMS_ANSWER_MAX:
            answer = answer[: SMS_ANSWER_MAX - 1].rstrip() + "…"
        return _(
            "%(post)s answers request %(code)s: %(answer)s Questions: hotline %(hotline)s."
        ) % {
            "post": post_name(request),
            "code": request.code,
            "answer": answer,
            "hotline": hotline(),
        }


def answer_letter_pdf(request: CareRequest) -> bytes:
    """The answer as a letter on A4: the letterhead (the post, the hotline) and the national
    heading, the number and the date, to the customer, what it answers, the answer, the
    outcome once closed, the hotline again and the signature."""
    post = post_name(request)
    province = province_name(request.province_code).removeprefix("Tỉnh ").strip()
    when = timezone.localtime(request.answered_at or timezone.now(), VIETNAM)

    def draw(sheet: Sheet) -> None:
        sheet.left, sheet.right = 30 * mm, A4[0] - 15 * mm
        sheet.y -= 15 * mm
        top = sheet.y
        half = sheet.inner / 2
        sheet.text(post.upper(), size=10, bold=True, width=half)
        sheet.text(_("Hotline: %(hotline)s") % {"hotline": hotline()}, size=9, width=half)
        sheet.text(_("No.: %(code)s") % {"code": request.code}, size=9, width=half)
        bottom = sheet.y
        sheet.y = top
        sheet.text(_("SOCIALIST REPUBLIC OF VIETNAM"), size=10, bold=True, indent=half)
        sheet.text(_("Independence - Freedom - Happiness"), size=10, bold=True, indent=half)
        place = f"{province}, " if province else ""
        sheet.text(
            place
            + _("%(day)s %(month)s %(year)s")
            % {"day": f"{when:%d}", "month": f"{when:%m}", "year": f"{when:%Y}"},
            size=9,
            indent=half,
        )
        sheet.y = min(sheet.y, bottom)
        sheet.space(18)
        title = (
            _("Answer to a complaint")
            if request.kind == RequestKind.COMPLAINT
            else _("Answer to a request")
        )
        sheet.center(title.upper(), size=14, bold=True)
        sheet.space(14)
        sheet.text(_("To: %(name)s") % {"name": request.customer_name}, size=11, bold=True)
        contact = ", ".join(x for x in (request.customer_phone, request.customer_email) if x)
        if contact:
            sheet.text(contact, size=10)
        sheet.space(6)
        sheet.text(_about(request) + ".", size=11)
        sheet.space(6)
        sheet.text(_("%(post)s answers as follows:") % {"post": post}, size=11)
        sheet.space(4)
        for paragraph in request.answer.splitlines() or [""]:
            sheet.text(paragraph, size=11, gap=3)
        if request.outcome:
            sheet.space(6)
            sheet.text(
                _("Outcome: %(outcome)s.") % {"outcome": request.get_outcome_display()},
                size=11,
                bold=True,
            )
        sheet.space(8)
        sheet.text(
            _(
                "For any question, call the hotline %(hotline)s and give the code "
                "%(code)s, or follow the request on the post's website."
            )
            % {"hotline": hotline(), "code": request.code},
            size=11,
        )
        sheet.space(20)
        sheet.text(_("FOR THE DIRECTOR"), size=11, bold=True, indent=half)
        sheet.text(_("(signature, full name, seal)"), size=9, indent=half)

    return pdf_render(A4, request.code, draw)
