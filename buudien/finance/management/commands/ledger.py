"""``buudien ledger ACTION``: the ledger's maintenance work.

- ``rebuild-rollups [--province 20] [--from YYYY-MM-DD]``: recompute the daily rollups from
  the transfers (idempotent; each day under its lock, so it can run beside the counters).
- ``chart --province 20``: make the accounts of a province's chart that are missing.
- ``open-bank --province 20 --bank vietinbank --name "VietinBank - Chi nhánh Lạng Sơn …"``:
  open a bank account of the province (the only accounts the counters may hand cash to).
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rich.console import Console

from buudien.core.console import progress_bar
from buudien.core.errors import DomainError
from buudien.finance import banks, ledger


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("%(value)r is not a date (YYYY-MM-DD).") % {"value": value}) from None


class Command(BaseCommand):
    help = "The ledger: rebuild the daily rollups, post mail's bookings, make the chart."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        rebuild = actions.add_parser(
            "rebuild-rollups",
            help=str(gettext_lazy("recompute the daily rollups from the transfers (idempotent)")),
        )
        rebuild.add_argument("--province", metavar="CODE", help=str(gettext_lazy("one province")))
        rebuild.add_argument(
            "--from",
            dest="date_from",
            metavar="DATE",
            help=str(gettext_lazy("only days from DATE (YYYY-MM-DD)")),
        )
        chart = actions.add_parser(
            "chart", help=str(gettext_lazy("make the missing accounts of a province's chart"))
        )
        chart.add_argument("--province", metavar="CODE", required=True)
        bank = actions.add_parser(
            "open-bank", help=str(gettext_lazy("open a bank account of a province"))
        )
        bank.add_argument("--province", metavar="CODE", required=True)
        bank.add_argument(
            "--bank", metavar="CODE", required=True, help=str(gettext_lazy("its short code"))
        )
        bank.add_argument(
            "--name",
            required=True,
            help=str(gettext_lazy("the bank, the branch and the account number")),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out: TextIO = getattr(self.stdout, "_out", sys.stdout)
        console = Console(file=out, highlight=False)
        try:
            if options["action"] == "rebuild-rollups":
                self._rebuild(console, options)
            elif options["action"] == "chart":
                count = ledger.chart_ensure(province_code=options["province"])
                console.print(
                    _("Province %(p)s has %(n)d accounts.") % {"p": options["province"], "n": count}
                )
            elif options["action"] == "open-bank":
                account = banks.bank_open(
                    actor=None,
                    province_code=options["province"],
                    bank=options["bank"],
                    name=options["name"],
                )
                console.print(
                    _("Bank account %(code)s opened: %(name)s.")
                    % {"code": account.code, "name": account.name}
                )
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None

    def _rebuild(self, console: Console, options: dict[str, Any]) -> None:
        date_from = _date(options["date_from"]) if options.get("date_from") else None
        with progress_bar(console) as bar:
            task = bar.add_task(_("Rebuilding rollups"), total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            written = ledger.rollups_rebuild(
                province_code=options.get("province"), date_from=date_from, progress=progress
            )
        console.print(_("Rollup rows written: %(n)d") % {"n": written})
