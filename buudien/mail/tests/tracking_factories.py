"""Postal items for the tracking tests, made directly (not through acceptance)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from buudien.core.bizdays import VIETNAM
from buudien.core.s10 import s10_make
from buudien.mail.choices import MailService, Zone
from buudien.mail.models import PostalItem, Tariff

_serials = itertools.count(10_000_001)
ACCEPTED_AT = dt.datetime(2026, 3, 2, 8, 0, tzinfo=VIETNAM)


def tariff_for(service: str) -> Tariff:
    tariff, _ = Tariff.objects.get_or_create(
        service=service,
        valid_from=dt.date(2020, 1, 1),
        defaults={"name": f"Tariff {service}"},
    )
    return tariff


def item_make(
    *,
    point: Any,
    service: str = MailService.REGISTERED,
    s10: str | None = None,
    recipient_commune: Any = None,
    **fields: Any,
) -> PostalItem:
    prefix = {MailService.EMS: "EE", MailService.KT1: "KT", MailService.PARCEL: "CP"}.get(
        service, "RR"
    )
    values: dict[str, Any] = {
        "province_code": point.province_code,
        "s10": s10 or s10_make(prefix, next(_serials)),
        "service": service,
        "accepted_point": point,
        "accepted_at": ACCEPTED_AT,
        "accepted_on": ACCEPTED_AT.date(),
        "sender_name": "Trần Thị Bình",
        "sender_phone": "0912345678",
        "recipient_name": "Nguyễn Văn An",
        "recipient_phone": "0987654321",
        "recipient_address": "12 Lê Lợi",
        "recipient_commune": recipient_commune or point.commune,
        "recipient_province_code": point.province_code,
        "weight_g": 250,
        "charged_weight_g": 250,
        "tariff": tariff_for(service),
        "zone": Zone.PROVINCE,
        "price_base": 20_000,
        "price_vat": 1_600,
        "price_total": 21_600,
    }
    if service == MailService.KT1:
        values["kt1_grade"] = "B"
    values.update(fields)
    return PostalItem.objects.create(**values)
