from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsuranceConfig(AppConfig):
    name = "buudien.insurance"
    label = "insurance"
    verbose_name = _("Insurance")

    def ready(self) -> None:
        from buudien.core.demo import DemoStep, register_demo_step
        from buudien.insurance import demo, demo_pace

        # After goods, before the cash closings: the premiums fill the drawers.
        register_demo_step(DemoStep(order=74, name="insurance.year", build=demo.build))
        # At a province's pace, after the ledger's: the rest of the year, through the bulk path.
        register_demo_step(DemoStep(order=87, name="insurance.pace", build=demo_pace.build))
