"""A KT1 item's number stays inside the KT1 role, in the ledger too: its fee's entry names the
item by its id; entries posted before with the number in their reference or memo read "KT1"
on the statements, the journal and the entry API of everyone else; the admin lists no KT1
entry to an administrator; a COD payout asked for a KT1 number answers as for an unknown one."""

from __future__ import annotations

import io
import json
import re

import openpyxl
import pytest
from django.urls import reverse

from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import Entry
from buudien.mail.tests.factories import ItemFactory, tariffs_for_all_services

pytestmark = pytest.mark.django_db

KT1_NUMBER = re.compile(r"KT\d{9}[A-Z]{2}")


@pytest.fixture
def kt1_entries(world, kt1_operator):
    """A KT1 item accepted now, and an entry of last year's kind that named one by number."""
    tariffs_for_all_services()
    item = ItemFactory(
        actor=kt1_operator,
        point=world.point_a,
        recipient_commune=world.commune_b,
        service="kt1",
        kt1_grade="B",
    )
    drawer = ledger.account_for_drawer(world.point_a)
    old = ledger.entry_post(
        actor=None,
        idempotency_key="old-kt1-fee",
        kind=EntryKind.FEE,
        reference="item:KT000000014VN",
        legs=[ledger.Leg(drawer, ledger.account_for_revenue("20", "kt1"), 20_000, "kt1")],
        province_code="20",
        point=world.point_a,
        memo="Cước KT000000014VN (Mật)",
    )
    return item, old


def test_a_kt1_fee_is_referenced_by_the_items_id(kt1_entries):
    item, _old = kt1_entries
    fee = Entry.objects.get(idempotency_key=f"mail:fee:{item.pk}")
    assert fee.reference == f"kt1:{item.pk}" and item.s10 not in fee.reference + fee.memo


def test_no_kt1_number_on_the_statements_journal_or_entries_outside_the_kt1_role(
    world, kt1_entries, auditor, director, client_as
):
    item, old = kt1_entries
    today = old.business_date.isoformat()
    for user in (auditor, director):
        client = client_as(user)
        answers = [
            client.get(f"/api/finance/accounts/5113.kt1/statement?province=20&date_from={today}"),
            client.get(
                reverse("finance:statement", args=["5113.kt1"]) + f"?province=20&date_from={today}"
            ),
            client.get(reverse("finance:journal", args=[world.point_a.code]) + f"?day={today}"),
            client.get(f"/api/finance/entries/{old.pk}"),
        ]
        for answer in answers:
            assert answer.status_code == 200, answer.content[:200]
            text = answer.content.decode()
            assert not KT1_NUMBER.search(text), (user.role, text[:300])
            assert item.s10 not in text
        assert json.loads(answers[3].content)["reference"] == "item:KT1"
        sheet = client.get(
            reverse("finance:statement", args=["5113.kt1"])
            + f"?province=20&date_from={today}&format=xlsx"
        )
        cells = openpyxl.load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True)
        written = " ".join(str(value) for row in cells for value in row if value is not None)
        assert "KT1" in written and not KT1_NUMBER.search(written)


def test_the_kt1_operator_still_reads_the_number(world, kt1_entries, kt1_operator):
    from buudien.finance import selectors

    _item, old = kt1_entries
    assert selectors.kt1_masked(old, kt1_operator).reference == "item:KT000000014VN"


def test_the_admin_lists_no_kt1_entry_to_an_administrator(
    world, kt1_entries, admin_user, client_as
):
    client = client_as(admin_user)
    for url in (
        reverse("admin:finance_entry_changelist"),
        reverse("admin:finance_transfer_changelist"),
    ):
        page = client.get(url).content.decode()
        assert not KT1_NUMBER.search(page) and "kt1:" not in page
    # Searched for by number (the box shows what was typed): no entry found, none opened.
    found = client.get(reverse("admin:finance_entry_changelist") + "?q=KT000000014VN")
    assert found.status_code == 200 and "item:KT000000014VN" not in found.content.decode()
    assert found.context["cl"].result_count == 0
    opened = client.get(reverse("admin:finance_entry_change", args=[kt1_entries[1].pk]))
    assert opened.status_code in (302, 404)


def test_a_cod_payout_of_a_kt1_number_answers_as_for_an_unknown_one(
    world, kt1_entries, clerk_a, client_as
):
    item, _old = kt1_entries
    client = client_as(clerk_a)

    def pay(s10: str):
        return client.post(
            "/api/cashdesk/cod/payouts",
            data=json.dumps({"items": [s10], "method": "cash", "idempotency_key": f"p-{s10}"}),
            content_type="application/json",
        )

    kt1, unknown = pay(item.s10), pay("RR999999999VN")
    assert kt1.status_code == unknown.status_code == 404
    assert kt1.json()["detail"].replace(item.s10, "X") == unknown.json()["detail"].replace(
        "RR999999999VN", "X"
    )


def test_the_audit_log_shows_no_kt1_item_to_an_administrator(
    world, kt1_entries, admin_user, client_as
):
    """The acceptance of a KT1 item is audited (with its grade); an administrator outside the
    KT1 role finds none of it in the audit log, listed or searched."""
    from buudien.core.models import AuditEntry

    item, _old = kt1_entries
    assert AuditEntry.objects.filter(object_repr=item.s10).exists()
    client = client_as(admin_user)
    listed = client.get(reverse("admin:core_auditentry_changelist"))
    assert listed.status_code == 200 and item.s10 not in listed.content.decode()
    searched = client.get(reverse("admin:core_auditentry_changelist") + f"?q={item.s10}")
    assert searched.context["cl"].result_count == 0
