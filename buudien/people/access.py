"""Who may see and do what. Every view, endpoint and service asks here.

Visibility is by unit subtree: a user sees what lies below the unit they belong to. What
they may change depends on their role as well. Outside the subtree an object is "not found",
so its existence is not revealed.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from buudien.core.errors import AccessDenied
from buudien.people.choices import Role

NETWORK_MANAGERS = frozenset({Role.ADMIN})
USER_MANAGERS = frozenset({Role.ADMIN})
# The workforce (staff codes, contracts, employment dates, staff without a login, the
# payroll's average income): the personnel officer keeps it; management and audit read it.
WORKFORCE_MANAGERS = frozenset({Role.ADMIN, Role.HR_OFFICER})
WORKFORCE_READERS = WORKFORCE_MANAGERS | {Role.DIRECTOR, Role.AUDITOR}


def _path(user: Any) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user.scope_path


def scope_q(user: Any, field: str) -> Q:
    """A filter on ``field`` (a path column) that keeps what ``user`` may see."""
    path = _path(user)
    if path is None:
        return Q(pk__in=[])
    if path == "":
        # Everything, as a condition of its own: an empty Q() would vanish from an OR
        # (Q() | Q(point=None) is Q(point=None)), and a superuser would see only the rest.
        return ~Q(pk__in=[])
    return Q(**{f"{field}__startswith": path})


def in_scope(user: Any, path: str) -> bool:
    scope = _path(user)
    return scope is not None and path.startswith(scope)


def visible(user: Any, queryset: QuerySet[Any], field: str) -> QuerySet[Any]:
    return queryset.filter(scope_q(user, field))


def user_province(user: Any) -> str:
    """The province the user works in: their point's, else their unit's ("" for the
    corporation's staff, who work in every province)."""
    point = getattr(user, "point", None)
    if point is not None:
        return str(point.province_code)
    unit = getattr(user, "unit", None)
    return str(getattr(unit, "province_code", "") or "")


def has_role(user: Any, roles: frozenset[str]) -> bool:
    if _path(user) is None:
        return False
    return bool(user.is_superuser or user.role in roles)


def can_manage_network(user: Any) -> bool:
    return has_role(user, NETWORK_MANAGERS)


def can_manage_users(user: Any) -> bool:
    return has_role(user, USER_MANAGERS)


def require_network_manager(user: Any) -> None:
    if not can_manage_network(user):
        raise AccessDenied(_("Only an administrator may change units and service points."))


def require_user_manager(user: Any) -> None:
    if not can_manage_users(user):
        raise AccessDenied(_("Only an administrator may manage users."))


def can_manage_workforce(user: Any) -> bool:
    return has_role(user, WORKFORCE_MANAGERS)


def can_read_workforce(user: Any) -> bool:
    return has_role(user, WORKFORCE_READERS)


def require_workforce_manager(user: Any) -> None:
    if not can_manage_workforce(user):
        raise AccessDenied(
            _("Only the personnel officer or an administrator may change the workforce.")
        )


def require_workforce_reader(user: Any) -> None:
    if not can_read_workforce(user):
        raise AccessDenied(
            _("Only personnel, management, audit and administrators read the workforce.")
        )
