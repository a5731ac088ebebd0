"""People: every member of staff is a user (a postman without a login has no usable password).

A user belongs to one unit and has one role; the unit's subtree is all they may see.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from buudien.core.text import fold
from buudien.people.choices import Role


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    name_folded = models.CharField(max_length=150, db_index=True, editable=False, default="")
    role = models.CharField(_("role"), max_length=16, choices=Role, default=Role.CLERK)
    unit = models.ForeignKey(
        "network.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    point = models.ForeignKey(
        "network.ServicePoint",
        verbose_name=_("service point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_("The service point where the person works, if they work at a counter."),
    )
    position = models.CharField(_("position"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_folded = fold(f"{self.full_name} {self.username}")
        super().save(*args, **kwargs)

    @property
    def scope_path(self) -> str | None:
        """The path prefix of everything this user may see; None means nothing."""
        if self.is_superuser:
            return ""
        return self.unit.path if self.unit_id and self.unit else None


class ApiToken(models.Model):
    """A bearer token for a machine client (a scanner, another system), acting as its user.

    Only a hash is stored; the token itself is shown once when it is made.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()
