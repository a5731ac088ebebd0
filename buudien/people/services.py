"""Writes to people: users (members of staff) and API tokens."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buudien.core.audit import audit_record, snapshot
from buudien.core.errors import DomainError, NotFound
from buudien.network.models import ServicePoint, Unit
from buudien.people import access
from buudien.people.choices import Role
from buudien.people.models import ApiToken, User

USER_FIELDS = ["full_name", "role", "unit", "point", "position", "phone", "email", "is_active"]
SAFE = [
    "username",
    "full_name",
    "role",
    "unit_id",
    "point_id",
    "position",
    "phone",
    "email",
    "is_active",
    "is_staff",
]


def _check_place(actor: Any, unit: Unit | None, point: ServicePoint | None) -> None:
    if unit is None:
        raise DomainError(_("Every user belongs to a unit."), field="unit")
    if actor is not None and not access.in_scope(actor, unit.path):
        raise NotFound(_("No such unit."), field="unit")
    if point is not None and not point.unit_path.startswith(unit.path):
        raise DomainError(_("The service point must lie within the user's unit."), field="point")


def _check_password(password: str | None, user: User) -> None:
    if not password:
        return
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="password") from exc


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    full_name: str,
    role: str,
    unit: Unit,
    point: ServicePoint | None = None,
    position: str = "",
    phone: str = "",
    email: str = "",
    password: str | None = None,
) -> User:
    if actor is not None:
        access.require_user_manager(actor)
    username = username.strip().lower()
    if User.objects.filter(username=username).exists():
        raise DomainError(
            _("The user name %(name)s is taken.") % {"name": username}, field="username"
        )
    _check_place(actor, unit, point)
    user = User(
        username=username,
        full_name=full_name.strip(),
        role=role,
        unit=unit,
        point=point,
        position=position,
        phone=phone,
        email=email,
        is_staff=role == Role.ADMIN,
    )
    _check_password(password, user)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit_record(actor=actor, action="user.create", obj=user, after=snapshot(user, SAFE))
    return user


@transaction.atomic
def user_update(*, actor: Any, user: User, password: str | None = None, **changes: Any) -> User:
    if actor is not None:
        access.require_user_manager(actor)
        if user.unit is None or not access.in_scope(actor, user.unit.path):
            raise NotFound(_("No such user."))
    unknown = set(changes) - set(USER_FIELDS)
    if unknown:
        raise DomainError(
            _("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    if (
        actor is not None
        and user.pk == actor.pk
        and (changes.get("role", user.role) != user.role or changes.get("is_active") is False)
    ):
        raise DomainError(_("You cannot change your own role or disable yourself."))
    before = snapshot(user, SAFE)
    for field, value in changes.items():
        setattr(user, field, value.strip() if isinstance(value, str) else value)
    _check_place(actor, user.unit, user.point)
    user.is_staff = user.role == Role.ADMIN or user.is_superuser
    _check_password(password, user)
    if password:
        user.set_password(password)
    user.save()
    after = snapshot(user, SAFE)
    if password:
        after["password"] = "changed"
    audit_record(actor=actor, action="user.update", obj=user, before=before, after=after)
    return user


@transaction.atomic
def api_token_create(*, actor: Any, user: User, name: str) -> tuple[ApiToken, str]:
    """Make a token for ``user``; the returned key is shown once and never stored."""
    if actor is not None:
        access.require_user_manager(actor)
        if user.unit is None or not access.in_scope(actor, user.unit.path):
            raise NotFound(_("No such user."))
    key = "bd_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip() or "token", prefix=key[:8], key_hash=ApiToken.hash_key(key)
    )
    audit_record(actor=actor, action="token.create", obj=token, after={"user": user.username})
    return token, key


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    if actor is not None:
        access.require_user_manager(actor)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action="token.revoke", obj=token)
    return token
