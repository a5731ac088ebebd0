"""Writing the audit log. Services call ``audit_record`` inside their own transaction."""

from __future__ import annotations

import getpass
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils import timezone

from buudien.core.bulk import insert_rows
from buudien.core.context import client_ip
from buudien.core.models import AuditEntry


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _who(actor: Any) -> tuple[Any, str, str | None]:
    """The user (None for a system's act), the name and the address an entry records."""
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    ip = client_ip.get()
    if is_user:
        actor_name = actor.get_username()
    elif ip is None:  # not in a request: the console (an import, the demo, a migration)
        actor_name = f"console:{_os_user()}"
    else:
        actor_name = ""
    return (actor if is_user else None), actor_name, ip


def _entry(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEntry:
    """The audit entry of one action, not saved yet."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    user, actor_name, ip = _who(actor)
    return AuditEntry(
        actor=user,
        actor_name=actor_name,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        ip=ip,
        before=before,
        after=after,
    )


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEntry:
    entry = _entry(
        actor=actor,
        action=action,
        obj=obj,
        before=before,
        after=after,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
    )
    entry.save()
    return entry


def audit_unsaved(
    *, actor: Any, action: str, obj: models.Model, after: dict[str, Any] | None = None
) -> AuditEntry:
    """The audit entry of an action on ``obj``, not saved yet: for a service that writes many
    at once (``AuditEntry.objects.bulk_create``), in its own transaction."""
    return _entry(actor=actor, action=action, obj=obj, after=after)


def audit_records(
    *, actor: Any, action: str, objs: Iterable[models.Model], after: dict[str, Any] | None = None
) -> list[AuditEntry]:
    """The same action on each of ``objs`` (a page of records read), in ONE insert."""
    entries = [_entry(actor=actor, action=action, obj=obj, after=after) for obj in objs]
    return AuditEntry.objects.bulk_create(entries) if entries else []


def audit_insert(
    *,
    action: str,
    model: type[models.Model],
    objects: Iterable[tuple[Any, Any, str, dict[str, Any] | None]],
) -> int:
    """The same action on many rows of ``model``, each given as ``(actor, pk, its text,
    after)``: what ``audit_record`` writes for each, in a few prepared INSERTs
    (``core.bulk``), for a service that records thousands of operations at once. The
    entries written."""
    now = timezone.now()
    label = model._meta.label_lower
    known: dict[Any, tuple[Any, str, str | None]] = {}

    def row(actor: Any, pk: Any, text: str, after: dict[str, Any] | None) -> dict[str, Any]:
        key = getattr(actor, "pk", None)
        if key not in known:
            known[key] = _who(actor)
        user, name, ip = known[key]
        return {
            "at": now,
            "actor_id": user.pk if user is not None else None,
            "actor_name": name,
            "action": action,
            "object_type": label,
            "object_id": str(pk),
            "object_repr": str(text)[:200],
            "ip": ip,
            "after": after,
        }

    return insert_rows(AuditEntry, (row(*one) for one in objects))


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The plain values of a row, for the before/after of an audit entry."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        value = field.value_from_object(obj)
        data[field.attname] = (
            value if isinstance(value, (int, str, bool, type(None))) else str(value)
        )
    return data
