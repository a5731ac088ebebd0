from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from buudien.people.models import User
from buudien.people.services import api_token_create


class Command(BaseCommand):
    help = "Make an API token for a user (a scanner, another system). It is printed once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="token", help="what the token is for")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        _, key = api_token_create(actor=None, user=user, name=options["name"])
        self.stdout.write(key)
