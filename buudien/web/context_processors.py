"""The navigation: each domain appears here once it is built, and only to who may use it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from buudien.people import access


@dataclass
class NavItem:
    label: str | Promise
    url: str
    active: bool


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    entries: list[tuple[Any, str, str]] = [
        (_("Home"), "web:home", "/"),
        (_("Units"), "network:tree", "/network/units"),
        (_("Service points"), "network:points", "/network/points"),
        (_("Mail"), "mail:items", "/mail/"),
        (_("Coverage"), "network:coverage", "/network/coverage"),
        (_("Staff"), "people:list", "/people/"),
    ]
    if access.can_manage_users(user):
        entries.append((_("Administration"), "admin:index", "/admin/"))
    path = request.path
    items = []
    for label, name, prefix in entries:
        active = path == "/" if prefix == "/" else path.startswith(prefix)
        items.append(NavItem(label, reverse(name), active))
    return {"nav_items": items}
