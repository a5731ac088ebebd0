"""``buudien care ACTION``: the daily work of customer care.

- ``escalate [--province 20]``: hand every open request whose legal deadline is 7 days away
  or past, and not handed up yet, to the unit above (run it every morning, e.g. from cron).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buudien.care.services import escalate_due
from buudien.network.choices import UnitKind
from buudien.network.models import Unit


class Command(BaseCommand):
    help = "Customer care: escalate the requests whose deadline nears."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        escalate = actions.add_parser(
            "escalate",
            help=str(gettext_lazy("hand the requests whose deadline nears to the unit above")),
        )
        escalate.add_argument("--province", metavar="CODE", help=str(gettext_lazy("one province")))

    def handle(self, *args: Any, **options: Any) -> None:
        provinces = (
            [options["province"]]
            if options.get("province")
            else list(
                Unit.objects.filter(kind=UnitKind.PROVINCE)
                .exclude(province_code="")
                .values_list("province_code", flat=True)
            )
        )
        for province in provinces:
            codes = escalate_due(province_code=province)
            self.stdout.write(
                _("Province %(province)s: %(n)d requests escalated %(codes)s")
                % {"province": province, "n": len(codes), "codes": " ".join(codes)}
            )
