"""``buudien demo``: the demo province, Lạng Sơn (20), built from a fixed seed.

It applies migrations, loads the geography of province 20, builds the network
(``buudien.network.demo``), runs the steps the other apps registered (``buudien.core.demo``)
and prints what was built and the demo accounts (``buudien.cli`` then serves). A province
already built is left alone and only its accounts are printed; ``--reset`` empties the
database and builds it again. The build's names stay importable from here (``__all__``).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rich.table import Table

from buudien.core.console import console_for, progress_bar
from buudien.core.demo import demo_steps
from buudien.network.demo import (
    DEMO_PASSWORD,
    FAMILY_NAMES,
    GIVEN_FEMALE,
    GIVEN_MALE,
    MIDDLE_FEMALE,
    MIDDLE_MALE,
    PROVINCE,
    PROVINCE_UNIT_CODE,
    SEED,
    STREETS,
    VILLAGES,
    DemoAccount,
    DemoSummary,
    commits_not_waiting_for_disk,
    demo_accounts,
    demo_build,
    demo_is_built,
    demo_network,
)
from buudien.network.geography import geography_load
from buudien.people.choices import Role

__all__ = [
    "DEMO_PASSWORD",
    "FAMILY_NAMES",
    "GIVEN_FEMALE",
    "GIVEN_MALE",
    "MIDDLE_FEMALE",
    "MIDDLE_MALE",
    "PROVINCE",
    "PROVINCE_UNIT_CODE",
    "SEED",
    "STREETS",
    "VILLAGES",
    "Command",
    "DemoAccount",
    "DemoSummary",
    "demo_accounts",
    "demo_build",
    "demo_is_built",
]


class Command(BaseCommand):
    help = (
        "Build the demo province (Lạng Sơn): geography, units, service points and staff. "
        "An existing demo is kept unless --reset is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help=str(
                gettext_lazy(
                    "empty the whole database and build the demo again (a demo database only: "
                    "the ledger and the audit log are append-only, so nothing less can go)"
                )
            ),
        )
        parser.add_argument(
            "--no-migrate",
            action="store_true",
            help=str(gettext_lazy("do not apply migrations first")),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        verbosity = int(options["verbosity"])
        console = console_for(self.stdout)
        steps = 4 + len(demo_steps())  # migrations, reset, geography, network, each step
        with progress_bar(console, enabled=verbosity > 0) as bar:
            task = bar.add_task(_("Demo"), total=steps)

            def report(text: str) -> None:
                bar.update(task, description=text, advance=1)

            if not options["no_migrate"]:
                report(_("Migrations"))
                call_command("migrate", interactive=False, verbosity=0)
            if options["reset"]:
                report(_("Deleting the previous demo"))
                # Posted ledger entries and audit entries are never deleted one by one; a demo
                # database is emptied whole instead.
                call_command("flush", interactive=False, verbosity=0)
            report(_("Geography of province %(code)s") % {"code": PROVINCE})
            with commits_not_waiting_for_disk():
                geography_load(province_codes=[PROVINCE])
                summary = demo_network(report=report)
                if summary.built:
                    for step in demo_steps():
                        summary.extra.append(step.build(seed=SEED, report=report))
            bar.update(task, completed=steps, description=_("Done"))
        if verbosity == 0:
            return
        elapsed = time.perf_counter() - started
        if summary.built:
            kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(summary.points_by_kind.items()))
            self.stdout.write(
                _(
                    "Demo province built in %(s).1f s: %(u)d units, %(p)d service points "
                    "(%(kinds)s), %(o)d services offered, %(n)d staff."
                )
                % {
                    "s": elapsed,
                    "u": summary.units,
                    "p": summary.points,
                    "kinds": kinds,
                    "o": summary.services,
                    "n": summary.users,
                }
            )
            for line in summary.extra:
                if line:
                    self.stdout.write(str(line))
        else:
            self.stdout.write(_("The demo province is already built; --reset builds it again."))
        console.print(self._accounts_table(summary.accounts))

    @staticmethod
    def _accounts_table(accounts: Iterable[DemoAccount]) -> Table:
        labels = dict(Role.choices)
        table = Table(title=_("Demo accounts"), title_justify="left")
        for column in (_("Username"), _("Role"), _("Unit"), _("Point"), _("Password")):
            table.add_column(column)
        for account in accounts:
            table.add_row(
                account.username,
                str(labels.get(account.role, account.role)),
                account.unit,
                account.point,
                DEMO_PASSWORD,
            )
        return table
