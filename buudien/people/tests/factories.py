from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from buudien.people.choices import Role
from buudien.people.models import AverageIncome, User

PASSWORD = "Bưu-điện-2026!"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    role = Role.CLERK
    password = factory.django.Password(PASSWORD)


def staff_member(unit: Any, name: str, **fields: Any) -> User:
    """A member of staff without a login."""
    fields.setdefault("role", Role.POSTMAN)
    # The factory's password is hashed as given: None is the unusable password.
    return UserFactory(unit=unit, full_name=name, password=None, **fields)


def average_income(unit: Any, year: int, headcount: int, average: int) -> AverageIncome:
    return AverageIncome.objects.create(
        unit=unit,
        year=year,
        headcount=headcount,
        average_income=average,
        imported_at=dt.datetime(2027, 1, 5, tzinfo=dt.UTC),
    )
