from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayoutsConfig(AppConfig):
    name = "buudien.payouts"
    label = "payouts"
    verbose_name = _("Disbursements and pensions")

    def ready(self) -> None:
        from buudien.core.demo import DemoStep, register_demo_step
        from buudien.payouts import demo
        from buudien.payouts import importers as _importers  # noqa: F401  (registers "payout_list")

        register_demo_step(DemoStep(order=40, name="payouts.year", build=demo.build))
