"""Worker processes of the PostgreSQL concurrency tests ('spawn': a fresh interpreter each,
with its own Django and its own database connection)."""

from __future__ import annotations

from typing import Any


def _setup(db_name: str) -> None:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buudien.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections

    settings.DATABASES["default"]["NAME"] = db_name
    connections["default"].settings_dict["NAME"] = db_name


def collect(
    db_name: str, user_id: int, partner_id: int, key: str, code: str, start: Any, results: Any
) -> None:
    """Collect one bill; put its reference, or the refusal."""
    _setup(db_name)
    from buudien.collection import services
    from buudien.collection.models import Partner
    from buudien.core.errors import DomainError
    from buudien.people.models import User

    user = User.objects.select_related("point").get(pk=user_id)
    partner = Partner.objects.get(pk=partner_id)
    start.wait()
    try:
        bill = services.bill_collect(
            actor=user,
            idempotency_key=key,
            partner=partner,
            customer_code=code,
            customer_name="Nguyễn Văn An",
            period="10/2026",
            amount=350_000,
        )
    except DomainError as exc:
        results.put(("refused", str(exc.message)))
    else:
        results.put(("bill", bill.reference))
