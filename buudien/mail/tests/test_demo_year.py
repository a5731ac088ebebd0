"""The demo's year of mail, at a small scale: items through the list acceptance, journeys
through the scanners' API, today's bags, round and KT1 hand-overs; seeded and repeatable."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.db import transaction

from buudien.core.bizdays import VIETNAM, local_now
from buudien.core.demo import demo_steps
from buudien.core.models import AuditEntry
from buudien.core.money import format_number
from buudien.finance.models import Entry
from buudien.mail import demo as tariffs_demo
from buudien.mail import demo_year
from buudien.mail.choices import EventCode, ItemStatus
from buudien.mail.models import PostalItem, TrackingEvent
from buudien.mail.operations.choices import AttemptOutcome, BagStatus, RoundStatus
from buudien.mail.operations.models import Bag, CustodyTransfer, DeliveryRound
from buudien.network.geography import geography_load
from buudien.network.management.commands.demo import demo_build
from buudien.network.models import ServicePoint

pytestmark = pytest.mark.django_db

ITEMS = 300


@pytest.fixture
def province(db):
    geography_load(province_codes=["20"])
    demo_build()
    tariffs_demo.build(seed=2023, report=lambda _text: None)


NOW = local_now()


def _build(seed=2023):
    return demo_year.build(seed=seed, report=lambda _text: None, items=ITEMS, now=NOW)


def _fingerprint():
    """The year without its S10 ids (identifiers are never handed out twice)."""
    return sorted(
        PostalItem.objects.values_list(
            "service",
            "accepted_point__code",
            "accepted_at",
            "recipient_name",
            "recipient_commune__code",
            "weight_g",
            "price_total",
            "status",
            "delivered_at",
        )
    )


def test_the_year_is_a_registered_demo_step():
    step = next(s for s in demo_steps() if s.name == "mail.year")
    assert (step.order, step.build) == (20, demo_year.build)


def test_a_small_year_of_mail_goes_through_the_services(province, english):
    summary = _build()

    items = PostalItem.objects.all()
    count = items.count()
    assert ITEMS * 0.7 <= count <= ITEMS * 1.4
    assert summary.startswith(f"Mail: {format_number(count)} items in a year (")
    assert "\n" not in summary
    by_service = Counter(items.values_list("service", flat=True))
    assert by_service["registered"] + by_service["ordinary"] > count * 0.3
    assert set(by_service) <= {"registered", "ordinary", "parcel", "ems", "kt1", "admin_delivery"}
    # KT1 only at the provincial post's main office, by the KT1 officer.
    kt1 = items.filter(service="kt1")
    assert kt1.exists()
    assert set(kt1.values_list("accepted_point__kind", "accepted_by__username")) == {("bc1", "kt1")}
    assert not items.exclude(service="kt1").filter(accepted_by__role="kt1_operator").exists()
    # Twelve months, business hours.
    today = NOW.date()
    first = min(items.values_list("accepted_on", flat=True))
    assert today - dt.timedelta(days=366) < first < today - dt.timedelta(days=300)
    hours = {a.astimezone(VIETNAM).hour for a in items.values_list("accepted_at", flat=True)}
    assert hours <= set(range(7, 17))

    # Every item has its EMA, journeys come from the scanners' API, and most are delivered.
    assert TrackingEvent.objects.filter(code=EventCode.EMA).count() == count
    assert TrackingEvent.objects.filter(source="demo").count() > count * 4
    delivered = items.filter(status=ItemStatus.DELIVERED).count()
    assert 0.8 < delivered / count < 0.99
    assert not TrackingEvent.objects.filter(occurred_at__gt=NOW).exists()
    # The newest items are still on their way (whatever holidays came before today).
    newest = items.order_by("-accepted_at").values_list("pk", flat=True)[:10]
    assert (
        items.filter(pk__in=list(newest))
        .exclude(status__in=[ItemStatus.DELIVERED, ItemStatus.RETURNED])
        .exists()
    )
    for item in items.filter(status=ItemStatus.DELIVERED)[:50]:
        codes = list(item.events.order_by("occurred_at", "id").values_list("code", flat=True))
        assert (codes[0], codes[-1]) == ("EMA", "EMI")  # accepted first, delivered last
        times = list(
            item.events.order_by("occurred_at", "id").values_list("occurred_at", flat=True)
        )
        assert times == sorted(times)

    # One ledger entry per item (each with its own fee), one audit entry per list.
    fees = Entry.objects.filter(idempotency_key__startswith="mail:fee:", kind="fee")
    assert fees.count() == count
    assert AuditEntry.objects.filter(action="item.accept_batch").count() > 0


def test_today_has_bags_a_round_and_kt1_hand_overs(province):
    _build()

    bags = Counter(Bag.objects.values_list("status", flat=True))
    assert bags == {
        BagStatus.OPENED: 1,
        BagStatus.DISPATCHED: 2,
        BagStatus.CLOSED: 1,
    }
    bc1 = ServicePoint.objects.get(kind="bc1")
    (delivery_round,) = DeliveryRound.objects.all()
    assert (delivery_round.point, delivery_round.postman.username, delivery_round.status) == (
        bc1,
        "buuta",
        RoundStatus.OPEN,
    )
    outcomes = Counter(delivery_round.attempts.values_list("outcome", flat=True))
    assert outcomes[AttemptOutcome.DELIVERED] >= 1
    assert outcomes[AttemptOutcome.FAILED] == 1
    assert outcomes[AttemptOutcome.PENDING] >= 1
    transfers = list(CustodyTransfer.objects.order_by("handed_at"))
    assert [t.confirmed_at is not None for t in transfers] == [True, False]
    assert {t.item.service for t in transfers} == {"kt1"}


def test_the_year_is_repeatable(province):
    """Two builds on the same fresh province (the first one rolled back) make the same year."""
    with transaction.atomic():
        _build()
        first = _fingerprint()
        entries = Entry.objects.count()
        transaction.set_rollback(True)
    assert not PostalItem.objects.exists()
    assert entries > 0

    _build()

    assert _fingerprint() == first
    assert Entry.objects.count() == entries


def test_no_items_asked_builds_nothing(province):
    assert demo_year.build(seed=2023, report=lambda _text: None, items=0) == ""
    assert not PostalItem.objects.exists()


def test_without_the_demo_network_the_year_is_skipped(db):
    assert _build() == ""
    assert not PostalItem.objects.exists()
