"""``buudien mail ACTION``: mail's maintenance work.

- ``rebuild-delivery-rollup [--province 20]``: recompute the delivery rollup (items delivered
  and delivered on time per day, delivery office and service) from the items (idempotent).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buudien.mail.tracking.rollup import delivery_rollup_rebuild


class Command(BaseCommand):
    help = "Mail: rebuild the delivery rollup."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        rebuild = actions.add_parser(
            "rebuild-delivery-rollup",
            help=str(gettext_lazy("recompute the delivery rollup from the items (idempotent)")),
        )
        rebuild.add_argument("--province", metavar="CODE", help=str(gettext_lazy("one province")))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rebuild-delivery-rollup":
            written = delivery_rollup_rebuild(province_code=options.get("province"))
            self.stdout.write(_("Delivery rollup rows written: %(n)d") % {"n": written})
