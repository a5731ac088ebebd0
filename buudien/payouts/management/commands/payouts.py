"""``buudien payouts``: payers and monthly payout lists at the console.

- ``buudien payouts import FILE --payer bhxh --period 2026-11 [--province 20] [--reference R]
  [--dry-run]``: import a payer's list, all or nothing (one line per problem on failure);
- ``buudien payouts close LIST_CODE [--province 20]``: close a list, returning its unpaid
  lines to the payer;
- ``buudien payouts payer CODE --name NAME --service pension|disbursement --province 20
  [--bank bidv] [--per-line 2000] [--rate-bp 50]``: make or change a payer;
- ``buudien payouts lists [--province 20]``: the lists and their progress.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from buudien.core.errors import DomainError
from buudien.core.imports import ImportFailed
from buudien.core.money import format_vnd
from buudien.payouts import services
from buudien.payouts.choices import PayoutService
from buudien.payouts.importers import list_import_file
from buudien.payouts.models import Payer, PayoutList
from buudien.payouts.selectors import _with_progress


class Command(BaseCommand):
    help = "Payers and monthly payout lists (pensions, disbursements): import, close, list."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import a payer's monthly list (CSV or .xlsx)")
        imp.add_argument("file", metavar="FILE")
        imp.add_argument("--payer", required=True, help="the payer's code")
        imp.add_argument("--period", required=True, help="the month paid, YYYY-MM")
        imp.add_argument("--province", default="", help="the province code (when ambiguous)")
        imp.add_argument("--reference", default="", help="the payer's number of the list")
        imp.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        close = sub.add_parser("close", help="close a list, returning its unpaid lines")
        close.add_argument("code", metavar="LIST_CODE")
        close.add_argument("--province", default="")
        payer = sub.add_parser("payer", help="make or change a payer")
        payer.add_argument("code")
        payer.add_argument("--name", required=True)
        payer.add_argument("--service", required=True, choices=PayoutService.values)
        payer.add_argument("--province", required=True, help="the province code, e.g. 20")
        payer.add_argument("--bank", default="bidv")
        payer.add_argument("--per-line", type=int, default=0, help="commission per line, đồng")
        payer.add_argument("--rate-bp", type=int, default=0, help="commission, 1/100 of a %%")
        lists = sub.add_parser("lists", help="the lists and their progress")
        lists.add_argument("--province", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            actions = {
                "import": self._import,
                "close": self._close,
                "payer": self._payer_action,
                "lists": self._lists,
            }
            actions[options["action"]](options)
        except ImportFailed as exc:
            for line in exc.lines():
                self.stderr.write(line)
            raise CommandError(str(exc.message)) from None
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None

    def _payer(self, code: str, province: str) -> Payer:
        payers = Payer.objects.filter(code=code)
        if province:
            payers = payers.filter(province_code=province)
        found = list(payers[:2])
        if not found:
            raise CommandError(_("No payer %(code)s.") % {"code": code})
        if len(found) > 1:
            raise CommandError(
                _("Payer %(code)s is in several provinces: --province.") % {"code": code}
            )
        return found[0]

    def _import(self, options: dict[str, Any]) -> None:
        path = options["file"]
        if not os.path.isfile(path):
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        payer = self._payer(options["payer"], options["province"])
        try:
            period = services.period_parse(options["period"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        result = list_import_file(
            path,
            actor=None,
            payer=payer,
            period=period,
            reference=options["reference"],
            dry_run=options["dry_run"],
        )
        if result is None:
            self.stdout.write(
                _("%(file)s: the list is good; dry run, nothing written.")
                % {"file": os.path.basename(path)}
            )
            return
        self.stdout.write(
            _("%(file)s: list %(code)s, %(lines)d lines, %(total)s, funded on the ledger.")
            % {
                "file": os.path.basename(path),
                "code": result.code,
                "lines": result.line_count,
                "total": format_vnd(result.total_amount),
            }
        )

    def _close(self, options: dict[str, Any]) -> None:
        lists = PayoutList.objects.filter(code=options["code"])
        if options["province"]:
            lists = lists.filter(province_code=options["province"])
        found = lists.first()
        if found is None:
            raise CommandError(_("No payout list %(code)s.") % {"code": options["code"]})
        closed = services.list_close(actor=None, list_id=found.pk)
        self.stdout.write(
            _("List %(code)s closed: %(count)d lines (%(amount)s) returned to the payer.")
            % {
                "code": closed.code,
                "count": closed.returned_count,
                "amount": format_vnd(closed.returned_amount),
            }
        )

    def _payer_action(self, options: dict[str, Any]) -> None:
        payer = services.payer_save(
            actor=None,
            province_code=options["province"],
            code=options["code"],
            name=options["name"],
            service=options["service"],
            bank=options["bank"],
            commission_per_line=options["per_line"],
            commission_rate_bp=options["rate_bp"],
        )
        self.stdout.write(f"{payer.code}: {payer.name} ({payer.get_service_display()})")

    def _lists(self, options: dict[str, Any]) -> None:
        lists = PayoutList.objects.select_related("payer")
        if options["province"]:
            lists = lists.filter(province_code=options["province"])
        for item in _with_progress(lists).order_by("-period", "code")[:200]:
            self.stdout.write(
                f"{item.code}  {item.period:%m/%Y}  {item.status:<6}  {item.payer.name}: "
                f"{item.paid_count}/{item.line_count} "  # type: ignore[attr-defined]
                f"{format_vnd(item.paid_amount)} / {format_vnd(item.total_amount)}"  # type: ignore[attr-defined]
            )
