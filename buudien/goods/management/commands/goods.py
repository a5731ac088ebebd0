"""``buudien goods ACTION``: the maintenance work of goods.

- ``rebuild-rollup [--province 20]``: recompute the goods rollup (sales and returns per day,
  point, product group and supplier mode) from the sales and returns (idempotent).
- ``verify-stock [--province 20]``: check that every stock level is the sum of its movements;
  each (point, product) that is not is printed, and the command fails.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buudien.goods.rollup import goods_rollup_rebuild
from buudien.goods.stock import stock_verify


class Command(BaseCommand):
    help = "Goods: rebuild the rollup, verify the stock."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        rebuild = actions.add_parser(
            "rebuild-rollup",
            help=str(gettext_lazy("recompute the goods rollup from the sales (idempotent)")),
        )
        verify = actions.add_parser(
            "verify-stock",
            help=str(gettext_lazy("check that the stock is the sum of its movements")),
        )
        for sub in (rebuild, verify):
            sub.add_argument("--province", metavar="CODE", help=str(gettext_lazy("one province")))

    def handle(self, *args: Any, **options: Any) -> None:
        province = options.get("province")
        if options["action"] == "rebuild-rollup":
            written = goods_rollup_rebuild(province_code=province)
            self.stdout.write(_("Goods rollup rows written: %(n)d") % {"n": written})
            return
        wrong = stock_verify(province_code=province)
        for one in wrong:
            self.stdout.write(
                _("Point %(point)s, product %(product)s: level %(level)s, movements %(moves)s")
                % {
                    "point": one.point_id,
                    "product": one.product_id,
                    "level": one.level,
                    "moves": one.movements,
                }
            )
        if wrong:
            raise CommandError(_("The stock does not agree with its movements."))
        self.stdout.write(_("The stock agrees with its movements."))
