from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from buudien.core.errors import NotFound
from buudien.core.text import fold
from buudien.people import access
from buudien.people.models import User


def user_list(*, user: Any, q: str = "", role: str = "", unit: str = "") -> QuerySet[User]:
    users = access.visible(user, User.objects.select_related("unit", "point"), "unit__path")
    if q:
        users = users.filter(Q(name_folded__contains=fold(q)) | Q(phone__contains=q.strip()))
    if role:
        users = users.filter(role=role)
    if unit:
        users = users.filter(unit__code=unit)
    return users.order_by("unit__path", "role", "full_name")


def user_get(*, user: Any, pk: int) -> User:
    found = User.objects.select_related("unit", "point").filter(pk=pk).first()
    if found is None or found.unit is None or not access.in_scope(user, found.unit.path):
        raise NotFound(_("No such user."))
    return found
