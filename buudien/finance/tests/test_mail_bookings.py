"""The ledger takes over mail's bookings: fees into the drawer, revenue and VAT; COD
collected into the drawer and COD owed to senders; once, whatever the number of runs."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from buudien.core.bizdays import VIETNAM, local_today
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import Entry, Transfer
from buudien.finance.tests.conftest import PROVINCE, balances
from buudien.mail.models import Booking
from buudien.mail.tests.factories import ItemFactory, tariffs_for_all_services

pytestmark = pytest.mark.django_db

TODAY = local_today()
YESTERDAY = TODAY - dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def tariffs(db):
    return tariffs_for_all_services()


def _accept(clerk, point, commune, **kwargs):
    return ItemFactory(actor=clerk, point=point, recipient_commune=commune, **kwargs)


def _cod(item, point, amount):
    return Booking.objects.create(
        province_code=item.province_code,
        kind=Booking.Kind.COD_COLLECTED,
        service=item.service,
        point=point,
        business_date=TODAY,
        amount=amount,
        item=item,
    )


def test_it_posts_fees_and_cod_from_mails_bookings_once(world, clerk_a, clerk_b):
    letter = _accept(clerk_a, world.point_a, world.commune_b, weight_g=18)
    parcel = _accept(clerk_b, world.point_b, world.commune_a, weight_g=80, cod_amount=350_000)
    cod = _cod(parcel, world.point_a, 350_000)

    assert ledger.mail_bookings_post() == 3

    # 14,040 for the letter (13,000 + 8 % VAT) at A and 350,000 of COD at A; the parcel's
    # fee at B: (15,000 + 12,000 for COD) + 8 %.
    assert balances() == {
        "1111.240001": 14_040 + 350_000,
        "1111.240002": 29_160,
        "5113.registered": 13_000 + 27_000,
        "3331": 1_040 + 2_160,
        "3388.cod": 350_000,
    }
    fee = Entry.objects.get(idempotency_key=f"mail-booking:{letter.bookings.get().pk}")
    assert (fee.kind, fee.reference, fee.point, fee.business_date) == (
        EntryKind.FEE,
        f"item:{letter.s10}",
        world.point_a,
        TODAY,
    )
    assert sorted(
        fee.transfers.values_list("debit__code", "credit__code", "amount", "service")
    ) == [
        ("1111.240001", "3331", 1_040, "registered"),
        ("1111.240001", "5113.registered", 13_000, "registered"),
    ]
    cod_entry = Entry.objects.get(idempotency_key=f"mail-booking:{cod.pk}")
    assert cod_entry.kind == EntryKind.COD_COLLECTED
    assert cod_entry.reference == f"item:{parcel.s10}"

    # A second run posts nothing new.
    assert ledger.mail_bookings_post() == 0
    assert Entry.objects.count() == 3
    assert Transfer.objects.count() == 5
    assert ledger.mail_bookings_pending().count() == 0


def test_a_booking_of_a_closed_day_goes_into_the_open_day_as_late(world, clerk_a, director):
    at = dt.datetime.combine(YESTERDAY, dt.time(9, 0), tzinfo=VIETNAM)
    item = _accept(clerk_a, world.point_a, world.commune_b, at=at)
    ledger.business_day_close(actor=director, province_code=PROVINCE, date=YESTERDAY)

    assert ledger.mail_bookings_post() == 1

    entry = Entry.objects.get()
    assert (entry.business_date, entry.late_for) == (TODAY, YESTERDAY)
    assert entry.reference == f"item:{item.s10}"


def test_it_posts_a_limited_number_and_one_province_at_a_time(world, clerk_a):
    for _n in range(3):
        _accept(clerk_a, world.point_a, world.commune_b)
    assert ledger.mail_bookings_post(province_code="04") == 0
    assert ledger.mail_bookings_post(province_code=PROVINCE, limit=2) == 2
    assert ledger.mail_bookings_post(limit=2) == 1
    assert Entry.objects.count() == 3


def test_the_command_posts_the_bookings(world, clerk_a):
    _accept(clerk_a, world.point_a, world.commune_b)
    out = io.StringIO()
    call_command("ledger", "post-mail-bookings", stdout=out)
    assert "1" in out.getvalue()
    assert Entry.objects.count() == 1
