"""Every admin screen of a province's rows shows an administrator the rows of their own
provinces only, whatever Django permissions they hold; a superuser sees all.

The walk takes every registered ModelAdmin whose model has a ``province_code`` (or reaches one
through its foreign keys), over the demo province (Lạng Sơn, 20, a tiny year): an administrator
of another province (Cao Bằng, 04) finds none of its rows in the changelist and opens none of
their change pages; the demo's own administrator does find them. A model the demo leaves empty
is still checked: the administrator of 04 is asked for another query than the superuser's. An
admin added later without the limit fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db.models import Model, QuerySet
from django.test import Client, RequestFactory
from django.urls import reverse

from buudien.network.demo import PROVINCE
from buudien.network.tests.test_demo import TINY_YEAR
from buudien.people.admin_scope import province_lookup

pytestmark = pytest.mark.django_db

OTHER = "04"
# The country's reference tables, read alike by every province: the geography and the
# communes of the remote-area surcharge.
NATIONAL = {"network.AdminArea", "network.CommuneChange", "mail.RemoteCommune"}


def _walked() -> list[tuple[str, str]]:
    labels = []
    for model in admin.site._registry:
        label = model._meta.label
        if label in NATIONAL:
            continue
        path = province_lookup(model)
        if path:
            labels.append((label, path))
    return sorted(labels)


WALKED = _walked()


@pytest.fixture(scope="module")
def people(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """The demo province built once; its administrator, one of Cao Bằng and a superuser,
    the administrators holding every Django permission (the limit is not theirs to lift)."""
    from buudien.network.choices import UnitKind
    from buudien.network.models import Unit
    from buudien.network.tests.factories import UnitFactory
    from buudien.people.models import User
    from buudien.people.tests.factories import UserFactory

    with pytest.MonkeyPatch.context() as env, django_db_blocker.unblock():
        for name, value in TINY_YEAR.items():
            env.setenv(name, value)
        call_command("demo", "--no-migrate", verbosity=0)
        corporation = Unit.objects.get(kind=UnitKind.CORPORATION)
        other = UnitFactory(
            code=f"BDT{OTHER}", kind=UnitKind.PROVINCE, parent=corporation, province_code=OTHER
        )
        everything = list(Permission.objects.all())
        users = {
            "own": User.objects.get(username="admin"),
            "other": UserFactory(username="admin04", role="admin", unit=other, is_staff=True),
            "root": UserFactory(username="root", role="admin", is_staff=True, is_superuser=True),
        }
        for user in users.values():
            user.user_permissions.set(everything)
        yield users
        call_command("flush", interactive=False, verbosity=0)


def _queryset(model: type[Model], user: Any) -> QuerySet[Any]:
    request = RequestFactory().get("/admin/")
    request.user = user
    return admin.site._registry[model].get_queryset(request)


@pytest.mark.parametrize(("label", "path"), WALKED, ids=[label for label, _ in WALKED])
def test_an_administrator_sees_only_the_rows_of_their_province(
    people: dict[str, Any], label: str, path: str
) -> None:
    from django.apps import apps

    model = apps.get_model(label)
    ours = {path: PROVINCE}
    rows = model._default_manager.filter(**ours)
    other = people["other"]
    assert str(_queryset(model, other).query) != str(_queryset(model, people["root"]).query), (
        f"{label}: the admin asks the same rows for Cao Bằng's administrator as for a superuser"
    )

    client = Client()
    client.force_login(other, backend="django.contrib.auth.backends.ModelBackend")
    info = (model._meta.app_label, model._meta.model_name)
    listed = client.get(reverse("admin:{}_{}_changelist".format(*info)))
    assert listed.status_code in (200, 403), (label, listed.status_code)
    if listed.status_code == 200:
        assert not listed.context["cl"].queryset.filter(**ours).exists(), (
            f"{label}: Cao Bằng's administrator lists rows of Lạng Sơn"
        )
    first = rows.order_by("pk").first()
    if first is None:
        return
    opened = client.get(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    assert opened.status_code != 200, f"{label}: Cao Bằng's administrator opens row {first.pk}"

    assert _queryset(model, people["root"]).filter(**ours).count() == rows.count(), label
    assert _queryset(model, people["own"]).filter(**ours).exists(), (
        f"{label}: Lạng Sơn's administrator does not see the province's rows"
    )
