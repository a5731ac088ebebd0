"""The page where a counter accepts a customer's list of items (bảng kê) from a CSV or .xlsx
file: every problem by row and column when it is refused, else the lists and their items,
with all their labels in one PDF. Views parse, call one service, render; the same view
answers htmx with a partial."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from buudien.core.errors import AccessDenied
from buudien.core.http import HtmxHttpRequest
from buudien.core.imports import ImportFailed, template_csv
from buudien.counter.forms import UploadField
from buudien.mail import selectors
from buudien.mail.acceptance import labels
from buudien.mail.batches.importers import ItemImport, batches_import
from buudien.mail.batches.labels import items_for_labels, labels_pdf
from buudien.mail.batches.services import MAX_ROWS

MAX_FILE_BYTES = 10 * 1024 * 1024


class BatchUploadForm(forms.Form):
    file = UploadField(
        max_bytes=MAX_FILE_BYTES,
        label=gettext_lazy("List of items (CSV or .xlsx)"),
        help_text=gettext_lazy("One row per item; the columns of the template."),
    )
    reference = forms.CharField(
        label=gettext_lazy("The customer's number of the list"), max_length=100, required=False
    )


def _may_accept(user: Any) -> None:
    if not selectors.services_acceptable_by(user):
        raise AccessDenied(_("Only a counter clerk or an administrator may accept items."))


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HtmxHttpRequest) -> HttpResponse:
    """Upload a list; see what was refused, or what was accepted."""
    _may_accept(request.user)
    form = BatchUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {
        "form": form,
        "sizes": tuple(labels.LABEL_SIZES),
        "max_rows": MAX_ROWS,
    }
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            results = batches_import(
                upload,
                actor=request.user,
                reference=form.cleaned_data["reference"],
                name=str(upload.name),
            )
        except ImportFailed as exc:
            context.update(refusal=exc.message, problems=exc.errors)
            status = 400
        else:
            items = [item for result in results for item in result.items]
            context.update(
                results=results,
                items=items,
                total=sum(r.total for r in results),
                vat=sum(r.vat for r in results),
            )
    template = "mail/batches/_result.html" if request.htmx else "mail/batches/new.html"
    return render(request, template, context, status=status)


@login_required
@require_POST
def labels_view(request: HttpRequest) -> HttpResponse:
    """The labels of the items named in the form (``s10``: numbers separated by spaces or
    commas, in one field or several), one PDF."""
    numbers = [n for value in request.POST.getlist("s10") for n in re.split(r"[\s,;]+", value)]
    numbers = [n for n in numbers if n][:MAX_ROWS]
    size = request.POST.get("size", "100x150")
    if size not in labels.LABEL_SIZES:
        size = "100x150"
    items = items_for_labels(user=request.user, numbers=numbers)
    response = HttpResponse(labels_pdf(items, size=size, request=request), "application/pdf")
    response["Content-Disposition"] = f'inline; filename="labels-{size}.pdf"'
    return response


@require_GET
def template(request: HttpRequest) -> HttpResponse:
    """A CSV with the columns of the import and one example row (UTF-8 with BOM, so that a
    spreadsheet opens it with its Vietnamese letters)."""
    point = getattr(request.user, "point", None)
    commune = getattr(point, "commune", None)
    example = {
        "point_code": point.code if point is not None else "",
        "service": "parcel",
        "sender_name": "Cửa hàng Đặc sản Xứ Lạng",
        "sender_phone": "0987123456",
        "sender_address": "Số 18 đường Tam Thanh",
        "recipient_name": "Nguyễn Thị Lan",
        "recipient_phone": "0912345678",
        "recipient_address": "Thôn Bản Chu",
        "recipient_commune_code": commune.code if commune is not None else "",
        "geography": "2025",
        "weight_g": "1200",
        "length_mm": "300",
        "width_mm": "200",
        "height_mm": "150",
        "declared_value": "0",
        "cod_amount": "250000",
        "addons": "",
    }
    names = [column.name for column in ItemImport.columns]
    return template_csv(names, example, "bang-ke-buu-gui.csv")
