"""``buudien geography load [--province 20 ...]``: load the administrative geography."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buudien.core.console import console_for, progress_bar
from buudien.core.errors import DomainError
from buudien.network.geography import GeographyStats, geography_load


def stats_lines(stats: GeographyStats) -> list[str]:
    return [
        _("2025 structure: %(p)d provinces, %(c)d communes")
        % {"p": stats.provinces_2025, "c": stats.communes_2025},
        _("Legacy structure: %(p)d provinces, %(d)d districts, %(c)d communes")
        % {"p": stats.provinces_legacy, "d": stats.districts_legacy, "c": stats.communes_legacy},
        _("Successions: %(n)d") % {"n": stats.successions},
        _("Areas created: %(c)d, updated: %(u)d")
        % {"c": stats.areas_created, "u": stats.areas_updated},
        _("Successions created: %(c)d, updated: %(u)d, deleted: %(d)d")
        % {
            "c": stats.successions_created,
            "u": stats.successions_updated,
            "d": stats.successions_deleted,
        },
    ]


class Command(BaseCommand):
    help = (
        "Administrative geography (provinces, districts, communes, before and since 1 July "
        "2025) from the vietnam-provinces package."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        load = actions.add_parser(
            "load", help=str(gettext_lazy("load or refresh the geography (idempotent)"))
        )
        load.add_argument(
            "--province",
            action="append",
            dest="provinces",
            metavar="CODE",
            help=str(gettext_lazy("only this province (GSO code); may be repeated")),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load":
            self.load(options.get("provinces"), verbosity=int(options["verbosity"]))

    def load(self, provinces: list[str] | None, *, verbosity: int) -> None:
        console = console_for(self.stdout)
        try:
            if verbosity > 0:
                with progress_bar(console) as bar:
                    task = bar.add_task(_("Geography"), total=None)

                    def advance(step: str, done: int, total: int) -> None:
                        bar.update(
                            task,
                            description=_("Geography: %(step)s") % {"step": step},
                            completed=done,
                            total=total,
                        )

                    stats = geography_load(province_codes=provinces, progress=advance)
            else:
                stats = geography_load(province_codes=provinces)
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        if verbosity > 0:
            for line in stats_lines(stats):
                self.stdout.write(line)
