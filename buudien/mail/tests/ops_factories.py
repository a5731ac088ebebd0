"""Items, people and places for the tests of mail operations (bags, rounds, KT1 custody,
supervisors). Items are made directly, with their EMA event at the accepting office, so
that these tests do not depend on pricing.

Fixtures are imported by the test modules that use them:

    from buudien.mail.tests.ops_factories import centre, postman_b  # noqa: F401
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image, ImageDraw

from buudien.core.bizdays import VIETNAM
from buudien.core.s10 import s10_make
from buudien.mail.choices import EventCode, MailService, Zone
from buudien.mail.models import PostalItem, Tariff, TrackingEvent
from buudien.network.choices import PointKind, UnitKind
from buudien.network.tests.factories import PointFactory, UnitFactory
from buudien.people.tests.factories import UserFactory

_serials = itertools.count(20_000_001)


def signature_png(*, ink: bool = True) -> str:
    """A signature drawn on the phone's pad (a PNG ``data:`` URL): a stroke across a
    transparent pad, or with ``ink=False`` the pad touched without drawing."""
    pad = Image.new("RGBA", (60, 20))
    if ink:
        ImageDraw.Draw(pad).line([(4, 16), (30, 4), (56, 14)], fill="#102a43", width=2)
    buffer = io.BytesIO()
    pad.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


# The proof a registered or COD item needs; a blank pad is none.
SIGNED = signature_png()
BLANK_PAD = signature_png(ink=False)
ACCEPTED_AT = dt.datetime(2026, 3, 2, 8, 0, tzinfo=VIETNAM)  # a Monday
PREFIXES = {
    MailService.EMS: "EE",
    MailService.KT1: "KT",
    MailService.PARCEL: "CP",
    MailService.ORDINARY: "RA",
    MailService.ADMIN_DELIVERY: "HC",
}


def ops_tariff(service: str = MailService.REGISTERED, full_course_days: int = 3) -> Tariff:
    tariff, _ = Tariff.objects.get_or_create(
        service=service,
        valid_from=dt.date(2020, 1, 1),
        defaults={"name": f"Tariff {service}", "full_course_days": full_course_days},
    )
    return tariff


def ops_item(
    *,
    point: Any,
    delivery_point: Any = None,
    service: str = MailService.REGISTERED,
    accepted_at: dt.datetime = ACCEPTED_AT,
    tariff: Tariff | None = None,
    actor: Any = None,
    **fields: Any,
) -> PostalItem:
    """An item accepted at ``point`` (with its EMA event there), to be delivered by
    ``delivery_point``."""
    destination = delivery_point or point
    values: dict[str, Any] = {
        "province_code": point.province_code,
        "s10": s10_make(PREFIXES.get(service, "RR"), next(_serials)),
        "service": service,
        "accepted_point": point,
        "accepted_by": actor,
        "accepted_at": accepted_at,
        "accepted_on": accepted_at.astimezone(VIETNAM).date(),
        "sender_name": "Trần Thị Bình",
        "recipient_name": "Nguyễn Văn An",
        "recipient_phone": "0987654321",
        "recipient_address": "12 Lê Lợi",
        "recipient_commune": destination.commune,
        "recipient_province_code": destination.province_code,
        "delivery_point": destination,
        "weight_g": 250,
        "charged_weight_g": 250,
        "tariff": tariff or ops_tariff(service),
        "zone": Zone.PROVINCE,
        "price_base": 20_000,
        "price_vat": 1_600,
        "price_total": 21_600,
        "last_event_code": EventCode.EMA,
        "last_event_at": accepted_at,
    }
    if service == MailService.KT1:
        values["kt1_grade"] = "B"
    values.update(fields)
    item = PostalItem.objects.create(**values)
    TrackingEvent.objects.create(
        province_code=item.province_code,
        item=item,
        code=EventCode.EMA,
        occurred_at=accepted_at,
        point=point,
        office_code=point.code,
        actor=actor,
        source="counter",
    )
    return item


def round_deliver(
    items: list[PostalItem], *, postman: Any, at: dt.datetime, point: Any = None
) -> Any:
    """``items`` taken out on ``postman``'s round from ``point`` (their delivery office by
    default) an hour before ``at``, delivered at ``at`` against a signature with their COD
    collected, and the round closed: how an item that needs a proof is delivered (a scan
    cannot record its delivery)."""
    from buudien.mail.operations import services as operations

    delivery_round = operations.round_start(
        actor=postman,
        postman=postman,
        point=point or items[0].delivery_point,
        items=items,
        at=at - dt.timedelta(hours=1),
    )
    for attempt in delivery_round.attempts.select_related("item").order_by("id"):
        item = attempt.item
        operations.attempt_deliver(
            actor=postman,
            attempt=attempt,
            recipient_name=item.recipient_name,
            signature=SIGNED,
            cod_collected=0 if item.returning else item.cod_amount,
            at=at,
        )
    return operations.round_close(actor=postman, delivery_round=delivery_round, at=at)


def codes(item: PostalItem) -> list[str]:
    return list(item.events.order_by("occurred_at", "id").values_list("code", flat=True))


def post_json(client: Any, url: str, payload: Any = None) -> Any:
    return client.post(url, data=json.dumps(payload or {}), content_type="application/json")


def delete_json(client: Any, url: str) -> Any:
    return client.delete(url, content_type="application/json")


@pytest.fixture
def english(client: Any, settings: Any) -> Iterator[None]:
    """Messages in English, the source language, in services and pages alike: the tests
    read the same once a translator gives the pages their Vietnamese."""
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def tariffs(db: Any) -> dict[str, Tariff]:
    return {service: ops_tariff(service) for service in MailService.values}


@pytest.fixture
def centre(world: Any) -> Any:
    unit = UnitFactory(
        code="TTKT", name="Trung tâm khai thác", kind=UnitKind.CENTRE, parent=world.province
    )
    return PointFactory(
        code="240900",
        name="Trung tâm khai thác Lạng Sơn",
        kind=PointKind.CENTRE,
        unit=unit,
        commune=world.commune_a,
        opened_on=dt.date(2015, 1, 1),
    )


@pytest.fixture
def clerk_centre(centre: Any) -> Any:
    return UserFactory(username="clerk_c", role="clerk", unit=centre.unit, point=centre)


@pytest.fixture
def postman_b(world: Any) -> Any:
    return UserFactory(
        username="postman_b",
        full_name="Lý Văn Phát",
        role="postman",
        unit=world.unit_b,
        point=world.point_b,
    )


@pytest.fixture
def postman_a(world: Any) -> Any:
    return UserFactory(username="postman_a", role="postman", unit=world.unit_a, point=world.point_a)


@pytest.fixture
def kt1_b(world: Any) -> Any:
    """A second KT1 officer, at point B."""
    return UserFactory(
        username="kt1_b", role="kt1_operator", unit=world.province, point=world.point_b
    )


@pytest.fixture
def superuser(world: Any) -> Any:
    return UserFactory(
        username="root", role="admin", unit=world.province, is_superuser=True, is_staff=True
    )
