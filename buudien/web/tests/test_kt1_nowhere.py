"""Outside the KT1 role, a KT1 item's number, grade and urgency appear nowhere.

After a KT1 item's life (accepted at point A with its fee posted to the point's drawer, handed
over to a second KT1 officer at point B, who confirms it and delivers it there), each other
role walks every page its navigation reaches, the JSON of the main list and detail API reads
(the ledger's accounts, statements and entries, mail items, supervision, tracking), the
statements' and the journal's .xlsx, and, for the administrator, every admin changelist (the
audit log among them): no KT1 number, nor the item's grade or urgency, is in any of them. An
API read of the item by its number answers as for an unknown number.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from buudien.core.s10 import s10_make
from buudien.mail.tests.test_ops_kt1 import _same
from buudien.web.tests.walk import person, walk

pytestmark = pytest.mark.django_db

KT1_NUMBER = re.compile(r"KT\d{9}[A-Z]{2}")
UNKNOWN = s10_make("KT", 99_999_999)
# The item is "Tuyệt mật (A)" and "Hẹn giờ": its grade and urgency as the pages and the API
# write them, in both languages.
SECRETS = re.compile(r"Tuyệt mật|Top secret|Hẹn giờ|hẹn giờ|hen_gio|\"kt1_grade\": ?\"A\"")
ROLES = {
    "clerk": ("unit_a", "point_a"),
    "postman": ("unit_b", "point_b"),
    "director": ("province", None),
    "accountant": ("province", None),
    "auditor": ("province", None),
    "admin": ("province", None),
    "hcc_officer": ("province", None),
    "care_officer": ("province", None),
    "hr_officer": ("province", None),
}


def _kt1_life(world: Any, kt1_operator: Any) -> Any:
    """A KT1 item accepted, its fee posted, handed over, confirmed and delivered; a letter
    beside it, so that the lists have a row."""
    from buudien.finance import ledger
    from buudien.finance.choices import EntryKind
    from buudien.mail.choices import EventCode
    from buudien.mail.operations import services as operations
    from buudien.mail.tests.factories import ItemFactory, tariffs_for_all_services
    from buudien.mail.tracking.services import event_record
    from buudien.people.tests.factories import UserFactory

    tariffs_for_all_services()
    clerk = UserFactory(username="gdv_a", role="clerk", unit=world.unit_a, point=world.point_a)
    ItemFactory(actor=clerk, point=world.point_a, recipient_commune=world.commune_b)
    item = ItemFactory(
        actor=kt1_operator,
        point=world.point_a,
        recipient_commune=world.commune_b,
        service="kt1",
        kt1_grade="A",
        kt1_urgency="hen_gio",
        kt1_deadline=timezone.now() + dt.timedelta(days=1),
    )
    kt1_b = UserFactory(
        username="kt1_b", role="kt1_operator", unit=world.province, point=world.point_b
    )
    transfer = operations.kt1_handover(actor=kt1_operator, item=item, to_user=kt1_b)
    operations.kt1_confirm(actor=kt1_b, transfer=transfer)
    event_record(
        actor=kt1_b,
        item=item,
        code=EventCode.EMI,
        point=world.point_b,
        recipient_name="Hoàng Thị Bình",
    )
    item.refresh_from_db()
    assert item.status == "delivered"
    # An entry as KT1 fees were posted before they were referenced by the item's id.
    ledger.entry_post(
        actor=None,
        idempotency_key="old-kt1-fee",
        kind=EntryKind.FEE,
        reference=f"item:{item.s10}",
        legs=[
            ledger.Leg(
                ledger.account_for_drawer(world.point_a),
                ledger.account_for_revenue("20", "kt1"),
                20_000,
                "kt1",
            )
        ],
        province_code="20",
        point=world.point_a,
        memo=f"Cước {item.s10}",
    )
    return item


def _leaks(text: str) -> list[str]:
    return sorted({m.group(0) for m in KT1_NUMBER.finditer(text)} | set(SECRETS.findall(text)))


def _office_text(content: bytes) -> str:
    """The XML of an .xlsx or .docx (its cells, paragraphs, names and properties)."""
    with zipfile.ZipFile(io.BytesIO(content)) as document:
        return " ".join(
            document.read(name).decode() for name in document.namelist() if name.endswith(".xml")
        )


def _reads(client: Any, item: Any, world: Any) -> list[str]:
    """The URLs of a role's API reads and exports, over the days the entries were posted."""
    from buudien.finance.models import Entry

    days = sorted(set(Entry.objects.values_list("business_date", flat=True)))
    accounts = client.get("/api/finance/accounts", {"province": "20"})
    codes = [a["code"] for a in accounts.json()] if accounts.status_code == 200 else []
    span = f"province=20&date_from={days[0]}&date_to={days[-1]}"
    journal = reverse("finance:journal", args=[world.point_a.code])
    return [
        "/api/finance/accounts?province=20",
        f"/api/finance/trial-balance?{span}",
        *(f"/api/finance/accounts/{code}/statement?{span}" for code in codes),
        *(reverse("finance:statement", args=[code]) + f"?{span}&format=xlsx" for code in codes),
        *(f"/api/finance/entries/{pk}" for pk in Entry.objects.values_list("pk", flat=True)),
        *(f"{journal}?day={day}{export}" for day in days for export in ("", "&format=xlsx")),
        "/api/mail/items",
        "/api/mail/ops/items",
        f"/api/mail/ops/daily-counts?day={timezone.localdate(item.accepted_at)}",
        f"/api/cashdesk/drawers/{world.point_a.code}",
    ]


# The reads of one item by its number: each answers as for an unknown number.
BY_NUMBER = (
    "/api/mail/items/{}",
    "/api/mail/items/{}/label.pdf",
    "/api/mail/items/{}/receipt.pdf",
    "/api/mail/ops/items/{}",
    "/api/tracking/{}",
    "/mail/items/{}/",
    "/mail/ops/items/{}/",
    "/tracking/?q={}",
)
# The year report in its other formats: the figures of its page, which is read (the formats
# take a fifth of the walk's time).
SKIPPED = ("/planning/report/download",)


def _text(response: Any) -> str:
    if "openxmlformats" in response.get("Content-Type", ""):
        return _office_text(response.content)
    if "pdf" in response.get("Content-Type", ""):
        return ""  # the labels and receipts of the letter the lists link to
    return response.content.decode()


def _answers(client: Any, role: str, item: Any, world: Any) -> Iterator[tuple[str, Any]]:
    """What a role reads: the pages of its navigation, its API reads and exports, and an
    administrator's admin changelists."""
    for page in walk(client, skip=SKIPPED):
        yield page.url, page.response
    for url in _reads(client, item, world):
        yield url, client.get(url)
    if role == "admin":
        for model in admin.site._registry:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            yield url, client.get(url)


def test_no_kt1_number_grade_or_urgency_outside_the_kt1_role(
    world: Any, kt1_operator: Any, client_as: Any
) -> None:
    item = _kt1_life(world, kt1_operator)
    found: dict[str, list[str]] = {}
    for role, (unit, point) in ROLES.items():
        client = client_as(person(world, role, unit, point, username=f"walk_{role}"))
        for url, response in _answers(client, role, item, world):
            leaked = _leaks(_text(response))
            if leaked:
                found[f"{role} {url}"] = leaked
        for pattern in BY_NUMBER:
            asked = client.get(pattern.format(item.s10))
            unknown = client.get(pattern.format(UNKNOWN))
            if asked.status_code != unknown.status_code or (
                _same(asked, item.s10) != _same(unknown, UNKNOWN)
            ):
                found[f"{role} {pattern}"] = ["answers otherwise than for an unknown number"]
    assert not found, "KT1 outside its role:\n" + "\n".join(f"{k}: {v}" for k, v in found.items())
