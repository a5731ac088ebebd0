"""Writes to people: users (members of staff) and API tokens; the workforce (staff without a
login, their codes, contracts and employment dates), which the personnel officer keeps too.

Users who log in, their roles and passwords are an administrator's (``user_*``). The
personnel officer (``Role.HR_OFFICER``) changes, within their subtree, the workforce fields
of anyone and the rest of a member of staff who never logs in (``staff_*``)."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Container
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buudien.core.audit import audit_record, snapshot
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.text import fold
from buudien.network.models import ServicePoint, Unit
from buudien.people import access
from buudien.people.choices import ContractType, Role
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


# --- the workforce ---------------------------------------------------------------------------

WORKFORCE_FIELDS = ["staff_code", "contract_type", "employed_from", "employed_until"]
# What else the personnel officer changes of a member of staff who never logs in.
PERSON_FIELDS = ["full_name", "unit", "point", "position", "phone"]
STAFF_SAFE = [*PERSON_FIELDS, "username", "role", *WORKFORCE_FIELDS]
STAFF_CODE_MAX = 20
_STAFF_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


def staff_code_problem(code: str, *, exclude: int | None = None) -> str | None:
    """What is wrong with a staff code (its form, or another person has it), or None."""
    if not code:
        return None
    if len(code) > STAFF_CODE_MAX or not _STAFF_CODE.match(code):
        return _("A staff code is up to %(max)d letters, digits, '-', '_' or '.'.") % {
            "max": STAFF_CODE_MAX
        }
    taken = User.objects.filter(staff_code=code)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        return _("The staff code %(code)s is someone else's.") % {"code": code}
    return None


def employment_problem(start: dt.date | None, end: dt.date | None) -> str | None:
    if start is not None and end is not None and end < start:
        return _("A person cannot leave before they start.")
    return None


def username_for(full_name: str, taken: Container[str]) -> str:
    """A user name in the house style ("Nguyễn Thị Lan" -> "lannt", then "lannt2" ...) that
    is not in ``taken``."""
    words = fold(full_name).split()
    base = re.sub(
        r"[^a-z0-9]", "", (words[-1] + "".join(w[0] for w in words[:-1])) if words else ""
    )
    base = base[:140] or "nv"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}{n}"
    return candidate


def _workforce_access(actor: Any, user: User | None = None) -> None:
    if actor is None:
        return
    access.require_workforce_manager(actor)
    if user is not None and (user.unit is None or not access.in_scope(actor, user.unit.path)):
        raise NotFound(_("No such user."))


def _check_workforce(user: User) -> None:
    problem = staff_code_problem(user.staff_code, exclude=user.pk)
    if problem:
        raise DomainError(problem, field="staff_code")
    if user.contract_type and user.contract_type not in ContractType.values:
        raise DomainError(_("Choose a contract type."), field="contract_type")
    problem = employment_problem(user.employed_from, user.employed_until)
    if problem:
        raise DomainError(problem, field="employed_until")


@transaction.atomic
def staff_create(
    *,
    actor: Any,
    full_name: str,
    unit: Unit,
    point: ServicePoint | None = None,
    role: str = Role.POSTMAN,
    position: str = "",
    phone: str = "",
    staff_code: str = "",
    contract_type: str = "",
    employed_from: dt.date | None = None,
) -> User:
    """A member of staff who never logs in (a postman, a BĐVHX's or an agent's staff): a
    user name is made from the name, the password is unusable. An administrator may give a
    login later (``user_update``)."""
    _workforce_access(actor)
    full_name = " ".join(full_name.split())
    if not full_name:
        raise DomainError(_("Give the person's full name."), field="full_name")
    if role not in Role.values or role == Role.ADMIN:
        raise DomainError(_("Choose the role of a member of staff."), field="role")
    _check_place(actor, unit, point)
    base = username_for(full_name, ())
    taken = set(User.objects.filter(username__startswith=base).values_list("username", flat=True))
    user = User(
        username=username_for(full_name, taken),
        full_name=full_name,
        role=role,
        unit=unit,
        point=point,
        position=position.strip(),
        phone=phone.strip(),
        staff_code=staff_code.strip(),
        contract_type=contract_type,
        employed_from=employed_from,
    )
    _check_workforce(user)
    user.set_unusable_password()
    user.save()
    audit_record(actor=actor, action="staff.create", obj=user, after=snapshot(user, STAFF_SAFE))
    return user


@transaction.atomic
def staff_update(*, actor: Any, user: User, **changes: Any) -> User:
    """Change the workforce fields of ``user`` and, of a member of staff without a login
    (or by an administrator), their name, unit, point, position and phone."""
    _workforce_access(actor, user)
    unknown = set(changes) - set(WORKFORCE_FIELDS) - set(PERSON_FIELDS)
    if unknown:
        raise DomainError(
            _("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    changes = {k: v.strip() if isinstance(v, str) else v for k, v in changes.items()}
    changed = {k for k, v in changes.items() if getattr(user, k) != v}
    if (
        changed & set(PERSON_FIELDS)
        and actor is not None
        and user.has_login
        and not access.can_manage_users(actor)
    ):
        raise AccessDenied(
            _("Only an administrator changes the name, place or position of a user who logs in.")
        )
    before = snapshot(user, STAFF_SAFE)
    for field, value in changes.items():
        setattr(user, field, value)
    if "full_name" in changes and not user.full_name:
        raise DomainError(_("Give the person's full name."), field="full_name")
    _check_place(actor, user.unit, user.point)
    _check_workforce(user)
    user.save()
    audit_record(
        actor=actor,
        action="staff.update",
        obj=user,
        before=before,
        after=snapshot(user, STAFF_SAFE),
    )
    return user


@transaction.atomic
def staff_leave(*, actor: Any, user: User, day: dt.date) -> User:
    """``user`` leaves: ``day`` is the first day they no longer work here. Their login, if
    they have one, is an administrator's to close."""
    _workforce_access(actor, user)
    if user.employed_until is not None:
        raise DomainError(
            _("%(name)s left on %(day)s already.")
            % {"name": user, "day": f"{user.employed_until:%d/%m/%Y}"},
            field="day",
        )
    problem = employment_problem(user.employed_from, day)
    if problem:
        raise DomainError(problem, field="day")
    user.employed_until = day
    user.save(update_fields=["employed_until"])
    audit_record(
        actor=actor, action="staff.leave", obj=user, after={"employed_until": day.isoformat()}
    )
    return user
