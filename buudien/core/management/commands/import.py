"""``buudien import KIND FILE [--dry-run]``: import a CSV or .xlsx file, all or nothing.

On success one line of counts; on failure one line per problem on stderr ("row 3, column
commune_code: unknown commune 99999 in the 2025 structure") and a non-zero exit status.
``--help`` lists every kind with its columns.
"""

from __future__ import annotations

import argparse
import os
import textwrap
from typing import Any

from django.conf import settings
from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    DjangoHelpFormatter,
)
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from buudien.core.console import console_for, progress_bar
from buudien.core.errors import DomainError
from buudien.core.imports import ImportFailed, describe_kinds, import_file


class HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Django's ordering of options, with the epilog (the kinds and columns) kept as written."""


def language_from_argv(argv: list[str]) -> str:
    """The ``--lang`` of a command line, before argparse has read it (for ``--help``)."""
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return settings.LANGUAGE_CODE


class Command(BaseCommand):
    help = gettext_noop(
        "Import a CSV (UTF-8, ',' or ';') or .xlsx file of one kind, all or nothing: a file with "
        "any problem changes nothing, and every problem is listed with its row and column."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        kwargs.setdefault("formatter_class", HelpFormatter)
        kwargs.setdefault("epilog", _("Kinds and their columns:") + "\n\n" + describe_kinds())
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.description = textwrap.fill(_(self.help), 100)
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", metavar="KIND", help=_("what the file holds, e.g. points"))
        parser.add_argument("file", metavar="FILE", help=_("the .csv or .xlsx file"))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("check the file and count what would change, but write nothing"),
        )
        parser.add_argument(
            "--lang",
            choices=[code for code, _name in settings.LANGUAGES],
            help=_("language of the messages (default: %(default)s)")
            % {"default": settings.LANGUAGE_CODE},
        )

    def run_from_argv(self, argv: list[str]) -> None:
        with translation.override(language_from_argv(argv)):
            super().run_from_argv(argv)

    def execute(self, *args: Any, **options: Any) -> str | None:
        with translation.override(options.get("lang") or settings.LANGUAGE_CODE):
            return super().execute(*args, **options)

    def handle(self, *args: Any, **options: Any) -> None:
        kind: str = options["kind"]
        path: str = options["file"]
        if not os.path.isfile(path):
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        console = console_for(self.stdout)
        try:
            with progress_bar(console) as bar:
                task = bar.add_task(_("Import"), total=3)

                def progress(step: str, done: int, total: int) -> None:
                    bar.update(task, description=str(step), completed=done, total=total)

                result = import_file(kind, path, dry_run=options["dry_run"], progress=progress)
        except ImportFailed as exc:
            for line in exc.lines():
                self.stderr.write(line)
            raise CommandError(str(exc.message)) from None
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None
        name = os.path.basename(path)
        if options["dry_run"]:
            self.stdout.write(
                _("%(file)s (%(kind)s), dry run, nothing written: %(result)s")
                % {"file": name, "kind": kind, "result": result}
            )
        else:
            self.stdout.write(
                _("%(file)s (%(kind)s): %(result)s")
                % {"file": name, "kind": kind, "result": result}
            )
