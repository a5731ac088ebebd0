"""``buudien report year --province CODE --year YYYY --format json|html|docx|xlsx [-o FILE]``:
the year-end report of a province (or of one unit of it, ``--unit``), from the console (which
sees everything). JSON goes to standard output unless ``-o`` names a file; the other formats
need ``-o`` (or go to standard output as bytes when it is a pipe)."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from buudien.core.errors import DomainError

FORMATS = ("json", "html", "docx", "xlsx")


class Command(BaseCommand):
    help = "Reports: `report year` writes the year-end report (json, html, docx or xlsx)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("report", choices=["year"], help="which report (year)")
        parser.add_argument("--province", required=True, help="GSO code of the province, e.g. 20")
        parser.add_argument("--year", required=True, type=int, help="the year, e.g. 2023")
        parser.add_argument("--unit", default=None, help="a unit of the province (default: all)")
        parser.add_argument("--format", dest="fmt", choices=FORMATS, default="json")
        parser.add_argument("-o", "--output", default=None, help="the file to write")
        parser.add_argument("--lang", default=None, help="language of the names (default vi)")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings

        from buudien.planning.selectors import year_report

        fmt: str = options["fmt"]
        output: str | None = options["output"]
        with translation.override(options["lang"] or settings.LANGUAGE_CODE):
            try:
                report = year_report(
                    user=None,
                    province_code=options["province"],
                    year=options["year"],
                    unit=options["unit"],
                )
                if fmt == "json":
                    data = json.dumps(report, ensure_ascii=False, indent=2).encode() + b"\n"
                else:
                    from buudien.planning.render import render_year_report

                    data = render_year_report(report, fmt)
            except DomainError as exc:
                raise CommandError(str(exc.message)) from exc
        if output:
            with open(output, "wb") as out:
                out.write(data)
            self.stderr.write(_("Written: %(file)s") % {"file": output})
        elif fmt in ("json", "html") or not sys.stdout.isatty():
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            raise CommandError(_("Give -o FILE for the %(format)s format.") % {"format": fmt})
