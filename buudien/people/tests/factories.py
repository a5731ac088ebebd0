from __future__ import annotations

import factory

from buudien.people.choices import Role
from buudien.people.models import User

PASSWORD = "Bưu-điện-2026!"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    role = Role.CLERK
    password = factory.django.Password(PASSWORD)
