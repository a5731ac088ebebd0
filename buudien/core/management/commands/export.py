"""``buudien export KIND [-o FILE] [--format csv|xlsx]``: the rows of a kind, in the columns
its import reads, so an export can be edited and imported back."""

from __future__ import annotations

import io
import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from buudien.core.errors import DomainError
from buudien.core.imports import export_rows, kinds, write_csv, write_xlsx


def _language_from_argv(argv: list[str]) -> str:
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return settings.LANGUAGE_CODE


class Command(BaseCommand):
    help = gettext_noop(
        "Export the rows of one kind as CSV (to stdout by default) or .xlsx, in the columns "
        "its import reads."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.description = _(self.help)
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        exportable = ", ".join(kind.name for kind in kinds() if kind.exportable)
        parser.add_argument(
            "kind", metavar="KIND", help=_("what to export: %(kinds)s") % {"kinds": exportable}
        )
        parser.add_argument(
            "-o", "--output", metavar="FILE", help=_("write to FILE instead of stdout")
        )
        parser.add_argument(
            "--format",
            choices=["csv", "xlsx"],
            help=_("csv or xlsx (default: from the extension of FILE, else csv)"),
        )
        parser.add_argument(
            "--lang",
            choices=[code for code, _name in settings.LANGUAGES],
            help=_("language of the messages (default: %(default)s)")
            % {"default": settings.LANGUAGE_CODE},
        )

    def run_from_argv(self, argv: list[str]) -> None:
        with translation.override(_language_from_argv(argv)):
            super().run_from_argv(argv)

    def execute(self, *args: Any, **options: Any) -> str | None:
        with translation.override(options.get("lang") or settings.LANGUAGE_CODE):
            return super().execute(*args, **options)

    def handle(self, *args: Any, **options: Any) -> None:
        output: str | None = options["output"]
        fmt: str | None = options["format"]
        if fmt is None:
            fmt = "xlsx" if output and output.lower().endswith(".xlsx") else "csv"
        try:
            header, rows = export_rows(options["kind"])
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None

        if fmt == "xlsx":
            if output:
                write_xlsx(header, rows, output)
            else:
                binary = getattr(self.stdout._out, "buffer", None)
                if binary is None:
                    raise CommandError(_("An .xlsx export needs -o FILE."))
                buffer = io.BytesIO()
                write_xlsx(header, rows, buffer)
                self.stdout.flush()
                binary.write(buffer.getvalue())
                binary.flush()
        elif output:
            with open(output, "w", encoding="utf-8", newline="") as out:
                write_csv(header, rows, out, bom=True)
        else:
            text = io.StringIO()
            write_csv(header, rows, text)
            self.stdout.write(text.getvalue(), ending="")
        if output:
            self.stdout.write(
                _("%(count)d rows written to %(file)s")
                % {"count": len(rows), "file": os.path.basename(output)}
            )
